// Package publish builds Yardstick's releases. A release is an immutable
// folder, releases/<release-id>/ in the data folder (schemas.Layout), made
// from the warehouse that ingest writes; the data folder's current link
// names the live one. Builder.Publish makes a release and makes it live.
//
// # Building
//
// A release is built in a temporary folder inside releases/ whose name
// starts with a dot (.building-*), so a reader listing releases never sees
// it. publish/duckdb builds the tables into the release's yardstick.duckdb
// and exports them; this package adds the files written in Go, compares the
// observations with the previous release's and writes datapackage.json,
// release.json and SHA256SUMS. Every file is then synced, the folder is renamed to
// releases/<release-id>, and current is swapped: a new symbolic link with
// the relative target releases/<release-id> is made under a temporary name
// and renamed over current, so a reader follows either the old link or the
// new one. A build that fails removes its temporary folder and leaves
// current alone; a build folder a crash left behind is removed by the
// first publish a day later. Only one publish should run on a data folder
// at a time; two at once each build a whole release, and the later swap
// wins.
//
// A release id is the UTC time the build started, as 2026-11-22T093000Z,
// so ids sort in the order releases were made; when that name is taken a
// suffix -02, -03, … is added, which still sorts after it.
//
// # Files
//
//	yardstick.duckdb               every table publish/duckdb builds (duckdb.Tables)
//	data/observations.parquet|.csv the published observations
//	data/comparisons.parquet|.csv  one row per observation with its statistics
//	data/metrics.csv               the catalogue: id, title, description, kind, unit,
//	                               multiplier, polarity, min, max, disclosure,
//	                               numerator, denominator, source, services
//	data/councils.csv              the register of councils (the councils table)
//	data/providers.csv             provider_id, provider_name, sector, n_councils,
//	                               councils, services, first_period_start,
//	                               last_period_end, n_rows
//	data/peer-groups.csv           group_id, council_code: the comparator groups used
//	data/similar-councils.csv      council_code, similar_code, rank, distance, method
//	datapackage.json               Frictionless Data Package v2 descriptor of data/
//	release.json                   id, created, previous, submissions, counts, revisions
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
// neighbours, which are not symmetric, so each council gets a group named
// by its own code holding itself and its similar councils; the ranked list
// with distances is data/similar-councils.csv.
//
// # Data package
//
// datapackage.json describes each file in data/ as a resource
// (https://datapackage.org/standard/data-package/, profile 2.0) with its
// bytes and its hash as "sha256:<hex>", and each CSV file with a Table
// Schema. The fields are read from the file's header when the release is
// built, so the schema cannot drift from the file; their types and
// descriptions come from a table kept in datapackage.go, keyed by column
// name, and a column missing from it is published as type any, which the
// tests reject. Blank cells are missing values, except provider_id, where
// blank is a council-wide figure. The GSS markers are not missing values
// here: in the CSV files a withheld figure's value is blank and the marker
// is in the status column, so the markers with their labels are that
// field's categories, and status's own missing value (blank) is a plain
// figure. The Parquet files are listed without a schema: Parquet carries
// its own. The package's licences are OGL v3 for the data and CC BY 4.0 for
// the register of councils, whose attribution (data/reference/SOURCES.md)
// is repeated on the package and on councils.csv, similar-councils.csv and
// peer-groups.csv, which come from it.
//
// # Revisions
//
// An observation is identified by metric, period, council_code, provider_id
// and service, and compared with the same observation in the previous
// release (the one current named when the build started). It is revised
// when both releases publish a figure for it (its status is not c, x or z)
// and the value, numerator or denominator differ; a resubmission that
// changes a figure is the usual cause. A marker that changes alone (p,
// provisional, becoming final) is not a revision. release.json lists every
// revision with the old and new figures as published, and counts the
// observations added and withdrawn, those published then and withheld now
// (a figure newly suppressed, say, when disclosure control changes) and
// those withheld then and published now: these are counted, not listed,
// since the figure itself may not have changed.
//
// A revised row whose status is otherwise empty is marked r in the
// release's tables (duckdb.DB.MarkRevised, before they are exported), so
// the Parquet files and yardstick.duckdb hold the letter and the CSV files
// "[r]"; a row with its own marker keeps it.
package publish
