package site

import (
	"cmp"
	"html/template"
	"strings"
	"time"

	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/schemas"
)

// The page values. Each page is rendered from one of these, and the same
// value is written beside it as its JSON twin: the template formats the
// numbers for people, the JSON keeps them as the release holds them. URLs
// in them are relative to the release's root (urls.go).

// Meta is what every page has.
type Meta struct {
	// Kind is home, metric, provider, council, downloads or not_found.
	Kind    string      `json:"kind"`
	Title   string      `json:"title"`
	URL     string      `json:"url"`
	Release ReleaseInfo `json:"release"`
	// Crumbs lead from the home page to this one's parent.
	Crumbs []Link `json:"breadcrumbs"`
	// Root is the way back to the release's root from this page; the
	// templates prefix every URL with it.
	Root string `json:"-"`
	// Twin is the URL of the page's JSON twin; "" for a page without one
	// (the 404 page).
	Twin string `json:"-"`
	// API is the API page's URL, "" when the site has none.
	API string `json:"-"`
	// Live is where the live release's release.json is served, which the
	// script reads to say that a newer release exists (site.js).
	Live string `json:"-"`
	// JSONLD, on the home and downloads pages, describes the release as a
	// schema.org Dataset.
	JSONLD template.JS `json:"-"`
}

// pageURL is the page's URL, for code that writes pages of any kind.
func (m Meta) pageURL() string { return m.URL }

// ReleaseInfo names the release a page belongs to.
type ReleaseInfo struct {
	ID       string    `json:"id"`
	Created  time.Time `json:"created"`
	Previous string    `json:"previous,omitempty"`
}

// Link is a titled URL.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// MetricRef is a metric as another page mentions it.
type MetricRef struct {
	ID       string           `json:"id"`
	Title    string           `json:"title"`
	Unit     schemas.Unit     `json:"unit"`
	Polarity schemas.Polarity `json:"polarity"`
	URL      string           `json:"url"`
}

// BandCounts counts rows by their band against the national value.
type BandCounts struct {
	Rows        int `json:"rows"`
	Better      int `json:"better"`
	Similar     int `json:"similar"`
	Worse       int `json:"worse"`
	Higher      int `json:"higher"`
	Lower       int `json:"lower"`
	NotCompared int `json:"not_compared"`
}

// add counts one row's band.
func (c *BandCounts) add(band string) {
	c.Rows++
	switch band {
	case "better":
		c.Better++
	case "similar":
		c.Similar++
	case "worse":
		c.Worse++
	case "higher":
		c.Higher++
	case "lower":
		c.Lower++
	default:
		c.NotCompared++
	}
}

// Compared is the number of rows with a band.
func (c BandCounts) Compared() int { return c.Rows - c.NotCompared }

// HomePage is the site's front page: the latest period's headlines.
type HomePage struct {
	Meta
	Counts schemas.Counts `json:"counts"`
	// Period is the latest period of the release.
	Period      string     `json:"period"`
	PeriodLabel string     `json:"period_label"`
	Headlines   []Headline `json:"headlines"`
	Services    []Service  `json:"services"`
	// Regions list the councils with pages, by region.
	Regions []Region `json:"regions"`
	Search  string   `json:"search"`
}

// Region is a region's councils.
type Region struct {
	Name     string `json:"name"`
	Councils []Link `json:"councils"`
}

// Headline is one metric's picture in its latest period, in a sentence.
type Headline struct {
	Metric      MetricRef  `json:"metric"`
	Period      string     `json:"period"`
	PeriodLabel string     `json:"period_label"`
	Level       string     `json:"level"`
	Bands       BandCounts `json:"bands"`
	Sentence    string     `json:"sentence"`
}

// Service is a service with its metrics.
type Service struct {
	ID      string      `json:"id"`
	Title   string      `json:"title"`
	Metrics []MetricRef `json:"metrics"`
}

// PeriodLink is a period of a metric, for the period picker.
type PeriodLink struct {
	Period  string `json:"period"`
	Label   string `json:"label"`
	URL     string `json:"url"`
	Current bool   `json:"current"`
}

// MetricPage is a metric's league table in one period.
type MetricPage struct {
	Meta
	Metric      schemas.Metric `json:"metric"`
	Period      string         `json:"period"`
	PeriodLabel string         `json:"period_label"`
	// PeriodURL is the period's page, which the latest period's copy and
	// the parts of a split table point back to.
	PeriodURL string `json:"period_url"`
	// Latest marks the copy at metrics/<id>/ of the latest period's page.
	Latest  bool          `json:"latest"`
	Periods []PeriodLink  `json:"periods"`
	Groups  []MetricGroup `json:"groups"`
	// Total counts the rows of the metric in the period; Rows are those
	// on this page: all of them, or, when the table is split, none on
	// the period's page and one part's on each part's page.
	Total int        `json:"total_rows"`
	Rows  MetricRows `json:"rows"`
	// Parts are the pages of the split table this page lists, when it is
	// split (nearParts: each region's first page, and on a part's page
	// those near it and its region's last); Part is the one this page
	// shows.
	Parts []Part `json:"parts,omitempty"`
	Part  *Part  `json:"part,omitempty"`
	// CSV is the whole table, every part.
	CSV string `json:"csv"`
	// SectorsURL is the metric's sectors page in the period, "" when no
	// provider of the period has a sector.
	SectorsURL string `json:"-"`
}

// MetricGroup is the rows of one service and level of a metric in a
// period: what one funnel plot shows.
type MetricGroup struct {
	Service      string                `json:"service"`
	ServiceTitle string                `json:"service_title"`
	Level        string                `json:"level"`
	Benchmark    *duckdb.SiteBenchmark `json:"benchmark"`
	Bands        BandCounts            `json:"bands"`
	Sentence     string                `json:"sentence"`
	Chart        template.HTML         `json:"-"`
	ChartText    string                `json:"-"`
	ChartID      string                `json:"-"`
}

// Part is one page of a table split across pages. First and Last number
// the rows it holds (from 1) among those of its group: a region of a
// metric's table, a metric of a provider's or a service of a council's;
// Page and Pages number it among the group's pages.
type Part struct {
	Title   string `json:"title"`
	URL     string `json:"url"`
	Rows    int    `json:"rows"`
	First   int    `json:"first_row"`
	Last    int    `json:"last_row"`
	Page    int    `json:"page"`
	Pages   int    `json:"pages"`
	Current bool   `json:"current"`
	// Skipped counts the pages of the part's group that a list of parts
	// leaves out just before it (nearParts).
	Skipped int `json:"skipped_before,omitempty"`
}

// RowView is a comparison row as a page shows it, with links to its
// provider and council. The links, the metric's title and its unit are
// for the page only: the JSON twin holds the row, and the ids say where
// its provider, council and metric are (urls.go).
type RowView struct {
	duckdb.SiteRow
	ProviderURL string `json:"-"`
	CouncilURL  string `json:"-"`
	MetricURL   string `json:"-"`
	// ServiceTitle is the catalogue's title of the row's service, as a
	// person reads it ("Home care" for homecare).
	ServiceTitle string `json:"-"`
	// Title and Unit are the metric's, for tables of several metrics.
	MetricTitle string       `json:"-"`
	Unit        schemas.Unit `json:"-"`
}

// ProviderPage is a provider's profile across the councils that
// commission it.
type ProviderPage struct {
	Meta
	Provider schemas.ProviderRow `json:"provider"`
	// ServiceTitles are the titles of the provider's services, in the
	// order of Provider.Services.
	ServiceTitles []string `json:"-"`
	// Identifiers are Provider.Identifiers named for a reader ("CQC
	// location" for cqc_location); the twin has them as the table does.
	Identifiers []Identifier      `json:"-"`
	Councils    []Link            `json:"councils"`
	Sections    []ProviderSection `json:"metrics"`
	// Part is the metric a part page shows, when the provider's page is
	// split by metric; Page is which of the part's pages this is, when
	// its rows need more than one, and Pages are those it lists: the
	// first, the last and those near it (nearParts).
	Part  string `json:"part,omitempty"`
	Page  *Part  `json:"page,omitempty"`
	Pages []Part `json:"pages,omitempty"`
}

// Identifier is one of a provider's identifiers in the provider register,
// with the name of its scheme.
type Identifier struct {
	Scheme string
	ID     string
}

// identifierSchemes name the register's identifier schemes
// (registers.Scheme...) for a reader.
var identifierSchemes = map[string]string{
	"cqc_provider":    "CQC provider",
	"cqc_location":    "CQC location",
	"ofsted_urn":      "Ofsted URN",
	"companies_house": "Companies House",
	"charity":         "Charity",
}

// identifiers splits the providers table's scheme:id identifiers and
// names their schemes; an unknown scheme is shown as it is written.
func identifiers(ids []string) []Identifier {
	out := make([]Identifier, 0, len(ids))
	for _, s := range ids {
		scheme, id, ok := strings.Cut(s, ":")
		if !ok {
			scheme, id = "", s
		}
		out = append(out, Identifier{Scheme: cmp.Or(identifierSchemes[scheme], scheme), ID: id})
	}
	return out
}

// ProviderSection is a provider's figures for one metric and service:
// pooled across councils in the latest period it has, against the
// national distribution, with each council's figure and the trend.
type ProviderSection struct {
	Metric       MetricRef                   `json:"metric"`
	Service      string                      `json:"service"`
	ServiceTitle string                      `json:"service_title"`
	Period       string                      `json:"period"`
	PeriodLabel  string                      `json:"period_label"`
	Profile      *schemas.ProviderProfileRow `json:"profile"`
	National     *duckdb.SiteBenchmark       `json:"national"`
	Sentence     string                      `json:"sentence"`
	Spine        template.HTML               `json:"-"`
	SpineText    string                      `json:"-"`
	Trend        []TrendPoint                `json:"trend"`
	// TrendURL is the page that shows the trend when this one does not
	// (a provider's page split by metric and still too long).
	TrendURL string `json:"trend_url,omitempty"`
	// Rows are the councils' figures in Period on this page; NRows
	// counts them all. Parts are the pages of the metric's part that show
	// them, when this page shows none of them or only some: the first
	// few and the last (nearParts).
	Rows  ProviderRows `json:"rows"`
	NRows int          `json:"n_rows"`
	Parts []Part       `json:"parts,omitempty"`
	// RowsFrom, instead of Parts, is the page a later service's rows of
	// a metric start on: the metric's first service lists its pages.
	RowsFrom *Part `json:"rows_from,omitempty"`
}

// TrendPoint is a provider's pooled figure in one period. Its label and
// link are the page's: the twin has the period, which gives them, and a
// provider's trends were two fifths of its twin.
type TrendPoint struct {
	Period      string   `json:"period"`
	PeriodLabel string   `json:"-"`
	Value       *float64 `json:"value"`
	CI95Lower   *float64 `json:"ci95_lower"`
	CI95Upper   *float64 `json:"ci95_upper"`
	Band        string   `json:"band_national"`
	NCouncils   int64    `json:"n_councils"`
	URL         string   `json:"-"`
}

// CouncilPage is a council: the providers it commissions by service, its
// figures against England and its similar councils, and who those are.
type CouncilPage struct {
	Meta
	Council schemas.CouncilRow `json:"council"`
	Similar []SimilarList      `json:"similar_councils"`
	// PeerGroups is whether the lists are the data folder's peer groups
	// rather than nearest neighbours.
	PeerGroups bool             `json:"peer_groups"`
	Services   []CouncilService `json:"services"`
	// CSV holds the rows the page lists (with its parts, when it is
	// split): each metric of each service in its latest period.
	CSV string `json:"csv"`
	// Part is the service a part page shows, when the council's page is
	// split by service; Page is which of the part's pages this is, when
	// its rows need more than one.
	Part  string `json:"part,omitempty"`
	Page  *Part  `json:"page,omitempty"`
	Pages []Part `json:"pages,omitempty"`
}

// SimilarList is a council's similar councils for one responsibility it
// holds: its rows for a service are compared with the list for the
// responsibility that service needs.
type SimilarList struct {
	Responsibility string        `json:"responsibility"`
	Title          string        `json:"title"`
	Councils       []SimilarLink `json:"councils"`
}

// SimilarLink is a similar council.
type SimilarLink struct {
	Code string `json:"council_code"`
	Name string `json:"name"`
	Rank int64  `json:"rank"`
	URL  string `json:"url"`
}

// CouncilService is one service a council commissions.
type CouncilService struct {
	Service   string         `json:"service"`
	Title     string         `json:"title"`
	Providers []ProviderLink `json:"providers"`
	// Rows are the council's figures for the service on this page, each
	// metric in its latest period; NRows counts them all. Parts are the
	// pages that show them, when this page shows none of them or only
	// some: the first few and the last (nearParts).
	Rows  CouncilRows `json:"rows"`
	NRows int         `json:"n_rows"`
	Parts []Part      `json:"parts,omitempty"`
}

// ProviderLink is a provider a council commissions.
type ProviderLink struct {
	ID     string `json:"provider_id"`
	Name   string `json:"provider_name"`
	Sector string `json:"sector"`
	NRows  int64  `json:"n_rows"`
	URL    string `json:"url"`
}

// DownloadsPage lists the release's files and its data dictionary.
type DownloadsPage struct {
	Meta
	Files  []FileInfo `json:"files"`
	Tables []TableDoc `json:"tables"`
}

// FileInfo is one file of the release.
type FileInfo struct {
	Path    string `json:"path"`
	URL     string `json:"url"`
	Format  string `json:"format"`
	Bytes   int64  `json:"bytes"`
	SHA256  string `json:"sha256"`
	Licence string `json:"licence"`
}

// TableDoc is a public table in the data dictionary.
type TableDoc struct {
	Name        string   `json:"name"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Files       []string `json:"files"`
	// ParquetOnly says, for a table with a Parquet file and no CSV file,
	// where its rows come as CSV or JSON a part at a time.
	ParquetOnly string      `json:"parquet_only,omitempty"`
	PrimaryKey  []string    `json:"primary_key"`
	Columns     []ColumnDoc `json:"columns"`
}

// ColumnDoc is a column in the data dictionary.
type ColumnDoc struct {
	Name        string             `json:"name"`
	Type        schemas.ColumnType `json:"type"`
	Unit        string             `json:"unit,omitempty"`
	Description string             `json:"description"`
	Values      []schemas.Category `json:"values,omitempty"`
}

// SearchEntry is one name the search box finds.
type SearchEntry struct {
	Name string `json:"n"`
	// Kind is provider, council or metric; Detail says more (a
	// provider's sector, a council's region).
	Kind   string `json:"k"`
	Detail string `json:"d,omitempty"`
	URL    string `json:"u"`
	// Aliases are a provider's other names (those other councils give
	// it and the register gave it before): the search box finds a
	// provider by any of them and shows its published name.
	Aliases []string `json:"a,omitempty"`
}

// SectorsPage sets public, voluntary, private and PLC providers side by
// side: on the index (sectors/) every metric in the latest period it has
// sector figures for, on a metric's page (sectors/<metric>/[<period>/])
// the metric in one period, with the period picker.
type SectorsPage struct {
	Meta
	// Metric, Period and Periods are the metric's page's; the index has
	// none.
	Metric      *MetricRef   `json:"metric,omitempty"`
	Period      string       `json:"period,omitempty"`
	PeriodLabel string       `json:"period_label,omitempty"`
	Latest      bool         `json:"latest,omitempty"`
	Periods     []PeriodLink `json:"periods,omitempty"`
	// LeagueURL is the metric's league table in the period.
	LeagueURL string        `json:"-"`
	Groups    []SectorGroup `json:"groups"`
	// Charts says whether the groups' charts are on the page: the index
	// leaves them to the metrics' pages when it would be over
	// MaxPageBytes (it is not split, so TablePageBytes does not apply).
	Charts bool `json:"-"`
	// CSV holds the page's sector_benchmarks rows.
	CSV string `json:"csv"`
}

// SectorGroup is the sectors of one metric, period and service: what one
// interval chart shows.
type SectorGroup struct {
	Metric       MetricRef `json:"metric"`
	Period       string    `json:"period"`
	PeriodLabel  string    `json:"-"`
	Service      string    `json:"service"`
	ServiceTitle string    `json:"-"`
	// NationalValue is England's value for providers.
	NationalValue *float64     `json:"national_value"`
	Sectors       []SectorView `json:"sectors"`
	// Unsectored counts the figures of providers without a sector, which
	// no sector's figure includes.
	Unsectored int64  `json:"unsectored_figures"`
	Sentence   string `json:"sentence"`
	// URL is the metric's sectors page in the period, which the index
	// links to.
	URL       string        `json:"-"`
	Chart     template.HTML `json:"-"`
	ChartText string        `json:"-"`
	ChartID   string        `json:"-"`
}

// SectorView is one sector of a group: public, voluntary, private and plc
// always, with no figures when none of the sector's providers has one.
// Title and Note are the page's: the sector's name and, when its figure is
// missing or not compared, why.
type SectorView struct {
	duckdb.SiteSector
	Title string `json:"-"`
	Note  string `json:"-"`
}
