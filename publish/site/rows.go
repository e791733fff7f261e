package site

import (
	"html"
	"html/template"
	"strings"
)

// RowsHTML writes the rows of a metric's league table. The table is most
// of a metric page's bytes, and writing its rows here rather than through
// the template runs several times faster; the cells are the same as the
// template would write, text escaped by html.EscapeString.
func (p MetricPage) RowsHTML() template.HTML {
	var b strings.Builder
	b.Grow(len(p.Rows) * 640)
	unit := p.Metric.Unit
	esc := html.EscapeString
	num := func(key, text string) {
		b.WriteString(`<td class="num" data-v="`)
		b.WriteString(key)
		b.WriteString(`">`)
		b.WriteString(text)
		b.WriteString(`</td>`)
	}
	link := func(url, text string) {
		if url == "" {
			b.WriteString(esc(text))
			return
		}
		b.WriteString(`<a href="`)
		b.WriteString(esc(p.Root + url))
		b.WriteString(`">`)
		b.WriteString(esc(text))
		b.WriteString(`</a>`)
	}
	for i := range p.Rows {
		r := &p.Rows[i]
		b.WriteString(`<tr><th scope="row">`)
		if r.ProviderURL != "" {
			link(r.ProviderURL, r.ProviderName)
		} else {
			b.WriteString("Council-wide")
		}
		b.WriteString(`</th><td>`)
		link(r.CouncilURL, r.CouncilName)
		b.WriteString(`</td><td>`)
		b.WriteString(esc(r.Region))
		b.WriteString(`</td><td>`)
		b.WriteString(esc(r.Service))
		b.WriteString(`</td><td class="num" data-v="`)
		b.WriteString(sortKey(r.Value))
		b.WriteString(`">`)
		b.WriteString(esc(formatValue(r.Value, unit)))
		if r.Status != "" {
			b.WriteString(` <abbr title="`)
			b.WriteString(esc(markerTitle(r.Status)))
			b.WriteString(`">`)
			b.WriteString(esc(markers(r.Status)))
			b.WriteString(`</abbr>`)
		}
		b.WriteString(`</td><td>`)
		b.WriteString(esc(formatInterval(r.CI95Lower, r.CI95Upper, unit)))
		b.WriteString(`</td><td>`)
		b.WriteString(esc(formatInterval(r.CI998Lower, r.CI998Upper, unit)))
		b.WriteString(`</td><td class="band `)
		b.WriteString(bandClass(r.BandNational))
		b.WriteString(`">`)
		b.WriteString(bandWords(r.BandNational))
		b.WriteString(`</td>`)
		num(sortKey(r.PercentileRank), formatRank(r.PercentileRank))
		num(sortKeyInt(r.Numerator), formatCount(r.Numerator))
		num(sortKeyInt(r.Denominator), formatCount(r.Denominator))
		b.WriteString(`<td>`)
		b.WriteString(esc(r.Note))
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String())
}
