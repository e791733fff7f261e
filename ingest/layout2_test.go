package ingest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/yardstick-open/yardstick/schemas"
)

// Tests of the warehouse's layout 2: one file per submission and period.

// natCouncils are the councils of natReturn, in the order the return
// gives them (not sorted, so that sorting by council is seen to happen).
var natCouncils = []string{"E08000011", "E08000009", "E08000010"}

// natPeriods are natReturn's periods.
var natPeriods = []string{"2024-25-Q1", "2024-25-Q2"}

// natReturn is a national return of perCouncil rows for each council and
// period, grouped by council and then period, as a national extract
// sorted by council is: so each period's rows come back after the
// period was left. Row i of a council and period is provider
// 1-1<8 digits of i>, numerator i % 1000 of 1000; the source line is
// worked out from the order alone (natLine).
func natReturn(perCouncil int) []byte {
	var b strings.Builder
	b.WriteString(header)
	for _, c := range natCouncils {
		for _, period := range natPeriods {
			for i := range perCouncil {
				n := i % 1000
				fmt.Fprintf(&b, "%s,1-1%08d,Provider %d,private,homecare,hc-visits-on-time,%s,%d,1000,%s,\n",
					c, i, i, period, n, trimZeros(float64(n)/10))
			}
		}
	}
	return []byte(b.String())
}

// natLine is the line of row i of council c (its index in natCouncils)
// and period p (its index in natPeriods) in natReturn.
func natLine(c, p, i, perCouncil int) int64 {
	return int64(2 + (c*len(natPeriods)+p)*perCouncil + i)
}

func trimZeros(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", v), "0"), ".")
}

// TestLayout2National checks the files of a national return: one per
// period, named for the submission alone, its rows sorted by council (the
// return gives them in another order) and, within a council, in the
// order of the return, in row groups of at most 4,096 rows whose
// council_code bounds are as worked out by hand; and every row as the
// return gives it.
func TestLayout2National(t *testing.T) {
	t.Parallel()
	const per = 2000 // 6,000 rows a period: row groups of 4,096 and 1,904
	p := testPipeline(t)
	rep := ingestBytes(t, p, natReturn(per), Options{})
	if !rep.Accepted() {
		t.Fatalf("rejected: %v", rep.Problems[:min(3, len(rep.Problems))])
	}
	id := rep.Submission
	want := []string{
		"warehouse/observations/period=2024-25-Q1/" + id + ".parquet",
		"warehouse/observations/period=2024-25-Q2/" + id + ".parquet",
	}
	var got []string
	for _, f := range whParquetPaths(t, p.Layout.Root) {
		got = append(got, relPath(p.Layout.Root, f))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("files %q, want %q", got, want)
	}
	if m := whManifest(t, p.Layout.Submission(id)); !slices.Equal(slices.Sorted(slices.Values(m.Files)), want) ||
		!slices.Equal(m.Councils, []string{"E08000009", "E08000010", "E08000011"}) {
		t.Errorf("manifest files %q councils %q", m.Files, m.Councils)
	}
	sorted := slices.Sorted(slices.Values(natCouncils))
	for pi, period := range natPeriods {
		path := filepath.Join(p.Layout.Root, want[pi])
		rows, err := parquet.ReadFile[Observation](path)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3*per {
			t.Fatalf("%s: %d rows, want %d", period, len(rows), 3*per)
		}
		for k, o := range rows {
			c := sorted[k/per]
			i := k % per
			n := int64(i % 1000)
			wantLine := natLine(slices.Index(natCouncils, c), pi, i, per)
			if o.CouncilCode != c || o.Period != period || o.ProviderID != fmt.Sprintf("1-1%08d", i) ||
				o.SourceLine != wantLine || o.Numerator == nil || *o.Numerator != n || o.Denominator == nil ||
				*o.Denominator != 1000 || o.Value == nil || *o.Value != float64(n)/10 || o.SubmissionID != id {
				t.Fatalf("%s row %d: %s %s %s line %d num %v den %v value %v; want %s %s 1-1%08d line %d, %d/1000, %g",
					period, k, o.CouncilCode, o.Period, o.ProviderID, o.SourceLine, deref(o.Numerator), deref(o.Denominator),
					deref(o.Value), c, period, i, wantLine, n, float64(n)/10)
			}
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := f.Stat()
		pf, err := parquet.OpenFile(f, st.Size())
		if err != nil {
			t.Fatal(err)
		}
		leaf, _ := pf.Schema().Lookup("council_code")
		var groups []string
		for _, rg := range pf.Metadata().RowGroups {
			s := rg.Columns[leaf.ColumnIndex].MetaData.Statistics
			groups = append(groups, fmt.Sprintf("%d %s-%s", rg.NumRows, s.MinValue, s.MaxValue))
		}
		f.Close()
		// Rows 0-1999 are E08000009, 2000-3999 E08000010, 4000-5999
		// E08000011: the first 4,096 rows end 96 rows into E08000011.
		wantGroups := []string{"4096 E08000009-E08000011", "1904 E08000011-E08000011"}
		if !slices.Equal(groups, wantGroups) {
			t.Errorf("%s: row groups %q, want %q", period, groups, wantGroups)
		}
	}
}

// TestLayout2CouncilReturn checks that a council's return for a quarter
// makes one file named for the submission and the council, and that
// DuckDB reads its rows as the return gives them.
func TestLayout2CouncilReturn(t *testing.T) {
	t.Parallel()
	p := testPipeline(t)
	rep := ingestBytes(t, p, []byte(header+
		"E08000009,1-101234567,Acme Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,950,1000,95,\n"+
		"E08000009,1-102345678,Brightwater Ltd,private,homecare,hc-missed-visits,2024-25-Q1,6,1200,5,late\n"), Options{})
	if !rep.Accepted() {
		t.Fatalf("rejected: %v", rep.Problems)
	}
	files := whParquetPaths(t, p.Layout.Root)
	want := filepath.Join(p.Layout.Root, "warehouse", "observations", "period=2024-25-Q1", rep.Submission+"_E08000009.parquet")
	if !slices.Equal(files, []string{want}) {
		t.Fatalf("files %q, want %q", files, want)
	}
	rows, err := whDuckDB(t).Query(`SELECT council_code, period, provider_id, metric, numerator, denominator, value, note, source_line
		FROM read_parquet(` + whGlob(p.Layout.Root) + `, hive_partitioning = true) ORDER BY source_line`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var c, period, prov, metric, note string
		var num, den, line int64
		var value float64
		if err := rows.Scan(&c, &period, &prov, &metric, &num, &den, &value, &note, &line); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %s %s %s %d/%d=%g %q line %d", c, period, prov, metric, num, den, value, note, line))
	}
	wantRows := []string{
		`E08000009 2024-25-Q1 1-101234567 hc-visits-on-time 950/1000=95 "" line 2`,
		`E08000009 2024-25-Q1 1-102345678 hc-missed-visits 6/1200=5 "late" line 3`,
	}
	if !slices.Equal(got, wantRows) {
		t.Errorf("rows\n got %q\nwant %q", got, wantRows)
	}
	b, err := os.ReadFile(p.Layout.WarehouseLayoutFile())
	if err != nil || strings.Join(strings.Fields(string(b)), "") != `{"observations":2}` {
		t.Errorf("layout.json %q (%v), want {\"observations\": 2}", b, err)
	}
}

// TestWithdrawsAgainstNational checks the withdraws check against an
// earlier national submission, whose file of several councils is read
// only in the row groups that may hold the council: a council's return
// sent after it is compared with that council's rows alone. E08000011's
// 2,000 rows in 2024-25-Q1 are rows 4,000-5,999 of the national file
// (row groups 0-4,095 and 4,096-5,999); the return carries its first
// 1,990, so the last ten (providers 1-100001990 to 1-100001999) are
// withdrawn, the sample naming the first five.
func TestWithdrawsAgainstNational(t *testing.T) {
	t.Parallel()
	const per = 2000
	p := tickingPipeline(t)
	nat := ingestBytes(t, p, natReturn(per), Options{})
	if !nat.Accepted() {
		t.Fatalf("national rejected: %v", nat.Problems[:min(3, len(nat.Problems))])
	}
	var b strings.Builder
	b.WriteString(header)
	for i := range per - 10 {
		fmt.Fprintf(&b, "E08000011,1-1%08d,Provider %d,private,homecare,hc-visits-on-time,2024-25-Q1,%d,1000,,\n", i, i, i%1000)
	}
	rep := ingestBytes(t, p, []byte(b.String()), Options{})
	if !rep.Accepted() {
		t.Fatalf("council return rejected: %v", rep.Problems[:min(3, len(rep.Problems))])
	}
	want := Withdrawal{Submission: nat.Submission, Council: "E08000011", Period: "2024-25-Q1", Service: "homecare",
		Rows: per, Withdrawn: 10}
	for i := range 5 {
		want.Sample = append(want.Sample, RowKey{Metric: "hc-visits-on-time", ProviderID: fmt.Sprintf("1-1%08d", per-10+i)})
	}
	if len(rep.Withdrawals) != 1 || fmt.Sprint(rep.Withdrawals[0]) != fmt.Sprint(want) {
		t.Errorf("withdrawals %+v\nwant [%+v]", rep.Withdrawals, want)
	}

	// The national file sent again is current again, replacing the
	// council's return for that council, period and service only.
	again := ingestBytes(t, p, natReturn(per), Options{})
	if again.Reinstates != nat.Submission || again.Duplicate != "" || !again.Accepted() {
		t.Fatalf("national sent again: reinstates %q duplicate %q status %s", again.Reinstates, again.Duplicate, again.Status)
	}
	var msgs []string
	for _, pr := range again.Problems {
		if pr.Code == CodeCurrentAgain {
			msgs = append(msgs, pr.Message)
		}
	}
	wantMsg := "this file was received before as submission " + nat.Submission + " on 2026-11-22 09:30 UTC; " +
		"it is current again, replacing submission " + rep.Submission + " (E08000011, 2024-25-Q1, homecare)"
	if !slices.Equal(msgs, []string{wantMsg}) {
		t.Errorf("current_again messages %q\nwant %q", msgs, wantMsg)
	}
	// It carries every row of the council's return, so withdraws none.
	if len(again.Withdrawals) != 0 {
		t.Errorf("national sent again withdraws %+v, want none", again.Withdrawals)
	}
}

// TestMultiFilesSkipsRowGroups checks that the reader of files of several
// councils reads only the row groups whose council_code bounds admit the
// council asked for: in the national file of TestLayout2National,
// E08000009 is in row group 0 alone, and E08000011 in both.
func TestMultiFilesSkipsRowGroups(t *testing.T) {
	t.Parallel()
	const per = 2000
	p := testPipeline(t)
	rep := ingestBytes(t, p, natReturn(per), Options{})
	path := p.Layout.ObservationPeriodFile("2024-25-Q1", "", rep.Submission)
	var m multiFiles
	defer m.reset("")
	tests := []struct {
		council string
		rows    int
		read    []bool   // row groups read so far
		held    []string // councils whose keys are still held after
	}{
		// Row group 0 holds E08000009's 2,000 rows, E08000010's 2,000
		// and the first 96 of E08000011's; row group 1 the other 1,904.
		{"E08000009", per, []bool{true, false}, []string{"E08000010", "E08000011"}},
		{"E08000010", per, []bool{true, false}, []string{"E08000011"}},
		{"E08000001", 0, []bool{true, false}, []string{"E08000011"}}, // below every bound
		{"E08000011", per, []bool{true, true}, nil},
	}
	for _, tt := range tests {
		keys, err := m.keys(path, "2024-25-Q1", tt.council)
		if err != nil {
			t.Fatal(err)
		}
		if len(keys) != tt.rows {
			t.Errorf("%s: %d rows, want %d", tt.council, len(keys), tt.rows)
		}
		if got := m.files[path].read; !slices.Equal(got, tt.read) {
			t.Errorf("after %s: row groups read %v, want %v", tt.council, got, tt.read)
		}
		// A council's keys are handed over once and let go, so a national
		// resubmission does not hold every council's at once.
		if got := slices.Sorted(maps.Keys(m.files[path].byCouncil)); !slices.Equal(got, tt.held) {
			t.Errorf("after %s: keys held for %v, want %v", tt.council, got, tt.held)
		}
	}
}

// TestIngestRefusesLayout1 checks that ingest refuses a warehouse still in
// layout 1, with a message saying how to migrate it, and stores nothing.
func TestIngestRefusesLayout1(t *testing.T) {
	t.Parallel()
	p := testPipeline(t)
	old := p.Layout.ObservationFile("2024-25-Q1", "E08000009", "20261122T093000.000000Z-aaaaaaaa")
	if err := os.MkdirAll(filepath.Dir(old), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(old, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := p.Ingest(context.Background(), strings.NewReader(supReturn("a-ontime")), "return.csv", Options{})
	if !errors.Is(err, schemas.ErrWarehouseLayout1) {
		t.Fatalf("error %v, want ErrWarehouseLayout1", err)
	}
	want := "run `yardstick warehouse migrate --data " + p.Layout.Root + "` once"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	if ids := whSubmissionIDs(t, p); len(ids) != 0 {
		t.Errorf("submissions stored: %v", ids)
	}
}

// TestPeriodFolderMadeElsewhereIsSynced checks that an ingest syncs the
// entry of its file's period folder in warehouse/observations even when
// the folder was there before it began (made by another ingest, perhaps
// one that was rejected and never synced it): the folder's entry is as
// new to the disk as the file, and the file is lost with it. It replaces
// syncWarehouse, so it does not run in parallel.
func TestPeriodFolderMadeElsewhereIsSynced(t *testing.T) {
	p := testPipeline(t)
	const period = "2024-25-Q1"
	if err := os.MkdirAll(p.Layout.ObservationPeriod(period), 0o755); err != nil {
		t.Fatal(err)
	}
	var got []string
	syncWarehouse = func(paths []string) error {
		got = append(got, paths...)
		return schemas.SyncAll(paths)
	}
	t.Cleanup(func() { syncWarehouse = schemas.SyncEach })
	rep := ingestBytes(t, p, []byte(header+"E08000009,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,"+period+",850,1000,85.0,\n"), Options{})
	if !rep.Accepted() {
		t.Fatalf("return not accepted: %+v", rep.Problems)
	}
	// SyncAll syncs each path it is given and the folder holding it.
	synced := map[string]bool{}
	for _, path := range got {
		synced[path] = true
		synced[filepath.Dir(path)] = true
	}
	for _, want := range []string{p.Layout.ObservationPeriod(period), p.Layout.Observations()} {
		if !synced[want] {
			t.Errorf("%s not synced; SyncAll was given %q", want, got)
		}
	}
}
