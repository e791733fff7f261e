package sample

import (
	"bufio"
	"io"
	"math"
	"slices"

	"github.com/yardstick-open/yardstick/schemas"
)

// notes are the remarks councils attach to figures. Some hold commas, so
// they are quoted in comma-separated files, and one a pound sign.
var notes = []string{
	"Provider entered administration, packages transferred to other agencies",
	"Figures provisional, awaiting provider validation",
	"New contract from 1 April, not comparable with earlier quarters",
	"Includes reablement; excludes double-handed calls",
	"Provider under enhanced monitoring",
	"Data supplied late by provider",
	"Survey response rate low, treat with caution",
	"Recount after audit",
	"Includes £0.85 per hour uplift for travel time",
	"Staffing shortfall over the summer, agency cover used",
}

// encodingNote goes on the first row of every Windows-1252 file, so that
// the encoding matters: a pound sign and an en dash, both outside ASCII.
const encodingNote = "Figures provisional – contract values in £"

// cell is one provider (or the council itself) and one metric in a
// council: what its figures are drawn from in every period.
type cell struct {
	pres   *presence // nil for a council-wide figure
	metric *schemas.Metric
	prof   *profile
	effect float64 // standing on the metric, about N(0,1), positive is better
	key    uint64
}

// rowsWriter draws and writes rows. It keeps one row's fields and a
// scratch buffer, nothing more.
type rowsWriter struct {
	g       *generator
	s       *stream
	fields  []string
	ordered []string
	scratch []byte
}

// cells lists a site's cells in the order rows are written: by service in
// catalogue order, then provider name, then metric in catalogue order;
// council-wide figures last.
func (w *rowsWriter) cells(s *site) []cell {
	g := w.g
	pres := slices.Clone(s.pres)
	slices.SortStableFunc(pres, func(a, b presence) int {
		if d := g.order[a.service] - g.order[b.service]; d != 0 {
			return d
		}
		return cmpString(a.prov.name, b.prov.name)
	})
	var out []cell
	for i := range pres {
		p := &pres[i]
		for _, m := range g.metrics[p.service] {
			k := key(s.council.Code, p.prov.id, p.service, m.ID)
			// The provider's own level on the metric, shared by every
			// council it works in, and a smaller council-specific part.
			r := w.s.at(g.seed, key("provider-metric", p.prov.id, p.service, m.ID))
			own := r.NormFloat64()
			if r.Float64() < 0.025 { // an outlier, much better or worse
				if r.IntN(2) == 0 {
					own += 3
				} else {
					own -= 3
				}
			}
			local := w.s.at(g.seed, with(k, -1)).NormFloat64()
			out = append(out, cell{
				pres: p, metric: m, prof: g.profiles[m.ID], key: k,
				effect: 0.6*p.prov.quality + 0.75*own + 0.3*local,
			})
		}
	}
	if s.wide {
		for _, m := range g.metrics[svcASC] {
			k := key(s.council.Code, "", svcASC, m.ID)
			out = append(out, cell{metric: m, prof: g.profiles[m.ID], key: k,
				effect: w.s.at(g.seed, with(k, -1)).NormFloat64()})
		}
	}
	return out
}

// file writes one council's return for one period in its house style.
func (w *rowsWriter) file(f io.Writer, st *style, s *site, cells []cell, p schemas.Period, sum *Summary) error {
	bw := bufio.NewWriterSize(f, 64<<10)
	if st.bom {
		bw.WriteString("\ufeff")
	}
	cw := &csvWriter{w: bw, comma: st.comma, crlf: st.crlf, cp1252: st.cp1252}
	if st.preamble > 0 {
		r := w.s.at(w.g.seed, key("preamble", s.council.Code, p.ID))
		for _, line := range st.preambleRows(r, s.council, p) {
			row := []string{line}
			if st.padPreamble {
				row = append(row, make([]string, len(st.order)-1)...)
			}
			if err := cw.write(row); err != nil {
				return err
			}
		}
	}
	header := make([]string, len(st.order))
	for i, col := range st.order {
		header[i] = st.headers[col]
	}
	if err := cw.write(header); err != nil {
		return err
	}
	if err := w.rows(cw, st, s, cells, p, sum); err != nil {
		return err
	}
	return bw.Flush()
}

// periodKey numbers a period for stream keys: periods of different kinds
// that start together get different keys.
func periodKey(p schemas.Period) int64 {
	k := int64(0)
	switch p.Kind {
	case schemas.Month:
		k = 1
	case schemas.Year:
		k = 2
	}
	return monthIndex(p)*4 + k
}

func monthIndex(p schemas.Period) int64 {
	return int64(p.Start.Year())*12 + int64(p.Start.Month()) - 1
}

// refMonth is the first month of 2024-25 Q4, where trends are anchored.
const refMonth = 2025*12 + 0

// rows writes a site's rows for one period.
func (w *rowsWriter) rows(cw *csvWriter, st *style, s *site, cells []cell, p schemas.Period, sum *Summary) error {
	g := w.g
	c := s.council
	pk := periodKey(p)
	dq := float64(monthIndex(p)-refMonth) / 3 // quarters since the reference, <= 0 for the past
	span := 1.0                               // exposures are per quarter
	switch p.Kind {
	case schemas.Month:
		span = 1.0 / 3
	case schemas.Year:
		span = 4
	}
	f := w.fields
	f[0] = st.councilCell(c)
	f[6] = st.periodCell(p)
	first := st.cp1252
	var vol float64
	var volFor *presence
	// The council-wide totals this return adds, if it adds them, in the
	// order their first part was written.
	var totals []total
	withTotals := g.totals && w.s.at(g.seed, key("totals", c.Code)).Float64() < 0.5
	for i := range cells {
		cl := &cells[i]
		m := cl.metric
		if cl.pres != nil {
			if volFor != cl.pres {
				// The provider's volume this period, shared by its metrics,
				// so that visits are the same count for every visit metric.
				r := w.s.at(g.seed, with(cl.pres.key, pk))
				vol = span * max(0.3, math.Exp(0.06*r.NormFloat64())*(1+0.004*dq))
				volFor = cl.pres
			}
			f[1], f[2], f[3], f[4] = cl.pres.prov.id, cl.pres.prov.name, cl.pres.prov.sector, cl.pres.service
		} else {
			vol = span
			f[1], f[2], f[3], f[4] = "", "", "", svcASC
		}
		f[5] = m.ID
		r := w.s.at(g.seed, with(cl.key, pk))
		e := cl.effect + 0.15*r.NormFloat64()
		pf := cl.prof
		var num, den int64
		var x float64
		withCounts := m.NeedsCounts()
		if withCounts {
			size := 0.0
			svc := svcASC
			if cl.pres != nil {
				size, svc = cl.pres.size, cl.pres.service
			}
			num, den = counts(r, m, pf, svc, size, vol, c, pf.sigma*e+pf.trend*dq)
			x = m.Derive(num, den)
		} else {
			sector := ""
			if cl.pres != nil {
				sector = cl.pres.prov.sector
			}
			x = level(m, pf, c, sector, e, dq)
		}

		f[7], f[8], f[9], f[10] = "", "", "", ""
		u := r.Float64()
		if withTotals && withCounts && cl.pres != nil && u >= st.missRate {
			totals = addTotal(totals, cl.pres.service, m, num, den)
		}
		switch {
		case u < st.missRate:
			f[9] = st.missing
			sum.Missing++
		case u < st.missRate+0.0015 && cl.pres != nil:
			f[9] = "[c]"
			sum.Suppressed++
		case st.suppressSmall && cl.pres != nil && withCounts && m.Disclosure == schemas.DisclosureSmallCounts &&
			(num >= 1 && num <= 4 || den < 10):
			f[9] = "[c]"
			sum.Suppressed++
		default:
			if withCounts {
				f[7] = w.count(num, st.numbers.thousands)
				f[8] = w.count(den, st.numbers.thousands)
			}
			f[9] = w.figure(x, m, pf, st.numbers)
		}
		if r.Float64() < st.noteRate {
			f[10] = notes[r.IntN(len(notes))]
		}
		if first {
			f[10] = encodingNote
			first = false
		}

		if err := w.emit(cw, st, sum); err != nil {
			return err
		}
	}
	for _, t := range totals {
		f[1], f[2], f[3], f[4], f[5] = "", "", "", t.service, t.metric.ID
		f[7] = w.count(t.num, st.numbers.thousands)
		f[8] = w.count(t.den, st.numbers.thousands)
		f[9] = w.figure(t.metric.Derive(t.num, t.den), t.metric, g.profiles[t.metric.ID], st.numbers)
		f[10] = ""
		if err := w.emit(cw, st, sum); err != nil {
			return err
		}
	}
	return nil
}

// emit writes the row in w.fields in the style's column order.
func (w *rowsWriter) emit(cw *csvWriter, st *style, sum *Summary) error {
	w.ordered = w.ordered[:0]
	for _, col := range st.order {
		w.ordered = append(w.ordered, w.fields[col])
	}
	if err := cw.write(w.ordered); err != nil {
		return err
	}
	sum.Rows++
	return nil
}

// total is a council-wide total of one service and metric being summed.
type total struct {
	service  string
	metric   *schemas.Metric
	num, den int64
}

// addTotal adds a part's counts to the total of its service and metric,
// starting one if it is the first part. A return has a few dozen totals
// at most, so a list searched from the end (where the current service's
// are) is enough.
func addTotal(ts []total, service string, m *schemas.Metric, num, den int64) []total {
	for i := len(ts) - 1; i >= 0; i-- {
		if ts[i].service == service && ts[i].metric == m {
			ts[i].num += num
			ts[i].den += den
			return ts
		}
	}
	return append(ts, total{service: service, metric: m, num: num, den: den})
}

func (w *rowsWriter) count(n int64, thousands bool) string {
	w.scratch = formatCount(w.scratch[:0], n, thousands)
	return string(w.scratch)
}

func (w *rowsWriter) figure(x float64, m *schemas.Metric, pf *profile, ns numberStyle) string {
	lo, hi := math.Inf(-1), math.Inf(1)
	if m.Min != nil {
		lo = *m.Min
	}
	if m.Max != nil {
		hi = *m.Max
	}
	decimals := 1
	if !m.NeedsCounts() {
		decimals = pf.decimals
	}
	w.scratch = formatFigure(w.scratch[:0], x, decimals, lo, hi, ns, m.Unit == schemas.UnitPercent, m.Unit == schemas.UnitGBP)
	return string(w.scratch)
}
