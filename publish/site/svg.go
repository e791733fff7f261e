package site

import (
	"bytes"
	"html"
	"html/template"
	"math"
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
	for _, t := range yTicks {
		py := y.at(t)
		w.s(`<text x="`)
		w.n(left - 6)
		w.s(`" y="`)
		w.n(py + 4)
		w.s(`" text-anchor="end">`)
		w.s(html.EscapeString(formatValue(&t, unit)))
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
		curve := func(class string, f func(schemas.FunnelLimit) float64) {
			w.s(`<path class="` + class + `" d="`)
			for i, l := range limits {
				if i == 0 {
					w.s("M")
				} else {
					w.s("L")
				}
				w.n(x.at(math.Max(l.Denominator, x.d0)))
				w.s(" ")
				w.n(y.at(f(l)))
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
	// cap draws it; outliers are drawn square, the rest round.
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
		w.s(`<path class="pt ` + b + `" d="`)
		seen := map[[2]int]bool{}
		for _, p := range ps {
			px, py := int(math.Round(x.at(p.Denominator))), int(math.Round(y.at(p.Value)))
			if seen[[2]int{px, py}] {
				continue
			}
			seen[[2]int{px, py}] = true
			w.s("M")
			w.i(px)
			w.s(" ")
			w.i(py)
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
	v = math.Round(v*10) / 10
	w.b.Write(strconv.AppendFloat(w.b.AvailableBuffer(), v, 'f', -1, 64))
}

func (w svgWriter) i(v int) { w.b.Write(strconv.AppendInt(w.b.AvailableBuffer(), int64(v), 10)) }
