package registers

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/yardstick-open/yardstick/data"
	"github.com/yardstick-open/yardstick/schemas"
)

var councils = sync.OnceValue(func() *schemas.Councils {
	cs, err := schemas.LoadCouncils(data.Reference())
	if err != nil {
		panic(err)
	}
	return cs
})

func readExample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// csvRows reads an example with encoding/csv alone, as the tests count
// what the files hold without the package's own reader.
func csvRows(t *testing.T, b []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func mustParse(t *testing.T, b []byte, m *Mapping) *Parsed {
	t.Helper()
	p := Parse(b, m, councils())
	if p.Errors > 0 {
		t.Fatalf("Parse: %d errors, first %s", p.Errors, p.Problems[0])
	}
	return p
}

// TestParseOfstedExample reads Ofsted's provider list as at 31 March 2023
// (title rows, a BOM, REDACTED names, trailing empty columns and rows) and
// checks it against counts made from the file with encoding/csv.
func TestParseOfstedExample(t *testing.T) {
	t.Parallel()
	b := readExample(t, "ofsted_csc_providers_at_31mar2023.csv")
	rows := csvRows(t, b)
	// The header is the row whose second cell is URN; Sector is column
	// 17 and the name column 7 in this year's layout.
	h := -1
	for i, r := range rows {
		if len(r) > 1 && r[1] == "URN" {
			h = i
			break
		}
	}
	if h != 3 {
		t.Fatalf("the example's header is on row %d, not 4 as the file was", h+1)
	}
	wantSector := map[string]string{"Private": "private", "Local Authority": "public", "Voluntary": "voluntary", "Academy": "public", "Health Authority": "public", "": ""}
	var n, redactedNames int
	sectors := map[string]int{}
	urns := map[string]bool{}
	for _, r := range rows[h+1:] {
		if r[1] == "" {
			continue
		}
		n++
		urns[r[1]] = true
		sectors[wantSector[r[16]]]++
		if r[6] == "REDACTED" {
			redactedNames++
		}
	}

	p := mustParse(t, b, nil)
	if p.Layout.Regulator != Ofsted || p.Layout.AsAt.String() != "2023-03-31" || len(p.Layout.HeaderLines) != 1 || p.Layout.HeaderLines[0] != 4 {
		t.Errorf("layout = %s, as at %s, header lines %v; want ofsted, 2023-03-31, [4]", p.Layout.Regulator, p.Layout.AsAt, p.Layout.HeaderLines)
	}
	if len(p.Records) != n || p.Rows != n {
		t.Errorf("%d records from %d rows; the file has %d providers", len(p.Records), p.Rows, n)
	}
	gotSectors := map[string]int{}
	var gotRedacted int
	for _, r := range p.Records {
		gotSectors[r.Sector]++
		if !urns[r.URN] {
			t.Errorf("line %d: URN %q is not one of the file's", r.Line, r.URN)
		}
		if r.Redacted {
			gotRedacted++
			if r.Name != "" {
				t.Errorf("line %d: a redacted name reads %q", r.Line, r.Name)
			}
		}
		if r.CouncilCode == "" {
			t.Errorf("line %d: local authority %q not resolved", r.Line, r.CouncilGiven)
		}
	}
	for s, k := range sectors {
		if gotSectors[s] != k {
			t.Errorf("sector %q: %d records, the file has %d", s, gotSectors[s], k)
		}
	}
	if gotRedacted != redactedNames {
		t.Errorf("%d redacted names, the file has %d", gotRedacted, redactedNames)
	}
	// Rows checked by hand against the file (lines 5 and 6).
	want := []Record{
		{Line: 5, URN: "SC009423", Name: "Al Jamiah Al Islamiyyah", Sector: "voluntary", CouncilCode: "E08000001", Rating: "Inadequate", RatingDate: day(2019, 6, 26)},
		{Line: 6, URN: "2611190", Redacted: true, ProviderName: "Cambian Autism Services Limited", Sector: "private", CouncilCode: "E06000062", Rating: "Requires improvement", RatingGiven: "Requires improvement to be good", RatingDate: day(2022, 11, 2)},
	}
	for i, w := range want {
		g := p.Records[i]
		if g.Line != w.Line || g.URN != w.URN || g.Name != w.Name || g.Redacted != w.Redacted || g.Sector != w.Sector ||
			g.CouncilCode != w.CouncilCode || g.Rating != w.Rating || !g.RatingDate.Equal(w.RatingDate.Time) ||
			(w.ProviderName != "" && g.ProviderName != w.ProviderName) || (w.RatingGiven != "" && g.RatingGiven != w.RatingGiven) {
			t.Errorf("record %d = %+v\nwant %+v", i, g, w)
		}
	}
}

// utf16LE writes s as UTF-16, little-endian, after a byte-order mark.
func utf16LE(s string) string {
	b := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return string(b)
}

func day(y int, m time.Month, d int) schemas.Date {
	return schemas.Date{Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// TestParseCQCExamples reads two CQC-derived files: inspections pulled
// from CQC's API (a blank first header, ownership words, location ids,
// NHS sites known by their NHS organisation codes, TAH61 and RX2G9, as
// CQC gives them) and Trafford's copy of
// the care directory (a malformed area code, NA for blanks).
func TestParseCQCExamples(t *testing.T) {
	t.Parallel()
	t.Run("inspections", func(t *testing.T) {
		t.Parallel()
		b := readExample(t, "cqc_inspections_community_asc_sample.csv")
		rows := csvRows(t, b)
		// CQC's ids, and the NHS codes it gives NHS sites (letters and
		// digits, three to six, as in NHS Digital's ODS codes).
		reID := regexp.MustCompile(`^(1-[0-9]+|[A-Z0-9]*[A-Z][A-Z0-9]*)$`)
		wantSector := map[string]string{"For-profit": "private", "Third sector": "voluntary", "Local Authority": "public"}
		var ok, bad, nhs int
		sectors := map[string]int{}
		ratings := map[string]int{}
		locations := map[string]bool{}
		for _, r := range rows[1:] {
			if !reID.MatchString(r[4]) {
				bad++
				continue
			}
			ok++
			if !strings.HasPrefix(r[4], "1-") {
				nhs++
			}
			locations[r[4]] = true
			sectors[wantSector[r[3]]]++
			ratings[r[2]]++
		}
		if nhs != 2 {
			t.Fatalf("%d rows with NHS codes; the example has 2 (TAH61, RX2G9)", nhs)
		}
		p := mustParse(t, b, nil)
		if len(p.Records) != ok {
			t.Errorf("%d records; the file has %d rows with a CQC id or NHS code", len(p.Records), ok)
		}
		noID := 0
		for _, pr := range p.Problems {
			if pr.Code == CodeNoID {
				noID++
			}
		}
		if noID != bad {
			t.Errorf("%d no_identifier warnings; the file has %d rows without a CQC id", noID, bad)
		}
		gotSectors, gotRatings := map[string]int{}, map[string]int{}
		for _, r := range p.Records {
			gotSectors[r.Sector]++
			gotRatings[r.Rating]++
		}
		for s, k := range sectors {
			if gotSectors[s] != k {
				t.Errorf("sector %q: %d records, the file has %d", s, gotSectors[s], k)
			}
		}
		for s, k := range ratings {
			if gotRatings[s] != k {
				t.Errorf("rating %q: %d records, the file has %d", s, gotRatings[s], k)
			}
		}
		provs := Build([]Source{{ID: "a", Records: p.Records}})
		if len(provs) != len(locations) {
			t.Errorf("%d providers; the file has %d distinct location ids", len(provs), len(locations))
		}
		var history int
		for _, pv := range provs {
			history += len(pv.Ratings)
		}
		// Each row is one inspection of one location on one day.
		if history != ok {
			t.Errorf("%d ratings kept; the file has %d inspections", history, ok)
		}
	})
	t.Run("trafford", func(t *testing.T) {
		t.Parallel()
		b := readExample(t, "trafford_care_homes_cqc.csv")
		rows := csvRows(t, b)
		p := mustParse(t, b, nil)
		if len(p.Records) != len(rows)-1 {
			t.Errorf("%d records; the file has %d rows", len(p.Records), len(rows)-1)
		}
		names := map[string]int{}
		for i, r := range p.Records {
			src := rows[i+1]
			if r.LocationID != src[1] || r.Name != src[0] || r.ProviderName != src[7] {
				t.Errorf("line %d: %s %q %q; the file has %s %q %q", r.Line, r.LocationID, r.Name, r.ProviderName, src[1], src[0], src[7])
			}
			// The file's area_code E0800009 is a digit short; the name
			// beside it, Trafford, is E08000009.
			if r.CouncilCode != "E08000009" {
				t.Errorf("line %d: council %q, want E08000009 (Trafford)", r.Line, r.CouncilCode)
			}
			names[r.Name]++
		}
		// A home re-registered under a new id is two providers in the
		// register: matching them is for the returns that name them.
		provs := Build([]Source{{ID: "a", Records: p.Records}})
		if len(provs) != len(rows)-1 {
			t.Errorf("%d providers from %d locations", len(provs), len(rows)-1)
		}
		if names["Halecroft Grange"] != 2 || names["Oakfield Croft"] != 2 {
			t.Errorf("Halecroft Grange is on %d rows and Oakfield Croft on %d, want 2 each (two CQC ids)", names["Halecroft Grange"], names["Oakfield Croft"])
		}
		if !slices.Contains(p.Layout.Missing, FieldSector) || !slices.Contains(p.Layout.Missing, FieldRating) {
			t.Errorf("missing fields %v should list sector and rating, which the file lacks", p.Layout.Missing)
		}
	})
}

// TestParseLayouts feeds the layouts registers come in, and ones they
// should not, each written by hand.
func TestParseLayouts(t *testing.T) {
	t.Parallel()
	type want struct {
		regulator   string
		headerLines []int
		records     int
		check       func(t *testing.T, p *Parsed)
	}
	tests := []struct {
		Name string
		In   string
		Want want
	}{{
		Name: "bom and title rows",
		In: "\ufeffChildren's social care data in England 2024 - as at 31 March 2024,,,\n" +
			"Some cells in this table are empty.,,,\n,,,\n" +
			"URN,Name,Sector,Local authority\nSC123456,Oak House,Private,Trafford\n",
		Want: want{Ofsted, []int{4}, 1, func(t *testing.T, p *Parsed) {
			if p.Layout.AsAt.String() != "2024-03-31" {
				t.Errorf("as at %s, want 2024-03-31 from the title", p.Layout.AsAt)
			}
		}},
	}, {
		Name: "bom before the identifier's header, CRLF",
		In:   "\ufeffURN,Name\r\nSC000001,Oak\r\n",
		Want: want{Ofsted, []int{1}, 1, nil},
	}, {
		Name: "two-row header",
		In: "URN,Setting name,Sector,Latest full inspection,\n" +
			",,,Inspection date,Overall effectiveness\n" +
			"SC123456,Oak House,Voluntary,03/04/2023,Requires improvement to be good\n",
		Want: want{Ofsted, []int{1, 2}, 1, func(t *testing.T, p *Parsed) {
			r := p.Records[0]
			// Day first: 03/04/2023 is 3 April.
			if r.Name != "Oak House" || r.Rating != RatingRequiresImprovement || r.RatingDate.String() != "2023-04-03" {
				t.Errorf("record %+v", r)
			}
		}},
	}, {
		Name: "line breaks in header cells, renamed columns, trailing empties",
		In: "\"Location\nID\",\"Location\r\nName\",\"Provider\nOwnership Type\",\"Location Latest\nOverall Rating\",Publication Date,,\n" +
			"1-000000001,The Elms,Third sector,Good,2024-01-31,,\n" +
			"1-000000002,Beech Court Plc home,For-profit,Outstanding,31/01/2024,,\n,,,,,,\n,,,,,,\n",
		Want: want{CQC, []int{1}, 2, func(t *testing.T, p *Parsed) {
			if p.Records[0].Sector != SectorVoluntary || p.Records[1].Sector != SectorPrivate {
				t.Errorf("sectors %q %q, want voluntary, private", p.Records[0].Sector, p.Records[1].Sector)
			}
		}},
	}, {
		Name: "care directory with preamble, provider ids and org ids",
		In: "Care directory with filters,,,,,,\nAs at 01/11/2024,,,,,,\n,,,,,,\n,,,,,,\n" +
			"Name,Also known as,Provider name,Local authority,CQC Location ID (for office use only),CQC Provider ID (for office use only),Provider Companies House Number\n" +
			"The Elms,Elms House,Acme Care PLC,Bolton,1-100000100,1-100000900,123456\n" +
			"Rose Lodge,,Acme Care PLC,Wigan,1-100000101,1-100000900,123456\n",
		Want: want{CQC, []int{5}, 2, func(t *testing.T, p *Parsed) {
			r := p.Records[0]
			if r.ProviderID != "1-100000900" || r.Company != "GB-COH-00123456" || r.CouncilCode != "E08000001" || p.Layout.AsAt.String() != "2024-11-01" {
				t.Errorf("record %+v, as at %s", r, p.Layout.AsAt)
			}
			provs := Build([]Source{{ID: "a", Records: p.Records}})
			if len(provs) != 1 || provs[0].ProviderID != "1-100000900" || provs[0].Name != "Acme Care PLC" || len(provs[0].Locations) != 2 ||
				strings.Join(provs[0].Councils, ",") != "E08000001,E08000010" {
				t.Errorf("providers %+v; want 1-100000900 Acme Care PLC with two locations in Bolton and Wigan", provs)
			}
		}},
	}, {
		Name: "windows-1252 and semicolons",
		In:   "URN;Name;Sector\nSC000001;Caf\xe9 House;Voluntary\n",
		Want: want{Ofsted, []int{1}, 1, func(t *testing.T, p *Parsed) {
			if p.Records[0].Name != "Café House" {
				t.Errorf("name %q, want Café House", p.Records[0].Name)
			}
		}},
	}, {
		// A UTF-8 file with one stray Windows-1252 byte keeps its UTF-8.
		Name: "utf-8 with a stray windows-1252 byte",
		In:   "URN,Name,Owner name\nSC000001,Caf\xc3\xa9 House,Owner \x96 Ltd\n",
		Want: want{Ofsted, []int{1}, 1, func(t *testing.T, p *Parsed) {
			if r := p.Records[0]; r.Name != "Café House" || r.ProviderName != "Owner – Ltd" {
				t.Errorf("name %q, provider %q; want Café House, Owner – Ltd", r.Name, r.ProviderName)
			}
		}},
	}, {
		// Excel's "Unicode text": UTF-16, little-endian, with a BOM and
		// tabs.
		Name: "utf-16",
		In:   utf16LE("URN\tName\r\nSC000001\tCafé House\r\n"),
		Want: want{Ofsted, []int{1}, 1, func(t *testing.T, p *Parsed) {
			if p.Records[0].Name != "Café House" || p.Layout.Columns[FieldURN] != "URN" {
				t.Errorf("name %q, columns %v", p.Records[0].Name, p.Layout.Columns)
			}
		}},
	}, {
		Name: "plc from the name, unknown sector word",
		In:   "Location ID,Provider Name,Ownership type\n1-100000001,Big Care plc,For-profit\n1-100000002,Small Care,Mutual\n",
		Want: want{CQC, []int{1}, 2, func(t *testing.T, p *Parsed) {
			if p.Records[0].Sector != SectorPLC || p.Records[1].Sector != "" {
				t.Errorf("sectors %q %q, want plc and none", p.Records[0].Sector, p.Records[1].Sector)
			}
			if len(p.Problems) != 1 || p.Problems[0].Code != CodeSector || p.Problems[0].Line != 3 || p.Problems[0].Column != 3 ||
				!strings.Contains(p.Problems[0].Hint, `"Mutual": "private"`) {
				t.Errorf("problems %v, want one unknown_sector at line 3, column 3 with a recode hint", p.Problems)
			}
		}},
	}, {
		Name: "bad ids and dates",
		In:   "Location ID,Name,Overall rating,Publication Date\n1-12X,Typo,Good,2024-01-01\n1-100000005,Home,Good,31/02/2024\n1-100000006,Home 2,Brilliant,2024-01-01\n12345,Digits alone,Good,2024-01-01\n",
		Want: want{CQC, []int{1}, 2, func(t *testing.T, p *Parsed) {
			codes := []string{}
			for _, pr := range p.Problems {
				codes = append(codes, pr.Code)
			}
			if strings.Join(codes, ",") != "no_identifier,bad_date,unknown_rating,no_identifier" {
				t.Errorf("problem codes %v", codes)
			}
			if p.Records[0].Rating != "" || p.Records[1].Rating != "" {
				t.Errorf("ratings %q %q kept despite a bad date and an unknown word", p.Records[0].Rating, p.Records[1].Rating)
			}
		}},
	}, {
		// CQC's "Organisation" ownership says no sector: a charity
		// number makes it voluntary, a company number alone private (or
		// plc by its name), neither none.
		Name: "organisation sector from its numbers",
		In: "Location ID,Provider Name,Ownership type,Provider Charity Number,Provider Companies House Number\n" +
			"1-100000001,Hope Trust,Organisation,1012345,01234567\n1-100000002,Acme Care Ltd,Organisation,,01234568\n" +
			"1-100000003,Big Care plc,Organisation,,01234569\n1-100000004,Some Org,Organisation,,\n",
		Want: want{CQC, []int{1}, 4, func(t *testing.T, p *Parsed) {
			var got []string
			for _, r := range p.Records {
				got = append(got, r.Sector+"="+r.SectorGiven)
			}
			want := "voluntary=Organisation (charity GB-CHC-1012345),private=Organisation (company GB-COH-01234568),plc=Organisation (company GB-COH-01234569),=Organisation"
			if strings.Join(got, ",") != want || len(p.Problems) != 0 {
				t.Errorf("sectors %v, problems %v; want %s", got, p.Problems, want)
			}
		}},
	}, {
		// CQC gives an NHS trust its NHS code as provider id and an NHS
		// site its site code as location id.
		Name: "NHS codes as CQC ids",
		In:   "Location ID,Provider ID,Location Name,Ownership type\nRX2G9,RX2,Trust site,NHS\ntah61,TAH,Another site,NHS\n",
		Want: want{CQC, []int{1}, 2, func(t *testing.T, p *Parsed) {
			if r := p.Records[1]; r.LocationID != "TAH61" || r.ProviderID != "TAH" || r.Sector != SectorPublic || len(p.Problems) != 0 {
				t.Errorf("record %+v, problems %v", r, p.Problems)
			}
		}},
	}, {
		// A council's own list with both regulators' ids: each row is
		// read by the id it gives.
		Name: "both regulators' ids",
		In:   "Name,CQC Location ID,Ofsted URN\nThe Elms,1-100000001,\nOak House,,SC123456\nAsh Lodge,,2611190\n",
		Want: want{Mixed, []int{1}, 3, func(t *testing.T, p *Parsed) {
			got := []string{}
			for _, r := range p.Records {
				got = append(got, r.Regulator+":"+r.LocationID+r.URN+":"+r.Name)
			}
			if strings.Join(got, ",") != "cqc:1-100000001:The Elms,ofsted:SC123456:Oak House,ofsted:2611190:Ash Lodge" || len(p.Problems) != 0 {
				t.Errorf("records %v, problems %v", got, p.Problems)
			}
		}},
	}}
	for _, tc := range tests {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			p := mustParse(t, []byte(tc.In), nil)
			if p.Layout.Regulator != tc.Want.regulator || !slices.Equal(p.Layout.HeaderLines, tc.Want.headerLines) {
				t.Errorf("regulator %s, header lines %v; want %s, %v", p.Layout.Regulator, p.Layout.HeaderLines, tc.Want.regulator, tc.Want.headerLines)
			}
			if len(p.Records) != tc.Want.records {
				t.Fatalf("%d records, want %d; problems %v", len(p.Records), tc.Want.records, p.Problems)
			}
			if tc.Want.check != nil {
				tc.Want.check(t, p)
			}
		})
	}
}

// TestVocabularies maps the words each register uses, as published, to
// sectors and ratings.
func TestVocabularies(t *testing.T) {
	t.Parallel()
	sectors := []struct{ word, name, want string }{
		{"For-profit", "Acme Care Ltd", SectorPrivate},
		{"For-profit", "Big Care PLC", SectorPLC},
		{"Private", "Care Homes p.l.c.", SectorPLC},
		{"Third sector", "", SectorVoluntary},
		{"Voluntary", "", SectorVoluntary},
		{"Local Authority", "", SectorPublic},
		{"LOCAL AUTHORITY", "", SectorPublic},
		{"Health Authority", "", SectorPublic},
		{"Academy", "", SectorPublic},
		{"NHS Healthcare Organisation", "", SectorPublic},
		{"Social Care Org", "", ""},
	}
	for _, s := range sectors {
		got, ok := sectorOf(s.word, s.name, nil)
		if !ok || got != s.want {
			t.Errorf("sectorOf(%q, %q) = %q, %v; want %q", s.word, s.name, got, ok, s.want)
		}
	}
	if _, ok := sectorOf("Mutual", "", nil); ok {
		t.Error(`"Mutual" is known as a sector word`)
	}
	if got, ok := sectorOf("Mutual", "", map[string]string{"Mutual": "Third sector"}); !ok || got != SectorVoluntary {
		t.Errorf("recoded Mutual = %q, %v; want voluntary", got, ok)
	}
	ratings := []struct{ word, want string }{
		{"Outstanding", RatingOutstanding},
		{"Good", RatingGood},
		{"Requires improvement", RatingRequiresImprovement},
		{"Requires improvement to be good", RatingRequiresImprovement},
		{"Inadequate", RatingInadequate},
		{"Adequate", RatingAdequate},
		{"Insufficient evidence to rate", ""},
	}
	for _, r := range ratings {
		if got, ok := ratingOf(r.word, nil); !ok || got != r.want {
			t.Errorf("ratingOf(%q) = %q, %v; want %q", r.word, got, ok, r.want)
		}
	}
	dates := []struct{ in, want string }{
		{"31/03/2023", "2023-03-31"}, {"3/4/2023", "2023-04-03"}, {"2023-03-31", "2023-03-31"}, {"31 March 2023", "2023-03-31"},
	}
	for _, d := range dates {
		got, err := parseDate(d.in)
		if err != nil || got.Format(time.DateOnly) != d.want {
			t.Errorf("parseDate(%q) = %v, %v; want %s", d.in, got, err, d.want)
		}
	}
	if _, err := parseDate("03/31/2023"); err == nil {
		t.Error("03/31/2023, a US date, was read")
	}
}

// TestParseLimits feeds files past each limit on what is read, and files
// just within them.
func TestParseLimits(t *testing.T) {
	t.Parallel()
	head := "URN,Name\n"
	wide := head + "SC000001,Oak" + strings.Repeat(",x", MaxColumns-1) + "\n"
	if p := Parse([]byte(wide), nil, nil); p.Errors != 1 || p.Problems[0].Code != CodeTooLarge || p.Problems[0].Line != 2 ||
		!strings.Contains(p.Problems[0].Message, "more than 1000 columns") {
		t.Errorf("a row of %d columns: %v", MaxColumns+1, p.Problems)
	}
	// Empty cells a spreadsheet leaves at the end of a row do not count.
	trailing := head + "SC000001,Oak" + strings.Repeat(",", 5*MaxColumns) + "\n"
	if p := Parse([]byte(trailing), nil, nil); p.Errors != 0 || len(p.Records) != 1 {
		t.Errorf("a row with %d empty cells at its end: %v", 5*MaxColumns, p.Problems)
	}
	long := head + "SC000001,\"" + strings.Repeat("a", MaxLineBytes) + "\"\n"
	if p := Parse([]byte(long), nil, nil); p.Errors != 1 || p.Problems[0].Code != CodeTooLarge || p.Problems[0].Line != 2 {
		t.Errorf("a line of %d bytes: %v", len(long)-len(head), p.Problems)
	}
	// A cell with line breaks is on several lines, each within the limit.
	tall := head + "SC000001,\"" + strings.Repeat(strings.Repeat("a", 1000)+"\n", 300) + "\"\n"
	if p := Parse([]byte(tall), nil, nil); p.Errors != 0 || len(p.Records) != 1 {
		t.Errorf("a cell of 300 lines: %v", p.Problems)
	}
	var b strings.Builder
	b.WriteString(head)
	for i := range 11 {
		fmt.Fprintf(&b, "SC%06d,Home %d\n", i, i)
	}
	p := &Parsed{}
	parse(p, []byte(b.String()), nil, nil, 10, nil)
	if p.Errors != 1 || p.Problems[0].Code != CodeTooLarge || p.Problems[0].Line != 12 {
		t.Errorf("11 rows with a limit of 10: %v", p.Problems)
	}
	p = &Parsed{}
	parse(p, []byte(b.String()), nil, nil, 11, nil)
	if p.Errors != 0 || p.Kept != 11 {
		t.Errorf("11 rows with a limit of 11: %d records, %v", p.Kept, p.Problems)
	}
}

// TestParseBatches reads a file of more rows than gocsv decodes at once,
// with a blank row and a bad id at the edges of a batch, and checks every
// row is read once, on its own line.
func TestParseBatches(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("URN,Name\n")
	n := 2*batchRows + 10
	for i := range n {
		switch i {
		case batchRows - 1:
			b.WriteString(",\n")
		case batchRows:
			b.WriteString("bad,Home\n")
		default:
			fmt.Fprintf(&b, "SC%06d,Home %d\n", i, i)
		}
	}
	p := Parse([]byte(b.String()), nil, nil)
	if len(p.Records) != n-2 || p.Rows != n-1 || p.Warnings != 1 || p.Problems[0].Line != batchRows+2 {
		t.Fatalf("%d records from %d rows, problems %v; want %d from %d, one at line %d", len(p.Records), p.Rows, p.Problems, n-2, n-1, batchRows+2)
	}
	for _, r := range p.Records {
		if want := fmt.Sprintf("SC%06d", r.Line-2); r.URN != want || r.Name != fmt.Sprintf("Home %d", r.Line-2) {
			t.Fatalf("line %d: %s %q, want %s", r.Line, r.URN, r.Name, want)
		}
	}
}

// TestUnknownLayoutCapped checks the error for a file of very many
// columns, none known, names the first of them, not all.
func TestUnknownLayoutCapped(t *testing.T) {
	t.Parallel()
	var cols []string
	for i := range 900 {
		cols = append(cols, fmt.Sprintf("col%d", i))
	}
	p := Parse([]byte(strings.Join(cols, ",")+"\n"+strings.Repeat("x,", 899)+"x\n"), nil, nil)
	if p.Errors != 1 || p.Problems[0].Code != CodeUnknownLayout {
		t.Fatalf("problems %v", p.Problems)
	}
	msg := p.Problems[0].Message
	if !strings.Contains(msg, `"col39", and 860 more`) || strings.Contains(msg, `"col40"`) || len(msg) > 2000 {
		t.Errorf("message of %d bytes: %.300s", len(msg), msg)
	}
}
