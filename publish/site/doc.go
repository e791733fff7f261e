// Package site writes a release's website: static HTML pages, each with a
// JSON twin, SVG charts drawn in Go, a CSV file beside each table, a search
// index, a sitemap and one stylesheet and one script of its own. It owns
// the page values (view.go), the site's URLs (urls.go), the templates and
// assets (embedded and parsed once) and the charts (svg.go). Builder.Build
// reads the release database through duckdb.Reader and writes into the
// release folder that publish is building, before SHA256SUMS, which covers
// every page.
//
// # Pages
//
//	index.html, index.json                   the latest period's headline for each metric, in a
//	                                         sentence; how to read the site; search; every council
//	metrics/<metric>/index.html|.json        the metric's latest period (a copy of its period page)
//	metrics/<metric>/<period>/index.html|.json|table.csv
//	                                         the league table (value, 95% and 99.8% intervals, band
//	                                         against England in words, percentile rank, numerator,
//	                                         denominator, the council's note, markers), a funnel plot
//	                                         per service and level, a sentence per plot, the period
//	                                         picker; table.csv has the comparisons table's columns
//	metrics/<metric>/<period>/<region>/[<n>/]index.html|.json
//	                                         a part of a table too long for one page: one region's
//	                                         rows, in numbered pages when a region needs several
//	providers/<id>/index.html|.json          every metric in every council that commissions the
//	                                         provider, in the latest period it has, pooled across
//	                                         councils on a spine chart of England's spread, with the
//	                                         trend by period
//	providers/<id>/<metric>/[<n>/]index.html|.json
//	                                         each council's figure for one metric, when the
//	                                         provider's page would be too long to hold them all,
//	                                         in numbered pages when one metric's need several
//	councils/<gss>/index.html|.json|table.csv
//	                                         the providers it commissions by service, its figures
//	                                         (each metric in its latest period) against England and
//	                                         its similar councils, who those are for each
//	                                         responsibility it holds; table.csv holds the figures
//	                                         the page lists, in its order (every period is in
//	                                         data/comparisons.parquet and the API, as the page says)
//	councils/<gss>/<service>/[<n>/]index.html|.json
//	                                         one service, when the council's page would be too
//	                                         long, in numbered pages when the service needs several
//	sectors/index.html|.json|table.csv       public, voluntary, private and PLC providers side by
//	                                         side for every metric with provider figures, in the
//	                                         latest period it has them: per service, each sector's
//	                                         pooled value, 95% and 99.8% intervals, band against
//	                                         England in words, providers, councils and figures
//	                                         counted, an interval chart and a sentence; a sector
//	                                         without figures, with all of them withheld, or with
//	                                         too few to compare says so; table.csv has the
//	                                         sector_benchmarks table's columns
//	sectors/<metric>/index.html|.json        the metric's latest period (a copy of its period page)
//	sectors/<metric>/<period>/index.html|.json|table.csv
//	                                         the same for one period, with the period picker
//	downloads.html, downloads.json           every file of the release with format, size, SHA-256
//	                                         and licence; the data dictionary from
//	                                         schemas.PublicTables
//	methodology.html, methodology.json       the statistics and disclosure rules in plain English,
//	                                         point by point with publish/duckdb/doc.go
//	                                         (templates/methodology.txt; TestMethodology checks
//	                                         that every point still quotes doc.go word for word)
//	releases.html, releases.json             every release so far, newest first, from the
//	                                         release.json of each (Input.History): created, the
//	                                         release before, submissions included and superseded,
//	                                         figures revised, added, withdrawn, withheld and shown
//	changes/[<n>/]index.html|.json           every figure this release revised (old and new) and
//	                                         withdrew (old), in numbered pages; none without changes
//	api.html, api.json                       the JSON API's routes and parameters, from its
//	                                         OpenAPI document (Builder.OpenAPI); none without it
//	404.html                                 for static hosts that serve one (yardstick serve
//	                                         answers with its own)
//	search.json                              names of providers (with their aliases, which the
//	                                         search box also matches, showing the published name),
//	                                         councils and metrics with their URLs
//	sitemap.xml                              every page; the locations are relative to the release's
//	                                         root unless Builder.BaseURL is set, since a release does
//	                                         not know where it will be served
//	assets/site.css, assets/site.js
//
// Only councils with observations have pages; a similar council without
// one is named, not linked.
//
// The home and downloads pages describe the release as a schema.org
// Dataset in JSON-LD (a data block, which the Content-Security-Policy
// does not run), with its data files as distributions, for dataset search
// engines; its URLs are absolute when Builder.BaseURL is set.
//
// # A newer release
//
// A release never changes, so a page cannot know that a newer release was
// published after it. Each page's body carries its release's id and time
// and its own URL, and the script asks the live release for its
// release.json at the root of the host (/release.json, where yardstick
// serve serves the live release, or under Builder.BaseURL): when that is
// a later release, it puts a notice at the top of the page, with a link
// to the same page in the newer release and one to its home page. Opened
// from disk, offline, with JavaScript off, or on a host that serves no
// release.json at its root, the page says nothing and is otherwise the
// same; the releases page and the footer's link to it say which release
// a page belongs to. The 404 page, served for any address, has no notice.
//
// # Rules
//
// Every link is relative (urls.go: a page prefixes a root-relative URL
// with its way back to the root), so a release reads the same at /, at
// /releases/<id>/ or from a folder on disk, and nothing comes from another
// host. Pages work without JavaScript: tables are whole, the period picker
// and the parts of a split table are links; the script adds sorting,
// filtering and the search box. Nothing is styled inline, as the server's
// Content-Security-Policy forbids it. Bands are written in words beside
// their colour. Numbers are formatted for people on the pages only
// (thousands separators, a percent to one decimal, pounds to two); the
// JSON twins and CSV files keep the release's figures. A twin holds the
// page's value, not its presentation: a row has its ids (provider,
// council, metric, period, service), not the links, titles and units a
// page shows beside it, which the ids give (urls.go). A table of
// comparison rows in a twin is {"columns": [...], "data": [[...], ...]}
// (MetricRows, ProviderRows, CouncilRows; twin.go): the names once, each
// row an array of values in their order. Its columns are the keys that
// join a row to data/comparisons.parquet (metric, period, council_code,
// provider_id, service) and then the columns the page's table shows, as
// figures rather than text: a league table's provider_name,
// council_name, region, value, status, ci95_lower, ci95_upper,
// ci998_lower, ci998_upper, band_national, percentile_rank, numerator,
// denominator and note; a provider's table's council_name, value, status,
// ci95_lower, ci95_upper, band_national, band_region, band_similar,
// numerator and denominator; a council's table's provider_name, value,
// status, ci95_lower, ci95_upper, band_national, band_similar and
// denominator. The comparisons table's other columns are in
// data/comparisons.parquet and the API, not repeated in every page's twin.
//
// No HTML page exceeds MaxPageBytes (200 KB) before compression, and a
// page of tables past TablePageBytes (32 KB) is split, never cut short,
// since a phone's style and layout of a long table is what keeps it busy:
// a metric's by region, a provider's by metric, a council's by service,
// and any of those parts still too long into numbered pages ("page 2 of
// 5"), all by one function (split.go). A table that cannot be split that
// small, because what the page must show around its rows is long, is
// split under LongTablePageBytes (48 KB), or failing that under
// MaxPageBytes, instead. Builder.PageLimit lowers the limit
// (and the split size, when it is less), for tests that split tables of a
// few hundred rows. A provider's page that is still too long once its tables
// have moved to its parts (many metrics and services over many periods)
// moves its trends there too. The page that would have held the table
// links to the parts and says which rows each holds; each part links to
// the first page of every group and, in its own group, to the pages near
// it and the last (nearParts), a list that does not grow with the table
// (a provider's page lists a metric's pages under its first service; each
// later service names the page its rows start on, rows_from); table.csv
// holds them all. ErrPageTooLarge is the last resort, for a page that
// cannot fit even so: one row with what every page around it must show
// (or a page that lists the parts) over the limit.
//
// # Speed
//
// The comparison rows are read in three ordered scans (by metric and
// period, a batch of metric periods a query; and by council and by
// provider, each metric and service in its latest period only;
// duckdb.Reader.EachSiteRow), each page's rows handed to a pool of
// workers as they arrive, so the site costs a few queries, not one per
// page. It holds a batch of rows in metric order, and each
// latest-period query's whole result in council and provider order
// (about 130,000 rows each at five million), besides the pages in hand.
// A council's table.csv is written from its rows with its page. The
// scans run one after another, since each sorts the rows in the reader's
// memory (publish's reader spills past half its limit, at a cost in time;
// a server's never does). The pages queued for rendering hold at most
// QueueRows rows between them. Publish writes the pages while it exports the data
// files (Input.DataFiles): only the downloads and home pages, which list
// and describe those files, and the sitemap wait for them, and
// Stats.Elapsed leaves the wait out. The long tables and lists (league
// tables, councils' and providers' tables and lists, trends, the parts of
// a split table) are written in Go (rows.go) rather than by the
// templates, which would spend most of the build on them, in markup as
// light as HTML allows (cells and rows left unclosed, a number's cell
// aligned by its sort key, no region column on a region's part); the
// tables' CSV files and the twins' rows are written from the rows'
// fields through one list of columns (cols.go), without reflection.
// Files are written in place with os.WriteFile: the release folder
// becomes live only when publish renames it whole, and publish makes the
// files durable with one sync (schemas.SyncAll) and takes their SHA-256
// sums from Build rather than reading them back.
//
// BenchmarkSite measures a small fixture's site; BenchmarkSiteRelease
// (-site-release=<a release folder>) rebuilds the site of a real release,
// such as one of `yardstick sample --rows 200000` published with
// --no-site, and reports pages a second of wall time and of the process's
// CPU time, which a busy machine disturbs less, and the CPU seconds, bytes
// and pages of one site, which compare builds that split the same tables
// into different numbers of pages; with -cpuprofile it shows where a
// site's time goes.
package site
