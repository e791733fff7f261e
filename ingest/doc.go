// Package ingest turns an untrusted performance return into checked,
// normalised rows in the warehouse, or into a report that lists every
// problem in it.
//
// A return is a CSV file: UTF-8 with or without a byte-order mark, or
// Windows-1252; comma, semicolon or tab delimited; CRLF or LF line ends;
// optionally with preamble rows above the header. Headers are matched to
// the canonical columns through the aliases in package schemas, or through
// a mapping file for other layouts, including wide files with one column
// per metric. Each row is checked against the metric catalogue and the
// register of councils; the report gives every problem with its line (as a
// text editor numbers it), column, field, value, a code, a message and a
// hint on how to fix it.
//
// The door is narrow on purpose. Only English councils send returns, and
// only for services they have the responsibility for, as the catalogue
// says (a district council has no social care, a county council collects
// no waste); a code for England, a region or a ward is an error that says
// what the code is. Counts and values are bounded (schemas.MaxCount,
// MaxCountSum, MaxValue), so no return can make publish's sums overflow. A
// figure split across two cells at an unquoted thousands separator is an
// error, not a smaller figure and a note. IngestFile reads only regular
// files, refusing folders, devices and named pipes before opening them;
// every return is at most Options.MaxBytes (DefaultMaxBytes, 2 GiB); and
// reading honours the context even while the return's writer is silent.
//
// A provider is named by its id (a CQC provider or location id, an Ofsted
// URN, GB-COH-…, GB-CHC-…, or the council's own LOCAL-<council>-<ref>,
// valid only in that council's rows). A row that gives only the
// provider's name is linked first to the id another line of the same
// return gives that name in the same council (compared as normaliseName
// compares them), whether that line comes before or after it: the row is
// stored under that id, with a provider_matched_in_return warning, once
// per name, naming the line (and the register's entry of the name, if it
// is another id). A name the return gives two ids is
// provider_name_ambiguous, naming both lines. So that the order of the
// lines does not matter, such rows are held until the return has been read
// and decided then, those with other errors too, so that every problem of
// a row is reported in one round (see names.go). Each held row keeps its
// own copy of its fields, and at most 16,384 rows or 32 MiB of them are
// held; past that a row is decided as it comes, its error's hint says to
// give the id another line gives, and a later line giving its name another
// id is an error naming it. At most 131,072 names' ids are remembered;
// past that a row whose name the return may have given an id is refused
// (provider_id_missing, saying the return names too many providers to
// match names to ids) rather than matched through the register, which
// could split one provider across two ids. A name the return never gives an id is
// matched against the data folder's provider register
// (providers/register.parquet, built by yardstick providers
// import|rebuild; read with parquet-go the first time such a row comes,
// and only its names, aliases, locations, their trading names and
// councils), on the key
// normaliseName gives: case, punctuation, "Ltd"/"Limited", "&"/"and" and
// a leading "The" do not count, every other word does. Only entries with
// a location in the row's council are candidates. One entry of that name
// there (or a provider and its own locations of its name, when the
// provider is linked) links the row: it is stored under that entry's id,
// and the report says so once per name (provider_matched_by_name, a
// warning giving the id to add). Several entries of that name in the
// council (two providers, two homes of one provider, or a home
// re-registered under a new provider and a new location id), or that name
// only in other councils, are never linked: the row is an error
// (provider_name_ambiguous, provider_name_outside_area) naming each
// candidate with its id, kind, provider or operator, and council, since
// an accepted row without an id would have no provider to be published
// under, and a guess could merge two organisations. A name the register lacks, or any name when the data
// folder has no register, is provider_id_missing as before; its hint
// names the register's entries of a near name in the council (the same
// name with another legal form, or the organisation that runs a home),
// which are suggested, never linked.
//
// A submission is all or nothing. The file is stored exactly as received
// with its manifest and report whether it is accepted or rejected; rows of
// an accepted file are written as Parquet to the Hive-partitioned warehouse,
// one file per period: warehouse/observations/period=P/<submission>_<C>.parquet
// when the return has rows of one council C in that period, and
// period=P/<submission>.parquet, sorted by council in row groups of 4,096
// rows, when it has several (layout 2, recorded in warehouse/layout.json;
// a warehouse still in layout 1, period=P/council=C/<submission>.parquet,
// is refused until yardstick warehouse migrate has moved it, see
// migrate.go). Nothing is written to the warehouse until every row has
// passed, and every file is written to a temporary name, synced and
// renamed into place.
//
// A return replaces the council's earlier return for each period and
// service it covers as a whole, since publish takes the latest accepted
// submission for each council, period and service. Ingest compares an
// accepted return with the current rows of each council and period it
// has rows for, listing each period folder once, and warns
// (withdraws_rows) when it leaves some of them out; a file of several
// councils is read only in the row groups whose council_code bounds admit
// the council. The
// same bytes sent again are a duplicate while the earlier submission's
// outcome stands; sent again after a later return replaced them, or after
// the catalogue's rules changed, they are stored as a new submission, which
// is how a council undoes a mistaken correction (current_again).
//
// A crash (kill -9, a power cut) at any step leaves no warehouse file that
// publish or any other reader of the Hive folder could count without its
// submission: a submission is assembled in submissions/.incoming/<id>/
// under a lock, its Parquet files are renamed into the warehouse, its
// manifest written and its hash indexed (side by side, since each waits on
// the disk), and only once all of them are synced is its folder renamed
// into place. The next ingest (or RemoveLeftovers) removes what an
// ingest that died left, and a file sent again after a crash is stored
// once (see recover.go).
//
// Decoding streams: the file is read once, as it is stored and hashed;
// each record's fields fill a row without reflection. A return larger
// than the 128 KiB read to find its header is decoded on a goroutine of
// its own, a batch of rows at a time, while the checks run on the
// caller's (ahead.go), with the same rows and problems in the same order.
// Accepted rows are spilled in a compact form to a temporary file and
// written out period by period: a period whose rows the return has left
// is written while checking goes on, and a period of several councils
// whose councils come in order, as in a national file grouped by
// council, is written a council at a time as the rows move on from each
// (stream.go). The keys the duplicate-row check remembers go to a file of
// runs once there are more than a quarter of a million (dupindex.go), so
// memory stays bounded however large the file.
package ingest
