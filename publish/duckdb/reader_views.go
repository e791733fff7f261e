package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"

	"github.com/yardstick-open/yardstick/schemas"
)

// ErrInvalidSort is returned, wrapped, for a sort column that is not in
// ComparisonSorts, or a descending order with no sort column.
var ErrInvalidSort error = &schemas.Error{Code: schemas.EINVALID, Message: "invalid sort"}

// ErrInvalidPage is returned, wrapped, for a negative page or page size, or
// a page so far on that its first row cannot be counted.
var ErrInvalidPage error = &schemas.Error{Code: schemas.EINVALID, Message: "invalid page"}

// Paging: a page size of 0 asks for DefaultPageSize; one above MaxPageSize
// is cut to it.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// comparisonSorts are the columns Comparisons may order by. The CASEs of
// queries/reader_comparisons.sql turn each name into its column; a name
// missing there would sort nothing, which TestReaderComparisonSortsEveryColumn
// catches.
var comparisonSorts = map[string]bool{
	"metric": true, "period": true, "council_code": true, "provider_id": true, "provider_name": true,
	"service": true, "status": true, "value": true, "numerator": true, "denominator": true,
	"national_value": true, "percentile_rank": true, "z_score": true, "band_national": true,
	"band_national_95": true, "band_national_adjusted": true, "band_region": true, "band_council_type": true,
	"band_similar": true, "change_prev": true, "change_year": true,
}

// ComparisonSorts returns the columns Comparisons may order by, in order
// of name.
func ComparisonSorts() []string {
	out := make([]string, 0, len(comparisonSorts))
	for s := range comparisonSorts {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// ComparisonFilter selects comparison rows. An empty field selects every
// row; the others must all match.
type ComparisonFilter struct {
	Metric, Period, Council, Provider, Service string
	// Region and CouncilType are the council's, as the councils table
	// gives them; Sector is the provider's, as the providers table gives
	// it, so a council-wide row has no sector.
	Region, CouncilType, Sector string
	// Band matches band_national.
	Band string
	// Sort is a column from ComparisonSorts, "" for observation-key order
	// (metric, period, council, provider, service), which also breaks
	// ties. Blanks come last in either direction. Desc needs a Sort.
	Sort string
	Desc bool
	// Page counts from 1; 0 means 1. PageSize 0 means DefaultPageSize.
	Page, PageSize int
}

// ProviderFilter selects providers. An empty field selects every provider.
type ProviderFilter struct {
	// Query matches a provider whose name or id contains it, ignoring
	// case; every character in it is literal, % and _ included.
	Query string
	// Sector matches the providers table's sector; Service one of the
	// provider's services.
	Sector, Service string
	Page, PageSize  int
}

// CouncilFilter selects councils from the register. An empty field
// selects every council.
type CouncilFilter struct {
	// Query matches a council whose name, official name or code contains
	// it, ignoring case; every character in it is literal.
	Query       string
	Region      string
	CouncilType string
	// WithData keeps only the councils with observations in the release.
	WithData       bool
	Page, PageSize int
}

// pageOf works out the page a request asks for, and the rows to skip.
func pageOf(page, size int) (schemas.Page[struct{}], int64, error) {
	if page < 0 || size < 0 {
		return schemas.Page[struct{}]{}, 0, fmt.Errorf("%w: page %d, page size %d: neither may be negative", ErrInvalidPage, page, size)
	}
	if page == 0 {
		page = 1
	}
	switch {
	case size == 0:
		size = DefaultPageSize
	case size > MaxPageSize:
		size = MaxPageSize
	}
	if int64(page-1) > math.MaxInt64/int64(size) {
		return schemas.Page[struct{}]{}, 0, fmt.Errorf("%w: page %d is too far on", ErrInvalidPage, page)
	}
	return schemas.Page[struct{}]{Page: page, PageSize: size}, int64(page-1) * int64(size), nil
}

// collectPage runs a paged query, whose rows are a total, whether the row
// is a real one (a page past the end is one row of NULLs beside the total),
// and the row's columns.
func collectPage[T any](ctx context.Context, r *Reader, name string, dest func(*T) []any, args ...any) ([]T, int, error) {
	type pageRow struct {
		has bool
		v   T
	}
	var total int
	rows, err := collectRows(ctx, r, name, func(rows *sql.Rows, p *pageRow) error {
		return rows.Scan(append([]any{&total, &p.has}, dest(&p.v)...)...)
	}, args...)
	if err != nil {
		return nil, 0, err
	}
	items := make([]T, 0, len(rows))
	for _, p := range rows {
		if p.has {
			items = append(items, p.v)
		}
	}
	return items, total, nil
}

// Comparisons returns one page of the comparison rows f selects, with the
// number it selects in Total.
func (r *Reader) Comparisons(ctx context.Context, f ComparisonFilter) (schemas.Page[schemas.ComparisonRow], error) {
	var out schemas.Page[schemas.ComparisonRow]
	switch {
	case f.Sort == "" && f.Desc:
		return out, fmt.Errorf("comparisons: %w: descending order needs a sort column", ErrInvalidSort)
	case f.Sort != "" && !comparisonSorts[f.Sort]:
		return out, fmt.Errorf("comparisons: %w: %q is not a column comparisons sort by", ErrInvalidSort, f.Sort)
	}
	p, offset, err := pageOf(f.Page, f.PageSize)
	if err != nil {
		return out, fmt.Errorf("comparisons: %w", err)
	}
	items, total, err := r.comparisons(ctx, f, int64(p.PageSize), offset)
	if err != nil {
		return out, err
	}
	return schemas.Page[schemas.ComparisonRow]{Items: items, Total: total, Page: p.Page, PageSize: p.PageSize}, nil
}

// comparisons runs reader_comparisons for f without checking its sort or
// paging; the views use it for the first rows of a council or provider.
func (r *Reader) comparisons(ctx context.Context, f ComparisonFilter, limit, offset int64) ([]schemas.ComparisonRow, int, error) {
	return collectPage(ctx, r, "reader_comparisons", comparisonDest,
		sql.Named("metric", f.Metric), sql.Named("period", f.Period), sql.Named("council", f.Council),
		sql.Named("provider", f.Provider), sql.Named("service", f.Service), sql.Named("region", f.Region),
		sql.Named("council_type", f.CouncilType), sql.Named("sector", f.Sector), sql.Named("band", f.Band),
		sql.Named("sort", f.Sort), sql.Named("desc", f.Desc), sql.Named("limit", limit), sql.Named("offset", offset))
}

// Providers returns one page of the providers f selects, by name then id,
// with the number it selects in Total.
func (r *Reader) Providers(ctx context.Context, f ProviderFilter) (schemas.Page[schemas.ProviderRow], error) {
	var out schemas.Page[schemas.ProviderRow]
	p, offset, err := pageOf(f.Page, f.PageSize)
	if err != nil {
		return out, fmt.Errorf("providers: %w", err)
	}
	items, total, err := collectPage(ctx, r, "reader_providers", providerDest,
		sql.Named("query", f.Query), sql.Named("sector", f.Sector), sql.Named("service", f.Service),
		sql.Named("limit", int64(p.PageSize)), sql.Named("offset", offset))
	if err != nil {
		return out, err
	}
	return schemas.Page[schemas.ProviderRow]{Items: items, Total: total, Page: p.Page, PageSize: p.PageSize}, nil
}

// Provider returns the provider with the given id, its profile pooled
// across councils (by metric, period and service) and the first first of
// its comparison rows in every council (in observation-key order) with how
// many there are. An id the providers table
// does not hold, "" included, is ErrNotFound.
func (r *Reader) Provider(ctx context.Context, id string, first int) (schemas.ProviderView, error) {
	var v schemas.ProviderView
	found, err := collectRows(ctx, r, "reader_provider", scanInto(providerDest), sql.Named("id", id))
	if err != nil {
		return v, err
	}
	if len(found) == 0 {
		return v, fmt.Errorf("provider %q: %w", id, ErrNotFound)
	}
	v.Provider = found[0]
	if v.Profile, err = collectRows(ctx, r, "reader_provider_profile", scanInto(profileDest), sql.Named("id", id)); err != nil {
		return v, err
	}
	if v.Comparisons, v.ComparisonsTotal, err = r.providerComparisons(ctx, v.Provider, max(first, 0), v.Profile); err != nil {
		return v, err
	}
	return v, nil
}

// providerComparisons returns the first first comparison rows of the
// provider, in observation-key order, and how many it has. The
// comparisons table is stored in that order, metric first, so a
// provider's rows are spread through every row group of it, and a query
// filtering on provider_id alone reads them all: at two million rows,
// most of a profile's time. So the rows are read between bounds on
// (metric, period), which let DuckDB skip the row groups of other
// metrics: from the provider's first metric to the (metric, period) by
// which its profile counts first rows. How many rows it has is the
// providers table's n_rows, and its first metric its profile's first:
// the build checks that both match the comparisons table
// (check_provider_spans.sql), so nothing here reads the provider_id of
// every row. A profile row pools at least one row, and at least its
// n_values (rows with a value), so the bounds hold the page; the page is
// checked and, were it short, read again without bounds, so the page
// never depends on the profile's counts.
func (r *Reader) providerComparisons(ctx context.Context, p schemas.ProviderRow, first int, profile []schemas.ProviderProfileRow) ([]schemas.ComparisonRow, int, error) {
	total := int(p.NRows)
	if total == 0 || first == 0 {
		return []schemas.ComparisonRow{}, total, nil
	}
	// unbounded reads the page without bounds, with its own count: for a
	// provider without a profile (which the build refuses), where
	// n_rows is not trusted either, and for a page that came up short.
	unbounded := func() ([]schemas.ComparisonRow, int, error) {
		return r.comparisons(ctx, ComparisonFilter{Provider: p.ProviderID}, int64(first), 0)
	}
	if len(profile) == 0 {
		return unbounded()
	}
	from := profile[0].Metric
	lastMetric, lastPeriod := pageBound(profile, from, first)
	periodCap := ""
	if lastMetric == from {
		periodCap = lastPeriod
	}
	rows, err := collectRows(ctx, r, "reader_provider_comparisons", scanInto(comparisonDest),
		sql.Named("id", p.ProviderID), sql.Named("first_metric", from), sql.Named("last_metric", lastMetric),
		sql.Named("last_period", lastPeriod), sql.Named("period_cap", periodCap), sql.Named("limit", int64(first)))
	if err != nil {
		return nil, 0, err
	}
	if len(rows) >= min(first, total) {
		return rows, total, nil
	}
	rows, _, err = unbounded()
	return rows, total, err
}

// pageBound returns the (metric, period) by which profile, in (metric,
// period, service) order, counts first rows from metric from on, or ""
// for both when it never does, so the page has no upper bound.
func pageBound(profile []schemas.ProviderProfileRow, from string, first int) (metric, period string) {
	var n int64
	for _, p := range profile {
		if p.Metric < from {
			continue
		}
		if n += max(p.NValues, p.NCouncils, 1); n >= int64(first) {
			return p.Metric, p.Period
		}
	}
	return "", ""
}

// Councils returns one page of the councils f selects, by name then code,
// with the number it selects in Total.
func (r *Reader) Councils(ctx context.Context, f CouncilFilter) (schemas.Page[schemas.CouncilRow], error) {
	var out schemas.Page[schemas.CouncilRow]
	p, offset, err := pageOf(f.Page, f.PageSize)
	if err != nil {
		return out, fmt.Errorf("councils: %w", err)
	}
	items, total, err := collectPage(ctx, r, "reader_councils", councilDest,
		sql.Named("query", f.Query), sql.Named("region", f.Region), sql.Named("council_type", f.CouncilType),
		sql.Named("with_data", f.WithData), sql.Named("limit", int64(p.PageSize)), sql.Named("offset", offset))
	if err != nil {
		return out, err
	}
	return schemas.Page[schemas.CouncilRow]{Items: items, Total: total, Page: p.Page, PageSize: p.PageSize}, nil
}

// Council returns the council with the given code, its similar councils
// (a list per responsibility it holds, by responsibility, most similar
// first), the providers it commissions (by service, then name) and the
// first first of its comparison rows (in observation-key order) with how
// many there are. A code the register does not hold is ErrNotFound; a
// council without observations is found, with no providers or rows.
func (r *Reader) Council(ctx context.Context, code string, first int) (schemas.CouncilView, error) {
	var v schemas.CouncilView
	found, err := collectRows(ctx, r, "reader_council", scanInto(councilDest), sql.Named("code", code))
	if err != nil {
		return v, err
	}
	if len(found) == 0 {
		return v, fmt.Errorf("council %q: %w", code, ErrNotFound)
	}
	v.Council = found[0]
	if v.Similar, err = collectRows(ctx, r, "reader_similar_councils", scanInto(similarDest), sql.Named("code", code)); err != nil {
		return v, err
	}
	if v.Providers, err = collectRows(ctx, r, "reader_council_providers", scanInto(councilProviderDest), sql.Named("code", code)); err != nil {
		return v, err
	}
	if v.Comparisons, v.ComparisonsTotal, err = r.comparisons(ctx, ComparisonFilter{Council: code}, int64(max(first, 0)), 0); err != nil {
		return v, err
	}
	return v, nil
}

// Metrics returns the metric catalogue the release was built with, by id.
func (r *Reader) Metrics(ctx context.Context) ([]schemas.Metric, error) {
	return collectRows(ctx, r, "reader_metrics", scanInto(metricDest), sql.Named("id", ""))
}

// Metric returns the metric with the given id and its benchmarks (by
// period, service and level) and, when period is not "", the funnel-plot
// limits of that period (by service, level and denominator). A metric the
// release does not hold, or a period it has no observations for, is
// ErrNotFound.
func (r *Reader) Metric(ctx context.Context, id, period string) (schemas.MetricView, error) {
	v := schemas.MetricView{Period: period, FunnelLimits: []schemas.FunnelLimit{}}
	if id == "" {
		return v, fmt.Errorf("metric %q: %w", id, ErrNotFound)
	}
	found, err := collectRows(ctx, r, "reader_metrics", scanInto(metricDest), sql.Named("id", id))
	if err != nil {
		return v, err
	}
	if len(found) == 0 {
		return v, fmt.Errorf("metric %q: %w", id, ErrNotFound)
	}
	v.Metric = found[0]
	if v.Benchmarks, err = collectRows(ctx, r, "reader_benchmarks", scanInto(benchmarkDest), sql.Named("metric", id)); err != nil {
		return v, err
	}
	if period == "" {
		return v, nil
	}
	periods, err := r.Periods(ctx)
	if err != nil {
		return v, err
	}
	if !slices.ContainsFunc(periods, func(p schemas.PeriodRow) bool { return p.Period == period }) {
		return v, fmt.Errorf("period %q: %w", period, ErrNotFound)
	}
	v.FunnelLimits, err = collectRows(ctx, r, "reader_funnel_limits", scanInto(funnelDest),
		sql.Named("metric", id), sql.Named("period", period))
	return v, err
}
