package duckdb

import (
	"database/sql"
	"fmt"

	"github.com/yardstick-open/yardstick/schemas"
)

// textScanner scans a text column into a string type, "" for NULL: the row
// types hold a blank text as "", as the CSV files do.
type textScanner[T ~string] struct{ dst *T }

func (s textScanner[T]) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s.dst = ""
	case string:
		*s.dst = T(v)
	default:
		return fmt.Errorf("scan %T into text", src)
	}
	return nil
}

func scanText[T ~string](dst *T) sql.Scanner { return textScanner[T]{dst} }

// zeroScanner scans a column into a plain value, the zero value for NULL.
// A paged query's empty page is one row of NULLs beside its total, so even
// a column that is never NULL in a table is NULL there.
type zeroScanner[T any] struct{ dst *T }

func (s zeroScanner[T]) Scan(src any) error {
	if src == nil {
		var zero T
		*s.dst = zero
		return nil
	}
	v, ok := src.(T)
	if !ok {
		return fmt.Errorf("scan %T into %T", src, *s.dst)
	}
	*s.dst = v
	return nil
}

func scanZero[T any](dst *T) sql.Scanner { return zeroScanner[T]{dst} }

// intScanner scans an integer column into an int, 0 for NULL: the
// metrics table's thresholds, NULL for a metric without disclosure
// control.
type intScanner struct{ dst *int }

func (s intScanner) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s.dst = 0
	case int32:
		*s.dst = int(v)
	case int64:
		*s.dst = int(v)
	default:
		return fmt.Errorf("scan %T into an int", src)
	}
	return nil
}

func scanInt(dst *int) sql.Scanner { return intScanner{dst} }

// listScanner scans a VARCHAR[] column into a []string, empty for NULL.
type listScanner struct{ dst *[]string }

func (s listScanner) Scan(src any) error {
	items, ok := src.([]any)
	if src != nil && !ok {
		return fmt.Errorf("scan %T into a list", src)
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		v, ok := it.(string)
		if !ok {
			return fmt.Errorf("scan list item %T into text", it)
		}
		out = append(out, v)
	}
	*s.dst = out
	return nil
}

// The ...Dest functions return the scan destinations of a row type in the
// order its query selects the columns. Nullable numbers are pointers, which
// database/sql sets to nil for NULL.

func keyDest(k *schemas.ObservationKey) []any {
	return []any{&k.Metric, &k.Period, &k.CouncilCode, scanText(&k.ProviderID), &k.Service}
}

func figureDest(f *schemas.Figure) []any {
	return []any{&f.Value, &f.Numerator, &f.Denominator, scanText(&f.Status)}
}

func metricDest(m *schemas.Metric) []any {
	return []any{&m.ID, scanText(&m.Title), scanText(&m.Kind), scanText(&m.Unit), scanZero(&m.Multiplier), scanText(&m.Polarity),
		&m.Min, &m.Max, scanText(&m.Disclosure), listScanner{&m.Services},
		scanText(&m.Description), scanText(&m.Numerator), scanText(&m.Denominator), scanText(&m.Source),
		scanText(&m.NumeratorCount), scanText(&m.DenominatorCount), scanInt(&m.SmallCount), scanInt(&m.MinDenominator)}
}

func comparisonDest(c *schemas.ComparisonRow) []any {
	return []any{scanText(&c.Metric), scanText(&c.Period), scanText(&c.CouncilCode), scanText(&c.ProviderID), scanText(&c.ProviderName), scanText(&c.Service),
		&c.Value, &c.Numerator, &c.Denominator, scanText(&c.Status),
		&c.CI95Lower, &c.CI95Upper, &c.CI998Lower, &c.CI998Upper,
		&c.NationalValue, &c.NationalMedian, &c.NationalQ1, &c.NationalQ3, &c.NationalN,
		&c.PercentileRank, &c.Quintile, &c.ZScore, &c.RobustZ,
		scanText(&c.BandNational), scanText(&c.BandNational95), scanText(&c.BandNationalAdjusted),
		&c.RegionValue, scanText(&c.BandRegion), &c.CouncilTypeValue, scanText(&c.BandCouncilType),
		&c.SimilarValue, &c.SimilarRank, &c.SimilarN, scanText(&c.BandSimilar),
		&c.ChangePrev, scanText(&c.ChangePrevBand), &c.ChangeYear, scanText(&c.ChangeYearBand),
		scanText(&c.Trend), scanText(&c.TrendDirection)}
}

func providerDest(p *schemas.ProviderRow) []any {
	return []any{scanText(&p.ProviderID), scanText(&p.ProviderName), scanText(&p.Sector), scanText(&p.SectorSource),
		listScanner{&p.Aliases}, listScanner{&p.Identifiers}, scanText(&p.Rating), &p.RatingDate, listScanner{&p.Ratings},
		scanZero(&p.NCouncils),
		listScanner{&p.Councils}, listScanner{&p.Services}, &p.FirstPeriodStart, &p.LastPeriodEnd, scanZero(&p.NRows)}
}

func councilDest(c *schemas.CouncilRow) []any {
	return []any{scanText(&c.CouncilCode), scanText(&c.RegistryCode), scanText(&c.Name), scanText(&c.OfficialName),
		scanText(&c.CouncilType), scanText(&c.TypeName), scanText(&c.Region), scanText(&c.Nation),
		&c.StartDate, &c.EndDate, &c.Population, &c.AreaKm2,
		scanZero(&c.SocialCare), scanZero(&c.WasteCollection), scanText(&c.CountyCode)}
}

func benchmarkDest(b *schemas.BenchmarkRow) []any {
	return []any{&b.Metric, &b.Period, &b.Service, &b.Level, scanText(&b.Kind), scanText(&b.Polarity), scanZero(&b.Multiplier),
		&b.NationalValue, scanZero(&b.NationalN), scanZero(&b.NCouncils), scanZero(&b.NProviders), scanZero(&b.NPooled),
		&b.SumNumerator, &b.SumDenominator, &b.MeanValue, &b.Median, &b.Q1, &b.Q3, &b.P10, &b.P90,
		&b.Target, scanZero(&b.NZ), &b.Phi, &b.Tau2}
}

func funnelDest(f *schemas.FunnelLimit) []any {
	return []any{&f.Metric, &f.Period, &f.Service, &f.Level, &f.Denominator, &f.Target,
		&f.Lower95, &f.Upper95, &f.Lower998, &f.Upper998, &f.Lower998Adjusted, &f.Upper998Adjusted}
}

func profileDest(p *schemas.ProviderProfileRow) []any {
	return []any{&p.ProviderID, scanText(&p.ProviderName), scanText(&p.ProviderSector), &p.Metric, &p.Period, &p.Service,
		scanZero(&p.NCouncils), scanZero(&p.NValues), &p.Numerator, &p.Denominator, &p.Value,
		&p.CI95Lower, &p.CI95Upper, &p.CI998Lower, &p.CI998Upper,
		&p.NationalValue, &p.ZScore, scanText(&p.BandNational), scanText(&p.BandNationalAdjusted),
		&p.CouncilsMin, &p.CouncilsQ1, &p.CouncilsMedian, &p.CouncilsQ3, &p.CouncilsMax, &p.CouncilsSD}
}

func similarDest(s *schemas.SimilarCouncil) []any {
	return []any{&s.Responsibility, &s.SimilarCode, scanText(&s.Name), &s.Rank, &s.Distance, scanText(&s.Method)}
}

func councilProviderDest(p *schemas.CouncilProvider) []any {
	return []any{&p.Service, &p.ProviderID, scanText(&p.ProviderName), scanText(&p.Sector), &p.NRows}
}

// scanInto returns a scan function for collectRows from a row type's
// destinations.
func scanInto[T any](dest func(*T) []any) func(*sql.Rows, *T) error {
	return func(rows *sql.Rows, v *T) error { return rows.Scan(dest(v)...) }
}
