// Package duckdb is Yardstick's statistical core and the only importer of
// the DuckDB driver. It reads the warehouse that ingest writes, builds the
// comparison tables a release publishes, and exports them. Every SQL
// statement is an embedded file in queries/, one named query per file, run
// with its values bound as parameters; table names for export come from the
// allow-list Tables.
//
// Build works in a scratch database; WriteRelease copies the public tables
// (schemas.PublicTables) into a new release file. OpenRelease opens a
// release file read-only, with external access off and the configuration
// locked, and its typed finders (counts, submissions, revisions,
// withdrawals, metrics, periods, councils, providers, comparisons and the
// metric, council and provider views) each run one named query with bound
// parameters; sort columns come from an allow-list.
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
//
// # Disclosure control
//
// Build applies disclosure control to the observations table before it
// computes any statistic, so every table it builds, and every pool in
// them, is made from what is published and nothing else. A hidden figure
// has status c and no value, numerator or denominator in observations and
// comparisons, and no statistic in comparisons.
//
// Cells the council marked [c] stay hidden, and lose any counts given
// beside the marker.
//
// Primary suppression: a row of a metric with disclosure small_counts is
// hidden when its numerator is 1 to 4 or its denominator is under 10. A
// denominator of 0 is under 10, so it is hidden too: we read the rule as
// written, and nothing is lost, since such a row has no value (ingest
// rejects one anyway, asking for [z]). A numerator of 0 is not small. A count the row leaves blank is tested as its other figures imply
// it: value x denominator / multiplier for the numerator, numerator x
// multiplier / value for the denominator (each rounded), and a count
// metric's value is its numerator. A row with a value and neither count
// cannot be tested, and is published. Yardstick drops the note of a row it
// hides, since the note was written for a figure that was to be shown and
// may quote it.
//
// Secondary suppression: a hidden figure must not come back by
// subtraction. Figures are linked where a published total adds them up
// (queries/disclosure_links.sql): a council-wide row (provider_id "") and
// the provider rows of its council, service, metric and period; and a row
// for a year or a quarter and the rows of the same council, provider,
// service and metric for the quarters or months inside it. Only
// proportions, rates and counts are linked; a mean or a score is not a
// sum. In every linked group the number of hidden members (the total
// included) must be 0 or at least 2: with one, the total minus the parts
// shown, or for a hidden total the sum of its parts, gives it back. Where a
// group has exactly one, the next member is hidden: the part with a count
// above 0 and the smallest denominator (then numerator); failing that the
// total; failing that another part. A part with a count of 0 is passed
// over because the rule is public: beside a hidden 3, a hidden 0 leaves
// "the hidden counts sum to 3", and since a part that could be shown holds
// 0 or at least 5, the 3 would be plain. Hiding one cell can leave another
// group with a single hidden member, so the rule runs in rounds until a
// round hides nothing.
//
// Groups overlap (a provider's quarter is in its year and in its council's
// quarter), so one group at a time is not enough: totals added and
// subtracted together can pin a cell down even where no group has a single
// hidden member. An audit therefore treats each group as an equation,
// total - sum(parts) = 0, with the hidden members as unknowns and the
// published ones as known, and finds, exactly in rational arithmetic, each
// hidden cell whose unit vector lies in the row space of the equations,
// that is, whose counts some combination of published totals gives. For
// each such cell one more member of every group it is in is hidden, by the
// same order, and the rounds run again. The audit counts every published
// row as known, even one that shows no counts ([x], [z], a value alone),
// since an outsider may know or assume it.
//
// Pools need no rule of their own: national, regional, council-type and
// similar-council pools, distributions, ranks, funnels, over-dispersion and
// provider profiles are all computed from comparison_rows, where a hidden
// row has no value and no counts, so each pools published cells only and
// subtracting the published cells from it leaves 0. A change from a hidden
// figure is blank.
//
// Build ends with CheckDisclosure, which reads only the published tables
// and so holds whatever way suppression was done. It fails with a
// *DisclosureError, which unwraps to ErrDisclosure, naming the first
// violations (metric, period, council, provider) when observations and
// comparisons disagree on a cell's status or counts; a hidden cell shows a
// figure or statistic; a small_counts cell shows small counts, given or
// implied; a benchmark or provider profile of a small_counts metric pools
// a numerator of 1 to 4 or a denominator under 10; a change is published
// from a hidden figure; a linked group has exactly one hidden member; the
// audit finds a hidden cell pinned down; or a benchmark's sums and counts,
// a provider profile's, or a funnel's range of denominators differ from
// the same pool recomputed over the published cells. A release must not be
// published when Build fails.
//
// Disclosure control does not cover: a complement that is small (a
// proportion of 98 in 100 leaves 2 out); different metrics that share a
// count (two rates per person served); figures published in earlier
// releases, which a later release's suppression cannot take back; and
// bounds rather than exact values (two hidden counts known to sum to 9
// are each at most 9).
package duckdb
