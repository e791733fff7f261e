package duckdb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/yardstick-open/yardstick/schemas"
)

// The finders below read whole tables in one query each, in the order the
// website's pages need them, where the finders of reader.go answer one
// council, provider or page at a time: a site of thousands of pages is
// built from a few scans, not thousands of small queries.

// SiteOrder is the order EachSiteRow reads comparison rows in.
type SiteOrder string

// The orders of EachSiteRow.
const (
	ByMetric   SiteOrder = "metric"   // by metric and period
	ByProvider SiteOrder = "provider" // by provider, metric, service and council, each in its latest period; council-wide rows left out
	ByCouncil  SiteOrder = "council"  // by council, service, metric and provider (council-wide first), each in its latest period
)

// SiteRow is a comparison row with what a page shows beside it.
type SiteRow struct {
	schemas.ComparisonRow
	// CouncilName, Region and TypeName are the council's, from the
	// register; Sector the provider's, from the providers table.
	CouncilName string `json:"council_name"`
	Region      string `json:"region"`
	TypeName    string `json:"council_type_name"`
	Sector      string `json:"sector"`
	// Note is the council's note on the figure.
	Note string `json:"note"`
}

// SiteCouncil is a council of the register and whether the release holds
// observations of it.
type SiteCouncil struct {
	schemas.CouncilRow
	HasData bool `json:"has_data"`
}

// SiteSimilar is one council's similar council for a responsibility
// (SimilarCouncil.Responsibility): a council has a list for each
// responsibility it holds.
type SiteSimilar struct {
	CouncilCode string `json:"council_code"`
	schemas.SimilarCouncil
}

// SiteCouncilProvider is a provider a council commissions for a service.
type SiteCouncilProvider struct {
	CouncilCode string `json:"council_code"`
	schemas.CouncilProvider
}

// SiteBenchmark is a benchmark with the least and greatest value compared.
type SiteBenchmark struct {
	schemas.BenchmarkRow
	Min *float64 `json:"min"`
	Max *float64 `json:"max"`
}

// EachSiteRow calls fn with every comparison row in the given order,
// reusing one SiteRow: fn must copy what it keeps. An error from fn stops
// the scan and is returned. In metric order it reads a batch of metric
// periods at a time (siteBatches): the driver holds a query's whole result
// at once, outside DuckDB's memory limit, and every comparison row at once
// was about 3 GB at 5 million rows (BENCHMARKS.md, "The cost curve of a
// first publish at 1M, 5M and 20M"). In provider and council order only
// each metric and service's latest period is read, about a fortieth of
// the rows at 5 million, in one query (reader_site_latest_rows.sql): the
// table is stored in metric order, so a batch of providers or councils
// would scan all of it.
func (r *Reader) EachSiteRow(ctx context.Context, by SiteOrder, fn func(*SiteRow) error) error {
	var row SiteRow
	dest := append(nullableDest(comparisonDest(&row.ComparisonRow)), scanText(&row.CouncilName), scanText(&row.Region),
		scanText(&row.TypeName), scanText(&row.Sector), scanText(&row.Note))
	switch by {
	case ByProvider, ByCouncil:
		return eachRow(ctx, r, "reader_site_latest_rows", &row, dest, fn, sql.Named("by", string(by)))
	case ByMetric:
	default:
		return fmt.Errorf("reader_site_comparisons: %w: order %q", ErrInvalidSort, by)
	}
	batches, err := r.siteBatches(ctx)
	if err != nil {
		return err
	}
	for _, b := range batches {
		if err := eachRow(ctx, r, "reader_site_comparisons", &row, dest, fn,
			sql.Named("from_metric", b.first[0]), sql.Named("from_period", b.first[1]),
			sql.Named("to_metric", b.last[0]), sql.Named("to_period", b.last[1])); err != nil {
			return err
		}
	}
	return nil
}

// siteBatchRows is how many comparison rows EachSiteRow reads at most in
// one query in metric order, unless a single metric period has more: a
// few tens of megabytes of result.
const siteBatchRows = 100_000

// A metricPeriod is a metric and a period, the key of EachSiteRow's
// batches in metric order.
type metricPeriod = [2]string

// siteBatches returns the runs of metric periods, in order, that together
// hold every comparison row, each of at most r.batchRows (or
// siteBatchRows) rows unless one metric period has more.
func (r *Reader) siteBatches(ctx context.Context) ([]keyRun[metricPeriod], error) {
	return countedRuns(ctx, r, "reader_site_batches", siteBatchRows, func(k *metricPeriod) []any { return []any{&k[0], &k[1]} })
}

// countedRuns runs the embedded query name, which returns keys in order,
// each with how many rows it has, and makes runs of them of at most
// r.batchRows (or limit) rows each (batchRuns). key gives the
// destinations of a key's columns.
func countedRuns[K comparable](ctx context.Context, r *Reader, name string, limit int64, key func(*K) []any) ([]keyRun[K], error) {
	if r.batchRows > 0 {
		limit = int64(r.batchRows)
	}
	type counted struct {
		key  K
		rows int64
	}
	keys, err := collectRows(ctx, r, name, func(rows *sql.Rows, c *counted) error {
		return rows.Scan(append(key(&c.key), &c.rows)...)
	})
	if err != nil {
		return nil, err
	}
	return batchRuns(keys, func(c counted) (K, int64) { return c.key, c.rows }, limit), nil
}

// profileBatchRows is how many provider_profile rows a ProfileReader
// reads at most in one query, unless a single provider has more: a few
// tens of megabytes, where the whole table was about 3 GB held in Go at 5
// million rows (BENCHMARKS.md, "The provider pages a batch of providers at
// a time").
const profileBatchRows = 100_000

// A ProfileReader hands out the provider_profile rows one provider at a
// time, in provider order, reading a batch of providers at a time, so that
// the website never holds the whole table. It is for one goroutine.
type ProfileReader struct {
	r       *Reader
	batches []keyRun[string]
	i       int                                     // the batch that holds or follows the last provider asked for
	rows    map[string][]schemas.ProviderProfileRow // batch i's rows, when read
	asked   string
	started bool
}

// Profiles returns a ProfileReader over the release's provider_profile
// table. It counts each provider's rows, to make its batches (batchRuns),
// and reads no row until asked.
func (r *Reader) Profiles(ctx context.Context) (*ProfileReader, error) {
	batches, err := countedRuns(ctx, r, "reader_site_profile_batches", profileBatchRows, func(id *string) []any { return []any{id} })
	if err != nil {
		return nil, err
	}
	// Of finds a provider's batch by Go's order of strings: were DuckDB's
	// order of the ids another, providers would silently lose their rows.
	for i := 1; i < len(batches); i++ {
		if batches[i-1].last >= batches[i].first {
			return nil, fmt.Errorf("reader_site_profile_batches: provider %q came after %q: DuckDB's order of provider ids is not byte order",
				batches[i].first, batches[i-1].last)
		}
	}
	return &ProfileReader{r: r, batches: batches}, nil
}

// Of returns the provider's profile rows, by metric, service and period,
// or none. Providers must be asked for in ascending order of id, Go's
// byte order of strings, which is DuckDB's order of VARCHAR: the rows are
// read with the batch that holds the provider, and a batch's rows are let
// go once a provider after it is asked for. The rows returned are the
// caller's to keep.
func (p *ProfileReader) Of(ctx context.Context, id string) ([]schemas.ProviderProfileRow, error) {
	if p.started && id < p.asked {
		return nil, fmt.Errorf("provider profile: provider %q asked for after %q; providers must be asked for in order of id", id, p.asked)
	}
	p.started, p.asked = true, id
	for p.i < len(p.batches) && p.batches[p.i].last < id {
		p.i++
		p.rows = nil
	}
	if p.i == len(p.batches) || id < p.batches[p.i].first {
		return nil, nil
	}
	if p.rows == nil {
		b := p.batches[p.i]
		p.rows = make(map[string][]schemas.ProviderProfileRow)
		var row schemas.ProviderProfileRow
		err := eachRow(ctx, p.r, "reader_site_profiles", &row, profileDest(&row), func(row *schemas.ProviderProfileRow) error {
			// Each scan allocates the row's numbers afresh, so a copy
			// shares nothing with the next row.
			p.rows[row.ProviderID] = append(p.rows[row.ProviderID], *row)
			return nil
		}, sql.Named("first", b.first), sql.Named("last", b.last))
		if err != nil {
			p.rows = nil
			return nil, err
		}
	}
	return p.rows[id], nil
}

// eachRow runs the embedded query name, scans each row into dest, the
// destinations of row, and calls fn with row. An error from fn stops the
// scan and is returned.
func eachRow[T any](ctx context.Context, r *Reader, name string, row *T, dest []any, fn func(*T) error, args ...any) error {
	rows, err := r.query(ctx, name, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// AllProviders returns every provider, by id.
func (r *Reader) AllProviders(ctx context.Context) ([]schemas.ProviderRow, error) {
	return collectRows(ctx, r, "reader_site_providers", scanInto(providerDest))
}

// AllCouncils returns every council of the register, by code.
func (r *Reader) AllCouncils(ctx context.Context) ([]SiteCouncil, error) {
	return collectRows(ctx, r, "reader_site_councils", func(rows *sql.Rows, c *SiteCouncil) error {
		return rows.Scan(append(councilDest(&c.CouncilRow), &c.HasData)...)
	})
}

// AllSimilar returns every council's similar councils, by council,
// responsibility and rank.
func (r *Reader) AllSimilar(ctx context.Context) ([]SiteSimilar, error) {
	return collectRows(ctx, r, "reader_site_similar", func(rows *sql.Rows, s *SiteSimilar) error {
		return rows.Scan(append([]any{&s.CouncilCode}, similarDest(&s.SimilarCouncil)...)...)
	})
}

// AllCouncilProviders returns the providers every council commissions, by
// council, service and provider name.
func (r *Reader) AllCouncilProviders(ctx context.Context) ([]SiteCouncilProvider, error) {
	return collectRows(ctx, r, "reader_site_council_providers", func(rows *sql.Rows, p *SiteCouncilProvider) error {
		return rows.Scan(append([]any{&p.CouncilCode}, councilProviderDest(&p.CouncilProvider)...)...)
	})
}

// AllBenchmarks returns every benchmark, by metric, period, service and
// level.
func (r *Reader) AllBenchmarks(ctx context.Context) ([]SiteBenchmark, error) {
	return collectRows(ctx, r, "reader_site_benchmarks", func(rows *sql.Rows, b *SiteBenchmark) error {
		return rows.Scan(append(benchmarkDest(&b.BenchmarkRow), &b.Min, &b.Max)...)
	})
}

// AllFunnelLimits returns every funnel-plot limit, each curve in order of
// denominator.
func (r *Reader) AllFunnelLimits(ctx context.Context) ([]schemas.FunnelLimit, error) {
	return collectRows(ctx, r, "reader_site_funnel_limits", scanInto(funnelDest))
}

// SiteSector is one sector's providers pooled for a metric, period and
// service: its sector_benchmarks row, or, for a sector whose figures all
// lack a value there, none (NRows 0 and no value), with every figure of
// the sector's providers counted. Sector is "" for the providers the
// providers table gives no sector, which sector_benchmarks leaves out.
type SiteSector struct {
	Metric        string   `json:"metric"`
	Period        string   `json:"period"`
	Service       string   `json:"service"`
	Sector        string   `json:"sector"`
	NRows         int64    `json:"n_rows"`
	NProviders    int64    `json:"n_providers"`
	NCouncils     int64    `json:"n_councils"`
	Numerator     *int64   `json:"numerator"`
	Denominator   *int64   `json:"denominator"`
	Value         *float64 `json:"value"`
	CI95Lower     *float64 `json:"ci95_lower"`
	CI95Upper     *float64 `json:"ci95_upper"`
	CI998Lower    *float64 `json:"ci998_lower"`
	CI998Upper    *float64 `json:"ci998_upper"`
	NationalValue *float64 `json:"national_value"`
	BandNational  string   `json:"band_national"`
	// NFigures counts the comparison rows of the sector's providers, and
	// NBlank those of them without a value (withheld or not available).
	NFigures int64 `json:"n_figures"`
	NBlank   int64 `json:"n_blank"`
}

// AllSectors returns every sector of every metric, period and service
// with a provider figure, by metric, period, service and sector.
func (r *Reader) AllSectors(ctx context.Context) ([]SiteSector, error) {
	return collectRows(ctx, r, "reader_site_sectors", func(rows *sql.Rows, s *SiteSector) error {
		return rows.Scan(&s.Metric, &s.Period, &s.Service, &s.Sector, &s.NRows, &s.NProviders, &s.NCouncils,
			&s.Numerator, &s.Denominator, &s.Value, &s.CI95Lower, &s.CI95Upper, &s.CI998Lower, &s.CI998Upper,
			&s.NationalValue, &s.BandNational, &s.NFigures, &s.NBlank)
	})
}

// nullableDest replaces the *float64 and *int64 fields among dest with
// scanners of their own: database/sql assigns to a pointer field by
// reflection, which was a fifth of the cost of reading a site's rows.
func nullableDest(dest []any) []any {
	for i, d := range dest {
		switch p := d.(type) {
		case **float64:
			dest[i] = floatPtrScanner{p}
		case **int64:
			dest[i] = intPtrScanner{p}
		}
	}
	return dest
}

// floatPtrScanner scans a nullable DOUBLE into a *float64, nil for NULL.
type floatPtrScanner struct{ dst **float64 }

func (s floatPtrScanner) Scan(src any) error {
	var v float64
	switch x := src.(type) {
	case nil:
		*s.dst = nil
		return nil
	case float64:
		v = x
	case float32:
		v = float64(x)
	case int64:
		v = float64(x)
	case int32:
		v = float64(x)
	default:
		return fmt.Errorf("scan %T into *float64", src)
	}
	*s.dst = &v
	return nil
}

// intPtrScanner scans a nullable integer column into a *int64, nil for
// NULL.
type intPtrScanner struct{ dst **int64 }

func (s intPtrScanner) Scan(src any) error {
	var v int64
	switch x := src.(type) {
	case nil:
		*s.dst = nil
		return nil
	case int64:
		v = x
	case int32:
		v = int64(x)
	case int16:
		v = int64(x)
	case int8:
		v = int64(x)
	case uint32:
		v = int64(x)
	case uint16:
		v = int64(x)
	case uint8:
		v = int64(x)
	default:
		return fmt.Errorf("scan %T into *int64", src)
	}
	*s.dst = &v
	return nil
}
