package schemas

import (
	"path/filepath"
	"time"
)

// Layout names the places in a data folder. Ingest writes submissions and
// the warehouse; publish reads them and writes releases. Both find every
// path here, so the folder's shape is defined once.
type Layout struct {
	Root string
}

// Submissions is the folder holding one folder per submission.
func (l Layout) Submissions() string { return filepath.Join(l.Root, "submissions") }

// Submission is the folder of one submission: the file as received,
// manifest.json and report.json.
func (l Layout) Submission(id string) string { return filepath.Join(l.Submissions(), id) }

// Observations is the root of the Hive-partitioned observation warehouse.
func (l Layout) Observations() string { return filepath.Join(l.Root, "warehouse", "observations") }

// ObservationFile is where layout 1 of the warehouse (see warehouse.go)
// stored a submission's rows for one period and council. Ingest writes
// layout 2 (ObservationPeriodFile); this path remains for the migration
// from layout 1 and for tests that build a layout 1 folder.
func (l Layout) ObservationFile(period, council, submissionID string) string {
	return filepath.Join(l.Observations(), "period="+period, "council="+council, submissionID+".parquet")
}

// Releases is the folder holding one folder per release.
func (l Layout) Releases() string { return filepath.Join(l.Root, "releases") }

// Release is the folder of one release.
func (l Layout) Release(id string) string { return filepath.Join(l.Releases(), id) }

// Current is the symbolic link to the live release.
func (l Layout) Current() string { return filepath.Join(l.Root, "current") }

// CatalogueFile is the optional user catalogue that adds or overrides
// metrics.
func (l Layout) CatalogueFile() string { return filepath.Join(l.Root, "catalogue.yaml") }

// PeerGroupsFile is the optional user-supplied comparator groups.
func (l Layout) PeerGroupsFile() string { return filepath.Join(l.Root, "peer-groups.csv") }

// Scratch is where publish spills the working database it builds a
// release in: raw figures before disclosure control, so outside releases/,
// private, and removed when a publish ends or the next one starts.
func (l Layout) Scratch() string { return filepath.Join(l.Root, ".scratch") }

// AuditRecords holds, for the release a publish made, the record of its
// disclosure audit that the next publish starts from: digests of figures
// before disclosure control, so outside releases/ and private. Derived
// and safe to delete: without it the next publish audits every unit.
func (l Layout) AuditRecords() string { return filepath.Join(l.Root, "audit") }

// AuditRecord is the record of the disclosure audit of release id.
func (l Layout) AuditRecord(id string) string { return filepath.Join(l.AuditRecords(), id+".parquet") }

// PublishLock is the file a publish holds locked while it builds a
// release, so that one runs at a time in a data folder.
func (l Layout) PublishLock() string { return filepath.Join(l.Root, ".publish.lock") }

// TokensFile holds submission tokens as salted hashes.
func (l Layout) TokensFile() string { return filepath.Join(l.Root, "tokens.json") }

// Submission outcomes recorded in a manifest.
const (
	SubmissionAccepted = "accepted"
	SubmissionRejected = "rejected"
)

// Manifest records one submission: what was received, from whom, for which
// council, and whether it was accepted. Its presence with status accepted
// is what makes a submission's warehouse files count: they are written
// first and the manifest last, so a crash between leaves files that publish
// ignores.
type Manifest struct {
	ID         string    `json:"id"`
	File       string    `json:"file"`
	SHA256     string    `json:"sha256"`
	Size       int64     `json:"size"`
	ReceivedAt time.Time `json:"received_at"`
	Submitter  string    `json:"submitter"`
	Council    string    `json:"council"`
	Councils   []string  `json:"councils,omitempty"`
	Status     string    `json:"status"`
	Rows       int       `json:"rows"`
	Periods    []string  `json:"periods,omitempty"`
	Services   []string  `json:"services,omitempty"`
	Errors     int       `json:"errors"`
	Warnings   int       `json:"warnings"`
	// Files lists the warehouse files written, relative to the data folder.
	Files []string `json:"files,omitempty"`
}
