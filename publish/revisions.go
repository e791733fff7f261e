package publish

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Revision is an observation whose published figure changed since the
// previous release.
type Revision struct {
	Metric      string `json:"metric"`
	Period      string `json:"period"`
	CouncilCode string `json:"council_code"`
	ProviderID  string `json:"provider_id"`
	Service     string `json:"service"`
	Old         Figure `json:"old"`
	New         Figure `json:"new"`
}

// Figure is an observation's figure as a release publishes it. A value
// withheld or not available is null, with the marker letter in Status.
type Figure struct {
	Value       *float64 `json:"value"`
	Numerator   *int64   `json:"numerator,omitempty"`
	Denominator *int64   `json:"denominator,omitempty"`
	Status      string   `json:"status,omitempty"`
}

// shown reports whether the figure is published: a row has a value unless
// its status is c (suppressed), x (not available) or z (not applicable).
func (f Figure) shown() bool {
	return f.Status != "c" && f.Status != "x" && f.Status != "z"
}

// sameNumbers reports whether two figures publish the same value and
// counts. A marker that changes alone (p, provisional, becoming final) is
// not a revision.
func (f Figure) sameNumbers(g Figure) bool {
	return eqPtr(f.Value, g.Value) && eqPtr(f.Numerator, g.Numerator) && eqPtr(f.Denominator, g.Denominator)
}

func eqPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// obsKey identifies an observation across releases.
type obsKey struct {
	metric, period, council, provider, service string
}

func (k obsKey) compare(o obsKey) int {
	return cmp.Or(cmp.Compare(k.metric, o.metric), cmp.Compare(k.period, o.period),
		cmp.Compare(k.council, o.council), cmp.Compare(k.provider, o.provider),
		cmp.Compare(k.service, o.service))
}

// keyColumns and figureColumns are the observation columns revisions read,
// in obsKey and Figure order.
var (
	keyColumns    = []string{"metric", "period", "council_code", "provider_id", "service"}
	figureColumns = []string{"value", "numerator", "denominator", "status"}
)

func keyOf(r []string) obsKey { return obsKey{r[0], r[1], r[2], r[3], r[4]} }

// parseFigure reads the figure columns of a published CSV row. A status
// is read without its brackets, and a previous release's r is dropped: it
// marked a revision then, not a property of the figure.
func parseFigure(r []string) (Figure, error) {
	var f Figure
	if r[0] != "" {
		v, err := strconv.ParseFloat(r[0], 64)
		if err != nil {
			return f, fmt.Errorf("value %q: %w", r[0], err)
		}
		f.Value = &v
	}
	for i, p := range []**int64{&f.Numerator, &f.Denominator} {
		s := r[1+i]
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return f, fmt.Errorf("%s %q: %w", figureColumns[1+i], s, err)
		}
		*p = &n
	}
	f.Status = strings.TrimSuffix(strings.TrimPrefix(r[3], "["), "]")
	if f.Status == "r" {
		f.Status = ""
	}
	return f, nil
}

// previousFigures reads a release's data/observations.csv, keyed.
func previousFigures(file string) (map[obsKey]Figure, error) {
	out := map[obsKey]Figure{}
	cols := append(slices.Clone(keyColumns), figureColumns...)
	err := eachCSVRow(file, cols, func(r []string) error {
		f, err := parseFigure(r[len(keyColumns):])
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		out[keyOf(r)] = f
		return nil
	})
	return out, err
}

// revise compares the release's observations with the previous release's
// and records the revisions and counts in rel. The rows themselves were
// marked r in the tables before export (duckdb.DB.MarkRevised); a revision
// found here that the export does not show as [r] means the two rules
// disagree, and the release fails rather than contradict itself.
func (b *Builder) revise(dir string, rel *Release) error {
	var prev map[obsKey]Figure
	if rel.Previous != "" {
		file := filepath.Join(b.Layout.Release(rel.Previous), filepath.FromSlash(ObservationsCSV))
		var err error
		if prev, err = previousFigures(file); err != nil {
			return fmt.Errorf("read previous release %s: %w", rel.Previous, err)
		}
	}
	seen := make(map[obsKey]bool, len(prev))
	councils, periods := map[string]bool{}, map[string]bool{}
	rel.Revisions = []Revision{}
	providers := map[string]bool{}
	var cols []int
	status := -1
	obsFile := filepath.Join(dir, filepath.FromSlash(ObservationsCSV))
	err := rewriteCSV(obsFile, false, func(n int, rec *rawRecord) error {
		if n == 0 {
			var err error
			if cols, err = columnIndex(obsFile, rec.vals, append(slices.Clone(keyColumns), figureColumns...)...); err != nil {
				return err
			}
			status = cols[len(cols)-1]
			return nil
		}
		r := make([]string, len(cols))
		for j, i := range cols {
			r[j] = rec.vals[i]
		}
		key := keyOf(r)
		rel.Counts.Observations++
		councils[key.council] = true
		periods[key.period] = true
		if key.provider != "" {
			providers[key.provider] = true
		}
		if prev == nil {
			return nil
		}
		fig, err := parseFigure(r[len(keyColumns):])
		if err != nil {
			return fmt.Errorf("%s row %d: %w", obsFile, n, err)
		}
		old, ok := prev[key]
		if !ok {
			rel.Counts.Added++
			return nil
		}
		seen[key] = true
		switch {
		case old.shown() && !fig.shown():
			rel.Counts.NowHidden++
			return nil
		case !old.shown() && fig.shown():
			rel.Counts.NowShown++
			return nil
		case !fig.shown() || old.sameNumbers(fig):
			return nil
		}
		rel.Revisions = append(rel.Revisions, Revision{
			Metric: key.metric, Period: key.period, CouncilCode: key.council,
			ProviderID: key.provider, Service: key.service, Old: old, New: fig,
		})
		if rec.vals[status] == "" {
			return fmt.Errorf("%s row %d: %s %s %s %q is revised but not marked [r]: the revision rules disagree",
				obsFile, n, key.metric, key.period, key.council, key.provider)
		}
		return nil
	})
	if err != nil {
		return err
	}
	rel.Counts.Revised = len(rel.Revisions)
	rel.Counts.Withdrawn = len(prev) - len(seen)
	rel.Counts.Councils = len(councils)
	rel.Counts.Providers = len(providers)
	rel.Counts.Periods = len(periods)
	rel.Periods = make([]string, 0, len(periods))
	for p := range periods {
		rel.Periods = append(rel.Periods, p)
	}
	slices.Sort(rel.Periods)
	slices.SortFunc(rel.Revisions, func(a, b Revision) int {
		return obsKey{a.Metric, a.Period, a.CouncilCode, a.ProviderID, a.Service}.compare(
			obsKey{b.Metric, b.Period, b.CouncilCode, b.ProviderID, b.Service})
	})
	if rel.Previous != "" {
		c := rel.Counts
		b.logf("%d observations; since %s %d revised, %d added, %d withdrawn, %d newly withheld, %d newly shown",
			c.Observations, rel.Previous, c.Revised, c.Added, c.Withdrawn, c.NowHidden, c.NowShown)
	} else {
		b.logf("%d observations; the first release", rel.Counts.Observations)
	}

	cmpFile := filepath.Join(dir, filepath.FromSlash(ComparisonsCSV))
	if rel.Counts.Comparisons, err = countCSV(cmpFile, append(slices.Clone(keyColumns), "status")...); err != nil {
		return err
	}
	b.logf("%d comparisons", rel.Counts.Comparisons)
	return nil
}
