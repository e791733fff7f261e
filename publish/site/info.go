package site

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"html/template"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// The pages about the release rather than its figures: the methodology,
// the history of releases and what this one changed, the API, and the
// schema.org description of the data set.

// methodologyFile is the methodology page's text: publish/duckdb/doc.go's
// rules in plain English, point by point (TestMethodology).
const methodologyFile = "templates/methodology.txt"

// MethodologyPage explains the statistics and the disclosure rules.
type MethodologyPage struct {
	Meta
	Sections []MethodSection `json:"sections"`
}

// MethodSection is one section of the methodology: what one section of
// publish/duckdb/doc.go rules, in plain English.
type MethodSection struct {
	Title string `json:"title"`
	// ID is the section's fragment on the page.
	ID         string   `json:"id"`
	Paragraphs []string `json:"paragraphs"`
	// Source is the heading of the section of doc.go it restates, and
	// Quotes, by paragraph, the phrases of doc.go each restates.
	Source string     `json:"-"`
	Quotes [][]string `json:"-"`
}

// parseMethodology reads the methodology text: "## Title {Source}" starts
// a section; a paragraph is a run of lines; "= phrase" lines after a
// paragraph quote doc.go; lines starting "# " are notes.
func parseMethodology(text string) ([]MethodSection, error) {
	var secs []MethodSection
	var para []string
	line := 0
	end := func() {
		if len(para) > 0 {
			sec := &secs[len(secs)-1]
			sec.Paragraphs = append(sec.Paragraphs, strings.Join(para, " "))
			sec.Quotes = append(sec.Quotes, nil)
			para = nil
		}
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line++
		l := strings.TrimSpace(sc.Text())
		switch {
		case l == "":
			end()
		case strings.HasPrefix(l, "## "):
			end()
			title, source, ok := strings.Cut(strings.TrimPrefix(l, "## "), "{")
			if !ok || !strings.HasSuffix(source, "}") {
				return nil, fmt.Errorf("%s line %d: a section's line is \"## Title {doc.go section}\"", methodologyFile, line)
			}
			title = strings.TrimSpace(title)
			secs = append(secs, MethodSection{Title: title, ID: slug(title), Source: strings.TrimSuffix(source, "}"),
				Paragraphs: []string{}})
		case strings.HasPrefix(l, "# "):
		case strings.HasPrefix(l, "= "):
			end()
			sec := len(secs) - 1
			if sec < 0 || len(secs[sec].Quotes) == 0 {
				return nil, fmt.Errorf("%s line %d: a quote of doc.go follows the paragraph it supports", methodologyFile, line)
			}
			q := &secs[sec].Quotes[len(secs[sec].Quotes)-1]
			*q = append(*q, strings.TrimPrefix(l, "= "))
		default:
			if len(secs) == 0 {
				return nil, fmt.Errorf("%s line %d: text before the first section", methodologyFile, line)
			}
			para = append(para, l)
		}
	}
	end()
	for _, s := range secs {
		for i, q := range s.Quotes {
			if len(q) == 0 {
				return nil, fmt.Errorf("%s: section %q, paragraph %d quotes nothing of doc.go; every point says which rule it restates", methodologyFile, s.Title, i+1)
			}
		}
	}
	return secs, nil
}

// methodologyPage builds the methodology page from its text.
func (s *siteData) methodologyPage() (MethodologyPage, error) {
	b, err := files.ReadFile(methodologyFile)
	if err != nil {
		return MethodologyPage{}, err
	}
	secs, err := parseMethodology(string(b))
	if err != nil {
		return MethodologyPage{}, err
	}
	return MethodologyPage{Meta: s.meta("methodology", "How the figures are worked out", MethodologyURL), Sections: secs}, nil
}

// ReleasesPage lists every release so far, newest first, this one
// included, and links to what this one changed.
type ReleasesPage struct {
	Meta
	Releases []ReleaseSummary `json:"releases"`
	// Changes is the first page of this release's revisions and
	// withdrawals, "" when it has none.
	Changes string `json:"changes,omitempty"`
}

// ReleaseSummary is one release in the history: when it was made, from
// what, and what it changed since the one before.
type ReleaseSummary struct {
	ID          string         `json:"id"`
	Created     time.Time      `json:"created"`
	Previous    string         `json:"previous,omitempty"`
	Submissions int            `json:"submissions"`
	Superseded  int            `json:"superseded"`
	Counts      schemas.Counts `json:"counts"`
	// This marks the release the page belongs to.
	This bool `json:"this"`
}

// summary returns a release's line in the history.
func summary(r *schemas.Release) ReleaseSummary {
	return ReleaseSummary{ID: r.ID, Created: r.Created, Previous: r.Previous, Submissions: len(r.Submissions),
		Superseded: len(r.Superseded), Counts: r.Counts}
}

// releasesPage builds the history from the release and those before it.
func (s *siteData) releasesPage(changes bool) ReleasesPage {
	p := ReleasesPage{Meta: s.meta("releases", "Releases", ReleasesURL), Releases: []ReleaseSummary{}}
	seen := map[string]bool{}
	if r := s.in.Release; r != nil {
		sum := summary(r)
		sum.This = true
		p.Releases = append(p.Releases, sum)
		seen[r.ID] = true
	}
	for i := range s.in.History {
		if r := &s.in.History[i]; !seen[r.ID] {
			seen[r.ID] = true
			p.Releases = append(p.Releases, summary(r))
		}
	}
	slices.SortStableFunc(p.Releases, func(a, b ReleaseSummary) int {
		return cmp.Or(b.Created.Compare(a.Created), cmp.Compare(b.ID, a.ID))
	})
	if changes {
		p.Changes = ChangesURL
	}
	return p
}

// ChangesPage lists the figures this release revised and the
// observations it withdrew since the release before it, in numbered
// pages when they are many.
type ChangesPage struct {
	Meta
	Previous string `json:"previous"`
	// Revised and Withdrawn count them all; Rows are this page's.
	Revised   int         `json:"revised"`
	Withdrawn int         `json:"withdrawn"`
	Rows      []ChangeRow `json:"rows"`
	// Page is which page this is, when there is more than one, and Pages
	// those it lists: the first, the last and those near it (nearParts).
	Page  *Part  `json:"page,omitempty"`
	Pages []Part `json:"pages,omitempty"`
}

// ChangeRow is a figure revised (Old and New) or withdrawn (Old alone).
type ChangeRow struct {
	Change string `json:"change"`
	schemas.ObservationKey
	Old schemas.Figure  `json:"old"`
	New *schemas.Figure `json:"new"`
	// The rest are for the page: titles and names, and links to the
	// council's and provider's pages where this release has them.
	MetricTitle  string       `json:"-"`
	Unit         schemas.Unit `json:"-"`
	ServiceTitle string       `json:"-"`
	CouncilName  string       `json:"-"`
	CouncilURL   string       `json:"-"`
	ProviderName string       `json:"-"`
	ProviderURL  string       `json:"-"`
}

// changeRows lists the release's revisions, then its withdrawals.
func (s *siteData) changeRows() []ChangeRow {
	r := s.in.Release
	if r == nil {
		return nil
	}
	rows := make([]ChangeRow, 0, len(r.Revisions)+len(r.Withdrawals))
	for _, v := range r.Revisions {
		rows = append(rows, ChangeRow{Change: schemas.ChangeRevised, ObservationKey: v.ObservationKey, Old: v.Old, New: &v.New})
	}
	for _, w := range r.Withdrawals {
		rows = append(rows, ChangeRow{Change: schemas.ChangeWithdrawn, ObservationKey: w.ObservationKey, Old: w.Old})
	}
	providers := make(map[string]string, len(s.providers))
	for _, p := range s.providers {
		providers[p.ProviderID] = cmp.Or(p.ProviderName, p.ProviderID)
	}
	for i := range rows {
		c := &rows[i]
		c.MetricTitle, c.ServiceTitle = c.Metric, s.service(c.Service)
		c.CouncilName, c.CouncilURL = c.CouncilCode, s.councilURL(c.CouncilCode)
		if k, ok := s.councilBy[c.CouncilCode]; ok && k.Name != "" {
			c.CouncilName = k.Name
		}
		c.ProviderName = c.ProviderID
		if name, ok := providers[c.ProviderID]; ok {
			c.ProviderName, c.ProviderURL = name, ProviderURL(c.ProviderID)
		}
		if m, ok := s.metricBy[c.Metric]; ok {
			c.MetricTitle, c.Unit = m.Title, m.Unit
		}
	}
	return rows
}

// writeChanges writes the pages of changes, split into numbered pages
// under TablePageBytes (or the larger sizes writePaginated falls back
// to).
func (s *siteData) writeChanges(o *output, r *renderer, rows []ChangeRow) error {
	rel := s.in.Release
	revised := len(rel.Revisions)
	base := ChangesPage{Previous: rel.Previous, Revised: revised, Withdrawn: len(rows) - revised}
	title := "What changed since release " + rel.Previous
	list := numberedList("Changes", ChangesURL)
	_, err := writePaginated(s, o, r, []int{len(rows)}, len(rows)*400, "the changes", func(pages []span, i int) ([]byte, ChangesPage, error) {
		pg := pages[i]
		p := base
		url := PageURL(ChangesURL, pg.n)
		t := title
		if pg.pages > 1 {
			t = fmt.Sprintf("%s, page %d of %d", title, pg.n, pg.pages)
		}
		p.Meta = s.meta("changes", t, url, Link{Title: "Releases", URL: ReleasesURL})
		p.Rows = rows[pg.lo:pg.hi]
		if pg.pages > 1 {
			p.Pages, p.Page = listAt(list.of(pages), i)
		}
		html, err := r.render("changes", p)
		return html, p, err
	})
	return err
}

// APIPage documents the JSON API from its OpenAPI document.
type APIPage struct {
	Meta
	Title       string         `json:"api_title"`
	Version     string         `json:"version"`
	Description string         `json:"description"`
	Base        string         `json:"base"`
	Operations  []APIOperation `json:"operations"`
	// OpenAPI is where the server answers the document itself.
	OpenAPI string `json:"openapi"`
}

// APIOperation is one route of the API.
type APIOperation struct {
	ID          string         `json:"operation_id"`
	Method      string         `json:"method"`
	Path        string         `json:"path"`
	Tag         string         `json:"tag"`
	Summary     string         `json:"summary"`
	Description string         `json:"description,omitempty"`
	Parameters  []APIParameter `json:"parameters"`
}

// APIParameter is one parameter of a route.
type APIParameter struct {
	Name        string   `json:"name"`
	In          string   `json:"in"`
	Required    bool     `json:"required"`
	Type        string   `json:"type"`
	Enum        []string `json:"enum,omitempty"`
	Description string   `json:"description"`
}

// openAPIDoc is the part of an OpenAPI 3.1 document the API page shows.
type openAPIDoc struct {
	OpenAPI string `json:"openapi"`
	Info    struct {
		Title       string `json:"title"`
		Version     string `json:"version"`
		Description string `json:"description"`
	} `json:"info"`
	Servers []struct {
		URL string `json:"url"`
	} `json:"servers"`
	Paths map[string]map[string]struct {
		OperationID string   `json:"operationId"`
		Summary     string   `json:"summary"`
		Description string   `json:"description"`
		Tags        []string `json:"tags"`
		Parameters  []struct {
			Name        string `json:"name"`
			In          string `json:"in"`
			Required    bool   `json:"required"`
			Description string `json:"description"`
			Schema      struct {
				Type string `json:"type"`
				Enum []any  `json:"enum"`
			} `json:"schema"`
		} `json:"parameters"`
	} `json:"paths"`
}

// apiMethods are the HTTP methods an OpenAPI path item may hold, in the
// order the page lists them.
var apiMethods = []string{"get", "head", "post", "put", "patch", "delete", "options"}

// apiPage builds the API page from an OpenAPI 3.1 document.
func (s *siteData) apiPage(doc []byte) (APIPage, error) {
	var d openAPIDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		return APIPage{}, fmt.Errorf("the OpenAPI document: %w", err)
	}
	if !strings.HasPrefix(d.OpenAPI, "3.") {
		return APIPage{}, fmt.Errorf("the OpenAPI document: version %q, want 3.x", d.OpenAPI)
	}
	p := APIPage{Meta: s.meta("api", "The JSON API", APIURL), Title: d.Info.Title, Version: d.Info.Version,
		Description: d.Info.Description, Operations: []APIOperation{}}
	if len(d.Servers) > 0 {
		p.Base = d.Servers[0].URL
	}
	p.OpenAPI = strings.TrimSuffix(p.Base, "/") + "/openapi.json"
	for _, path := range slices.Sorted(maps.Keys(d.Paths)) {
		item := d.Paths[path]
		for _, m := range apiMethods {
			op, ok := item[m]
			if !ok {
				continue
			}
			o := APIOperation{ID: op.OperationID, Method: strings.ToUpper(m), Path: path, Summary: op.Summary,
				Description: op.Description, Parameters: []APIParameter{}}
			if len(op.Tags) > 0 {
				o.Tag = op.Tags[0]
			}
			for _, q := range op.Parameters {
				par := APIParameter{Name: q.Name, In: q.In, Required: q.Required, Type: q.Schema.Type, Description: q.Description}
				for _, e := range q.Schema.Enum {
					par.Enum = append(par.Enum, fmt.Sprint(e))
				}
				o.Parameters = append(o.Parameters, par)
			}
			p.Operations = append(p.Operations, o)
		}
	}
	return p, nil
}

// Open Government Licence v3.0, which the release's files are under.
const oglURL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

// datasetJSONLD describes the release as a schema.org Dataset, for the
// search engines that index data sets (Google Dataset Search reads it
// from the home and downloads pages). Its URLs are absolute when the
// Builder has a BaseURL and relative to the release's root otherwise.
func (s *siteData) datasetJSONLD(files []FileInfo) (template.JS, error) {
	abs := func(u string) string { return s.baseURL + u }
	d := map[string]any{
		"@context":            "https://schema.org",
		"@type":               "Dataset",
		"name":                "Yardstick: how commissioned providers perform",
		"description":         "Performance of the providers English councils commission (home care, care homes, children's services, waste and more), by metric, period, council and provider, with confidence intervals, bands against England, regions, council types and similar councils, and funnel-plot limits.",
		"license":             oglURL,
		"isAccessibleForFree": true,
		"spatialCoverage":     "England",
	}
	if s.baseURL != "" {
		d["url"] = abs(HomeURL)
	}
	if r := s.in.Release; r != nil {
		d["version"] = r.ID
		d["dateCreated"] = r.Created.UTC().Format(time.RFC3339)
		d["datePublished"] = r.Created.UTC().Format("2006-01-02")
	}
	if len(s.periods) > 0 {
		first, last := s.periods[0], s.periods[len(s.periods)-1]
		d["temporalCoverage"] = first.PeriodStart.String() + "/" + last.PeriodEnd.String()
	}
	var measured []string
	for _, m := range s.metrics {
		if _, ok := s.metricPeriods[m.ID]; ok {
			measured = append(measured, m.Title)
		}
	}
	if measured != nil {
		d["variableMeasured"] = measured
	}
	var dist []map[string]any
	for _, f := range files {
		enc := map[string]string{"CSV": "text/csv", "CSV, gzipped": "application/gzip", "Parquet": "application/vnd.apache.parquet",
			"DuckDB database": "application/vnd.duckdb", "JSON": "application/json"}[f.Format]
		if enc == "" || !strings.HasPrefix(f.Path, "data/") && f.Path != schemas.DatabaseFile {
			continue
		}
		dist = append(dist, map[string]any{"@type": "DataDownload", "name": f.Path, "encodingFormat": enc,
			"contentUrl": abs(f.URL), "contentSize": fmt.Sprintf("%d B", f.Bytes)})
	}
	if dist != nil {
		d["distribution"] = dist
	}
	b, err := json.Marshal(d) // escapes <, > and &, so it cannot close the script
	if err != nil {
		return "", err
	}
	return template.JS(b), nil
}
