package duckdb

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// execSQL runs SQL text on the reader. It exists only in tests, to show
// what the reader refuses: no method of Reader takes SQL.
func (r *Reader) execSQL(ctx context.Context, q string) error {
	_, err := r.db.ExecContext(ctx, q)
	return err
}

// publicTablesDDL returns a CREATE TABLE statement for every public table,
// with the registry's columns and types in order: the tables a release
// database holds (TestWriteReleaseMatchesRegistry pins the builder's to
// the same registry).
func publicTablesDDL() string {
	var b strings.Builder
	for _, t := range schemas.PublicTables {
		cols := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			cols[i] = c.Name + " " + c.Type.SQLType()
		}
		fmt.Fprintf(&b, "CREATE TABLE %s (%s);\n", t.Name, strings.Join(cols, ", "))
	}
	return b.String()
}

// writeReleaseFixture makes the public tables (publicTablesDDL), writes
// the rows of testdata/reader/fixture.sql, then each of extra, to a new
// database file and returns its path. The writable database is
// closed before it returns, since DuckDB will not open one file with two
// configurations in a process.
func writeReleaseFixture(t testing.TB, extra ...string) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), schemas.DatabaseFile)
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range append([]string{publicTablesDDL(), testSQL(t, "reader/fixture")}, extra...) {
		if _, err := db.db.ExecContext(ctx, q); err != nil {
			db.Close()
			t.Fatalf("build fixture: %v", err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// openReleaseFixture opens a new copy of the fixture release with OpenRelease.
func openReleaseFixture(t testing.TB, extra ...string) *Reader {
	t.Helper()
	r, err := OpenRelease(context.Background(), writeReleaseFixture(t, extra...), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Error(err)
		}
	})
	return r
}

func fptr(v float64) *float64 { return &v }
func iptr(v int64) *int64     { return &v }

func onDay(s string) schemas.Date {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return schemas.Date{Time: d}
}

func onDayPtr(s string) *schemas.Date {
	d := onDay(s)
	return &d
}

// js renders v for a failure message, where %v would print pointers.
func asJSON(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// The fixture's periods, councils and metrics, named as in fixture.sql.
const (
	q1       = "2024-25-Q1"
	q2       = "2024-25-Q2"
	trafford = "E08000009"
	wigan    = "E08000010"
	cambs    = "E10000003"
	hcOnTime = "hc-visits-on-time"
	turnover = "staff-turnover"
	nn       = "yardstick-nn-v1"
)

// The fixture's ten observations, r1 to r10.
var (
	r1  = schemas.ObservationKey{Metric: hcOnTime, Period: q1, CouncilCode: trafford, ProviderID: "1-101", Service: "homecare"}
	r2  = schemas.ObservationKey{Metric: hcOnTime, Period: q1, CouncilCode: trafford, ProviderID: "1-202", Service: "homecare"}
	r3  = schemas.ObservationKey{Metric: hcOnTime, Period: q1, CouncilCode: wigan, ProviderID: "1-101", Service: "homecare"}
	r4  = schemas.ObservationKey{Metric: hcOnTime, Period: q1, CouncilCode: trafford, ProviderID: "", Service: "homecare"}
	r5  = schemas.ObservationKey{Metric: hcOnTime, Period: q1, CouncilCode: cambs, ProviderID: "SC0303", Service: "homecare"}
	r6  = schemas.ObservationKey{Metric: hcOnTime, Period: q2, CouncilCode: trafford, ProviderID: "1-101", Service: "homecare"}
	r7  = schemas.ObservationKey{Metric: hcOnTime, Period: q2, CouncilCode: wigan, ProviderID: "1-101", Service: "homecare"}
	r8  = schemas.ObservationKey{Metric: turnover, Period: q1, CouncilCode: trafford, ProviderID: "1-202", Service: "care-home"}
	r9  = schemas.ObservationKey{Metric: turnover, Period: q1, CouncilCode: cambs, ProviderID: "SC0303", Service: "care-home"}
	r10 = schemas.ObservationKey{Metric: turnover, Period: q2, CouncilCode: wigan, ProviderID: "1-101", Service: "homecare"}
)

func rowKeys(rows []schemas.ComparisonRow) []schemas.ObservationKey {
	out := make([]schemas.ObservationKey, len(rows))
	for i, r := range rows {
		out[i] = r.Key()
	}
	return out
}

// keyNames names keys as r1 to r10, for failure messages.
func keyNames(ks []schemas.ObservationKey) []string {
	names := map[schemas.ObservationKey]string{r1: "r1", r2: "r2", r3: "r3", r4: "r4", r5: "r5", r6: "r6", r7: "r7", r8: "r8", r9: "r9", r10: "r10"}
	out := make([]string, len(ks))
	for i, k := range ks {
		if out[i] = names[k]; out[i] == "" {
			out[i] = asJSON(k)
		}
	}
	return out
}

// TestReaderTablesAndColumns checks the finders that describe a release
// database against the registry its tables were made from.
func TestReaderTablesAndColumns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := openReleaseFixture(t)

	tables, err := r.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, pt := range schemas.PublicTables {
		want = append(want, pt.Name)
	}
	slices.Sort(want)
	if !slices.Equal(tables, want) {
		t.Errorf("Tables() = %v, want %v", tables, want)
	}
	for _, pt := range schemas.PublicTables {
		t.Run(pt.Name, func(t *testing.T) {
			got, err := r.Columns(ctx, pt.Name)
			if err != nil {
				t.Fatal(err)
			}
			var want []ColumnInfo
			for _, c := range pt.Columns {
				want = append(want, ColumnInfo{Name: c.Name, Type: c.Type.SQLType()})
			}
			if !slices.Equal(got, want) {
				t.Errorf("Columns(%q) = %v, want %v", pt.Name, got, want)
			}
		})
	}
	t.Run("unknown table", func(t *testing.T) {
		if _, err := r.Columns(ctx, "no_such_table"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Columns(no_such_table) error = %v, want ErrNotFound", err)
		}
	})
}

func TestReaderCounts(t *testing.T) {
	t.Parallel()
	got, err := openReleaseFixture(t).Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Ten observations and comparison rows; Trafford, Wigan and
	// Cambridgeshire have observations, Cambridge none; one of the two
	// submissions has current rows; the changes are one revised, one added,
	// two withdrawn and one newly withheld.
	want := schemas.Counts{Observations: 10, Comparisons: 10, Metrics: 2, Councils: 3, Providers: 3, Periods: 2,
		Submissions: 1, Revised: 1, Added: 1, Withdrawn: 2, NowHidden: 1, NowShown: 0}
	if got != want {
		t.Errorf("Counts() = %+v, want %+v", got, want)
	}
}

func TestReaderSubmissions(t *testing.T) {
	t.Parallel()
	got, err := openReleaseFixture(t).Submissions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []schemas.Submission{
		{ID: "2024-07-01T080000Z-7f3a", CouncilCode: trafford, ReceivedAt: time.Date(2024, 7, 1, 8, 0, 0, 0, time.UTC), Rows: 4, CurrentRows: 0},
		{ID: "2024-10-01T093000Z-c2d4", CouncilCode: "", ReceivedAt: time.Date(2024, 10, 1, 9, 30, 0, 123456000, time.UTC), Rows: 12, CurrentRows: 10},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Submissions() = %s\nwant %s", asJSON(got), asJSON(want))
	}
}

func TestReaderRevisionsAndWithdrawals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := openReleaseFixture(t)
	tests := []struct {
		name string
		get  func() (any, error)
		want any
	}{
		{"revisions", func() (any, error) { return r.Revisions(ctx) }, []schemas.Revision{{
			ObservationKey: r10,
			Old:            schemas.Figure{Value: fptr(22.5), Numerator: iptr(9), Denominator: iptr(40)},
			New:            schemas.Figure{Value: fptr(25), Numerator: iptr(10), Denominator: iptr(40), Status: "r"},
		}}},
		// In key order, though the fixture inserts them the other way.
		{"withdrawals", func() (any, error) { return r.Withdrawals(ctx) }, []schemas.Withdrawal{
			{
				ObservationKey: schemas.ObservationKey{Metric: hcOnTime, Period: q2, CouncilCode: cambs, ProviderID: "SC0303", Service: "homecare"},
				Old:            schemas.Figure{Value: fptr(50), Numerator: iptr(5), Denominator: iptr(10)},
			},
			{
				ObservationKey: schemas.ObservationKey{Metric: turnover, Period: q1, CouncilCode: wigan, ProviderID: "", Service: "care-home"},
				Old:            schemas.Figure{Value: fptr(30)},
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.get()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %s\nwant %s", asJSON(got), asJSON(tt.want))
			}
		})
	}
}

func TestReaderPeriods(t *testing.T) {
	t.Parallel()
	got, err := openReleaseFixture(t).Periods(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []schemas.PeriodRow{
		{Period: q1, Kind: schemas.Quarter, PeriodStart: onDay("2024-04-01"), PeriodEnd: onDay("2024-06-30"), Previous: "2023-24-Q4", YearEarlier: "2023-24-Q1"},
		{Period: q2, Kind: schemas.Quarter, PeriodStart: onDay("2024-07-01"), PeriodEnd: onDay("2024-09-30"), Previous: q1, YearEarlier: "2023-24-Q2"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Periods() = %s\nwant %s", asJSON(got), asJSON(want))
	}
}

func TestReaderSimilarCouncilsMethod(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		extra   []string
		want    string
		wantErr bool
	}{
		{"nearest neighbours", nil, nn, false},
		{"no similar councils", []string{"DELETE FROM similar_councils"}, "", false},
		{"two methods", []string{"UPDATE similar_councils SET method = 'peer-groups.csv' WHERE council_code = 'E10000003'"}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := openReleaseFixture(t, tt.extra...).SimilarCouncilsMethod(context.Background())
			if (err != nil) != tt.wantErr {
				t.Fatalf("SimilarCouncilsMethod() error = %v, want error %t", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("SimilarCouncilsMethod() = %q, want %q", got, tt.want)
			}
		})
	}
}

var (
	metricOnTime = schemas.Metric{ID: hcOnTime, Title: "Visits on time", Description: "Share of planned home-care visits that began on time.",
		Services: []string{"homecare"}, Kind: schemas.KindProportion, Unit: schemas.UnitPercent, Multiplier: 100,
		Polarity: schemas.HigherIsBetter, Min: fptr(0), Max: fptr(100), Disclosure: schemas.DisclosureNone,
		Numerator: "Visits that began on time", Denominator: "Visits planned", Source: "Yardstick test fixture"}
	metricTurnover = schemas.Metric{ID: turnover, Title: "Staff turnover", Description: "Share of staff who left.",
		Services: []string{"care-home", "homecare"}, Kind: schemas.KindProportion, Unit: schemas.UnitPercent, Multiplier: 100,
		Polarity: schemas.LowerIsBetter, Disclosure: schemas.DisclosureSmallCounts,
		Numerator: "Staff who left", Denominator: "Staff in post"}
)

func TestReaderMetrics(t *testing.T) {
	t.Parallel()
	got, err := openReleaseFixture(t).Metrics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []schemas.Metric{metricOnTime, metricTurnover}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Metrics() = %s\nwant %s", asJSON(got), asJSON(want))
	}
}

func TestReaderMetric(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := openReleaseFixture(t)
	hc := func(period, level string) schemas.BenchmarkRow {
		return schemas.BenchmarkRow{Metric: hcOnTime, Period: period, Service: "homecare", Level: level,
			Kind: schemas.KindProportion, Polarity: schemas.HigherIsBetter, Multiplier: 100}
	}
	b1 := hc(q1, "provider")
	b1.NationalValue, b1.NationalN, b1.NCouncils, b1.NProviders, b1.NPooled = fptr(80), 3, 2, 2, 3
	b1.SumNumerator, b1.SumDenominator, b1.MeanValue, b1.Median = iptr(240), iptr(300), fptr(80), fptr(80)
	b1.Q1, b1.Q3, b1.P10, b1.P90, b1.Target, b1.NZ, b1.Phi, b1.Tau2 = fptr(75), fptr(85), fptr(72), fptr(88), fptr(0.8), 3, fptr(4.17), fptr(0.0021)
	b2 := hc(q1, "council")
	b2.NationalValue, b2.NationalN, b2.NCouncils, b2.NProviders, b2.NPooled = fptr(85), 1, 1, 0, 1
	b2.SumNumerator, b2.SumDenominator, b2.MeanValue, b2.Median = iptr(170), iptr(200), fptr(85), fptr(85)
	b2.Q1, b2.Q3, b2.P10, b2.P90, b2.Target, b2.NZ = fptr(85), fptr(85), fptr(85), fptr(85), fptr(0.85), 1
	b3 := hc(q2, "provider")
	b3.NationalValue, b3.NationalN, b3.NCouncils, b3.NProviders, b3.NPooled = fptr(77.5), 2, 2, 1, 2
	b3.SumNumerator, b3.SumDenominator, b3.MeanValue, b3.Median = iptr(155), iptr(200), fptr(77.5), fptr(77.5)
	b3.Q1, b3.Q3, b3.P10, b3.P90, b3.Target, b3.NZ, b3.Phi, b3.Tau2 = fptr(68.75), fptr(86.25), fptr(63.5), fptr(91.5), fptr(0.775), 2, fptr(11.6), fptr(0.012)
	// By period, service and level: council before provider.
	benchmarks := []schemas.BenchmarkRow{b2, b1, b3}
	funnel := []schemas.FunnelLimit{
		{Metric: hcOnTime, Period: q1, Service: "homecare", Level: "council", Denominator: 200, Target: 85,
			Lower95: 80.1, Upper95: 89.9, Lower998: 77.2, Upper998: 92.8, Lower998Adjusted: 77.2, Upper998Adjusted: 92.8},
		{Metric: hcOnTime, Period: q1, Service: "homecare", Level: "provider", Denominator: 100, Target: 80,
			Lower95: 72.2, Upper95: 87.8, Lower998: 67.6, Upper998: 92.4, Lower998Adjusted: 60.1, Upper998Adjusted: 99.9},
		{Metric: hcOnTime, Period: q1, Service: "homecare", Level: "provider", Denominator: 200, Target: 80,
			Lower95: 74.5, Upper95: 85.5, Lower998: 71.3, Upper998: 88.7, Lower998Adjusted: 62.0, Upper998Adjusted: 98.0},
	}
	tests := []struct {
		name, id, period string
		want             schemas.MetricView
		wantErr          error
	}{
		{"no period", hcOnTime, "", schemas.MetricView{Metric: metricOnTime, Benchmarks: benchmarks, FunnelLimits: []schemas.FunnelLimit{}}, nil},
		{"with period", hcOnTime, q1, schemas.MetricView{Metric: metricOnTime, Benchmarks: benchmarks, Period: q1, FunnelLimits: funnel}, nil},
		{"unknown metric", "no-such-metric", "", schemas.MetricView{}, ErrNotFound},
		{"empty id", "", "", schemas.MetricView{}, ErrNotFound},
		{"unknown period", hcOnTime, "2030-31-Q1", schemas.MetricView{}, ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Metric(ctx, tt.id, tt.period)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("Metric(%q, %q) error = %v, want %v", tt.id, tt.period, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Metric(%q, %q) = %s\nwant %s", tt.id, tt.period, asJSON(got), asJSON(tt.want))
			}
		})
	}
}

var (
	councilCambridge = schemas.CouncilRow{CouncilCode: "E07000008", RegistryCode: "CAB", Name: "Cambridge", OfficialName: "Cambridge City Council",
		CouncilType: "NMD", TypeName: "Non-metropolitan district", Region: "East of England", Nation: "England",
		StartDate: onDayPtr("1974-04-01"), Population: iptr(125758), AreaKm2: fptr(40.7), SocialCare: false, WasteCollection: true, CountyCode: cambs}
	councilCambs = schemas.CouncilRow{CouncilCode: cambs, RegistryCode: "CAM", Name: "Cambridgeshire", OfficialName: "Cambridgeshire County Council",
		CouncilType: "CTY", TypeName: "County council", Region: "East of England", Nation: "England",
		StartDate: onDayPtr("1974-04-01"), Population: iptr(653537), AreaKm2: fptr(3046.1), SocialCare: true, WasteCollection: false}
	councilTrafford = schemas.CouncilRow{CouncilCode: trafford, RegistryCode: "TRF", Name: "Trafford", OfficialName: "Trafford Metropolitan Borough Council",
		CouncilType: "MD", TypeName: "Metropolitan district", Region: "North West", Nation: "England",
		Population: iptr(235493), AreaKm2: fptr(106.04), SocialCare: true, WasteCollection: true}
	councilWigan = schemas.CouncilRow{CouncilCode: wigan, RegistryCode: "WGN", Name: "Wigan", OfficialName: "Wigan Metropolitan Borough Council",
		CouncilType: "MD", TypeName: "Metropolitan district", Region: "North West", Nation: "England",
		Population: iptr(330714), AreaKm2: fptr(188.23), SocialCare: true, WasteCollection: true}
)

func TestReaderCouncils(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := openReleaseFixture(t)
	type rows = []schemas.CouncilRow
	tests := []filterCase[CouncilFilter, schemas.Page[schemas.CouncilRow]]{
		{"all, by name", CouncilFilter{},
			schemas.Page[schemas.CouncilRow]{Items: rows{councilCambridge, councilCambs, councilTrafford, councilWigan}, Total: 4, Page: 1, PageSize: 100}},
		{"with data", CouncilFilter{WithData: true},
			schemas.Page[schemas.CouncilRow]{Items: rows{councilCambs, councilTrafford, councilWigan}, Total: 3, Page: 1, PageSize: 100}},
		{"region", CouncilFilter{Region: "North West"},
			schemas.Page[schemas.CouncilRow]{Items: rows{councilTrafford, councilWigan}, Total: 2, Page: 1, PageSize: 100}},
		{"region with data", CouncilFilter{Region: "East of England", WithData: true},
			schemas.Page[schemas.CouncilRow]{Items: rows{councilCambs}, Total: 1, Page: 1, PageSize: 100}},
		{"council type", CouncilFilter{CouncilType: "CTY"},
			schemas.Page[schemas.CouncilRow]{Items: rows{councilCambs}, Total: 1, Page: 1, PageSize: 100}},
		{"query in name, any case", CouncilFilter{Query: "CAMBRIDGE"},
			schemas.Page[schemas.CouncilRow]{Items: rows{councilCambridge, councilCambs}, Total: 2, Page: 1, PageSize: 100}},
		{"query in official name", CouncilFilter{Query: "city"},
			schemas.Page[schemas.CouncilRow]{Items: rows{councilCambridge}, Total: 1, Page: 1, PageSize: 100}},
		{"query in code", CouncilFilter{Query: "e0800"},
			schemas.Page[schemas.CouncilRow]{Items: rows{councilTrafford, councilWigan}, Total: 2, Page: 1, PageSize: 100}},
		{"query % is literal", CouncilFilter{Query: "%"},
			schemas.Page[schemas.CouncilRow]{Items: rows{}, Total: 0, Page: 1, PageSize: 100}},
		{"page 2 of size 2", CouncilFilter{Page: 2, PageSize: 2},
			schemas.Page[schemas.CouncilRow]{Items: rows{councilTrafford, councilWigan}, Total: 4, Page: 2, PageSize: 2}},
		{"past the end", CouncilFilter{Page: 3, PageSize: 2},
			schemas.Page[schemas.CouncilRow]{Items: rows{}, Total: 4, Page: 3, PageSize: 2}},
	}
	runFilterCases(t, "Councils", tests, func(f CouncilFilter) (schemas.Page[schemas.CouncilRow], error) { return r.Councils(ctx, f) })
}

// filterCase is one case of a finder that takes a filter.
type filterCase[F, W any] struct {
	name   string
	filter F
	want   W
}

// runFilterCases runs each case as a subtest, calling the finder named
// method through call.
func runFilterCases[F, W any](t *testing.T, method string, tests []filterCase[F, W], call func(F) (W, error)) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := call(tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s(%+v) = %s\nwant %s", method, tt.filter, asJSON(got), asJSON(tt.want))
			}
		})
	}
}

func TestReaderCouncil(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := openReleaseFixture(t)
	// By responsibility, then rank, though the fixture inserts them out
	// of order.
	traffordSimilar := []schemas.SimilarCouncil{
		{Responsibility: "social_care", SimilarCode: wigan, Name: "Wigan", Rank: 1, Distance: fptr(0.5), Method: nn},
		{Responsibility: "social_care", SimilarCode: cambs, Name: "Cambridgeshire", Rank: 2, Distance: fptr(2.1), Method: nn},
		{Responsibility: "waste_collection", SimilarCode: wigan, Name: "Wigan", Rank: 1, Distance: fptr(0.5), Method: nn},
		{Responsibility: "waste_collection", SimilarCode: "E07000008", Name: "Cambridge", Rank: 2, Distance: fptr(1.7), Method: nn},
	}
	// By service, then the providers table's name; the council-wide row
	// is no provider.
	traffordProviders := []schemas.CouncilProvider{
		{Service: "care-home", ProviderID: "1-202", ProviderName: "Brook 100% Care", Sector: "voluntary", NRows: 1},
		{Service: "homecare", ProviderID: "1-101", ProviderName: "Acme Care Ltd", Sector: "private", NRows: 2},
		{Service: "homecare", ProviderID: "1-202", ProviderName: "Brook 100% Care", Sector: "voluntary", NRows: 1},
	}
	tests := []struct {
		name, code  string
		first       int
		want        schemas.CouncilView
		wantKeys    []schemas.ObservationKey
		wantErr     error
		wantNoRows  bool
		wantSimilar int
	}{
		{name: "Trafford", code: trafford,
			want: schemas.CouncilView{
				Council:          councilTrafford,
				Similar:          traffordSimilar,
				Providers:        traffordProviders,
				ComparisonsTotal: 5,
			},
			first:    100,
			wantKeys: []schemas.ObservationKey{r4, r1, r2, r6, r8}},
		// The view holds the first rows and counts them all.
		{name: "Trafford, the first two rows", code: trafford, first: 2,
			want:     schemas.CouncilView{Council: councilTrafford, Similar: traffordSimilar, Providers: traffordProviders, ComparisonsTotal: 5},
			wantKeys: []schemas.ObservationKey{r4, r1}},
		{name: "a council without observations", code: "E07000008", first: 100,
			want: schemas.CouncilView{Council: councilCambridge, Similar: []schemas.SimilarCouncil{}, Providers: []schemas.CouncilProvider{}},
			// Not nil: a JSON body shows [].
			wantKeys: []schemas.ObservationKey{}},
		{name: "unknown", code: "E99999999", wantErr: ErrNotFound},
		{name: "empty", code: "", wantErr: ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Council(ctx, tt.code, tt.first)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("Council(%q) error = %v, want %v", tt.code, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if k := rowKeys(got.Comparisons); !slices.Equal(k, tt.wantKeys) || got.Comparisons == nil {
				t.Errorf("Council(%q) comparison rows = %v, want %v", tt.code, keyNames(k), keyNames(tt.wantKeys))
			}
			got.Comparisons = nil
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Council(%q) = %s\nwant %s", tt.code, asJSON(got), asJSON(tt.want))
			}
		})
	}
}

var (
	providerAcme = schemas.ProviderRow{ProviderID: "1-101", ProviderName: "Acme Care Ltd", Sector: "private",
		SectorSource: "CQC register as at 2024-03-31, import i1", Aliases: []string{"Acme Care", "Homecare Partners"},
		Identifiers: []string{"cqc_provider:1-101", "companies_house:GB-COH-01234567"}, Rating: "Good", RatingDate: onDayPtr("2024-02-01"),
		Ratings:   []string{"2022-05-01 Requires improvement", "2024-02-01 Good"},
		NCouncils: 2, Councils: []string{trafford, wigan}, Services: []string{"homecare"},
		FirstPeriodStart: onDay("2024-04-01"), LastPeriodEnd: onDay("2024-09-30"), NRows: 5}
	providerBrook = schemas.ProviderRow{ProviderID: "1-202", ProviderName: "Brook 100% Care", Sector: "voluntary",
		SectorSource: "councils' returns", Aliases: []string{}, Identifiers: []string{}, Ratings: []string{}, NCouncils: 1,
		Councils: []string{trafford}, Services: []string{"care-home", "homecare"},
		FirstPeriodStart: onDay("2024-04-01"), LastPeriodEnd: onDay("2024-06-30"), NRows: 2}
	providerCedar = schemas.ProviderRow{ProviderID: "SC0303", ProviderName: "Cedar_House", Sector: "private",
		SectorSource: "councils' returns", Aliases: []string{"Cedar 5% Homes"}, Identifiers: []string{}, Ratings: []string{}, NCouncils: 1,
		Councils: []string{cambs}, Services: []string{"care-home", "homecare"},
		FirstPeriodStart: onDay("2024-04-01"), LastPeriodEnd: onDay("2024-06-30"), NRows: 2}
)

func TestReaderProviders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := openReleaseFixture(t)
	type rows = []schemas.ProviderRow
	page1 := func(total int, items ...schemas.ProviderRow) schemas.Page[schemas.ProviderRow] {
		return schemas.Page[schemas.ProviderRow]{Items: append(rows{}, items...), Total: total, Page: 1, PageSize: 100}
	}
	tests := []filterCase[ProviderFilter, schemas.Page[schemas.ProviderRow]]{
		{"all, by name", ProviderFilter{}, page1(3, providerAcme, providerBrook, providerCedar)},
		{"name, any case", ProviderFilter{Query: "ACME care"}, page1(1, providerAcme)},
		{"id", ProviderFilter{Query: "sc03"}, page1(1, providerCedar)},
		{"ids", ProviderFilter{Query: "1-"}, page1(2, providerAcme, providerBrook)},
		// An alias alone finds its provider, in any case: "partners" is
		// in no name or id.
		{"alias", ProviderFilter{Query: "homecare PARTNERS"}, page1(1, providerAcme)},
		// As LIKE patterns, % and _ would match every name, and ca%e
		// would match "Acme Care". Brook's name and Cedar's alias hold a
		// literal %.
		{"% is literal", ProviderFilter{Query: "%"}, page1(2, providerBrook, providerCedar)},
		{"% is literal in an alias", ProviderFilter{Query: "5% h"}, page1(1, providerCedar)},
		{"_ is literal", ProviderFilter{Query: "_"}, page1(1, providerCedar)},
		{"no wildcard inside", ProviderFilter{Query: "ca%e"}, page1(0)},
		{"literal 100%", ProviderFilter{Query: "100% c"}, page1(1, providerBrook)},
		{"sector", ProviderFilter{Sector: "private"}, page1(2, providerAcme, providerCedar)},
		{"service", ProviderFilter{Service: "care-home"}, page1(2, providerBrook, providerCedar)},
		{"sector and service", ProviderFilter{Sector: "private", Service: "care-home"}, page1(1, providerCedar)},
		{"unknown sector", ProviderFilter{Sector: "plc"}, page1(0)},
		{"page 2 of size 2", ProviderFilter{Page: 2, PageSize: 2},
			schemas.Page[schemas.ProviderRow]{Items: rows{providerCedar}, Total: 3, Page: 2, PageSize: 2}},
		{"past the end", ProviderFilter{Page: 3, PageSize: 2},
			schemas.Page[schemas.ProviderRow]{Items: rows{}, Total: 3, Page: 3, PageSize: 2}},
	}
	runFilterCases(t, "Providers", tests, func(f ProviderFilter) (schemas.Page[schemas.ProviderRow], error) { return r.Providers(ctx, f) })
}

func TestReaderProvider(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := openReleaseFixture(t)
	profile := func(metric, period string) schemas.ProviderProfileRow {
		return schemas.ProviderProfileRow{ProviderID: "1-101", ProviderName: "Acme Care Ltd", ProviderSector: "private",
			Metric: metric, Period: period, Service: "homecare", ZScore: fptr(0), BandNational: "similar", BandNationalAdjusted: "similar"}
	}
	p1 := profile(hcOnTime, q1)
	p1.NCouncils, p1.NValues, p1.Numerator, p1.Denominator, p1.Value = 2, 2, iptr(160), iptr(200), fptr(80)
	p1.CI95Lower, p1.CI95Upper, p1.CI998Lower, p1.CI998Upper, p1.NationalValue = fptr(73.9), fptr(85), fptr(70), fptr(87.6), fptr(80)
	p1.CouncilsMin, p1.CouncilsQ1, p1.CouncilsMedian, p1.CouncilsQ3, p1.CouncilsMax, p1.CouncilsSD = fptr(70), fptr(75), fptr(80), fptr(85), fptr(90), fptr(14.1421)
	p2 := profile(hcOnTime, q2)
	p2.NCouncils, p2.NValues, p2.Numerator, p2.Denominator, p2.Value = 2, 2, iptr(155), iptr(200), fptr(77.5)
	p2.CI95Lower, p2.CI95Upper, p2.CI998Lower, p2.CI998Upper, p2.NationalValue = fptr(71.2), fptr(82.7), fptr(67.5), fptr(85.6), fptr(77.5)
	p2.CouncilsMin, p2.CouncilsQ1, p2.CouncilsMedian, p2.CouncilsQ3, p2.CouncilsMax, p2.CouncilsSD = fptr(60), fptr(68.75), fptr(77.5), fptr(86.25), fptr(95), fptr(24.7487)
	p3 := profile(turnover, q2)
	p3.NCouncils, p3.NValues, p3.Numerator, p3.Denominator, p3.Value = 1, 1, iptr(10), iptr(40), fptr(25)
	p3.CI95Lower, p3.CI95Upper, p3.CI998Lower, p3.CI998Upper, p3.NationalValue = fptr(14.2), fptr(40.2), fptr(9.7), fptr(50), fptr(25)
	p3.CouncilsMin, p3.CouncilsQ1, p3.CouncilsMedian, p3.CouncilsQ3, p3.CouncilsMax = fptr(25), fptr(25), fptr(25), fptr(25), fptr(25)

	tests := []struct {
		name, id string
		first    int
		want     schemas.ProviderView
		wantKeys []schemas.ObservationKey
		wantErr  error
	}{
		{name: "Acme", id: "1-101",
			// By metric, period and service, though the fixture inserts
			// staff turnover first.
			want:     schemas.ProviderView{Provider: providerAcme, Profile: []schemas.ProviderProfileRow{p1, p2, p3}, ComparisonsTotal: 5},
			first:    100,
			wantKeys: []schemas.ObservationKey{r1, r3, r6, r7, r10}},
		// The view holds the first rows and counts them all.
		{name: "Acme, the first three rows", id: "1-101", first: 3,
			want:     schemas.ProviderView{Provider: providerAcme, Profile: []schemas.ProviderProfileRow{p1, p2, p3}, ComparisonsTotal: 5},
			wantKeys: []schemas.ObservationKey{r1, r3, r6}},
		{name: "unknown", id: "1-999", wantErr: ErrNotFound},
		{name: "council-wide rows are no provider", id: "", wantErr: ErrNotFound},
		{name: "a query is no id", id: "%", wantErr: ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Provider(ctx, tt.id, tt.first)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("Provider(%q) error = %v, want %v", tt.id, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if k := rowKeys(got.Comparisons); !slices.Equal(k, tt.wantKeys) {
				t.Errorf("Provider(%q) comparison rows = %v, want %v", tt.id, keyNames(k), keyNames(tt.wantKeys))
			}
			got.Comparisons = nil
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Provider(%q) = %s\nwant %s", tt.id, asJSON(got), asJSON(tt.want))
			}
		})
	}
}

func TestReaderComparisons(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := openReleaseFixture(t)
	type ks = []schemas.ObservationKey
	all := ks{r4, r1, r2, r3, r5, r6, r7, r8, r9, r10}
	tests := []struct {
		name                  string
		filter                ComparisonFilter
		want                  ks
		total, page, pageSize int
	}{
		{"all, in key order", ComparisonFilter{}, all, 10, 1, 100},
		{"metric", ComparisonFilter{Metric: turnover}, ks{r8, r9, r10}, 3, 1, 100},
		{"period", ComparisonFilter{Period: q2}, ks{r6, r7, r10}, 3, 1, 100},
		{"council", ComparisonFilter{Council: cambs}, ks{r5, r9}, 2, 1, 100},
		{"provider", ComparisonFilter{Provider: "1-101"}, ks{r1, r3, r6, r7, r10}, 5, 1, 100},
		{"service", ComparisonFilter{Service: "care-home"}, ks{r8, r9}, 2, 1, 100},
		{"region", ComparisonFilter{Region: "North West"}, ks{r4, r1, r2, r3, r6, r7, r8, r10}, 8, 1, 100},
		{"council type", ComparisonFilter{CouncilType: "CTY"}, ks{r5, r9}, 2, 1, 100},
		{"sector", ComparisonFilter{Sector: "voluntary"}, ks{r2, r8}, 2, 1, 100},
		// The council-wide r4 has no provider, so no sector.
		{"sector private", ComparisonFilter{Sector: "private"}, ks{r1, r3, r5, r6, r7, r9, r10}, 7, 1, 100},
		{"band", ComparisonFilter{Band: "worse"}, ks{r3, r7, r9}, 3, 1, 100},
		{"several filters", ComparisonFilter{Metric: hcOnTime, Period: q1, Region: "North West"}, ks{r4, r1, r2, r3}, 4, 1, 100},
		{"nothing matches", ComparisonFilter{Metric: "no-such-metric"}, ks{}, 0, 1, 100},
		{"page 2 of size 2", ComparisonFilter{Page: 2, PageSize: 2}, ks{r2, r3}, 10, 2, 2},
		{"last page", ComparisonFilter{Page: 4, PageSize: 3}, ks{r10}, 10, 4, 3},
		{"past the end", ComparisonFilter{Page: 6, PageSize: 2}, ks{}, 10, 6, 2},
		{"page size capped", ComparisonFilter{PageSize: 5000}, all, 10, 1, MaxPageSize},
		{"value ascending, blank last", ComparisonFilter{Sort: "value"}, ks{r8, r9, r10, r7, r3, r2, r4, r1, r6, r5}, 10, 1, 100},
		{"value descending, blank last", ComparisonFilter{Sort: "value", Desc: true}, ks{r6, r1, r4, r2, r3, r7, r10, r9, r8, r5}, 10, 1, 100},
		{"value descending, page 2 of size 3", ComparisonFilter{Sort: "value", Desc: true, Page: 2, PageSize: 3}, ks{r2, r3, r7}, 10, 2, 3},
		// Ties go in key order whichever way the column sorts.
		{"provider name ascending", ComparisonFilter{Sort: "provider_name"}, ks{r4, r3, r7, r10, r1, r6, r2, r8, r5, r9}, 10, 1, 100},
		{"provider name descending", ComparisonFilter{Sort: "provider_name", Desc: true}, ks{r5, r9, r2, r8, r1, r6, r3, r7, r10, r4}, 10, 1, 100},
		{"change ascending", ComparisonFilter{Sort: "change_prev"}, ks{r7, r6, r4, r1, r2, r3, r5, r8, r9, r10}, 10, 1, 100},
		{"change descending", ComparisonFilter{Sort: "change_prev", Desc: true}, ks{r6, r7, r4, r1, r2, r3, r5, r8, r9, r10}, 10, 1, 100},
		{"status", ComparisonFilter{Sort: "status"}, ks{r4, r1, r2, r3, r6, r7, r8, r9, r5, r10}, 10, 1, 100},
		{"filter and sort", ComparisonFilter{Provider: "1-101", Sort: "value", Desc: true}, ks{r6, r1, r3, r7, r10}, 5, 1, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Comparisons(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if k := rowKeys(got.Items); !slices.Equal(k, tt.want) || got.Items == nil {
				t.Errorf("Comparisons(%+v) rows = %v, want %v", tt.filter, keyNames(k), keyNames(tt.want))
			}
			if got.Total != tt.total || got.Page != tt.page || got.PageSize != tt.pageSize {
				t.Errorf("Comparisons(%+v) total, page, page size = %d, %d, %d, want %d, %d, %d",
					tt.filter, got.Total, got.Page, got.PageSize, tt.total, tt.page, tt.pageSize)
			}
		})
	}
}

// TestReaderComparisonRows checks every column of three rows: a plain
// provider row, a council-wide row and a suppressed one.
func TestReaderComparisonRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := openReleaseFixture(t)
	tests := []struct {
		name   string
		filter ComparisonFilter
		want   schemas.ComparisonRow
	}{
		{"provider row", ComparisonFilter{Metric: hcOnTime, Period: q1, Council: trafford, Provider: "1-101"}, schemas.ComparisonRow{
			Metric: hcOnTime, Period: q1, CouncilCode: trafford, ProviderID: "1-101", ProviderName: "Acme Care Ltd", Service: "homecare",
			Value: fptr(90), Numerator: iptr(90), Denominator: iptr(100),
			CI95Lower: fptr(82.6), CI95Upper: fptr(94.5), CI998Lower: fptr(77.8), CI998Upper: fptr(96),
			NationalValue: fptr(80), NationalMedian: fptr(80), NationalQ1: fptr(75), NationalQ3: fptr(85), NationalN: iptr(3),
			PercentileRank: fptr(100), ZScore: fptr(2.5),
			BandNational: "similar", BandNational95: "better", BandNationalAdjusted: "similar", BandRegion: "better",
			BandCouncilType: "similar", BandSimilar: "similar",
			ChangeYear: fptr(4)}},
		{"council-wide row", ComparisonFilter{Metric: hcOnTime, Period: q1, Council: trafford, Page: 1, PageSize: 1}, schemas.ComparisonRow{
			Metric: hcOnTime, Period: q1, CouncilCode: trafford, ProviderID: "", ProviderName: "", Service: "homecare",
			Value: fptr(85), Numerator: iptr(170), Denominator: iptr(200),
			CI95Lower: fptr(79.4), CI95Upper: fptr(89.2), CI998Lower: fptr(75.6), CI998Upper: fptr(91.3),
			NationalValue: fptr(85), NationalMedian: fptr(85), NationalQ1: fptr(85), NationalQ3: fptr(85), NationalN: iptr(1),
			ZScore:       fptr(0),
			BandNational: "similar", BandNational95: "similar", BandNationalAdjusted: "similar", BandRegion: "similar",
			BandCouncilType: "similar", BandSimilar: "similar"}},
		{"suppressed row", ComparisonFilter{Metric: hcOnTime, Council: cambs}, schemas.ComparisonRow{
			Metric: hcOnTime, Period: q1, CouncilCode: cambs, ProviderID: "SC0303", ProviderName: "Cedar_House", Service: "homecare",
			Status:       "c",
			BandNational: "not_compared", BandNational95: "not_compared", BandNationalAdjusted: "not_compared", BandRegion: "not_compared",
			BandCouncilType: "not_compared", BandSimilar: "not_compared"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Comparisons(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Items) != 1 || !reflect.DeepEqual(got.Items[0], tt.want) {
				t.Errorf("Comparisons(%+v) = %s\nwant one row %s", tt.filter, asJSON(got.Items), asJSON(tt.want))
			}
		})
	}
}

func TestReaderComparisonsRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := openReleaseFixture(t)
	tests := []struct {
		name   string
		filter ComparisonFilter
		want   error
	}{
		{"unknown sort", ComparisonFilter{Sort: "no_such_column"}, ErrInvalidSort},
		{"SQL as a sort", ComparisonFilter{Sort: "value; DROP TABLE comparisons"}, ErrInvalidSort},
		{"a column not in the allow-list", ComparisonFilter{Sort: "ci95_lower"}, ErrInvalidSort},
		{"descending without a sort", ComparisonFilter{Desc: true}, ErrInvalidSort},
		{"negative page", ComparisonFilter{Page: -1}, ErrInvalidPage},
		{"negative page size", ComparisonFilter{PageSize: -5}, ErrInvalidPage},
		{"page too far on", ComparisonFilter{Page: 1 << 62, PageSize: 1000}, ErrInvalidPage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := r.Comparisons(ctx, tt.filter); !errors.Is(err, tt.want) {
				t.Errorf("Comparisons(%+v) error = %v, want %v", tt.filter, err, tt.want)
			}
		})
	}
	for _, f := range []ProviderFilter{{Page: -1}, {PageSize: -1}} {
		if _, err := r.Providers(ctx, f); !errors.Is(err, ErrInvalidPage) {
			t.Errorf("Providers(%+v) error = %v, want ErrInvalidPage", f, err)
		}
	}
	if _, err := r.Councils(ctx, CouncilFilter{Page: -1}); !errors.Is(err, ErrInvalidPage) {
		t.Errorf("Councils(page -1) error = %v, want ErrInvalidPage", err)
	}
}

// TestReaderComparisonSortsEveryColumn checks that each sort in the
// allow-list orders by its own column, both ways, with blanks last and
// ties in key order: a name the SQL's CASEs lacked would fall back to key
// order and fail here, since no allowed column is constant in the fixture.
func TestReaderComparisonSortsEveryColumn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := openReleaseFixture(t)
	for _, col := range ComparisonSorts() {
		for _, desc := range []bool{false, true} {
			t.Run(col+map[bool]string{false: " ascending", true: " descending"}[desc], func(t *testing.T) {
				got, err := r.Comparisons(ctx, ComparisonFilter{Sort: col, Desc: desc})
				if err != nil {
					t.Fatal(err)
				}
				if len(got.Items) != 10 {
					t.Fatalf("got %d rows, want 10", len(got.Items))
				}
				order := func(a, b schemas.ComparisonRow) int {
					if c := compareColumn(t, a, b, col, desc); c != 0 {
						return c
					}
					return compareKeys(a.Key(), b.Key())
				}
				if !slices.IsSortedFunc(got.Items, order) {
					t.Errorf("Comparisons(sort %s, desc %t) = %v, not in that order", col, desc, keyNames(rowKeys(got.Items)))
				}
			})
		}
	}
}

// compareColumn compares two rows by the column with JSON name col: blanks
// (nil numbers) last, and otherwise reversed when desc.
func compareColumn(t *testing.T, a, b schemas.ComparisonRow, col string, desc bool) int {
	t.Helper()
	field := func(r schemas.ComparisonRow) reflect.Value {
		v := reflect.ValueOf(r)
		for i := range v.NumField() {
			if name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ","); name == col {
				return v.Field(i)
			}
		}
		t.Fatalf("no column %s", col)
		return reflect.Value{}
	}
	fa, fb := field(a), field(b)
	if fa.Kind() == reflect.Pointer {
		switch {
		case fa.IsNil() && fb.IsNil():
			return 0
		case fa.IsNil():
			return 1
		case fb.IsNil():
			return -1
		}
		fa, fb = fa.Elem(), fb.Elem()
	}
	var c int
	switch fa.Kind() {
	case reflect.String:
		c = cmp.Compare(fa.String(), fb.String())
	case reflect.Float64:
		c = cmp.Compare(fa.Float(), fb.Float())
	case reflect.Int64:
		c = cmp.Compare(fa.Int(), fb.Int())
	default:
		t.Fatalf("column %s is a %s", col, fa.Kind())
	}
	if desc {
		c = -c
	}
	return c
}

func compareKeys(a, b schemas.ObservationKey) int {
	for _, p := range [][2]string{{a.Metric, b.Metric}, {a.Period, b.Period}, {a.CouncilCode, b.CouncilCode}, {a.ProviderID, b.ProviderID}, {a.Service, b.Service}} {
		if c := cmp.Compare(p[0], p[1]); c != 0 {
			return c
		}
	}
	return 0
}
