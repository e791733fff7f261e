package duckdb

import (
	"context"
	"database/sql"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
)

// TestNullableDest checks the scanners EachSiteRow puts in place of
// database/sql's reflection for nullable numbers: NULL is nil, the
// driver's integer and float types are converted, anything else is an
// error naming the type.
func TestNullableDest(t *testing.T) {
	t.Parallel()
	var f *float64
	var n *int64
	var s string
	dest := nullableDest([]any{&f, &n, &s})
	if _, ok := dest[2].(*string); !ok {
		t.Fatalf("a text destination was replaced by %T", dest[2])
	}
	fs, ns := dest[0].(floatPtrScanner), dest[1].(intPtrScanner)
	for _, tc := range []struct {
		src  any
		want float64
	}{{2.5, 2.5}, {float32(0.5), 0.5}, {int64(7), 7}, {int32(-3), -3}} {
		if err := fs.Scan(tc.src); err != nil || f == nil || *f != tc.want {
			t.Errorf("float from %T %v: got %v, %v; want %v", tc.src, tc.src, f, err, tc.want)
		}
	}
	for _, tc := range []struct {
		src  any
		want int64
	}{{int64(1 << 40), 1 << 40}, {int32(-5), -5}, {int16(9), 9}, {uint8(200), 200}} {
		if err := ns.Scan(tc.src); err != nil || n == nil || *n != tc.want {
			t.Errorf("integer from %T %v: got %v, %v; want %v", tc.src, tc.src, n, err, tc.want)
		}
	}
	if err := fs.Scan(nil); err != nil || f != nil {
		t.Errorf("NULL float: %v, %v", f, err)
	}
	if err := ns.Scan(nil); err != nil || n != nil {
		t.Errorf("NULL integer: %v, %v", n, err)
	}
	if err := fs.Scan("1.5"); err == nil || !strings.Contains(err.Error(), "scan string into *float64") {
		t.Errorf("text into a float: %v", err)
	}
	if err := ns.Scan(1.5); err == nil || !strings.Contains(err.Error(), "scan float64 into *int64") {
		t.Errorf("a float into an integer: %v", err)
	}
}

// TestEachSiteRowInBatches reads the fixture's comparison rows in metric
// order a batch of metric periods at a time, for batch sizes that give
// one metric period a batch (1), two periods of one metric in a batch
// (3), a batch from one metric's second period into the next metric's
// first (4), a batch from one metric's first period into the next
// metric's (9) and one batch in all (100), and checks that they are the
// rows, in the order, that one query with no bounds reads (the fixture's
// metric periods hold 5, 2, 2 and 1 rows: hc-visits-on-time 2024-25-Q1
// and Q2, staff-turnover 2024-25-Q1 and Q2).
func TestEachSiteRowInBatches(t *testing.T) {
	t.Parallel()
	// A note on the second metric's rows, which a batch across both
	// metrics must join from the observations too.
	r := openReleaseFixture(t, "UPDATE observations SET note = 'counted again' WHERE metric = 'staff-turnover'")
	ctx := context.Background()
	read := func(batchRows int) (got []string) {
		t.Helper()
		r.batchRows = batchRows
		if err := r.EachSiteRow(ctx, ByMetric, func(row *SiteRow) error {
			got = append(got, asJSON(row))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	// One query with bounds around every row, as EachSiteRow read before it
	// had batches.
	var whole []string
	var row SiteRow
	dest := append(nullableDest(comparisonDest(&row.ComparisonRow)), scanText(&row.CouncilName), scanText(&row.Region),
		scanText(&row.TypeName), scanText(&row.Sector), scanText(&row.Note))
	if err := eachRow(ctx, r, "reader_site_comparisons", &row, dest, func(row *SiteRow) error {
		whole = append(whole, asJSON(row))
		return nil
	}, sql.Named("from_metric", ""), sql.Named("from_period", ""),
		sql.Named("to_metric", "\uffff"), sql.Named("to_period", "\uffff")); err != nil {
		t.Fatal(err)
	}
	if len(whole) != 10 {
		t.Fatalf("the fixture has %d comparison rows, want 10", len(whole))
	}
	if notes := strings.Count(strings.Join(whole, ""), `"note": "counted again"`); notes != 3 {
		t.Fatalf("one query read %d notes of the second metric, want 3", notes)
	}
	type bound = metricPeriod
	for _, tc := range []struct {
		batchRows int
		want      []keyRun[metricPeriod]
	}{
		{1, []keyRun[metricPeriod]{
			{bound{"hc-visits-on-time", "2024-25-Q1"}, bound{"hc-visits-on-time", "2024-25-Q1"}, 5},
			{bound{"hc-visits-on-time", "2024-25-Q2"}, bound{"hc-visits-on-time", "2024-25-Q2"}, 2},
			{bound{"staff-turnover", "2024-25-Q1"}, bound{"staff-turnover", "2024-25-Q1"}, 2},
			{bound{"staff-turnover", "2024-25-Q2"}, bound{"staff-turnover", "2024-25-Q2"}, 1}}},
		{3, []keyRun[metricPeriod]{
			{bound{"hc-visits-on-time", "2024-25-Q1"}, bound{"hc-visits-on-time", "2024-25-Q1"}, 5},
			{bound{"hc-visits-on-time", "2024-25-Q2"}, bound{"hc-visits-on-time", "2024-25-Q2"}, 2},
			{bound{"staff-turnover", "2024-25-Q1"}, bound{"staff-turnover", "2024-25-Q2"}, 3}}},
		{4, []keyRun[metricPeriod]{
			{bound{"hc-visits-on-time", "2024-25-Q1"}, bound{"hc-visits-on-time", "2024-25-Q1"}, 5},
			{bound{"hc-visits-on-time", "2024-25-Q2"}, bound{"staff-turnover", "2024-25-Q1"}, 4},
			{bound{"staff-turnover", "2024-25-Q2"}, bound{"staff-turnover", "2024-25-Q2"}, 1}}},
		{9, []keyRun[metricPeriod]{
			{bound{"hc-visits-on-time", "2024-25-Q1"}, bound{"staff-turnover", "2024-25-Q1"}, 9},
			{bound{"staff-turnover", "2024-25-Q2"}, bound{"staff-turnover", "2024-25-Q2"}, 1}}},
		{100, []keyRun[metricPeriod]{
			{bound{"hc-visits-on-time", "2024-25-Q1"}, bound{"staff-turnover", "2024-25-Q2"}, 10}}},
	} {
		r.batchRows = tc.batchRows
		got, err := r.siteBatches(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("batches of at most %d rows: got %v, want %v", tc.batchRows, got, tc.want)
		}
		if rows := read(tc.batchRows); !slices.Equal(rows, whole) {
			t.Errorf("batches of at most %d rows read %d rows, not the %d of one query in its order:\n%s\nwant\n%s",
				tc.batchRows, len(rows), len(whole), strings.Join(rows, "\n"), strings.Join(whole, "\n"))
		}
	}
}

// TestProfileReaderInBatches reads the fixture's provider profile a
// provider at a time with batches of at most 1, 2, 4 and 100 rows, and
// checks each batch, worked out by hand, and that each provider's rows are
// those, in the order, that one query over the whole table reads. The
// fixture's providers hold 3 (1-101), 1 (1-202) and 1 (SC0303) rows; a
// fourth, a-0404, is added with 2 rows, after SC0303 in byte order though
// before it in an order that ignores case, so a reader that took DuckDB's
// order for another would lose its rows. The providers asked for include
// ones before, between and after those with rows, which have none.
func TestProfileReaderInBatches(t *testing.T) {
	t.Parallel()
	r := openReleaseFixture(t, `INSERT INTO provider_profile SELECT * REPLACE ('a-0404' AS provider_id)
		FROM provider_profile WHERE provider_id = '1-101' AND metric = 'hc-visits-on-time'`)
	ctx := context.Background()
	// Every row, by provider, from one query, as the website read them
	// before it had batches.
	want := map[string][]string{}
	var row schemas.ProviderProfileRow
	if err := eachRow(ctx, r, "reader_site_profiles", &row, profileDest(&row), func(row *schemas.ProviderProfileRow) error {
		want[row.ProviderID] = append(want[row.ProviderID], asJSON(row))
		return nil
	}, sql.Named("first", ""), sql.Named("last", "\uffff")); err != nil {
		t.Fatal(err)
	}
	for id, n := range map[string]int{"1-101": 3, "1-202": 1, "SC0303": 1, "a-0404": 2} {
		if len(want[id]) != n {
			t.Fatalf("the fixture has %d profile rows of %s, want %d", len(want[id]), id, n)
		}
	}
	type run = keyRun[string]
	for _, tc := range []struct {
		batchRows int
		want      []run
	}{
		{1, []run{{"1-101", "1-101", 3}, {"1-202", "1-202", 1}, {"SC0303", "SC0303", 1}, {"a-0404", "a-0404", 2}}},
		{2, []run{{"1-101", "1-101", 3}, {"1-202", "SC0303", 2}, {"a-0404", "a-0404", 2}}},
		{4, []run{{"1-101", "1-202", 4}, {"SC0303", "a-0404", 3}}},
		{100, []run{{"1-101", "a-0404", 7}}},
	} {
		r.batchRows = tc.batchRows
		p, err := r.Profiles(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(p.batches, tc.want) {
			t.Errorf("batches of at most %d rows: got %v, want %v", tc.batchRows, p.batches, tc.want)
		}
		for _, id := range []string{"0-none", "1-101", "1-150", "1-202", "SC0303", "Z-none", "a-0404", "zz-none"} {
			rows, err := p.Of(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i := range rows {
				got = append(got, asJSON(&rows[i]))
			}
			if !slices.Equal(got, want[id]) {
				t.Errorf("batches of at most %d rows: %s has\n%s\nwant\n%s", tc.batchRows, id,
					strings.Join(got, "\n"), strings.Join(want[id], "\n"))
			}
			// Only the batch that holds the provider asked for is kept.
			if len(p.rows) > 0 {
				b := p.batches[p.i]
				for held := range p.rows {
					if held < b.first || held > b.last || id < b.first || id > b.last {
						t.Errorf("batches of at most %d rows: after %s, rows of %s are held in batch %v", tc.batchRows, id, held, b)
					}
				}
			}
		}
		if _, err := p.Of(ctx, "1-101"); err == nil || !strings.Contains(err.Error(), `provider "1-101" asked for after "zz-none"`) {
			t.Errorf("a provider asked for out of order: %v", err)
		}
	}
}

// TestEachSiteRowByProvider reads the fixture's comparison rows in
// provider order: each provider's metric and service in its latest period
// only, council-wide rows left out, with the council's name and note
// joined. Worked out by hand from the fixture's ten rows and those added
// here: 1-101's visits in 2024-25-Q2 (two councils), its visits in
// supported living, added in Q1 only, after them (by service, not
// period), and its staff turnover in Q2; 1-202's and SC0303's two metrics
// in Q1. Also added: for 1-202, a period whose name sorts after Q1 but
// which starts years before it, not taken as the latest (the latest is in
// the release's order of periods, by start first), and a period that no
// period link knows, left out;
// for SC0303, a period that starts and ends the same days as Q1, whose
// name sorts after it: the latest of the two in the release's order of
// periods, so the only one kept.
func TestEachSiteRowByProvider(t *testing.T) {
	t.Parallel()
	r := openReleaseFixture(t,
		"UPDATE observations SET note = 'late return' WHERE provider_id = '1-101' AND period = '2024-25-Q2' AND council_code = 'E08000010' AND metric = 'hc-visits-on-time'",
		"INSERT INTO comparisons SELECT * REPLACE ('supported-living' AS service) FROM comparisons WHERE provider_id = '1-101' AND metric = 'hc-visits-on-time' AND period = '2024-25-Q1' AND council_code = 'E08000009'",
		"INSERT INTO period_links BY NAME SELECT 'zz-early' AS period, 'quarter' AS kind, DATE '2019-04-01' AS period_start, DATE '2019-06-30' AS period_end",
		"INSERT INTO comparisons SELECT * REPLACE ('zz-early' AS period) FROM comparisons WHERE provider_id = '1-202' AND metric = 'hc-visits-on-time'",
		"INSERT INTO comparisons SELECT * REPLACE ('zz-unknown' AS period) FROM comparisons WHERE provider_id = '1-202' AND metric = 'hc-visits-on-time' AND period = '2024-25-Q1'",
		"INSERT INTO period_links BY NAME SELECT 'tie-Q1' AS period, 'quarter' AS kind, DATE '2024-04-01' AS period_start, DATE '2024-06-30' AS period_end",
		"INSERT INTO comparisons SELECT * REPLACE ('tie-Q1' AS period) FROM comparisons WHERE provider_id = 'SC0303' AND metric = 'hc-visits-on-time'")
	var got []string
	if err := r.EachSiteRow(context.Background(), ByProvider, func(row *SiteRow) error {
		got = append(got, strings.Join([]string{row.ProviderID, row.Metric, row.Service, row.Period, row.CouncilCode, row.CouncilName, row.Note}, " | "))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"1-101 | hc-visits-on-time | homecare | 2024-25-Q2 | E08000009 | Trafford | ",
		"1-101 | hc-visits-on-time | homecare | 2024-25-Q2 | E08000010 | Wigan | late return",
		"1-101 | hc-visits-on-time | supported-living | 2024-25-Q1 | E08000009 | Trafford | ",
		"1-101 | staff-turnover | homecare | 2024-25-Q2 | E08000010 | Wigan | ",
		"1-202 | hc-visits-on-time | homecare | 2024-25-Q1 | E08000009 | Trafford | ",
		"1-202 | staff-turnover | care-home | 2024-25-Q1 | E08000009 | Trafford | ",
		"SC0303 | hc-visits-on-time | homecare | tie-Q1 | E10000003 | Cambridgeshire | ",
		"SC0303 | staff-turnover | care-home | 2024-25-Q1 | E10000003 | Cambridgeshire | ",
	}
	if !slices.Equal(got, want) {
		t.Errorf("provider order:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestEachSiteRowByCouncil reads the fixture's comparison rows in council
// order: each council's metric and service in its latest period only,
// whoever the rows are of, by service, metric and provider, council-wide
// rows first. Worked out by hand: Trafford's visits are in Q2 for 1-101
// alone (its council-wide and 1-202's visits are Q1's, earlier), its staff
// turnover in Q1; Wigan's visits in Q2, with a council-wide row added
// there, and its staff turnover in Q2; Cambridgeshire's staff turnover in
// Q1 and its visits in a period added to start and end with Q1 but whose
// name sorts after it, so the latest in the release's order. A row of a
// period no period link knows is left out.
func TestEachSiteRowByCouncil(t *testing.T) {
	t.Parallel()
	r := openReleaseFixture(t,
		"INSERT INTO comparisons SELECT * REPLACE ('' AS provider_id) FROM comparisons WHERE provider_id = '1-101' AND metric = 'hc-visits-on-time' AND period = '2024-25-Q2' AND council_code = 'E08000010'",
		"INSERT INTO period_links BY NAME SELECT 'tie-Q1' AS period, 'quarter' AS kind, DATE '2024-04-01' AS period_start, DATE '2024-06-30' AS period_end",
		"INSERT INTO comparisons SELECT * REPLACE ('tie-Q1' AS period) FROM comparisons WHERE provider_id = 'SC0303' AND metric = 'hc-visits-on-time'",
		"INSERT INTO comparisons SELECT * REPLACE ('zz-unknown' AS period) FROM comparisons WHERE provider_id = '1-101' AND metric = 'staff-turnover'")
	var got []string
	if err := r.EachSiteRow(context.Background(), ByCouncil, func(row *SiteRow) error {
		got = append(got, strings.Join([]string{row.CouncilCode, row.CouncilName, row.Service, row.Metric, row.Period, row.ProviderID}, " | "))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"E08000009 | Trafford | care-home | staff-turnover | 2024-25-Q1 | 1-202",
		"E08000009 | Trafford | homecare | hc-visits-on-time | 2024-25-Q2 | 1-101",
		"E08000010 | Wigan | homecare | hc-visits-on-time | 2024-25-Q2 | ",
		"E08000010 | Wigan | homecare | hc-visits-on-time | 2024-25-Q2 | 1-101",
		"E08000010 | Wigan | homecare | staff-turnover | 2024-25-Q2 | 1-101",
		"E10000003 | Cambridgeshire | care-home | staff-turnover | 2024-25-Q1 | SC0303",
		"E10000003 | Cambridgeshire | homecare | hc-visits-on-time | tie-Q1 | SC0303",
	}
	if !slices.Equal(got, want) {
		t.Errorf("council order:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
