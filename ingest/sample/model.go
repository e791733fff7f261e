package sample

import (
	"math"
	"math/rand/v2"

	"github.com/yardstick-open/yardstick/schemas"
)

// exposure is what a metric's denominator counts, derived from a
// provider's size in a council.
type exposure uint8

const (
	expPeople             exposure = iota // people served (households for waste)
	expVisits                             // home care visits delivered
	expPlanned                            // home care visits planned
	expHours                              // hours of care commissioned
	expStaff                              // average care staff headcount
	expPosts                              // care posts, filled and vacant
	expRespondents                        // survey respondents
	expOutcomes                           // care plan outcomes reviewed
	expBedDaysAvail                       // available bed days
	expBedDaysOcc                         // occupied bed days
	expEndings                            // placements that ended
	expPlacementDays                      // days of placement
	expCollections                        // scheduled bin collections
	expTonnes                             // tonnes of household waste
	expContract                           // contract value paid, pounds
	expPop65                              // council population aged 65+
	expCouncilRespondents                 // respondents to the council's own survey
)

// profile says how a metric's figures are drawn.
type profile struct {
	// For metrics with counts: the typical rate per unit of exposure in
	// 2024-25 (a proportion, or events per unit), the spread between
	// providers on the logit (proportions) or log (rates) scale, and what
	// the denominator counts.
	base  float64
	sigma float64
	exp   exposure
	// For metrics without counts: the typical value, its spread, and the
	// decimals written.
	center, spread float64
	decimals       int
	// trend is the improvement per quarter, on the same scale as sigma
	// (relative for figures without counts).
	trend float64
	// money marks counts in pounds: the numerator is a share of the
	// denominator, not a count of events.
	money bool
	// bases replaces base for some services, where the same measure runs
	// at another level (complaints per household of a bin round are rarer
	// than per person in care).
	bases map[string]float64
}

// baseFor returns the typical rate of the metric in a service.
func (pf *profile) baseFor(svc string) float64 {
	if b, ok := pf.bases[svc]; ok {
		return b
	}
	return pf.base
}

// profiles holds the built-in metrics. Metrics a user catalogue adds get a
// profile from their kind and range (fallbackProfile).
var profiles = map[string]profile{
	"hc-visits-on-time":           {base: 0.86, sigma: 0.45, exp: expVisits, trend: 0.012},
	"hc-missed-visits":            {base: 0.0035, sigma: 0.55, exp: expPlanned, trend: 0.012},
	"hc-hours-delivered":          {base: 0.93, sigma: 0.4, exp: expHours, trend: 0.01},
	"hc-continuity":               {base: 0.74, sigma: 0.4, exp: expVisits, trend: 0.01},
	"ch-occupancy":                {base: 0.88, sigma: 0.45, exp: expBedDaysAvail},
	"ch-falls":                    {base: 0.0055, sigma: 0.4, exp: expBedDaysOcc, trend: 0.01},
	"ch-pressure-ulcers":          {base: 0.00035, sigma: 0.45, exp: expBedDaysOcc, trend: 0.01},
	"ch-hospital-admissions":      {base: 0.0022, sigma: 0.35, exp: expBedDaysOcc, trend: 0.008},
	"cyp-unplanned-endings":       {base: 0.28, sigma: 0.4, exp: expEndings, trend: 0.01},
	"cyp-missing-episodes":        {base: 0.009, sigma: 0.7, exp: expPlacementDays, trend: 0.01},
	"waste-missed-collections":    {base: 0.00045, sigma: 0.6, exp: expCollections, trend: 0.012},
	"waste-recycling-rate":        {base: 0.42, sigma: 0.35, exp: expTonnes, trend: 0.008},
	"complaints-upheld":           {base: 0.006, sigma: 0.5, exp: expPeople, trend: 0.01, bases: map[string]float64{svcWaste: 0.0008, svcChildren: 0.015}},
	"safeguarding-concerns":       {base: 0.035, sigma: 0.4, exp: expPeople, bases: map[string]float64{svcChildren: 0.08}},
	"staff-turnover":              {base: 0.075, sigma: 0.35, exp: expStaff, trend: 0.01},
	"vacancy-rate":                {base: 0.085, sigma: 0.4, exp: expPosts, trend: 0.01},
	"user-satisfaction":           {base: 0.63, sigma: 0.4, exp: expRespondents, trend: 0.008},
	"outcomes-achieved":           {base: 0.78, sigma: 0.45, exp: expOutcomes, trend: 0.01},
	"social-value":                {base: 0.055, sigma: 0.6, exp: expContract, trend: 0.02, money: true},
	"price-per-hour":              {center: 22.6, spread: 0.06, decimals: 2, trend: 0.012},
	"asc-carer-qol":               {center: 7.4, spread: 0.35, decimals: 1, trend: 0.004},
	"asc-user-satisfaction":       {base: 0.64, sigma: 0.15, exp: expCouncilRespondents, trend: 0.005},
	"asc-care-home-admissions-65": {base: 0.0014, sigma: 0.25, exp: expPop65, trend: 0.005},
}

// fallbackProfile draws figures for a metric the built-in profiles do not
// know, from its kind, polarity and range.
func fallbackProfile(m *schemas.Metric) profile {
	switch m.Kind {
	case schemas.KindProportion:
		base := 0.5
		switch m.Polarity {
		case schemas.HigherIsBetter:
			base = 0.75
		case schemas.LowerIsBetter:
			base = 0.15
		}
		return profile{base: base, sigma: 0.4, exp: expPeople, trend: 0.01}
	case schemas.KindRate:
		return profile{base: 5 / m.Multiplier, sigma: 0.5, exp: expPeople, trend: 0.01}
	}
	lo, hi := 0.0, 100.0
	if m.Min != nil {
		lo = *m.Min
	}
	if m.Max != nil {
		hi = *m.Max
	} else if m.Min != nil {
		hi = lo + 100
	}
	decimals := 1
	if m.Kind == schemas.KindCount {
		decimals = 0
	}
	return profile{center: lo + 0.6*(hi-lo), spread: (hi - lo) / 12, decimals: decimals}
}

// priceLevel is the typical price per hour of care in 2024-25 by region.
var priceLevel = map[string]float64{
	"London": 25.8, "South East": 24.6, "East of England": 23.9, "South West": 23.7,
	"West Midlands": 22.6, "East Midlands": 22.4, "North West": 22.2,
	"Yorkshire and The Humber": 22.1, "North East": 21.8,
}

// amount returns how much of an exposure a provider of the given size
// offers in a quarter, before the quarter's own variation.
func amount(e exposure, svc string, size float64, c *schemas.Council) float64 {
	switch e {
	case expPeople:
		return size
	case expVisits:
		return size * 230
	case expPlanned:
		return size * 231
	case expHours:
		return size * 125
	case expStaff:
		return staff(svc, size)
	case expPosts:
		return staff(svc, size)*1.1 + 1
	case expRespondents:
		switch svc {
		case svcWaste:
			return size * 0.004
		case svcChildren:
			return size * 0.8
		}
		return size * 0.45
	case expOutcomes:
		if svc == svcChildren {
			return size * 1.5
		}
		return size * 0.9
	case expBedDaysAvail:
		return size / 0.88 * 91
	case expBedDaysOcc:
		return size * 91
	case expEndings:
		return size * 0.3
	case expPlacementDays:
		return size * 88
	case expCollections:
		return size * 26
	case expTonnes:
		return size * 0.23
	case expContract:
		switch svc {
		case svcHomecare:
			return size * 125 * 22.5
		case svcCareHome:
			return size * 91 * 135
		case svcSupported:
			return size * 13 * 25 * 21
		case svcChildren:
			return size * 91 * 750
		case svcWaste:
			return size * 22
		}
		return size * 1000
	case expPop65:
		return float64(c.Population) * 0.19
	case expCouncilRespondents:
		return float64(c.Population) * 0.0016
	}
	return size
}

func staff(svc string, size float64) float64 {
	switch svc {
	case svcCareHome:
		return size * 1.1
	case svcSupported:
		return size * 1.4
	case svcChildren:
		return max(3, size*2.5)
	}
	return size * 0.8
}

// count draws a whole-number exposure around want: Poisson when small, so
// small providers give small and varying denominators, and never zero.
func count(r *rand.Rand, want float64) int64 {
	if want < 50 {
		return max(1, poisson(r, want))
	}
	return int64(math.Round(want))
}

// direction is +1 when a higher figure is better, -1 when lower is, and
// +1 for metrics with no polarity (whose trend is zero).
func direction(m *schemas.Metric) float64 {
	if m.Polarity == schemas.LowerIsBetter {
		return -1
	}
	return 1
}

// counts draws a numerator and denominator for a metric with counts.
// shift is the provider's standing on the metric's scale, positive better.
func counts(r *rand.Rand, m *schemas.Metric, pf *profile, svc string, size, vol float64, c *schemas.Council, shift float64) (num, den int64) {
	den = count(r, amount(pf.exp, svc, size, c)*vol)
	d := direction(m)
	base := pf.baseFor(svc)
	switch {
	case pf.money:
		num = int64(math.Round(float64(den) * base * math.Exp(d*shift) * lognormal(r, 0.1)))
	case m.Kind == schemas.KindProportion:
		num = binomial(r, den, invLogit(logit(base)+d*shift))
	default:
		num = poisson(r, float64(den)*base*math.Exp(d*shift))
	}
	// Keep the value within the metric's range.
	if m.Max != nil {
		num = min(num, int64(math.Floor(*m.Max*float64(den)/m.Multiplier)))
	}
	if m.Min != nil {
		num = max(num, int64(math.Ceil(*m.Min*float64(den)/m.Multiplier)))
	}
	if m.Kind == schemas.KindProportion {
		num = min(num, den)
	}
	return max(num, 0), den
}

// level draws the value of a metric without counts.
func level(m *schemas.Metric, pf *profile, c *schemas.Council, sector string, shift, dq float64) float64 {
	var v float64
	if m.ID == "price-per-hour" {
		base := priceLevel[c.Region]
		if base == 0 {
			base = pf.center
		}
		if sector == "public" {
			base *= 1.15
		}
		v = base * math.Exp(pf.spread*shift+pf.trend*dq)
	} else {
		v = pf.center + pf.spread*shift + pf.trend*pf.center*dq
	}
	if m.Min != nil {
		v = max(v, *m.Min)
	}
	if m.Max != nil {
		v = min(v, *m.Max)
	}
	return v
}
