package site

import (
	"bytes"
	"cmp"
	"context"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/schemas"
)

// benchKey names a benchmark: a metric, period, service and level.
type benchKey struct{ metric, period, service, level string }

// siteData is what every page is built from, read from the release once
// before any page is rendered.
type siteData struct {
	in       Input
	info     ReleaseInfo
	baseURL  string
	openAPI  []byte
	metrics  []schemas.Metric
	metricBy map[string]*schemas.Metric
	periods  []schemas.PeriodRow
	// periodRank orders periods as the release does, earliest first.
	periodRank map[string]int
	bench      map[benchKey]*duckdb.SiteBenchmark
	limits     map[benchKey][]schemas.FunnelLimit
	// metricPeriods are the periods each metric has rows in, in order.
	metricPeriods map[string][]string
	councils      []duckdb.SiteCouncil
	councilBy     map[string]*duckdb.SiteCouncil
	providers     []schemas.ProviderRow
	similar       map[string][]duckdb.SiteSimilar
	commissioned  map[string][]duckdb.SiteCouncilProvider
	serviceTitle  map[string]string
	// sectors are every metric, period and service's sectors, in order;
	// sectorPeriods the metric and periods among them.
	sectors       []duckdb.SiteSector
	sectorPeriods map[[2]string]bool

	mu        sync.Mutex
	headlines map[string]Headline // by metric, its latest period
	pageURLs  []string
}

// load reads what the site needs besides the comparison rows, which are
// streamed page by page.
func load(ctx context.Context, in Input) (*siteData, error) {
	r := in.Reader
	s := &siteData{in: in, metricBy: map[string]*schemas.Metric{}, periodRank: map[string]int{},
		bench: map[benchKey]*duckdb.SiteBenchmark{}, limits: map[benchKey][]schemas.FunnelLimit{},
		metricPeriods: map[string][]string{}, councilBy: map[string]*duckdb.SiteCouncil{},
		similar: map[string][]duckdb.SiteSimilar{}, commissioned: map[string][]duckdb.SiteCouncilProvider{},
		serviceTitle: map[string]string{}, headlines: map[string]Headline{}, sectorPeriods: map[[2]string]bool{}}
	if in.Release != nil {
		s.info = ReleaseInfo{ID: in.Release.ID, Created: in.Release.Created, Previous: in.Release.Previous}
	}
	if in.Catalogue != nil {
		for _, sv := range in.Catalogue.Services {
			s.serviceTitle[sv.ID] = sv.Title
		}
	}
	var err error
	if s.metrics, err = r.Metrics(ctx); err != nil {
		return nil, err
	}
	for i := range s.metrics {
		s.metricBy[s.metrics[i].ID] = &s.metrics[i]
	}
	if s.periods, err = r.Periods(ctx); err != nil {
		return nil, err
	}
	for i, p := range s.periods {
		s.periodRank[p.Period] = i
	}
	benches, err := r.AllBenchmarks(ctx)
	if err != nil {
		return nil, err
	}
	for i := range benches {
		b := &benches[i]
		s.bench[benchKey{b.Metric, b.Period, b.Service, b.Level}] = b
		ps := s.metricPeriods[b.Metric]
		if !slices.Contains(ps, b.Period) {
			s.metricPeriods[b.Metric] = append(ps, b.Period)
		}
	}
	for m, ps := range s.metricPeriods {
		slices.SortFunc(ps, func(a, b string) int { return cmp.Compare(s.periodRank[a], s.periodRank[b]) })
		s.metricPeriods[m] = ps
	}
	limits, err := r.AllFunnelLimits(ctx)
	if err != nil {
		return nil, err
	}
	for start := 0; start < len(limits); {
		l := limits[start]
		end := start
		for end < len(limits) && limits[end].Metric == l.Metric && limits[end].Period == l.Period &&
			limits[end].Service == l.Service && limits[end].Level == l.Level {
			end++
		}
		s.limits[benchKey{l.Metric, l.Period, l.Service, l.Level}] = limits[start:end:end]
		start = end
	}
	if s.councils, err = r.AllCouncils(ctx); err != nil {
		return nil, err
	}
	for i := range s.councils {
		s.councilBy[s.councils[i].CouncilCode] = &s.councils[i]
	}
	if s.providers, err = r.AllProviders(ctx); err != nil {
		return nil, err
	}
	similar, err := r.AllSimilar(ctx)
	if err != nil {
		return nil, err
	}
	for _, x := range similar {
		s.similar[x.CouncilCode] = append(s.similar[x.CouncilCode], x)
	}
	commissioned, err := r.AllCouncilProviders(ctx)
	if err != nil {
		return nil, err
	}
	for _, x := range commissioned {
		s.commissioned[x.CouncilCode] = append(s.commissioned[x.CouncilCode], x)
	}
	if s.sectors, err = r.AllSectors(ctx); err != nil {
		return nil, err
	}
	for _, x := range s.sectors {
		s.sectorPeriods[[2]string{x.Metric, x.Period}] = true
	}
	return s, nil
}

// meta returns the Meta of a page at url.
func (s *siteData) meta(kind, title, url string, crumbs ...Link) Meta {
	m := Meta{Kind: kind, Title: title, URL: url, Release: s.info, Root: Root(url), Twin: JSONURL(url),
		Crumbs: append([]Link{{Title: "Home", URL: HomeURL}}, crumbs...), Live: s.liveURL()}
	if s.openAPI != nil {
		m.API = APIURL
	}
	return m
}

// liveURL is where the live release's release.json is served: at the
// root of the host (yardstick serve serves the live release at / and
// every release at /releases/<id>/), or at BaseURL when it is set. It is
// the one URL of the site that is not relative, since it names the live
// release, which a page of an older one cannot reach relatively.
func (s *siteData) liveURL() string {
	if s.baseURL != "" {
		return strings.TrimSuffix(s.baseURL, "/") + "/" + schemas.ReleaseFile
	}
	return "/" + schemas.ReleaseFile
}

// noted records a page for the sitemap.
func (s *siteData) noted(url string) {
	s.mu.Lock()
	s.pageURLs = append(s.pageURLs, url)
	s.mu.Unlock()
}

func (s *siteData) service(id string) string {
	if t, ok := s.serviceTitle[id]; ok {
		return t
	}
	return id
}

func (s *siteData) metricRef(id, period string) MetricRef {
	ref := MetricRef{ID: id, Title: id, URL: MetricURL(id)}
	if m, ok := s.metricBy[id]; ok {
		ref.Title, ref.Unit, ref.Polarity = m.Title, m.Unit, m.Polarity
	}
	if period != "" {
		ref.URL = MetricPeriodURL(id, period)
	}
	return ref
}

// councilURL is a council's page, or "" for a council without one (no
// observations in the release).
func (s *siteData) councilURL(code string) string {
	if c, ok := s.councilBy[code]; ok && c.HasData {
		return CouncilURL(code)
	}
	return ""
}

// view returns a row as a page shows it.
func (s *siteData) view(r *duckdb.SiteRow) RowView {
	v := RowView{SiteRow: *r, CouncilURL: s.councilURL(r.CouncilCode), MetricURL: MetricPeriodURL(r.Metric, r.Period),
		ServiceTitle: s.service(r.Service)}
	if r.ProviderID != "" {
		v.ProviderURL = ProviderURL(r.ProviderID)
	}
	if m, ok := s.metricBy[r.Metric]; ok {
		v.MetricTitle, v.Unit = m.Title, m.Unit
	}
	if v.CouncilName == "" {
		v.CouncilName = r.CouncilCode
	}
	return v
}

// build writes every page.
func (s *siteData) build(ctx context.Context, o *output) error {
	if err := o.writeAssets(); err != nil {
		return err
	}
	if err := s.writeAbout(o); err != nil {
		return err
	}
	if err := s.sectorPages(o); err != nil {
		return err
	}
	// One scan at a time: each sorts the comparison rows in the reader's
	// memory, which a server's reader cannot spill and a publish's spills
	// only at a cost in time, so two at once could run a million-row
	// release out of it; the workers render meanwhile.
	if err := s.metricPages(ctx, o); err != nil {
		return err
	}
	if err := s.councilPages(ctx, o); err != nil {
		return err
	}
	if err := s.providerPages(ctx, o); err != nil {
		return err
	}
	notFound := struct{ Meta }{s.meta("not_found", "Page not found", NotFoundURL)}
	// Served at any address that has no page, it is no page to find in
	// a newer release.
	notFound.Twin, notFound.Live = "", ""
	if err := o.do(func(r *renderer) error {
		html, err := r.render("notfound", notFound)
		if err != nil {
			return err
		}
		return o.write(NotFoundURL, html, true)
	}); err != nil {
		return err
	}
	if err := s.writeSearch(o); err != nil {
		return err
	}
	// Every page but the home and downloads pages is queued by now:
	// writeFinal writes those and the sitemap.
	return nil
}

// writeAbout queues the pages about the release: the methodology, the
// history of releases and what this one changed, and the API.
func (s *siteData) writeAbout(o *output) error {
	method, err := s.methodologyPage()
	if err != nil {
		return err
	}
	changes := s.changeRows()
	releases := s.releasesPage(len(changes) > 0)
	err = o.do(func(r *renderer) error {
		if err := s.writeSimple(o, r, "methodology", MethodologyURL, method); err != nil {
			return err
		}
		if err := s.writeSimple(o, r, "releases", ReleasesURL, releases); err != nil {
			return err
		}
		if len(changes) > 0 {
			return s.writeChanges(o, r, changes)
		}
		return nil
	})
	if err != nil || s.openAPI == nil {
		return err
	}
	api, err := s.apiPage(s.openAPI)
	if err != nil {
		return err
	}
	return o.do(func(r *renderer) error { return s.writeSimple(o, r, "api", APIURL, api) })
}

// writeFinal waits for the release's data files when publish is still
// writing them, then writes the downloads page, which lists them, the
// home page, which describes them to search engines as the downloads page
// does, and the sitemap, which lists every page. It runs once every other
// page is written, and returns how long it waited.
func (s *siteData) writeFinal(ctx context.Context, o *output) (time.Duration, error) {
	var waited time.Duration
	if s.in.DataFiles != nil {
		start := time.Now()
		sums, err := s.in.DataFiles()
		waited = time.Since(start)
		if err != nil {
			return waited, err
		}
		s.in.Sums = sums
	}
	if err := ctx.Err(); err != nil {
		return waited, err
	}
	downloads, err := s.downloadsPage(o)
	if err != nil {
		return waited, err
	}
	ld, err := s.datasetJSONLD(downloads.Files)
	if err != nil {
		return waited, err
	}
	downloads.JSONLD = ld
	var r renderer
	if err := s.writeSimple(o, &r, "downloads", DownloadsURL, downloads); err != nil {
		return waited, err
	}
	home := s.homePage()
	home.JSONLD = ld
	if err := s.writeSimple(o, &r, "home", HomeURL, home); err != nil {
		return waited, err
	}
	return waited, s.writeSitemap(o)
}

// writeSimple renders a page that is never split.
func (s *siteData) writeSimple(o *output, r *renderer, kind, url string, v any) error {
	html, err := r.render(kind, v)
	if err != nil {
		return err
	}
	s.noted(url)
	return o.writePage(r, url, html, v)
}

// writeIfFits renders a page that may have to be made shorter: when it
// is no larger than most bytes it writes it and reports written;
// otherwise it returns the rendering, whose size the caller splits the
// page by. A page of tables passes o.split, the size past which it is
// split; a page that can only drop its charts, o.limit.
func (s *siteData) writeIfFits(o *output, r *renderer, most int, kind, url string, v any) (html []byte, written bool, err error) {
	html, err = r.render(kind, v)
	if err != nil {
		return nil, false, err
	}
	if len(html) > most {
		return html, false, nil
	}
	s.noted(url)
	return html, true, o.writePage(r, url, html, v)
}

// paginateWithin splits a table with paginate under the first of limits
// (ascending) that the page around it, with its list of parts, leaves
// room for rows in.
func paginateWithin[V any](limits []int, sizes []int, estimate int, what string,
	render func(pages []span, i int) ([]byte, V, error)) (pages []span, htmls [][]byte, values []V, err error) {
	for _, limit := range limits {
		pages, htmls, values, err = paginate(limit, sizes, estimate, what, render)
		if !errors.Is(err, ErrPageTooLarge) {
			break
		}
	}
	return pages, htmls, values, err
}

// writePaginated splits rows into pages with paginateWithin and writes each
// page at its own URL. It returns the pages, from which the caller links
// the parts.
func writePaginated[V interface{ pageURL() string }](s *siteData, o *output, r *renderer, sizes []int, estimate int, what string,
	render func(pages []span, i int) ([]byte, V, error)) ([]span, error) {
	pages, htmls, values, err := paginateWithin(o.splits(), sizes, estimate, what, render)
	if err != nil {
		return nil, err
	}
	for i, v := range values {
		if err := o.writePage(r, v.pageURL(), htmls[i], v); err != nil {
			return nil, err
		}
		s.noted(v.pageURL())
	}
	return pages, nil
}

// numberedPart returns the Meta of page i of a part whose pages list
// numbers (numberedList), under the crumb up, and the pages the page
// lists (listAt), with page i current and its own; the pages are nil when
// the part has only one, which then needs no numbering.
func (s *siteData) numberedPart(kind string, list *partList, pages []span, i int, up Link) (Meta, []Part, *Part) {
	parts := list.of(pages)
	meta := s.meta(kind, parts[i].Title, parts[i].URL, up)
	if len(pages) <= 1 {
		return meta, nil, nil
	}
	listed, own := listAt(parts, i)
	return meta, listed, own
}

// metricPages streams the comparison rows by metric and period and queues
// one page per metric and period, and a copy of the latest period's page
// at the metric's own URL.
func (s *siteData) metricPages(ctx context.Context, o *output) error {
	return s.eachGroup(ctx, duckdb.ByMetric, func(row *duckdb.SiteRow) groupKey {
		return groupKey{row.Metric, row.Period}
	}, func(group []RowView) error {
		s.countHeadline(group)
		return o.doRows(len(group), func(r *renderer) error { return s.writeMetric(o, r, group) })
	})
}

// councilPages streams each council's figures, each metric and service
// in its latest period, and queues the council's page. A council without
// a page (no observations of its own) is left out.
func (s *siteData) councilPages(ctx context.Context, o *output) error {
	return s.eachGroup(ctx, duckdb.ByCouncil, func(row *duckdb.SiteRow) groupKey {
		return groupKey{row.CouncilCode}
	}, func(group []RowView) error {
		c, ok := s.councilBy[group[0].CouncilCode]
		if !ok || !c.HasData {
			return nil
		}
		return o.doRows(len(group), func(r *renderer) error { return s.writeCouncil(o, r, c, group) })
	})
}

// A groupKey is what the rows of one page share: a metric and period, a
// council's code or a provider's id.
type groupKey [2]string

// eachGroup streams the comparison rows in order by and calls page with
// each run of rows of one key. A page's rows are its own, so page may keep
// them. The keys must rise strictly: a key seen again after another would
// write its page twice, the second over the first, so it is an error.
func (s *siteData) eachGroup(ctx context.Context, by duckdb.SiteOrder, key func(row *duckdb.SiteRow) groupKey,
	page func(group []RowView) error) error {
	// The rows gather in one slice reused from group to group and each
	// group is handed on as an exact copy: growing a new slice for each
	// group by doubling allocated twice the rows, and a RowView is 632
	// bytes before its strings, so that was two fifths of the bytes the
	// site allocated. The pages queue a group with its rows counted
	// (output.doRows), so that the groups waiting are bounded by rows.
	var rows []RowView
	var last groupKey
	err := s.in.Reader.EachSiteRow(ctx, by, func(row *duckdb.SiteRow) error {
		k := key(row)
		if len(rows) > 0 && k != last {
			if cmp.Or(cmp.Compare(k[0], last[0]), cmp.Compare(k[1], last[1])) < 0 {
				return fmt.Errorf("website: in %s order, the comparison rows of %q came after those of %q", by, k, last)
			}
			group := slices.Clone(rows)
			rows = rows[:0]
			if err := page(group); err != nil {
				return err
			}
		}
		rows = append(rows, s.view(row))
		last = k
		return nil
	})
	if err != nil || len(rows) == 0 {
		return err
	}
	return page(rows)
}

// countHeadline records the band counts of a metric's latest period for
// the home page.
func (s *siteData) countHeadline(rows []RowView) {
	metric, period := rows[0].Metric, rows[0].Period
	ps := s.metricPeriods[metric]
	if len(ps) == 0 || ps[len(ps)-1] != period {
		return
	}
	var byLevel [2]BandCounts // provider, council
	for _, r := range rows {
		if r.ProviderID != "" {
			byLevel[0].add(r.BandNational)
		} else {
			byLevel[1].add(r.BandNational)
		}
	}
	h := Headline{Metric: s.metricRef(metric, ""), Period: period, PeriodLabel: periodLabel(period),
		Level: "provider", Bands: byLevel[0]}
	if byLevel[0].Rows == 0 {
		h.Level, h.Bands = "council", byLevel[1]
	}
	h.Sentence = bandSentence(h.Bands, h.Level, h.PeriodLabel, h.Metric.Polarity)
	s.mu.Lock()
	s.headlines[metric] = h
	s.mu.Unlock()
}

// bandSentence says in a sentence how the rows compared with England.
func bandSentence(c BandCounts, level, period string, polarity schemas.Polarity) string {
	noun := "provider figures"
	if level == "council" {
		noun = "council-wide figures"
	}
	compared := c.Compared()
	var b strings.Builder
	switch {
	case compared == 0:
		fmt.Fprintf(&b, "In %s, none of the %s %s could be compared with England: the metric has no interval, or the figures lack counts.",
			period, formatInt(int64(c.Rows)), noun)
		return b.String()
	case polarity == schemas.NoPolarity:
		fmt.Fprintf(&b, "In %s, of %s %s compared with England, %s significantly higher and %s significantly lower; %s similar.",
			period, formatInt(int64(compared)), noun, were(c.Higher), formatInt(int64(c.Lower)), were(c.Similar))
	default:
		fmt.Fprintf(&b, "In %s, of %s %s compared with England, %s significantly better and %s significantly worse; %s similar.",
			period, formatInt(int64(compared)), noun, were(c.Better), formatInt(int64(c.Worse)), were(c.Similar))
	}
	if c.NotCompared > 0 {
		fmt.Fprintf(&b, " %s could not be compared (no counts, or the figure is withheld).", plural(c.NotCompared, "more", "more"))
	}
	return b.String()
}

// were writes "1 was" or "3 were".
func were(n int) string {
	if n == 1 {
		return "1 was"
	}
	return formatInt(int64(n)) + " were"
}

// rowOrder sorts a league table: by service, providers before
// council-wide figures, then best first by percentile rank (blanks last),
// then by name.
func rowOrder(a, b *RowView) int {
	if c := cmp.Compare(a.Service, b.Service); c != 0 {
		return c
	}
	if c := boolCmp(a.ProviderID == "", b.ProviderID == ""); c != 0 {
		return c
	}
	switch {
	case a.PercentileRank != nil && b.PercentileRank == nil:
		return -1
	case a.PercentileRank == nil && b.PercentileRank != nil:
		return 1
	case a.PercentileRank != nil && *a.PercentileRank != *b.PercentileRank:
		return cmp.Compare(*b.PercentileRank, *a.PercentileRank)
	}
	if c := cmp.Compare(a.ProviderName, b.ProviderName); c != 0 {
		return c
	}
	return cmp.Compare(a.CouncilName, b.CouncilName)
}

// sortRows sorts rows stably by order. A RowView is large, so it sorts
// their indexes and then moves each row once, in place, cycle by cycle,
// rather than into a copy of the table that is copied back: the rows of a
// national metric's period are megabytes, and those copies were a good
// part of the site's allocations.
func sortRows(rows []RowView, order func(a, b *RowView) int) {
	idx := make([]int32, len(rows))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(a, b int32) int { return order(&rows[a], &rows[b]) })
	// Row i is to hold the row now at idx[i]; a placed row's index is
	// marked -1.
	for start := range idx {
		if idx[start] < 0 || int(idx[start]) == start {
			continue
		}
		held := rows[start]
		i := start
		for {
			from := int(idx[i])
			idx[i] = -1
			if from == start {
				rows[i] = held
				break
			}
			rows[i] = rows[from]
			i = from
		}
	}
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// writeMetric writes the pages of one metric in one period: the period's
// page, its copy at the metric's URL when the period is the latest, the
// table's CSV, and, when the table is too long for one page, a page per
// region (and per page of a long region).
func (s *siteData) writeMetric(o *output, r *renderer, rows []RowView) error {
	metric, period := rows[0].Metric, rows[0].Period
	m, ok := s.metricBy[metric]
	if !ok {
		m = &schemas.Metric{ID: metric, Title: metric}
	}
	sortRows(rows, rowOrder)
	url := MetricPeriodURL(metric, period)
	p := MetricPage{
		Meta:   s.meta("metric", m.Title+", "+periodLabel(period), url, Link{Title: m.Title, URL: MetricURL(metric)}),
		Metric: *m, Period: period, PeriodLabel: periodLabel(period), PeriodURL: url,
		Total: len(rows), Rows: rows, CSV: TableURL(url),
	}
	if s.sectorPeriods[[2]string{metric, period}] {
		p.SectorsURL = SectorPeriodURL(metric, period)
	}
	ps := s.metricPeriods[metric]
	for _, q := range ps {
		p.Periods = append(p.Periods, PeriodLink{Period: q, Label: periodLabel(q), URL: MetricPeriodURL(metric, q), Current: q == period})
	}
	p.Groups = s.metricGroups(r, m, period, rows)
	table, err := comparisonsCSV(r.csv, rows)
	if err != nil {
		return err
	}
	r.csv = table
	if err := o.write(TableURL(url), table, false); err != nil {
		return err
	}
	// A table clearly too long for one page is split without rendering
	// it whole first: a national table of a thousand rows was rendered
	// twice.
	if guess := len(rows) * rowBytesGuess; guess > o.split*5/4 {
		return s.writeMetricParts(o, r, p, guess)
	}
	html, err := r.render("metric", p)
	if err != nil {
		return err
	}
	if len(html) > o.split {
		return s.writeMetricParts(o, r, p, len(html))
	}
	if err := o.writePage(r, url, html, p); err != nil {
		return err
	}
	s.noted(url)
	return s.writeLatest(o, r, p)
}

// rowBytesGuess is about what a row of a metric's table takes in HTML
// (330 bytes in a sample release).
const rowBytesGuess = 350

// writeLatest writes the copy of the latest period's page at the metric's
// own URL.
func (s *siteData) writeLatest(o *output, r *renderer, p MetricPage) error {
	ps := s.metricPeriods[p.Metric.ID]
	if len(ps) == 0 || ps[len(ps)-1] != p.Period {
		return nil
	}
	p.Latest = true
	p.URL = MetricURL(p.Metric.ID)
	p.Root, p.Twin = Root(p.URL), JSONURL(p.URL)
	p.Crumbs = p.Crumbs[:1]
	return s.writeSimple(o, r, "metric", p.URL, p)
}

// writeMetricParts splits a metric's table by region, and a region's rows
// into numbered pages when they are too many for one (paginate).
func (s *siteData) writeMetricParts(o *output, r *renderer, p MetricPage, fullSize int) error {
	// The rows by region, in the table's order within each: sorted in
	// place, since the period's page, written last, shows none of them.
	all := p.Rows
	sortRows(all, func(a, b *RowView) int { return cmp.Compare(cmp.Or(a.Region, "Other"), cmp.Or(b.Region, "Other")) })
	var regions []string
	var sizes []int
	for i := range all {
		if reg := cmp.Or(all[i].Region, "Other"); len(regions) == 0 || regions[len(regions)-1] != reg {
			regions = append(regions, reg)
			sizes = append(sizes, 0)
		}
		sizes[len(sizes)-1]++
	}
	groups := slices.Clone(p.Groups)
	for j := range groups {
		groups[j].Chart = ""
	}
	partsOf := func(pages []span) []Part {
		parts := make([]Part, len(pages))
		for i, pg := range pages {
			reg, title := regions[pg.group], regions[pg.group]
			if pg.pages > 1 {
				title = fmt.Sprintf("%s, page %d of %d", reg, pg.n, pg.pages)
			}
			parts[i] = pg.part(title, MetricPartURL(p.Metric.ID, p.Period, reg, pg.n))
		}
		return parts
	}
	what := p.Metric.ID + " in " + p.Period
	list := partList{build: partsOf}
	pages, err := writePaginated(s, o, r, sizes, fullSize, what, func(pages []span, i int) ([]byte, MetricPage, error) {
		q := p
		q.Parts, q.Part = listAt(list.of(pages), i)
		q.Meta = s.meta("metric", p.Metric.Title+", "+p.PeriodLabel+": "+q.Part.Title, q.Part.URL,
			Link{Title: p.Metric.Title, URL: MetricURL(p.Metric.ID)}, Link{Title: p.PeriodLabel, URL: p.URL})
		q.Rows = all[pages[i].lo:pages[i].hi]
		q.Groups = groups
		html, err := r.render("metric", q)
		return html, q, err
	})
	if err != nil {
		return err
	}
	p.Parts = nearParts(list.of(pages), -1)
	p.Rows = []RowView{}
	if err := s.writeSimple(o, r, "metric", p.URL, p); err != nil {
		return err
	}
	return s.writeLatest(o, r, p)
}

// metricGroups returns the funnel plots of a metric in a period: one per
// service and level with rows.
func (s *siteData) metricGroups(r *renderer, m *schemas.Metric, period string, rows []RowView) []MetricGroup {
	var groups []MetricGroup
	for start := 0; start < len(rows); {
		end := start
		level := levelOf(rows[start].ProviderID)
		for end < len(rows) && rows[end].Service == rows[start].Service && levelOf(rows[end].ProviderID) == level {
			end++
		}
		g := MetricGroup{Service: rows[start].Service, ServiceTitle: s.service(rows[start].Service), Level: level,
			Benchmark: s.bench[benchKey{m.ID, period, rows[start].Service, level}]}
		var points []funnelPoint
		for _, row := range rows[start:end] {
			g.Bands.add(row.BandNational)
			if row.Value != nil && row.Denominator != nil && *row.Denominator > 0 {
				points = append(points, funnelPoint{Value: *row.Value, Denominator: float64(*row.Denominator), Band: row.BandNational})
			}
		}
		g.Sentence = bandSentence(g.Bands, level, periodLabel(period), m.Polarity)
		limits := s.limits[benchKey{m.ID, period, g.Service, level}]
		if len(points) > 0 && len(limits) > 0 {
			g.ChartID = "funnel-" + strconv.Itoa(len(groups)+1)
			national := ""
			if g.Benchmark != nil && g.Benchmark.NationalValue != nil {
				national = " England's value is " + formatValue(g.Benchmark.NationalValue, m.Unit) + "."
			}
			g.ChartText = fmt.Sprintf("Funnel plot of %s for %s %s in %s: %s, each a figure's value against its denominator, "+
				"with England's value and the 95%% and 99.8%% control limits around it.%s Points outside the outer (99.8%%) "+
				"limits differ from England by more than chance would explain.", m.Title, g.ServiceTitle,
				strings.TrimSuffix(levelWord(level), "s")+"s", periodLabel(period), plural(len(points), "point", "points"), national)
			g.Chart = funnelSVG(&r.svg, g.ChartID, points, limits, m.Unit, "Funnel plot: "+m.Title+", "+g.ServiceTitle, g.ChartText)
		}
		groups = append(groups, g)
		start = end
	}
	return groups
}

func levelOf(provider string) string {
	if provider == "" {
		return "council"
	}
	return "provider"
}

func levelWord(level string) string {
	if level == "council" {
		return "council-wide figures"
	}
	return "providers"
}

// csvColumn is a column of a public table and the field of a row type
// that holds it (tableColumns).
type csvColumn struct {
	name  string
	field int
}

// csvCell formats one field as the release's CSV files do: blank for
// none, numbers as the shortest text that reads back the same, markers
// bracketed, text safe for spreadsheets.
func csvCell(c csvColumn, v reflect.Value) string {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return ""
		}
		return csvCell(c, v.Elem())
	case reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'f', -1, 64)
	case reflect.Int64, reflect.Int:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.String:
		return csvText(c.name, v.String())
	}
	return fmt.Sprint(v.Interface())
}

// csvText is a text column's value as the release's CSV files write it:
// a status as its bracketed markers, other text safe for spreadsheets.
// Both CSV writers of the site (csvCell and siteColumn.appendCSV) use it,
// so their tables cannot drift from each other or from the data files.
func csvText(column, s string) string {
	if column == "status" {
		return strings.ReplaceAll(markers(s), " ", "")
	}
	return schemas.SpreadsheetSafe(s)
}

// providerPages queues one page per provider of the register or of the
// comparison rows, with its profile rows. Three streams sorted by provider
// id are merged: the register, the comparison rows in provider order and
// the profile, read a batch of providers at a time, so no more than a
// batch of profile rows is held at once (every row was about 3 GB at 5
// million rows).
func (s *siteData) providerPages(ctx context.Context, o *output) error {
	for i := 1; i < len(s.providers); i++ {
		if s.providers[i-1].ProviderID >= s.providers[i].ProviderID {
			return fmt.Errorf("provider pages: the providers table has %q after %q, not in strict order of provider id",
				s.providers[i].ProviderID, s.providers[i-1].ProviderID)
		}
	}
	profiles, err := s.in.Reader.Profiles(ctx)
	if err != nil {
		return err
	}
	write := func(prov *schemas.ProviderRow, rows []RowView) error {
		profile, err := profiles.Of(ctx, prov.ProviderID)
		if err != nil {
			return err
		}
		return o.doRows(len(rows)+len(profile), func(r *renderer) error { return s.writeProvider(o, r, prov, profile, rows) })
	}
	// next is the first provider of the register not yet written: those
	// before a provider of the comparison rows, which have no rows of
	// their own, are written before it.
	next := 0
	err = s.eachGroup(ctx, duckdb.ByProvider, func(row *duckdb.SiteRow) groupKey {
		return groupKey{row.ProviderID}
	}, func(group []RowView) error {
		id := group[0].ProviderID
		for ; next < len(s.providers) && s.providers[next].ProviderID < id; next++ {
			if err := write(&s.providers[next], nil); err != nil {
				return err
			}
		}
		prov := &schemas.ProviderRow{ProviderID: id, ProviderName: group[0].ProviderName}
		if next < len(s.providers) && s.providers[next].ProviderID == id {
			prov = &s.providers[next]
			next++
		}
		return write(prov, group)
	})
	if err != nil {
		return err
	}
	for ; next < len(s.providers); next++ {
		if err := write(&s.providers[next], nil); err != nil {
			return err
		}
	}
	return nil
}

// writeProvider writes a provider's page: a section per metric and
// service, and, when that is too long for one page, a page per metric
// with the councils' figures.
func (s *siteData) writeProvider(o *output, r *renderer, prov *schemas.ProviderRow, profile []schemas.ProviderProfileRow, rows []RowView) error {
	url := ProviderURL(prov.ProviderID)
	name := cmp.Or(prov.ProviderName, prov.ProviderID)
	p := ProviderPage{Meta: s.meta("provider", name, url), Provider: *prov, Identifiers: identifiers(prov.Identifiers)}
	for _, sv := range prov.Services {
		p.ServiceTitles = append(p.ServiceTitles, s.service(sv))
	}
	for _, c := range prov.Councils {
		title := c
		if k, ok := s.councilBy[c]; ok {
			title = k.Name
		}
		p.Councils = append(p.Councils, Link{Title: title, URL: s.councilURL(c)})
	}
	type key struct{ metric, service string }
	sections := map[key]*ProviderSection{}
	var order []key
	section := func(metric, service string) *ProviderSection {
		k := key{metric, service}
		if sec, ok := sections[k]; ok {
			return sec
		}
		sec := &ProviderSection{Metric: s.metricRef(metric, ""), Service: service, ServiceTitle: s.service(service), Rows: []RowView{}}
		sections[k] = sec
		order = append(order, k)
		return sec
	}
	latest := func(sec *ProviderSection, period string) {
		if sec.Period == "" || s.periodRank[period] > s.periodRank[sec.Period] {
			sec.Period = period
		}
	}
	for i := range profile {
		pr := &profile[i]
		sec := section(pr.Metric, pr.Service)
		latest(sec, pr.Period)
	}
	for _, row := range rows {
		latest(section(row.Metric, row.Service), row.Period)
	}
	slices.SortFunc(order, func(a, b key) int {
		return cmp.Or(cmp.Compare(sections[a].Metric.Title, sections[b].Metric.Title), cmp.Compare(a.service, b.service))
	})
	for i := range profile {
		pr := &profile[i]
		sec := sections[key{pr.Metric, pr.Service}]
		sec.Trend = append(sec.Trend, TrendPoint{Period: pr.Period, PeriodLabel: periodLabel(pr.Period), Value: pr.Value,
			CI95Lower: pr.CI95Lower, CI95Upper: pr.CI95Upper, Band: pr.BandNational, NCouncils: pr.NCouncils,
			URL: MetricPeriodURL(pr.Metric, pr.Period)})
		if pr.Period == sec.Period {
			sec.Profile = pr
		}
	}
	for _, row := range rows {
		sec := sections[key{row.Metric, row.Service}]
		if row.Period == sec.Period {
			sec.Rows = append(sec.Rows, row)
		}
	}
	for i, k := range order {
		sec := sections[k]
		slices.SortFunc(sec.Trend, func(a, b TrendPoint) int { return cmp.Compare(s.periodRank[a.Period], s.periodRank[b.Period]) })
		sortRows(sec.Rows, func(a, b *RowView) int { return cmp.Compare(a.CouncilName, b.CouncilName) })
		sec.NRows = len(sec.Rows)
		sec.PeriodLabel = periodLabel(sec.Period)
		sec.Metric.URL = MetricPeriodURL(k.metric, sec.Period)
		sec.National = s.bench[benchKey{k.metric, sec.Period, k.service, "provider"}]
		sec.Sentence, sec.SpineText = providerSentence(name, sec)
		if b := sec.National; sec.Profile != nil && sec.Profile.Value != nil && b != nil &&
			b.Min != nil && b.Q1 != nil && b.Median != nil && b.Q3 != nil && b.Max != nil {
			sp := spine{Min: *b.Min, Q1: *b.Q1, Median: *b.Median, Q3: *b.Q3, Max: *b.Max, Value: *sec.Profile.Value,
				Flip: sec.Metric.Polarity == schemas.LowerIsBetter}
			sec.Spine = spineSVG(&r.svg, "spine-"+strconv.Itoa(i+1), sp, name+" against England: "+sec.Metric.Title, sec.SpineText)
		}
		p.Sections = append(p.Sections, *sec)
	}
	if p.Sections == nil {
		p.Sections = []ProviderSection{}
	}
	html, written, err := s.writeIfFits(o, r, o.split, "provider", url, p)
	if err != nil || written {
		return err
	}
	// Too long: the councils' figures go to a part per metric, in
	// numbered pages when a metric's are too many for one.
	var metrics []string
	byMetric := map[string][]int{} // the sections of each metric
	for i := range p.Sections {
		m := p.Sections[i].Metric.ID
		if _, ok := byMetric[m]; !ok {
			metrics = append(metrics, m)
		}
		byMetric[m] = append(byMetric[m], i)
	}
	for _, metric := range metrics {
		secs := byMetric[metric]
		partURL := ProviderMetricURL(prov.ProviderID, metric)
		title := name + ": " + p.Sections[secs[0]].Metric.Title
		// The part's table is its sections' rows one after another.
		var starts []int
		n := 0
		for _, i := range secs {
			starts = append(starts, n)
			n += len(p.Sections[i].Rows)
		}
		estimate := len(html) * n / max(1, len(rows))
		list := numberedList(title, partURL)
		pages, err := writePaginated(s, o, r, []int{n}, estimate, "provider "+prov.ProviderID+" for "+metric,
			func(pages []span, i int) ([]byte, ProviderPage, error) {
				pg := pages[i]
				q := ProviderPage{Provider: p.Provider, ServiceTitles: p.ServiceTitles, Councils: p.Councils, Part: metric}
				q.Meta, q.Pages, q.Page = s.numberedPart("provider", &list, pages, i, Link{Title: name, URL: url})
				for j, si := range secs {
					sec := p.Sections[si]
					lo, hi := max(pg.lo, starts[j]), min(pg.hi, starts[j]+len(sec.Rows))
					if lo >= hi && (len(sec.Rows) > 0 || pg.n > 1) {
						continue // none of its rows are on this page
					}
					sec.Rows = sec.Rows[max(0, lo-starts[j]):max(0, hi-starts[j])]
					q.Sections = append(q.Sections, sec)
				}
				html, err := r.render("provider", q)
				return html, q, err
			})
		if err != nil {
			return err
		}
		all := list.of(pages)
		parts := nearParts(all, 0)
		for j, i := range secs {
			rows := len(p.Sections[i].Rows)
			p.Sections[i].Rows = []RowView{}
			if j == 0 || len(all) == 1 {
				p.Sections[i].Parts = parts
				continue
			}
			// The metric's later services: the page their rows start on,
			// not the metric's list of pages again (a national
			// provider's page held a list for every service). A service
			// with no rows is shown on the first page only.
			k := 0
			if rows > 0 {
				k = slices.IndexFunc(pages, func(pg span) bool { return pg.lo <= starts[j] && starts[j] < pg.hi })
			}
			from := all[k]
			p.Sections[i].RowsFrom = &from
		}
	}
	html, err = r.render("provider", p)
	if err != nil {
		return err
	}
	if len(html) > o.split {
		// Still too long (many metrics and services, many periods): the
		// trends go to the parts too, which show them beside the rows.
		for i := range p.Sections {
			sec := &p.Sections[i]
			switch {
			case len(sec.Trend) == 0:
			case len(sec.Parts) > 0:
				sec.Trend, sec.TrendURL = []TrendPoint{}, sec.Parts[0].URL
			case sec.RowsFrom != nil:
				sec.Trend, sec.TrendURL = []TrendPoint{}, sec.RowsFrom.URL
			}
		}
		if html, err = r.render("provider", p); err != nil {
			return err
		}
	}
	s.noted(url)
	return o.writePage(r, url, html, p)
}

// providerSentence says in words how a provider's pooled figure compares
// with England, and what its spine chart shows.
func providerSentence(name string, sec *ProviderSection) (sentence, spineText string) {
	pr, b, unit := sec.Profile, sec.National, sec.Metric.Unit
	if pr == nil || pr.Value == nil {
		return fmt.Sprintf("%s has no figure for %s in %s.", name, sec.Metric.Title, sec.PeriodLabel), ""
	}
	sentence = fmt.Sprintf("In %s, %s's figure pooled across %s was %s", sec.PeriodLabel, name,
		plural(int(pr.NCouncils), "council", "councils"), formatValue(pr.Value, unit))
	if pr.NationalValue != nil {
		sentence += fmt.Sprintf(", against England's %s for providers", formatValue(pr.NationalValue, unit))
	}
	switch pr.BandNational {
	case "better", "worse":
		sentence += ": significantly " + pr.BandNational + " than England."
	case "higher", "lower":
		sentence += ": significantly " + pr.BandNational + " than England."
	case "similar":
		sentence += ": similar to England."
	default:
		sentence += "; not compared with England (no interval)."
	}
	if b != nil && b.Min != nil && b.Q1 != nil && b.Median != nil && b.Q3 != nil && b.Max != nil {
		spineText = fmt.Sprintf("%s's pooled figure of %s on the spread of providers' figures in England: lowest %s, "+
			"lower quartile %s, median %s, upper quartile %s, highest %s.", name, formatValue(pr.Value, unit),
			formatValue(b.Min, unit), formatValue(b.Q1, unit), formatValue(b.Median, unit), formatValue(b.Q3, unit), formatValue(b.Max, unit))
		if sec.Metric.Polarity == schemas.LowerIsBetter {
			spineText += " Lower is better, so the scale runs from highest on the left to lowest on the right."
		}
	}
	return sentence, spineText
}

// writeCouncil writes a council's page: the providers it commissions and
// its figures by service, each metric in its latest period, and, when that
// is too long for one page, a page per service. rows are the figures its
// page shows (councilPages); its table.csv is those rows, in the page's
// order, so that "download this table" gives what the page lists.
func (s *siteData) writeCouncil(o *output, r *renderer, c *duckdb.SiteCouncil, rows []RowView) error {
	url := CouncilURL(c.CouncilCode)
	p := CouncilPage{Meta: s.meta("council", c.Name, url), Council: c.CouncilRow, CSV: TableURL(url), Similar: []SimilarList{}}
	// AllSimilar gives each council's lists by responsibility, then rank.
	for _, x := range s.similar[c.CouncilCode] {
		if n := len(p.Similar); n == 0 || p.Similar[n-1].Responsibility != x.Responsibility {
			title := schemas.Responsibility(x.Responsibility).Title()
			if x.Responsibility == duckdb.AnyResponsibility {
				title = "other services"
			}
			p.Similar = append(p.Similar, SimilarList{Responsibility: x.Responsibility, Title: title, Councils: []SimilarLink{}})
		}
		p.PeerGroups = x.Method == duckdb.PeerGroupsMethod
		l := &p.Similar[len(p.Similar)-1]
		l.Councils = append(l.Councils, SimilarLink{Code: x.SimilarCode, Name: cmp.Or(x.Name, x.SimilarCode), Rank: x.Rank, URL: s.councilURL(x.SimilarCode)})
	}
	services := map[string]*CouncilService{}
	var order []string
	service := func(id string) *CouncilService {
		if sv, ok := services[id]; ok {
			return sv
		}
		sv := &CouncilService{Service: id, Title: s.service(id), Providers: []ProviderLink{}, Rows: []RowView{}}
		services[id] = sv
		order = append(order, id)
		return sv
	}
	for _, x := range s.commissioned[c.CouncilCode] {
		sv := service(x.Service)
		sv.Providers = append(sv.Providers, ProviderLink{ID: x.ProviderID, Name: cmp.Or(x.ProviderName, x.ProviderID),
			Sector: x.Sector, NRows: x.NRows, URL: ProviderURL(x.ProviderID)})
	}
	for _, row := range rows {
		sv := service(row.Service)
		sv.Rows = append(sv.Rows, row)
	}
	slices.Sort(order)
	for _, id := range order {
		sv := services[id]
		sortRows(sv.Rows, func(a, b *RowView) int {
			return cmp.Or(cmp.Compare(a.MetricTitle, b.MetricTitle), boolCmp(a.ProviderID != "", b.ProviderID != ""),
				cmp.Compare(a.ProviderName, b.ProviderName))
		})
		sv.NRows = len(sv.Rows)
		p.Services = append(p.Services, *sv)
	}
	if p.Services == nil {
		p.Services = []CouncilService{}
	}
	table, err := comparisonsCSV(r.csv, nil)
	if err != nil {
		return fmt.Errorf("council %s table: %w", c.CouncilCode, err)
	}
	for i := range p.Services {
		for j := range p.Services[i].Rows {
			if table, err = appendComparisonCSV(table, &p.Services[i].Rows[j].SiteRow); err != nil {
				return fmt.Errorf("council %s table: %w", c.CouncilCode, err)
			}
		}
	}
	r.csv = table
	if err := o.write(p.CSV, table, false); err != nil {
		return err
	}
	html, written, err := s.writeIfFits(o, r, o.split, "council", url, p)
	if err != nil || written {
		return err
	}
	// Too long: each service's figures go to a part of their own, in
	// numbered pages when they are too many for one.
	for i := range p.Services {
		sv := p.Services[i]
		partURL := CouncilServiceURL(c.CouncilCode, sv.Service)
		title := c.Name + ": " + sv.Title
		estimate := len(html) * len(sv.Rows) / max(1, len(rows))
		list := numberedList(title, partURL)
		pages, err := writePaginated(s, o, r, []int{len(sv.Rows)}, estimate, "council "+c.CouncilCode+" for "+sv.Service,
			func(pages []span, i int) ([]byte, CouncilPage, error) {
				q := CouncilPage{Council: p.Council, Similar: p.Similar, PeerGroups: p.PeerGroups, CSV: p.CSV, Part: sv.Service}
				q.Meta, q.Pages, q.Page = s.numberedPart("council", &list, pages, i, Link{Title: c.Name, URL: url})
				one := sv
				one.Rows = sv.Rows[pages[i].lo:pages[i].hi]
				q.Services = []CouncilService{one}
				html, err := r.render("council", q)
				return html, q, err
			})
		if err != nil {
			return err
		}
		p.Services[i].Rows = []RowView{}
		p.Services[i].Parts = nearParts(list.of(pages), 0)
	}
	return s.writeSimple(o, r, "council", url, p)
}

// homePage builds the front page from the headlines the metric pages
// counted.
func (s *siteData) homePage() HomePage {
	p := HomePage{Meta: s.meta("home", "Yardstick: how commissioned providers perform", HomeURL), Search: SearchURL,
		Headlines: []Headline{}, Services: []Service{}}
	p.Crumbs = nil
	if s.in.Release != nil {
		p.Counts = s.in.Release.Counts
	}
	if len(s.periods) > 0 {
		p.Period = s.periods[len(s.periods)-1].Period
		p.PeriodLabel = periodLabel(p.Period)
	}
	services := map[string]*Service{}
	var order []string
	for _, m := range s.metrics {
		h, ok := s.headlines[m.ID]
		if !ok {
			continue
		}
		p.Headlines = append(p.Headlines, h)
		for _, sv := range m.Services {
			if _, ok := services[sv]; !ok {
				services[sv] = &Service{ID: sv, Title: s.service(sv)}
				order = append(order, sv)
			}
			services[sv].Metrics = append(services[sv].Metrics, s.metricRef(m.ID, ""))
		}
	}
	slices.Sort(order)
	for _, sv := range order {
		p.Services = append(p.Services, *services[sv])
	}
	regions := map[string][]Link{}
	for _, c := range s.councils {
		if c.HasData {
			reg := cmp.Or(c.Region, "Other")
			regions[reg] = append(regions[reg], Link{Title: c.Name, URL: CouncilURL(c.CouncilCode)})
		}
	}
	for _, reg := range slices.Sorted(maps.Keys(regions)) {
		cs := regions[reg]
		slices.SortFunc(cs, func(a, b Link) int { return cmp.Compare(a.Title, b.Title) })
		p.Regions = append(p.Regions, Region{Name: reg, Councils: cs})
	}
	if p.Regions == nil {
		p.Regions = []Region{}
	}
	return p
}

// downloadsPage lists the release's files other than the site's (the
// data files, the database, datapackage.json and release.json) with their
// sizes and sums, and the data dictionary. It runs once the site's other
// pages are written, with no worker running.
func (s *siteData) downloadsPage(o *output) (DownloadsPage, error) {
	p := DownloadsPage{Meta: s.meta("downloads", "Downloads and data dictionary", DownloadsURL), Files: []FileInfo{}}
	register := map[string]bool{}
	for _, t := range schemas.PublicTables {
		for _, f := range []string{t.CSV, t.Parquet} {
			if t.Register && f != "" {
				register[f] = true
			}
		}
	}
	err := filepath.WalkDir(s.in.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if o.dirs[path] && filepath.Clean(path) != filepath.Clean(s.in.Dir) {
				return fs.SkipDir // a folder of the site's pages
			}
			return nil
		}
		rel, err := filepath.Rel(s.in.Dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if !d.Type().IsRegular() {
			return nil
		}
		if _, site := o.stats.Sums[rel]; site {
			if _, data := s.in.Sums[rel]; !data {
				return nil // a page at the root
			}
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		sum, ok := s.in.Sums[rel]
		if !ok {
			raw, err := schemas.FileSum(path)
			if err != nil {
				return err
			}
			sum = hex.EncodeToString(raw[:])
			o.mu.Lock()
			o.stats.Sums[rel] = raw
			o.mu.Unlock()
		}
		licence := "Open Government Licence v3.0"
		if register[rel] {
			licence = "CC BY 4.0 (mySociety's register of councils) and Open Government Licence v3.0"
		}
		p.Files = append(p.Files, FileInfo{Path: rel, URL: rel, Format: formatOf(rel), Bytes: fi.Size(), SHA256: sum, Licence: licence})
		return nil
	})
	if err != nil {
		return p, fmt.Errorf("downloads: %w", err)
	}
	slices.SortFunc(p.Files, func(a, b FileInfo) int { return cmp.Compare(a.Path, b.Path) })
	for _, t := range schemas.PublicTables {
		d := TableDoc{Name: t.Name, Title: t.Title, Description: t.Description, Files: []string{}, ParquetOnly: t.ParquetOnly,
			PrimaryKey: t.PrimaryKey}
		for _, f := range []string{t.CSV, t.Parquet} {
			if f != "" {
				d.Files = append(d.Files, f)
			}
		}
		for _, c := range t.Columns {
			d.Columns = append(d.Columns, ColumnDoc{Name: c.Name, Type: c.Type, Unit: c.Unit, Description: c.Description, Values: c.Categories})
		}
		p.Tables = append(p.Tables, d)
	}
	return p, nil
}

// formatOf names a file's format for people; a gzipped file is named by
// what it holds (data/observations.csv.gz is "CSV, gzipped").
func formatOf(name string) string {
	if inner, ok := strings.CutSuffix(name, ".gz"); ok {
		return formatOf(inner) + ", gzipped"
	}
	switch filepath.Ext(name) {
	case ".csv":
		return "CSV"
	case ".parquet":
		return "Parquet"
	case ".duckdb":
		return "DuckDB database"
	case ".json":
		return "JSON"
	}
	if name == schemas.ChecksumsFile {
		return "SHA-256 checksums"
	}
	return "file"
}

// writeSearch writes search.json, the names the home page's search box
// looks up: providers, with their aliases, councils with pages, and
// metrics.
func (s *siteData) writeSearch(o *output) error {
	entries := make([]SearchEntry, 0, len(s.providers)+len(s.councils)+len(s.metrics))
	for _, m := range s.metrics {
		if _, ok := s.metricPeriods[m.ID]; ok {
			entries = append(entries, SearchEntry{Name: m.Title, Kind: "metric", URL: MetricURL(m.ID)})
		}
	}
	for _, c := range s.councils {
		if c.HasData {
			entries = append(entries, SearchEntry{Name: c.Name, Kind: "council", Detail: c.Region, URL: CouncilURL(c.CouncilCode)})
		}
	}
	for _, p := range s.providers {
		entries = append(entries, SearchEntry{Name: cmp.Or(p.ProviderName, p.ProviderID), Kind: "provider", Detail: p.Sector,
			URL: ProviderURL(p.ProviderID), Aliases: p.Aliases})
	}
	var buf bytes.Buffer
	if err := schemas.EncodeJSON(&buf, entries); err != nil {
		return err
	}
	return o.write(SearchURL, buf.Bytes(), false)
}

// writeSitemap writes sitemap.xml listing every page. Without a base URL
// the locations are relative to the release's root.
func (s *siteData) writeSitemap(o *output) error {
	s.mu.Lock()
	urls := slices.Clone(s.pageURLs)
	s.mu.Unlock()
	slices.Sort(urls)
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	buf.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, u := range urls {
		buf.WriteString("  <url><loc>")
		xml.EscapeText(&buf, []byte(s.baseURL+u))
		buf.WriteString("</loc></url>\n")
	}
	buf.WriteString("</urlset>\n")
	return o.write(SitemapURL, buf.Bytes(), false)
}
