package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/yardstick-open/yardstick/publish"
	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/schemas"
)

// table returns the registered public table name; the routes are built
// from the registry, so a missing one is a programming error.
func table(name string) *schemas.Table {
	t, ok := schemas.PublicTable(name)
	if !ok {
		panic("api: no public table " + name)
	}
	return &t
}

// categories returns the values a column of a public table may hold, as
// a parameter's enum.
func categories(tableName, column string) []string {
	c, ok := table(tableName).Column(column)
	if !ok {
		panic("api: no column " + tableName + "." + column)
	}
	var out []string
	for _, cat := range c.Categories {
		out = append(out, cat.Value)
	}
	return out
}

// explain gives a not-found error a sentence naming what was missing, in
// which release, and where to find what exists; other errors pass.
func explain(err error, rel *release, format string, args ...any) error {
	if err == nil || schemas.ErrorCode(err) != schemas.ENOTFOUND {
		return err
	}
	return schemas.Errorf(schemas.ENOTFOUND, "%s (release %s)", fmt.Sprintf(format, args...), rel.rec.ID)
}

func (s *Server) registerMetricRoutes() {
	s.add(route{Name: "listMetrics", Method: http.MethodGet, Path: "/metrics", Tag: "metrics",
		Summary: "The metric catalogue the release was built with", List: table("metrics"), Example: "/metrics",
		handle: func(ctx context.Context, rel *release, q *request) (any, error) {
			ms, err := rel.reader.Metrics(ctx)
			if err != nil {
				return nil, err
			}
			return pageOf(ms, q), nil
		}})
	s.add(route{Name: "getMetric", Method: http.MethodGet, Path: "/metrics/{id}", Tag: "metrics",
		Summary:     "A metric with its national benchmarks, and the funnel-plot limits of a period",
		Description: "Benchmarks for every period, service and level; with period, the control limits of that period's funnel plots.",
		Params: []param{
			{Name: "id", In: "path", Type: "string", Description: "Metric id, as /metrics lists them."},
			{Name: "period", In: "query", Type: "string", Description: "A period with observations (see /periods), for its funnel-plot limits."},
		},
		Body: "MetricView", Example: "/metrics/{metric}?period={period}",
		handle: func(ctx context.Context, rel *release, q *request) (any, error) {
			v, err := rel.reader.Metric(ctx, q.vars["id"], q.str("period"))
			if q.str("period") != "" {
				return v, explain(err, rel, "no metric %q with observations in period %q; %s/metrics and %s/periods list them",
					q.vars["id"], q.str("period"), Prefix, Prefix)
			}
			return v, explain(err, rel, "no metric %q; %s/metrics lists them", q.vars["id"], Prefix)
		}})
}

func (s *Server) registerPeriodRoutes() {
	s.add(route{Name: "listPeriods", Method: http.MethodGet, Path: "/periods", Tag: "periods",
		Summary: "The periods with observations, with the periods they are compared with", List: table("period_links"),
		Example: "/periods",
		handle: func(ctx context.Context, rel *release, q *request) (any, error) {
			ps, err := rel.reader.Periods(ctx)
			if err != nil {
				return nil, err
			}
			return pageOf(ps, q), nil
		}})
}

func (s *Server) registerCouncilRoutes() {
	s.add(route{Name: "listCouncils", Method: http.MethodGet, Path: "/councils", Tag: "councils",
		Summary: "The register of councils, current and abolished", List: table("councils"), Example: "/councils?with_data=true",
		Params: []param{
			{Name: "q", In: "query", Type: "string", Description: "Text the council's name, official name or code contains, ignoring case."},
			{Name: "region", In: "query", Type: "string", Description: "The council's region, as the councils table names it."},
			{Name: "council_type", In: "query", Type: "string", Description: "The council's type code (UTA, MD, LBO, CTY, NMD, ...)."},
			{Name: "with_data", In: "query", Type: "boolean", Description: "true keeps only the councils with observations in the release."},
		},
		handle: func(ctx context.Context, rel *release, q *request) (any, error) {
			return fromPage(rel.reader.Councils(ctx, duckdb.CouncilFilter{Query: q.str("q"), Region: q.str("region"),
				CouncilType: q.str("council_type"), WithData: q.flag("with_data"), Page: q.page, PageSize: q.pageSize}))
		}})
	s.add(route{Name: "getCouncil", Method: http.MethodGet, Path: "/councils/{code}", Tag: "councils",
		Summary: "A council, its similar councils for each responsibility, the providers it commissions and its comparison rows",
		Params:  []param{{Name: "code", In: "path", Type: "string", Description: "The council's GSS code."}},
		Body:    "CouncilView", Example: "/councils/{council}",
		handle: func(ctx context.Context, rel *release, q *request) (any, error) {
			v, err := rel.reader.Council(ctx, q.vars["code"], schemas.ViewComparisons)
			return v, explain(err, rel, "no council with GSS code %q; %s/councils?q=<name> finds a code", q.vars["code"], Prefix)
		}})
}

func (s *Server) registerProviderRoutes() {
	s.add(route{Name: "listProviders", Method: http.MethodGet, Path: "/providers", Tag: "providers",
		Summary: "Providers, found by name, sector and service", List: table("providers"), Example: "/providers?q={providerWord}",
		Params: []param{
			{Name: "q", In: "query", Type: "string", Description: "Text the provider's name or id contains, ignoring case."},
			{Name: "sector", In: "query", Type: "string", Enum: categories("providers", "sector"), Description: "The provider's sector."},
			{Name: "service", In: "query", Type: "string", Description: "A service the provider delivers (homecare, care-home, ...)."},
		},
		handle: func(ctx context.Context, rel *release, q *request) (any, error) {
			return fromPage(rel.reader.Providers(ctx, duckdb.ProviderFilter{Query: q.str("q"), Sector: q.str("sector"),
				Service: q.str("service"), Page: q.page, PageSize: q.pageSize}))
		}})
	s.add(route{Name: "getProvider", Method: http.MethodGet, Path: "/providers/{id}", Tag: "providers",
		Summary: "A provider's profile across every council that commissions it",
		Params:  []param{{Name: "id", In: "path", Type: "string", Description: "The provider's id."}},
		Body:    "ProviderView", Example: "/providers/{provider}",
		handle: func(ctx context.Context, rel *release, q *request) (any, error) {
			v, err := rel.reader.Provider(ctx, q.vars["id"], schemas.ViewComparisons)
			return v, explain(err, rel, "no provider %q; %s/providers?q=<name> finds an id", q.vars["id"], Prefix)
		}})
	// The profiles are published as Parquet only (schemas.Table.ParquetOnly):
	// this list is where one provider's profile comes as CSV.
	s.add(route{Name: "listProviderProfile", Method: http.MethodGet, Path: "/providers/{id}/profile", Tag: "providers",
		Summary:     "A provider's profile rows: every metric, period and service, pooled across its councils",
		Description: "The provider's rows of data/provider-profiles.parquet, by metric, period and service; format=csv gives them as CSV.",
		List:        table("provider_profile"), Example: "/providers/{provider}/profile",
		Params: []param{{Name: "id", In: "path", Type: "string", Description: "The provider's id."}},
		handle: func(ctx context.Context, rel *release, q *request) (any, error) {
			// No comparison rows: the profile is all this list answers.
			v, err := rel.reader.Provider(ctx, q.vars["id"], 0)
			if err != nil {
				return nil, explain(err, rel, "no provider %q; %s/providers?q=<name> finds an id", q.vars["id"], Prefix)
			}
			return pageOf(v.Profile, q), nil
		}})
}

// sortValues are the values the sort parameter takes: a column, or a
// column after "-" for descending order.
func sortValues() []string {
	cols := duckdb.ComparisonSorts()
	out := make([]string, 0, 2*len(cols))
	for _, c := range cols {
		out = append(out, c, "-"+c)
	}
	return out
}

func (s *Server) registerComparisonRoutes() {
	s.add(route{Name: "listComparisons", Method: http.MethodGet, Path: "/comparisons", Tag: "comparisons",
		Summary:     "Observations with their intervals, benchmarks and bands",
		Description: "Every filter given must match. Rows come in observation-key order unless sorted; blanks sort last.",
		List:        table("comparisons"), Example: "/comparisons?metric={metric}&period={period}&sort=-value",
		Params: []param{
			{Name: "metric", In: "query", Type: "string", Description: "Metric id."},
			{Name: "period", In: "query", Type: "string", Description: "Period id, such as 2024-25-Q1."},
			{Name: "council", In: "query", Type: "string", Description: "Council GSS code."},
			{Name: "provider", In: "query", Type: "string", Description: "Provider id."},
			{Name: "service", In: "query", Type: "string", Description: "Service."},
			{Name: "region", In: "query", Type: "string", Description: "The council's region."},
			{Name: "council_type", In: "query", Type: "string", Description: "The council's type code."},
			{Name: "sector", In: "query", Type: "string", Enum: categories("providers", "sector"), Description: "The provider's sector."},
			{Name: "band", In: "query", Type: "string", Enum: categories("comparisons", "band_national"), Description: "The band against England."},
			{Name: "sort", In: "query", Type: "string", Enum: sortValues(), Description: "A column to sort by; -column sorts descending."},
		},
		handle: func(ctx context.Context, rel *release, q *request) (any, error) {
			sort, desc := strings.CutPrefix(q.str("sort"), "-")
			if !desc {
				sort = q.str("sort")
			}
			return fromPage(rel.reader.Comparisons(ctx, duckdb.ComparisonFilter{
				Metric: q.str("metric"), Period: q.str("period"), Council: q.str("council"), Provider: q.str("provider"),
				Service: q.str("service"), Region: q.str("region"), CouncilType: q.str("council_type"),
				Sector: q.str("sector"), Band: q.str("band"), Sort: sort, Desc: desc, Page: q.page, PageSize: q.pageSize}))
		}})
}

// ReleaseSummary is a row of /releases: a release of the data folder.
type ReleaseSummary struct {
	ID           string `json:"id"`
	Created      string `json:"created"`
	Previous     string `json:"previous"`
	Current      bool   `json:"current"`
	Observations int    `json:"observations"`
	Comparisons  int    `json:"comparisons"`
	Councils     int    `json:"councils"`
	Providers    int    `json:"providers"`
	Periods      int    `json:"periods"`
	Submissions  int    `json:"submissions"`
	Revised      int    `json:"revised"`
	Withdrawn    int    `json:"withdrawn"`
}

// releasesTable describes ReleaseSummary for the CSV answer and the
// OpenAPI document. It is not a table of a release: it lists releases.
var releasesTable = schemas.Table{Name: "releases", Title: "Releases", PrimaryKey: []string{"id"}, Columns: []schemas.Column{
	{Name: "id", Type: schemas.TypeString, Description: "Release id: the time it was built, UTC."},
	{Name: "created", Type: schemas.TypeDatetime, Description: "When the release was built."},
	{Name: "previous", Type: schemas.TypeString, Description: "The release before it; blank for the first."},
	{Name: "current", Type: schemas.TypeBoolean, Description: "Whether it is the release being served."},
	{Name: "observations", Type: schemas.TypeInteger, Description: "Observations published."},
	{Name: "comparisons", Type: schemas.TypeInteger, Description: "Comparison rows."},
	{Name: "councils", Type: schemas.TypeInteger, Description: "Councils with observations."},
	{Name: "providers", Type: schemas.TypeInteger, Description: "Providers."},
	{Name: "periods", Type: schemas.TypeInteger, Description: "Periods with observations."},
	{Name: "submissions", Type: schemas.TypeInteger, Description: "Submissions included."},
	{Name: "revised", Type: schemas.TypeInteger, Description: "Observations whose figures changed since the previous release."},
	{Name: "withdrawn", Type: schemas.TypeInteger, Description: "Observations of the previous release no longer published."},
}}

func (s *Server) registerReleaseRoutes() {
	s.add(route{Name: "listReleases", Method: http.MethodGet, Path: "/releases", Tag: "releases",
		Summary: "Every release of the data folder, newest first", List: &releasesTable, Example: "/releases",
		handle: func(ctx context.Context, rel *release, q *request) (any, error) {
			ids, err := publish.Releases(s.cfg.Layout)
			if err != nil {
				return nil, err
			}
			out := make([]ReleaseSummary, 0, len(ids))
			for i := len(ids) - 1; i >= 0; i-- {
				r, err := publish.ReadRelease(s.cfg.Layout, ids[i])
				if err != nil {
					// A folder being built or removed: not a release yet.
					continue
				}
				c := r.Counts
				out = append(out, ReleaseSummary{ID: r.ID, Created: r.Created.UTC().Format("2006-01-02T15:04:05Z"),
					Previous: r.Previous, Current: r.ID == rel.rec.ID,
					Observations: c.Observations, Comparisons: c.Comparisons, Councils: c.Councils,
					Providers: c.Providers, Periods: c.Periods, Submissions: c.Submissions,
					Revised: c.Revised, Withdrawn: c.Withdrawn})
			}
			return pageOf(out, q), nil
		}})
	s.add(route{Name: "getRelease", Method: http.MethodGet, Path: "/releases/{id}", Tag: "releases",
		Summary: "A release's record: submissions, counts, revisions and withdrawals (its release.json)",
		Params:  []param{{Name: "id", In: "path", Type: "string", Description: "Release id, or current."}},
		Body:    "Release", Example: "/releases/current",
		handle: func(ctx context.Context, rel *release, q *request) (any, error) {
			id := q.vars["id"]
			if id == "current" {
				return rel.rec, nil
			}
			r, err := publish.ReadRelease(s.cfg.Layout, id)
			if err != nil {
				return nil, explain(err, rel, "no release %q; %s/releases lists them", id, Prefix)
			}
			return r, nil
		}})
}
