package ingest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"
)

// The files a council writes besides its return, mapping files and a data
// folder's catalogue.yaml, are parsed by package schemas/config; these
// targets fuzz each parser through to an ingest, since what a parser lets
// through is only safe if ingest copes with it.

// fuzzMappingReturn is a small return in a layout the seeds map.
const fuzzMappingReturn = "Title row,,,,,\n" +
	"area_code,area_name,period,measure,unit,value\n" +
	"E08000009,Trafford,2023/24,Percentage,Waste,48.2\n" +
	"E92000001,England,2023/24,Percentage,Waste,41.7\n" +
	"E08000009,Trafford,2023/24,Frequency,Tonnes,53000\n"

// fuzzMappingSeeds are the mapping files kept in testdata (those of real
// public files and the README's), and small ones that use each section.
func fuzzMappingSeeds(tb testing.TB) [][]byte {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*", "*", "mapping.yaml"))
	if err != nil || len(paths) < 5 {
		tb.Fatalf("seed mapping files %v: %v", paths, err)
	}
	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return append(out,
		[]byte("skip_rows: 1\ncolumns: {council_code: area_code, metric: measure, period: period, value: value}\n"+
			"recode: {metric: {Percentage: waste-recycling-rate}}\nconstant: {service: waste-collection}\n"+
			"skip: {council_code: [E92000001], unit: [Tonnes]}\n"),
		[]byte("skip_rows: 1\ncolumns: {council_code: area_code, period: period}\nconstant: {service: waste-collection}\n"+
			"wide: {value: waste-recycling-rate}\n"),
		[]byte("constant: {council_code: E08000010, service: waste-collection}\n"),
		[]byte("skip_rows: -1\n"), []byte("columns: {nope: x}\n"), []byte("{}"), []byte("- a\n- b\n"),
	)
}

// FuzzMapping decodes arbitrary bytes as a mapping file and, when they
// decode, ingests a return through the mapping: no panic, no error but a
// usage error (a mapping the return cannot be read through is a report,
// not a failure), and a report that agrees with itself.
func FuzzMapping(f *testing.F) {
	for _, s := range fuzzMappingSeeds(f) {
		f.Add(s)
	}
	base := testPipeline(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := config.DecodeMapping(bytes.NewReader(b))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("a mapping error with no text")
			}
			return
		}
		if m == nil {
			t.Fatal("no mapping and no error")
		}
		p := *base
		p.Layout.Root = t.TempDir()
		rep, err := p.Ingest(context.Background(), strings.NewReader(fuzzMappingReturn), "return.csv", Options{Mapping: m})
		if err != nil {
			if !errors.Is(err, ErrUsage) {
				t.Fatalf("Ingest through mapping %q: %v", b, err)
			}
			return
		}
		fuzzCheckReport(t, rep, []byte(fuzzMappingReturn))
		whNoTempFiles(t, p.Layout.Root)
	})
}

// fuzzCatalogueSeeds are the catalogue kept in testdata, the built-in one
// and small ones that add, override or break a metric.
func fuzzCatalogueSeeds(tb testing.TB) [][]byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "mapping", "dfe_sfr32_2012_oc2_la", "catalogue.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	return [][]byte{b, schemas.BuiltinCatalogue,
		[]byte("metrics:\n  - {id: hc-visits-on-time, title: On time, services: [homecare], kind: rate, unit: per_1000, multiplier: 1000, polarity: higher_is_better, min: 0, max: 50, disclosure: none}\n"),
		[]byte("services:\n  - {id: day-care, title: Day care, responsibility: social_care}\nmetrics:\n  - {id: dc-x, title: X, services: [day-care], kind: count, unit: number, multiplier: 1, polarity: none, disclosure: small_counts}\n"),
		[]byte("metrics:\n  - {id: hc-visits-on-time, kind: proportion, min: 90, max: 10}\n"),
		[]byte("services: [1, 2]\n"), []byte("{}"), []byte("unknown: field\n"),
	}
}

// FuzzCatalogue decodes arbitrary bytes as a data folder's catalogue.yaml
// and merges them with the built-in catalogue as LoadCatalogue does; when
// that succeeds, it ingests a return against the result: no panic, no
// error, and a report that agrees with itself.
func FuzzCatalogue(f *testing.F) {
	for _, s := range fuzzCatalogueSeeds(f) {
		f.Add(s)
	}
	base := testPipeline(f)
	builtin, err := config.DecodeCatalogue(bytes.NewReader(schemas.BuiltinCatalogue))
	if err != nil {
		f.Fatal(err)
	}
	ret := fuzzSeeds()[0]
	f.Fuzz(func(t *testing.T, b []byte) {
		user, err := config.DecodeCatalogue(bytes.NewReader(b))
		if err != nil {
			return
		}
		cat, err := builtin.Merge(user)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("a catalogue error with no text")
			}
			return
		}
		p := *base
		p.Catalogue = cat
		p.Layout.Root = t.TempDir()
		rep, err := p.Ingest(context.Background(), bytes.NewReader(ret), "return.csv", Options{})
		if err != nil {
			t.Fatalf("Ingest against catalogue %q: %v", b, err)
		}
		fuzzCheckReport(t, rep, ret)
	})
}

// TestFuzzSeedsPass runs the seeds of the configuration fuzz targets as
// tests do without -fuzz, and checks that the seeds themselves cover both
// outcomes: a mapping the return reads through and is accepted by, and a
// catalogue that merges.
func TestFuzzSeedsPass(t *testing.T) {
	t.Parallel()
	p := testPipeline(t)
	accepted := false
	for _, b := range fuzzMappingSeeds(t) {
		m, err := config.DecodeMapping(bytes.NewReader(b))
		if err != nil {
			continue
		}
		rep := ingestBytes(t, p, []byte(fuzzMappingReturn), Options{Mapping: m})
		accepted = accepted || rep.Accepted() && rep.Rows == 1
	}
	if !accepted {
		t.Error("no seed mapping reads the fuzz return's one Trafford rate")
	}
}
