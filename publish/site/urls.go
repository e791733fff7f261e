package site

import (
	"strconv"
	"strings"
)

// The site's URLs are built here and nowhere else. Each is a path relative
// to the release's root folder, with no leading slash, so a release reads
// the same served at / or at /releases/<id>/, or opened from disk: a page
// links to another by prefixing the target with its own way back to the
// root (Root). A folder's URL ends in / and stands for its index.html.

// Fixed URLs of the site.
const (
	HomeURL      = ""
	DownloadsURL = "downloads.html"
	NotFoundURL  = "404.html"
	SitemapURL   = "sitemap.xml"
	SearchURL    = "search.json"
	StyleURL     = "assets/site.css"
	ScriptURL    = "assets/site.js"
	// MethodologyURL explains the statistics and disclosure rules;
	// ReleasesURL lists the releases so far; ChangesURL is the first page
	// of what this release revised and withdrew; APIURL documents the
	// JSON API. The history is releases.html, not a folder releases/,
	// which yardstick serve keeps for the releases themselves.
	MethodologyURL = "methodology.html"
	ReleasesURL    = "releases.html"
	ChangesURL     = "changes/"
	APIURL         = "api.html"
	// TableCSV is the name of the CSV file of a table beside its page.
	TableCSV = "table.csv"
)

// MetricURL is the page of a metric in its latest period.
func MetricURL(metric string) string { return "metrics/" + Segment(metric) + "/" }

// MetricPeriodURL is the page of a metric in one period.
func MetricPeriodURL(metric, period string) string {
	return MetricURL(metric) + Segment(period) + "/"
}

// MetricPartURL is one part of a metric's table in a period when the
// table is too long for one page: the rows of one region, and, for a
// region with more rows than a page holds, page n of them (from 1).
func MetricPartURL(metric, period, region string, n int) string {
	return PageURL(MetricPeriodURL(metric, period)+Segment(slug(region))+"/", n)
}

// PageURL is page n (from 1) of a table split into numbered pages whose
// first page is at url: url itself for the first, url/<n>/ for the rest.
func PageURL(url string, n int) string {
	if n > 1 {
		return url + strconv.Itoa(n) + "/"
	}
	return url
}

// ProviderURL is a provider's page.
func ProviderURL(id string) string { return "providers/" + Segment(id) + "/" }

// ProviderMetricURL is the page of a provider's figures for one metric in
// every council, when its page is too long to hold them all.
func ProviderMetricURL(id, metric string) string { return ProviderURL(id) + Segment(metric) + "/" }

// CouncilURL is a council's page.
func CouncilURL(code string) string { return "councils/" + Segment(code) + "/" }

// CouncilServiceURL is the page of a council's figures for one service,
// when its page is too long to hold them all.
func CouncilServiceURL(code, service string) string { return CouncilURL(code) + Segment(service) + "/" }

// TableURL is the CSV file of the table on the page at url.
func TableURL(url string) string { return url + TableCSV }

// JSONURL is the JSON twin of the page at url: index.json beside a
// folder's index.html, or the page's name with .json for a file.
func JSONURL(url string) string {
	if url == "" || strings.HasSuffix(url, "/") {
		return url + "index.json"
	}
	return strings.TrimSuffix(url, ".html") + ".json"
}

// File is the file, relative to the release folder, that a page's URL
// names.
func File(url string) string {
	if url == "" || strings.HasSuffix(url, "/") {
		return url + "index.html"
	}
	return url
}

// Root is the way back from the page at url to the release's root: "./"
// for a page at the root, "../" for each folder below it.
func Root(url string) string {
	if n := strings.Count(url, "/"); n > 0 {
		return strings.Repeat("../", n)
	}
	return "./"
}

// Segment returns id as one segment of a URL and the name of a folder.
// Ids made of letters, digits and - _ . (every GSS code, metric, period
// and the usual provider ids) are kept as they are; any other byte, and
// ~ itself, is written ~ and two hex digits, so two ids never share a
// segment, and "", "." and ".." become names that are not special.
func Segment(id string) string {
	plain := id != "" && id != "." && id != ".."
	for i := 0; plain && i < len(id); i++ {
		plain = segmentByte(id[i])
	}
	if plain {
		return id
	}
	var b strings.Builder
	b.WriteString("~")
	for i := 0; i < len(id); i++ {
		c := id[i]
		if segmentByte(c) && c != '.' {
			b.WriteByte(c)
			continue
		}
		const hex = "0123456789ABCDEF"
		b.WriteByte('~')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func segmentByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
}

// slug returns a region's name as a folder name: lower case, words joined
// by -, as in "north-west"; "other" for none.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "other"
	}
	return b.String()
}

// SectorsURL compares public, voluntary, private and PLC providers: every
// metric in its latest period.
const SectorsURL = "sectors/"

// SectorMetricURL is the sectors page of a metric in its latest period.
func SectorMetricURL(metric string) string { return SectorsURL + Segment(metric) + "/" }

// SectorPeriodURL is the sectors page of a metric in one period.
func SectorPeriodURL(metric, period string) string {
	return SectorMetricURL(metric) + Segment(period) + "/"
}
