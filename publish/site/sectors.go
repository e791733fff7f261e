package site

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/schemas"
)

// The sectors pages set public, voluntary, private and PLC providers side
// by side for each metric: the level playing field commissioners are asked
// to keep between kinds of provider. They are built from the
// sector_benchmarks table (read with the figures each sector has, so that a
// sector whose figures were all withheld says so) and are few and small:
// one page per metric and period with a chart and a table per service, the
// latest period's copied at the metric's URL, and an index of every metric
// in its latest period.

// sectorOrder is the order sectors are shown in, the providers table's
// words; a sector the register knows by another word follows them.
var sectorOrder = []string{"public", "voluntary", "private", "plc"}

// sectorTitle names a sector for a reader.
func sectorTitle(sector string) string {
	switch sector {
	case "plc":
		return "PLC"
	case "":
		return "No sector"
	}
	return strings.ToUpper(sector[:1]) + sector[1:]
}

// sectorWord names a sector inside a sentence.
func sectorWord(sector string) string {
	if sector == "plc" {
		return "PLC"
	}
	return sector
}

// sectorPages queues the sectors pages: one per metric and period with
// sector figures, the latest period's copy at the metric's own URL, and the
// index of every metric in its latest period.
func (s *siteData) sectorPages(o *output) error {
	byPeriod := map[[2]string][]duckdb.SiteSector{}
	periods := map[string][]string{}
	for _, x := range s.sectors {
		k := [2]string{x.Metric, x.Period}
		if _, ok := byPeriod[k]; !ok {
			periods[x.Metric] = append(periods[x.Metric], x.Period)
		}
		byPeriod[k] = append(byPeriod[k], x)
	}
	index := SectorsPage{Meta: s.meta("sectors", "Providers by sector", SectorsURL), Groups: []SectorGroup{},
		CSV: TableURL(SectorsURL), Charts: true}
	var latest [][]duckdb.SiteSector
	for _, m := range s.metrics {
		ps := periods[m.ID]
		if len(ps) == 0 {
			continue
		}
		slices.SortFunc(ps, func(a, b string) int { return cmp.Compare(s.periodRank[a], s.periodRank[b]) })
		for _, period := range ps {
			rows := byPeriod[[2]string{m.ID, period}]
			if err := o.do(func(r *renderer) error { return s.writeSectorPeriod(o, r, ps, rows) }); err != nil {
				return err
			}
		}
		latest = append(latest, byPeriod[[2]string{m.ID, ps[len(ps)-1]}])
	}
	return o.do(func(r *renderer) error {
		var all []duckdb.SiteSector
		for _, rows := range latest {
			index.Groups = append(index.Groups, s.sectorGroups(&r.svg, "sectors-"+strconv.Itoa(len(index.Groups)+1), rows)...)
			all = append(all, rows...)
		}
		// Every group's URL is its metric's page in the period shown.
		for i := range index.Groups {
			g := &index.Groups[i]
			g.URL = SectorPeriodURL(g.Metric.ID, g.Period)
		}
		table, err := sectorsCSV(&r.json, all)
		if err != nil {
			return err
		}
		if err := o.write(index.CSV, table, false); err != nil {
			return err
		}
		if _, written, err := s.writeIfFits(o, r, o.limit, "sectors", SectorsURL, index); err != nil || written {
			return err
		}
		// Too long with a chart a group: the charts stay on the metrics'
		// pages, which the index links to.
		index.Charts = false
		for i := range index.Groups {
			index.Groups[i].Chart = ""
		}
		return s.writeSimple(o, r, "sectors", SectorsURL, index)
	})
}

// writeSectorPeriod writes the sectors page of a metric in one period,
// whose rows are rows, its CSV, and, for the latest of the metric's
// periods ps, its copy at the metric's URL.
func (s *siteData) writeSectorPeriod(o *output, r *renderer, ps []string, rows []duckdb.SiteSector) error {
	metric, period := rows[0].Metric, rows[0].Period
	ref := s.metricRef(metric, "")
	url := SectorPeriodURL(metric, period)
	p := SectorsPage{Meta: s.meta("sectors", ref.Title+" by sector, "+periodLabel(period), url,
		Link{Title: "Providers by sector", URL: SectorsURL}, Link{Title: ref.Title, URL: SectorMetricURL(metric)}),
		Metric: &ref, Period: period, PeriodLabel: periodLabel(period), LeagueURL: MetricPeriodURL(metric, period),
		Charts: true, CSV: TableURL(url)}
	for _, q := range ps {
		p.Periods = append(p.Periods, PeriodLink{Period: q, Label: periodLabel(q), URL: SectorPeriodURL(metric, q), Current: q == period})
	}
	p.Groups = s.sectorGroups(&r.svg, "sectors", rows)
	table, err := sectorsCSV(&r.json, rows)
	if err != nil {
		return err
	}
	if err := o.write(p.CSV, table, false); err != nil {
		return err
	}
	if err := s.writeSimple(o, r, "sectors", url, p); err != nil {
		return err
	}
	if ps[len(ps)-1] != period {
		return nil
	}
	p.Latest = true
	p.URL = SectorMetricURL(metric)
	p.Root, p.Twin = Root(p.URL), JSONURL(p.URL)
	p.Crumbs = p.Crumbs[:2]
	return s.writeSimple(o, r, "sectors", p.URL, p)
}

// sectorGroups returns the groups of one metric and period, a group a
// service, from its rows (in order of service), each with its chart;
// idPrefix and the group's number make the chart's ids unique on a page.
func (s *siteData) sectorGroups(buf *bytes.Buffer, idPrefix string, rows []duckdb.SiteSector) []SectorGroup {
	var groups []SectorGroup
	for start := 0; start < len(rows); {
		end := start
		for end < len(rows) && rows[end].Service == rows[start].Service {
			end++
		}
		groups = append(groups, s.sectorGroup(buf, idPrefix+"-"+strconv.Itoa(len(groups)+1), rows[start:end]))
		start = end
	}
	return groups
}

// sectorGroup returns one metric, period and service's sectors: the four
// of sectorOrder whether they have figures or not, then any other.
func (s *siteData) sectorGroup(buf *bytes.Buffer, chartID string, rows []duckdb.SiteSector) SectorGroup {
	first := rows[0]
	m, ok := s.metricBy[first.Metric]
	if !ok {
		m = &schemas.Metric{ID: first.Metric, Title: first.Metric}
	}
	g := SectorGroup{Metric: s.metricRef(first.Metric, ""), Period: first.Period, PeriodLabel: periodLabel(first.Period),
		Service: first.Service, ServiceTitle: s.service(first.Service), Sectors: []SectorView{}}
	bySector := map[string]duckdb.SiteSector{}
	for _, x := range rows {
		if x.Sector == "" {
			g.Unsectored += x.NFigures
			continue
		}
		bySector[x.Sector] = x
		if g.NationalValue == nil && x.NationalValue != nil {
			g.NationalValue = x.NationalValue
		}
	}
	order := slices.Clone(sectorOrder)
	var others []string
	for sec := range bySector {
		if !slices.Contains(sectorOrder, sec) {
			others = append(others, sec)
		}
	}
	slices.Sort(others)
	for _, sec := range append(order, others...) {
		x, ok := bySector[sec]
		if !ok {
			x = duckdb.SiteSector{Metric: first.Metric, Period: first.Period, Service: first.Service, Sector: sec}
		}
		g.Sectors = append(g.Sectors, SectorView{SiteSector: x, Title: sectorTitle(sec), Note: sectorNote(&x, m.Kind)})
	}
	g.Sentence = sectorSentence(&g, m)
	var chart []intervalRow
	for _, v := range g.Sectors {
		chart = append(chart, intervalRow{Label: v.Title, Value: v.Value, Lo95: v.CI95Lower, Hi95: v.CI95Upper,
			Lo998: v.CI998Lower, Hi998: v.CI998Upper, Band: v.BandNational})
	}
	g.ChartID = chartID
	g.ChartText = fmt.Sprintf("Each sector's figure for %s, %s, in %s, pooled across its providers: the value a mark, "+
		"the 95%% interval a thick line and the 99.8%% interval a thin one, against England's value for providers, the line "+
		"down the chart. A sector whose 99.8%% interval lies wholly to one side of England's line differs from England by "+
		"more than chance would explain; its mark is square. A sector without a figure has no mark. %s", m.Title, g.ServiceTitle, g.PeriodLabel,
		intervalDirection(m.Polarity))
	g.Chart = intervalSVG(buf, chartID, chart, g.NationalValue, m.Unit, m.Polarity, "Sectors against England: "+m.Title+", "+g.ServiceTitle, g.ChartText)
	return g
}

// hasInterval reports whether a metric of kind has intervals, and so
// sectors banded against England.
func hasInterval(kind schemas.Kind) bool {
	return kind == schemas.KindProportion || kind == schemas.KindRate
}

// sectorNote says why a sector's figure is missing or not compared, and
// how many of its figures were withheld or not available; "" when there
// is nothing to say.
func sectorNote(x *duckdb.SiteSector, kind schemas.Kind) string {
	switch {
	case x.NFigures == 0:
		return "No figures from providers of this sector."
	case x.NRows == 0:
		if x.NBlank == 1 {
			return "Its one figure was withheld or not available."
		}
		return "All " + formatInt(x.NBlank) + " of its figures were withheld or not available."
	}
	var note string
	if bandWords(x.BandNational) == "Not compared" {
		note = "Not compared: " + notComparedWhy(x, kind) + "."
	}
	if x.NBlank > 0 {
		note = strings.TrimSpace(note + " " + plural(int(x.NBlank), "more figure", "more figures") + " withheld or not available.")
	}
	return note
}

// notComparedWhy says why a sector with figures has no band.
func notComparedWhy(x *duckdb.SiteSector, kind schemas.Kind) string {
	switch {
	case !hasInterval(kind):
		return "the metric has no interval"
	case x.NRows < schemas.MinGroupRows:
		return fmt.Sprintf("too few figures, %s where %d are needed", formatInt(x.NRows), schemas.MinGroupRows)
	case x.NationalValue == nil:
		return "England has no value"
	}
	return fmt.Sprintf("fewer than %d of its figures give counts", schemas.MinGroupRows)
}

// sectorSentence says in a sentence how each sector of g compared with
// England: better or worse by the metric's polarity, higher or lower when
// neither direction is better.
func sectorSentence(g *SectorGroup, m *schemas.Metric) string {
	var b strings.Builder
	b.WriteString("In " + g.PeriodLabel)
	if g.NationalValue != nil {
		b.WriteString(", England's figure for providers was " + formatValue(g.NationalValue, m.Unit))
	}
	b.WriteString(": ")
	for i, v := range g.Sectors {
		if i > 0 {
			b.WriteString("; ")
		}
		who := sectorWord(v.Sector) + " providers"
		switch {
		case v.NFigures == 0:
			b.WriteString(who + " had no figures")
			continue
		case v.NRows == 0:
			b.WriteString(who + "' figures were all withheld or not available")
			continue
		}
		b.WriteString(who + "' " + formatValue(v.Value, m.Unit))
		switch v.BandNational {
		case "better", "worse", "higher", "lower":
			b.WriteString(" was significantly " + v.BandNational + " than England's")
		case "similar":
			b.WriteString(" was similar to England's")
		default:
			b.WriteString(" could not be compared (" + notComparedWhy(&v.SiteSector, m.Kind) + ")")
		}
	}
	b.WriteString(".")
	switch {
	case g.Unsectored == 1:
		b.WriteString(" 1 figure from a provider of no known sector is left out.")
	case g.Unsectored > 1:
		b.WriteString(" " + formatInt(g.Unsectored) + " figures from providers of no known sector are left out.")
	}
	return b.String()
}

// sectorsCSV writes the sector_benchmarks rows among rows (those of a
// sector with a figure) as CSV, with the table's columns, as the release's
// sector-benchmarks.csv.gz writes them.
func sectorsCSV(buf *bytes.Buffer, rows []duckdb.SiteSector) ([]byte, error) {
	buf.Reset()
	cols, err := sectorColumns()
	if err != nil {
		return nil, err
	}
	w := csv.NewWriter(buf)
	rec := make([]string, len(cols))
	for j, c := range cols {
		rec[j] = c.name
	}
	w.Write(rec)
	for i := range rows {
		if rows[i].Sector == "" || rows[i].NRows == 0 {
			continue // not a row of sector_benchmarks
		}
		v := reflect.ValueOf(&rows[i]).Elem()
		for j, c := range cols {
			rec[j] = csvCell(c, v.Field(c.field))
		}
		w.Write(rec)
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// sectorColumns maps the registry's sector_benchmarks columns to the
// fields of duckdb.SiteSector, once.
var sectorColumns = sync.OnceValues(func() ([]csvColumn, error) {
	return tableColumns[duckdb.SiteSector]("sector_benchmarks")
})

// tableColumns maps the registry's columns of table to the fields of T by
// their JSON names; a column without a field is an error, since the row
// type and the registry then disagree.
func tableColumns[T any](table string) ([]csvColumn, error) {
	t, ok := schemas.PublicTable(table)
	if !ok {
		return nil, fmt.Errorf("no public table %s", table)
	}
	fields := map[string]int{}
	rt := reflect.TypeFor[T]()
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		fields[name] = i
	}
	out := make([]csvColumn, len(t.Columns))
	for i, c := range t.Columns {
		f, ok := fields[c.Name]
		if !ok {
			return nil, fmt.Errorf("%s column %s has no field in %s", table, c.Name, rt)
		}
		out[i] = csvColumn{c.Name, f}
	}
	return out, nil
}
