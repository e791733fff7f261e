package site

import (
	"html"
	"html/template"
	"strings"
	"sync"

	"github.com/yardstick-open/yardstick/schemas"
)

// The rows of the league tables, providers' and councils' tables are
// written here rather than through the templates: the tables are most of
// the site's bytes, and writing them in Go runs several times faster. Text
// is escaped by html.EscapeString. The markup is as light as HTML allows,
// since a row is written hundreds of thousands of times: cells and rows
// are not closed (HTML closes a cell at the next cell or row, and a row at
// the next row or the table body's end), a number's cell is right-aligned
// by its sort key (td[data-v] in site.css) rather than a class, and a
// region's part of a league table has no region column.

// RowsHTML writes the rows of a metric's league table.
func (p MetricPage) RowsHTML() template.HTML {
	w := newRowWriter(p.Root, len(p.Rows))
	unit := p.Metric.Unit
	region := p.RegionColumn()
	for i := range p.Rows {
		r := &p.Rows[i]
		w.s(`<tr><th scope="row">`)
		if r.ProviderURL != "" {
			w.link(r.ProviderURL, r.ProviderName)
		} else {
			w.s("Council-wide")
		}
		w.s(`<td>`)
		w.link(r.CouncilURL, r.CouncilName)
		if region {
			w.s(`<td>`)
			w.text(r.Region)
		}
		w.s(`<td>`)
		w.text(r.ServiceTitle)
		w.value(r, unit)
		w.interval(r.CI95Lower, r.CI95Upper, unit)
		w.interval(r.CI998Lower, r.CI998Upper, unit)
		w.band(r.BandNational)
		w.num(sortKey(r.PercentileRank), formatRank(r.PercentileRank))
		w.count(r.Numerator)
		w.count(r.Denominator)
		w.s(`<td>`)
		w.text(r.Note)
		w.s("\n")
	}
	return w.html()
}

// RegionColumn says whether the league table has a region column: a
// region's part of a split table shows one region, which its heading
// names.
func (p MetricPage) RegionColumn() bool { return p.Part == nil }

// RowsHTML writes the rows of a provider's table of its figure in each
// council, for a page whose way back to the root is root.
func (sec ProviderSection) RowsHTML(root string) template.HTML {
	w := newRowWriter(root, len(sec.Rows))
	for i := range sec.Rows {
		r := &sec.Rows[i]
		w.s(`<tr><th scope="row">`)
		w.link(r.CouncilURL, r.CouncilName)
		w.value(r, r.Unit)
		w.interval(r.CI95Lower, r.CI95Upper, r.Unit)
		w.band(r.BandNational)
		w.band(r.BandRegion)
		w.band(r.BandSimilar)
		w.count(r.Numerator)
		w.count(r.Denominator)
		w.s("\n")
	}
	return w.html()
}

// RowsHTML writes the rows of a council's table of one service, for a
// page whose way back to the root is root.
func (sv CouncilService) RowsHTML(root string) template.HTML {
	w := newRowWriter(root, len(sv.Rows))
	for i := range sv.Rows {
		r := &sv.Rows[i]
		w.s(`<tr><th scope="row">`)
		w.link(r.MetricURL, r.MetricTitle)
		w.s(`<td>`)
		w.text(r.Period)
		w.s(`<td>`)
		if r.ProviderURL != "" {
			w.link(r.ProviderURL, r.ProviderName)
		} else {
			w.s("Council-wide")
		}
		w.value(r, r.Unit)
		w.interval(r.CI95Lower, r.CI95Upper, r.Unit)
		w.band(r.BandNational)
		w.band(r.BandSimilar)
		w.count(r.Denominator)
		w.s("\n")
	}
	return w.html()
}

// TrendHTML writes the rows of a provider's table of its pooled figure by
// period, for a page whose way back to the root is root.
func (sec ProviderSection) TrendHTML(root string) template.HTML {
	w := newRowWriter(root, len(sec.Trend)/2)
	unit := sec.Metric.Unit
	for i := range sec.Trend {
		t := &sec.Trend[i]
		w.s(`<tr><th scope="row">`)
		w.link(t.URL, t.PeriodLabel)
		w.s(`<td class="num">`)
		w.text(formatValue(t.Value, unit))
		w.interval(t.CI95Lower, t.CI95Upper, unit)
		w.band(t.Band)
		w.s(`<td class="num">`)
		w.s(formatInt(t.NCouncils))
		w.s("\n")
	}
	return w.html()
}

// markerList is the list of the GSS markers and their meanings that
// every page's legend shows, written once.
var markerList = sync.OnceValue(func() template.HTML {
	var b strings.Builder
	for _, st := range schemas.Statuses {
		b.WriteString("<dt>" + html.EscapeString(st.Bracketed()) + "</dt><dd>" + html.EscapeString(st.Label()) + "</dd>")
	}
	return template.HTML(b.String())
})

// ProvidersHTML writes the list items of the providers a council
// commissions for a service, for a page whose way back to the root is
// root: a national chain's list is long.
func (sv CouncilService) ProvidersHTML(root string) template.HTML {
	w := newRowWriter(root, len(sv.Providers)/8)
	for _, p := range sv.Providers {
		w.s(`<li>`)
		w.link(p.URL, p.Name)
		if p.Sector != "" {
			w.s(` (`)
			w.text(p.Sector)
			w.s(`)`)
		}
		w.s(`</li>`)
	}
	return w.html()
}

// linksHTML writes links as list items, a link without a URL as text.
func linksHTML(root string, links []Link) template.HTML {
	w := newRowWriter(root, len(links)/8)
	for _, l := range links {
		w.s(`<li>`)
		w.link(l.URL, l.Title)
		w.s(`</li>`)
	}
	return w.html()
}

// partsHTML writes the parts of a split table as list items, each a link
// saying which rows it holds, the current page's marked as such, and an
// item saying which pages the list leaves out where it skips some
// (nearParts).
func partsHTML(root string, parts []Part) template.HTML {
	w := newRowWriter(root, len(parts)/4)
	for _, p := range parts {
		if p.Skipped > 0 {
			w.s(`<li>`)
			w.s(skippedText(p))
			w.s(`</li>`)
		}
		w.s(`<li><a href="`)
		w.text(root + p.URL)
		if p.Current {
			w.s(`" aria-current="page">`)
		} else {
			w.s(`">`)
		}
		w.text(p.Title)
		w.s(`</a> (`)
		w.s(p.Span())
		w.s(`)</li>`)
	}
	return w.html()
}

// skippedText says which pages a list of parts leaves out before p, and
// how to reach them.
func skippedText(p Part) string {
	first, last := p.Page-p.Skipped, p.Page-1
	if first == last {
		return "Page " + formatInt(int64(first)) + " is not listed here, but each page links to those either side of it."
	}
	return "Pages " + formatInt(int64(first)) + " to " + formatInt(int64(last)) + " are not listed here, but each page links to those either side of it."
}

// rowWriter writes table rows for a page whose way back to the root is
// root.
type rowWriter struct {
	b    strings.Builder
	root string
}

func newRowWriter(root string, rows int) *rowWriter {
	w := &rowWriter{root: root}
	w.b.Grow(rows * 400)
	return w
}

func (w *rowWriter) html() template.HTML { return template.HTML(w.b.String()) }

func (w *rowWriter) s(s string) { w.b.WriteString(s) }

func (w *rowWriter) text(s string) { w.b.WriteString(html.EscapeString(s)) }

// link writes text as a link to url, or as text when url is "".
func (w *rowWriter) link(url, text string) {
	if url == "" {
		w.text(text)
		return
	}
	w.s(`<a href="`)
	w.text(w.root + url)
	w.s(`">`)
	w.text(text)
	w.s(`</a>`)
}

// num writes a number's cell with the key the table script sorts it by,
// which also right-aligns it.
func (w *rowWriter) num(key, text string) {
	w.s(`<td data-v="`)
	w.s(key)
	w.s(`">`)
	w.s(text)
}

// count writes a count's cell.
func (w *rowWriter) count(n *int64) {
	w.num(sortKeyInt(n), formatCount(n))
}

// value writes a row's value cell with its markers.
func (w *rowWriter) value(r *RowView, unit schemas.Unit) {
	w.s(`<td data-v="`)
	w.s(sortKey(r.Value))
	w.s(`">`)
	w.text(formatValue(r.Value, unit))
	if r.Status != "" {
		w.s(` <abbr title="`)
		w.text(markerTitle(r.Status))
		w.s(`">`)
		w.text(markers(r.Status))
		w.s(`</abbr>`)
	}
}

func (w *rowWriter) interval(lo, hi *float64, unit schemas.Unit) {
	w.s(`<td>`)
	w.text(formatInterval(lo, hi, unit))
}

// band writes a band's cell: its class for the colour, its words beside.
func (w *rowWriter) band(band string) {
	w.s(`<td class="band `)
	w.s(bandClass(band))
	w.s(`">`)
	w.s(bandWords(band))
}
