package sample

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/yardstick-open/yardstick/data"
	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"
)

var fixtures = sync.OnceValues(func() (fx struct {
	cat      *schemas.Catalogue
	councils *schemas.Councils
}, err error) {
	if fx.cat, err = config.Builtin(); err != nil {
		return fx, err
	}
	fx.councils, err = schemas.LoadCouncils(data.Reference())
	return fx, err
})

func generate(t testing.TB, dir string, opt Options) Summary {
	t.Helper()
	fx, err := fixtures()
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Generate(dir, fx.cat, fx.councils, opt)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", opt, err)
	}
	return sum
}

// parsed is a return read back the way ingest reads it: encoding and
// delimiter sniffed, the header found as the first of the first 20 rows
// with the most (at least 3) recognised column names.
type parsed struct {
	name              string
	bom, cp1252, crlf bool
	comma             rune
	preamble          int
	header            []string
	cols              map[string]int // canonical column -> index
	rows              [][]string
}

func (p *parsed) get(row []string, col string) string {
	i, ok := p.cols[col]
	if !ok || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

func readReturn(t *testing.T, path string) *parsed {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p := &parsed{name: filepath.Base(path), crlf: bytes.Contains(raw, []byte("\r\n"))}
	text := raw
	if bytes.HasPrefix(text, []byte("\xef\xbb\xbf")) {
		p.bom, text = true, text[3:]
	}
	s := string(text)
	if !utf8.Valid(text) {
		p.cp1252, s = true, decode1252(text)
	}
	best := 0
	for _, comma := range []rune{',', ';', '\t'} {
		cr := csv.NewReader(strings.NewReader(s))
		cr.Comma = comma
		cr.FieldsPerRecord = -1
		recs, err := cr.ReadAll()
		if err != nil {
			continue
		}
		for i, rec := range recs[:min(20, len(recs))] {
			n := 0
			for _, h := range rec {
				if _, _, ok := schemas.CanonicalColumn(h); ok {
					n++
				}
			}
			if n > best {
				best, p.comma, p.preamble, p.header, p.rows = n, comma, i, rec, recs[i+1:]
			}
		}
	}
	if best < 3 {
		t.Fatalf("%s: no header row with 3 or more known column names", p.name)
	}
	p.cols = map[string]int{}
	secondary := map[string]int{}
	for i, h := range p.header {
		col, primary, ok := schemas.CanonicalColumn(h)
		if !ok {
			t.Errorf("%s: header %q is not a known column", p.name, h)
			continue
		}
		if !primary {
			secondary[col] = i
			continue
		}
		if _, dup := p.cols[col]; dup {
			t.Errorf("%s: two headers read as %s", p.name, col)
		}
		p.cols[col] = i
	}
	for col, i := range secondary {
		if _, ok := p.cols[col]; !ok {
			p.cols[col] = i
		}
	}
	for _, col := range schemas.RequiredColumns {
		if _, ok := p.cols[col]; !ok {
			t.Errorf("%s: no %s column in header %q", p.name, col, p.header)
		}
	}
	return p
}

// census is what a set of returns holds, gathered while checking them.
type census struct {
	files, rows                                         int
	bom, cp1252, crlf, semicolon, tab, preamble         int
	byName, percent, thousands, pound, periodSpelt      int
	suppressed, missing, notes, commaNotes, councilWide int
	smallDen, smallNum                                  int
	providerName                                        map[string]string          // id -> name
	providerCouncils                                    map[string]map[string]bool // id -> councils
	providerSector                                      map[string]string
	pooled                                              map[[2]string][2]int64 // metric, period -> num, den
	keys                                                map[string]string      // duplicate check: key -> file
	cp1252Texts                                         []string
}

var (
	reProviderID = regexp.MustCompile(`^(1-\d{9,10}|SC\d{6}|GB-COH-\d{8}|GB-CHC-\d{6,7}|LOCAL-[A-Z]{3}-[A-Z]{2,3}\d\d)$`)
	reFileName   = regexp.MustCompile(`^(E\d{8})_(\d{4}-\d{2}(?:-Q[1-4])?)\.csv$`)
	sectors      = []string{"public", "voluntary", "private", "plc"}
)

// checkReturns reads every return in dir and checks each row as ingest
// would, failing the test on anything ingest would reject.
func checkReturns(t *testing.T, dir string) *census {
	t.Helper()
	fx, err := fixtures()
	if err != nil {
		t.Fatal(err)
	}
	c := &census{
		providerName:     map[string]string{},
		providerCouncils: map[string]map[string]bool{},
		providerSector:   map[string]string{},
		pooled:           map[[2]string][2]int64{},
		keys:             map[string]string{},
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file %s left behind", e.Name())
			continue
		}
		c.checkFile(t, fx.cat, fx.councils, filepath.Join(dir, e.Name()))
		if t.Failed() {
			return c
		}
	}
	return c
}

func (c *census) checkFile(t *testing.T, cat *schemas.Catalogue, councils *schemas.Councils, path string) {
	t.Helper()
	name := filepath.Base(path)
	var fileCouncil, filePeriod string
	if name != OneFileName {
		m := reFileName.FindStringSubmatch(name)
		if m == nil {
			t.Fatalf("file name %s is not <GSS code>_<period>.csv", name)
		}
		fileCouncil, filePeriod = m[1], m[2]
	}
	p := readReturn(t, path)
	c.files++
	c.count(&c.bom, p.bom)
	c.count(&c.cp1252, p.cp1252)
	c.count(&c.crlf, p.crlf)
	c.count(&c.semicolon, p.comma == ';')
	c.count(&c.tab, p.comma == '\t')
	c.count(&c.preamble, p.preamble > 0)
	if p.cp1252 {
		raw, _ := os.ReadFile(path)
		c.cp1252Texts = append(c.cp1252Texts, decode1252(raw))
	}
	line := p.preamble + 1
	for _, row := range p.rows {
		line++
		at := func() string { return name + " line " + strconv.Itoa(line) }
		if len(row) != len(p.header) {
			t.Fatalf("%s: %d fields, header has %d", at(), len(row), len(p.header))
		}
		c.rows++
		get := func(col string) string { return p.get(row, col) }

		per, err := schemas.ParsePeriod(get(schemas.ColPeriod))
		if err != nil {
			t.Fatalf("%s: %v", at(), err)
		}
		if per.ID != get(schemas.ColPeriod) {
			c.periodSpelt++
		}
		if filePeriod != "" && per.ID != filePeriod {
			t.Fatalf("%s: period %s in the file for %s", at(), per.ID, filePeriod)
		}
		if per.End.After(time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("%s: period %s is in the future", at(), per.ID)
		}
		council, err := councils.Resolve(get(schemas.ColCouncil), per.Start)
		if err != nil {
			t.Fatalf("%s: council %q: %v", at(), get(schemas.ColCouncil), err)
		}
		if get(schemas.ColCouncil) != council.Code {
			c.byName++
		}
		if fileCouncil != "" && council.Code != fileCouncil {
			t.Fatalf("%s: council %s in the file for %s", at(), council.Code, fileCouncil)
		}
		if council.Nation != "England" || !council.Current() {
			t.Fatalf("%s: %s is not a current English council", at(), council.Name)
		}

		svc := get(schemas.ColService)
		if _, err := cat.Service(svc); err != nil {
			t.Fatalf("%s: %v", at(), err)
		}
		m, err := cat.Metric(get(schemas.ColMetric))
		if err != nil {
			t.Fatalf("%s: %v", at(), err)
		}
		if !m.ForService(svc) {
			t.Fatalf("%s: metric %s is not for service %s", at(), m.ID, svc)
		}
		switch {
		case svc == svcHomecare || svc == svcCareHome || svc == svcSupported || svc == svcChildren || svc == svcASC:
			if !council.SocialCare() {
				t.Fatalf("%s: %s is not a social-care authority but returns %s", at(), council.Name, svc)
			}
		case svc == svcWaste:
			if !council.WasteCollection() {
				t.Fatalf("%s: %s does not collect waste", at(), council.Name)
			}
		}

		id, pname, sector := get(schemas.ColProviderID), get(schemas.ColProviderName), get(schemas.ColProviderSector)
		if id == "" {
			if pname != "" || svc != svcASC {
				t.Fatalf("%s: a council-wide row must have no provider and service %s", at(), svcASC)
			}
			c.councilWide++
		} else {
			if !reProviderID.MatchString(id) {
				t.Fatalf("%s: provider id %q is not in a known format", at(), id)
			}
			if !slices.Contains(sectors, sector) {
				t.Fatalf("%s: sector %q", at(), sector)
			}
			if have, ok := c.providerName[id]; ok && have != pname {
				t.Fatalf("%s: provider %s is %q here but %q elsewhere", at(), id, pname, have)
			}
			if have, ok := c.providerSector[id]; ok && have != sector {
				t.Fatalf("%s: provider %s is %q here but %q elsewhere", at(), id, sector, have)
			}
			c.providerName[id], c.providerSector[id] = pname, sector
			if c.providerCouncils[id] == nil {
				c.providerCouncils[id] = map[string]bool{}
			}
			c.providerCouncils[id][council.Code] = true
		}

		key := strings.Join([]string{council.Code, id, svc, m.ID, per.ID}, "|")
		if first, dup := c.keys[key]; dup {
			t.Fatalf("%s: duplicate of a row in %s: %s", at(), first, key)
		}
		c.keys[key] = name

		if note := get(schemas.ColNote); note != "" {
			c.notes++
			c.count(&c.commaNotes, strings.Contains(note, ","))
		}
		c.checkFigures(t, at, m, per, get)
	}
}

func (c *census) checkFigures(t *testing.T, at func() string, m *schemas.Metric, per schemas.Period, get func(string) string) {
	t.Helper()
	value, numText, denText := get(schemas.ColValue), get(schemas.ColNumerator), get(schemas.ColDenominator)
	if st, ok := schemas.ParseMarker(value); ok {
		if numText != "" || denText != "" {
			t.Fatalf("%s: a cell without a figure (%q) has counts", at(), value)
		}
		switch st {
		case schemas.StatusConfidential:
			c.suppressed++
		case schemas.StatusNotAvailable:
			c.missing++
		default:
			t.Fatalf("%s: unexpected marker %q", at(), value)
		}
		return
	}
	n, err := schemas.ParseNumber(value)
	if err != nil {
		t.Fatalf("%s: %v", at(), err)
	}
	c.count(&c.percent, n.Percent)
	c.count(&c.thousands, strings.Contains(value, ",") || strings.Contains(numText+denText, ","))
	c.count(&c.pound, strings.HasPrefix(value, "£"))
	if n.Percent && m.Unit != schemas.UnitPercent {
		t.Fatalf("%s: %q has a %% sign but %s is in %s", at(), value, m.ID, m.Unit)
	}
	if strings.HasPrefix(value, "£") && m.Unit != schemas.UnitGBP {
		t.Fatalf("%s: %q has a pound sign but %s is in %s", at(), value, m.ID, m.Unit)
	}
	if m.Min != nil && n.Value < *m.Min || m.Max != nil && n.Value > *m.Max {
		t.Fatalf("%s: %s = %v is outside %v..%v", at(), m.ID, n.Value, *m.Min, *m.Max)
	}
	if !m.NeedsCounts() {
		if numText != "" || denText != "" {
			t.Fatalf("%s: %s has no counts but the row gives %q/%q", at(), m.ID, numText, denText)
		}
		return
	}
	num, err := schemas.ParseWhole(numText)
	if err != nil {
		t.Fatalf("%s: numerator: %v", at(), err)
	}
	den, err := schemas.ParseWhole(denText)
	if err != nil {
		t.Fatalf("%s: denominator: %v", at(), err)
	}
	if den <= 0 || num < 0 {
		t.Fatalf("%s: counts %d/%d", at(), num, den)
	}
	if m.Kind == schemas.KindProportion && num > den {
		t.Fatalf("%s: proportion %d/%d has numerator above denominator", at(), num, den)
	}
	want := m.Derive(num, den)
	if diff := math.Abs(n.Value - want); diff > 0.5*math.Pow10(-n.Decimals)+1e-9 {
		t.Fatalf("%s: value %s but %d/%d x %g = %v", at(), value, num, den, m.Multiplier, want)
	}
	if m.Disclosure == schemas.DisclosureSmallCounts {
		c.count(&c.smallDen, den < 10)
		c.count(&c.smallNum, num >= 1 && num <= 4)
	}
	k := [2]string{m.ID, per.ID}
	sums := c.pooled[k]
	c.pooled[k] = [2]int64{sums[0] + num, sums[1] + den}
}

func (c *census) count(n *int, cond bool) {
	if cond {
		*n++
	}
}

// sameFiles fails unless dirs a and b hold the same files with the same
// bytes.
func sameFiles(t *testing.T, a, b string) {
	t.Helper()
	list := func(dir string) []string {
		es, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range es {
			names = append(names, e.Name())
		}
		return names
	}
	na, nb := list(a), list(b)
	if !slices.Equal(na, nb) {
		t.Fatalf("runs wrote different files: %d and %d", len(na), len(nb))
	}
	for _, n := range na {
		ba, _ := os.ReadFile(filepath.Join(a, n))
		bb, _ := os.ReadFile(filepath.Join(b, n))
		if !bytes.Equal(ba, bb) {
			t.Fatalf("%s differs between two runs with the same options", n)
		}
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		Name string
		Opt  Options
	}{
		{"files", Options{Rows: 4000, Seed: 7}},
		{"one file", Options{Rows: 4000, Seed: 7, OneFile: true}},
		{"more periods", Options{Rows: 300_000, Seed: 3, OneFile: true}},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			a, b := t.TempDir(), t.TempDir()
			sa := generate(t, a, tc.Opt)
			sb := generate(t, b, tc.Opt)
			if sa.Rows != sb.Rows || sa.Files != sb.Files {
				t.Fatalf("summaries differ: %+v and %+v", sa, sb)
			}
			sameFiles(t, a, b)

			other := tc.Opt
			other.Seed++
			c := t.TempDir()
			generate(t, c, other)
			ba, _ := os.ReadFile(filepath.Join(a, firstFile(t, a)))
			bc, _ := os.ReadFile(filepath.Join(c, firstFile(t, c)))
			if bytes.Equal(ba, bc) {
				t.Error("a different seed wrote the same bytes")
			}
		})
	}
}

func firstFile(t *testing.T, dir string) string {
	es, err := os.ReadDir(dir)
	if err != nil || len(es) == 0 {
		t.Fatalf("no files in %s: %v", dir, err)
	}
	return es[0].Name()
}

// TestReturns reads a sample of returns as ingest would and checks every
// row, then what the files hold between them.
func TestReturns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sum := generate(t, dir, Options{Rows: 30_000, Seed: 1})
	c := checkReturns(t, dir)
	if t.Failed() {
		return
	}
	t.Run("accepted", func(t *testing.T) {
		if c.files != sum.Files || c.rows != sum.Rows {
			t.Errorf("read %d files and %d rows, Generate reported %d and %d", c.files, c.rows, sum.Files, sum.Rows)
		}
		if c.suppressed != sum.Suppressed || c.missing != sum.Missing {
			t.Errorf("read %d suppressed and %d missing, Generate reported %d and %d", c.suppressed, c.missing, sum.Suppressed, sum.Missing)
		}
	})
	t.Run("varied", func(t *testing.T) {
		for _, f := range []struct {
			Name string
			N    int
		}{
			{"files with a BOM", c.bom}, {"Windows-1252 files", c.cp1252}, {"CRLF files", c.crlf},
			{"semicolon files", c.semicolon}, {"tab files", c.tab}, {"files with title rows", c.preamble},
			{"rows naming the council", c.byName}, {"figures with %", c.percent},
			{"figures with thousands separators", c.thousands}, {"prices with £", c.pound},
			{"periods not in canonical form", c.periodSpelt}, {"suppressed cells", c.suppressed},
			{"missing cells", c.missing}, {"notes", c.notes}, {"notes with commas", c.commaNotes},
			{"council-wide rows", c.councilWide}, {"small denominators", c.smallDen}, {"small numerators", c.smallNum},
		} {
			if f.N == 0 {
				t.Errorf("no %s", f.Name)
			}
		}
	})
	t.Run("windows-1252", func(t *testing.T) {
		if len(c.cp1252Texts) == 0 {
			t.Fatal("no Windows-1252 files")
		}
		for _, text := range c.cp1252Texts {
			if strings.ContainsRune(text, utf8.RuneError) {
				t.Fatal("a Windows-1252 file holds bytes the code page does not define")
			}
			if !strings.Contains(text, encodingNote) {
				t.Fatalf("a Windows-1252 file does not decode to hold %q", encodingNote)
			}
		}
	})
	t.Run("providers span councils", func(t *testing.T) {
		spread := map[string]int{} // sector -> providers in 5 or more councils
		single := 0
		for id, cs := range c.providerCouncils {
			if len(cs) >= 5 {
				spread[c.providerSector[id]]++
			}
			if len(cs) == 1 {
				single++
			}
		}
		if spread["plc"] == 0 || spread["private"] == 0 {
			t.Errorf("national chains in 5 or more councils by sector: %v; want plc and private", spread)
		}
		if single == 0 {
			t.Error("no local provider working in a single council")
		}
		seen := map[string]bool{}
		for _, s := range c.providerSector {
			seen[s] = true
		}
		for _, s := range sectors {
			if !seen[s] {
				t.Errorf("no %s providers", s)
			}
		}
		names := map[string]string{}
		for id, n := range c.providerName {
			if other, dup := names[n]; dup {
				t.Errorf("providers %s and %s share the name %q", id, other, n)
			}
			names[n] = id
		}
	})
}

func TestWindows1252RoundTrip(t *testing.T) {
	t.Parallel()
	for _, r := range "£–éÉ€’" {
		b := encode1252(r)
		if b < 0x80 || utf8.Valid([]byte{b}) {
			t.Errorf("%q encodes to %#x, which reads as UTF-8", r, b)
		}
		if got := []rune(decode1252([]byte{b})); len(got) != 1 || got[0] != r {
			t.Errorf("%q does not round-trip through Windows-1252: %q", r, string(got))
		}
	}
	if b := encode1252('→'); b != '?' {
		t.Errorf("a character outside the code page encodes to %q, want ?", b)
	}
}

// TestNaturalSize checks the default output: every current English
// council, eight quarters, every file accepted.
func TestNaturalSize(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("reads every council's returns; slow with -short or -race")
	}
	t.Parallel()
	dir := t.TempDir()
	sum := generate(t, dir, Options{Seed: 1})
	if sum.Rows < 100_000 || sum.Rows > 300_000 {
		t.Errorf("natural size is %d rows, want 100,000 to 300,000", sum.Rows)
	}
	if len(sum.Periods) != 8 || sum.Periods[0].ID != "2023-24-Q1" || sum.Periods[7].ID != "2024-25-Q4" {
		t.Errorf("periods %v, want 2023-24-Q1 to 2024-25-Q4", sum.Periods)
	}
	fx, _ := fixtures()
	want := 0
	for _, c := range fx.councils.All() {
		if c.Nation == "England" && c.Current() && (c.SocialCare() || c.WasteCollection()) {
			want++
		}
	}
	if sum.Councils != want {
		t.Errorf("%d councils, want every current English council (%d)", sum.Councils, want)
	}
	c := checkReturns(t, dir)
	if c.rows != sum.Rows {
		t.Errorf("read %d rows, Generate reported %d", c.rows, sum.Rows)
	}
}

func TestOneFileIsCanonical(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sum := generate(t, dir, Options{Rows: 20_000, Seed: 2, OneFile: true})
	if sum.Files != 1 {
		t.Errorf("Files = %d, want 1", sum.Files)
	}
	raw, err := os.ReadFile(filepath.Join(dir, OneFileName))
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := bytes.Cut(raw, []byte("\n"))
	if got, want := string(first), strings.Join(schemas.Columns, ","); got != want {
		t.Errorf("header %q, want %q", got, want)
	}
	if !utf8.Valid(raw) || bytes.Contains(raw, []byte("\r")) {
		t.Error("returns.csv is not plain UTF-8 with LF line ends")
	}
	c := checkReturns(t, dir)
	if c.rows != sum.Rows {
		t.Errorf("read %d rows, Generate reported %d", c.rows, sum.Rows)
	}
	if c.byName+c.periodSpelt+c.percent+c.pound+c.thousands > 0 {
		t.Errorf("canonical file has names %d, period spellings %d, %% %d, £ %d, thousands %d",
			c.byName, c.periodSpelt, c.percent, c.pound, c.thousands)
	}
}

func TestRowsIsHonoured(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		Name      string
		Rows      int
		Tolerance float64
		Periods   int // want at least
	}{
		{"tiny", 300, 0.3, 8},
		{"small", 5_000, 0.1, 8},
		{"medium", 60_000, 0.05, 8},
		{"further back", 400_000, 0.05, 9},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			sum := generate(t, dir, Options{Rows: tc.Rows, Seed: 1, OneFile: true})
			if got := float64(sum.Rows); math.Abs(got-float64(tc.Rows)) > tc.Tolerance*float64(tc.Rows) {
				t.Errorf("asked for %d rows, wrote %d", tc.Rows, sum.Rows)
			}
			if len(sum.Periods) < tc.Periods {
				t.Errorf("%d periods, want at least %d", len(sum.Periods), tc.Periods)
			}
			if last := sum.Periods[len(sum.Periods)-1]; last.ID != "2024-25-Q4" {
				t.Errorf("last period %s, want 2024-25-Q4", last.ID)
			}
			f, err := os.Open(filepath.Join(dir, OneFileName))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			lines, err := countLines(f)
			if err != nil {
				t.Fatal(err)
			}
			if lines-1 != sum.Rows {
				t.Errorf("file has %d rows, Generate reported %d", lines-1, sum.Rows)
			}
		})
	}
}

func countLines(r io.Reader) (int, error) {
	buf := make([]byte, 64<<10)
	n := 0
	for {
		k, err := r.Read(buf)
		n += bytes.Count(buf[:k], []byte("\n"))
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// TestFiguresBehave checks the statistics the comparisons rely on: figures
// improve over time and vary between providers more than chance.
func TestFiguresBehave(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	generate(t, dir, Options{Rows: 60_000, Seed: 1, OneFile: true})
	c := checkReturns(t, dir)
	rate := func(metric, period string) float64 {
		s := c.pooled[[2]string{metric, period}]
		return float64(s[0]) / float64(s[1])
	}
	for _, m := range []string{"hc-visits-on-time", "hc-hours-delivered", "waste-recycling-rate"} {
		if a, b := rate(m, "2023-24-Q1"), rate(m, "2024-25-Q4"); b <= a {
			t.Errorf("%s: pooled %.4f in 2023-24-Q1 and %.4f in 2024-25-Q4; want an improvement", m, a, b)
		}
	}

	// Overdispersion: the spread of providers' on-time rates against the
	// spread binomial sampling alone would give.
	raw, err := os.ReadFile(filepath.Join(dir, OneFileName))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	type obs struct{ num, den float64 }
	var xs []obs
	var sn, sd float64
	for _, r := range recs[1:] {
		if r[5] != "hc-visits-on-time" || r[6] != "2024-25-Q4" || r[8] == "" {
			continue
		}
		num, _ := schemas.ParseWhole(r[7])
		den, _ := schemas.ParseWhole(r[8])
		xs = append(xs, obs{float64(num), float64(den)})
		sn += float64(num)
		sd += float64(den)
	}
	if len(xs) < 30 {
		t.Fatalf("only %d on-time figures", len(xs))
	}
	p := sn / sd
	chi := 0.0
	for _, x := range xs {
		z := (x.num/x.den - p) / math.Sqrt(p*(1-p)/x.den)
		chi += z * z
	}
	if phi := chi / float64(len(xs)-1); phi < 5 {
		t.Errorf("dispersion ratio %.1f; want providers to differ by more than chance", phi)
	}
}

func TestPeriodsOption(t *testing.T) {
	t.Parallel()
	var periods []schemas.Period
	for _, s := range []string{"2022-23-Q3", "2024-06", "2023-24"} {
		p, err := schemas.ParsePeriod(s)
		if err != nil {
			t.Fatal(err)
		}
		periods = append(periods, p)
	}
	dir := t.TempDir()
	sum := generate(t, dir, Options{Rows: 3_000, Seed: 1, Periods: periods})
	if len(sum.Periods) != 3 {
		t.Errorf("periods %v, want the three given", sum.Periods)
	}
	c := checkReturns(t, dir)
	for _, id := range []string{"2022-23-Q3", "2024-06", "2023-24"} {
		found := false
		for k := range c.keys {
			if strings.HasSuffix(k, "|"+id) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no rows for %s", id)
		}
	}
}

func TestGenerateErrors(t *testing.T) {
	t.Parallel()
	fx, err := fixtures()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	dup, _ := schemas.ParsePeriod("2024-25-Q1")
	for _, tc := range []struct {
		Name     string
		Dir      string
		Cat      *schemas.Catalogue
		Councils *schemas.Councils
		Opt      Options
	}{
		{"negative rows", t.TempDir(), fx.cat, fx.councils, Options{Rows: -1}},
		{"no folder", "", fx.cat, fx.councils, Options{}},
		{"folder is a file", filepath.Join(file, "sub"), fx.cat, fx.councils, Options{Rows: 100}},
		{"no catalogue", t.TempDir(), nil, fx.councils, Options{}},
		{"period twice", t.TempDir(), fx.cat, fx.councils, Options{Rows: 100, Periods: []schemas.Period{dup, dup}}},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			if _, err := Generate(tc.Dir, tc.Cat, tc.Councils, tc.Opt); err == nil {
				t.Error("Generate succeeded, want an error")
			}
		})
	}
}

func TestFormatFigure(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		Name     string
		X        float64
		Decimals int
		Style    numberStyle
		Percent  bool
		Pound    bool
		Want     string
	}{
		{"plain", 85.26, 1, numberStyle{}, true, false, "85.3"},
		{"percent", 85.26, 1, numberStyle{percent: true}, true, false, "85.3%"},
		{"tie gets another place", 12.25, 1, numberStyle{}, false, false, "12.25"},
		{"thousands", 1234.5, 1, numberStyle{thousands: true}, false, false, "1,234.5"},
		{"pounds", 21.4567, 2, numberStyle{pound: true}, false, true, "£21.46"},
		{"no pound sign for other units", 21.4567, 2, numberStyle{pound: true}, false, false, "21.46"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			got := string(formatFigure(nil, tc.X, tc.Decimals, math.Inf(-1), math.Inf(1), tc.Style, tc.Percent, tc.Pound))
			if got != tc.Want {
				t.Errorf("formatFigure(%v) = %q, want %q", tc.X, got, tc.Want)
			}
		})
	}
}

func BenchmarkGenerate(b *testing.B) {
	const rows = 200_000
	for b.Loop() {
		generate(b, b.TempDir(), Options{Rows: rows, Seed: 1, OneFile: true})
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
