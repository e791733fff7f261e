package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/publish/publishtest"
)

// The council-level tests load a real DfE file, one row per council and
// no provider column (testdata/councillevel, see SOURCES.md there),
// through a mapping file and the data folder's catalogue.yaml, publish it,
// and check data/comparisons.parquet against figures the test works out from
// the same CSV on its own with encoding/csv.

const (
	councilLevelDir = "testdata/councillevel"
	dfeFile         = "dfe_sfr32_2012_oc2_la.csv"
	dfePeriod       = "2011-12"
	dfeService      = "childrens-social-care"
	// z95 and z998 are the normal quantiles of the 95% and 99.8%
	// intervals, qnorm(0.975) and qnorm(0.999) as R prints them.
	z95  = 1.959963984540054
	z998 = 3.090232306167813
)

// dfeFormerCodes are the codes the file uses for councils whose code has
// changed since, with the current ones. They are written out here rather
// than asked of the register, so that the test does not check the code
// against itself.
var dfeFormerCodes = map[string]string{
	"E08000020": "E08000037", // Gateshead
	"E06000048": "E06000057", // Northumberland
}

// dfeRow is one council's row of the DfE file, keyed by its current code.
type dfeRow struct {
	council string
	cells   map[string]string
}

// readDfE returns the rows the mapping files keep: those with a council
// code (England and the regions have none).
func readDfE(t *testing.T) []dfeRow {
	t.Helper()
	f, err := os.Open(filepath.Join(councilLevelDir, dfeFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	var out []dfeRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		cells := map[string]string{}
		for i, h := range header {
			cells[h] = strings.TrimSpace(rec[i])
		}
		code := cells["la_9digit"]
		if code == "" {
			continue
		}
		if now, ok := dfeFormerCodes[code]; ok {
			code = now
		}
		out = append(out, dfeRow{council: code, cells: cells})
	}
}

// dfeCount reads a DfE cell: a whole number, perhaps with a thousands
// comma, or x for not available.
func dfeCount(t *testing.T, cell string) (int64, bool) {
	t.Helper()
	if cell == "x" {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(cell, ",", ""), 10, 64)
	if err != nil {
		t.Fatalf("DfE cell %q: %v", cell, err)
	}
	return n, true
}

// publishCouncilLevel ingests the DfE file through mapping into a fresh
// data folder holding the test catalogue, publishes it, and returns the
// release folder.
func publishCouncilLevel(t *testing.T, mapping string) string {
	t.Helper()
	data := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	cat, err := os.ReadFile(filepath.Join(councilLevelDir, "catalogue.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "catalogue.yaml"), cat, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCmd(t, "ingest", "--data", data, "--mapping", filepath.Join(councilLevelDir, mapping),
		filepath.Join(councilLevelDir, dfeFile))
	if code != exitOK || !strings.Contains(stdout, "accepted as submission") {
		t.Fatalf("ingest exit %d\n%s\n%s", code, stdout, stderr)
	}
	id := publishOK(t, data)
	dir := filepath.Join(data, "releases", id)
	verifySums(t, dir)
	return dir
}

// readRows reads a CSV file with a header, gzipped or not, as one map per
// row.
func readRows(t *testing.T, path string) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(publishtest.ReadData(t, path))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := make([]map[string]string, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

// num reads a published number; blank is NaN.
func num(t *testing.T, s string) float64 {
	t.Helper()
	if s == "" {
		return math.NaN()
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("number %q: %v", s, err)
	}
	return v
}

// near reports whether got is want, worked out here at full precision, as a
// release publishes a computed figure: to six significant figures.
func near(got, want float64) bool {
	if want == 0 {
		return got == 0
	}
	half := 0.5 * math.Pow(10, math.Floor(math.Log10(math.Abs(want)))-5)
	return math.Abs(got-want) <= half*(1+1e-9)
}

// quantile is quantile_cont: linear interpolation between the order
// statistics of sorted.
func quantile(sorted []float64, q float64) float64 {
	h := float64(len(sorted)-1) * q
	lo := int(math.Floor(h))
	if lo+1 >= len(sorted) {
		return sorted[lo]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// percentileRank is the mid-rank percentile of v among values ordered
// worst to best: the others strictly worse, plus half of the others tied
// with it, as a share of the others.
func percentileRank(values []float64, v float64, lowerIsBetter bool) float64 {
	worse, tied := 0, -1 // v itself is among values
	for _, o := range values {
		switch {
		case o == v:
			tied++
		case (!lowerIsBetter && o < v) || (lowerIsBetter && o > v):
			worse++
		}
	}
	return 100 * (float64(worse) + float64(tied)/2) / float64(len(values)-1)
}

// exactPoisson are the exact Poisson limits for 0 to 9 events: lower and
// upper at 95%, then at 99.8% (qchisq(a/2, 2o)/2 and qchisq(1-a/2, 2o+2)/2,
// computed with mpmath).
var exactPoisson = [10][4]float64{
	{0, 3.6888794541139363, 0, 6.9077552789821371},
	{0.025317807984289875, 5.5716433909388986, 0.0010005003335835335, 9.2334134764515857},
	{0.2422092785439649, 7.2246876677239608, 0.045402017769489557, 11.228872242412663},
	{0.61867212289560129, 8.767273069742326, 0.19053337756840319, 13.062240779188071},
	{1.0898653736263249, 10.241588675403698, 0.42855241362842297, 14.794149222537209},
	{1.6234863901184205, 11.66833207932267, 0.73937173191783252, 16.454745203680107},
	{2.2018942534908508, 13.059474022518685, 1.1071046602556393, 18.06163684019907},
	{2.8143630515198661, 14.422675361702379, 1.5203362603988091, 19.626177395384238},
	{3.4538321767485013, 15.763189220193315, 1.9708139217403658, 21.156198165839983},
	{4.1153730973783324, 17.08480345141917, 2.4524244043637749, 22.657373309062931},
}

// countInterval returns a count's limits as PHEindicatormethods' phe_rate
// computes them: exact below 10 events, Byar's approximation from 10;
// level998 picks 99.8% over 95%.
func countInterval(o float64, level998 bool) (lower, upper float64) {
	z, i := z95, 0
	if level998 {
		z, i = z998, 2
	}
	if o < 10 {
		return exactPoisson[int(o)][i], exactPoisson[int(o)][i+1]
	}
	lower = o * math.Pow(1-1/(9*o)-z/(3*math.Sqrt(o)), 3)
	upper = (o + 1) * math.Pow(1-1/(9*(o+1))+z/(3*math.Sqrt(o+1)), 3)
	return lower, upper
}

// wilson returns the Wilson score interval for the proportion x/n at z.
func wilson(x, n int64, z float64) (lower, upper float64) {
	p, nf := float64(x)/float64(n), float64(n)
	centre := (p + z*z/(2*nf)) / (1 + z*z/nf)
	half := z / (1 + z*z/nf) * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf))
	return centre - half, centre + half
}

// intervalBand is the band of the percentage x/n against a target
// proportion by PHE's rule, for a metric where higher is better: better
// when the Wilson interval at z lies wholly above the target, worse when
// wholly below, each as published, to six significant figures.
func intervalBand(x, n int64, target, z float64, ok bool) string {
	if !ok || n == 0 {
		return "not_compared"
	}
	lo, hi := wilson(x, n, z)
	switch t := sixFigures(target * 100); {
	case sixFigures(lo*100) > t:
		return "better"
	case sixFigures(hi*100) < t:
		return "worse"
	}
	return "similar"
}

// sixFigures rounds v to six significant figures, as a release publishes
// a computed figure.
func sixFigures(v float64) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 6, 64), 64)
	if err != nil {
		panic(err)
	}
	return r
}

// checkPerCouncil checks what every council-level release shares: one
// row per council per metric for the period, for exactly the councils of
// the file, no provider anywhere, and the figures as the file gives them.
// want gives each council's figure per metric (ok false for x).
func checkPerCouncil(t *testing.T, rows []map[string]string, want map[string]map[string]dfeFigure) {
	t.Helper()
	seen := map[[2]string]bool{}
	for _, r := range rows {
		key := [2]string{r["metric"], r["council_code"]}
		if seen[key] {
			t.Errorf("two rows for %s in %s", key[0], key[1])
		}
		seen[key] = true
		if r["provider_id"] != "" || r["provider_name"] != "" {
			t.Errorf("%v: provider %q %q on a council-level row", key, r["provider_id"], r["provider_name"])
		}
		if r["period"] != dfePeriod || r["service"] != dfeService {
			t.Errorf("%v: period %q service %q", key, r["period"], r["service"])
		}
		fig, ok := want[key[0]][key[1]]
		switch {
		case !ok:
			t.Errorf("%v: a row for a metric or council not in the file", key)
		case fig.withheld && (r["status"] != "c" || r["value"] != ""):
			t.Errorf("%v: value %q status %q, want c: the complement is small", key, r["value"], r["status"])
		case !fig.ok && !fig.withheld && (r["status"] != "x" || r["value"] != ""):
			t.Errorf("%v: value %q status %q, want x for the file's x", key, r["value"], r["status"])
		case fig.ok && (r["status"] != "" || !near(num(t, r["value"]), fig.value)):
			t.Errorf("%v: value %q status %q, want %v", key, r["value"], r["status"], fig.value)
		}
	}
	for metric, byCouncil := range want {
		for council := range byCouncil {
			if !seen[[2]string{metric, council}] {
				t.Errorf("no row for %s in %s", metric, council)
			}
		}
	}
}

// dfeFigure is a council's figure as the file gives it, with its counts
// for a proportion.
type dfeFigure struct {
	value float64
	x, n  int64
	ok    bool
	// withheld marks a proportion that disclosure control hides: its
	// complement (n - x, the children not assessed) is 1 to 4.
	withheld bool
}

// TestCouncilLevelCounts loads the file's four count columns as wide
// metrics: the comparisons come out one per council per metric, with the
// national value the mean of the councils' counts, exact Poisson or Byar
// intervals, mid-ranks, and no bands, since a count has no denominator.
func TestCouncilLevelCounts(t *testing.T) {
	t.Parallel()
	dir := publishCouncilLevel(t, "mapping.yaml")
	rows := publishtest.ParquetRows(t, filepath.Join(dir, "data", "comparisons.parquet"))

	columns := map[string]string{ // metric -> DfE column, as mapping.yaml has it
		"cla-12-months": "CLA_12_months_2012", "cla-health-assessed": "health_assess",
		"cla-immunised": "immunisations", "cla-convicted": "caution_conviction",
	}
	lowerIsBetter := map[string]bool{"cla-convicted": true}
	src := readDfE(t)
	councils := map[string]bool{}
	want := map[string]map[string]dfeFigure{}
	for metric, col := range columns {
		want[metric] = map[string]dfeFigure{}
		for _, r := range src {
			councils[r.council] = true
			n, ok := dfeCount(t, r.cells[col])
			want[metric][r.council] = dfeFigure{value: float64(n), ok: ok}
		}
	}
	if len(councils) != 151 || len(src) != 151 {
		t.Fatalf("the file has %d council rows naming %d councils; the test expects 151", len(src), len(councils))
	}
	if len(rows) != len(columns)*len(councils) {
		t.Errorf("%d comparisons, want %d metrics x %d councils", len(rows), len(columns), len(councils))
	}
	checkPerCouncil(t, rows, want)

	for metric := range columns {
		var values []float64
		for _, f := range want[metric] {
			if f.ok {
				values = append(values, f.value)
			}
		}
		sort.Float64s(values)
		var sum float64
		for _, v := range values {
			sum += v
		}
		mean := sum / float64(len(values))
		for _, r := range rows {
			if r["metric"] != metric {
				continue
			}
			key := metric + " " + r["council_code"]
			if got := num(t, r["national_value"]); !near(got, mean) {
				t.Errorf("%s: national_value %v, want the mean of the councils' counts %v", key, got, mean)
			}
			if r["national_n"] != strconv.Itoa(len(values)) {
				t.Errorf("%s: national_n %s, want %d", key, r["national_n"], len(values))
			}
			for col, q := range map[string]float64{"national_median": 0.5, "national_q1": 0.25, "national_q3": 0.75} {
				if got, want := num(t, r[col]), quantile(values, q); !near(got, want) {
					t.Errorf("%s: %s %v, want %v", key, col, got, want)
				}
			}
			for _, col := range []string{"band_national", "band_national_95", "band_national_adjusted", "band_region", "band_council_type", "band_similar"} {
				if r[col] != "not_compared" {
					t.Errorf("%s: %s %q, want not_compared for a count", key, col, r[col])
				}
			}
			if r["z_score"] != "" || r["change_prev"] != "" || r["change_year"] != "" {
				t.Errorf("%s: z_score %q change %q %q, want blank", key, r["z_score"], r["change_prev"], r["change_year"])
			}
			if r["status"] == "x" {
				for _, col := range []string{"ci95_lower", "ci95_upper", "percentile_rank"} {
					if r[col] != "" {
						t.Errorf("%s: %s %q on a row with no figure", key, col, r[col])
					}
				}
				continue
			}
			v := num(t, r["value"])
			if got, want := num(t, r["percentile_rank"]), percentileRank(values, v, lowerIsBetter[metric]); !near(got, want) {
				t.Errorf("%s: percentile_rank %v, want %v", key, got, want)
			}
			lo, hi := countInterval(v, false)
			lo998, hi998 := countInterval(v, true)
			if !near(num(t, r["ci95_lower"]), lo) || !near(num(t, r["ci95_upper"]), hi) ||
				!near(num(t, r["ci998_lower"]), lo998) || !near(num(t, r["ci998_upper"]), hi998) {
				t.Errorf("%s: intervals %s-%s, %s-%s; want exact or Byar's %v-%v, %v-%v for %v", key,
					r["ci95_lower"], r["ci95_upper"], r["ci998_lower"], r["ci998_upper"], lo, hi, lo998, hi998, v)
			}
		}
	}

	// Figures looked up by hand in the file.
	for _, c := range []struct{ metric, council, value, status string }{
		{"cla-12-months", "E08000025", "1428.0", ""},      // Birmingham, written "1,428"
		{"cla-immunised", "E10000016", "1094.0", ""},      // Kent
		{"cla-convicted", "E08000009", "0.0", ""},         // Trafford: a real zero
		{"cla-12-months", "E08000037", "251.0", ""},       // Gateshead, written E08000020
		{"cla-12-months", "E10000021", "518.0", ""},       // Northamptonshire, abolished since
		{"cla-12-months", "E09000001", "", "x"},           // City of London
		{"cla-convicted", "E09000033", "", "x"},           // Westminster
		{"cla-health-assessed", "E06000001", "107.0", ""}, // Hartlepool
	} {
		i := slices.IndexFunc(rows, func(r map[string]string) bool {
			return r["metric"] == c.metric && r["council_code"] == c.council
		})
		if i < 0 {
			t.Errorf("no row for %s in %s", c.metric, c.council)
		} else if r := rows[i]; r["value"] != c.value || r["status"] != c.status {
			t.Errorf("%s in %s: value %q status %q, want %q %q", c.metric, c.council, r["value"], r["status"], c.value, c.status)
		}
	}

	rel := readReleaseJSON(t, filepath.Dir(filepath.Dir(dir)), filepath.Base(dir))
	if rel.Counts.Observations != len(rows) {
		t.Errorf("release.json counts %d observations, want %d", rel.Counts.Observations, len(rows))
	}
	if providers := readRows(t, filepath.Join(dir, "data", "providers.csv")); len(providers) != 0 {
		t.Errorf("providers.csv lists %d providers from a file with none", len(providers))
	}
	checkPackageFields(t, dir)
}

// checkPackageFields checks that the release's datapackage.json gives each
// CSV file, header-only providers.csv included, the fields its header has,
// and each Parquet-only table the columns its file has.
func checkPackageFields(t *testing.T, dir string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "datapackage.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		ID        string `json:"id"`
		Resources []struct {
			Path        string `json:"path"`
			Compression string `json:"compression"`
			Schema      *struct {
				Fields []struct {
					Name string `json:"name"`
				} `json:"fields"`
			} `json:"schema"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatalf("datapackage.json: %v", err)
	}
	if pkg.ID != filepath.Base(dir) {
		t.Errorf("datapackage.json id %q, want the release id %s", pkg.ID, filepath.Base(dir))
	}
	tables := 0
	for _, r := range pkg.Resources {
		if r.Schema == nil {
			continue
		}
		tables++
		// Read as the descriptor says: a gzipped file says so.
		if strings.HasSuffix(r.Path, ".gz") != (r.Compression == "gz") {
			t.Errorf("%s: compression %q", r.Path, r.Compression)
		}
		var header []string
		if strings.HasSuffix(r.Path, ".parquet") {
			// The comparisons and provider profiles are Parquet only.
			header, _ = publishtest.ReadParquet(t, filepath.Join(dir, filepath.FromSlash(r.Path)))
		} else {
			header, err = csv.NewReader(bytes.NewReader(publishtest.ReadData(t, filepath.Join(dir, filepath.FromSlash(r.Path))))).Read()
			if err != nil {
				t.Fatalf("%s: %v", r.Path, err)
			}
		}
		var names []string
		for _, fl := range r.Schema.Fields {
			names = append(names, fl.Name)
		}
		if !slices.Equal(names, header) {
			t.Errorf("%s: datapackage.json fields %v, header %v", r.Path, names, header)
		}
	}
	if tables != 10 {
		t.Errorf("datapackage.json gives %d files a schema, want 10 (8 CSV, 2 Parquet)", tables)
	}
}

// TestCouncilLevelProportion loads the health assessments as a proportion
// of the children looked after, its counts from two columns: the national
// value is pooled, the intervals are Wilson's, and each council is banded
// against the national, regional, council-type and similar-council pools.
func TestCouncilLevelProportion(t *testing.T) {
	t.Parallel()
	const metric = "cla-health-assessed-pct"
	dir := publishCouncilLevel(t, "mapping-proportion.yaml")
	rows := publishtest.ParquetRows(t, filepath.Join(dir, "data", "comparisons.parquet"))

	// The register as the release publishes it gives each council's
	// region and type; the similar councils are the release's too.
	region, ctype := map[string]string{}, map[string]string{}
	for _, c := range readRows(t, filepath.Join(dir, "data", "councils.csv")) {
		region[c["council_code"]], ctype[c["council_code"]] = c["region"], c["council_type"]
	}
	similar := map[string][]string{}
	for _, s := range readRows(t, filepath.Join(dir, "data", "similar-councils.csv")) {
		similar[s["council_code"]] = append(similar[s["council_code"]], s["similar_code"])
	}

	figs := map[string]dfeFigure{}
	var sumX, sumN int64
	withheld := 0
	var values []float64
	for _, r := range readDfE(t) {
		x, okX := dfeCount(t, r.cells["health_assess"])
		n, okN := dfeCount(t, r.cells["CLA_12_months_2012"])
		f := dfeFigure{x: x, n: n, ok: okX && okN}
		if f.ok && n-x >= 1 && n-x <= 4 {
			f.ok, f.withheld = false, true
			withheld++
		}
		if f.ok {
			f.value = float64(x) / float64(n) * 100
			sumX, sumN = sumX+x, sumN+n
			values = append(values, f.value)
		}
		figs[r.council] = f
	}
	if len(figs) != 151 {
		t.Fatalf("the file names %d councils, the test expects 151", len(figs))
	}
	// The file has twelve councils that assessed all but one to four of
	// their children (Islington, E09000019: 224 of 227).
	if withheld != 12 {
		t.Errorf("%d councils with a complement of 1 to 4, the test expects 12", withheld)
	}
	if len(rows) != len(figs) {
		t.Errorf("%d comparisons, want one per council, %d", len(rows), len(figs))
	}
	checkPerCouncil(t, rows, map[string]map[string]dfeFigure{metric: figs})
	sort.Float64s(values)
	national := float64(sumX) / float64(sumN)

	// pool is sum x / sum n over the councils that keep, with counts.
	pool := func(keep func(code string) bool) (float64, bool) {
		var x, n int64
		for code, f := range figs {
			if f.ok && keep(code) {
				x, n = x+f.x, n+f.n
			}
		}
		return float64(x) / float64(n), n > 0
	}
	bands := map[string]int{}
	for _, r := range rows {
		code := r["council_code"]
		f := figs[code]
		key := metric + " " + code
		if got := num(t, r["national_value"]); !near(got, national*100) {
			t.Errorf("%s: national_value %v, want the pooled %d / %d x 100 = %v", key, got, sumX, sumN, national*100)
		}
		if got, want := num(t, r["national_median"]), quantile(values, 0.5); !near(got, want) {
			t.Errorf("%s: national_median %v, want %v", key, got, want)
		}
		if !f.ok {
			if r["ci95_lower"] != "" || r["percentile_rank"] != "" || r["band_national"] != "not_compared" {
				t.Errorf("%s: statistics on a row with no figure: %v", key, r)
			}
			continue
		}
		if r["numerator"] != strconv.FormatInt(f.x, 10) || r["denominator"] != strconv.FormatInt(f.n, 10) {
			t.Errorf("%s: counts %s/%s, want %d/%d", key, r["numerator"], r["denominator"], f.x, f.n)
		}
		v := f.value
		for col, z := range map[string]float64{"ci95": z95, "ci998": z998} {
			lo, hi := wilson(f.x, f.n, z)
			if !near(num(t, r[col+"_lower"]), lo*100) || !near(num(t, r[col+"_upper"]), hi*100) {
				t.Errorf("%s: %s %s-%s, want Wilson's %v-%v", key, col, r[col+"_lower"], r[col+"_upper"], lo*100, hi*100)
			}
		}
		if got, want := num(t, r["percentile_rank"]), percentileRank(values, v, false); !near(got, want) {
			t.Errorf("%s: percentile_rank %v, want %v", key, got, want)
		}
		z := (v/100 - national) / math.Sqrt(national*(1-national)/float64(f.n))
		if got := num(t, r["z_score"]); !near(got, z) {
			t.Errorf("%s: z_score %v, want %v", key, got, z)
		}
		regionT, regionOK := pool(func(c string) bool { return region[c] != "" && region[c] == region[code] })
		typeT, typeOK := pool(func(c string) bool { return ctype[c] != "" && ctype[c] == ctype[code] })
		similarT, similarOK := pool(func(c string) bool { return slices.Contains(similar[code], c) })
		for col, want := range map[string]string{
			"band_national":     intervalBand(f.x, f.n, national, z998, true),
			"band_national_95":  intervalBand(f.x, f.n, national, z95, true),
			"band_region":       intervalBand(f.x, f.n, regionT, z998, regionOK && region[code] != ""),
			"band_council_type": intervalBand(f.x, f.n, typeT, z998, typeOK && ctype[code] != ""),
			"band_similar":      intervalBand(f.x, f.n, similarT, z998, similarOK),
		} {
			if r[col] != want {
				t.Errorf("%s: %s %q, want %q", key, col, r[col], want)
			}
		}
		bands[r["band_national"]]++
		// The adjustment for over-dispersion only widens the limits.
		if adj := r["band_national_adjusted"]; adj != "similar" && adj != r["band_national"] {
			t.Errorf("%s: band_national_adjusted %q beside band_national %q", key, adj, r["band_national"])
		}
	}
	// Real councils differ: their intervals put some on either side.
	if bands["better"] == 0 || bands["worse"] == 0 || bands["similar"] == 0 {
		t.Errorf("national bands %v: want councils better, similar and worse", bands)
	}

	// Hartlepool, looked up by hand: 107 of 114.
	i := slices.IndexFunc(rows, func(r map[string]string) bool { return r["council_code"] == "E06000001" })
	if i < 0 || rows[i]["numerator"] != "107" || rows[i]["denominator"] != "114" || !near(num(t, rows[i]["value"]), 107.0/114*100) {
		t.Errorf("Hartlepool: %v, want 107/114", rows[max(i, 0)])
	}
}
