package site

import (
	"bytes"
	"cmp"
	"html"
	"html/template"
	"math"
	"slices"
	"strconv"

	"github.com/yardstick-open/yardstick/schemas"
)

// The charts are drawn here as inline SVG: no script, no file of their
// own, styled by the site's stylesheet through classes (the server's
// Content-Security-Policy allows no inline style). Each has a <title> and
// a <desc> saying in words what it shows, and the page beside it has the
// same figures in a table.

// scale maps a domain [d0, d1] onto a range [r0, r1] of pixels, linearly
// or on a log scale.
type scale struct {
	d0, d1, r0, r1 float64
	log            bool
}

// at returns the pixel of v.
func (s scale) at(v float64) float64 {
	d0, d1 := s.d0, s.d1
	if s.log {
		v, d0, d1 = math.Log10(v), math.Log10(d0), math.Log10(d1)
	}
	if d1 == d0 {
		return (s.r0 + s.r1) / 2
	}
	return s.r0 + (v-d0)/(d1-d0)*(s.r1-s.r0)
}

// The funnel plot's size and margins, in pixels of its viewBox.
const (
	funnelW, funnelH              = 640.0, 360.0
	funnelLeft, funnelRight       = 72.0, 16.0
	funnelTop, funnelBottom       = 16.0, 48.0
	funnelInset                   = 8.0 // between the plot's edge and the extreme data
	funnelMinDenominator, spineW  = 1.0, 240.0
	spineH, spineTop, spineBottom = 28.0, 6.0, 22.0
)

// funnelPoint is a row on a funnel plot.
type funnelPoint struct {
	Value, Denominator float64
	Band               string
}

// funnelScales returns the scales of a funnel plot of points and limits,
// and the values to mark on its value axis: denominators on a log scale
// across the plot's width, values on a linear scale up its height (higher
// values higher). The value scale runs from a round value at or below the
// least point or limit to one at or above the greatest, each a tick, so
// every point is drawn inside the axes and the axis is labelled at both
// ends; both scales leave funnelInset to spare at the plot's edges.
func funnelScales(points []funnelPoint, limits []schemas.FunnelLimit) (x, y scale, yTicks []float64) {
	dMin, dMax := math.Inf(1), math.Inf(-1)
	vMin, vMax := math.Inf(1), math.Inf(-1)
	see := func(d, v float64) {
		if d >= funnelMinDenominator {
			dMin, dMax = math.Min(dMin, d), math.Max(dMax, d)
		}
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			vMin, vMax = math.Min(vMin, v), math.Max(vMax, v)
		}
	}
	for _, p := range points {
		see(p.Denominator, p.Value)
	}
	for _, l := range limits {
		see(l.Denominator, l.Lower998)
		see(l.Denominator, l.Upper998)
	}
	if math.IsInf(dMin, 0) {
		dMin, dMax = 1, 10
	}
	if math.IsInf(vMin, 0) {
		vMin, vMax = 0, 1
	}
	yTicks = niceTicks(vMin, vMax, 5)
	if len(yTicks) > 1 {
		vMin, vMax = yTicks[0], yTicks[len(yTicks)-1]
	}
	x = scale{d0: dMin, d1: dMax, r0: funnelLeft + funnelInset, r1: funnelW - funnelRight - funnelInset, log: true}
	y = scale{d0: vMin, d1: vMax, r0: funnelH - funnelBottom - funnelInset, r1: funnelTop + funnelInset}
	return x, y, yTicks
}

// funnelSVG draws a funnel plot: each point a row's value against its
// denominator, and the national value with its 95% and 99.8% control
// limits. Points that fall on the same pixel are drawn once. id makes the
// chart's element ids unique on its page; title and desc say what it shows.
func funnelSVG(buf *bytes.Buffer, id string, points []funnelPoint, limits []schemas.FunnelLimit, unit schemas.Unit, title, desc string) template.HTML {
	buf.Reset()
	x, y, yTicks := funnelScales(points, limits)
	w := svgWriter{buf}
	w.open("chart funnel", "0 0 640 360", id, title, desc)
	// Axes and ticks.
	bottom, left := funnelH-funnelBottom, funnelLeft
	w.s(`<g class="axis"><path d="M`)
	w.n(left)
	w.s(` `)
	w.n(funnelTop)
	w.s(`V`)
	w.n(bottom)
	w.s(`H`)
	w.n(funnelW - funnelRight)
	w.s(`"/>`)
	yLabels := tickLabels(yTicks, unit)
	for i, t := range yTicks {
		py := y.at(t)
		w.s(`<text x="`)
		w.n(left - 6)
		w.s(`" y="`)
		w.n(py + 4)
		w.s(`" text-anchor="end">`)
		w.s(html.EscapeString(yLabels[i]))
		w.s(`</text><path class="grid" d="M`)
		w.n(left)
		w.s(" ")
		w.n(py)
		w.s("H")
		w.n(funnelW - funnelRight)
		w.s(`"/>`)
	}
	for t := math.Pow(10, math.Floor(math.Log10(x.d0))); t <= x.d1; t *= 10 {
		if t < x.d0 {
			continue
		}
		px := x.at(t)
		w.s(`<text x="`)
		w.n(px)
		w.s(`" y="`)
		w.n(bottom + 16)
		w.s(`" text-anchor="middle">`)
		w.s(formatInt(int64(t)))
		w.s(`</text>`)
	}
	w.s(`<text x="`)
	w.n((funnelLeft + funnelW - funnelRight) / 2)
	w.s(`" y="`)
	w.n(funnelH - 8)
	w.s(`" text-anchor="middle">Denominator (log scale)</text></g>`)
	// Control limits.
	if len(limits) > 0 {
		px, py := make([]float64, len(limits)), make([]float64, len(limits))
		for i, l := range limits {
			px[i] = roundTenth(x.at(math.Max(l.Denominator, x.d0)))
		}
		curve := func(class string, f func(schemas.FunnelLimit) float64) {
			for i, l := range limits {
				py[i] = roundTenth(y.at(f(l)))
			}
			w.s(`<path class="` + class + `" d="`)
			for k, i := range simplify(px, py, curveTolerance) {
				if k == 0 {
					w.s("M")
				} else {
					w.s("L")
				}
				w.n(px[i])
				w.s(" ")
				w.n(py[i])
			}
			w.s(`"/>`)
		}
		curve("target", func(l schemas.FunnelLimit) float64 { return l.Target })
		curve("lim95", func(l schemas.FunnelLimit) float64 { return l.Lower95 })
		curve("lim95", func(l schemas.FunnelLimit) float64 { return l.Upper95 })
		curve("lim998", func(l schemas.FunnelLimit) float64 { return l.Lower998 })
		curve("lim998", func(l schemas.FunnelLimit) float64 { return l.Upper998 })
	}
	// Points, one path per band, each point a zero-length stroke whose
	// cap draws it; outliers are drawn square, the rest round. A point
	// after the first is a move relative to the one before, in order of
	// x: a national table's points were most of its page's bytes, and a
	// short difference takes fewer than the coordinates.
	bands := map[string][]funnelPoint{}
	for _, p := range points {
		if p.Denominator >= funnelMinDenominator {
			bands[bandClass(p.Band)] = append(bands[bandClass(p.Band)], p)
		}
	}
	for _, b := range []string{"similar", "not_compared", "higher", "lower", "better", "worse"} {
		ps := bands[b]
		if len(ps) == 0 {
			continue
		}
		at := make([][2]int, 0, len(ps))
		for _, p := range ps {
			at = append(at, [2]int{int(math.Round(x.at(p.Denominator))), int(math.Round(y.at(p.Value)))})
		}
		slices.SortFunc(at, func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
		at = slices.Compact(at)
		w.s(`<path class="pt ` + b + `" d="M`)
		w.i(at[0][0])
		w.s(" ")
		w.i(at[0][1])
		w.s("h0")
		for i := 1; i < len(at); i++ {
			dx, dy := at[i][0]-at[i-1][0], at[i][1]-at[i-1][1]
			w.s("m")
			w.i(dx)
			if dy >= 0 {
				w.s(" ") // a minus sign separates the numbers itself
			}
			w.i(dy)
			w.s("h0")
		}
		w.s(`"/>`)
	}
	w.s(`</svg>`)
	return template.HTML(buf.String())
}

// bandClass is the class a band's points and cells are drawn with.
func bandClass(band string) string {
	switch band {
	case "better", "worse", "similar", "higher", "lower":
		return band
	}
	return "not_compared"
}

// niceTicks returns about n round values, evenly spaced, from the
// greatest at or below lo to the least at or above hi: lo and hi lie
// within the first and last.
func niceTicks(lo, hi float64, n int) []float64 {
	if !(hi > lo) {
		return []float64{lo}
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	first, last := math.Floor(lo/step+1e-9), math.Ceil(hi/step-1e-9)
	out := make([]float64, 0, int(last-first)+1)
	for k := first; k <= last; k++ {
		out = append(out, k*step)
	}
	return out
}

// tickLabels writes evenly spaced ticks in unit, all with the same
// decimals and as many as their spacing needs: ticks every 0.25 read 13.75
// and 14.00, where a figure's own formatting (one decimal for 13.75) would
// label two ticks alike or put a tick on the wrong value. A percentage
// keeps at least one decimal and pounds two, as figures in those units do.
func tickLabels(ticks []float64, unit schemas.Unit) []string {
	if len(ticks) < 2 {
		out := make([]string, len(ticks))
		for i := range ticks {
			out[i] = formatValue(&ticks[i], unit)
		}
		return out
	}
	step, d := ticks[1]-ticks[0], 0
	for ; d < 6; d++ {
		scaled := step * math.Pow(10, float64(d))
		if math.Abs(scaled-math.Round(scaled)) < 1e-6*scaled {
			break
		}
	}
	out := make([]string, len(ticks))
	for i, t := range ticks {
		if math.Abs(t) < 1e-9*step {
			t = 0 // k*step rounding can leave -0 or 1e-17 at zero
		}
		switch unit {
		case schemas.UnitPercent:
			out[i] = formatFloat(t, max(d, 1)) + "%"
		case schemas.UnitGBP:
			if t < 0 {
				out[i] = "−£" + formatFloat(-t, max(d, 2))
			} else {
				out[i] = "£" + formatFloat(t, max(d, 2))
			}
		default:
			out[i] = formatFloat(t, d)
		}
	}
	return out
}

// spine is what a spine chart shows: the national distribution, from the
// least to the greatest value, and one value on it.
type spine struct {
	Min, Q1, Median, Q3, Max, Value float64
	// Flip draws greater values on the left, so that better is always on
	// the right (lower_is_better).
	Flip bool
}

// spineSVG draws a spine chart in the style of Public Health England's
// Fingertips: the national range as a bar, its middle half darker, the
// median a line, and the value a diamond.
func spineSVG(buf *bytes.Buffer, id string, s spine, title, desc string) template.HTML {
	buf.Reset()
	sc := scale{d0: s.Min, d1: s.Max, r0: 8, r1: spineW - 8}
	if s.Flip {
		sc.r0, sc.r1 = sc.r1, sc.r0
	}
	w := svgWriter{buf}
	w.open("chart spine", "0 0 240 28", id, title, desc)
	rect := func(class string, a, b float64) {
		l, r := math.Min(sc.at(a), sc.at(b)), math.Max(sc.at(a), sc.at(b))
		w.s(`<rect class="` + class + `" x="`)
		w.n(l)
		w.s(`" y="`)
		w.n(spineTop)
		w.s(`" width="`)
		w.n(math.Max(r-l, 1))
		w.s(`" height="`)
		w.n(spineH - spineTop - 6)
		w.s(`"/>`)
	}
	rect("range", s.Min, s.Max)
	rect("iqr", s.Q1, s.Q3)
	mx := sc.at(s.Median)
	w.s(`<path class="median" d="M`)
	w.n(mx)
	w.s(" 2V")
	w.n(spineH - 2)
	w.s(`"/>`)
	vx := sc.at(math.Min(math.Max(s.Value, math.Min(s.Min, s.Max)), math.Max(s.Min, s.Max)))
	cy := (spineTop + spineH - 6) / 2
	w.s(`<path class="value" d="M`)
	w.n(vx)
	w.s(" ")
	w.n(cy - 7)
	w.s("l7 7l-7 7l-7-7z")
	w.s(`"/></svg>`)
	return template.HTML(buf.String())
}

// svgWriter writes SVG text with numbers to one decimal.
type svgWriter struct{ b *bytes.Buffer }

func (w svgWriter) s(s string) { w.b.WriteString(s) }

// open starts an svg element of class and viewBox with the title and
// description a screen reader announces for it; id makes their element
// ids unique on the page.
func (w svgWriter) open(class, viewBox, id, title, desc string) {
	w.s(`<svg class="` + class + `" viewBox="` + viewBox + `" role="img" aria-labelledby="`)
	w.s(id + `-t ` + id + `-d"><title id="` + id + `-t">`)
	w.s(html.EscapeString(title))
	w.s(`</title><desc id="` + id + `-d">`)
	w.s(html.EscapeString(desc))
	w.s(`</desc>`)
}

func (w svgWriter) n(v float64) {
	w.b.Write(strconv.AppendFloat(w.b.AvailableBuffer(), roundTenth(v), 'f', -1, 64))
}

// roundTenth rounds v to a tenth, the precision charts are written in.
func roundTenth(v float64) float64 { return math.Round(v*10) / 10 }

// curveTolerance is how far, in the units of a chart's viewBox (a pixel
// at its natural size), a funnel plot's limit may be drawn from a point
// of it that simplify leaves out: less than a third of the thinnest line.
const curveTolerance = 0.25

// simplify returns, in order, the indexes of the points (xs[i], ys[i]) of
// a polyline to keep so that every point left out lies within tol of the
// line drawn through those kept (Ramer-Douglas-Peucker). A funnel plot's
// limits are smooth curves of a hundred points and its target a straight
// line: drawn through every point, they took about 5.5 KB a plot, a
// ninth of a page of tables (BENCHMARKS.md).
func simplify(xs, ys []float64, tol float64) []int {
	n := len(xs)
	if n <= 2 {
		keep := make([]int, n)
		for i := range keep {
			keep[i] = i
		}
		return keep
	}
	kept := make([]bool, n)
	kept[0], kept[n-1] = true, true
	type span struct{ lo, hi int }
	stack := []span{{0, n - 1}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		far, at := -1.0, -1
		for i := s.lo + 1; i < s.hi; i++ {
			if d := segmentDistance(xs[i], ys[i], xs[s.lo], ys[s.lo], xs[s.hi], ys[s.hi]); d > far {
				far, at = d, i
			}
		}
		if far > tol {
			kept[at] = true
			stack = append(stack, span{s.lo, at}, span{at, s.hi})
		}
	}
	var keep []int
	for i, k := range kept {
		if k {
			keep = append(keep, i)
		}
	}
	return keep
}

// segmentDistance is the distance from (x, y) to the segment from (x0, y0)
// to (x1, y1).
func segmentDistance(x, y, x0, y0, x1, y1 float64) float64 {
	dx, dy := x1-x0, y1-y0
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = max(0, min(1, ((x-x0)*dx+(y-y0)*dy)/l))
	}
	return math.Hypot(x-(x0+t*dx), y-(y0+t*dy))
}

func (w svgWriter) i(v int) { w.b.Write(strconv.AppendInt(w.b.AvailableBuffer(), int64(v), 10)) }

// intervalRow is a row of an interval chart: a labelled value with its
// 95% and 99.8% intervals, any of them missing.
type intervalRow struct {
	Label                           string
	Value, Lo95, Hi95, Lo998, Hi998 *float64
	Band                            string
}

// The interval chart's size and margins, in pixels of its viewBox.
const (
	intervalW, intervalRowH     = 640.0, 28.0
	intervalLeft, intervalRight = 96.0, 16.0
	intervalTop, intervalBottom = 8.0, 40.0
	intervalInset               = 8.0
)

// intervalDirection says which way an interval chart of a metric of
// polarity runs and which side is better, as a sentence for its text
// alternative: a reader who cannot see the chart, or who sees the scale
// fall from left to right, is told why.
func intervalDirection(polarity schemas.Polarity) string {
	switch polarity {
	case schemas.HigherIsBetter:
		return "Higher is better, so better figures lie to the right."
	case schemas.LowerIsBetter:
		return "Lower is better, so the scale runs from highest on the left to lowest on the right: better figures lie to the right."
	}
	return "Neither direction is better; the scale runs from lowest on the left to highest on the right."
}

// intervalSVG draws rows side by side on one value scale, as Fingertips
// draws areas against England: each row's 99.8% interval a thin line, its
// 95% interval a thicker one, its value a mark shaped by its band, and
// England's value (national, when known) a line down the chart. A row
// without a value keeps its label and draws nothing, so the rows line up
// with the table beside the chart.
//
// Better is on the right whatever the metric's polarity, as on the
// provider pages' spine charts: when lower is better the scale runs from
// the greatest value on the left to the least on the right, and a
// "Better →" under the row labels says so to a reader who sees it. When
// neither direction is better it runs from least to greatest and says
// nothing of better.
func intervalSVG(buf *bytes.Buffer, id string, rows []intervalRow, national *float64, unit schemas.Unit, polarity schemas.Polarity, title, desc string) template.HTML {
	buf.Reset()
	lo, hi := math.Inf(1), math.Inf(-1)
	see := func(v *float64) {
		if v != nil && !math.IsNaN(*v) && !math.IsInf(*v, 0) {
			lo, hi = math.Min(lo, *v), math.Max(hi, *v)
		}
	}
	for _, r := range rows {
		for _, v := range []*float64{r.Value, r.Lo95, r.Hi95, r.Lo998, r.Hi998} {
			see(v)
		}
	}
	see(national)
	if math.IsInf(lo, 0) {
		lo, hi = 0, 1
	}
	ticks := niceTicks(lo, hi, 5)
	if len(ticks) > 1 {
		lo, hi = ticks[0], ticks[len(ticks)-1]
	}
	height := intervalTop + intervalRowH*float64(len(rows)) + intervalBottom
	x := scale{d0: lo, d1: hi, r0: intervalLeft + intervalInset, r1: intervalW - intervalRight - intervalInset}
	if polarity == schemas.LowerIsBetter {
		x.r0, x.r1 = x.r1, x.r0
	}
	w := svgWriter{buf}
	w.open("chart intervals", "0 0 640 "+strconv.Itoa(int(height)), id, title, desc)
	bottom := height - intervalBottom
	w.s(`<g class="axis"><path d="M`)
	w.n(intervalLeft)
	w.s(" ")
	w.n(bottom)
	w.s("H")
	w.n(intervalW - intervalRight)
	w.s(`"/>`)
	labels := tickLabels(ticks, unit)
	for i, t := range ticks {
		w.vline("grid", x.at(t), intervalTop, bottom, bottom+16, labels[i])
	}
	if polarity == schemas.HigherIsBetter || polarity == schemas.LowerIsBetter {
		// On England's row of the axis, but under the row labels, where
		// England's label (at least intervalInset right of the plot's
		// left edge, centred) cannot reach it.
		w.s(`<text class="direction" x="`)
		w.n(intervalLeft - 24)
		w.s(`" y="`)
		w.n(bottom + 32)
		w.s(`" text-anchor="end">Better →</text>`)
	}
	w.s(`</g>`)
	for i, r := range rows {
		cy := intervalTop + intervalRowH*(float64(i)+0.5)
		w.s(`<text class="label" x="`)
		w.n(intervalLeft - 8)
		w.s(`" y="`)
		w.n(cy + 4)
		w.s(`" text-anchor="end">`)
		w.s(html.EscapeString(r.Label))
		w.s(`</text>`)
		bar := func(class string, a, b *float64) {
			if a == nil || b == nil {
				return
			}
			// Left to right whichever way the scale runs.
			l, r := math.Min(x.at(*a), x.at(*b)), math.Max(x.at(*a), x.at(*b))
			w.s(`<path class="` + class + `" d="M`)
			w.n(l)
			w.s(" ")
			w.n(cy)
			w.s("H")
			w.n(r)
			w.s(`"/>`)
		}
		bar("ci998", r.Lo998, r.Hi998)
		bar("ci95", r.Lo95, r.Hi95)
		if r.Value != nil {
			w.s(`<path class="pt ` + bandClass(r.Band) + `" d="M`)
			w.n(x.at(*r.Value))
			w.s(" ")
			w.n(cy)
			w.s(`h0"/>`)
		}
	}
	if national != nil {
		w.vline("target", x.at(*national), intervalTop, bottom, bottom+32, "England")
	}
	w.s(`</svg>`)
	return template.HTML(buf.String())
}

// vline writes a vertical line of class from top to bottom at x, with
// label centred under it at labelY: a grid line and its tick, or
// England's value.
func (w svgWriter) vline(class string, x, top, bottom, labelY float64, label string) {
	w.s(`<path class="` + class + `" d="M`)
	w.n(x)
	w.s(" ")
	w.n(top)
	w.s("V")
	w.n(bottom)
	w.s(`"/><text x="`)
	w.n(x)
	w.s(`" y="`)
	w.n(labelY)
	w.s(`" text-anchor="middle">`)
	w.s(html.EscapeString(label))
	w.s(`</text>`)
}
