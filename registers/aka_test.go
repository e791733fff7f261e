package registers_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/registers"
	"github.com/yardstick-open/yardstick/schemas"
)

// countTradingNames reads a register file with encoding/csv alone and
// returns the trading names its "Also known as" column gives each
// location, by location id (or URN), as a person reading the file would
// list them: spaces and line breaks closed up, a name the same as the
// location's own left out, each once. It finds the header by its own
// words, not by the package's tables, so the count does not lean on the
// code it checks. A file without the column gives none.
func countTradingNames(t *testing.T, path string) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	clean := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	out := map[string][]string{}
	for h, rec := range recs {
		aka, id, name := -1, -1, -1
		for i, c := range rec {
			switch strings.ToLower(clean(c)) {
			case "also known as", "location also known as":
				aka = i
			case "cqc location id (for office use only)", "location id", "urn":
				id = i
			case "name", "location name":
				name = i
			}
		}
		if aka < 0 || id < 0 || name < 0 {
			continue
		}
		for _, row := range recs[h+1:] {
			if len(row) <= max(aka, id, name) {
				continue
			}
			a, loc := clean(row[aka]), clean(row[id])
			if a != "" && loc != "" && a != clean(row[name]) && !slices.Contains(out[loc], a) {
				out[loc] = append(out[loc], a)
			}
		}
		break
	}
	return out
}

// TestTradingNamesKept imports the example registers and a care
// directory with trading names, and checks that every "Also known as" the
// files give, counted from the files above, is an alias of the location it
// is given for, with a fact naming the location, the import and its day;
// that a CQC provider's own aliases take none of its locations' trading
// names; and that no location has an alias the files do not give.
func TestTradingNamesKept(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	asAt := schemas.DateOf(time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC))
	want := map[string][]string{}
	imports := map[string]string{} // location id -> the import that gave its trading names
	files := []string{
		filepath.Join("testdata", "examples", "trafford_care_homes_cqc.csv"),
		filepath.Join("testdata", "examples", "ofsted_csc_providers_at_31mar2023.csv"),
		filepath.Join("testdata", "examples", "cqc_inspections_community_asc_sample.csv"),
		filepath.Join("testdata", "aka", "care_directory.csv"),
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := s.Import(context.Background(), filepath.Base(f), bytes.NewReader(b), registers.ImportOptions{AsAt: asAt})
		if err != nil || rep.Status != registers.StatusAccepted {
			t.Fatalf("%s: %v, %+v", f, err, rep)
		}
		for id, names := range countTradingNames(t, f) {
			want[id] = append(want[id], names...)
			imports[id] = rep.Import
		}
	}
	total := 0
	for _, names := range want {
		total += len(names)
	}
	// Worked out by hand from care_directory.csv: Rose Lodge, Oak Lodge,
	// Maple House (its line break closed up), Birch View and Willow Bank
	// have one each; Elm Court's is its own name; Beech House has none.
	if total != 5 || len(want) != 5 {
		t.Fatalf("the files give %d trading names of %d locations, want 5 of 5: %v", total, len(want), want)
	}
	provs, err := s.Providers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for _, p := range provs {
		for _, l := range p.Locations {
			got += len(l.Aliases)
			w := slices.Clone(want[l.ID])
			slices.Sort(w)
			if !slices.Equal(l.Aliases, w) && (len(w) > 0 || len(l.Aliases) > 0) {
				t.Errorf("location %s (%s) has aliases %q, want %q", l.ID, l.Name, l.Aliases, w)
			}
			for _, a := range w {
				i := slices.IndexFunc(p.Facts, func(f registers.Fact) bool {
					return f.Field == registers.FieldAlsoKnownAs && f.Subject == l.ID && f.Value == a
				})
				if i < 0 {
					t.Errorf("location %s: no also_known_as fact for %q in %+v", l.ID, a, p.Facts)
					continue
				}
				if f := p.Facts[i]; f.Source != imports[l.ID] || !f.AsAt.Equal(asAt.Time) {
					t.Errorf("location %s: fact %+v, want import %s as at %s", l.ID, f, imports[l.ID], asAt)
				}
			}
		}
		// A CQC provider is not known by its homes' trading names: Sunrise
		// of Altrincham is two homes of two providers.
		if slices.ContainsFunc(p.Identifiers, func(id registers.Identifier) bool { return id.Scheme == registers.SchemeCQCProvider }) {
			for _, l := range p.Locations {
				for _, a := range l.Aliases {
					if slices.Contains(p.Aliases, a) {
						t.Errorf("provider %s has its location %s's trading name %q as its own alias", p.ProviderID, l.ID, a)
					}
				}
			}
		}
	}
	if got != total {
		t.Errorf("the register has %d location aliases, the files give %d", got, total)
	}
}

// TestTradingNamesHistory imports the care directory twice, the second
// as at a later day with a home's trading name changed: both names stay
// aliases of the home, each fact dated by the import that gave it, and the
// register built with the imports in either order is the same.
func TestTradingNamesHistory(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("testdata", "aka", "care_directory.csv"))
	if err != nil {
		t.Fatal(err)
	}
	newer := bytes.Replace(b, []byte("Rose Lodge,Rose Lodge Care Home,"), []byte("Rose Lodge,Sunrise of Sale,"), 1)
	if bytes.Equal(newer, b) {
		t.Fatal("the fixture no longer has Rose Lodge's trading name")
	}
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	src := func(id string, data []byte, asAt string) registers.Source {
		p := registers.Parse(data, nil, councils())
		if p.Errors > 0 {
			t.Fatalf("%s: %v", id, p.Problems)
		}
		return registers.Source{ID: id, ReceivedAt: day("2025-11-01"), AsAt: schemas.DateOf(day(asAt)), Records: p.Records}
	}
	sources := []registers.Source{src("old", b, "2025-04-01"), src("new", newer, "2025-10-01")}
	var first []byte
	for _, order := range [][]registers.Source{sources, {sources[1], sources[0]}} {
		provs := registers.Build(order)
		i := slices.IndexFunc(provs, func(p registers.Provider) bool { return p.ProviderID == "1-2000000091" })
		if i < 0 {
			t.Fatalf("no provider 1-2000000091 in %+v", provs)
		}
		p := provs[i]
		var rose registers.Location
		for _, l := range p.Locations {
			if l.ID == "1-2000000001" {
				rose = l
			}
		}
		if strings.Join(rose.Aliases, "|") != "Rose Lodge Care Home|Sunrise of Sale" {
			t.Errorf("Rose Lodge's aliases %q, want both trading names", rose.Aliases)
		}
		var facts []string
		for _, f := range p.Facts {
			if f.Field == registers.FieldAlsoKnownAs && f.Subject == rose.ID {
				facts = append(facts, f.Value+"@"+f.AsAt.String()+"/"+f.Source)
			}
		}
		if w := "Rose Lodge Care Home@2025-04-01/old,Sunrise of Sale@2025-10-01/new"; strings.Join(facts, ",") != w {
			t.Errorf("Rose Lodge's trading-name facts %v, want %s", facts, w)
		}
		var out bytes.Buffer
		if err := registers.WriteJSONLines(&out, provs); err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = out.Bytes()
		} else if !bytes.Equal(first, out.Bytes()) {
			t.Error("the register differs with the imports in the other order")
		}
	}
}
