package ingest

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"
)

// The mapping tests ingest real public files, copied unchanged into
// testdata/mapping/<case>/ (see SOURCES.md there), through the mapping
// file beside each. What the pipeline stores is checked against what the
// test reads from the same CSV on its own with encoding/csv.

// mtSourceRow is one record of a test CSV, with the line it starts on.
type mtSourceRow struct {
	line   int
	fields map[string]string
}

// mtReadSourceRows reads a CSV with a header row, independently of the
// pipeline.
func mtReadSourceRows(t *testing.T, path string) []mtSourceRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	var out []mtSourceRow
	for {
		rec, err := r.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out
			}
			t.Fatalf("%s: %v", path, err)
		}
		line, _ := r.FieldPos(0)
		m := make(map[string]string, len(header))
		for i, h := range header {
			m[h] = rec[i]
		}
		out = append(out, mtSourceRow{line: line, fields: m})
	}
}

// whParquetPaths returns the Parquet files under a data folder's warehouse.
func whParquetPaths(t testing.TB, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".parquet") {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// whReadRows reads every observation in a data folder's warehouse with
// parquet-go.
func whReadRows(t testing.TB, root string) []Observation {
	t.Helper()
	var out []Observation
	for _, path := range whParquetPaths(t, root) {
		rows, err := parquet.ReadFile[Observation](path)
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		out = append(out, rows...)
	}
	return out
}

type mtKey struct{ council, period, metric string }

// mtWant is one figure a mapping test expects in the warehouse.
type mtWant struct {
	key    mtKey
	value  float64 // when status is empty
	status string  // "" for a figure, else the marker letter (value null)
	line   int64   // source_line, 0 to skip the check
}

func TestMappingRealFiles(t *testing.T) {
	t.Parallel()
	cases := []struct {
		Name string
		// Keep says which source rows are returns, applying the same
		// filters as the mapping's skip.
		Keep func(r map[string]string) bool
		// Wide is the number of rows each kept source row becomes.
		Wide int
		// Council is the source column holding the council, and Councils
		// how many distinct councils the kept rows name.
		Council  string
		Councils int
		Periods  []string
		Services []string
		// Warnings are the header columns the mapping leaves unused, each
		// reported once as an unknown_column warning.
		Warnings []string
		Want     []mtWant
		// Missing are councils (as written in the file) that must not be in
		// the warehouse under that code, because they resolve to another.
		Missing []string
	}{
		{
			Name: "trafford_social_care_satisfaction",
			Keep: func(r map[string]string) bool { return r["area_code"] != "E92000001" },
			Wide: 1, Council: "area_code", Councils: 16,
			Periods:  []string{"2014-15", "2015-16", "2016-17", "2017-18", "2018-19", "2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25"},
			Services: []string{"adult-social-care"},
			Warnings: []string{"area_name", "measure", "unit"},
			Want: []mtWant{
				{key: mtKey{"E09000003", "2014-15", "asc-user-satisfaction"}, value: 61, line: 2}, // Barnet
				{key: mtKey{"E09000004", "2014-15", "asc-user-satisfaction"}, value: 60.8, line: 3},
				{key: mtKey{"E08000009", "2024-25", "asc-user-satisfaction"}, value: 58.1, line: 187}, // Trafford
				{key: mtKey{"E09000003", "2020-21", "asc-user-satisfaction"}, status: "x"},            // NA: the COVID survey gap
				{key: mtKey{"E08000009", "2020-21", "asc-user-satisfaction"}, status: "x"},
			},
		},
		{
			Name: "trafford_household_waste_recycling",
			Keep: func(r map[string]string) bool {
				return r["area_code"] != "E92000001" && r["measure"] == "Percentage"
			},
			Wide: 1, Council: "area_code", Councils: 16,
			Periods:  []string{"2013-14", "2014-15", "2015-16", "2016-17", "2017-18", "2018-19", "2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25"},
			Services: []string{"waste-collection"},
			Warnings: []string{"area_name", "indicator", "unit"},
			Want: []mtWant{
				{key: mtKey{"E06000055", "2013-14", "waste-recycling-rate"}, value: 38.3, line: 2}, // Bedford
				{key: mtKey{"E08000009", "2013-14", "waste-recycling-rate"}, value: 57.5},          // Trafford
				{key: mtKey{"E08000009", "2024-25", "waste-recycling-rate"}, value: 57.5},
				{key: mtKey{"E06000061", "2021-22", "waste-recycling-rate"}, value: 45.4}, // North Northamptonshire, created 2021
			},
		},
		{
			Name: "dfe_sfr32_2012_oc2_la",
			Keep: func(r map[string]string) bool { return strings.TrimSpace(r["la_9digit"]) != "" },
			Wide: 4, Council: "la_9digit", Councils: 151,
			Periods:  []string{"2011-12"},
			Services: []string{"childrens-social-care"},
			Warnings: []string{"country_code", "country_name", "gor_code", "gor_name", "la_code", "la_name",
				"CLA_12_months_2012_10plus", "CLA_12_months_2012_5under", "substance_misuse", "substance_intervention",
				"refused_intervention", "dev_assess", "teeth_check", "year11_2011", "ft_ed", "ft_emp", "pt_emp_ed",
				"unemp", "SDQ_score_rec", "elig_SDQ", "SDQ_normal", "SDQ_borderline", "SDQ_concern"},
			Want: []mtWant{
				{key: mtKey{"E08000025", "2011-12", "cla-12-months"}, value: 1428}, // Birmingham, "1,428"
				{key: mtKey{"E10000016", "2011-12", "cla-12-months"}, value: 1173, line: 139},
				{key: mtKey{"E10000016", "2011-12", "cla-immunised"}, value: 1094, line: 139},
				{key: mtKey{"E08000009", "2011-12", "cla-convicted"}, value: 0}, // Trafford: a real zero
				{key: mtKey{"E09000001", "2011-12", "cla-12-months"}, status: "x"},
				{key: mtKey{"E09000001", "2011-12", "cla-convicted"}, value: 0},
				{key: mtKey{"E09000033", "2011-12", "cla-convicted"}, status: "x"}, // Westminster
				// Former codes resolve to the council's current code.
				{key: mtKey{"E08000037", "2011-12", "cla-12-months"}, value: 251, line: 78}, // Gateshead, written E08000020
				{key: mtKey{"E06000057", "2011-12", "cla-12-months"}, value: 189},           // Northumberland, written E06000048
				// A council abolished since keeps its own code for a period
				// when it existed.
				{key: mtKey{"E10000021", "2011-12", "cla-12-months"}, value: 518},                                                                                        // Northamptonshire
				{key: mtKey{"E10000006", "2011-12", "cla-health-assessed"}, value: mtSourceValue(t, "dfe_sfr32_2012_oc2_la", "la_9digit", "E10000006", "health_assess")}, // Cumbria
			},
			Missing: []string{"E08000020", "E06000048"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join("testdata", "mapping", tc.Name)
			csvPath := filepath.Join(dir, tc.Name+".csv")
			p := mtPipeline(t, dir)
			m, err := config.ReadMapping(filepath.Join(dir, "mapping.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Wide) > 0 && len(m.Wide) != tc.Wide {
				t.Fatalf("mapping.yaml has %d wide columns, the case expects %d", len(m.Wide), tc.Wide)
			}
			rep, err := p.IngestFile(context.Background(), csvPath, Options{Mapping: m, Submitter: "mapping test"})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Accepted() {
				t.Fatalf("rejected with %d errors: %v", rep.Errors, mtFirstProblems(rep, 5))
			}

			src := mtReadSourceRows(t, csvPath)
			kept := 0
			srcCouncils := map[string]bool{}
			for _, r := range src {
				if tc.Keep(r.fields) {
					kept++
					srcCouncils[r.fields[tc.Council]] = true
				}
			}
			if len(srcCouncils) != tc.Councils {
				t.Errorf("the kept rows name %d councils, the case expects %d", len(srcCouncils), tc.Councils)
			}
			if want := kept * tc.Wide; rep.Rows != want {
				t.Errorf("report rows = %d, want %d (%d source rows x %d)", rep.Rows, want, kept, tc.Wide)
			}
			if !slices.Equal(rep.Periods, tc.Periods) {
				t.Errorf("periods = %v, want %v", rep.Periods, tc.Periods)
			}
			if !slices.Equal(rep.Services, tc.Services) {
				t.Errorf("services = %v, want %v", rep.Services, tc.Services)
			}
			if len(rep.Councils) != tc.Councils {
				t.Errorf("councils = %d (%v), want %d", len(rep.Councils), rep.Councils, tc.Councils)
			}
			var warned []string
			for _, pr := range rep.Problems {
				if pr.Severity != SevWarning || pr.Code != CodeUnknownColumn || pr.Line != 1 {
					t.Errorf("unexpected problem: %v", pr)
					continue
				}
				warned = append(warned, pr.Value)
			}
			if !slices.Equal(warned, tc.Warnings) {
				t.Errorf("unknown_column warnings for %v, want %v", warned, tc.Warnings)
			}

			rows := whReadRows(t, p.Layout.Root)
			if len(rows) != rep.Rows {
				t.Fatalf("warehouse holds %d rows, report says %d", len(rows), rep.Rows)
			}
			byKey := map[mtKey]Observation{}
			stored := map[string]bool{}
			perLine := map[int64]int{}
			for _, o := range rows {
				k := mtKey{o.CouncilCode, o.Period, o.Metric}
				if _, dup := byKey[k]; dup {
					t.Errorf("two rows for %v", k)
				}
				byKey[k] = o
				stored[o.CouncilCode] = true
				perLine[o.SourceLine]++
				if o.SubmissionID != rep.Submission {
					t.Errorf("%v: submission_id %q, want %q", k, o.SubmissionID, rep.Submission)
				}
				if o.Service != tc.Services[0] {
					t.Errorf("%v: service %q", k, o.Service)
				}
				if o.Numerator != nil || o.Denominator != nil {
					t.Errorf("%v: counts %v/%v where the file has none", k, o.Numerator, o.Denominator)
				}
				if (o.Value == nil) != (o.Status == "x") {
					t.Errorf("%v: value %v with status %q", k, o.Value, o.Status)
				}
				if per, err := schemas.ParsePeriod(o.Period); err != nil {
					t.Errorf("%v: %v", k, err)
				} else if o.PeriodStart != epochDays(per.Start) || o.PeriodEnd != epochDays(per.End) {
					t.Errorf("%v: period_start %d, period_end %d, want %d (%s) and %d (%s)", k, o.PeriodStart, o.PeriodEnd,
						epochDays(per.Start), per.Start.Format(time.DateOnly), epochDays(per.End), per.End.Format(time.DateOnly))
				}
			}
			if got := slices.Sorted(maps.Keys(stored)); !slices.Equal(got, rep.Councils) {
				t.Errorf("warehouse councils %v, report councils %v", got, rep.Councils)
			}
			// Every kept line, and no other, is in the warehouse, once per
			// wide column.
			for _, r := range src {
				want := 0
				if tc.Keep(r.fields) {
					want = tc.Wide
				}
				if got := perLine[int64(r.line)]; got != want {
					t.Errorf("line %d: %d rows in the warehouse, want %d", r.line, got, want)
				}
			}
			for _, w := range tc.Want {
				o, ok := byKey[w.key]
				if !ok {
					t.Errorf("%v: not in the warehouse", w.key)
					continue
				}
				switch {
				case w.status != "":
					if o.Status != w.status || o.Value != nil {
						t.Errorf("%v: value %v status %q, want null with status %q", w.key, mtFmtPtr(o.Value), o.Status, w.status)
					}
				case o.Value == nil || *o.Value != w.value || o.Status != "":
					t.Errorf("%v: value %v status %q, want %v", w.key, mtFmtPtr(o.Value), o.Status, w.value)
				}
				if w.line != 0 && o.SourceLine != w.line {
					t.Errorf("%v: source_line %d, want %d", w.key, o.SourceLine, w.line)
				}
			}
			for _, code := range tc.Missing {
				if stored[code] {
					t.Errorf("former code %s is stored as written, not as the current code", code)
				}
			}
		})
	}
}

// TestMappingRealFilesRejected ingests the same real files through mappings
// that keep rows which are not council returns, and checks that exactly
// those rows are reported.
func TestMappingRealFilesRejected(t *testing.T) {
	t.Parallel()
	cases := []struct {
		Name    string
		Case    string // the folder under testdata/mapping
		Mapping string
		// Bad says which source rows must be reported, and how often.
		Bad    func(r map[string]string) bool
		Per    int // errors per bad source row
		Column int
		Field  string
		Code   string
	}{
		{
			Name: "satisfaction keeps England",
			Case: "trafford_social_care_satisfaction",
			Mapping: `columns: {council_code: area_code, metric: indicator}
recode: {metric: {"Social Care Service users who are satisfied with their care and support": asc-user-satisfaction}}
constant: {service: adult-social-care}
`,
			Bad: func(r map[string]string) bool { return r["area_code"] == "E92000001" },
			Per: 1, Column: 1, Field: schemas.ColCouncil, Code: CodeNotCouncil,
		},
		{
			Name: "waste keeps England",
			Case: "trafford_household_waste_recycling",
			Mapping: `columns: {council_code: area_code, metric: measure}
recode: {metric: {Percentage: waste-recycling-rate}}
constant: {service: waste-collection}
skip: {metric: [Frequency]}
`,
			Bad: func(r map[string]string) bool {
				return r["area_code"] == "E92000001" && r["measure"] == "Percentage"
			},
			Per: 1, Column: 1, Field: schemas.ColCouncil, Code: CodeNotCouncil,
		},
		{
			// The tonnage rows kept as if they were rates: every one is a
			// metric the catalogue does not have.
			Name: "waste keeps tonnages",
			Case: "trafford_household_waste_recycling",
			Mapping: `columns: {council_code: area_code, metric: measure}
recode: {metric: {Percentage: waste-recycling-rate}}
constant: {service: waste-collection}
skip: {council_code: [E92000001]}
`,
			Bad: func(r map[string]string) bool {
				return r["area_code"] != "E92000001" && r["measure"] == "Frequency"
			},
			Per: 1, Column: 5, Field: schemas.ColMetric, Code: CodeMetric,
		},
		{
			Name: "dfe keeps England and regions",
			Case: "dfe_sfr32_2012_oc2_la",
			Mapping: `columns: {council_code: la_9digit}
constant: {service: childrens-social-care, period: "2011-12"}
wide: {CLA_12_months_2012: cla-12-months, health_assess: cla-health-assessed, immunisations: cla-immunised, caution_conviction: cla-convicted}
`,
			Bad:    func(r map[string]string) bool { return strings.TrimSpace(r["la_9digit"]) == "" },
			Per:    4, // one row per wide column
			Column: 6, Field: schemas.ColCouncil, Code: CodeCouncil,
		},
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join("testdata", "mapping", tc.Case)
			csvPath := filepath.Join(dir, tc.Case+".csv")
			p := mtPipeline(t, dir)
			m, err := config.DecodeMapping(strings.NewReader(tc.Mapping))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := p.IngestFile(context.Background(), csvPath, Options{Mapping: m})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Accepted() || rep.Status != schemas.SubmissionRejected {
				t.Fatalf("status %q, want rejected", rep.Status)
			}
			var wantLines []int
			for _, r := range mtReadSourceRows(t, csvPath) {
				if tc.Bad(r.fields) {
					for range tc.Per {
						wantLines = append(wantLines, r.line)
					}
				}
			}
			if len(wantLines) == 0 {
				t.Fatal("the case has no bad rows")
			}
			var gotLines []int
			for _, pr := range rep.Problems {
				if pr.Severity != SevError {
					continue
				}
				gotLines = append(gotLines, pr.Line)
				if pr.Code != tc.Code || pr.Column != tc.Column || pr.Field != tc.Field {
					t.Errorf("problem %v: want code %s, column %d, field %s", pr, tc.Code, tc.Column, tc.Field)
				}
			}
			if !slices.Equal(gotLines, wantLines) {
				t.Errorf("errors on lines %v, want %v", gotLines, wantLines)
			}
			if rep.Errors != len(wantLines) {
				t.Errorf("report counts %d errors, want %d", rep.Errors, len(wantLines))
			}
			if files := whParquetPaths(t, p.Layout.Root); len(files) != 0 {
				t.Errorf("a rejected file wrote %v", files)
			}
		})
	}
}

// TestMappingSkipBySourceHeader checks that skip may name a source column
// that no canonical column is read from. config.DecodeMapping refuses such a
// key, so the mapping is built in Go, as a caller of package ingest may.
func TestMappingSkipBySourceHeader(t *testing.T) {
	t.Parallel()
	name := "trafford_household_waste_recycling"
	dir := filepath.Join("testdata", "mapping", name)
	csvPath := filepath.Join(dir, name+".csv")
	p := mtPipeline(t, dir)
	m := &schemas.Mapping{
		Columns: map[string]string{"council_code": "area_code", "metric": "indicator"},
		Recode: map[string]map[string]string{"metric": {
			"Household waste sent for reuse, recycling or composting": "waste-recycling-rate"}},
		Constant: map[string]string{"service": "waste-collection"},
		Skip:     map[string][]string{"council_code": {"E92000001"}, "measure": {"Frequency"}},
	}
	rep, err := p.IngestFile(context.Background(), csvPath, Options{Mapping: m})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Accepted() {
		t.Fatalf("rejected: %v", mtFirstProblems(rep, 5))
	}
	want := 0
	for _, r := range mtReadSourceRows(t, csvPath) {
		if r.fields["area_code"] != "E92000001" && r.fields["measure"] != "Frequency" {
			want++
		}
	}
	if rep.Rows != want {
		t.Errorf("rows = %d, want %d", rep.Rows, want)
	}
	for _, o := range whReadRows(t, p.Layout.Root) {
		if o.Value == nil || *o.Value > 100 {
			t.Errorf("%s %s: value %v: a tonnage row was kept", o.CouncilCode, o.Period, mtFmtPtr(o.Value))
		}
	}
}

// mtPipeline returns a test pipeline whose catalogue is extended by the
// case folder's catalogue.yaml, if it has one.
func mtPipeline(t *testing.T, dir string) *Pipeline {
	t.Helper()
	p := testPipeline(t)
	f, err := os.Open(filepath.Join(dir, "catalogue.yaml"))
	if os.IsNotExist(err) {
		return p
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	user, err := config.DecodeCatalogue(f)
	if err != nil {
		t.Fatal(err)
	}
	if p.Catalogue, err = p.Catalogue.Merge(user); err != nil {
		t.Fatal(err)
	}
	return p
}

// mtSourceValue reads one cell of a case's CSV as a number, for expectations
// that are easier to look up than to copy.
func mtSourceValue(t *testing.T, name, keyCol, key, col string) float64 {
	t.Helper()
	for _, r := range mtReadSourceRows(t, filepath.Join("testdata", "mapping", name, name+".csv")) {
		if r.fields[keyCol] == key {
			n, err := schemas.ParseNumber(r.fields[col])
			if err != nil {
				t.Fatalf("%s %s=%s %s: %v", name, keyCol, key, col, err)
			}
			return n.Value
		}
	}
	t.Fatalf("%s: no row with %s=%s", name, keyCol, key)
	return 0
}

func mtFirstProblems(rep *Report, n int) []Problem {
	return rep.Problems[:min(n, len(rep.Problems))]
}

func mtFmtPtr(v *float64) string {
	if v == nil {
		return "null"
	}
	return fmtNum(*v)
}

// TestMappingSkipAliasedColumn checks that skip may name a canonical column
// the mapping does not map, but the header's own spelling does: here
// area_code is recognised as council_code by its alias.
func TestMappingSkipAliasedColumn(t *testing.T) {
	t.Parallel()
	name := "trafford_social_care_satisfaction"
	csvPath := filepath.Join("testdata", "mapping", name, name+".csv")
	m, err := config.DecodeMapping(strings.NewReader(`columns: {metric: indicator}
recode: {metric: {"Social Care Service users who are satisfied with their care and support": asc-user-satisfaction}}
constant: {service: adult-social-care}
skip: {council_code: [E92000001]}
`))
	if err != nil {
		t.Fatal(err)
	}
	p := testPipeline(t)
	rep, err := p.IngestFile(context.Background(), csvPath, Options{Mapping: m})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Accepted() {
		t.Fatalf("rejected: %v", mtFirstProblems(rep, 5))
	}
	want := 0
	for _, r := range mtReadSourceRows(t, csvPath) {
		if r.fields["area_code"] != "E92000001" {
			want++
		}
	}
	if rep.Rows != want {
		t.Errorf("rows = %d, want %d", rep.Rows, want)
	}
}
