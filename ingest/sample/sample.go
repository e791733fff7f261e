package sample

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/yardstick-open/yardstick/schemas"
)

// OneFileName is the file Generate writes with Options.OneFile.
const OneFileName = "returns.csv"

// MaxPeriods is how many quarters Generate goes back, at most, to reach a
// number of rows larger than the natural size: ten years.
const MaxPeriods = 40

// Options says what Generate writes.
type Options struct {
	// Rows is the approximate number of rows to write in total. Zero
	// writes the natural size: every council, every period, the whole
	// market. Fewer rows take fewer providers and councils; more go
	// further back in time (up to MaxPeriods quarters), then add small
	// providers.
	Rows int
	// Seed seeds every random draw; the same options write the same bytes.
	Seed uint64
	// OneFile writes everything to one canonical file, returns.csv,
	// instead of a file per council and period.
	OneFile bool
	// Periods replaces the default periods, the eight quarters of 2023-24
	// and 2024-25. Rows then never adds periods.
	Periods []schemas.Period
	// Totals has about half the councils (the same ones whatever else
	// the options say) add a council-wide total to each period's return:
	// for every provider service and metric with counts, a row without a
	// provider whose numerator and denominator are the sums of its
	// providers' counts, suppressed ones included, missing ones not (a
	// council cannot add what it does not have). Such totals are what
	// disclosure control protects linked cells against, so they make a
	// sample that exercises it; they add rows beyond Rows.
	Totals bool
}

// Summary says what Generate wrote.
type Summary struct {
	Files      int
	Rows       int
	Councils   int
	Providers  int
	Periods    []schemas.Period
	Suppressed int // cells written [c]
	Missing    int // cells with no figure: [x], NA or blank
}

// DefaultPeriods returns the quarters Generate writes by default: the
// eight quarters of the financial years 2023-24 and 2024-25.
func DefaultPeriods() []schemas.Period {
	return quartersBack(8)
}

// quartersBack returns the n quarters ending with 2024-25 Q4, oldest
// first.
func quartersBack(n int) []schemas.Period {
	p, err := schemas.ParsePeriod("2024-25-Q4")
	if err != nil {
		panic(err) // a constant
	}
	out := make([]schemas.Period, n)
	for i := n - 1; i >= 0; i-- {
		out[i] = p
		p = p.Previous()
	}
	return out
}

// Generate writes synthetic returns into dir, creating it if needed: one
// file per council and period, named <GSS code>_<period id>.csv, or with
// opt.OneFile a single canonical returns.csv. Every file is written to a
// temporary name and renamed into place. Files already in dir are left
// alone.
func Generate(dir string, cat *schemas.Catalogue, councils *schemas.Councils, opt Options) (Summary, error) {
	if dir == "" {
		return Summary{}, errors.New("sample: no folder to write to")
	}
	if cat == nil || councils == nil {
		return Summary{}, errors.New("sample: a catalogue and the councils are needed")
	}
	if opt.Rows < 0 {
		return Summary{}, fmt.Errorf("sample: rows must not be negative, got %d", opt.Rows)
	}
	g, err := newGenerator(cat, councils, opt)
	if err != nil {
		return Summary{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Summary{}, fmt.Errorf("create sample folder: %w", err)
	}
	return g.write(dir, opt.OneFile)
}

// generator holds the plan of what to write: which councils, which
// providers in each, which periods.
type generator struct {
	cat      *schemas.Catalogue
	councils *schemas.Councils
	seed     uint64
	totals   bool                         // Options.Totals
	metrics  map[string][]*schemas.Metric // service -> metrics, in catalogue order
	services map[string]bool              // provider services the catalogue has metrics for
	order    map[string]int               // service -> position in the catalogue
	profiles map[string]*profile
	periods  []schemas.Period
	sites    []*site
}

// site is a council and the providers written for it.
type site struct {
	council *schemas.Council
	pres    []presence
	wide    bool // council-wide adult social care figures
}

func newGenerator(cat *schemas.Catalogue, councils *schemas.Councils, opt Options) (*generator, error) {
	g := &generator{
		cat: cat, councils: councils, seed: opt.Seed, totals: opt.Totals,
		metrics:  map[string][]*schemas.Metric{},
		services: map[string]bool{},
		order:    map[string]int{},
		profiles: map[string]*profile{},
	}
	for i, s := range cat.Services {
		g.order[s.ID] = i
	}
	for _, svc := range []string{svcHomecare, svcCareHome, svcSupported, svcChildren, svcWaste, svcASC} {
		if _, err := cat.Service(svc); err != nil {
			continue
		}
		for i := range cat.Metrics {
			m := &cat.Metrics[i]
			if m.ForService(svc) {
				g.metrics[svc] = append(g.metrics[svc], m)
			}
		}
		g.services[svc] = svc != svcASC && len(g.metrics[svc]) > 0
	}
	for i := range cat.Metrics {
		m := &cat.Metrics[i]
		pf, ok := profiles[m.ID]
		if !ok {
			pf = fallbackProfile(m)
		}
		g.profiles[m.ID] = &pf
	}

	var all []*schemas.Council
	for _, c := range councils.All() {
		if c.Nation == "England" && c.Current() && (c.SocialCare() || c.WasteCollection()) {
			all = append(all, c)
		}
	}
	if len(all) == 0 {
		return nil, errors.New("sample: the reference data holds no current English councils")
	}

	g.periods = slices.Clone(opt.Periods)
	if len(g.periods) == 0 {
		g.periods = DefaultPeriods()
	}
	seen := map[string]bool{}
	for _, p := range g.periods {
		if seen[p.ID] {
			return nil, fmt.Errorf("sample: period %s is listed twice", p.ID)
		}
		seen[p.ID] = true
	}
	slices.SortStableFunc(g.periods, func(a, b schemas.Period) int { return a.Start.Compare(b.Start) })

	g.sites = g.sitesFor(all, buildMarket(opt.Seed, all, g.services, 1))
	if opt.Rows == 0 {
		return g, nil
	}
	total := g.count()
	switch {
	case opt.Rows < total:
		g.trim(opt.Rows, total)
	case opt.Rows > total:
		if len(opt.Periods) == 0 {
			g.extend(opt.Rows)
			total = g.count()
		}
		if float64(total) < 0.97*float64(opt.Rows) {
			g.grow(all, opt.Rows, total)
		}
	}
	return g, nil
}

func (g *generator) sitesFor(all []*schemas.Council, mk *market) []*site {
	sites := make([]*site, 0, len(all))
	for _, c := range all {
		st := &site{council: c, pres: mk.byCouncil[c.Code], wide: c.SocialCare() && len(g.metrics[svcASC]) > 0}
		if len(st.pres) > 0 || st.wide {
			sites = append(sites, st)
		}
	}
	return sites
}

// perPeriod is the number of rows a site writes in one period.
func (g *generator) perPeriod(s *site) int {
	n := 0
	for _, p := range s.pres {
		n += len(g.metrics[p.service])
	}
	if s.wide {
		n += len(g.metrics[svcASC])
	}
	return n
}

// siteRows is the number of rows a site writes in all periods.
func (g *generator) siteRows(s *site) int {
	n := 0
	for _, p := range g.periods {
		if existed(s.council, p) {
			n++
		}
	}
	return n * g.perPeriod(s)
}

func (g *generator) count() int {
	n := 0
	for _, s := range g.sites {
		n += g.siteRows(s)
	}
	return n
}

// existed reports whether the council existed throughout the period.
func existed(c *schemas.Council, p schemas.Period) bool {
	return c.ExistedAt(p.Start) && c.ExistedAt(p.End)
}

// trim keeps about rows of total: fewer providers in each council (the
// national chains first), then councils in a seeded order until the rows
// are reached.
func (g *generator) trim(rows, total int) {
	keep := math.Sqrt(float64(rows) / float64(total))
	for _, s := range g.sites {
		have := map[string]int{}
		for _, p := range s.pres {
			have[p.service]++
		}
		kept := map[string]int{}
		var out []presence
		for _, p := range s.pres {
			if kept[p.service] < max(1, int(math.Round(float64(have[p.service])*keep))) {
				kept[p.service]++
				out = append(out, p)
			}
		}
		s.pres = out
	}
	r := newStream().at(g.seed, key("council-order"))
	var chosen []*site
	sum := 0
	var closest *site // the site that best tops up the rows, if none fits
	for _, i := range r.Perm(len(g.sites)) {
		s := g.sites[i]
		n := g.siteRows(s)
		switch {
		case n == 0:
		case sum+n <= rows:
			chosen = append(chosen, s)
			sum += n
		case closest == nil || n < g.siteRows(closest):
			closest = s
		}
	}
	if closest != nil && (len(chosen) == 0 || sum+g.siteRows(closest)-rows < rows-sum) {
		chosen = append(chosen, closest)
	}
	slices.SortFunc(chosen, func(a, b *site) int { return cmpString(a.council.Code, b.council.Code) })
	g.sites = chosen
}

// extend adds earlier quarters until there are about rows, up to
// MaxPeriods.
func (g *generator) extend(rows int) {
	for len(g.periods) < MaxPeriods {
		before := g.count()
		if before >= rows {
			return
		}
		g.periods = append([]schemas.Period{g.periods[0].Previous()}, g.periods...)
		if after := g.count(); after > rows && after-rows > rows-before {
			g.periods = g.periods[1:]
			return
		}
	}
}

// grow adds small local providers until there are about rows.
func (g *generator) grow(all []*schemas.Council, rows, total int) {
	twice := g.sitesFor(all, buildMarket(g.seed, all, g.services, 2))
	saved := g.sites
	g.sites = twice
	perUnit := g.count() - total // rows one natural set of agencies adds
	g.sites = saved
	if perUnit <= 0 {
		return
	}
	// Rows grow almost linearly with the scale; rounding the number of
	// agencies in each council bends the line a little, so refine twice.
	scale := 1.0
	for range 3 {
		scale = max(1, scale+float64(rows-total)/float64(perUnit))
		g.sites = g.sitesFor(all, buildMarket(g.seed, all, g.services, scale))
		if total = g.count(); math.Abs(float64(total-rows)) < 0.01*float64(rows) {
			return
		}
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// writers is how many files are written at once.
const writers = 16

// write writes the plan into dir.
func (g *generator) write(dir string, oneFile bool) (Summary, error) {
	sum := Summary{Periods: g.periods}
	providers := map[string]bool{}
	for _, s := range g.sites {
		if g.siteRows(s) == 0 {
			continue
		}
		sum.Councils++
		for _, p := range s.pres {
			providers[p.prov.id] = true
		}
	}
	sum.Providers = len(providers)
	if oneFile {
		w := &rowsWriter{g: g, s: newStream(), fields: make([]string, len(schemas.Columns))}
		err := schemas.WriteFileAtomic(filepath.Join(dir, OneFileName), func(f io.Writer) error {
			bw := bufio.NewWriterSize(f, 256<<10)
			cw := &csvWriter{w: bw, comma: ','}
			if err := cw.write(schemas.Columns); err != nil {
				return err
			}
			for _, s := range g.sites {
				st := canonicalStyle()
				own := newStyle(g.seed, w.s, s.council, g.councils, g.periods)
				st.missRate, st.suppressSmall, st.noteRate = own.missRate, own.suppressSmall, own.noteRate
				cells := w.cells(s)
				for _, p := range g.periods {
					if !existed(s.council, p) {
						continue
					}
					if err := w.rows(cw, st, s, cells, p, &sum); err != nil {
						return err
					}
				}
			}
			return bw.Flush()
		})
		if err != nil {
			return sum, fmt.Errorf("write %s: %w", OneFileName, err)
		}
		sum.Files = 1
		return sum, nil
	}

	// Each file is fsynced before it is renamed into place, so the time
	// goes in waiting for the disk; several writers overlap the waits.
	// Every file's bytes depend only on its council and period, so the
	// order they are written in does not matter.
	jobs := make(chan *site)
	parts := make([]Summary, writers)
	errs := make([]error, writers)
	var failed atomic.Bool
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &rowsWriter{g: g, s: newStream(), fields: make([]string, len(schemas.Columns))}
			for s := range jobs {
				if failed.Load() {
					continue
				}
				if err := w.site(dir, s, &parts[i]); err != nil {
					errs[i] = err
					failed.Store(true)
				}
			}
		}()
	}
	for _, s := range g.sites {
		jobs <- s
	}
	close(jobs)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return sum, err
	}
	for _, p := range parts {
		sum.Files += p.Files
		sum.Rows += p.Rows
		sum.Suppressed += p.Suppressed
		sum.Missing += p.Missing
	}
	return sum, nil
}

// site writes a council's files, one per period.
func (w *rowsWriter) site(dir string, s *site, sum *Summary) error {
	st := newStyle(w.g.seed, w.s, s.council, w.g.councils, w.g.periods)
	cells := w.cells(s)
	for _, p := range w.g.periods {
		if !existed(s.council, p) {
			continue
		}
		name := s.council.Code + "_" + p.ID + ".csv"
		err := schemas.WriteFileAtomic(filepath.Join(dir, name), func(f io.Writer) error {
			return w.file(f, st, s, cells, p, sum)
		})
		if err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		sum.Files++
	}
	return nil
}
