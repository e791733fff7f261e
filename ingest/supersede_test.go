package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// Rows of Trafford's (E08000009) and Wigan's (E08000010) returns for the
// withdrawal tests, by name.
var supRows = map[string]string{
	"a-ontime":  "E08000009,1-101234567,Acme Care Ltd,homecare,hc-visits-on-time,2024-25-Q1,950,1000,95",
	"a-ontime2": "E08000009,1-101234567,Acme Care Ltd,homecare,hc-visits-on-time,2024-25-Q1,960,1000,96",
	"a-missed":  "E08000009,1-101234567,Acme Care Ltd,homecare,hc-missed-visits,2024-25-Q1,3,1200,2.5",
	"b-ontime":  "E08000009,1-102345678,Brightwater Ltd,homecare,hc-visits-on-time,2024-25-Q1,800,1000,80",
	"b-missed":  "E08000009,1-102345678,Brightwater Ltd,homecare,hc-missed-visits,2024-25-Q1,6,1200,5",
	"all-cont":  "E08000009,,,homecare,hc-continuity,2024-25-Q1,700,1000,70",
	"a-q2":      "E08000009,1-101234567,Acme Care Ltd,homecare,hc-visits-on-time,2024-25-Q2,900,1000,90",
	"a-home":    "E08000009,1-101234567,Acme Care Ltd,care-home,ch-occupancy,2024-25-Q1,90,100,90",
	"b-home":    "E08000009,1-102345678,Brightwater Ltd,care-home,ch-occupancy,2024-25-Q1,80,100,80",
	"w-ontime":  "E08000010,1-101234567,Acme Care Ltd,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85",
	"a-bad":     "E08000009,1-101234567,Acme Care Ltd,homecare,hc-visits-on-time,2024-25-Q1,950,1000,59",
}

// supReturn writes a return holding the named rows.
func supReturn(names ...string) string {
	var b strings.Builder
	b.WriteString("council_code,provider_id,provider_name,service,metric,period,numerator,denominator,value\n")
	for _, n := range names {
		r, ok := supRows[n]
		if !ok {
			panic("no row " + n)
		}
		b.WriteString(r + "\n")
	}
	return b.String()
}

// tickingPipeline is a test pipeline whose clock moves a second per
// submission, so each is later than the one before, as in life.
func tickingPipeline(t *testing.T) *Pipeline {
	p := testPipeline(t)
	var tick atomic.Int64
	p.Now = func() time.Time { return fixedNow().Add(time.Duration(tick.Add(1)) * time.Second) }
	return p
}

func supIngest(t *testing.T, p *Pipeline, input string) *Report {
	t.Helper()
	rep, err := p.Ingest(context.Background(), strings.NewReader(input), "return.csv", Options{Submitter: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestWithdrawsRows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		earlier [][]string // returns ingested first, in order
		later   []string
		// want lists the withdrawals as "submission#: council period
		// service rows/withdrawn: sample", submission# indexing earlier.
		want []string
	}{
		{name: "a correction of one row withdraws the others",
			earlier: [][]string{{"a-ontime", "a-missed", "b-ontime", "b-missed", "all-cont"}},
			later:   []string{"a-ontime2"},
			want: []string{"0: E08000009 2024-25-Q1 homecare 5/4: hc-continuity (council-wide), hc-missed-visits for 1-101234567, " +
				"hc-missed-visits for 1-102345678, hc-visits-on-time for 1-102345678"}},
		{name: "the sample names the first five by metric and provider",
			earlier: [][]string{{"a-ontime", "a-missed", "b-ontime", "b-missed", "all-cont"}},
			later:   []string{"b-ontime"},
			want: []string{"0: E08000009 2024-25-Q1 homecare 5/4: hc-continuity (council-wide), hc-missed-visits for 1-101234567, " +
				"hc-missed-visits for 1-102345678, hc-visits-on-time for 1-101234567"}},
		{name: "every row again, one corrected",
			earlier: [][]string{{"a-ontime", "a-missed", "b-ontime"}},
			later:   []string{"a-ontime2", "a-missed", "b-ontime"}},
		{name: "more rows than before",
			earlier: [][]string{{"a-ontime"}},
			later:   []string{"a-ontime2", "a-missed", "b-ontime"}},
		{name: "against the latest return, not the first",
			earlier: [][]string{{"a-ontime", "a-missed", "b-ontime"}, {"a-ontime", "b-ontime"}},
			later:   []string{"a-ontime2"},
			want:    []string{"1: E08000009 2024-25-Q1 homecare 2/1: hc-visits-on-time for 1-102345678"}},
		{name: "past the latest return to the latest with the service",
			earlier: [][]string{{"a-ontime", "a-home", "b-home"}, {"a-ontime", "b-ontime"}},
			later:   []string{"a-home"},
			want:    []string{"0: E08000009 2024-25-Q1 care-home 2/1: ch-occupancy for 1-102345678"}},
		{name: "another service of the same council and period is left alone",
			earlier: [][]string{{"a-ontime", "a-home"}},
			later:   []string{"a-ontime2"}},
		{name: "another period is left alone",
			earlier: [][]string{{"a-ontime", "a-q2"}},
			later:   []string{"a-ontime2"}},
		{name: "another council is left alone",
			earlier: [][]string{{"a-ontime", "w-ontime"}},
			later:   []string{"a-ontime2"}},
		{name: "each council a return covers",
			earlier: [][]string{{"a-ontime", "b-ontime", "w-ontime"}},
			later:   []string{"a-ontime2", "w-ontime", "a-q2"},
			want:    []string{"0: E08000009 2024-25-Q1 homecare 2/1: hc-visits-on-time for 1-102345678"}},
		{name: "a rejected return replaces nothing",
			earlier: [][]string{{"a-ontime", "b-ontime"}, {"a-bad", "b-missed"}},
			later:   []string{"a-ontime2"},
			want:    []string{"0: E08000009 2024-25-Q1 homecare 2/1: hc-visits-on-time for 1-102345678"}},
		{name: "the first return", later: []string{"a-ontime"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := tickingPipeline(t)
			var ids []string
			for _, e := range tc.earlier {
				ids = append(ids, supIngest(t, p, supReturn(e...)).Submission)
			}
			rep := supIngest(t, p, supReturn(tc.later...))
			if !rep.Accepted() {
				t.Fatalf("later return rejected: %v", rep.Problems)
			}
			var got []string
			for _, wd := range rep.Withdrawals {
				var sample []string
				for _, k := range wd.Sample {
					sample = append(sample, k.String())
				}
				got = append(got, fmt.Sprintf("%d: %s %s %s %d/%d: %s", slices.Index(ids, wd.Submission),
					wd.Council, wd.Period, wd.Service, wd.Rows, wd.Withdrawn, strings.Join(sample, ", ")))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("withdrawals\n got %q\nwant %q", got, tc.want)
			}
			var warned int
			for _, pr := range rep.Problems {
				if pr.Code != CodeWithdrawsRows {
					continue
				}
				warned++
				if pr.Severity != SevWarning || pr.Line != 0 || !strings.Contains(pr.Hint, "send every row again") {
					t.Errorf("problem %+v: want a warning about the whole return whose hint says to send every row", pr)
				}
			}
			if warned != len(tc.want) || rep.Warnings != warned {
				t.Errorf("%d withdraws_rows problems, %d warnings; want %d of each", warned, rep.Warnings, len(tc.want))
			}
			// The stored report and manifest say the same.
			var stored Report
			b, err := os.ReadFile(filepath.Join(p.Layout.Submission(rep.Submission), "report.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &stored); err != nil {
				t.Fatal(err)
			}
			if len(stored.Withdrawals) != len(tc.want) || stored.Warnings != rep.Warnings {
				t.Errorf("report.json: %d withdrawals, %d warnings; want %d, %d", len(stored.Withdrawals), stored.Warnings, len(tc.want), rep.Warnings)
			}
			if man := whManifest(t, p.Layout.Submission(rep.Submission)); man.Warnings != rep.Warnings {
				t.Errorf("manifest: %d warnings, want %d", man.Warnings, rep.Warnings)
			}
		})
	}
}

func TestWithdrawsRowsMessage(t *testing.T) {
	t.Parallel()
	p := tickingPipeline(t)
	first := supIngest(t, p, supReturn("a-ontime", "a-missed", "b-ontime", "b-missed", "all-cont"))
	rep := supIngest(t, p, supReturn("a-ontime2"))
	if len(rep.Problems) != 1 {
		t.Fatalf("problems %v, want one", rep.Problems)
	}
	want := "the return: warning: this return replaces submission " + first.Submission + " for E08000009, 2024-25-Q1, homecare " +
		"and leaves out 4 of its 5 rows, which the next publish withdraws: hc-continuity (council-wide), " +
		"hc-missed-visits for 1-101234567, hc-missed-visits for 1-102345678 and hc-visits-on-time for 1-102345678\n" +
		"    hint: a return replaces the council's earlier return for the same period and service as a whole, not row by row: " +
		"send every row again, the corrected ones with the rest; to go back to an earlier return, send its file again"
	if got := rep.Problems[0].String(); got != want {
		t.Errorf("problem\n got %s\nwant %s", got, want)
	}
}

// TestSendAgainMakesCurrent: a file sent again after a later return
// replaced it becomes a new submission, which publish's rule (the latest
// accepted submission for each council, period and service) makes current;
// sent again while current, it is a duplicate as before.
func TestSendAgainMakesCurrent(t *testing.T) {
	t.Parallel()
	p := tickingPipeline(t)
	full := supReturn("a-ontime", "a-missed", "b-ontime", "a-home")
	original := supIngest(t, p, full)
	correction := supIngest(t, p, supReturn("a-ontime2"))
	if !original.Accepted() || !correction.Accepted() || len(correction.Withdrawals) != 1 {
		t.Fatalf("original %s, correction %s with withdrawals %+v", original.Status, correction.Status, correction.Withdrawals)
	}
	if got := currentSubmissions(t, p.Layout); !slices.Equal(got, []string{
		"E08000009 2024-25-Q1 care-home " + original.Submission,
		"E08000009 2024-25-Q1 homecare " + correction.Submission}) {
		t.Fatalf("current before sending again: %q", got)
	}

	again := supIngest(t, p, full)
	if again.Duplicate != "" || again.Submission == original.Submission || again.Reinstates != original.Submission || !again.Accepted() {
		t.Fatalf("sent again: submission %s duplicate %q reinstates %q status %s; want a new accepted submission reinstating %s",
			again.Submission, again.Duplicate, again.Reinstates, again.Status, original.Submission)
	}
	if len(again.Problems) != 1 || again.Problems[0].Code != CodeCurrentAgain || again.Warnings != 1 {
		t.Fatalf("problems %v, want one current_again warning", again.Problems)
	}
	want := "this file was received before as submission " + original.Submission + " on 2026-11-22 09:30 UTC; " +
		"it is current again, replacing submission " + correction.Submission + " (E08000009, 2024-25-Q1, homecare)"
	if got := again.Problems[0].Message; got != want {
		t.Errorf("message\n got %s\nwant %s", got, want)
	}
	if got := currentSubmissions(t, p.Layout); !slices.Equal(got, []string{
		"E08000009 2024-25-Q1 care-home " + again.Submission,
		"E08000009 2024-25-Q1 homecare " + again.Submission}) {
		t.Errorf("current after sending again: %q", got)
	}
	stored, err := os.ReadFile(filepath.Join(p.Layout.Submission(again.Submission), "return.csv"))
	if err != nil || string(stored) != full {
		t.Errorf("the new submission's stored file: %q, %v", stored, err)
	}

	// Sent once more while current: a duplicate of the new submission.
	dup := supIngest(t, p, full)
	if dup.Duplicate != again.Submission || dup.Submission != again.Submission || dup.Reinstates != "" {
		t.Errorf("sent while current: submission %s duplicate %q reinstates %q; want a duplicate of %s",
			dup.Submission, dup.Duplicate, dup.Reinstates, again.Submission)
	}
	// The correction sent again undoes the undo, and withdraws again.
	redo := supIngest(t, p, supReturn("a-ontime2"))
	if redo.Reinstates != correction.Submission || len(redo.Withdrawals) != 1 || redo.Withdrawals[0].Submission != again.Submission {
		t.Errorf("correction sent again: reinstates %q, withdrawals %+v", redo.Reinstates, redo.Withdrawals)
	}
	if n := len(indexEntries(t, p, again.SHA256)); n != 2 {
		t.Errorf("index holds %d entries for the full file, want 2", n)
	}
}

// TestSendAgainAfterPartReplaced: a return for two periods, one of which a
// later return replaced, is current again for both when sent again.
func TestSendAgainAfterPartReplaced(t *testing.T) {
	t.Parallel()
	p := tickingPipeline(t)
	full := supReturn("a-ontime", "a-q2")
	original := supIngest(t, p, full)
	q2 := supIngest(t, p, strings.Replace(supReturn("a-q2"), "900,1000,90", "910,1000,91", 1))
	again := supIngest(t, p, full)
	if again.Reinstates != original.Submission || again.Duplicate != "" {
		t.Fatalf("sent again: reinstates %q duplicate %q", again.Reinstates, again.Duplicate)
	}
	if msg := again.Problems[0].Message; !strings.HasSuffix(msg, "replacing submission "+q2.Submission+" (E08000009, 2024-25-Q2, homecare)") {
		t.Errorf("message %q names no replacement of %s for Q2 alone", msg, q2.Submission)
	}
	if got := currentSubmissions(t, p.Layout); !slices.Equal(got, []string{
		"E08000009 2024-25-Q1 homecare " + again.Submission,
		"E08000009 2024-25-Q2 homecare " + again.Submission}) {
		t.Errorf("current after sending again: %q", got)
	}
}

// TestSendAgainRejected: a rejected file sent again is a duplicate while it
// is still rejected, and a new submission once it is accepted (here, after
// the catalogue's max was put back).
func TestSendAgainRejected(t *testing.T) {
	t.Parallel()
	p := tickingPipeline(t)
	bad := supReturn("a-bad")
	first := supIngest(t, p, bad)
	second := supIngest(t, p, bad)
	if first.Accepted() || second.Duplicate != first.Submission || second.Status != schemas.SubmissionRejected {
		t.Errorf("rejected twice: first %s, second duplicate %q status %s", first.Status, second.Duplicate, second.Status)
	}

	builtin := p.Catalogue
	m, err := builtin.Metric("hc-visits-on-time")
	if err != nil {
		t.Fatal(err)
	}
	lowered := *m
	lowered.Max = new(float64(90))
	p.Catalogue, err = builtin.Merge(&schemas.Catalogue{Metrics: []schemas.Metric{lowered}})
	if err != nil {
		t.Fatal(err)
	}
	input := supReturn("a-ontime")
	refused := supIngest(t, p, input)
	if refused.Accepted() {
		t.Fatalf("95 accepted with max 90")
	}
	p.Catalogue = builtin
	accepted := supIngest(t, p, input)
	if !accepted.Accepted() || accepted.Duplicate != "" || accepted.Submission == refused.Submission {
		t.Errorf("sent again after the catalogue was put back: %s, duplicate %q, submission %s (the refused one %s)",
			accepted.Status, accepted.Duplicate, accepted.Submission, refused.Submission)
	}
}

// currentSubmissions returns, for each council, period and service in the
// warehouse, the submission publish would take its rows from: the latest
// accepted one, by received_at then id, as "council period service id".
func currentSubmissions(t *testing.T, l schemas.Layout) []string {
	t.Helper()
	type key struct{ council, period, service string }
	latest := map[key]Observation{}
	for _, o := range whReadRows(t, l.Root) {
		if whManifest(t, l.Submission(o.SubmissionID)).Status != schemas.SubmissionAccepted {
			continue
		}
		k := key{o.CouncilCode, o.Period, o.Service}
		if cur, ok := latest[k]; !ok || compareReceipt(o.ReceivedAt, o.SubmissionID, cur.ReceivedAt, cur.SubmissionID) > 0 {
			latest[k] = o
		}
	}
	var out []string
	for k, o := range latest {
		out = append(out, strings.Join([]string{k.council, k.period, k.service, o.SubmissionID}, " "))
	}
	slices.Sort(out)
	return out
}

// TestWithdrawsRowsIgnoresLeftovers: a warehouse file with no accepted
// submission behind it (a crash before the manifest, a rejected return's
// files) is not current, as publish does not read it, so a return is
// compared with the accepted one.
func TestWithdrawsRowsIgnoresLeftovers(t *testing.T) {
	t.Parallel()
	p := tickingPipeline(t)
	first := supIngest(t, p, supReturn("a-ontime", "b-ontime"))
	files := whParquetPaths(t, p.Layout.Root)
	if len(files) != 1 {
		t.Fatalf("warehouse files %v, want one", files)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	// Later than anything received, with the same rows.
	orphan := filepath.Join(filepath.Dir(files[0]), "20991231T000000.000000Z-00000000.parquet")
	if err := os.WriteFile(orphan, b, 0o644); err != nil {
		t.Fatal(err)
	}
	rep := supIngest(t, p, supReturn("a-ontime2"))
	if len(rep.Withdrawals) != 1 || rep.Withdrawals[0].Submission != first.Submission {
		t.Errorf("withdrawals %+v, want one of %s", rep.Withdrawals, first.Submission)
	}
}

// TestWithdrawsRowsDamagedWarehouse: an accepted submission's warehouse
// file that cannot be read fails the ingest, as it would fail publish,
// rather than comparing with part of the warehouse.
func TestWithdrawsRowsDamagedWarehouse(t *testing.T) {
	t.Parallel()
	p := tickingPipeline(t)
	supIngest(t, p, supReturn("a-ontime", "b-ontime"))
	files := whParquetPaths(t, p.Layout.Root)
	if err := os.WriteFile(files[0], []byte("PAR1 not really"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := p.Ingest(context.Background(), strings.NewReader(supReturn("a-ontime2")), "return.csv", Options{})
	if err == nil || !strings.Contains(err.Error(), "read warehouse file of submission") {
		t.Errorf("Ingest = %v, want an error reading the earlier submission's file", err)
	}
	if ids := whSubmissionIDs(t, p); len(ids) != 1 {
		t.Errorf("submissions %v, want only the first", ids)
	}
}

// TestSendAgainAfterCatalogueChange: a file sent again after the rules it
// was checked by changed in the catalogue is checked and stored anew, so
// values worked out from its counts follow the catalogue in force (what
// publish asks of a council when the catalogue changes); a change of
// wording alone leaves it a duplicate.
func TestSendAgainAfterCatalogueChange(t *testing.T) {
	t.Parallel()
	p := tickingPipeline(t)
	builtin := p.Catalogue
	withMetric := func(edit func(m *schemas.Metric)) *schemas.Catalogue {
		t.Helper()
		m, err := builtin.Metric("hc-visits-on-time")
		if err != nil {
			t.Fatal(err)
		}
		c := *m
		edit(&c)
		cat, err := builtin.Merge(&schemas.Catalogue{Metrics: []schemas.Metric{c}})
		if err != nil {
			t.Fatal(err)
		}
		return cat
	}
	// The value is blank: ingest works it out from the counts.
	input := strings.Replace(supReturn("a-ontime"), "950,1000,95", "950,1000,", 1)
	first := supIngest(t, p, input)

	p.Catalogue = withMetric(func(m *schemas.Metric) { m.Title = "Visits on time" })
	if rep := supIngest(t, p, input); rep.Duplicate != first.Submission {
		t.Errorf("after a new title: duplicate %q, want %s", rep.Duplicate, first.Submission)
	}

	p.Catalogue = withMetric(func(m *schemas.Metric) {
		m.Kind, m.Unit, m.Multiplier, m.Max = schemas.KindRate, schemas.UnitPer1000, 1000, new(float64(1000))
	})
	second := supIngest(t, p, input)
	if second.Duplicate != "" || second.Submission == first.Submission || !second.Accepted() || second.Reinstates != "" {
		t.Fatalf("after a new multiplier: submission %s duplicate %q reinstates %q status %s; want a new accepted submission",
			second.Submission, second.Duplicate, second.Reinstates, second.Status)
	}
	if again := supIngest(t, p, input); again.Duplicate != second.Submission {
		t.Errorf("sent once more: duplicate %q, want %s", again.Duplicate, second.Submission)
	}
	values := map[string]float64{}
	for _, o := range whReadRows(t, p.Layout.Root) {
		values[o.SubmissionID] = *o.Value
	}
	if values[first.Submission] != 95 || values[second.Submission] != 950 {
		t.Errorf("values by submission %v, want 95 then 950", values)
	}
}

// TestSendAgainAfterUnrecordedCatalogue sends a file again whose index
// entry was written before ingest recorded the catalogue it checked
// against: that catalogue may be any, so the file is checked and stored
// again (as publish's re-check asks councils to do), not answered as a
// duplicate; and from then on it is one.
func TestSendAgainAfterUnrecordedCatalogue(t *testing.T) {
	t.Parallel()
	p := tickingPipeline(t)
	input := supReturn("a-ontime")
	first := supIngest(t, p, input)
	// Forget the catalogue of the entry, as an index from before it was
	// recorded holds.
	entries, err := filepath.Glob(filepath.Join(p.indexDir(), "*.json"))
	if err != nil || len(entries) != 1 {
		t.Fatalf("index entries %v, %v; want one", entries, err)
	}
	b, err := os.ReadFile(entries[0])
	if err != nil {
		t.Fatal(err)
	}
	var index []map[string]any
	if err := json.Unmarshal(b, &index); err != nil || len(index) != 1 || index[0]["catalogue"] == nil {
		t.Fatalf("index %s: %v; want one entry with a catalogue", b, err)
	}
	delete(index[0], "catalogue")
	if b, err = json.Marshal(index); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(entries[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	second := supIngest(t, p, input)
	if second.Duplicate != "" || second.Submission == first.Submission || !second.Accepted() {
		t.Fatalf("sent again: submission %s duplicate %q status %s; want a new accepted submission",
			second.Submission, second.Duplicate, second.Status)
	}
	if again := supIngest(t, p, input); again.Duplicate != second.Submission {
		t.Errorf("sent once more: duplicate %q, want %s", again.Duplicate, second.Submission)
	}
}
