package ingest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/yardstick-open/yardstick/schemas"
)

// TestConcurrentSameBytes checks that ingests of the same bytes at the
// same moment make one submission per council: one ingest stores it and
// the others report it as their duplicate, whether they share a Pipeline
// or, as two processes would, use Pipelines of their own on one folder.
func TestConcurrentSameBytes(t *testing.T) {
	t.Parallel()
	// No council column: the council comes from Options.Council, so the
	// same bytes can be a return for two councils.
	const good = "provider_id,provider_name,service,metric,period,numerator,denominator,value\n" +
		"1-101234567,Acme Care Ltd,homecare,hc-visits-on-time,2024-25-Q1,950,1000,95\n" +
		"1-101234567,Acme Care Ltd,homecare,hc-missed-visits,2024-25-Q1,0,1200,0\n"
	bad := strings.Replace(good, "950,1000,95", "950,1000,59", 1) // the value disagrees with its parts
	tests := []struct {
		name      string
		input     string
		pipelines int      // Pipeline values sharing the data folder
		ingests   int      // ingests started together
		councils  []string // ingest i is for councils[i%len(councils)]
		status    string
		rows      int // rows the warehouse should hold in the end
	}{
		{name: "one pipeline", input: good, pipelines: 1, ingests: 4, councils: []string{"E08000009"}, status: schemas.SubmissionAccepted, rows: 2},
		{name: "two pipelines", input: good, pipelines: 2, ingests: 4, councils: []string{"E08000009"}, status: schemas.SubmissionAccepted, rows: 2},
		{name: "rejected return", input: bad, pipelines: 2, ingests: 4, councils: []string{"E08000009"}, status: schemas.SubmissionRejected, rows: 0},
		{
			name: "two councils", input: good, pipelines: 2, ingests: 8, councils: []string{"E08000009", "E08000002"},
			status: schemas.SubmissionAccepted, rows: 4,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			first := testPipeline(t)
			pipelines := []*Pipeline{first}
			for range tc.pipelines - 1 {
				other := *first
				pipelines = append(pipelines, &other)
			}

			reports := make([]*Report, tc.ingests)
			errs := make([]error, tc.ingests)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range tc.ingests {
				wg.Go(func() {
					<-start
					p := pipelines[i%len(pipelines)]
					opt := Options{Council: tc.councils[i%len(tc.councils)]}
					reports[i], errs[i] = p.Ingest(context.Background(), strings.NewReader(tc.input), "return.csv", opt)
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("ingest %d: %v", i, err)
				}
			}

			// Per council: every report names one submission, which one
			// ingest stored and the others found.
			submissions := map[string]string{} // council -> submission id
			stored := map[string]int{}
			for i, rep := range reports {
				council := tc.councils[i%len(tc.councils)]
				if id, ok := submissions[council]; ok && rep.Submission != id {
					t.Errorf("ingest %d for %s: submission %q, another ingest of the same bytes got %q", i, council, rep.Submission, id)
				}
				submissions[council] = rep.Submission
				if rep.Status != tc.status {
					t.Errorf("ingest %d: status %q, want %q", i, rep.Status, tc.status)
				}
				switch rep.Duplicate {
				case "":
					stored[council]++
				case rep.Submission:
				default:
					t.Errorf("ingest %d: duplicate of %q, but submission %q", i, rep.Duplicate, rep.Submission)
				}
			}
			for _, council := range tc.councils {
				if stored[council] != 1 {
					t.Errorf("%s: %d ingests stored the return, want 1 (the others duplicates)", council, stored[council])
				}
			}

			manifests, err := filepath.Glob(filepath.Join(first.Layout.Submissions(), "*", "manifest.json"))
			if err != nil {
				t.Fatal(err)
			}
			if len(manifests) != len(tc.councils) {
				t.Errorf("%d submission folders on disk, want %d: %v", len(manifests), len(tc.councils), manifests)
			}
			for _, m := range manifests {
				id := filepath.Base(filepath.Dir(m))
				if submissions[whManifest(t, filepath.Dir(m)).Council] != id {
					t.Errorf("submission folder %s is named in no report", id)
				}
			}
			indexed := indexEntries(t, first, reports[0].SHA256)
			if len(indexed) != len(tc.councils) {
				t.Errorf("index holds %d entries for the file, want %d: %+v", len(indexed), len(tc.councils), indexed)
			}
			rows := 0
			for _, f := range parquetFiles(t, first.Layout.Root) {
				obs, err := parquet.ReadFile[Observation](f)
				if err != nil {
					t.Fatal(err)
				}
				rows += len(obs)
			}
			if rows != tc.rows {
				t.Errorf("warehouse holds %d rows, want %d", rows, tc.rows)
			}
		})
	}
}

// indexEntries reads the duplicate index's entries for the file with the
// given hash.
func indexEntries(t *testing.T, p *Pipeline, sum string) []indexEntry {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(p.indexDir(), sum+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var entries []indexEntry
	if err := json.Unmarshal(b, &entries); err != nil {
		t.Fatal(err)
	}
	return entries
}
