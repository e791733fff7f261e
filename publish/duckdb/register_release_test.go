package duckdb

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/data"
	"github.com/yardstick-open/yardstick/registers"
	"github.com/yardstick-open/yardstick/schemas"
)

// exampleRegister reads one of registers/testdata/examples as plain CSV,
// apart from the code that imports it: the rows after the header (the
// first row with a cell named key), each as a map from header cell to
// value.
func exampleRegister(t *testing.T, name, key string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "registers", "testdata", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for i, h := range recs {
		if !slices.Contains(h, key) {
			continue
		}
		var out []map[string]string
		for _, rec := range recs[i+1:] {
			m := map[string]string{}
			for j, c := range rec {
				if j < len(h) && h[j] != "" {
					m[h[j]] = c
				}
			}
			out = append(out, m)
		}
		return out
	}
	t.Fatalf("%s: no header with %q", name, key)
	return nil
}

// The regulators' sector and rating words, mapped by hand as
// registers/doc.go says they are.
var (
	sectorWords = map[string]string{"Private": "private", "For-profit": "private", "Voluntary": "voluntary",
		"Third sector": "voluntary", "Local Authority": "public", "Health Authority": "public"}
	ratingWords = map[string]string{"Requires improvement to be good": "Requires improvement"}
)

func ratingWord(s string) string {
	if w, ok := ratingWords[s]; ok {
		return w
	}
	return s
}

// TestProvidersFromExampleRegisters imports two of the regulators' example
// registers (Ofsted's provider list as at 31 March 2023 and a sample of
// CQC's inspections), builds a release from returns that name some of
// their providers, and checks every register column of the providers
// table, and of its CSV, against the example files read here as plain CSV:
//
//	SC009423, a boarding school: council A calls it "Al-Jamiah School",
//	  private; the register's name and sector win, A's spelling is an alias.
//	2611447, a children's home whose name Ofsted withholds: A's name
//	  "Beech House" stands, with the register's sector.
//	1-1514463335, a CQC location in the inspections file three times (no
//	  name): A "Riverside Community Care" and B "Riverside Care", one
//	  council each, so A's (received first), B's an alias; the sector and
//	  the three ratings are CQC's.
//	P9, in no register: the councils' sector, no identifiers or ratings.
func TestProvidersFromExampleRegisters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const hc, onT, q1 = "homecare", "hc-visits-on-time", "2024-25-Q1"
	const school, home, loc = "SC009423", "2611447", "1-1514463335"
	root := writeDataDir(t,
		sub{ID: "sa", Council: cA, Received: day("2024-07-10"), Rows: []obs{
			{Provider: school, Name: "Al-Jamiah School", Sector: "private", Service: hc, Metric: onT, Period: q1, Value: f64(70)},
			{Provider: home, Name: "Beech House", Sector: "private", Service: hc, Metric: onT, Period: q1, Value: f64(71)},
			{Provider: loc, Name: "Riverside Community Care", Sector: "plc", Service: hc, Metric: onT, Period: q1, Value: f64(72)},
			{Provider: "P9", Name: "Nine Care", Sector: "voluntary", Service: hc, Metric: onT, Period: q1, Value: f64(73)},
		}},
		sub{ID: "sb", Council: cB, Received: day("2024-07-11"), Rows: []obs{
			{Provider: loc, Name: "Riverside Care", Service: hc, Metric: onT, Period: q1, Value: f64(74)},
		}},
	)
	councils, err := schemas.LoadCouncils(data.Reference())
	if err != nil {
		t.Fatal(err)
	}
	store := &registers.Store{Root: root, Councils: councils, WriteParquet: WriteRegister}
	imports := map[string]string{} // file -> import id
	for _, f := range []struct {
		name string
		asAt schemas.Date
	}{
		{"ofsted_csc_providers_at_31mar2023.csv", schemas.Date{}}, // as at the day its title gives
		{"cqc_inspections_community_asc_sample.csv", onDay("2024-03-31")},
	} {
		in, err := os.Open(filepath.Join("..", "..", "registers", "testdata", "examples", f.name))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := store.Import(ctx, f.name, in, registers.ImportOptions{AsAt: f.asAt})
		in.Close()
		if err != nil {
			t.Fatal(err)
		}
		if rep.Status != registers.StatusAccepted {
			t.Fatalf("%s: %s, problems %v", f.name, rep.Status, rep.Problems)
		}
		imports[f.name] = rep.Import
	}
	rebuilt, err := store.Rebuild(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := fixtureCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	db := openTest(t)
	if err := db.Build(ctx, BuildInput{DataDir: root, Catalogue: cat, Councils: fixtureCouncils(t)}); err != nil {
		t.Fatal(err)
	}

	// What the example files say, read here.
	type want struct {
		name, sector, source, rating, ratingDate string
		aliases, identifiers, ratings            []string
	}
	wants := map[string]want{}
	ofstedSource := "Ofsted register as at 2023-03-31, import " + imports["ofsted_csc_providers_at_31mar2023.csv"]
	for _, r := range exampleRegister(t, "ofsted_csc_providers_at_31mar2023.csv", "URN") {
		id := r["URN"]
		if id != school && id != home {
			continue
		}
		d, err := time.Parse("02/01/2006", r["Latest full inspection date"])
		if err != nil {
			t.Fatal(err)
		}
		rating := ratingWord(r["Overall experiences and progress of children and young people"])
		w := want{name: r["Name"], sector: sectorWords[r["Sector"]], source: ofstedSource,
			rating: rating, ratingDate: d.Format(time.DateOnly), aliases: []string{},
			identifiers: []string{"ofsted_urn:" + id}, ratings: []string{d.Format(time.DateOnly) + " " + rating}}
		if id == school {
			w.aliases = []string{"Al-Jamiah School"}
		} else {
			if w.name != "REDACTED" {
				t.Fatalf("%s is named %q in the example; the test wants a withheld name", home, w.name)
			}
			w.name = "Beech House"
		}
		wants[id] = w
	}
	w := want{name: "Riverside Community Care", source: "CQC register as at 2024-03-31, import " +
		imports["cqc_inspections_community_asc_sample.csv"], aliases: []string{"Riverside Care"},
		identifiers: []string{"cqc_location:" + loc}}
	var latest string
	for _, r := range exampleRegister(t, "cqc_inspections_community_asc_sample.csv", "locationid") {
		if r["locationid"] != loc {
			continue
		}
		item := r["reportdate"] + " " + ratingWord(r["overall"])
		if !slices.Contains(w.ratings, item) {
			w.ratings = append(w.ratings, item)
		}
		if r["reportdate"] >= latest { // ISO dates order as text
			latest = r["reportdate"]
			w.sector, w.rating, w.ratingDate = sectorWords[r["ownership"]], ratingWord(r["overall"]), r["reportdate"]
		}
	}
	slices.Sort(w.ratings)
	wants[loc] = w
	wants["P9"] = want{name: "Nine Care", sector: "voluntary", source: "councils' returns",
		aliases: []string{}, identifiers: []string{}, ratings: []string{}}
	if len(wants) != 4 || len(wants[loc].ratings) != 3 {
		t.Fatalf("the examples give %+v; want four providers, three ratings of %s", wants, loc)
	}

	rows := tableRows(t, db, "providers")
	for id, w := range wants {
		r := pick(t, rows, row{"provider_id": id})
		date := ""
		if d, ok := r["rating_date"].(time.Time); ok {
			date = d.Format(time.DateOnly)
		} else if r["rating_date"] != nil {
			t.Errorf("%s: rating_date = %#v, want a date or NULL", id, r["rating_date"])
		}
		if date != w.ratingDate {
			t.Errorf("%s: rating_date = %q, want %q", id, date, w.ratingDate)
		}
		check(t, id, r, row{"provider_name": w.name, "sector": w.sector, "sector_source": w.source, "rating": w.rating,
			"aliases": anyList(w.aliases), "identifiers": anyList(w.identifiers), "ratings": anyList(w.ratings)})
	}

	// The CSV joins each list's items with semicolons.
	path := filepath.Join(t.TempDir(), "providers.csv")
	if err := db.ExportCSV(ctx, "providers", path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, rec := range recs[1:] {
		w, ok := wants[rec[col["provider_id"]]]
		if !ok {
			continue
		}
		got := []string{rec[col["sector_source"]], rec[col["aliases"]], rec[col["identifiers"]], rec[col["ratings"]], rec[col["rating_date"]]}
		exp := []string{w.source, strings.Join(w.aliases, ";"), strings.Join(w.identifiers, ";"), strings.Join(w.ratings, ";"), w.ratingDate}
		if !slices.Equal(got, exp) {
			t.Errorf("providers.csv %s: sector_source, aliases, identifiers, ratings, rating_date = %q, want %q", rec[col["provider_id"]], got, exp)
		}
	}

	// What release.json records of the register: the file's hash, worked
	// out here from its bytes; the providers the rebuild wrote; and both
	// imports, each with its day as given by hand above (Ofsted's title
	// says 31 March 2023; the CQC sample was imported as at 31 March 2024).
	b, err := os.ReadFile(registers.RegisterFile(root))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	wantReg := schemas.ProviderRegister{Status: schemas.RegisterUsed, SHA256: hex.EncodeToString(sum[:]), Providers: rebuilt.Providers,
		Imports: []schemas.RegisterImport{
			{ID: imports["ofsted_csc_providers_at_31mar2023.csv"], AsAt: onDay("2023-03-31")},
			{ID: imports["cqc_inspections_community_asc_sample.csv"], AsAt: onDay("2024-03-31")},
		}}
	slices.SortFunc(wantReg.Imports, func(a, b schemas.RegisterImport) int { return strings.Compare(a.ID, b.ID) })
	gotReg, err := db.RegisterUsed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if gj, wj := mustJSON(t, gotReg), mustJSON(t, wantReg); gj != wj {
		t.Errorf("RegisterUsed() = %s, want %s", gj, wj)
	}
	if rebuilt.Providers < 100 {
		t.Errorf("the rebuild wrote %d providers; the two examples hold hundreds", rebuilt.Providers)
	}
}

// TestRegisterUsedNone checks that a release built from a data folder
// without a provider register records that it had none.
func TestRegisterUsedNone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := writeDataDir(t, sub{ID: "sa", Council: cA, Received: day("2024-07-10"), Rows: []obs{
		{Provider: "P1", Name: "One Care", Sector: "private", Service: "homecare", Metric: "hc-visits-on-time", Period: "2024-25-Q1", Value: f64(70)},
	}})
	cat, err := fixtureCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	db := openTest(t)
	if err := db.Build(ctx, BuildInput{DataDir: root, Catalogue: cat, Councils: fixtureCouncils(t)}); err != nil {
		t.Fatal(err)
	}
	got, err := db.RegisterUsed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if j := mustJSON(t, got); j != `{"status":"none","providers":0,"imports":[]}` {
		t.Errorf("RegisterUsed() = %s, want status none, no imports", j)
	}
}

// mustJSON is v as release.json writes it, compactly.
func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// anyList is a list as a table's row holds it, for check.
func anyList(items []string) []any {
	out := make([]any, len(items))
	for i, s := range items {
		out[i] = s
	}
	return out
}
