package ingest

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/yardstick-open/yardstick/registers"
)

// TestNormaliseName checks the key names are matched on: each pair of
// names that differ only as normaliseName's doc says has the same key,
// written out by hand, and names of different organisations do not.
func TestNormaliseName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"case", "ABBEY CARE LTD", "abbey care ltd"},
		{"limited", "Abbey Care Limited", "abbey care ltd"},
		{"ltd with a full stop", "Abbey Care Ltd.", "abbey care ltd"},
		{"and sign", "Smith & Jones Homecare", "smith and jones homecare"},
		{"and sign unspaced", "Smith&Jones Homecare", "smith and jones homecare"},
		{"and sign as html", "Smith &amp; Jones Homecare", "smith and jones homecare"},
		{"and word", "Smith and Jones Homecare", "smith and jones homecare"},
		{"leading the", "The Willows", "willows"},
		{"trailing the", "Willows, The", "willows"},
		{"the alone", "The", "the"},
		{"the inside kept", "Lady of the Vale Care Home", "lady of the vale care home"},
		{"apostrophe", "St Anne's", "st annes"},
		{"curly apostrophe", "St Anne\u2019s", "st annes"},
		{"no apostrophe", "St Annes", "st annes"},
		{"initials", "J.E.M. Care Limited", "jem care ltd"},
		{"initials run together", "JEM Care Ltd", "jem care ltd"},
		{"punctuation breaks words", "Abbey Care - Sale (North)", "abbey care sale north"},
		{"spacing", "  Abbey   Care\tLtd ", "abbey care ltd"},
		{"public limited company", "Big Care Public Limited Company", "big care plc"},
		{"plc", "Big Care PLC", "big care plc"},
		{"homes kept", "Abbey Care Homes Ltd", "abbey care homes ltd"},
		{"no legal form kept apart", "Abbey Care", "abbey care"},
		{"accents kept", "Café Care", "café care"},
		// A full stop between digits parts them: these are four keys.
		{"digits", "10 Spennithorne Road", "10 spennithorne road"},
		{"digits with a full stop", "1.0 Spennithorne Road", "1 0 spennithorne road"},
		{"unit number", "Unit 12 Care Ltd", "unit 12 care ltd"},
		{"unit number with a full stop", "Unit 1.2 Care Ltd", "unit 1 2 care ltd"},
		{"full stop after a number", "No. 5 Care", "no 5 care"},
		{"blank", " - ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := normaliseName(tt.in); got != tt.want {
				t.Errorf("normaliseName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestLooseName checks the suggestion key: legal forms at the end are
// dropped, words that are not legal forms are kept.
func TestLooseName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"abbey care ltd": "abbey care", "abbey care": "abbey care", "abbey care homes ltd": "abbey care homes",
		"big care plc": "big care", "ltd": "ltd", "smith llp ltd": "smith", "ltd care": "ltd care",
	} {
		if got := looseName(in); got != want {
			t.Errorf("looseName(%q) = %q, want %q", in, got, want)
		}
	}
}

// handRegister is a small register, as the CQC care directory lays it
// out, for the hard cases of name matching. Each line's comment says the
// case it is for.
const handRegister = "Name,Also known as,Provider name,Local authority,CQC Location ID (for office use only),CQC Provider ID (for office use only)\n" +
	// The same name in two areas, each its own organisation.
	"Abbey House,,Abbey House Trust,Trafford,1-1000000001,1-1000000091\n" +
	"Abbey House,,Wigan Homes Ltd,Wigan,1-1000000002,1-1000000092\n" +
	// Ltd vs Limited: the provider's registered name.
	"Brookside,,Brookside Care Limited,Trafford,1-1000000003,1-1000000093\n" +
	// & vs and: a location's name.
	"Smith & Jones Homecare,,Smith Jones Group Ltd,Trafford,1-1000000004,1-1000000094\n" +
	// "The" prefix.
	"The Willows,,Willow Care Ltd,Trafford,1-1000000005,1-1000000095\n" +
	// No false merges: Abbey Care Homes Ltd is another company.
	"Abbey Care Office,,Abbey Care Ltd,Trafford,1-1000000006,1-1000000096\n" +
	// A provider whose one location has its name: one organisation.
	"Kindly Care Ltd,,Kindly Care Ltd,Trafford,1-1000000007,1-1000000097\n" +
	// Two homes of one name and one provider: still two sets of figures.
	"Rose House,,Kindly Care Ltd,Trafford,1-1000000010,1-1000000097\n" +
	"Rose House,,Kindly Care Ltd,Trafford,1-1000000011,1-1000000097\n" +
	// A CQC provider's home with a trading name, which names the home.
	"Sunrise House,Sunrise of Timperley,Sunrise Care Ltd,Trafford,1-1000000012,1-1000000098\n" +
	"Sunrise Lodge,,Sunrise Care Ltd,Trafford,1-1000000013,1-1000000098\n"

// handTrading is a register whose location is known by its own id alone,
// with a trading name ("Also known as"): an alias of the provider.
const handTrading = "Location ID,Location Name,Also known as,Provider Name,Local authority\n" +
	"1-1000000008,Oakfield Court,Sunrise of Sale,Oakfield Holdings Ltd,Trafford\n"

// writeHandRegister imports register files into a scratch store, builds
// the register as yardstick providers rebuild does (registers.Store), and
// writes the columns name matching reads to the data folder's
// providers/register.parquet. The Parquet is parquet-go's: the DuckDB
// writer belongs to publish, and TestMatchNamesExampleRegisters reads a
// register DuckDB wrote.
func writeHandRegister(t *testing.T, p *Pipeline, files ...string) {
	t.Helper()
	ctx := context.Background()
	store := &registers.Store{Root: t.TempDir(), Councils: p.Councils}
	for i, f := range files {
		rep, err := store.Import(ctx, "register.csv", strings.NewReader(f), registers.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Status != registers.StatusAccepted || rep.Records == 0 {
			t.Fatalf("register %d: %s, %d records: %v", i, rep.Status, rep.Records, rep.Problems)
		}
	}
	provs, err := store.Providers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]registerRow, len(provs))
	for i, pr := range provs {
		rows[i] = registerRow{ProviderID: pr.ProviderID, Name: pr.Name, Organisation: pr.Organisation,
			Aliases: pr.Aliases, Councils: pr.Councils}
		for _, l := range pr.Locations {
			rows[i].Locations = append(rows[i].Locations, registerLocation{ID: l.ID, Name: l.Name, CouncilCode: l.CouncilCode, Status: l.Status, Aliases: l.Aliases})
		}
	}
	path := registers.RegisterFile(p.Layout.Root)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := parquet.WriteFile(path, rows); err != nil {
		t.Fatal(err)
	}
}

// nameReturn is a return of one row per name, each with only the
// provider's name, for the council given with it.
func nameReturn(t *testing.T, rows ...[2]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"council_code", "provider_id", "provider_name", "provider_sector", "service", "metric", "period", "numerator", "denominator", "value", "note"})
	// Two metrics in turn, so that two rows of one name are not
	// duplicates of each other.
	metrics := [2]string{"hc-visits-on-time", "hc-continuity"}
	for i, r := range rows {
		w.Write([]string{r[0], "", r[1], "private", "homecare", metrics[i%2], "2024-25-Q1", "40", "50", "", ""})
	}
	w.Flush()
	return b.Bytes()
}

// storedIDs returns the provider_id of each stored row, by the line it
// came from.
func storedIDs(t *testing.T, p *Pipeline) map[int]string {
	t.Helper()
	out := map[int]string{}
	for _, f := range parquetFiles(t, p.Layout.Root) {
		obs, err := parquet.ReadFile[Observation](f)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range obs {
			out[int(o.SourceLine)] = o.ProviderID
		}
	}
	return out
}

// TestMatchNames checks the hard cases of matching a provider given by
// name alone against a hand-written register: each row either links to
// the id worked out by hand from handRegister, with one notice per name,
// or is an error naming every candidate's id; and no name links across
// organisations or areas.
func TestMatchNames(t *testing.T) {
	t.Parallel()
	const (
		trafford = "E08000009"
		wigan    = "E08000010"
		bolton   = "E08000001"
	)
	tests := []struct {
		name    string
		council string
		give    string
		link    string   // the id the row is stored under; "" when the row is refused
		code    string   // the problem on the row
		names   []string // ids (and words) the problem's message and hint must give
	}{
		{"same name, first area", trafford, "Abbey House", "1-1000000001", CodeProviderMatched, []string{"1-1000000001", "Trafford"}},
		{"same name, second area", wigan, "ABBEY HOUSE", "1-1000000002", CodeProviderMatched, []string{"1-1000000002", "Wigan"}},
		{"same name, neither area", bolton, "Abbey House", "", CodeProviderOutsideArea, []string{"1-1000000001", "1-1000000002", "Bolton", "LOCAL-BOL-"}},
		{"Ltd for Limited", trafford, "BROOKSIDE CARE LTD.", "1-1000000093", CodeProviderMatched, []string{"1-1000000093"}},
		{"and for &", trafford, "Smith and Jones Homecare", "1-1000000004", CodeProviderMatched, []string{"1-1000000004", "Smith Jones Group Ltd"}},
		{"The dropped", trafford, "Willows", "1-1000000005", CodeProviderMatched, []string{"1-1000000005"}},
		{"The moved", trafford, "Willows, The", "1-1000000005", CodeProviderMatched, []string{"1-1000000005"}},
		{"trading name", trafford, "Sunrise of Sale", "1-1000000008", CodeProviderMatched, []string{"1-1000000008", "Oakfield Court"}},
		{"trading name of a CQC provider's home", trafford, "SUNRISE OF TIMPERLEY", "1-1000000012", CodeProviderMatched, []string{"1-1000000012", "Sunrise House", "Sunrise Care Ltd (1-1000000098)"}},
		{"provider and its location of one name", trafford, "Kindly Care Limited", "1-1000000097", CodeProviderMatched, []string{"1-1000000097"}},
		{"two homes of one provider", trafford, "Rose House", "", CodeProviderAmbiguous, []string{"1-1000000010", "1-1000000011", "Kindly Care Ltd"}},
		{"another company", trafford, "Abbey Care Homes Ltd", "", CodeProviderMissing, nil},
		{"no legal form", trafford, "Abbey Care", "", CodeProviderMissing, []string{"1-1000000096"}},
		{"organisation of a home", trafford, "Oakfield Holdings Ltd", "", CodeProviderMissing, []string{"1-1000000008"}},
		{"not in the register", trafford, "Nowhere Care", "", CodeProviderMissing, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := testPipeline(t)
			writeHandRegister(t, p, handRegister, handTrading)
			rep := ingestBytes(t, p, nameReturn(t, [2]string{tt.council, tt.give}, [2]string{tt.council, tt.give}), Options{})
			if rep.Accepted() != (tt.link != "") {
				t.Fatalf("accepted = %v, want %v: %v", rep.Accepted(), tt.link != "", rep.Problems)
			}
			var got []Problem
			for _, pr := range rep.Problems {
				if strings.HasPrefix(pr.Code, "provider") {
					got = append(got, pr)
				}
			}
			// A link is told once for the name; an error is on each row.
			want := 2
			if tt.link != "" {
				want = 1
			}
			if len(got) != want {
				t.Fatalf("got %d provider problems, want %d: %v", len(got), want, rep.Problems)
			}
			pr := got[0]
			if pr.Code != tt.code || pr.Line != 2 {
				t.Errorf("got %s on line %d, want %s on line 2: %v", pr.Code, pr.Line, tt.code, pr)
			}
			for _, s := range tt.names {
				if !strings.Contains(pr.Message+pr.Hint, s) {
					t.Errorf("problem does not give %q: %s", s, pr)
				}
			}
			if tt.link == "" {
				if pr.Severity != SevError {
					t.Errorf("severity %s, want error", pr.Severity)
				}
				return
			}
			if pr.Severity != SevWarning || !strings.Contains(pr.Hint, "add provider_id "+tt.link) {
				t.Errorf("want a warning whose hint gives the id %s: %s", tt.link, pr)
			}
			ids := storedIDs(t, p)
			if ids[2] != tt.link || ids[3] != tt.link || len(ids) != 2 {
				t.Errorf("stored provider ids by line %v, want %s on lines 2 and 3", ids, tt.link)
			}
		})
	}
}

// TestMatchNamesNoRegister checks that without a register a name alone is
// refused as before, with a hint saying how to import one.
func TestMatchNamesNoRegister(t *testing.T) {
	t.Parallel()
	p := testPipeline(t)
	rep := ingestBytes(t, p, nameReturn(t, [2]string{"E08000009", "Abbey House"}), Options{})
	if rep.Accepted() || len(rep.Problems) != 1 {
		t.Fatalf("want one error, got %v", rep.Problems)
	}
	pr := rep.Problems[0]
	if pr.Code != CodeProviderMissing || pr.Field != "provider_id" || !strings.Contains(pr.Hint, "yardstick providers import") {
		t.Errorf("got %s, want provider_id_missing on provider_id whose hint names yardstick providers import", pr)
	}
}

// TestMatchNamesBrokenRegister checks that a register that does not read
// leaves names unmatched, saying why and how to mend it, rather than
// stopping the ingest.
func TestMatchNamesBrokenRegister(t *testing.T) {
	t.Parallel()
	p := testPipeline(t)
	path := registers.RegisterFile(p.Layout.Root)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("not parquet"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := ingestBytes(t, p, nameReturn(t, [2]string{"E08000009", "Abbey House"}), Options{})
	if rep.Accepted() || len(rep.Problems) != 1 {
		t.Fatalf("want one error, got %v", rep.Problems)
	}
	if pr := rep.Problems[0]; pr.Code != CodeProviderMissing || !strings.Contains(pr.Hint, "yardstick providers rebuild") {
		t.Errorf("got %s, want provider_id_missing whose hint names yardstick providers rebuild", pr)
	}
}

// exampleRegister is a register as yardstick providers import wrote it
// (through DuckDB, publish/duckdb.WriteRegister) from the example
// registers trafford_care_homes_cqc.csv and
// ofsted_csc_providers_at_31mar2023.csv in registers/testdata/examples:
//
//	yardstick providers import --data DIR registers/testdata/examples/trafford_care_homes_cqc.csv \
//	    registers/testdata/examples/ofsted_csc_providers_at_31mar2023.csv
//	cp DIR/providers/register.parquet ingest/testdata/names/register.parquet
const exampleRegister = "testdata/names/register.parquet"

// readCSV reads an example register, its header at line header (1-based).
func readCSV(t *testing.T, name string, header int) (map[string]int, [][]string) {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "registers", "testdata", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil && err != io.EOF {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[header-1] {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	return col, recs[header:]
}

// TestMatchNamesExampleRegisters matches names against the register built
// from real registers, working out what each name should give from the
// source files themselves: a Trafford care home's name links to its CQC
// id when the Trafford file lists that name once, and is an error naming
// both ids when it lists it twice (Halecroft Grange and Oakfield Croft
// each re-registered under a new provider, with a new location id); an
// Ofsted fostering agency of one name in two areas ("The Children's Family
// Trust") links in each area to that area's URN, and elsewhere links to
// neither.
func TestMatchNamesExampleRegisters(t *testing.T) {
	t.Parallel()
	const trafford = "E08000009"
	col, homes := readCSV(t, "trafford_care_homes_cqc.csv", 1)
	ids := map[string][]string{}  // lower-case name -> CQC ids
	orgs := map[string][]string{} // lower-case name -> who runs each home
	for _, h := range homes {
		if h[col["area_name"]] != "Trafford" {
			t.Fatalf("a home outside Trafford: %v", h)
		}
		k := strings.ToLower(h[col["name"]])
		ids[k] = append(ids[k], h[col["cqc_id"]])
		orgs[k] = append(orgs[k], h[col["provider"]])
	}
	ocol, settings := readCSV(t, "ofsted_csc_providers_at_31mar2023.csv", 4)
	for _, s := range settings {
		if len(s) > ocol["Local authority"] && s[ocol["Local authority"]] == "Trafford" && s[ocol["Name"]] != "REDACTED" {
			k := strings.ToLower(s[ocol["Name"]])
			ids[k] = append(ids[k], s[ocol["URN"]])
		}
	}
	var once, twice [][2]string
	var onceIDs []string
	for _, h := range homes {
		name := h[col["name"]]
		switch n := len(ids[strings.ToLower(name)]); {
		case n == 1:
			once = append(once, [2]string{trafford, strings.ToUpper(name)})
			onceIDs = append(onceIDs, h[col["cqc_id"]])
		case n == 2 && !slices.ContainsFunc(twice, func(r [2]string) bool { return strings.EqualFold(r[1], name) }):
			twice = append(twice, [2]string{trafford, name})
		}
	}
	if len(once)+2*len(twice) != len(homes) || len(twice) != 2 {
		t.Fatalf("%d homes: %d names once and %d twice; want the two re-registered homes twice", len(homes), len(once), len(twice))
	}

	withRegister := func(t *testing.T) *Pipeline {
		p := testPipeline(t)
		b, err := os.ReadFile(exampleRegister)
		if err != nil {
			t.Fatal(err)
		}
		path := registers.RegisterFile(p.Layout.Root)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	t.Run("each home listed once links to its id", func(t *testing.T) {
		t.Parallel()
		p := withRegister(t)
		rep := ingestBytes(t, p, nameReturn(t, once...), Options{})
		if !rep.Accepted() {
			t.Fatalf("rejected: %v", rep.Problems)
		}
		notices := 0
		for _, pr := range rep.Problems {
			if pr.Code == CodeProviderMatched {
				notices++
			}
		}
		if notices != len(once) {
			t.Errorf("%d provider_matched_by_name notices, want %d", notices, len(once))
		}
		got := storedIDs(t, p)
		for i, id := range onceIDs {
			if got[i+2] != id {
				t.Errorf("line %d (%s): stored under %q, want %s", i+2, once[i][1], got[i+2], id)
			}
		}
	})
	t.Run("a re-registered home is refused, naming both ids", func(t *testing.T) {
		t.Parallel()
		p := withRegister(t)
		rep := ingestBytes(t, p, nameReturn(t, twice...), Options{})
		if rep.Accepted() || len(rep.Problems) != len(twice) {
			t.Fatalf("want %d errors, got %v", len(twice), rep.Problems)
		}
		for i, pr := range rep.Problems {
			if pr.Code != CodeProviderAmbiguous || pr.Line != i+2 {
				t.Errorf("got %s, want %s on line %d", pr, CodeProviderAmbiguous, i+2)
			}
			for _, id := range ids[strings.ToLower(twice[i][1])] {
				if !strings.Contains(pr.Message, id) || !strings.Contains(pr.Hint, id) {
					t.Errorf("problem does not name %s in message and hint: %s", id, pr)
				}
			}
			// Who runs each is what tells the old registration from the new.
			for _, org := range orgs[strings.ToLower(twice[i][1])] {
				if !strings.Contains(pr.Message, org) {
					t.Errorf("problem does not name %s: %s", org, pr)
				}
			}
		}
	})

	// The Ofsted register's URNs of "The Children's Family Trust", by the
	// council its setting is in, from the file.
	trust := map[string]string{}
	for _, s := range settings {
		if len(s) > ocol["Name"] && s[ocol["Name"]] == "The Children's Family Trust" {
			trust[s[ocol["Local authority"]]] = s[ocol["URN"]]
		}
	}
	if len(trust) != 2 || trust["Durham"] == "" || trust["Worcestershire"] == "" {
		t.Fatalf("The Children's Family Trust: %v, want a URN in Durham and one in Worcestershire", trust)
	}
	for _, tt := range []struct {
		council, link string
		code          string
	}{
		{"E06000047", trust["Durham"], CodeProviderMatched},         // County Durham
		{"E10000034", trust["Worcestershire"], CodeProviderMatched}, // Worcestershire
		{trafford, "", CodeProviderOutsideArea},
	} {
		t.Run("same name in two areas, "+tt.council, func(t *testing.T) {
			t.Parallel()
			p := withRegister(t)
			rep := ingestBytes(t, p, nameReturn(t, [2]string{tt.council, "Childrens Family Trust"}), Options{})
			if len(rep.Problems) != 1 || rep.Problems[0].Code != tt.code {
				t.Fatalf("got %v, want one %s", rep.Problems, tt.code)
			}
			if tt.link == "" {
				for _, urn := range trust {
					if !strings.Contains(rep.Problems[0].Message, urn) {
						t.Errorf("message does not name %s: %s", urn, rep.Problems[0])
					}
				}
				return
			}
			if got := storedIDs(t, p)[2]; got != tt.link {
				t.Errorf("stored under %q, want %s", got, tt.link)
			}
		})
	}
}

// BenchmarkReadRegister reads a register of the size of the CQC care
// directory (60,000 providers, with 90,000 locations) into the name
// index, as the first name-only row of a return does:
//
//	go test ./ingest -run '^$' -bench BenchmarkReadRegister -benchtime 3x
func BenchmarkReadRegister(b *testing.B) {
	rows := make([]registerRow, 60_000)
	for i := range rows {
		id := fmt.Sprintf("1-%09d", 100_000_000+i)
		rows[i] = registerRow{ProviderID: id, Name: fmt.Sprintf("Provider %d Care Ltd", i), Councils: []string{"E08000009"},
			Locations: []registerLocation{{ID: fmt.Sprintf("1-%09d", 200_000_000+i), Name: fmt.Sprintf("Home %d", i), CouncilCode: "E08000009", Status: "Active"}}}
		if i%2 == 0 {
			rows[i].Locations = append(rows[i].Locations, registerLocation{ID: fmt.Sprintf("1-%09d", 300_000_000+i), Name: fmt.Sprintf("Lodge %d", i), CouncilCode: "E08000010"})
			rows[i].Councils = append(rows[i].Councils, "E08000010")
		}
	}
	path := filepath.Join(b.TempDir(), "register.parquet")
	if err := parquet.WriteFile(path, rows); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		idx, err := readRegister(path)
		if err != nil {
			b.Fatal(err)
		}
		if len(idx.cands) != 150_000 {
			b.Fatalf("%d candidates, want 150,000", len(idx.cands))
		}
	}
}

// returnLine is one row of a hand-written return: the council, the
// provider's id (blank for a name alone) and name, and the metric, which
// tells the rows apart.
type returnLine struct{ council, id, name, metric string }

// handReturn writes rows as a return's CSV.
func handReturn(rows []returnLine) []byte {
	var b bytes.Buffer
	b.WriteString("council_code,provider_id,provider_name,provider_sector,service,metric,period,numerator,denominator,value,note\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "%s,%s,%s,private,homecare,%s,2024-25-Q1,40,50,,\n", r.council, r.id, r.name, r.metric)
	}
	return b.Bytes()
}

// checkHeld checks a return as Pipeline.check does, one row at a time,
// with the checker holding the rows that give a provider's name alone
// until the end of the return when hold is true (emitHeld, then finish).
// It returns the provider id each row passed on is stored under, by
// metric, and the problems.
func checkHeld(t *testing.T, p *Pipeline, data []byte, hold bool) (map[string]string, []Problem) {
	t.Helper()
	return checkHeldWithin(t, p, data, hold, defaultHeldLimits)
}

// checkHeldWithin is checkHeld with the checker's held limits set.
func checkHeldWithin(t *testing.T, p *Pipeline, data []byte, hold bool, limits heldLimits) (map[string]string, []Problem) {
	t.Helper()
	probs := &problems{}
	src, err := openReturn(bytes.NewReader(data), nil, "", probs)
	if err != nil || src == nil {
		t.Fatalf("open return: %v %v", err, probs.sorted())
	}
	chk := newChecker(p.Catalogue, p.Councils, src.plan, probs, time.Now().UTC(), nil, filepath.Join(t.TempDir(), ".keys"))
	// The data folder's register, as the pipeline gives it.
	chk.register = registerFile(p.Layout.Root)
	chk.limits = limits
	stored := map[string]string{}
	store := func(o *obs) error {
		if _, dup := stored[o.Metric]; dup {
			t.Errorf("metric %s stored twice", o.Metric)
		}
		stored[o.Metric] = o.ProviderID
		return nil
	}
	if hold {
		chk.emitHeld = store
	}
	var row rawRow
	var o obs
	for src.next(&row) == nil {
		if chk.check(&row, &o) {
			store(&o)
		}
	}
	if hold {
		if err := chk.finish(); err != nil {
			t.Fatal(err)
		}
	}
	if err := chk.close(); err != nil {
		t.Fatal(err)
	}
	return stored, probs.sorted()
}

// TestNameLinkedInReturn checks that a row giving a provider's name alone
// is linked to the id another line of the same return gives that name in
// the same council, whichever line comes first, with one warning naming
// that line; that a name the return gives two ids is an error naming both
// lines; that the return's own id wins over the register's entry of the
// name, which the warning names; and that another council's line is never
// used. Every expectation is written out by hand from the rows below and
// handRegister.
func TestNameLinkedInReturn(t *testing.T) {
	t.Parallel()
	const trafford, wigan = "E08000009", "E08000010"
	tests := []struct {
		name string
		rows []returnLine // the row giving the name alone is the last
		link string       // the id the name-only row is stored under; "" when refused
		code string       // the problem on the name-only row
		give []string     // what the problem must say (besides line numbers)
	}{
		{"the id of another line", []returnLine{
			{trafford, "1-123456789", "Amberley Care Home", "hc-visits-on-time"},
			{trafford, "", "AMBERLEY CARE HOME.", "hc-continuity"},
		}, "1-123456789", CodeProviderMatchedInReturn, []string{"1-123456789", "add provider_id 1-123456789"}},
		{"two ids for one name", []returnLine{
			{trafford, "1-123456789", "Amberley Care Home", "hc-visits-on-time"},
			{trafford, "1-987654321", "Amberley Care Home", "staff-turnover"},
			{trafford, "", "Amberley Care Home", "hc-continuity"},
		}, "", CodeProviderAmbiguous, []string{"1-123456789", "1-987654321"}},
		{"the return's id wins over the register's", []returnLine{
			{trafford, "LOCAL-TRF-AH1", "Abbey House", "hc-visits-on-time"},
			{trafford, "", "Abbey House", "hc-continuity"},
		}, "LOCAL-TRF-AH1", CodeProviderMatchedInReturn, []string{"LOCAL-TRF-AH1", "1-1000000001", "give 1-1000000001"}},
		{"Ltd and Limited are one name", []returnLine{
			{trafford, "1-123456789", "Amberley Care Limited", "hc-visits-on-time"},
			{trafford, "", "Amberley Care Ltd", "hc-continuity"},
		}, "1-123456789", CodeProviderMatchedInReturn, []string{"1-123456789"}},
		{"another council's line is not used", []returnLine{
			{wigan, "1-123456789", "Amberley Care Home", "hc-visits-on-time"},
			{trafford, "", "Amberley Care Home", "hc-continuity"},
		}, "", CodeProviderMissing, nil},
		{"a name the return never gives an id goes to the register", []returnLine{
			{trafford, "1-123456789", "Amberley Care Home", "hc-visits-on-time"},
			{trafford, "", "Brookside Care Ltd", "hc-continuity"},
		}, "1-1000000093", CodeProviderMatched, []string{"1-1000000093"}},
	}
	for _, tt := range tests {
		for _, later := range []bool{false, true} {
			name := tt.name + ", id first"
			rows := slices.Clone(tt.rows)
			if later {
				// The name alone first, the ids after it.
				name = tt.name + ", id later"
				rows = append([]returnLine{rows[len(rows)-1]}, rows[:len(rows)-1]...)
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				p := testPipeline(t)
				writeHandRegister(t, p, handRegister)
				nameLine := 2 + slices.IndexFunc(rows, func(r returnLine) bool { return r.id == "" })
				stored, probs := checkHeld(t, p, handReturn(rows), true)
				var got []Problem
				for _, pr := range probs {
					if strings.HasPrefix(pr.Code, "provider") {
						got = append(got, pr)
					}
				}
				if len(got) != 1 {
					t.Fatalf("got %d provider problems, want 1 on line %d: %v", len(got), nameLine, probs)
				}
				pr := got[0]
				if pr.Code != tt.code || pr.Line != nameLine {
					t.Errorf("got %s on line %d, want %s on line %d", pr.Code, pr.Line, tt.code, nameLine)
				}
				for _, s := range tt.give {
					if !strings.Contains(pr.Message+" "+pr.Hint, s) {
						t.Errorf("problem does not give %q: %s", s, pr)
					}
				}
				// The lines whose ids were used are named.
				if tt.code == CodeProviderMatchedInReturn || tt.code == CodeProviderAmbiguous {
					for i, r := range rows {
						if r.id != "" && r.council == rows[nameLine-2].council && !strings.Contains(pr.Message, fmt.Sprintf("line %d", i+2)) {
							t.Errorf("message does not name line %d: %s", i+2, pr.Message)
						}
					}
				}
				metric := rows[nameLine-2].metric
				if tt.link == "" {
					if pr.Severity != SevError {
						t.Errorf("severity %s, want error", pr.Severity)
					}
					if id, ok := stored[metric]; ok {
						t.Errorf("the refused row was passed on, under %q", id)
					}
					return
				}
				if pr.Severity != SevWarning {
					t.Errorf("severity %s, want warning", pr.Severity)
				}
				if stored[metric] != tt.link {
					t.Errorf("the name-only row is stored under %q, want %s (stored: %v)", stored[metric], tt.link, stored)
				}
				if len(stored) != len(rows) {
					t.Errorf("%d rows passed on, want %d: %v", len(stored), len(rows), stored)
				}
			})
		}
	}
}

// TestNameLinkedOncePerName checks that several rows of one name without
// an id, before and after the line giving its id, are all stored under
// it, with one warning, on the first of them.
func TestNameLinkedOncePerName(t *testing.T) {
	t.Parallel()
	p := testPipeline(t)
	rows := []returnLine{
		{"E08000009", "", "Amberley Care Home", "hc-continuity"},                // line 2
		{"E08000009", "1-123456789", "Amberley Care Home", "hc-visits-on-time"}, // line 3
		{"E08000009", "", "amberley care home", "staff-turnover"},               // line 4
		{"E08000009", "", "Amberley  Care Home", "vacancy-rate"},                // line 5
	}
	stored, probs := checkHeld(t, p, handReturn(rows), true)
	if len(probs) != 1 || probs[0].Code != CodeProviderMatchedInReturn || probs[0].Line != 2 || !strings.Contains(probs[0].Message, "line 3") {
		t.Fatalf("want one provider_matched_in_return on line 2 naming line 3, got %v", probs)
	}
	for _, r := range rows {
		if stored[r.metric] != "1-123456789" {
			t.Errorf("%s stored under %q, want 1-123456789", r.metric, stored[r.metric])
		}
	}
}

// TestNameHeldDuplicate checks that a held row is still checked for
// duplicates once its id is known: a row naming the provider alone and a
// row giving its id, for the same metric, are the same figure twice.
func TestNameHeldDuplicate(t *testing.T) {
	t.Parallel()
	p := testPipeline(t)
	rows := []returnLine{
		{"E08000009", "", "Amberley Care Home", "hc-continuity"},
		{"E08000009", "1-123456789", "Amberley Care Home", "hc-continuity"},
	}
	_, probs := checkHeld(t, p, handReturn(rows), true)
	// The held row, line 2, is checked after line 3: the message names
	// line 3 as the other row, not as the first.
	if !slices.ContainsFunc(probs, func(pr Problem) bool {
		return pr.Code == CodeDuplicateRow && pr.Severity == SevError && pr.Line == 2 &&
			strings.Contains(pr.Message, "the same figure as line 3") && !strings.Contains(pr.Hint, "first")
	}) {
		t.Errorf("want a duplicate_row error on line 2 naming line 3 as the same figure, got %v", probs)
	}
}

// TestNameDecidedEarly checks the rows decided as they come (a checker
// that holds none, as past maxHeldRows): a name linked by the register
// before a later line gives it another id makes that line an error naming
// the earlier one, never two providers under one name; a later line giving
// the same id is fine; and a line before the name is used as when rows are
// held.
func TestNameDecidedEarly(t *testing.T) {
	t.Parallel()
	const trafford = "E08000009"
	tests := []struct {
		name    string
		rows    []returnLine
		errLine int    // the line of the error, 0 for none
		code    string // its code
		stored  map[string]string
	}{
		{"a later line gives another id", []returnLine{
			{trafford, "", "Abbey House", "hc-continuity"},
			{trafford, "LOCAL-TRF-AH1", "Abbey House", "hc-visits-on-time"},
		}, 3, CodeProviderAmbiguous, nil},
		{"a later line gives the same id", []returnLine{
			{trafford, "", "Abbey House", "hc-continuity"},
			{trafford, "1-1000000001", "Abbey House", "hc-visits-on-time"},
		}, 0, "", map[string]string{"hc-continuity": "1-1000000001", "hc-visits-on-time": "1-1000000001"}},
		{"an earlier line gives the id", []returnLine{
			{trafford, "LOCAL-TRF-AH1", "Abbey House", "hc-visits-on-time"},
			{trafford, "", "Abbey House", "hc-continuity"},
		}, 0, "", map[string]string{"hc-continuity": "LOCAL-TRF-AH1", "hc-visits-on-time": "LOCAL-TRF-AH1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := testPipeline(t)
			writeHandRegister(t, p, handRegister)
			stored, probs := checkHeld(t, p, handReturn(tt.rows), false)
			var errs []Problem
			for _, pr := range probs {
				if pr.Severity == SevError {
					errs = append(errs, pr)
				}
			}
			if tt.errLine == 0 {
				if len(errs) > 0 {
					t.Fatalf("errors %v", errs)
				}
				if !maps.Equal(stored, tt.stored) {
					t.Errorf("stored %v, want %v", stored, tt.stored)
				}
				return
			}
			if len(errs) != 1 || errs[0].Code != tt.code || errs[0].Line != tt.errLine || !strings.Contains(errs[0].Message, "line 2") ||
				!strings.Contains(errs[0].Message, "1-1000000001") {
				t.Errorf("want one %s on line %d naming line 2 and 1-1000000001, got %v", tt.code, tt.errLine, errs)
			}
		})
	}
}

// TestNameLinkedInReturnIngest ingests a return whose rows of a provider
// given by name alone follow a line giving that name its id: the return
// is accepted and every row stored in the warehouse under that id, with
// one warning naming the line.
func TestNameLinkedInReturnIngest(t *testing.T) {
	t.Parallel()
	p := testPipeline(t)
	rep := ingestBytes(t, p, handReturn([]returnLine{
		{"E08000009", "1-123456789", "Amberley Care Home", "hc-visits-on-time"}, // line 2
		{"E08000009", "", "Amberley Care Home", "hc-continuity"},                // line 3
		{"E08000009", "", "The Amberley Care Home", "staff-turnover"},           // line 4
	}), Options{})
	if !rep.Accepted() || len(rep.Problems) != 1 || rep.Problems[0].Code != CodeProviderMatchedInReturn ||
		rep.Problems[0].Line != 3 || !strings.Contains(rep.Problems[0].Message, "line 2") {
		t.Fatalf("want accepted with one provider_matched_in_return on line 3 naming line 2, got %v", rep.Problems)
	}
	if got, want := storedIDs(t, p), map[int]string{2: "1-123456789", 3: "1-123456789", 4: "1-123456789"}; !maps.Equal(got, want) {
		t.Errorf("stored %v, want %v", got, want)
	}
}

// TestNameLinkedLaterInReturnIngest checks, through a real ingest and
// Parquet, that name-only rows before the line giving the name its id
// wait for the end of the file and are stored under that id.
func TestNameLinkedLaterInReturnIngest(t *testing.T) {
	t.Parallel()
	p := testPipeline(t)
	rep := ingestBytes(t, p, handReturn([]returnLine{
		{"E08000009", "", "Amberley Care Home", "hc-continuity"},                // line 2
		{"E08000009", "", "The Amberley Care Home", "staff-turnover"},           // line 3
		{"E08000009", "1-123456789", "Amberley Care Home", "hc-visits-on-time"}, // line 4
	}), Options{})
	if !rep.Accepted() || len(rep.Problems) != 1 || rep.Problems[0].Code != CodeProviderMatchedInReturn ||
		rep.Problems[0].Line != 2 || !strings.Contains(rep.Problems[0].Message, "line 4") {
		t.Fatalf("want accepted with one provider_matched_in_return on line 2 naming line 4, got %v", rep.Problems)
	}
	if got, want := storedIDs(t, p), map[int]string{2: "1-123456789", 3: "1-123456789", 4: "1-123456789"}; !maps.Equal(got, want) {
		t.Errorf("stored %v, want %v", got, want)
	}
}

// TestNameMemoryFull checks a return naming more providers than the
// checker remembers (limits.names lowered to 2): a row with a name alone,
// whose name a line gives an id the checker could not keep, is refused
// with provider_id_missing saying why, never linked through the register
// to another id (handRegister has Abbey House in Trafford as
// 1-1000000001, the return says LOCAL-TRF-AH1); and names decided early
// past the limit are refused too. With room for the names the same rows
// link, so the limit, not the rows, makes the refusal.
func TestNameMemoryFull(t *testing.T) {
	t.Parallel()
	const trafford = "E08000009"
	ids := []returnLine{
		{trafford, "1-111111111", "One Home", "hc-visits-on-time"},
		{trafford, "1-222222222", "Two Home", "staff-turnover"},
		{trafford, "LOCAL-TRF-AH1", "Abbey House", "vacancy-rate"},
	}
	nameOnly := returnLine{trafford, "", "Abbey House", "hc-continuity"}
	// Names decided as they come, with no line giving them ids; each
	// links through the register when there is room: Brookside Care Ltd
	// to its provider 1-1000000093, The Willows and Abbey Care Office to
	// the locations of those names, 1-1000000005 and 1-1000000006.
	early := []returnLine{
		{trafford, "", "Brookside Care Ltd", "hc-visits-on-time"},
		{trafford, "", "The Willows", "staff-turnover"},
		{trafford, "", "Abbey Care Office", "hc-continuity"},
	}
	tests := []struct {
		name    string
		rows    []returnLine
		hold    bool
		names   int
		refused string // the metric of the refused row, "" for none
		stored  map[string]string
	}{
		{"name after the ids, full", append(slices.Clone(ids), nameOnly), true, 2, "hc-continuity", nil},
		{"name before the ids, full", append([]returnLine{nameOnly}, ids...), true, 2, "hc-continuity", nil},
		{"name after the ids, room", append(slices.Clone(ids), nameOnly), true, 3, "",
			map[string]string{"hc-visits-on-time": "1-111111111", "staff-turnover": "1-222222222", "vacancy-rate": "LOCAL-TRF-AH1", "hc-continuity": "LOCAL-TRF-AH1"}},
		{"decided early, full", early, false, 2, "hc-continuity", nil},
		{"decided early, room", early, false, 3, "",
			map[string]string{"hc-visits-on-time": "1-1000000093", "staff-turnover": "1-1000000005", "hc-continuity": "1-1000000006"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := testPipeline(t)
			writeHandRegister(t, p, handRegister)
			limits := defaultHeldLimits
			limits.names = tt.names
			stored, probs := checkHeldWithin(t, p, handReturn(tt.rows), tt.hold, limits)
			var errs []Problem
			for _, pr := range probs {
				if pr.Severity == SevError {
					errs = append(errs, pr)
				}
			}
			if tt.refused == "" {
				if len(errs) > 0 || !maps.Equal(stored, tt.stored) {
					t.Errorf("stored %v, want %v; errors %v", stored, tt.stored, errs)
				}
				return
			}
			line := 2 + slices.IndexFunc(tt.rows, func(r returnLine) bool { return r.metric == tt.refused })
			if len(errs) != 1 || errs[0].Code != CodeProviderMissing || errs[0].Line != line ||
				!strings.Contains(errs[0].Message, "more than 2 providers") || !strings.Contains(errs[0].Hint, "every row") {
				t.Fatalf("want one provider_id_missing on line %d saying the return names too many providers, got %v", line, errs)
			}
			if id, ok := stored[tt.refused]; ok {
				t.Errorf("the refused row was passed on, under %q", id)
			}
		})
	}
}

// TestNameHeldBytes checks the bytes limit on held rows (lowered so that
// two rows of a 1,000-byte note fit, each about 400 + 1,080 bytes as
// heldSize counts them, and a third does not): the first two rows wait
// for the line giving their name its id, the third is decided as it
// comes, and its error says to give the id the return gives elsewhere.
func TestNameHeldBytes(t *testing.T) {
	t.Parallel()
	p := testPipeline(t)
	note := strings.Repeat("n", 1000)
	var b bytes.Buffer
	b.WriteString("council_code,provider_id,provider_name,provider_sector,service,metric,period,numerator,denominator,value,note\n")
	for _, m := range []string{"hc-continuity", "staff-turnover", "vacancy-rate"} {
		fmt.Fprintf(&b, "E08000009,,Amberley Care Home,private,homecare,%s,2024-25-Q1,40,50,,%s\n", m, note)
	}
	b.WriteString("E08000009,1-123456789,Amberley Care Home,private,homecare,hc-visits-on-time,2024-25-Q1,40,50,,\n")
	stored, probs := checkHeldWithin(t, p, b.Bytes(), true, heldLimits{rows: 100, bytes: 3500, names: 100})
	want := map[string]string{"hc-continuity": "1-123456789", "staff-turnover": "1-123456789", "hc-visits-on-time": "1-123456789"}
	if !maps.Equal(stored, want) {
		t.Errorf("stored %v, want %v", stored, want)
	}
	i := slices.IndexFunc(probs, func(pr Problem) bool { return pr.Severity == SevError })
	if i < 0 || probs[i].Line != 4 || probs[i].Code != CodeProviderMissing ||
		!strings.Contains(probs[i].Hint, "if another line of this return gives this provider's id, give it on this line too") {
		t.Errorf("want provider_id_missing on line 4 with a hint to give the id the return gives elsewhere, got %v", probs)
	}
}

// TestNameHeldRowWithOtherError checks that a row with a name alone and
// another error (a numerator above its denominator) gets both problems in
// one round, whether held or decided as it comes; that a held one is
// linked by a later line like any held row, and is never passed on.
func TestNameHeldRowWithOtherError(t *testing.T) {
	t.Parallel()
	const bad = "E08000009,,Zebra Care,private,homecare,hc-continuity,2024-25-Q1,60,50,,\n"
	const header = "council_code,provider_id,provider_name,provider_sector,service,metric,period,numerator,denominator,value,note\n"
	tests := []struct {
		name     string
		data     string
		hold     bool
		provCode string // the provider problem of line 2
	}{
		{"held, no id", header + bad, true, CodeProviderMissing},
		{"decided as it comes, no id", header + bad, false, CodeProviderMissing},
		{"held, id on a later line", header + bad +
			"E08000009,1-123456789,Zebra Care,private,homecare,hc-visits-on-time,2024-25-Q1,40,50,,\n", true, CodeProviderMatchedInReturn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := testPipeline(t)
			writeHandRegister(t, p, handRegister)
			stored, probs := checkHeld(t, p, []byte(tt.data), tt.hold)
			var codes []string
			for _, pr := range probs {
				if pr.Line == 2 {
					codes = append(codes, pr.Code)
				}
			}
			slices.Sort(codes)
			want := []string{CodeNumOverDen, tt.provCode}
			slices.Sort(want)
			if !slices.Equal(codes, want) {
				t.Errorf("line 2 has %v, want %v: %v", codes, want, probs)
			}
			if id, ok := stored["hc-continuity"]; ok {
				t.Errorf("the failed row was passed on, under %q", id)
			}
		})
	}
}

// TestNameHeldMemory checks that held rows keep only their own fields, not
// their CSV records: 512 held rows with a 64 KiB column the return does
// not use would keep 32 MiB alive if they kept their records; the heap
// must grow by less than 8 MiB while they are held. Not parallel, so no
// other test's memory is counted.
func TestNameHeldMemory(t *testing.T) {
	p := testPipeline(t)
	const rows = 512
	// Even rows fail (numerator above denominator): failed rows are held
	// too. The rows are the same figure, which only finish would find; one
	// period keeps the checker's cache of periods out of the measure.
	chk, grew := checkStreamed(t, p, rows, func(i int, pad string) []byte {
		num := 40
		if i%2 == 0 {
			num = 60
		}
		return fmt.Appendf(nil, "E08000009,,Amberley Care Home,private,homecare,hc-continuity,2024-25-Q1,%d,50,,,%s\n", num, pad)
	})
	if len(chk.held) != rows {
		t.Fatalf("%d rows held, want %d", len(chk.held), rows)
	}
	t.Logf("the heap grew by %.1f MiB holding %d rows", float64(grew)/(1<<20), rows)
	if grew > 8<<20 {
		t.Errorf("the heap grew by %d MiB holding %d rows, want under 8 MiB (the ignored columns are %d MiB)", grew>>20, rows, rows*streamedPad>>20)
	}
}

// TestNameHeldBothNameOnlyDuplicate checks that two rows of one figure,
// each giving the provider's name alone (in two spellings of one key),
// are a duplicate once both are linked: the second is refused, naming
// the first.
func TestNameHeldBothNameOnlyDuplicate(t *testing.T) {
	t.Parallel()
	p := testPipeline(t)
	rep := ingestBytes(t, p, handReturn([]returnLine{
		{"E08000009", "", "Amberley Care Home", "hc-continuity"},                // line 2
		{"E08000009", "", "The Amberley Care Home", "hc-continuity"},            // line 3
		{"E08000009", "1-123456789", "Amberley Care Home", "hc-visits-on-time"}, // line 4
	}), Options{})
	if rep.Accepted() || !slices.ContainsFunc(rep.Problems, func(pr Problem) bool {
		return pr.Code == CodeDuplicateRow && pr.Line == 3 && strings.Contains(pr.Hint, "line 2")
	}) {
		t.Errorf("want rejected with duplicate_row on line 3 naming line 2, got %v", rep.Problems)
	}
}

// TestNameHeldAcrossPartitions ingests held rows of two periods beside
// another council's rows, the id given on the last line: each row is
// stored, in its own partition, under the id worked out by hand.
func TestNameHeldAcrossPartitions(t *testing.T) {
	t.Parallel()
	p := testPipeline(t)
	var b bytes.Buffer
	b.WriteString("council_code,provider_id,provider_name,provider_sector,service,metric,period,numerator,denominator,value,note\n")
	for _, r := range [][4]string{
		{"E08000009", "", "Amberley Care Home", "hc-continuity,2024-25-Q1"},                // line 2
		{"E08000009", "1-111111111", "Other Home", "hc-continuity,2024-25-Q1"},             // line 3
		{"E08000010", "1-222222222", "Wigan Home", "hc-continuity,2024-25-Q1"},             // line 4
		{"E08000009", "", "Amberley Care Home", "hc-continuity,2024-25-Q2"},                // line 5
		{"E08000010", "1-222222222", "Wigan Home", "hc-continuity,2024-25-Q2"},             // line 6
		{"E08000009", "1-123456789", "Amberley Care Home", "hc-visits-on-time,2024-25-Q2"}, // line 7
	} {
		fmt.Fprintf(&b, "%s,%s,%s,private,homecare,%s,40,50,,\n", r[0], r[1], r[2], r[3])
	}
	rep := ingestBytes(t, p, b.Bytes(), Options{})
	if !rep.Accepted() {
		t.Fatalf("rejected: %v", rep.Problems)
	}
	want := map[int]string{2: "1-123456789", 3: "1-111111111", 4: "1-222222222", 5: "1-123456789", 6: "1-222222222", 7: "1-123456789"}
	if got := storedIDs(t, p); !maps.Equal(got, want) {
		t.Errorf("stored %v, want %v", got, want)
	}
}
