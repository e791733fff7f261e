// Package duckdb is Yardstick's statistical core and the only importer of
// the DuckDB driver. It reads the warehouse that ingest writes, builds the
// comparison tables a release publishes, and exports them. Every SQL
// statement is an embedded file in queries/, one named query per file, run
// with its values bound as parameters; table names for export come from the
// allow-list Tables.
//
// Build works in a scratch database; WriteRelease copies the public tables
// (schemas.PublicTables) into a new release file, or, when Build was given
// the file's path and wrote the comparisons into it as it made them, the
// other public tables. OpenRelease opens a
// release file read-only, with external access off and the configuration
// locked, and its typed finders (counts, submissions, revisions,
// withdrawals, metrics, periods, councils, providers, comparisons and the
// metric, council and provider views) each run one named query with bound
// parameters; sort columns come from an allow-list.
//
// # Input
//
// Build reads a data folder (schemas.Layout). A submission counts only when
// submissions/<id>/manifest.json says it was accepted; its rows are in
// warehouse/observations, in either layout (schemas/warehouse.go):
// period=<p>/council=<gss>/<id>.parquet, or period=<p>/<id>_<gss>.parquet
// and period=<p>/<id>.parquet, read using the columns in the files
// (hive_partitioning = false). The folder is listed once; an accepted
// submission without a file in a period its manifest names is an error.
// For each council, period and service only the latest accepted submission
// counts: the greatest received_at, ties broken by the greater submission
// id. The choice is kept, one file per period, in
// warehouse/current/period=<p>/current.parquet, whose Parquet key-value
// metadata yardstick.covers names the submissions it was chosen from;
// Build chooses again only for periods with new submissions, from the
// old snapshot and their files alone, rebuilds a period a snapshot cannot
// be brought up to date for, and reads the snapshots (current.go). The
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
// scores and counts (or when no row gives counts), the mean of the values,
// and for ratios too.
//
// Kinds without a sampling model: a ratio (an amount over an amount, such
// as social value in pounds over contract value in pounds), a mean (a
// price) and a score count no events, so no binomial or Poisson model
// describes their chance variation. They get no interval, no z-score, no
// funnel and no band (every band is not_compared), and their counts,
// where a ratio gives them, are not pooled, since pooling pounds would
// weigh large contracts as though they were more certain. They are
// benchmarked by quintile and by robust_z instead.
//
// Minimum group size: a group with fewer than schemas.MinGroupRows (5)
// rows with a value publishes its national value and national_n, but no
// distribution (median, quartiles, 10th and 90th percentiles are NULL in
// benchmarks and comparisons), no percentile ranks and no bands (every
// band of its rows against a benchmark, and of the provider profiles
// compared with it, is not_compared). Intervals, z-scores, and the change
// and trend bands (change_prev_band, change_year_band, trend), which
// describe the row and its own series rather than compare it with the
// group, are published whatever the group's size.
//
// The distribution (median, quartiles, 10th and 90th percentiles) uses
// quantile_cont, linear interpolation between order statistics, over every
// row with a value. percentile_rank orders the group's N rows with a value
// worst to best (by value, higher is better unless the polarity is
// lower_is_better; higher ranks high for polarity none), numbers them 1 to
// N, and gives each row its mid-rank r, the mean of the places its ties
// take, (rank() + the count of rows at or before it) / 2; it is
// 100 (r - 1) / (N - 1), so the worst row alone is 0, the best alone 100,
// and equal values get equal ranks: five rows all 0 are 50 each, not 0.
//
// quintile places a row in a fifth of its group, 1 the best by polarity:
// with p = (rows worse + half the rows of the same value, itself
// included) / N, the row's mid-distribution position, quintile = 5 -
// floor(5 p), computed in whole numbers as 5 - floor(5 (rank_low +
// rank_high - 1) / (2N)) from the two window aggregates of the mid-rank,
// so no rounding can move a row across a boundary. With N a multiple of
// 5 each quintile holds N/5 rows; tied rows always share a quintile. It
// is NULL for polarity none (no fifth is best), for a row without a value,
// and in a group below the minimum size. It is published for every kind.
//
// robust_z is the row's distance from the national median in median
// absolute deviations, as Oflog publishes "MADs from the median": (value
// - median) / MAD, with MAD = the median of |value - median| over the
// group's values (quantile_cont, as the median), unscaled (not multiplied
// by 1.4826). It is signed by value, positive above the median, whatever
// the polarity, and NULL when the MAD is 0 (more than half the values
// equal) or the group is below the minimum size.//
// Intervals are computed as the R package PHEindicatormethods computes them
// for PHE/OHID Fingertips, at 95% and 99.8%, with the normal quantiles to
// full double precision (Z95 = qnorm(0.975) = 1.959963984540054, Z998 =
// qnorm(0.999) = 3.090232306167813). Proportions: the Wilson score
// interval (wilson_lower, wilson_upper), 0 at x = 0 and 1 at x = n exactly.
// Rates (the count's limits / denominator x multiplier) and counts, as
// phe_rate: below 10 events (ExactPoissonBelow) the exact Poisson limits,
// lower = qchisq(alpha/2, 2o)/2 (0 for o = 0) and upper = qchisq(1 -
// alpha/2, 2o + 2)/2; from 10 events Byar's approximation, o (1 - 1/(9o) -
// z/(3 sqrt o))^3 and (o+1) (1 - 1/(9(o+1)) + z/(3 sqrt(o+1)))^3. DuckDB has
// no chi-squared quantile, so the 40 exact limits (0 to 9 events, two
// limits, two levels) are computed in Go (exactPoisson: bisection on the
// Poisson distribution function, to the last bit of a float64) and given
// to SQL as the scratch table poisson_exact, which the macros poisson_lower
// and poisson_upper read. A count's interval needs a whole number of at
// least 0. Means and scores have no interval. Nor have ratios.
//
// band_national and band_national_95 follow PHE's significance rule
// (Fingertips' comparison with a benchmark, macro interval_band): a row
// whose 99.8% (band_national) or 95% (band_national_95) interval lies
// wholly above the national value is higher, wholly below it lower, and
// similar when the interval holds it, an end touching it included; higher
// and lower read better or worse by polarity, and stay higher or lower for
// polarity none. The rule compares the interval and the national value as
// published, each to six significant figures, so rounding cannot make a
// band contradict the figures beside it. Only proportions and rates are
// banded; a row is not_compared where there is no interval (no counts,
// suppressed, a zero denominator, a ratio, a mean or a score), for a count (whose
// national value is a mean of counts of different sizes), and in a group
// below the minimum size.
//
// Funnel plots follow Spiegelhalter (2005), "Funnel plots for comparing
// institutional performance", Stat Med 24:1185-1202, and
// PHEindicatormethods' calculate_funnel_limits. Around a target t (the
// national value), a row with denominator n has standard error
// sqrt(t(1-t)/n) for a proportion and sqrt(t/n) for a rate, and z = (x/n -
// t) / se, published as z_score (the over-dispersion estimate uses it).
// funnel_limits draws the 95% and 99.8% limits at 100 denominators spaced
// evenly on a log scale from the smallest to the largest compared. For a
// proportion they are t +/- z se, held within 0 and 1: the Wilson interval
// holds t exactly when |z| <= the level's quantile (it inverts this score
// test). For a rate they are drawn from the count limits the intervals
// use, as calculate_funnel_limits draws them: at denominator n the
// expected count is e = t n, the lower limit is x/n for the count x whose
// upper confidence limit is e, and the upper limit x/n for the count whose
// lower limit is e. Below 10 events the count limits are the exact Poisson
// ones and x is interpolated linearly in e between whole counts (the
// limits of 10 events are Byar's); from 10 events x solves Byar's formula
// (Newton's method, to the precision of a double). The lower limit is 0
// while e is at most the upper limit of 0 events. So for proportions and
// rates alike a row lies outside its 99.8% (95%) limits exactly when
// band_national (band_national_95) is better or worse (but for a figure
// within rounding of the limit, where the figures as published decide).
// calculate_funnel_limits uses the exact Poisson limits at every count,
// where PHE's own assign_funnel_significance, like Yardstick's intervals,
// uses Byar's from 10: Yardstick's rate limits follow the significance,
// and lie up to 0.85% outside PHE's drawn limits at 10 events (99.8%),
// under 0.005% from 286. The adjusted 99.8% limits are t +/- z sqrt(se^2 +
// tau2) where that is wider than the unadjusted limit (always, for a
// proportion), so a row lies outside them exactly when
// band_national_adjusted is better or worse. On PHEindicatormethods' own
// test data (funnel_phe_test.go), band_national and band_national_95 give
// assign_funnel_significance's result for all 303 proportions and 79 crude
// rates, and funnel_limits gives calculate_funnel_limits' limits for
// proportions at its 100 denominators and for rates at its 800 points,
// within the rounding of both.
//
// Over-dispersion follows Spiegelhalter (2005), "Handling over-dispersion
// of performance indicators", Qual Saf Health Care 14:347-351. The z-scores
// of a group are winsorised at their 10th and 90th percentiles, phi is the
// mean of their squares, and when I phi > I - 1 (I rows) the additive
// random-effects adjustment is used, with the DerSimonian-Laird-style
// moment estimate tau2 = (I phi - (I - 1)) / (sum w - sum w^2 / sum w),
// w = 1/se^2. band_national_adjusted compares z = (x/n - t) / sqrt(se^2 +
// tau2) with +/-Z998 (macro band). The adjustment only widens the limits,
// so band_national_adjusted is never further from similar than
// band_national: where band_national is similar or not_compared, it is
// the same. We chose the additive model over the multiplicative one
// (limits widened by sqrt(phi)) because the paper finds it has "a stronger
// conceptual foundation" (the Healthcare Commission adopted it), and
// because multiplicative limits stay narrow for large providers, whose
// small sampling error would leave every real difference between providers
// looking significant. benchmarks publishes phi and tau2, and funnel_limits
// the curves.
//
// band_region, band_council_type and band_similar apply PHE's rule to the
// row's 99.8% interval and a value pooled, as the national value is, over
// in turn the rows of the council's region (itself included), of councils
// of its type (itself included), and of its similar councils for the
// responsibility the row's service needs (itself excluded), that value
// rounded to six significant figures and published beside the band as
// region_value, council_type_value and similar_value (NULL where the row
// has no value or there is no pool). The bands are not_compared where
// band_national is, and where the council has no such pool (no region or
// type in the register, no similar council with counts).
//
// similar_rank is the row's place among the similar_n rows with a value of
// its group (metric, period, service, level) from its council and that
// council's similar councils for the service's responsibility: 1 is the
// best by polarity (the highest for polarity none), and tied rows share
// the better place (1, 2, 2, 4), as in a league table. Both are NULL for a
// row without a value, for a council without similar councils, and in a
// group below the minimum size.
//
// change_prev and change_year are value differences from the same council,
// provider, service and metric in the previous period and the same period
// a year earlier (schemas.Period.Previous and YearEarlier: 2024-25-Q1
// follows 2023-24-Q4 and is a year after 2023-24-Q1).
//
// change_prev_band and change_year_band say whether that change is
// significant, by the score test of "no change" (macro change_z): the two
// periods' counts pooled, p = (x1 + x0) / (n1 + n0), z = (x1/n1 - x0/n0) /
// sqrt(V (1/n1 + 1/n0)) with V = p (1 - p) for a proportion (the pooled
// two-proportion z-test) and V = p for a rate (the two Poisson rates
// compared conditionally on their total, normal approximation). |z| above
// Z998 is better or worse by polarity (higher or lower for polarity none),
// else similar; a pooled value of 0 (or 1 for a proportion) means the
// figures are equal: similar. We test at 99.8%, as band_national and
// Fingertips' recent trend do, because a release makes hundreds of
// thousands of such tests. not_compared unless both rows give counts of a
// proportion or a rate.
//
// trend is the recent trend of the row's series (the same metric, council,
// provider and service, so the same level) over the row's period and the
// four before it of the same kind (schemas.Period.Previous four times:
// quarters with quarters, years with years), as Fingertips' recent trend:
// five points, the chi-squared test for trend, significant at 99.8%.
// Fingertips' original calculator (PholioVisualisation's
// TrendMarkerCalculator) tests the counts of proportions, crude rates and
// directly standardised rates with the chi-squared test for trend, and
// rejects "no trend" above 9.54953570608324 (Z998 squared) for indicators
// compared at 99.8%, 3.84 for those compared at 95%; our bands are at
// 99.8%, so we use Z998, and the test's Poisson counterpart for rates.
// With scores t = 1 to 5 (oldest first), N = sum n, X = sum x, U = N
// sum(x t) - X sum(n t) and D = N sum(n t^2) - (sum(n t))^2, z = U /
// sqrt(X (N - X) D / N) for a proportion (Cochran-Armitage; z squared is
// Fingertips' statistic and R's prop.trend.test) and z = U / sqrt(X D) for
// a rate (the score test of no trend in a Poisson regression of x on t
// with offset ln n, conditional on the total). |z| above Z998 is
// increasing or decreasing by the sign of U, else no_significant_change;
// X of 0 (or N for a proportion) means no variation:
// no_significant_change. trend_direction is better or worse by polarity
// for a significant trend, none otherwise and for polarity none. Fingertips
// too keeps the marker (increasing, decreasing, no change, cannot be
// calculated) apart from the polarity its pages add ("increasing and
// getting better"). Fingertips' later calculator instead regresses values
// weighted by their 95% intervals and drops a trend that leaving out one
// point would reverse; we keep the count test, which works on the counts
// themselves rather than on intervals derived from them. trend is
// not_compared unless all five periods are present and give counts of a
// proportion or a rate, so a series with a hidden point, the row's own or
// an earlier one, has no trend, and no trend can reveal a withheld figure.
// Counts, ratios, means and scores get none. The trend is the row's own
// series, not a comparison with its group, so the minimum group size does
// not apply to it.
//
// # Similar councils
//
// By default, for each council and each responsibility it holds that a
// service of the catalogue needs (social_care, waste_collection, or any
// for a service that needs neither), the DefaultNeighbours nearest
// neighbours by method NearestNeighboursMethod ("yardstick-nn-v1") among
// the councils of its nation that hold that responsibility: the Euclidean
// distance over ln(population) and ln(population / area), each
// standardised within the nation, plus 1 when the council types differ. A
// row is compared with the list for the responsibility its service needs
// (schemas.Service.Responsibility).
//
// In full: the candidates are the councils of the register that still
// exist, have a population (mid-2020) and an area, and deliver social care
// or collect waste. For each, P = ln(population) and D = ln(population /
// area in km2), natural logarithms, each standardised over all the
// candidates of its nation, z = (x - mean) / SD with the population SD
// (divisor N), so a pair's distance is the same in every list. The
// distance between councils a and b of one nation is
//
//	sqrt((zP_a - zP_b)^2 + (zD_a - zD_b)^2 + T_ab)
//
// with T_ab = 0 when their council types (CTY, UA, MD, LBO, NMD, CC) are
// the same and 1 when they differ. Council a's list for responsibility R
// (schemas.Council.SocialCare, WasteCollection; any council for any) is
// the DefaultNeighbours candidates nearest to it, ties broken by GSS code,
// among those of its nation that hold R; only a council holding R has one.
// A unitary has a social-care list (counties, unitaries, metropolitan
// districts, London boroughs) and a waste-collection list (districts among
// them); a county has a social-care list, a district a waste-collection
// list. So a row is compared with councils that deliver its service:
// Rutland and the City of London, once nearest to districts, have ten
// social-care authorities for their social-care rows, and districts for
// waste.
//
// A user's peer-groups.csv (group_id, council_code) replaces them for
// every responsibility: a council's list for R is the other members of its
// groups that hold R, when it holds R itself.
//
// The register leaves the region of some councils abolished before 2021
// blank; schemas.LoadCouncils gives them the region their successors
// share, else their county's, so band_region compares them with their
// own region, not with England.
//
// # Provider profile
//
// provider_profile pools each provider's rows across the councils that
// commission it, per metric, period and service, with the same intervals and
// national bands against the national group of provider rows (band_national
// by PHE's rule on the pooled 99.8% interval, not_compared when that group
// is below the minimum size; the adjusted band uses the group's tau2), and
// the spread between those councils: minimum, quartiles, maximum and
// standard deviation of their values.
//
// sector_benchmarks pools, per metric, period and service, the provider
// rows of each sector (the providers table's sector: public, voluntary,
// private, plc; providers without one are left out) as provider_profile
// pools a provider's, with the same intervals, and bands the sector's
// pooled 99.8% interval against the national value for providers by PHE's
// rule; not_compared for kinds without an interval and for a sector with
// fewer than schemas.MinGroupRows rows with a value. It shows whether one
// kind of provider does better or worse than providers as a whole.
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
// beside the marker. Once a release has withheld a cell it stays withheld
// in every later release, even if the council withdraws the marker (see
// Earlier releases below).
//
// Primary suppression: a row of a metric with disclosure small_counts is
// hidden when its numerator is 1 to 4, its denominator is under 10, or,
// for a proportion, its complement (denominator - numerator, those it
// does not count) is 1 to 4: 96 of 100 satisfied says 4 were not. A
// denominator of 0 is under 10, so it is hidden too: we read the rule as
// written, and nothing is lost, since such a row has no value (ingest
// rejects one anyway, asking for [z]). A numerator of 0 is not small, nor
// a complement of 0. So 0% and 100% of a group are shown when the group
// is 10 or more (0/12, 12/12), and hidden when it is under 10 (0/9, 9/9,
// by the denominator rule): a figure about every member of a group of at
// least 10 points at no one, as a count of 5 or more does not.
//
// These thresholds are today's rule and every metric's unless the
// catalogue gives it its own (schemas.Metric): small_count, the count
// from which a numerator or a proportion's complement is no longer small
// (5, so 1 to 4 are small), and min_denominator, the smallest group shown
// (10, which also decides 0% and 100%). A metric about rarer events may
// set small_count 10 and min_denominator 20, say; small_count is at least
// 2 and min_denominator at least small_count, since a group smaller than
// a small count is itself a small count. The metrics table publishes
// both for every small_counts metric, and suppression, the audit and
// CheckDisclosure each use the metric's own (macro small_cell).
//
// A count
// the row leaves blank is tested as its other figures imply it: value x denominator / multiplier for the numerator, numerator x
// multiplier / value for the denominator (each rounded), and a count
// metric's value is its numerator. A proportion, rate or ratio given as a
// value with neither count cannot be tested, so it is hidden too (status
// c): a metric sharing its denominator could give its count back (1.5
// falls per 1,000 bed days beside the same home's 2,000 bed days of
// pressure ulcers is 3 falls). Yardstick drops the note of a row it
// hides, since the note was written for a figure that was to be shown and
// may quote it.
//
// Secondary suppression: a hidden figure must not come back by
// subtraction. Figures are linked where a published total adds them up
// (queries/disclosure_links.sql): a council-wide row (provider_id "") and
// the provider rows of its council, service, metric and period; and a row
// for a year or a quarter and the rows of the same council, provider,
// service and metric for the quarters or months inside it. Only
// proportions, rates, ratios and counts are linked; a mean or a score is
// not a sum. In every linked group that adds up (its total is the sum of
// its parts in the councils' own figures) the number of hidden members
// (the total included) must be 0 or at least 2: with one, the total minus
// the parts shown, or for a hidden total the sum of its parts, gives it
// back. Where a group has exactly one, the next member is hidden: the part
// with a count above 0 and the smallest denominator (then numerator);
// failing that the total; failing that another part. A group that does
// not add up (a council-wide total holding a home not listed) gives a
// reader a bound, not a figure: its hidden members hold at most (or at
// least) the total less the parts shown, and the interval audit below
// checks that bound instead. A part with a count of 0 is passed
// over because the rule is public: beside a hidden 3, a hidden 0 leaves
// "the hidden counts sum to 3", and since a part that could be shown holds
// 0 or at least 5, the 3 would be plain. Hiding one cell can leave another
// group with a single hidden member, so the rule runs in rounds until a
// round hides nothing.
//
// Shared counts. Different metrics may count the same thing for one
// provider, service and period: falls, pressure ulcers and hospital
// admissions are each per 1,000 occupied bed days, and occupancy's
// numerator is occupied bed days. The catalogue says so, in a field of
// its own (numerator_count, denominator_count: the name of the count,
// published in the metrics table), and such figures are protected
// together (queries/suppress_linked.sql): a figure hidden, for any
// reason, hides every figure of the same council, provider, service and
// period of a metric that shares a count with it, since each would give
// the shared count back (its denominator, or its value beside its
// numerator), and so too every such figure of a period that overlaps
// it, since a sister's year less the quarters shown of the other metric
// gives the shared count of the quarter hidden. That is conservative: a
// quarter hidden can hide a sister's year, and the year hidden the
// metric's other quarters. This runs with every round of secondary
// suppression, since a sister hidden may leave a group of its own metric
// with one hidden member. A count a sister published in an earlier
// release, as it is now, is known for every metric that shares it (see
// Earlier releases). The built-in catalogue links occupied-bed-days
// (ch-occupancy's numerator; ch-falls, ch-pressure-ulcers and
// ch-hospital-admissions), people-served (complaints-upheld,
// safeguarding-concerns) and visits-delivered (hc-visits-on-time,
// hc-continuity).
//
// Earlier releases. Every release of the data folder (a folder being
// built, whose name starts with a dot, is not one) is public, so Build
// reads what they published before it hides anything. Each release
// carries its disclosure history (data/disclosure-history.parquet,
// queries/history_output.sql, written by WriteHistory): every figure it
// and every earlier release published, every cell they withheld, the
// linked groups they published with a hidden member (each group and its
// figures once), the set of those groups each release published (a set
// once, however many releases published the very same groups, so a
// release republishing unchanged figures adds one row, its own, and the
// history does not grow with the number of releases), and the releases
// it covers, each by its id and the SHA-256 of its release.json. Build
// reads, newest first, the history of every release
// that carries one and is not covered by a history already read, and the
// data/observations.parquet of every release no history read covers that
// carries none (queries/history_load.sql): one made before releases
// carried a history. In a folder as publish leaves it that is the newest
// release's history alone, so a publish reads one file however many
// releases there are, and hides what reading every release would hide
// (the history also keeps the groups of a period no current row has any
// more, which reading an old release directly leaves out); the audit
// keeps a group that several releases published with the same figures
// once, and reads each set of groups once, however many releases
// published it: their equations repeat one another's over unknowns of
// their own. A release linked in from another data
// folder carries a history of that folder's releases, so this folder's
// own histories are read too; one linked in from elsewhere after the
// newest history was made is read through its own history, or directly
// if it has none. Release ids are folder names, so another data folder
// may have a release of the same id: a history covers a release of this
// folder only where it records the same id and the same SHA-256 of
// release.json (written once, when the release is made), and a release
// of another folder is never taken for one of this folder's of the same
// id, nor the other way round; each is read, and both are kept, told
// apart by their hash. A release without a release.json is known by its
// id alone. A history written before histories held sets of groups (a
// part 'appears' of one row per release and group, no sig_set column) is
// still read, and gives the same tables; it recorded no hashes, so the
// first publish after it reads the history of every release once, and
// the history it writes records them. A release removed from the folder by
// hand stays in the history of every release made after it, and one
// withdrawn by pointing current back at an older release is still in the
// folder, where its history is read (what it published while live is
// public). A release may be a folder
// or a symbolic link to one (a release archived elsewhere); anything else
// in the releases folder whose name does not start with a dot, a release
// to be read directly without its data/observations.parquet, or a file
// that cannot be read, stops Build with an error naming the release and
// what to do. A cell an
// earlier release
// withheld stays withheld (queries/suppress_history.sql): that release
// published its totals beside it, and showing the cell now would give
// back what it protected then, the old total less the old parts shown,
// less this figure, even after a correction. A cell an earlier release
// published is never hidden to protect another, whatever its figures are
// now (queries/history_known.sql): the figure already out would stand in
// for it, exactly if it is unchanged, nearly if revised (a part revised
// from 11 to 12 falls, hidden beside a small 3, would leave the total less
// 11 and the parts shown: 4). When no part that was never published can
// be hidden, the total is, even one published before with other figures
// (it changed with its parts, so the old figure stands in for nothing
// hidden now). A cell whose counts, as they are now, an earlier release
// published is known, compared count by count however its value is
// written (3.67 and 3.66667 over 11/3000 are one figure): in a linked
// group it counts as published whatever its status now. A count metrics
// share (Shared counts, above) that an earlier release published under
// one of them, as it is now, is known for each of them: a safeguarding
// figure published over 100 people served gives the complaints figure's
// denominator of the same cell, which is then known in the audit and
// never hidden as a complement. A figure once
// published cannot be taken back: if it is small by today's rules (a
// complement of 1 to 4, say), it is hidden but not counted as protected.
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
// since an outsider may know or assume it. A group that does not add up
// is left out of it: its gap is one more unknown, so it pins nothing down.
//
// Bounds. Knowing no figure exactly is not enough: two hidden counts that
// sum to 3 are each 0 to 3. The interval audit (disclosure_audit.go,
// queries/audit_members.sql, solved with package audit) finds, for every
// cell hidden for itself (small, or marked [c] by the council), the least
// and greatest value its numerator, its denominator and, for a
// proportion, its complement can take, given every linked group of this
// release and of every earlier one as an equation over the hidden counts
// and the counts a published figure leaves out (a rate shown with its
// denominator but not its numerator), each count at least 0 and a proportion's numerator at most its
// denominator. A cell hidden in several releases is one unknown, as a
// reader would assume it unchanged; a count a hidden cell had when an
// earlier release published it, and has still, is known. A count metrics
// share (Shared counts, above) is one unknown, whichever metric's group
// holds it, where the councils' figures give it one value; where they
// give it different values under different metrics (nothing makes sisters
// agree), a reader cannot tie them, and each metric's figure is an
// unknown of its own. The range, rounded inwards to whole
// numbers, must be at least SafetyWidth (5) wide: then it holds at least
// six whole numbers, as many as 0, the four small counts and the least
// count shown, so a reader cannot tell which. A metric whose small_count
// is larger needs ranges that wide. A range of 0 to 0, a group
// of hidden cells forced to sum to 0, fails it. Where a range is
// narrower, one more member of every group the cell is in is hidden, by
// the same order, and the rounds run again; if no member can be hidden,
// Build fails. Where the councils' own figures do not satisfy a group's
// equation it is kept in the form a reader can still use. In this
// release, a total that is not the sum of its parts (a council-wide total
// holding a home not listed) gains a gap of its own, at least 0, on the
// side the figures lie: total - sum(parts) - gap = 0, so the hidden parts
// hold at most the total less the parts shown. In an earlier release, a
// group whose hidden cells have been revised since gives each of them an
// unknown of that release alone, the figure it had then. A range earlier
// releases alone already held narrow was given away then, and is not held
// against this one as long as this release leaves it no narrower.
//
// Between releases the audit starts from the record of the last one
// (disclosure_audit_record.go), where the history Build reads is that
// release's file alone and the record was made for it by the same program
// under the same catalogue: a unit (a council, service and family of
// metrics) whose figures, as published and as the councils gave them, are
// those that release's audit passed has the equations that audit solved
// and, from the history, that release's own, the same groups with the
// same figures over the same unknowns, which add nothing; so it passes
// again unread, and the first audit reads only the units changed since.
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
// implied, or a value with no count to test; a benchmark or provider profile of a small_counts metric pools
// a numerator of 1 to 4, a denominator under 10 or, for a proportion, a
// complement of 1 to 4 (or the metric's own thresholds); a change is published
// from a hidden figure; a figure shows a count it shares with a hidden
// figure of another metric (linked-shown); a linked group that adds up has exactly one hidden
// member (on a release file alone, where the councils' figures are not at
// hand, every group is taken to add up); the
// audit finds a hidden cell pinned down; the interval audit (within
// Build, where the councils' own figures and the earlier releases are at
// hand) finds a range narrower than SafetyWidth; or a benchmark's sums and counts,
// a provider profile's, or a funnel's range of denominators differ from
// the same pool recomputed over the published cells. A release must not be
// published when Build fails.
//
// Disclosure control does not cover: different metrics that share a
// count the catalogue does not name (a data folder's catalogue.yaml must
// set numerator_count or denominator_count for its own metrics), beyond
// hiding a value given without counts;
// figures published in earlier releases, which a later release's
// suppression cannot take back (it hides them, and counts them as known);
// a reader who guesses which hidden cell of an earlier release was
// revised and ties the others to today's (the audit gives every hidden
// cell of such a group an unknown of that release); a revised figure
// read as close to the one published before, which the linear bounds do
// not model (hence the rule that a cell published before never protects
// another); a release without a release.json (not made by publish) that
// shares its id with a release of another data folder, which is known by
// its id alone; and what a reader who also knows the rules could infer beyond
// the linear bounds (that a hidden count is small, or not).
package duckdb
