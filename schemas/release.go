package schemas

import "time"

// ReleaseIDFormat is the time layout of a release id; a second release in
// the same second gets a suffix (-02, -03, …).
const ReleaseIDFormat = "2006-01-02T150405Z"

// Names of a release's files, relative to its folder. The CSV twins of
// the tables that also have a Parquet file are gzipped (.csv.gz): at
// national scale they run to gigabytes that nobody opens by double-click,
// and pandas, R and DuckDB read a .csv.gz as it is, and archive tools
// unpack it. The reference lists, with no Parquet twin, stay plain CSV.
// The comparisons and the provider profiles, worked out from the
// observations, come as Parquet only: at national scale their CSV files
// were a gigabyte of the downloads and opened in no spreadsheet, and
// without them the downloads are within twice the returns (BENCHMARKS.md, "A
// release at most twice its input"). Table.ParquetOnly says where their
// rows come as CSV or JSON a part at a time.
const (
	DatabaseFile        = "yardstick.duckdb"
	ReleaseFile         = "release.json"
	PackageFile         = "datapackage.json" // the Frictionless Data Package descriptor
	ChecksumsFile       = "SHA256SUMS"
	ObservationsCSV     = "data/observations.csv.gz"
	ObservationsParquet = "data/observations.parquet"
	ComparisonsParquet  = "data/comparisons.parquet"
	MetricsCSV          = "data/metrics.csv"
	CouncilsCSV         = "data/councils.csv"
	ProvidersCSV        = "data/providers.csv"
	PeerGroupsCSV       = "data/peer-groups.csv"
	SimilarCSV          = "data/similar-councils.csv"
)

// Release is a release's record, written to its release.json.
type Release struct {
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
	// Previous is the release that was live when this one was built, which
	// changes are counted against; empty for the first.
	Previous string `json:"previous,omitempty"`
	// Submissions are the accepted submissions with rows in this release;
	// Superseded those whose every row a later submission replaced.
	Submissions []string `json:"submissions"`
	Superseded  []string `json:"superseded"`
	Periods     []string `json:"periods"`
	// SimilarCouncils is the method that chose each council's similar
	// councils: yardstick-nn-v1 (nearest neighbours) or peer-groups.csv.
	SimilarCouncils string `json:"similar_councils_method,omitempty"`
	// ProviderRegister is the provider register the release took
	// providers' names, sectors, identifiers and ratings from; nil in a
	// release written before releases recorded it.
	ProviderRegister *ProviderRegister `json:"provider_register,omitempty"`
	Counts           Counts            `json:"counts"`
	// Revisions are the figures published in both releases whose numbers
	// changed; Withdrawals the observations of the previous release that
	// this one no longer has.
	Revisions   []Revision   `json:"revisions"`
	Withdrawals []Withdrawal `json:"withdrawals"`

	// Dir is the release's folder.
	Dir string `json:"-"`
}

// Whether a release used a provider register (ProviderRegister.Status).
const (
	RegisterUsed = "used"
	RegisterNone = "none" // the data folder had none: providers are named as councils name them
)

// ProviderRegister records the provider register (providers/register.parquet
// in the data folder) a release was built with, so a reader can tell
// which regulators' registers, as at which days, named its providers.
type ProviderRegister struct {
	// Status is RegisterUsed, or RegisterNone when the data folder had no
	// register.
	Status string `json:"status"`
	// SHA256 is the hash of the register file as the release read it.
	SHA256    string `json:"sha256,omitempty"`
	Providers int    `json:"providers"`
	// Imports are the register imports the register's facts, locations
	// and ratings come from, by import id (providers/imports/<id>/ in the
	// data folder), each with the day its register described.
	Imports []RegisterImport `json:"imports"`
}

// RegisterImport is one import of a regulator's register.
type RegisterImport struct {
	ID   string `json:"id"`
	AsAt Date   `json:"as_at"`
}

// Counts are a release's sizes.
type Counts struct {
	Observations int `json:"observations"`
	Comparisons  int `json:"comparisons"`
	Metrics      int `json:"metrics"`
	Councils     int `json:"councils"` // councils with observations
	Providers    int `json:"providers"`
	Periods      int `json:"periods"`
	Submissions  int `json:"submissions"`
	// The rest compare the observations with the previous release's:
	// figures revised, observations added and withdrawn, figures published
	// then and withheld now (c, x or z) and figures withheld then and
	// published now.
	Revised   int `json:"revised"`
	Added     int `json:"added"`
	Withdrawn int `json:"withdrawn"`
	NowHidden int `json:"now_withheld"`
	NowShown  int `json:"now_shown"`
}

// ObservationKey identifies an observation across releases.
type ObservationKey struct {
	Metric      string `json:"metric"`
	Period      string `json:"period"`
	CouncilCode string `json:"council_code"`
	ProviderID  string `json:"provider_id"`
	Service     string `json:"service"`
}

// Figure is an observation's figure as a release publishes it. A value
// withheld or not available is null, with the marker letter in Status.
type Figure struct {
	Value       *float64 `json:"value"`
	Numerator   *int64   `json:"numerator,omitempty"`
	Denominator *int64   `json:"denominator,omitempty"`
	Status      string   `json:"status,omitempty"`
}

// Revision is an observation whose published figure changed since the
// previous release.
type Revision struct {
	ObservationKey
	Old Figure `json:"old"`
	New Figure `json:"new"`
}

// Withdrawal is an observation the previous release published that this
// one does not have: its council's latest return for the period and
// service left it out.
type Withdrawal struct {
	ObservationKey
	Old Figure `json:"old"`
}

// The kinds of change a release's changes table records against the
// previous release.
const (
	ChangeRevised   = "revised"   // published in both, numbers changed
	ChangeAdded     = "added"     // new in this release
	ChangeWithdrawn = "withdrawn" // in the previous release only
	ChangeWithheld  = "withheld"  // published then, c, x or z now
	ChangeShown     = "shown"     // c, x or z then, published now
)

// Submission is an accepted submission as a release lists it. What was
// received and from whom stays in the data folder: a release carries no
// hash of a raw file and no submitter.
type Submission struct {
	ID          string    `json:"submission_id"`
	CouncilCode string    `json:"council_code"`
	ReceivedAt  time.Time `json:"received_at"`
	Rows        int64     `json:"rows"`
	CurrentRows int64     `json:"current_rows"`
}
