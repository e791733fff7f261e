package duckdb

import "context"

// Normal quantiles for the two-sided intervals and control limits
// Yardstick publishes: 95% (qnorm(0.975)) and 99.8% (qnorm(0.999)), to the
// precision PHE's Fingertips methods use.
const (
	Z95  = 1.959964
	Z998 = 3.090232
)

// macros are the SQL macros the comparison queries use. They are stored in
// the database, so a published yardstick.duckdb carries the same functions
// for anyone who wants to recompute an interval.
var macros = []string{
	"macro_wilson_lower", "macro_wilson_upper",
	"macro_byar_lower", "macro_byar_upper",
	"macro_funnel_se", "macro_funnel_z", "macro_band",
	"macro_implied_numerator", "macro_implied_denominator", "macro_small_cell",
	"macro_sig6",
}

func (s *session) createMacros(ctx context.Context) error {
	for _, m := range macros {
		if err := s.exec(ctx, m); err != nil {
			return err
		}
	}
	return nil
}
