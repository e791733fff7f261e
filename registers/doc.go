// Package registers reads the provider registers the regulators publish
// (the CQC care directory and its ratings extracts, and Ofsted's
// children's social care provider lists) and builds Yardstick's provider
// register from them. It is the only importer of gocsv.
//
// # Reading a register
//
// A register is a CSV file as a regulator, or a council copying one,
// publishes it: UTF-8 with or without a byte-order mark, UTF-16 with one,
// or Windows-1252 (a byte that is not UTF-8 is read as Windows-1252, the
// rest of the text as UTF-8); comma, semicolon or tab delimited; title and note rows above the header;
// a header of one row, or of two (a group heading over the columns' own);
// header cells with line breaks; columns renamed from one year to the
// next; empty columns and rows at the end. Parse finds the header among
// the first 50 rows by matching its cells, compared by letters and digits
// alone, against a table of the spellings each field has had (fields.go),
// some of them only for one regulator's registers. A header is a row (or
// two) naming an identifier (a CQC location or provider id, or an Ofsted
// URN) and at least one other field; where several columns could hold a
// field, the spelling earlier in the table wins. A file whose header is
// not found is rejected with an error naming the columns of its likeliest
// header and showing a mapping file (Mapping, JSON) that loads it. The
// matched columns, renamed to their fields, are decoded by gocsv; a field
// the file lacks is listed in the report's layout as missing rather than
// silently left blank, and a panic in gocsv is an error, not a crash.
//
// A file with both regulators' id columns (a council's own list of the
// homes it uses) is read as both's: each row is CQC's if it gives a CQC
// id, else Ofsted's (Layout.Regulator is cqc+ofsted).
//
// Each row is checked: identifiers (CQC ids 1-…, or for the NHS the
// organisation codes CQC gives trusts and their sites, three to six letters
// and digits such as RX2G9; URNs SC123456 or 2611190, Companies House
// numbers, written GB-COH-…, charity numbers, GB-CHC-…); names, where
// REDACTED (Ofsted withholds the names of small children's homes) is no
// name; the sector word of each register, mapped to public, voluntary,
// private or plc ("For-profit" and "Private" are private, or plc for a name
// ending in plc; "Third sector" and "Voluntary" are voluntary; "Local
// Authority", "NHS", "Health Authority" and "Academy" are public; CQC's
// "Organisation", which says none, is voluntary for a provider with a
// charity number and private, or plc, for one with a Companies House number
// alone, the word kept recording which); the rating, in either regulator's
// words (Ofsted's "Requires improvement to be good" is Requires
// improvement); dates, day first (31/03/2023) or ISO; the council, by GSS
// code or, where the code is missing or malformed, by name. A row without a
// valid identifier is left out, and a fact in a form not understood is left
// out of its row, each with a warning: one odd cell in a national register
// of thousands of rows does not stop the rest. Only a file that cannot be
// read as a register at all is rejected.
//
// A file is read a batch of rows at a time, and within limits that bound
// what one import costs: at most MaxBytes (100 MB), MaxRows (1,000,000)
// rows, MaxColumns (1,000) columns in a row, not counting the empty ones at
// its end, and MaxLineBytes (256 KB) in a line. A file past one is
// rejected with an error saying which. The error for an unknown layout
// names the first 40 columns of the likeliest header.
//
// # The as-at day
//
// Each import has the day the register describes, its as-at day: given at
// import (yardstick providers import --as-at), else the mapping's as_at,
// else its title's ("as at 31 March 2023"), else the day it was received,
// with a warning saying so. An as-at day after the day the file was
// received is an error: a register describes a day that has been, and a
// file dated in the future would otherwise outrank every later one.
//
// # Keeping imports
//
// Store.Import keeps each file exactly as received, like a submission:
// providers/imports/<import-id>/ holds the file, the mapping it was read
// with (mapping.json), manifest.json (sha256, size, received_at, status,
// the as-at day found and the one given) and report.json, and is assembled
// in a hidden folder and renamed into place. Rejected files are kept too.
// The same bytes read the same way (the same mapping and as-at day given)
// imported again are a duplicate and not stored twice; a duplicate of a
// rejected import is checked again, its report giving the problems again,
// and kept anew if it now reads. Each import and rebuild first removes
// what one that died left (a hidden import folder, the register's
// temporary files), under the lock they all take.
//
// # The register
//
// Store.Rebuild reads every accepted import again, one at a time, and
// writes providers/register.parquet, one row per provider (Provider). A
// kept file or mapping whose SHA-256 is no longer the one its manifest
// recorded stops the rebuild with an error naming the import; an import
// that no longer reads cleanly (after a change to how a layout is read) is
// left out whole, and named. A rebuild holds the register it is building,
// one kept file (at most 100 MB) and a batch of its rows, never the rows of
// every import. Rows are grouped into providers without ever joining two
// CQC providers: a row with a CQC provider id is that provider's; a CQC
// location or Ofsted setting belongs to the provider of its latest row that
// gives one (a location that changed hands moves to its new provider, with
// a warning naming both), or is a provider of its own when no row gives
// one. Company and charity numbers never join providers. Where the imports
// disagree about a name, an organisation or a sector, the fact of the
// latest row wins: rows are ordered by their import's as-at day, then the
// time it was received, then its id, then the line. A row's rating date
// dates only its rating. Every value is kept in facts with its import and
// day, and the names not chosen are aliases. A trading name ("Also known
// as") is an alias of what it names: of the location or setting of its
// row (Location.Aliases, a fact whose Subject is the location's id), which
// is the provider's own alias too where the provider is known by that
// location's id alone; of the provider, for a row giving a provider id and
// no location. A CQC provider never takes its locations' trading names:
// two homes of two providers may trade under one name. Every rating of every import
// is kept (a rating is its subject, date and rating, its source the first
// import to give it), so importing a newer register adds to the history.
// The register depends on the kept imports alone, not the order they are
// read, and is sorted throughout, so a rebuild writes the same rows.
package registers
