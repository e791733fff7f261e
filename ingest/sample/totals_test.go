package sample_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/data"
	"github.com/yardstick-open/yardstick/ingest"
	"github.com/yardstick-open/yardstick/ingest/sample"
	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"
)

// TestTotals checks the council-wide totals Options.Totals adds, from the
// file alone: each is the sum of its parts' counts where every part shows
// them, at least that sum where some part is suppressed ([c]), and a part
// whose figure is missing is in no total. About half the councils add
// them, the rest none; and ingest accepts the file as it stands.
func TestTotals(t *testing.T) {
	t.Parallel()
	cat, err := config.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	councils, err := schemas.LoadCouncils(data.Reference())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sum, err := sample.Generate(dir, cat, councils, sample.Options{Rows: 20_000, Seed: 3, OneFile: true, Totals: true})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, sample.OneFileName)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	type group struct {
		num, den          int64
		parts, suppressed int
		total             []string // the total row, if any
	}
	groups := map[string]*group{}
	withTotals, allCouncils := map[string]bool{}, map[string]bool{}
	for _, r := range rows[1:] {
		get := func(c string) string { return r[col[c]] }
		council, svc := get(schemas.ColCouncil), get(schemas.ColService)
		allCouncils[council] = true
		if svc == "adult-social-care" {
			continue // council-wide outcomes, which have no parts
		}
		k := strings.Join([]string{council, get(schemas.ColPeriod), svc, get(schemas.ColMetric)}, "|")
		g := groups[k]
		if g == nil {
			g = &group{}
			groups[k] = g
		}
		if get(schemas.ColProviderID) == "" {
			if g.total != nil {
				t.Fatalf("two totals for %s", k)
			}
			g.total = r
			withTotals[council] = true
			continue
		}
		switch v := get(schemas.ColValue); {
		case v == "[c]":
			g.parts++
			g.suppressed++
		case get(schemas.ColNumerator) != "":
			n, err1 := strconv.ParseInt(get(schemas.ColNumerator), 10, 64)
			d, err2 := strconv.ParseInt(get(schemas.ColDenominator), 10, 64)
			if err1 != nil || err2 != nil {
				t.Fatalf("%s: counts %q/%q", k, get(schemas.ColNumerator), get(schemas.ColDenominator))
			}
			g.parts++
			g.num += n
			g.den += d
		}
	}
	exact, bounded := 0, 0
	for k, g := range groups {
		if g.total == nil {
			continue
		}
		n, _ := strconv.ParseInt(g.total[col[schemas.ColNumerator]], 10, 64)
		d, _ := strconv.ParseInt(g.total[col[schemas.ColDenominator]], 10, 64)
		switch {
		case g.parts == 0:
			t.Errorf("%s: a total without parts", k)
		case g.suppressed == 0:
			exact++
			if n != g.num || d != g.den {
				t.Errorf("%s: total %d/%d, its parts add to %d/%d", k, n, d, g.num, g.den)
			}
		default:
			bounded++
			if n < g.num || d < g.den {
				t.Errorf("%s: total %d/%d is less than its shown parts' %d/%d", k, n, d, g.num, g.den)
			}
		}
	}
	if exact == 0 || bounded == 0 {
		t.Errorf("%d totals equal to their parts and %d over a suppressed part; want some of each", exact, bounded)
	}
	if share := float64(len(withTotals)) / float64(len(allCouncils)); share < 0.3 || share > 0.7 {
		t.Errorf("%d of %d councils add totals; want about half", len(withTotals), len(allCouncils))
	}

	p := &ingest.Pipeline{Layout: schemas.Layout{Root: t.TempDir()}, Catalogue: cat, Councils: councils}
	rep, err := p.IngestFile(context.Background(), path, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Accepted() || rep.Rows != sum.Rows {
		t.Fatalf("ingest: accepted %v, %d of %d rows; problems %v", rep.Accepted(), rep.Rows, sum.Rows, rep.Problems[:min(3, len(rep.Problems))])
	}
}
