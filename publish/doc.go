// Package publish builds Yardstick's releases. A release is an immutable
// folder, releases/<release-id>/ in the data folder (schemas.Layout), made
// from the warehouse that ingest writes; the data folder's current link
// names the live one. Builder.Publish makes a release and makes it live.
//
// # Building
//
// A release is built in a temporary folder inside releases/ whose name
// starts with a dot (.building-*), so a reader listing releases never sees
// it. publish/duckdb builds every table in a scratch database (in memory,
// spilling to the data folder's .scratch folder, outside releases/ and
// removed when the publish ends or, after a crash, when the next starts),
// then writes the public tables, and nothing else,
// to a new yardstick.duckdb, and checks that the file holds no free
// blocks: the scratch database hides suppressed figures with UPDATE, and
// freed space would keep the old values. The download files are exported
// from the release database itself, so they cannot disagree with it; the
// counts, submissions, revisions and withdrawals of release.json are read
// from it through duckdb.Reader, the reader the site and API use. Then
// datapackage.json and release.json are written, then the website when
// Builder.Site is set (publish/site: pages written in place, their sums
// taken from the site and the files synced at once), then SHA256SUMS,
// covering every file; every file is synced, the folder is renamed to releases/<release-id>, and current is
// swapped: a new symbolic link with the relative target
// releases/<release-id> is made under a temporary name and renamed over
// current, so a reader follows either the old link or the new one. A build
// that fails removes its temporary folders and leaves current alone. One
// publish runs at a time in a data folder: a second waits on the data
// folder's .publish.lock, saying so in its log.
//
// # Crashes
//
// A publish killed at any step (kill -9, a power cut) leaves current
// naming a complete release: the old one until the new folder is renamed
// into place, complete, and then the old or the new one. A half-built
// release is a dot-folder, which Releases and ReadRelease, and so the API,
// never show. The lock is a flock(2) lock, which dies with its holder.
// The next publish, once it holds the lock, removes whatever a dead one
// left (build folders, scratch files, temporary links of current), since
// no other publish can be using them, and makes live a release that a dead
// publish put in place but did not make live, so that the new release's
// revisions are counted against it; recover.go lists the steps. Tests
// kill a publish at every step and at random moments
// (crash_unix_test.go).
//
// A release id is the UTC time the build started, as 2026-11-22T093000Z,
// so ids sort in the order releases were made; when that name is taken a
// suffix -02, -03, … is added, which still sorts after it.
//
// # Files
//
//	yardstick.duckdb               every public table (schemas.PublicTables)
//	data/observations.parquet|.csv.gz
//	                               the published observations
//	data/comparisons.parquet       one row per observation with its statistics
//	                               (Parquet only, as are the provider profiles:
//	                               schemas.Table.ParquetOnly says where their
//	                               rows come as CSV or JSON a part at a time)
//	data/benchmarks.parquet|.csv.gz, data/sector-benchmarks.parquet|.csv.gz,
//	data/provider-profiles.parquet the benchmarks, sector benchmarks and
//	                               provider profiles
//	data/disclosure-history.parquet
//	                               what this and earlier releases published,
//	                               for the next publish's disclosure control
//	data/metrics.csv               the catalogue: id, title, description, kind, unit,
//	                               multiplier, polarity, min, max, disclosure,
//	                               numerator, denominator, source, services
//	data/councils.csv              the register of councils (the councils table)
//	data/providers.csv             provider_id, provider_name, sector,
//	                               sector_source, aliases, identifiers, rating,
//	                               rating_date, ratings, n_councils, councils,
//	                               services, first_period_start,
//	                               last_period_end, n_rows
//	data/peer-groups.csv           group_id, council_code: the comparator groups used
//	data/similar-councils.csv      council_code, responsibility, similar_code, rank,
//	                               distance, method
//	datapackage.json               Frictionless Data Package v2 descriptor of data/
//	release.json                   id, created, previous, submissions, counts,
//	                               revisions, withdrawals
//	SHA256SUMS                     sha256sum's format, every other file, sorted by path
//
// DESIGN.md lists councils.csv, providers.csv and peer-groups.csv beside
// data/metrics.csv, so they live in data/ with the other tables. In CSV a
// list (a metric's services, a provider's councils) is written with its
// items separated by semicolons, and a status letter is bracketed, as
// "[c]"; in Parquet the status column holds the bare letter.
//
// data/peer-groups.csv holds the user's peer-groups.csv groups when the
// data folder has one. Otherwise similar councils come from nearest
// neighbours, which are not symmetric, so each council gets a group for
// each responsibility it holds, named by its code and the responsibility
// (E06000017:social_care), holding itself and its similar councils for it;
// the ranked lists with distances are data/similar-councils.csv.
//
// # Data package
//
// datapackage.json describes each file in data/ as a resource
// (https://datapackage.org/standard/data-package/, profile 2.0) with its
// bytes and its hash as "sha256:<hex>", and each CSV file with a Table
// Schema generated from the registry of public tables (schemas.PublicTables),
// after checking that the file's header has the registry's columns in
// order, so the schema cannot drift from the file. yardstick.duckdb is
// listed too. Blank cells are missing values, except provider_id, where
// blank is a council-wide figure. The GSS markers are not missing values
// here: in the CSV files a withheld figure's value is blank and the marker
// is in the status column, so the markers with their labels are that
// field's categories, and status's own missing value (blank) is a plain
// figure. A table published as Parquet only (the comparisons and the
// provider profiles: schemas.Table.ParquetOnly) has its Parquet file as
// its resource, with the registry's schema (the status the bare letter),
// its columns checked as the file is written (duckdb.DB.ExportParquet);
// the Parquet twins of the CSV files are listed without a schema: Parquet
// carries its own. The package's licences are OGL v3 for the data and CC BY 4.0 for
// the register of councils, whose attribution (data/reference/SOURCES.md)
// is repeated on the package and on councils.csv, similar-councils.csv and
// peer-groups.csv, which come from it.
//
// # Revisions
//
// An observation is identified by metric, period, council_code, provider_id
// and service, and compared with the same observation in the previous
// release (the one current named when the build started), after disclosure
// control, in one SQL rule (publish/duckdb/queries/fill_changes.sql) that
// fills the public changes table. It is revised when both releases publish
// a figure for it (its status is not c, x or z) and the value, numerator
// or denominator differ; a resubmission that changes a figure is the usual
// cause. A marker that changes alone (p, provisional, becoming final) is
// not a revision. The table also records the observations added and
// withdrawn, those published then and withheld now and those withheld then
// and published now. release.json lists every revision with the old and
// new figures, and every withdrawal with the figure it had, and counts
// each kind.
//
// A revised row whose status is otherwise empty is marked r before the
// comparisons are built, so the Parquet files and yardstick.duckdb hold the
// letter and the CSV files "[r]"; a row with its own marker keeps it.
package publish
