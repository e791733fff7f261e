// Package duckdb is Yardstick's statistical core and the only importer of
// the DuckDB driver. It reads the warehouse that ingest writes, builds the
// comparison tables a release publishes, and exports them. Every SQL
// statement is an embedded file in queries/, one named query per file, run
// with its values bound as parameters; table names for export come from the
// allow-list Tables.
//
// # Input
//
// Build reads a data folder (schemas.Layout). A submission counts only when
// submissions/<id>/manifest.json says it was accepted; its rows are read
// from warehouse/observations/period=<p>/council=<gss>/<id>.parquet, using
// the columns in the files (hive_partitioning = false). For each council,
// period and service only the latest accepted submission counts: the
// greatest received_at, ties broken by the greater submission id. The
// result is the table observations.
//
// # Comparisons
//
// Rows are benchmarked within a group: metric x period x service x level,
// where level is "provider" for a provider's figure and "council" for a
// council-wide one (provider_id ""). A council-wide total is never pooled
// with the providers it sums, and a metric several services report (staff
// turnover) is compared within each service, since a waste contractor and
// a care home are not peers. A row has a value unless its status is c, x or
// z; a blank value is derived from its counts.
//
// National value: for proportions and rates, the pooled sum(numerator) /
// sum(denominator) x multiplier over rows with usable counts; for means,
// scores and counts (or when no row gives counts), the mean of the values.
// The distribution (median, quartiles, 10th and 90th percentiles) uses
// quantile_cont, linear interpolation between order statistics, over every
// row with a value. percentile_rank is 100 x percent_rank() with rows
// ordered worst to best, so 100 is best (higher is best for polarity none);
// ties share the lower rank; it is NULL when fewer than two rows have a
// value.
//
// Intervals follow PHE/OHID Fingertips methods as in the R package
// PHEindicatormethods: the Wilson score interval for proportions, and
// Byar's approximation to the exact Poisson interval for rates (scaled by
// multiplier / denominator) and counts, at 95% (z = 1.959964) and 99.8%
// (z = 3.090232). Byar's lower limit is 0 for a count of 0 and is held at 0
// where the approximation turns negative. Means and scores have no
// interval.
//
// Funnel plots follow Spiegelhalter (2005), "Funnel plots for comparing
// institutional performance", Stat Med 24:1185-1202, with the normal
// approximation: around a target t, a row with denominator n has standard
// error sqrt(t(1-t)/n) for a proportion and sqrt(t/n) for a rate, and
// z = (x/n - t) / se. band_national compares z with the 99.8% limit
// (+/-3.090232): better/similar/worse by polarity, or higher/similar/lower
// for polarity none; not_compared where there is no interval (no counts,
// suppressed, a zero denominator, a mean or a score).
//
// Over-dispersion follows Spiegelhalter (2005), "Handling over-dispersion
// of performance indicators", Qual Saf Health Care 14:347-351. The z-scores
// of a group are winsorised at their 10th and 90th percentiles, phi is the
// mean of their squares, and when I phi > I - 1 (I rows) the additive
// random-effects adjustment is used, with the DerSimonian-Laird-style
// moment estimate tau2 = (I phi - (I - 1)) / (sum w - sum w^2 / sum w),
// w = 1/se^2. band_national_adjusted uses z = (x/n - t) / sqrt(se^2 + tau2).
// We chose the additive model over the multiplicative one (limits widened
// by sqrt(phi)) because the paper finds it has "a stronger conceptual
// foundation" (the Healthcare Commission adopted it), and because
// multiplicative limits stay narrow for large providers, whose small
// sampling error would leave every real difference between providers
// looking significant. benchmarks publishes phi and tau2, and funnel_limits
// the curves.
//
// band_region, band_council_type and band_similar apply the same
// unadjusted 99.8% test with the target pooled over, in turn, the rows of
// the council's region (itself included), of councils of its type (itself
// included), and of its similar councils (itself excluded).
//
// change_prev and change_year are value differences from the same council,
// provider, service and metric in the previous period and the same period
// a year earlier (schemas.Period.Previous and YearEarlier: 2024-25-Q1
// follows 2023-24-Q4 and is a year after 2023-24-Q1).
//
// # Similar councils
//
// By default, the DefaultNeighbours nearest neighbours by method
// NearestNeighboursMethod ("yardstick-nn-v1"): among councils that still
// exist, deliver social care or collect waste, in the same nation, the
// Euclidean distance over ln(population) and ln(population / area), each
// standardised within the nation, plus 1 when the council types differ.
// A user's peer-groups.csv (group_id, council_code) replaces them: a
// council's similar councils are the other members of its groups.
//
// # Provider profile
//
// provider_profile pools each provider's rows across the councils that
// commission it, per metric, period and service, with the same intervals and
// national bands (the adjusted band uses the group's tau2), and the spread
// between those councils: minimum, quartiles, maximum and standard
// deviation of their values.
package duckdb
