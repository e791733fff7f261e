package duckdb

import (
	"context"
	"database/sql/driver"
	"math"
)

// Normal quantiles for the two-sided intervals and control limits
// Yardstick publishes: 95% (qnorm(0.975)) and 99.8% (qnorm(0.999)), to full
// double precision, as PHEindicatormethods computes them with R's qnorm.
const (
	Z95  = 1.959963984540054
	Z998 = 3.090232306167813
)

// The two-sided error rates of the two confidence levels, alpha = 1 -
// level: the exact Poisson limits are quantiles at alpha/2 and 1 - alpha/2.
const (
	alpha95  = 0.05
	alpha998 = 0.002
)

// ExactPoissonBelow is the count of events below which a rate's or a
// count's interval is the exact Poisson interval rather than Byar's
// approximation, as in PHEindicatormethods' phe_rate.
const ExactPoissonBelow = 10

// macros are the SQL macros the comparison queries use, defined in the
// scratch database a build works in (a release file holds tables only).
var macros = []string{
	"macro_wilson_lower", "macro_wilson_upper",
	"macro_byar_lower", "macro_byar_upper",
	"macro_poisson_lower", "macro_poisson_upper",
	"macro_interval_lower", "macro_interval_upper",
	"macro_funnel_se", "macro_funnel_z", "macro_band_of", "macro_band", "macro_interval_band",
	"macro_implied_numerator", "macro_implied_denominator", "macro_small_cell",
	"macro_sig6", "macro_change_z", "macro_exact_mean",
}

// createMacros defines the macros and fills the table poisson_exact that
// poisson_lower and poisson_upper read their small counts from.
func (s *session) createMacros(ctx context.Context) error {
	for _, m := range macros {
		if err := s.exec(ctx, m); err != nil {
			return err
		}
	}
	if err := s.exec(ctx, "create_poisson_exact"); err != nil {
		return err
	}
	rows := make([][]driver.Value, 0, ExactPoissonBelow)
	for o := range ExactPoissonBelow {
		lo95, hi95 := exactPoisson(o, alpha95)
		lo998, hi998 := exactPoisson(o, alpha998)
		rows = append(rows, []driver.Value{int32(o), lo95, hi95, lo998, hi998})
	}
	return s.appendRows(ctx, "poisson_exact", rows)
}

// exactPoisson returns the exact (Garwood 1936) two-sided 1 - alpha
// confidence limits for the mean of a Poisson count o: lower =
// qchisq(alpha/2, 2o)/2, 0 for o = 0, and upper = qchisq(1 - alpha/2,
// 2o + 2)/2, the formulas of PHEindicatormethods' phe_rate. Go's standard
// library has no chi-squared quantile, so each limit is found as the mean
// at which the Poisson distribution puts alpha/2 in the tail beyond o,
// which is the same number (a chi-squared distribution with 2k degrees of
// freedom, halved, is a Gamma(k) distribution, and P(Gamma(k) <= m) =
// P(Poisson(m) >= k)): the lower limit solves P(X >= o) = alpha/2 and the
// upper P(X <= o) = alpha/2, each by bisection to the last bit of a
// float64.
func exactPoisson(o int, alpha float64) (lower, upper float64) {
	p := alpha / 2
	if o > 0 {
		// P(X >= o) rises with the mean from 0 (at 0) to past p by o.
		lower = bisect(0, float64(o), func(m float64) bool { return poissonUpperTail(o, m) < p })
	}
	// P(X <= o) falls with the mean from 1 (at o) to below p by o + 50,
	// since alpha is at least 0.002 and o is small.
	upper = bisect(float64(o), float64(o)+50, func(m float64) bool { return poissonCDF(o, m) > p })
	return lower, upper
}

// bisect returns the point of [lo, hi] where below turns from true to
// false, to the precision of a float64: below(lo) is true, below(hi)
// false, and below changes once between them.
func bisect(lo, hi float64, below func(float64) bool) float64 {
	for {
		mid := lo + (hi-lo)/2
		if mid <= lo || mid >= hi {
			return mid
		}
		if below(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
}

// poissonTerm returns P(X = k) for a Poisson count X of mean m > 0.
func poissonTerm(k int, m float64) float64 {
	lg, _ := math.Lgamma(float64(k) + 1)
	return math.Exp(float64(k)*math.Log(m) - m - lg)
}

// poissonCDF returns P(X <= o) for a Poisson count X of mean m > 0, summed
// term by term: every term is positive, so nothing cancels.
func poissonCDF(o int, m float64) float64 {
	sum := 0.0
	for k := 0; k <= o; k++ {
		sum += poissonTerm(k, m)
	}
	return sum
}

// poissonUpperTail returns P(X >= o) for a Poisson count X of mean m > 0,
// summed from o upwards rather than taken as 1 - P(X < o), which would
// lose the digits of a tail as small as 0.001 to cancellation.
func poissonUpperTail(o int, m float64) float64 {
	term := poissonTerm(o, m)
	sum := term
	for k := o + 1; float64(k) <= m || term > sum*1e-18; k++ {
		term *= m / float64(k)
		sum += term
	}
	return sum
}
