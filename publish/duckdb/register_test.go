package duckdb

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/data"
	"github.com/yardstick-open/yardstick/registers"
	"github.com/yardstick-open/yardstick/schemas"
)

// registerLines is a register of two providers as registers.WriteJSONLines
// writes it, in the wrong order, one with every list empty.
const registerLines = `{"provider_id":"SC100001","name":"Oak House","organisation":"Oak Trust","sector":"voluntary","sector_given":"Voluntary","sector_source":"imp-2","sector_as_at":"2024-03-31","rating":"Requires improvement","rating_date":"2023-12-05","identifiers":[{"scheme":"ofsted_urn","id":"SC100001"}],"aliases":["Oak Homes"],"councils":["E08000009"],"locations":[{"id":"SC100001","name":"Oak House","postcode":"M33 1AA","council_code":"E08000009","council_given":"Trafford","status":"Active","service_type":"Children's home","source":"imp-2","as_at":"2024-03-31"}],"ratings":[{"subject":"SC100001","regulator":"ofsted","rating":"Good","given":"Good","date":"2022-10-10","source":"imp-1"},{"subject":"SC100001","regulator":"ofsted","rating":"Requires improvement","given":"Requires improvement to be good","date":"2023-12-05","source":"imp-2"}],"facts":[{"field":"sector","value":"private","given":"Private","source":"imp-1","as_at":"2023-03-31"},{"field":"sector","value":"voluntary","given":"Voluntary","source":"imp-2","as_at":"2024-03-31"}]}
{"provider_id":"1-100000001","name":"","organisation":"","sector":"","sector_given":"","sector_source":"","sector_as_at":null,"rating":"","rating_date":null,"identifiers":[{"scheme":"cqc_location","id":"1-100000001"}],"aliases":[],"councils":[],"locations":[],"ratings":[],"facts":[]}
`

// TestWriteRegister writes a register by hand to Parquet and reads it
// back: sorted by provider_id, nested lists whole, dates as dates, the
// same bytes each time.
func TestWriteRegister(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "register.jsonl")
	if err := os.WriteFile(src, []byte(registerLines), 0o644); err != nil {
		t.Fatal(err)
	}
	var files [2][]byte
	for i := range files {
		path := filepath.Join(dir, "register.parquet")
		if err := WriteRegister(ctx, src, path); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files[i] = b
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Error("the same register written twice gives different bytes")
	}
	db, err := Open(ctx, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.db.QueryContext(ctx, `SELECT provider_id, len(identifiers), len(ratings), ratings[1].rating, ratings[2].date::VARCHAR,
		coalesce(sector_as_at::VARCHAR, ''), len(facts), coalesce(locations[1].council_code, '')
		FROM read_parquet($1)`, filepath.Join(dir, "register.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type row struct {
		id           string
		ids, ratings int
		first        *string
		second       *string
		asAt         string
		facts        int
		council      string
	}
	var got []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.ids, &r.ratings, &r.first, &r.second, &r.asAt, &r.facts, &r.council); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].id != "1-100000001" || got[1].id != "SC100001" {
		t.Fatalf("rows %+v; want 1-100000001 then SC100001", got)
	}
	oak := got[1]
	if oak.ids != 1 || oak.ratings != 2 || oak.first == nil || *oak.first != "Good" || oak.second == nil || *oak.second != "2023-12-05" ||
		oak.asAt != "2024-03-31" || oak.facts != 2 || oak.council != "E08000009" {
		t.Errorf("SC100001 = %+v", oak)
	}
	if e := got[0]; e.ids != 1 || e.ratings != 0 || e.asAt != "" || e.facts != 0 {
		t.Errorf("1-100000001 = %+v", e)
	}
}

// TestProvidersFromRegister builds a release's providers table from
// returns that disagree about names and sectors, with a provider register
// that knows two of the providers. Worked out by hand:
//
//	1-100000001: council A calls it "Rubbish Care Ltd (avoid)", plc, on
//	  three rows; B "Sunrise Care", private, on one. The register knows it
//	  as the location "Sunrise of Hale Barns", private: both come from it.
//	SC100002: the register withholds its name (Ofsted's REDACTED) but
//	  gives its sector, public; its name is council A's, "Oak Lodge".
//	P7: unknown to the register. A calls it "Big Name" on three rows, B
//	  and C "Small Name" on one each: two councils beat one, whatever the
//	  rows, so "Small Name"; sector private from A alone.
//	P8: unknown to the register. A, received first, calls it "Good Care
//	  Ltd", private, on one row; B, received the next day, "Rubbish Care
//	  Ltd (avoid)", plc, on three. One council each: the first to use the
//	  id wins, whatever the rows, so "Good Care Ltd", private.
func TestProvidersFromRegister(t *testing.T) {
	t.Parallel()
	const hc, onT = "homecare", "hc-visits-on-time"
	periods := []string{"2024-25-Q1", "2023-24-Q4", "2023-24-Q3"}
	var a []obs
	for _, p := range periods {
		a = append(a,
			obs{Provider: "1-100000001", Name: "Rubbish Care Ltd (avoid)", Sector: "plc", Service: hc, Metric: onT, Period: p, Value: f64(50)},
			obs{Provider: "P7", Name: "Big Name", Sector: "private", Service: hc, Metric: onT, Period: p, Value: f64(60)})
	}
	a = append(a, obs{Provider: "SC100002", Name: "Oak Lodge", Sector: "voluntary", Service: hc, Metric: onT, Period: periods[0], Value: f64(70)},
		obs{Provider: "P8", Name: "Good Care Ltd", Sector: "private", Service: hc, Metric: onT, Period: periods[0], Value: f64(75)})
	var b []obs
	for _, p := range periods {
		b = append(b, obs{Provider: "P8", Name: "Rubbish Care Ltd (avoid)", Sector: "plc", Service: hc, Metric: onT, Period: p, Value: f64(40)})
	}
	root := writeDataDir(t,
		sub{ID: "sa", Council: cA, Received: day("2024-07-10"), Rows: a},
		sub{ID: "sb", Council: cB, Received: day("2024-07-11"), Rows: append(b,
			obs{Provider: "1-100000001", Name: "Sunrise Care", Sector: "private", Service: hc, Metric: onT, Period: periods[0], Value: f64(80)},
			obs{Provider: "P7", Name: "Small Name", Service: hc, Metric: onT, Period: periods[0], Value: f64(65)},
		)},
		sub{ID: "sc", Council: cC, Received: day("2024-07-12"), Rows: []obs{
			{Provider: "P7", Name: "Small Name", Service: hc, Metric: onT, Period: periods[0], Value: f64(66)},
			{Provider: "1-100000900", Name: "Sunrise", Service: hc, Metric: onT, Period: periods[0], Value: f64(67)},
		}},
	)
	const lines = `{"provider_id":"1-100000900","name":"Sunrise Senior Living Ltd","organisation":"","sector":"private","sector_given":"For-profit","sector_source":"i","sector_as_at":"2024-03-31","rating":"","rating_date":null,"identifiers":[{"scheme":"cqc_provider","id":"1-100000900"},{"scheme":"cqc_location","id":"1-100000001"}],"aliases":[],"councils":[],"locations":[{"id":"1-100000001","name":"Sunrise of Hale Barns","postcode":"","council_code":"","council_given":"","status":"","service_type":"","source":"i","as_at":"2024-03-31"}],"ratings":[{"subject":"1-100000001","regulator":"cqc","rating":"Outstanding","given":"Outstanding","date":"2024-01-10","source":"i"}],"facts":[]}
{"provider_id":"SC100002","name":"","organisation":"Bolton Council","sector":"public","sector_given":"Local Authority","sector_source":"i","sector_as_at":"2024-03-31","rating":"","rating_date":null,"identifiers":[{"scheme":"ofsted_urn","id":"SC100002"},{"scheme":"companies_house","id":"GB-COH-P7"}],"aliases":[],"councils":[],"locations":[{"id":"SC100002","name":"","postcode":"","council_code":"","council_given":"","status":"","service_type":"","source":"i","as_at":"2024-03-31"}],"ratings":[],"facts":[]}
`
	src := filepath.Join(t.TempDir(), "register.jsonl")
	if err := os.WriteFile(src, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteRegister(context.Background(), src, registers.RegisterFile(root)); err != nil {
		t.Fatal(err)
	}
	cat, err := fixtureCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	db := openTest(t)
	if err := db.Build(context.Background(), BuildInput{DataDir: root, Catalogue: cat, Councils: fixtureCouncils(t)}); err != nil {
		t.Fatal(err)
	}
	rows := tableRows(t, db, "providers")
	check(t, "1-100000001", pick(t, rows, row{"provider_id": "1-100000001"}), row{"provider_name": "Sunrise of Hale Barns", "sector": "private", "n_councils": 2})
	check(t, "SC100002", pick(t, rows, row{"provider_id": "SC100002"}), row{"provider_name": "Oak Lodge", "sector": "public"})
	check(t, "P7", pick(t, rows, row{"provider_id": "P7"}), row{"provider_name": "Small Name", "sector": "private", "n_councils": 3})
	check(t, "P8", pick(t, rows, row{"provider_id": "P8"}), row{"provider_name": "Good Care Ltd", "sector": "private", "n_councils": 2})
	// CQC rates locations: the home's rating is the home's, and the
	// provider's own id shows none rather than one home's as its own.
	check(t, "1-100000001 rating", pick(t, rows, row{"provider_id": "1-100000001"}), row{"rating": "Outstanding"})
	check(t, "1-100000900 rating", pick(t, rows, row{"provider_id": "1-100000900"}), row{"provider_name": "Sunrise Senior Living Ltd", "rating": "", "rating_date": nil})
}

// TestIngestRegisterFixture checks that ingest's copy of a register
// (ingest/testdata/names/register.parquet, which its name-matching tests
// read with parquet-go) has the columns, types and nesting that
// WriteRegister writes today, from the same two example registers: when
// the register's columns change, this fails until the copy is written
// again as ingest/names_test.go says.
func TestIngestRegisterFixture(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	councils, err := schemas.LoadCouncils(data.Reference())
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	store := &registers.Store{Root: root, Councils: councils, WriteParquet: WriteRegister}
	for _, name := range []string{"trafford_care_homes_cqc.csv", "ofsted_csc_providers_at_31mar2023.csv"} {
		in, err := os.Open(filepath.Join("..", "..", "registers", "testdata", "examples", name))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := store.Import(ctx, name, in, registers.ImportOptions{})
		in.Close()
		if err != nil || rep.Status != registers.StatusAccepted {
			t.Fatalf("%s: %v, %+v", name, err, rep)
		}
	}
	if _, err := store.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	db := openTest(t)
	schema := func(path string) []string {
		return firstColumn(queryStrings(t, db.db, "parquet_schema_lines", path))
	}
	got := schema(filepath.Join("..", "..", "ingest", "testdata", "names", "register.parquet"))
	want := schema(registers.RegisterFile(root))
	if len(want) < 20 || !slices.Equal(got, want) {
		t.Errorf("ingest's register copy has the schema\n%s\nbut WriteRegister writes\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The copy holds the same providers, by id and name.
	ids := func(path string) string {
		var s string
		if err := db.db.QueryRowContext(ctx, `SELECT string_agg(provider_id || '=' || coalesce(name, ''), ';' ORDER BY provider_id) FROM read_parquet($1)`, path).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if ids(filepath.Join("..", "..", "ingest", "testdata", "names", "register.parquet")) != ids(registers.RegisterFile(root)) {
		t.Error("ingest's register copy holds other providers than the example registers give")
	}
}

// TestLoadRegisterSwapped checks that a register replaced between being
// hashed and being read (a rebuild renaming a new file over it during a
// publish) is noticed, so the load is done again and release.json's hash
// is always of the file the release read.
func TestLoadRegisterSwapped(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "register.jsonl")
	if err := os.WriteFile(src, []byte(registerLines), 0o644); err != nil {
		t.Fatal(err)
	}
	path := registers.RegisterFile(dir)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteRegister(ctx, src, path); err != nil {
		t.Fatal(err)
	}
	db := openTest(t)
	s, err := db.session(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	old, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	// The rebuild: a new file renamed over the old one.
	if err := WriteRegister(ctx, src, path); err != nil {
		t.Fatal(err)
	}
	if same, err := s.loadRegisterFile(ctx, old, path); err != nil || same {
		t.Errorf("loadRegisterFile of a replaced file = %v, %v; want false, no error", same, err)
	}
	if err := s.loadRegister(ctx, dir); err != nil {
		t.Fatal(err)
	}
	got, err := db.RegisterUsed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	// registerLines' facts, locations and ratings come from imp-1 (as at
	// 2023-03-31, a fact) and imp-2 (as at 2024-03-31).
	want := schemas.ProviderRegister{Status: schemas.RegisterUsed, SHA256: hex.EncodeToString(sum[:]), Providers: 2,
		Imports: []schemas.RegisterImport{{ID: "imp-1", AsAt: onDay("2023-03-31")}, {ID: "imp-2", AsAt: onDay("2024-03-31")}}}
	if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
		t.Errorf("RegisterUsed() = %s, want %s", g, w)
	}
}

// TestTradingNamesLoaded checks that a CQC location's trading name ("Also
// known as" in the care directory) reaches publish as an alias of the
// location's id, and never of its provider's id; and that a register
// written before locations carried trading names still loads. In
// registers/testdata/aka/care_directory.csv, Oak Lodge (1-2000000002)
// also trades as "Sunrise of Altrincham", and Rose Lodge (1-2000000001)
// as "Rose Lodge Care Home"; their provider is 1-2000000091.
func TestTradingNamesLoaded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	councils, err := schemas.LoadCouncils(data.Reference())
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	store := &registers.Store{Root: root, Councils: councils, WriteParquet: WriteRegister}
	in, err := os.Open(filepath.Join("..", "..", "registers", "testdata", "aka", "care_directory.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := store.Import(ctx, "care_directory.csv", in, registers.ImportOptions{})
	in.Close()
	if err != nil || rep.Status != registers.StatusAccepted {
		t.Fatalf("import: %v, %+v", err, rep)
	}
	if _, err := store.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	db := openTest(t)
	aliases := func(dir, id string) []string {
		t.Helper()
		s, err := db.session(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer s.close()
		if err := s.loadRegister(ctx, dir); err != nil {
			t.Fatal(err)
		}
		return firstColumn(queryStrings(t, s.conn, "register_aliases_of", id))
	}
	if got := aliases(root, "1-2000000002"); !slices.Equal(got, []string{"Sunrise of Altrincham"}) {
		t.Errorf("aliases of location 1-2000000002 = %q, want [Sunrise of Altrincham]", got)
	}
	if got := aliases(root, "1-2000000001"); !slices.Equal(got, []string{"Rose Lodge Care Home"}) {
		t.Errorf("aliases of location 1-2000000001 = %q, want [Rose Lodge Care Home]", got)
	}
	if got := aliases(root, "1-2000000091"); slices.Contains(got, "Sunrise of Altrincham") || slices.Contains(got, "Rose Lodge Care Home") {
		t.Errorf("provider 1-2000000091 took its homes' trading names: %q", got)
	}
	// A register written before locations had aliases: registerLines'
	// location struct without the field.
	old := t.TempDir()
	src := filepath.Join(old, "register.jsonl")
	if err := os.WriteFile(src, []byte(registerLines), 0o644); err != nil {
		t.Fatal(err)
	}
	path := registers.RegisterFile(old)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := db.db.ExecContext(ctx, `COPY (SELECT * FROM read_json($1, format = 'newline_delimited')) TO '`+strings.ReplaceAll(path, "'", "''")+`' (FORMAT parquet)`, src); err != nil {
		t.Fatal(err)
	}
	if got := aliases(old, "SC100001"); !slices.Equal(got, []string{"Oak Homes"}) {
		t.Errorf("an old register's provider aliases = %q, want [Oak Homes]", got)
	}
}
