package registers_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/data"
	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/registers"
	"github.com/yardstick-open/yardstick/schemas"
)

var councils = sync.OnceValue(func() *schemas.Councils {
	cs, err := schemas.LoadCouncils(data.Reference())
	if err != nil {
		panic(err)
	}
	return cs
})

func newStore(t *testing.T) *registers.Store {
	t.Helper()
	return &registers.Store{Root: t.TempDir(), Councils: councils(), WriteParquet: duckdb.WriteRegister}
}

func importString(t *testing.T, s *registers.Store, name, content string, m *registers.Mapping) *registers.Report {
	t.Helper()
	rep, err := s.Import(context.Background(), name, strings.NewReader(content), registers.ImportOptions{Mapping: m})
	if err != nil {
		t.Fatalf("Import %s: %v", name, err)
	}
	return rep
}

const ofsted2023 = "\ufeffChildren's social care data in England 2023 - Provider level as at 31 March 2023,,,,,,,\n" +
	"URN,Provision type,Name,Local authority,Sector,Organisation which owns the provider,Latest full inspection date,Overall experiences and progress of children and young people\n" +
	"SC100001,Children's home,Oak House,Trafford,Private,Oak Homes Ltd,10/10/2022,Good\n" +
	"SC100002,Children's home,REDACTED,Bolton,Local Authority,Bolton Council,01/02/2023,Outstanding\n"

// The next year's list, with the columns renamed and reordered as Ofsted
// does between years: Oak House has changed hands and name and been
// inspected again; a new home is registered.
const ofsted2024 = "Children's social care data in England 2024: providers as at 31 March 2024,,,,,,,,\n" +
	",,,,,,,,\n" +
	"URN,Setting name,Provider type,LA,Ownership,Owner name,Latest full inspection,,\n" +
	",,,,,,Inspection date,Overall effectiveness,\n" +
	"SC100001,Oak House Children's Home,Children's home,Trafford,Voluntary,Oak Trust,05/12/2023,Requires improvement to be good,\n" +
	"SC100002,REDACTED,Children's home,Bolton,Local Authority,Bolton Council,01/02/2023,Outstanding,\n" +
	"2700003,REDACTED,Children's home,Wigan,Private,New Homes Ltd,,,\n" +
	",,,,,,,,\n"

// TestReimportKeepsHistory imports two years of Ofsted's list, the newer
// first, and checks the register holds the newer facts and every rating,
// as worked out by hand from the two files above.
func TestReimportKeepsHistory(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	for _, f := range []struct{ name, content string }{{"2024.csv", ofsted2024}, {"2023.csv", ofsted2023}} {
		if rep := importString(t, s, f.name, f.content, nil); rep.Status != registers.StatusAccepted {
			t.Fatalf("%s: %s, problems %v", f.name, rep.Status, rep.Problems)
		}
	}
	if _, err := s.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	provs, err := s.Providers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]registers.Provider{}
	for _, p := range provs {
		byID[p.ProviderID] = p
	}
	if len(provs) != 3 {
		t.Fatalf("%d providers, want 3: %v", len(provs), provs)
	}
	oak := byID["SC100001"]
	if oak.Name != "Oak House Children's Home" || strings.Join(oak.Aliases, "|") != "Oak House" ||
		oak.Organisation != "Oak Trust" || oak.Sector != registers.SectorVoluntary || oak.SectorAsAt.String() != "2024-03-31" ||
		strings.Join(oak.Councils, ",") != "E08000009" {
		t.Errorf("Oak House = %+v", oak)
	}
	if len(oak.Ratings) != 2 || oak.Ratings[0].Rating != "Good" || oak.Ratings[0].Date.String() != "2022-10-10" ||
		oak.Ratings[1].Rating != registers.RatingRequiresImprovement || oak.Ratings[1].Date.String() != "2023-12-05" ||
		oak.Rating != registers.RatingRequiresImprovement || oak.RatingDate.String() != "2023-12-05" {
		t.Errorf("Oak House ratings = %+v, current %s %s; want Good 2022-10-10 then Requires improvement 2023-12-05", oak.Ratings, oak.Rating, oak.RatingDate)
	}
	var sectors []string
	for _, f := range oak.Facts {
		if f.Field == "sector" {
			sectors = append(sectors, f.Value+"@"+f.AsAt.String())
		}
	}
	if strings.Join(sectors, ",") != "private@2023-03-31,voluntary@2024-03-31" {
		t.Errorf("Oak House's sector facts %v, want private then voluntary", sectors)
	}
	// The same inspection in both lists is one rating, not two.
	if home := byID["SC100002"]; len(home.Ratings) != 1 || home.Name != "" || home.Sector != registers.SectorPublic {
		t.Errorf("SC100002 = %+v; want one rating, no name (redacted), public", home)
	}
	if n := byID["2700003"]; n.Sector != registers.SectorPrivate || len(n.Ratings) != 0 || strings.Join(n.Councils, ",") != "E08000010" {
		t.Errorf("2700003 = %+v", n)
	}
}

// TestRebuildDeterministic rebuilds the register from the example imports
// twice and compares the bytes, and builds it from the imports given in
// another order.
func TestRebuildDeterministic(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	for _, name := range []string{"trafford_care_homes_cqc.csv", "ofsted_csc_providers_at_31mar2023.csv", "cqc_inspections_community_asc_sample.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", "examples", name))
		if err != nil {
			t.Fatal(err)
		}
		if rep := importString(t, s, name, string(b), nil); rep.Status != registers.StatusAccepted {
			t.Fatalf("%s: %s", name, rep.Status)
		}
	}
	ctx := context.Background()
	var files [2][]byte
	for i := range files {
		if _, err := s.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(registers.RegisterFile(s.Root))
		if err != nil {
			t.Fatal(err)
		}
		files[i] = b
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Errorf("two rebuilds wrote different files (%d and %d bytes)", len(files[0]), len(files[1]))
	}
	provs, err := s.Providers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	if err := registers.WriteJSONLines(&a, provs); err != nil {
		t.Fatal(err)
	}
	// The same sources in reverse order give the same register.
	var sources []registers.Source
	entries, _ := os.ReadDir(registers.ImportsDir(s.Root))
	for i := len(entries) - 1; i >= 0; i-- {
		var man registers.Manifest
		mb, err := os.ReadFile(filepath.Join(registers.ImportsDir(s.Root), entries[i].Name(), "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(mb, &man); err != nil {
			t.Fatal(err)
		}
		fb, err := os.ReadFile(filepath.Join(registers.ImportsDir(s.Root), man.ID, man.File))
		if err != nil {
			t.Fatal(err)
		}
		p := registers.Parse(fb, nil, councils())
		sources = append(sources, registers.Source{ID: man.ID, ReceivedAt: man.ReceivedAt, AsAt: p.Layout.AsAt, Records: p.Records})
	}
	if err := registers.WriteJSONLines(&b, registers.Build(sources)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the register built from the imports in reverse order differs")
	}
}

// TestImportUnknownLayout imports a file whose layout is not known: it is
// kept, rejected, with an error naming its columns and the way to load it;
// through a mapping it loads.
func TestImportUnknownLayout(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	const file = "Our care homes,,\n,,\nRef,Home,Owner type\n1-200000001,Ash House,Independent\n1-200000002,Elm House,Council run\n"
	rep := importString(t, s, "homes.csv", file, nil)
	if rep.Status != registers.StatusRejected || len(rep.Problems) != 1 {
		t.Fatalf("status %s, problems %v; want rejected with one problem", rep.Status, rep.Problems)
	}
	p := rep.Problems[0]
	for _, want := range []string{`"Ref", "Home", "Owner type"`, "line 3"} {
		if !strings.Contains(p.Message, want) {
			t.Errorf("message %q does not say %s", p.Message, want)
		}
	}
	if p.Code != registers.CodeUnknownLayout || !strings.Contains(p.Hint, "--mapping") || !strings.Contains(p.Hint, `"skip_rows": 2`) {
		t.Errorf("problem %+v: want unknown_layout with a mapping hint that skips 2 rows", p)
	}
	man, err := os.ReadFile(filepath.Join(registers.ImportDir(s.Root, rep.Import), "manifest.json"))
	if err != nil || !strings.Contains(string(man), `"status": "rejected"`) {
		t.Errorf("the rejected import is not kept: %v %s", err, man)
	}
	kept, err := os.ReadFile(filepath.Join(registers.ImportDir(s.Root, rep.Import), "homes.csv"))
	if err != nil || string(kept) != file {
		t.Errorf("the file is not kept as received: %v", err)
	}

	m, err := registers.DecodeMapping(strings.NewReader(`{"regulator": "cqc", "columns": {"cqc_location_id": "Ref", "name": "Home", "sector": "Owner type"},
		"recode": {"sector": {"Independent": "private", "Council run": "local authority"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	rep = importString(t, s, "homes.csv", file, m)
	if rep.Status != registers.StatusAccepted || rep.Records != 2 || rep.Duplicate != "" {
		t.Fatalf("with the mapping: %+v", rep)
	}
	if _, err := s.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	provs, _ := s.Providers(context.Background())
	if len(provs) != 2 || provs[0].Sector != registers.SectorPrivate || provs[1].Sector != registers.SectorPublic {
		t.Errorf("providers %+v; want Ash House private and Elm House public", provs)
	}
	// The same bytes and mapping again are a duplicate, not a new import.
	again := importString(t, s, "homes.csv", file, m)
	if again.Duplicate != rep.Import {
		t.Errorf("reimport: duplicate %q, want %q", again.Duplicate, rep.Import)
	}
}

func TestDecodeMappingErrors(t *testing.T) {
	t.Parallel()
	_, err := registers.DecodeMapping(strings.NewReader(`{"regulator": "cqq", "skip_rows": -1, "columns": {"nmae": "Home"}, "recode": {"name": {}}, "as_at": "31/13/2024"}`))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{`regulator is "cqq"`, "skip_rows", `"nmae" is not a field`, "must name the column of an identifier", `"name" cannot be recoded`, "as_at"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %s", err, want)
		}
	}
}

func TestImportTooLarge(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	s.MaxBytes = 1000
	r := &zeros{n: 1001}
	_, err := s.Import(context.Background(), "big.csv", r, registers.ImportOptions{})
	if schemas.ErrorCode(err) != schemas.ETOOLARGE {
		t.Errorf("error %v, want too_large", err)
	}
	if _, err := os.Stat(registers.ImportsDir(s.Root)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("something was kept of a file too large: %v", err)
	}
}

// zeros is a stream of n zero bytes.
type zeros struct{ n int }

func (z *zeros) Read(p []byte) (int, error) {
	if z.n == 0 {
		return 0, io.EOF
	}
	k := min(len(p), z.n)
	clear(p[:k])
	z.n -= k
	return k, nil
}

// TestImportMappingMismatch reads a file through a mapping that names a
// column the file does not have: the import is rejected, naming the
// column and the columns the header has.
func TestImportMappingMismatch(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	m, err := registers.DecodeMapping(strings.NewReader(`{"regulator": "ofsted", "skip_rows": 1, "columns": {"ofsted_urn": "Setting ref", "name": "Setting"}}`))
	if err != nil {
		t.Fatal(err)
	}
	rep := importString(t, s, "list.csv", "Our homes,\nRef,Setting\nSC000001,Oak\n", m)
	if rep.Status != registers.StatusRejected || len(rep.Problems) != 1 || rep.Problems[0].Code != registers.CodeMapping ||
		!strings.Contains(rep.Problems[0].Message, `has no column "Setting ref"; it has "Ref", "Setting"`) {
		t.Errorf("report %+v", rep)
	}
}

// providersByID rebuilds the register and returns its providers by id.
func providersByID(t *testing.T, s *registers.Store) (map[string]registers.Provider, *registers.RebuildResult) {
	t.Helper()
	res, err := s.Rebuild(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	provs, err := s.Providers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]registers.Provider{}
	for _, p := range provs {
		by[p.ProviderID] = p
	}
	return by, res
}

func problemCodes(rep *registers.Report) string {
	var codes []string
	for _, p := range rep.Problems {
		codes = append(codes, p.Code)
	}
	return strings.Join(codes, ",")
}

// TestAsAtAfterReceipt imports a register, then one whose title dates it
// in 2099 renaming its provider: a register cannot describe a day after
// it was received, so the second is rejected and the first's facts stand.
// A mapping's as_at or --as-at after the day received is rejected too.
func TestAsAtAfterReceipt(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	const real2024 = "CQC care directory as at 1 March 2024\nLocation ID,Provider ID,Location Name,Provider Name,Ownership type\n" +
		"1-111111111,1-900000001,Oak House,Good Care Limited,Third sector\n"
	const future = "CQC care directory as at 31 December 2099\nLocation ID,Provider ID,Location Name,Provider Name,Ownership type\n" +
		"1-111111111,1-900000001,Oak House,Rubbish Care Ltd (avoid),For-profit\n"
	if rep := importString(t, s, "real2024.csv", real2024, nil); rep.Status != registers.StatusAccepted || problemCodes(rep) != "" {
		t.Fatalf("real2024.csv: %s %v", rep.Status, rep.Problems)
	}
	rep := importString(t, s, "future.csv", future, nil)
	if rep.Status != registers.StatusRejected || problemCodes(rep) != registers.CodeFutureAsAt ||
		!strings.Contains(rep.Problems[0].Message, "2099-12-31 by its title") || !strings.Contains(rep.Problems[0].Hint, "--as-at") {
		t.Errorf("future.csv: %s %v; want rejected as dated after receipt", rep.Status, rep.Problems)
	}
	by, _ := providersByID(t, s)
	if p := by["1-900000001"]; len(by) != 1 || p.Name != "Good Care Limited" || p.Sector != registers.SectorVoluntary || p.SectorAsAt.String() != "2024-03-01" {
		t.Errorf("providers %+v; want 1-900000001 Good Care Limited, voluntary as at 2024-03-01", by)
	}

	m, err := registers.DecodeMapping(strings.NewReader(`{"regulator": "cqc", "columns": {"cqc_location_id": "Ref", "name": "Home"}, "as_at": "31/12/2999"}`))
	if err != nil {
		t.Fatal(err)
	}
	if rep := importString(t, s, "homes.csv", "Ref,Home\n1-200000001,Ash House\n", m); rep.Status != registers.StatusRejected ||
		problemCodes(rep) != registers.CodeFutureAsAt || !strings.Contains(rep.Problems[0].Message, "the mapping's as_at") {
		t.Errorf("a mapping dated 2999: %s %v; want rejected", rep.Status, rep.Problems)
	}
	tomorrow := schemas.DateOf(time.Now().UTC().AddDate(0, 0, 1))
	rep, err = s.Import(context.Background(), "given.csv", strings.NewReader(real2024), registers.ImportOptions{AsAt: tomorrow})
	if err != nil || rep.Status != registers.StatusRejected || problemCodes(rep) != registers.CodeFutureAsAt {
		t.Errorf("--as-at tomorrow: %v %+v; want rejected", err, rep)
	}
}

// TestFactsDatedByAsAt imports a register as at 1 January 2023, then a
// later copy with no title whose provider has a new name and sector and
// whose rating was published in 2019. The later file's facts hold from
// the day it was received (today), not from the rating's date, so they
// win; the rating keeps its own date. A file given --as-at an older day
// than the first's does not win.
func TestFactsDatedByAsAt(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	const old2023 = "CQC care directory as at 1 January 2023\nLocation ID,Provider ID,Location Name,Provider Name,Ownership type,Publication Date,Latest overall rating\n" +
		"1-222222222,1-900000002,Elm House,Old Name Ltd,For-profit,01/06/2019,Good\n"
	const newer = "Location ID,Provider ID,Location Name,Provider Name,Ownership type,Publication Date,Latest overall rating\n" +
		"1-222222222,1-900000002,Elm House,New Owner Charity,Third sector,01/06/2019,Good\n"
	const older = "Location ID,Provider ID,Location Name,Provider Name,Ownership type\n" +
		"1-222222222,1-900000002,Elm House,Older Name Ltd,For-profit\n"
	importString(t, s, "old2023.csv", old2023, nil)
	rep := importString(t, s, "newer.csv", newer, nil)
	if rep.Status != registers.StatusAccepted || problemCodes(rep) != registers.CodeNoAsAt || rep.Layout.AsAt.String() != "" {
		t.Errorf("newer.csv: %s %v, as at %q; want accepted with a no_as_at warning", rep.Status, rep.Problems, rep.Layout.AsAt)
	}
	given := schemas.DateOf(time.Date(2022, 6, 30, 0, 0, 0, 0, time.UTC))
	rep, err := s.Import(context.Background(), "older.csv", strings.NewReader(older), registers.ImportOptions{AsAt: given})
	if err != nil || rep.Status != registers.StatusAccepted || problemCodes(rep) != "" || rep.Layout.AsAt.String() != "2022-06-30" || rep.Layout.AsAtFrom != registers.AsAtGiven {
		t.Fatalf("older.csv with --as-at: %v %+v", err, rep)
	}
	today := schemas.DateOf(time.Now().UTC()).String()
	by, _ := providersByID(t, s)
	p := by["1-900000002"]
	if len(by) != 1 || p.Name != "New Owner Charity" || p.Sector != registers.SectorVoluntary || p.SectorAsAt.String() != today {
		t.Errorf("provider %+v; want New Owner Charity, voluntary as at %s", p, today)
	}
	var names []string
	for _, f := range p.Facts {
		if f.Field == "organisation" || f.Field == "name" {
			names = append(names, f.Value+"@"+f.AsAt.String())
		}
	}
	if got, want := strings.Join(names, ","), "Older Name Ltd@2022-06-30,Old Name Ltd@2023-01-01,New Owner Charity@"+today; got != want {
		t.Errorf("name facts %s, want %s", got, want)
	}
	if len(p.Ratings) != 1 || p.Ratings[0].Date.String() != "2019-06-01" {
		t.Errorf("ratings %+v; want the one rating of 2019-06-01", p.Ratings)
	}
}

// TestLocationChangesProvider imports a register in which a location is
// run by one CQC provider, then a later one listing it under another.
// The two providers stay apart: the location moves to its new provider,
// the old one keeps its other location and its name, and the rebuild
// warns naming both.
func TestLocationChangesProvider(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	importString(t, s, "y2022.csv", "CQC care directory as at 1 March 2022\nLocation ID,Provider ID,Location Name,Provider Name,Ownership type\n"+
		"1-333333331,1-900000010,Home A,Big Chain plc,For-profit\n"+
		"1-333333332,1-900000010,Home B,Big Chain plc,For-profit\n"+
		"1-333333333,1-900000020,Home C,Small Family Care,For-profit\n", nil)
	importString(t, s, "y2024.csv", "CQC care directory as at 1 March 2024\nLocation ID,Provider ID,Location Name,Provider Name,Ownership type\n"+
		"1-333333332,1-900000020,Home B,Small Family Care,For-profit\n", nil)
	// A ratings extract without provider ids, later than both: it names
	// the location but cannot move it.
	importString(t, s, "ratings.csv", "Ratings as at 1 June 2024\nLocation ID,Location Name,Overall rating,Publication Date\n"+
		"1-333333332,Home B,Good,2024-05-01\n", nil)
	by, res := providersByID(t, s)
	type want struct{ name, sector, ids, locs, ratings string }
	wants := map[string]want{
		"1-900000010": {"Big Chain plc", registers.SectorPLC, "1-900000010,1-333333331", "1-333333331", ""},
		"1-900000020": {"Small Family Care", registers.SectorPrivate, "1-900000020,1-333333332,1-333333333", "1-333333332,1-333333333", "1-333333332 Good 2024-05-01"},
	}
	if len(by) != len(wants) {
		t.Errorf("%d providers, want %d: %+v", len(by), len(wants), by)
	}
	for id, w := range wants {
		p := by[id]
		var ids, locs, ratings []string
		for _, i := range p.Identifiers {
			ids = append(ids, i.ID)
		}
		for _, l := range p.Locations {
			locs = append(locs, l.ID)
		}
		for _, r := range p.Ratings {
			ratings = append(ratings, r.Subject+" "+r.Rating+" "+r.Date.String())
		}
		got := want{p.Name, p.Sector, strings.Join(ids, ","), strings.Join(locs, ","), strings.Join(ratings, ",")}
		if got != w {
			t.Errorf("%s = %+v\nwant %+v", id, got, w)
		}
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "location 1-333333332 is listed under CQC provider 1-900000020 and also 1-900000010") {
		t.Errorf("notes %q; want one naming the location and both providers", res.Notes)
	}
}

// TestRejectedDuplicateRechecked sends a rejected file again: its report
// says why again, under the first import, and nothing more is kept.
func TestRejectedDuplicateRechecked(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	const file = "Ref,Home\n1-200000001,Ash House\n"
	first := importString(t, s, "homes.csv", file, nil)
	again := importString(t, s, "homes.csv", file, nil)
	if first.Status != registers.StatusRejected || again.Status != registers.StatusRejected || again.Duplicate != first.Import ||
		problemCodes(again) != registers.CodeUnknownLayout || again.Errors != 1 {
		t.Errorf("again: %+v; want rejected again with its problem, as a duplicate of %s", again, first.Import)
	}
	if entries, err := os.ReadDir(registers.ImportsDir(s.Root)); err != nil || len(entries) != 1 {
		t.Errorf("%d imports kept (%v), want 1", len(entries), err)
	}
}

// TestRebuildChecksKeptFiles changes a kept file after its import: the
// rebuild fails naming the import, rather than publish what the file now
// says.
func TestRebuildChecksKeptFiles(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	rep := importString(t, s, "homes.csv", "URN,Name\nSC000001,Oak House\n", nil)
	path := filepath.Join(registers.ImportDir(s.Root, rep.Import), "homes.csv")
	if err := os.WriteFile(path, []byte("URN,Name\nSC000001,Tampered Ltd\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := s.Rebuild(context.Background())
	if err == nil || !strings.Contains(err.Error(), "import "+rep.Import+": homes.csv has changed since it was received") {
		t.Errorf("rebuild: %v; want an error naming the import", err)
	}
	if _, err := os.Stat(registers.RegisterFile(s.Root)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a register was written: %v", err)
	}
}

// TestLeftoversRemoved leaves what a killed import and rebuild leave, and
// checks the next import removes it and leaves the rest.
func TestLeftoversRemoved(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	keep := importString(t, s, "a.csv", "URN,Name\nSC000001,Oak House\n", nil)
	left := []string{
		filepath.Join(registers.ImportsDir(s.Root), ".incoming-20240101T000000.000000Z-00000000", "a.csv"),
		filepath.Join(s.Root, "providers", ".register-123.jsonl"),
		filepath.Join(s.Root, "providers", ".register.parquet.tmp-abcdef"),
	}
	for _, p := range left {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	importString(t, s, "b.csv", "URN,Name\nSC000002,Elm House\n", nil)
	for _, p := range left {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is still there: %v", p, err)
		}
	}
	if _, err := os.Stat(filepath.Dir(left[0])); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the incoming folder is still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(registers.ImportDir(s.Root, keep.Import), "a.csv")); err != nil {
		t.Errorf("a kept import was removed: %v", err)
	}
}

// TestBuildOrderFree builds the register from sources whose ids, days
// received and as-at days disagree about their order, added in every
// order: the register is the same each time, and the latest as-at day
// wins, then the latest received.
func TestBuildOrderFree(t *testing.T) {
	t.Parallel()
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	rec := func(name, sector string) []registers.Record {
		return []registers.Record{{Line: 2, Regulator: registers.Ofsted, URN: "SC000001", Name: name, Sector: sector}}
	}
	sources := []registers.Source{
		// Received last, but as at the earliest day.
		{ID: "a", ReceivedAt: day("2024-09-01"), AsAt: schemas.DateOf(day("2023-03-31")), Records: rec("Old Name", registers.SectorPrivate)},
		// No as-at day: it holds from the day received.
		{ID: "b", ReceivedAt: day("2024-06-01"), Records: rec("Newest Name", registers.SectorVoluntary)},
		{ID: "c", ReceivedAt: day("2024-05-01"), AsAt: schemas.DateOf(day("2024-03-31")), Records: rec("Middle Name", registers.SectorPublic)},
	}
	orders := [][]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}
	var first []byte
	for _, o := range orders {
		var in []registers.Source
		for _, i := range o {
			in = append(in, sources[i])
		}
		provs := registers.Build(in)
		if len(provs) != 1 || provs[0].Name != "Newest Name" || provs[0].Sector != registers.SectorVoluntary ||
			strings.Join(provs[0].Aliases, "|") != "Middle Name|Old Name" {
			t.Fatalf("order %v: %+v", o, provs)
		}
		var b bytes.Buffer
		if err := registers.WriteJSONLines(&b, provs); err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = b.Bytes()
		} else if !bytes.Equal(first, b.Bytes()) {
			t.Errorf("order %v gives a different register:\n%s\n%s", o, first, b.Bytes())
		}
	}
}

// TestMappingSkipRowsCountsLines reads a file with a blank line above its
// header through a mapping that skips two lines, as an editor shows them:
// the title and the blank line.
func TestMappingSkipRowsCountsLines(t *testing.T) {
	t.Parallel()
	m, err := registers.DecodeMapping(strings.NewReader(`{"regulator": "cqc", "skip_rows": 2, "columns": {"cqc_location_id": "Ref", "name": "Home"}}`))
	if err != nil {
		t.Fatal(err)
	}
	p := registers.Parse([]byte("Title\n\nHome;Ref;Owner type\nOak;1-123456789;Private\n"), m, nil)
	if p.Errors != 0 || len(p.Records) != 1 || p.Records[0].LocationID != "1-123456789" || p.Layout.HeaderLines[0] != 3 {
		t.Errorf("records %+v, problems %v", p.Records, p.Problems)
	}
}

// TestMappingRegulatorIDs refuses a mapping whose id columns are not the
// named regulator's, and reads one with both regulators' ids row by row.
func TestMappingRegulatorIDs(t *testing.T) {
	t.Parallel()
	_, err := registers.DecodeMapping(strings.NewReader(`{"regulator": "ofsted", "columns": {"cqc_location_id": "Ref", "name": "Home"}}`))
	if err == nil || !strings.Contains(err.Error(), "no identifier of ofsted") {
		t.Errorf("an ofsted mapping of CQC ids: %v", err)
	}
	m, err := registers.DecodeMapping(strings.NewReader(`{"regulator": "cqc", "columns": {"cqc_location_id": "CQC", "ofsted_urn": "Ofsted", "name": "Home"}}`))
	if err != nil {
		t.Fatal(err)
	}
	p := registers.Parse([]byte("Home,CQC,Ofsted\nOak,1-123456789,\nElm,,SC123456\n"), m, nil)
	if p.Errors != 0 || len(p.Records) != 2 || p.Records[0].Regulator != registers.CQC || p.Records[1].Regulator != registers.Ofsted || p.Layout.Regulator != registers.Mixed {
		t.Errorf("records %+v, layout %+v, problems %v", p.Records, p.Layout, p.Problems)
	}
}

// TestRebuildLeavesOutFailingImport keeps, as accepted, a file that fails
// part-way through (a row of too many columns after good rows), as an
// import might after a change to how files are read: the rebuild leaves
// out the whole import, its good rows too, and names it.
func TestRebuildLeavesOutFailingImport(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	good := importString(t, s, "good.csv", "URN,Name\nSC000001,Oak House\n", nil)
	// A copy of the good import, with the file replaced and its hash
	// updated to match.
	// More good rows than are read at once, so some are handed on before
	// the bad one is read.
	var b strings.Builder
	b.WriteString("URN,Name\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "SC%06d,Home %d\n", 100000+i, i)
	}
	b.WriteString("SC000003,Ash House" + strings.Repeat(",x", registers.MaxColumns) + "\n")
	bad := b.String()
	sum := sha256.Sum256([]byte(bad))
	id := good.Import[:len(good.Import)-1] + "z"
	dir := registers.ImportDir(s.Root, id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var man registers.Manifest
	mb, err := os.ReadFile(filepath.Join(registers.ImportDir(s.Root, good.Import), "manifest.json"))
	if err == nil {
		err = json.Unmarshal(mb, &man)
	}
	if err != nil {
		t.Fatal(err)
	}
	man.ID, man.File, man.SHA256, man.Size = id, "bad.csv", hex.EncodeToString(sum[:]), int64(len(bad))
	mb, _ = json.Marshal(man)
	if err := os.WriteFile(filepath.Join(dir, "bad.csv"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), mb, 0o644); err != nil {
		t.Fatal(err)
	}
	by, res := providersByID(t, s)
	if len(by) != 1 || by["SC000001"].Name != "Oak House" || res.Imports != 1 || strings.Join(res.Failed, ",") != id {
		t.Errorf("providers %v, result %+v; want Oak House alone, %s failed", by, res, id)
	}
}

// TestRebuildRereadsAsAt keeps an import whose manifest records no as-at
// day though its title gives one (as after a change to how titles are
// read): the rebuild dates its facts by the title's day.
func TestRebuildRereadsAsAt(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	rep := importString(t, s, "2023.csv", ofsted2023, nil)
	path := filepath.Join(registers.ImportDir(s.Root, rep.Import), "manifest.json")
	mb, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(mb), `"as_at": "2023-03-31"`, `"as_at": null`, 1)
	if edited == string(mb) {
		t.Fatalf("manifest %s has no as_at to remove", mb)
	}
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	by, _ := providersByID(t, s)
	if p := by["SC100001"]; p.SectorAsAt.String() != "2023-03-31" || p.Locations[0].AsAt.String() != "2023-03-31" {
		t.Errorf("SC100001 sector as at %s, location as at %s; want 2023-03-31", p.SectorAsAt, p.Locations[0].AsAt)
	}
}
