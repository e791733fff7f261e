package schemas

import "strconv"

// ColumnType is a public column's type, named as Frictionless Table Schema
// names it; SQLType gives the DuckDB type the release database holds.
type ColumnType string

// The column types a release uses.
const (
	TypeString   ColumnType = "string"
	TypeInteger  ColumnType = "integer"
	TypeNumber   ColumnType = "number"
	TypeBoolean  ColumnType = "boolean"
	TypeDate     ColumnType = "date"
	TypeDatetime ColumnType = "datetime" // ISO 8601 UTC in CSV
	TypeList     ColumnType = "list"     // of strings; items separated by ListDelimiter in CSV
)

// ListDelimiter separates the items of a list column in a release's CSV
// files.
const ListDelimiter = ";"

// The download files of the benchmarks, provider_profile and
// sector_benchmarks tables, relative to a release's folder (the other
// tables' files are named in release.go). Their CSV files are gzipped,
// as every table's with a Parquet twin is; the provider profiles come as
// Parquet only, as the comparisons do (see release.go).
const (
	BenchmarksCSV           = "data/benchmarks.csv.gz"
	BenchmarksParquet       = "data/benchmarks.parquet"
	ProviderProfilesParquet = "data/provider-profiles.parquet"
	SectorBenchmarksCSV     = "data/sector-benchmarks.csv.gz"
	SectorBenchmarksParquet = "data/sector-benchmarks.parquet"
)

// DisclosureHistoryParquet is the cumulative disclosure history a release
// carries, relative to its folder: every figure it and every earlier
// release published, every cell they withheld, and the linked groups
// with a hidden member, so the next publish reads this one file instead
// of every earlier release (publish/duckdb, disclosure_history.go). It is
// not a public table: it holds nothing the releases did not publish.
const DisclosureHistoryParquet = "data/disclosure-history.parquet"

// SQLType returns the DuckDB type of a column of type t.
func (t ColumnType) SQLType() string {
	switch t {
	case TypeInteger:
		return "BIGINT"
	case TypeNumber:
		return "DOUBLE"
	case TypeBoolean:
		return "BOOLEAN"
	case TypeDate:
		return "DATE"
	case TypeDatetime:
		return "TIMESTAMP"
	case TypeList:
		return "VARCHAR[]"
	}
	return "VARCHAR"
}

// Units a column can carry besides none.
const (
	// UnitOfMetric marks a column in the unit of the row's metric (the
	// unit column of the metrics table): a percent as 0–100, a rate per
	// its multiplier, pounds.
	UnitOfMetric = "metric"
	// UnitOfRatio marks a figure on the scale of numerator / denominator,
	// before the metric's multiplier.
	UnitOfRatio = "ratio"
	// UnitPercentile marks a percentile rank, 0 to 100.
	UnitPercentile = "percentile"
	UnitSquareKm   = "km2"
	UnitPeople     = "people"
)

// Column is one column of a public table.
type Column struct {
	Name        string
	Type        ColumnType
	Description string
	// Unit is what a number is measured in: "" for none, or one of the
	// Unit... constants.
	Unit string
	// Categories are the values a text column may hold, with their
	// meanings; nil for free text.
	Categories []Category
	// KeepBlank marks a text column whose empty string is a value (a
	// council-wide figure's provider_id), not a missing one.
	KeepBlank bool
}

// Category is one allowed value of a column.
type Category struct {
	Value string
	Label string
}

// Table is one public table of a release: in yardstick.duckdb, and, where
// CSV or Parquet is set, as a download.
type Table struct {
	// Name is the table's name in yardstick.duckdb.
	Name string
	// Resource names the table in datapackage.json.
	Resource    string
	Title       string
	Description string
	// CSV and Parquet are the table's download files in the release, ""
	// when it has none.
	CSV, Parquet string
	// ParquetOnly, for a table with a Parquet file and no CSV file, says
	// where its rows come as CSV or as JSON a part at a time, as a
	// sentence; datapackage.json and the downloads page say it.
	ParquetOnly string
	PrimaryKey  []string
	// ForeignKeys name the tables whose primary key a column refers to.
	ForeignKeys []ForeignKey
	// Register marks a table derived from the register of councils, whose
	// licence travels with it.
	Register bool
	// Markers marks a table with a status column that explains its blank
	// figures.
	Markers bool
	Columns []Column
}

// ForeignKey says that Columns of a table refer to the primary key of
// table Table.
type ForeignKey struct {
	Columns []string
	Table   string
}

// ColumnNames returns the table's column names in order.
func (t Table) ColumnNames() []string {
	out := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		out[i] = c.Name
	}
	return out
}

// Column returns the named column.
func (t Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// PublicTable returns the public table of that name.
func PublicTable(name string) (Table, bool) {
	for _, t := range PublicTables {
		if t.Name == name {
			return t, true
		}
	}
	return Table{}, false
}

func cats(values ...string) []Category {
	out := make([]Category, len(values))
	for i, v := range values {
		out[i] = Category{Value: v}
	}
	return out
}

// statusCategories are a status column's values as a letter, each with
// its meaning; CSV files show them bracketed.
func statusCategories() []Category {
	out := []Category{{Value: "", Label: "a plain figure"}}
	for _, s := range Statuses {
		out = append(out, Category{Value: string(s), Label: s.Label()})
	}
	return out
}

var bandCategories = cats("better", "similar", "worse", "higher", "lower", "not_compared")

// kindCategories are the kinds of metric, each with what it is.
func kindCategories() []Category {
	labels := map[Kind]string{
		KindProportion: "events out of people or occasions at risk",
		KindRate:       "events per unit of exposure",
		KindRatio:      "an amount over an amount, such as pounds over pounds; no sampling model",
		KindMean:       "an average without counts, such as a price; no sampling model",
		KindCount:      "a number of events",
		KindScore:      "a score on a scale; no sampling model",
	}
	out := make([]Category, len(Kinds))
	for i, k := range Kinds {
		out[i] = Category{Value: string(k), Label: labels[k]}
	}
	return out
}

// changeBand describes a band that says whether a row's change since an
// earlier period is significant.
func changeBand(name, since string) Column {
	return Column{Name: name, Type: TypeString, Categories: bandCategories, Description: "Whether the change since " + since +
		" is significant at 99.8%, by the score test for two proportions (pooled binomial) or two rates (pooled Poisson): " +
		"better or worse by the metric's polarity (higher or lower for polarity none), similar when not significant; " +
		"not_compared unless both periods give counts of a proportion or rate."}
}

// trendCategories are the values of comparisons.trend; trendDirectionCategories
// those of comparisons.trend_direction.
var (
	trendCategories          = cats("increasing", "decreasing", "no_significant_change", "not_compared")
	trendDirectionCategories = cats("better", "worse", "none")
)

// MinGroupRows is the fewest rows with a value a comparison group (metric
// x period x service x level) must have for a release to publish its
// distribution (median, quartiles, 10th and 90th percentiles), its rows'
// percentile ranks and their bands: with fewer, those figures are blank
// and every band is not_compared.
const MinGroupRows = 5

// minGroupRule ends the description of a figure MinGroupRows withholds.
var minGroupRule = "blank when fewer than " + strconv.Itoa(MinGroupRows) + " rows of the group have a value"

// intervalBand describes a band decided by PHE's significance rule: the
// row's interval at level against a benchmark.
func intervalBand(name, level, against string) Column {
	return Column{Name: name, Type: TypeString, Categories: bandCategories, Description: "The row's " + level +
		" confidence interval against " + against + ", as PHE's Fingertips compares them: better or worse by the " +
		"metric's polarity (higher or lower for polarity none) when the interval lies wholly above or below it, " +
		"similar when it holds it; not_compared without an interval (no counts, a hidden figure, a ratio, mean, score " +
		"or count), or when fewer than " + strconv.Itoa(MinGroupRows) + " rows of the group have a value."}
}

// The columns several tables share.
var (
	colMetric  = Column{Name: "metric", Type: TypeString, Description: "Metric id: a row of the metrics table."}
	colPeriod  = Column{Name: "period", Type: TypeString, Description: "Reporting period: 2024-25-Q1 (a UK financial-year quarter, Apr–Jun 2024), 2024-25 (a financial year) or 2024-06 (a month)."}
	colCouncil = Column{Name: "council_code", Type: TypeString, Description: "Commissioning council: its GSS code (E08000009), the current code " +
		"of a council that still exists, or an abolished council's own code for periods before its end."}
	colProvider = Column{Name: "provider_id", Type: TypeString, KeepBlank: true, Description: "Provider: CQC provider ID (1-101234567), Ofsted " +
		"URN (SC037454), GB-COH-…, GB-CHC-… or LOCAL-<council>-<ref>; empty for a council-wide figure."}
	colProviderName = Column{Name: "provider_name", Type: TypeString, Description: "The provider's name as the council knows it."}
	colSector       = Column{Name: "provider_sector", Type: TypeString, Description: "public, voluntary, private or plc; blank when not given."}
	colService      = Column{Name: "service", Type: TypeString, Description: "Service id from the catalogue (homecare, care-home, childrens-home, waste-collection, …)."}
	colLevel        = Column{Name: "level", Type: TypeString, Categories: cats("provider", "council"), Description: "provider for providers' figures, council for council-wide ones; the two are benchmarked apart."}
	colNumerator    = Column{Name: "numerator", Type: TypeInteger, Description: "Numerator, a whole number, where the metric is a proportion or rate and the council gave it."}
	colDenominator  = Column{Name: "denominator", Type: TypeInteger, Description: "Denominator, a whole number, where the metric is a proportion or rate and the council gave it."}
	colValue        = Column{Name: "value", Type: TypeNumber, Unit: UnitOfMetric, Description: "The figure in the metric's unit (a percent as 0–100, a rate per its " +
		"multiplier, pounds), as the council gave it, or worked out from the counts when it gave none; blank when the status is c, x or z."}
	colStatus = Column{Name: "status", Type: TypeString, Categories: statusCategories(), Description: "GSS value marker: blank for a plain " +
		"figure; c, x or z when there is no figure, u, r or p qualifying one (bracketed in CSV: [c]). r marks a figure " +
		"revised since the previous release (the changes table lists the revisions)."}
	colKind = Column{Name: "kind", Type: TypeString, Categories: kindCategories(), Description: "What the metric counts, which decides its " +
		"national value, interval and funnel: proportions, rates and counts count events and have intervals; ratios, means and " +
		"scores have no sampling model, so no interval or band, and are benchmarked by quintile."}
	colPolarity   = Column{Name: "polarity", Type: TypeString, Categories: cats(string(HigherIsBetter), string(LowerIsBetter), string(NoPolarity)), Description: "Which direction is better."}
	colMultiplier = Column{Name: "multiplier", Type: TypeNumber, Description: "The value is numerator / denominator x multiplier for proportions and rates."}
	colCI         = []Column{
		{Name: "ci95_lower", Type: TypeNumber, Unit: UnitOfMetric, Description: "Lower limit of the 95% confidence interval, as PHEindicatormethods " +
			"computes it: Wilson score for proportions; for rates and counts the exact Poisson limits below 10 events and Byar's method from 10; blank for ratios, means and scores, which have no sampling model."},
		{Name: "ci95_upper", Type: TypeNumber, Unit: UnitOfMetric, Description: "Upper limit of the 95% confidence interval (see ci95_lower)."},
		{Name: "ci998_lower", Type: TypeNumber, Unit: UnitOfMetric, Description: "Lower limit of the 99.8% confidence interval (see ci95_lower)."},
		{Name: "ci998_upper", Type: TypeNumber, Unit: UnitOfMetric, Description: "Upper limit of the 99.8% confidence interval (see ci95_lower)."},
	}
	colNationalValue = Column{Name: "national_value", Type: TypeNumber, Unit: UnitOfMetric, Description: "The national value for the metric, period and service among " +
		"rows of the same level: pooled sum(numerator) / sum(denominator) x multiplier for proportions and rates; " +
		"the mean of the values for ratios, means, scores and counts, or where no row gives counts."}
	colZ = Column{Name: "z_score", Type: TypeNumber, Description: "Spiegelhalter's funnel-plot z-score against the national value at " +
		"the row's denominator; blank without counts."}
	colPeriodStart = Column{Name: "period_start", Type: TypeDate, Description: "First day of the period."}
	colPeriodEnd   = Column{Name: "period_end", Type: TypeDate, Description: "Last day of the period."}
	colReceivedAt  = Column{Name: "received_at", Type: TypeDatetime, Description: "When the submission was received, in ISO 8601 UTC to the microsecond (2026-11-22T09:30:00.123456Z)."}
	colSubmission  = Column{Name: "submission_id", Type: TypeString, Description: "The accepted submission the row comes from (the submissions table lists them)."}
)

func withName(c Column, name, description string) Column {
	c.Name = name
	if description != "" {
		c.Description = description
	}
	return c
}

func concat(parts ...[]Column) []Column {
	var out []Column
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// RegisterAttribution is the attribution the register of councils asks for (data/reference/SOURCES.md),
// repeated wherever a table derived from it is described.
const RegisterAttribution = `"UK Local Authorities (past and current)" by mySociety (https://mysociety.org), ` +
	`from https://github.com/mysociety/uk_local_authority_names_and_codes, licensed under CC BY 4.0 ` +
	`(https://creativecommons.org/licenses/by/4.0/). Yardstick selects and renames its columns, derives ` +
	`social_care and waste_collection from the council type, and computes similar councils from it. ` +
	`County codes, from the ONS Local Authority District to County (April 2021) Lookup in England: ` +
	`Source: Office for National Statistics licensed under the Open Government Licence v.3.0.`

var observationKey = []string{"metric", "period", "council_code", "provider_id", "service"}

var metricKey = ForeignKey{Columns: []string{"metric"}, Table: "metrics"}

// PublicTables are the tables of a release, in the order a release lists
// them: yardstick.duckdb holds exactly these, with exactly these columns
// in this order, and nothing else. datapackage.json, the site's data
// dictionary and the API's schemas are generated from them.
var PublicTables = []Table{
	{
		Name: "observations", Resource: "observations", Title: "Observations", CSV: ObservationsCSV, Parquet: ObservationsParquet,
		Description: "The published observations: one row per metric x period x council x provider x service, " +
			"from the latest accepted submission for each council, period and service, after disclosure control. " +
			"A status marks a figure withheld or qualified; r marks a figure revised since the previous release.",
		PrimaryKey: observationKey, ForeignKeys: []ForeignKey{metricKey}, Markers: true,
		Columns: []Column{
			colCouncil, colProvider, colProviderName, colSector, colService, colMetric, colPeriod,
			colNumerator, colDenominator, colValue,
			{Name: "note", Type: TypeString, Description: "The council's note on this figure; removed when the figure is withheld."},
			colPeriodStart, colPeriodEnd, colStatus, colSubmission,
			{Name: "source_line", Type: TypeInteger, Description: "The line of the submitted file the row comes from, as a text editor numbers it."},
			colReceivedAt,
		},
	},
	{
		Name: "comparisons", Resource: "comparisons", Title: "Comparisons", Parquet: ComparisonsParquet,
		ParquetOnly: "As CSV, each metric's period page on the website (when the release has one) has its rows in table.csv, and the API's comparisons list gives any selection with ?format=csv, a page of up to 1,000 rows at a time.",
		Description: "One row per observation with its statistics: intervals, the national benchmark, rank, quintile, " +
			"distance from the median, funnel-plot bands against national, regional, council-type and similar-council " +
			"benchmarks with the values compared, place among similar councils, change with its significance, and the recent trend. " +
			"A row is compared with the rows of the same metric, period and service at its level (council-wide or provider).",
		PrimaryKey: observationKey, ForeignKeys: []ForeignKey{metricKey}, Markers: true,
		Columns: concat(
			[]Column{colMetric, colPeriod, colCouncil, colProvider, colProviderName, colService,
				colValue, colNumerator, colDenominator, colStatus},
			colCI,
			[]Column{
				colNationalValue,
				{Name: "national_median", Type: TypeNumber, Unit: UnitOfMetric, Description: "Median of the values compared (linear interpolation); " + minGroupRule + "."},
				{Name: "national_q1", Type: TypeNumber, Unit: UnitOfMetric, Description: "Lower quartile of the values compared (linear interpolation); " + minGroupRule + "."},
				{Name: "national_q3", Type: TypeNumber, Unit: UnitOfMetric, Description: "Upper quartile of the values compared (linear interpolation); " + minGroupRule + "."},
				{Name: "national_n", Type: TypeInteger, Description: "Rows with a value among those compared."},
				{Name: "percentile_rank", Type: TypeNumber, Unit: UnitPercentile, Description: "0–100, where 100 is best by the metric's polarity (highest " +
					"for polarity none): 100 (r - 1) / (N - 1) for the row's mid-rank r among the N rows with a value, so tied rows share the " +
					"mean of the places they take; " + minGroupRule + "."},
				{Name: "quintile", Type: TypeInteger, Description: "1 to 5, the fifth of the national distribution the row is in, 1 the best by " +
					"the metric's polarity: 5 - floor(5 p) for p = (rows worse + half the rows with the same value, itself included) / N, so " +
					"with N a multiple of 5 each quintile holds N/5 rows and tied rows share one; the benchmark of ratios, means and scores, " +
					"which have no interval. Blank for polarity none, without a value, and when fewer than " + strconv.Itoa(MinGroupRows) +
					" rows of the group have a value."},
				colZ,
				{Name: "robust_z", Type: TypeNumber, Description: "Distance from the national median in median absolute deviations, as Oflog " +
					"publishes it: (value - median) / MAD, MAD the median of |value - median| over the rows compared, unscaled; positive " +
					"above the median whatever the polarity. Blank without a value, when the MAD is 0, and when fewer than " +
					strconv.Itoa(MinGroupRows) + " rows of the group have a value."},
				intervalBand("band_national", "99.8%", "the national value"),
				intervalBand("band_national_95", "95%", "the national value"),
				{Name: "band_national_adjusted", Type: TypeString, Categories: bandCategories, Description: "Where the row falls against the " +
					"99.8% funnel-plot limits around the national value at its denominator, widened for over-dispersion between rows " +
					"(Spiegelhalter 2005, additive random effects): better, similar or worse by the metric's polarity, or higher, similar " +
					"or lower for polarity none; similar wherever band_national is, since the adjustment only widens the limits; " +
					"not_compared where band_national is."},
				{Name: "region_value", Type: TypeNumber, Unit: UnitOfMetric, Description: "The value band_region compares the row with: " +
					"sum(numerator) / sum(denominator) x multiplier over the rows of the group from councils of the council's region, " +
					"itself included. Blank without a value, for ratios, means, scores and counts, and where no such row gives counts."},
				intervalBand("band_region", "99.8%", "the pooled value of the council's region"),
				{Name: "council_type_value", Type: TypeNumber, Unit: UnitOfMetric, Description: "The value band_council_type compares the " +
					"row with: pooled as region_value over the rows of the group from councils of the council's type, itself included."},
				intervalBand("band_council_type", "99.8%", "the pooled value of councils of the council's type"),
				{Name: "similar_value", Type: TypeNumber, Unit: UnitOfMetric, Description: "The value band_similar compares the row with: " +
					"pooled as region_value over the rows of the group from the council's similar councils for the responsibility the " +
					"row's service needs (the similar_councils table), itself left out."},
				{Name: "similar_rank", Type: TypeInteger, Description: "The row's place, 1 the best by the metric's polarity (the highest " +
					"for polarity none), among the similar_n rows of the group from the council and its similar councils for the " +
					"responsibility the row's service needs; tied rows share " +
					"the better place (1, 2, 2, 4). Blank without a value, and when fewer than " + strconv.Itoa(MinGroupRows) +
					" rows of the national group have a value."},
				{Name: "similar_n", Type: TypeInteger, Description: "How many rows similar_rank ranks the row among: the rows with a value " +
					"of the same metric, period, service and level from the council and its similar councils for the service's " +
					"responsibility, the row included."},
				intervalBand("band_similar", "99.8%", "the pooled value of the council's similar councils"),
				{Name: "change_prev", Type: TypeNumber, Unit: UnitOfMetric, Description: "Value minus the same row's value in the previous period."},
				changeBand("change_prev_band", "the previous period"),
				{Name: "change_year", Type: TypeNumber, Unit: UnitOfMetric, Description: "Value minus the same row's value in the same period a year earlier."},
				changeBand("change_year_band", "the same period a year earlier"),
				{Name: "trend", Type: TypeString, Categories: trendCategories, Description: "The recent trend of the row's series (the " +
					"same metric, council, provider and service) over its period and the four before it of the same kind, as Fingertips' " +
					"recent trend: the chi-squared test for trend (Cochran-Armitage) for proportions, its Poisson counterpart (the score " +
					"test of no trend in rates) for rates, significant at 99.8% (chi-squared above 9.5495): increasing, decreasing or " +
					"no_significant_change; not_compared unless all five periods give counts of a proportion or rate, so never when " +
					"one of them is withheld."},
				{Name: "trend_direction", Type: TypeString, Categories: trendDirectionCategories, Description: "Whether a significant " +
					"trend is better or worse by the metric's polarity; none when trend is not increasing or decreasing, or the metric " +
					"has polarity none."},
			}),
	},
	{
		Name: "benchmarks", Resource: "benchmarks", Title: "Benchmarks", CSV: BenchmarksCSV, Parquet: BenchmarksParquet,
		Description: "One row per metric x period x service x level: the national value, the distribution of the values " +
			"compared and the over-dispersion estimate (Spiegelhalter 2005) behind the adjusted funnel limits.",
		PrimaryKey: []string{"metric", "period", "service", "level"}, ForeignKeys: []ForeignKey{metricKey},
		Columns: []Column{
			colMetric, colPeriod, colService, colLevel, colKind, colPolarity, colMultiplier,
			colNationalValue,
			{Name: "national_n", Type: TypeInteger, Description: "Rows with a value."},
			{Name: "n_councils", Type: TypeInteger, Description: "Councils with a value."},
			{Name: "n_providers", Type: TypeInteger, Description: "Providers with a value."},
			{Name: "n_pooled", Type: TypeInteger, Description: "Rows whose counts go into the pooled value."},
			{Name: "sum_numerator", Type: TypeInteger, Description: "Sum of the pooled rows' numerators."},
			{Name: "sum_denominator", Type: TypeInteger, Description: "Sum of the pooled rows' denominators."},
			{Name: "mean_value", Type: TypeNumber, Unit: UnitOfMetric, Description: "Mean of the values."},
			{Name: "median", Type: TypeNumber, Unit: UnitOfMetric, Description: "Median of the values (linear interpolation); " + minGroupRule + "."},
			{Name: "q1", Type: TypeNumber, Unit: UnitOfMetric, Description: "Lower quartile of the values (linear interpolation); " + minGroupRule + "."},
			{Name: "q3", Type: TypeNumber, Unit: UnitOfMetric, Description: "Upper quartile of the values (linear interpolation); " + minGroupRule + "."},
			{Name: "p10", Type: TypeNumber, Unit: UnitOfMetric, Description: "10th percentile of the values (linear interpolation); " + minGroupRule + "."},
			{Name: "p90", Type: TypeNumber, Unit: UnitOfMetric, Description: "90th percentile of the values (linear interpolation); " + minGroupRule + "."},
			{Name: "target", Type: TypeNumber, Unit: UnitOfRatio, Description: "Pooled sum(numerator) / sum(denominator), before the multiplier; blank for ratios, means, scores and counts."},
			{Name: "n_z", Type: TypeInteger, Description: "Rows with a funnel z-score, which the over-dispersion estimate uses."},
			{Name: "phi", Type: TypeNumber, Description: "Over-dispersion factor: the mean of the squared z-scores, winsorised at their 10th and 90th percentiles."},
			{Name: "tau2", Type: TypeNumber, Unit: UnitOfRatio, Description: "Between-row variance added to each row's sampling variance for the adjusted limits (additive random effects); 0 when the spread is no wider than chance."},
		},
	},
	{
		Name: "funnel_limits", Resource: "funnel-limits", Title: "Funnel-plot limits",
		Description: "Control-limit curves for each benchmark with a pooled value: 100 denominators spaced evenly on a log " +
			"scale from the smallest to the largest compared, each with the 95% and 99.8% limits and the 99.8% limits " +
			"widened for over-dispersion.",
		PrimaryKey: []string{"metric", "period", "service", "level", "denominator"}, ForeignKeys: []ForeignKey{metricKey},
		Columns: []Column{
			colMetric, colPeriod, colService, colLevel,
			{Name: "denominator", Type: TypeNumber, Description: "The denominator at which the limits are drawn."},
			{Name: "target", Type: TypeNumber, Unit: UnitOfMetric, Description: "The national value the funnel is centred on."},
			{Name: "lower95", Type: TypeNumber, Unit: UnitOfMetric, Description: "Lower 95% control limit."},
			{Name: "upper95", Type: TypeNumber, Unit: UnitOfMetric, Description: "Upper 95% control limit."},
			{Name: "lower998", Type: TypeNumber, Unit: UnitOfMetric, Description: "Lower 99.8% control limit."},
			{Name: "upper998", Type: TypeNumber, Unit: UnitOfMetric, Description: "Upper 99.8% control limit."},
			{Name: "lower998_adjusted", Type: TypeNumber, Unit: UnitOfMetric, Description: "Lower 99.8% limit widened for over-dispersion."},
			{Name: "upper998_adjusted", Type: TypeNumber, Unit: UnitOfMetric, Description: "Upper 99.8% limit widened for over-dispersion."},
		},
	},
	{
		Name: "providers", Resource: "providers", Title: "Providers", CSV: ProvidersCSV,
		Description: "One row per provider in the observations, with the councils that commission it. A provider's " +
			"name and sector are the provider register's (the regulators' registers, CQC and Ofsted) when it knows the " +
			"provider's id; otherwise those most councils' rows give, the earliest received winning a tie.",
		PrimaryKey: []string{"provider_id"},
		Columns: []Column{
			withName(colProvider, "provider_id", "Provider: CQC provider ID (1-101234567), Ofsted URN (SC037454), GB-COH-…, GB-CHC-… or LOCAL-<council>-<ref>."),
			withName(colProviderName, "provider_name", "The provider's name: the register's (a CQC location id's own name), else as most councils' rows give it."),
			{Name: "sector", Type: TypeString, Description: "public, voluntary, private or plc: the register's, else as most councils' rows give it; blank when none does."},
			{Name: "sector_source", Type: TypeString, Description: "Where the sector came from: the register, as \"CQC register as at 2024-03-31, import <id>\" " +
				"(the regulator, the day its register described and the import it was read from), or \"councils' returns\"; blank without a sector."},
			{Name: "aliases", Type: TypeList, Description: "Other names of the provider: those councils' rows give it and those the register " +
				"gave it before, sorted (separated by semicolons in CSV)."},
			{Name: "identifiers", Type: TypeList, Description: "The register's identifiers of the provider, as scheme:id: cqc_provider, " +
				"cqc_location (for a location, its own alone), ofsted_urn, companies_house (GB-COH-…), charity (GB-CHC-…); " +
				"empty when the register does not know it (separated by semicolons in CSV)."},
			{Name: "rating", Type: TypeString, Description: "The regulator's latest dated rating (CQC's or Ofsted's overall rating: Outstanding, " +
				"Good, Requires improvement, Inadequate); blank when the register gives none."},
			{Name: "rating_date", Type: TypeDate, Description: "The day of the latest rating (of its inspection or publication, as the register gives it)."},
			{Name: "ratings", Type: TypeList, Description: "Every rating the register has kept, as \"2023-12-05 Good\" (\"undated Good\" without a date), " +
				"oldest first and undated last, with the location rated in brackets where it is not the provider itself " +
				"(separated by semicolons in CSV)."},
			{Name: "n_councils", Type: TypeInteger, Description: "Councils with rows for the provider."},
			{Name: "councils", Type: TypeList, Description: "GSS codes of the councils with rows for the provider (separated by semicolons in CSV)."},
			{Name: "services", Type: TypeList, Description: "Service ids (separated by semicolons in CSV)."},
			{Name: "first_period_start", Type: TypeDate, Description: "Start of the earliest period with a row for the provider."},
			{Name: "last_period_end", Type: TypeDate, Description: "End of the latest period with a row for the provider."},
			{Name: "n_rows", Type: TypeInteger, Description: "Observations of the provider."},
		},
	},
	{
		Name: "provider_profile", Resource: "provider-profile", Title: "Provider profiles",
		Parquet:     ProviderProfilesParquet,
		ParquetOnly: "A provider's rows, every period, are in the API's providers/{id}/profile, as CSV with ?format=csv (and in providers/{id} as JSON); its page and the page's JSON twin show each metric's latest period, with the trend.",
		Description: "Each provider pooled across the councils that commission it, per metric, period and service, " +
			"against the national benchmark for providers, with the spread between its councils.",
		PrimaryKey: []string{"provider_id", "metric", "period", "service"}, ForeignKeys: []ForeignKey{metricKey},
		Columns: concat(
			[]Column{
				colProvider, colProviderName, colSector, colMetric, colPeriod, colService,
				{Name: "n_councils", Type: TypeInteger, Description: "Councils with a value for the provider."},
				{Name: "n_values", Type: TypeInteger, Description: "Rows with a value."},
				withName(colNumerator, "numerator", "Sum of the numerators of the rows with counts."),
				withName(colDenominator, "denominator", "Sum of the denominators of the rows with counts."),
				withName(colValue, "value", "The pooled figure: sum(numerator) / sum(denominator) x multiplier where the rows give counts, else the mean of the councils' values."),
			},
			colCI,
			[]Column{
				colNationalValue, colZ,
				intervalBand("band_national", "99.8%", "the national value for providers"),
				{Name: "band_national_adjusted", Type: TypeString, Categories: bandCategories, Description: "Where the pooled figure falls " +
					"against the 99.8% funnel-plot limits around the national value at its denominator, widened for over-dispersion " +
					"(the benchmark's tau2): better, similar or worse by polarity, or higher, similar or lower; similar or " +
					"not_compared wherever band_national is."},
				{Name: "councils_min", Type: TypeNumber, Unit: UnitOfMetric, Description: "Least of the councils' values."},
				{Name: "councils_q1", Type: TypeNumber, Unit: UnitOfMetric, Description: "Lower quartile of the councils' values."},
				{Name: "councils_median", Type: TypeNumber, Unit: UnitOfMetric, Description: "Median of the councils' values."},
				{Name: "councils_q3", Type: TypeNumber, Unit: UnitOfMetric, Description: "Upper quartile of the councils' values."},
				{Name: "councils_max", Type: TypeNumber, Unit: UnitOfMetric, Description: "Greatest of the councils' values."},
				{Name: "councils_sd", Type: TypeNumber, Unit: UnitOfMetric, Description: "Sample standard deviation of the councils' values."},
			}),
	},
	{
		Name: "sector_benchmarks", Resource: "sector-benchmarks", Title: "Sector benchmarks", CSV: SectorBenchmarksCSV, Parquet: SectorBenchmarksParquet,
		Description: "Each sector's providers (public, voluntary, private, plc) pooled per metric, period and service, " +
			"against the national value for providers: a level playing field between kinds of provider. A provider's " +
			"sector is the providers table's; providers without one are left out.",
		PrimaryKey: []string{"metric", "period", "service", "sector"}, ForeignKeys: []ForeignKey{metricKey},
		Columns: concat(
			[]Column{
				colMetric, colPeriod, colService,
				{Name: "sector", Type: TypeString, Description: "public, voluntary, private or plc, as the providers table gives it."},
				{Name: "n_rows", Type: TypeInteger, Description: "Provider rows of the sector with a value."},
				{Name: "n_providers", Type: TypeInteger, Description: "Providers of the sector with a value."},
				{Name: "n_councils", Type: TypeInteger, Description: "Councils with a value for a provider of the sector."},
				withName(colNumerator, "numerator", "Sum of the numerators of the sector's rows with counts."),
				withName(colDenominator, "denominator", "Sum of the denominators of the sector's rows with counts."),
				withName(colValue, "value", "The sector's pooled figure: sum(numerator) / sum(denominator) x multiplier where its rows give counts, else the mean of their values."),
			},
			colCI,
			[]Column{
				withName(colNationalValue, "national_value", "The national value for providers of the metric, period and service (the benchmarks table's, level provider)."),
				{Name: "band_national", Type: TypeString, Categories: bandCategories, Description: "The sector's pooled 99.8% confidence interval " +
					"against the national value, as PHE's Fingertips compares them: better or worse by the metric's polarity (higher or " +
					"lower for polarity none) when the interval lies wholly above or below it, similar when it holds it; not_compared " +
					"without an interval (a ratio, mean, score or count, or no counts) or when fewer than " + strconv.Itoa(MinGroupRows) +
					" rows of the sector have a value."},
			}),
	},
	{
		Name: "metrics", Resource: "metrics", Title: "Metric catalogue", CSV: MetricsCSV,
		Description: "The metric catalogue the release was built with, one row per metric.",
		PrimaryKey:  []string{"id"},
		Columns: []Column{
			{Name: "id", Type: TypeString, Description: "Metric id, as observations and comparisons name it."},
			{Name: "title", Type: TypeString, Description: "The metric's title."},
			colKind,
			{Name: "unit", Type: TypeString, Categories: cats(string(UnitPercent), string(UnitPer1000), string(UnitPer100000), string(UnitGBP), string(UnitNumber)), Description: "How the value is expressed."},
			colMultiplier, colPolarity,
			{Name: "min", Type: TypeNumber, Unit: UnitOfMetric, Description: "Least value a row may have; blank for none."},
			{Name: "max", Type: TypeNumber, Unit: UnitOfMetric, Description: "Greatest value a row may have; blank for none."},
			{Name: "disclosure", Type: TypeString, Categories: cats(string(DisclosureNone), string(DisclosureSmallCounts)), Description: "Disclosure control: small_counts hides a cell with a numerator " +
				"of 1 to 4, a denominator under 10, for a proportion a complement (denominator minus numerator) of 1 to 4 " +
				"(or the metric's own small_count and min_denominator), or a value given without counts; and whatever " +
				"would give it back by subtraction, within this release or with any earlier one, or through a metric " +
				"sharing its counts."},
			{Name: "services", Type: TypeList, Description: "Services that report the metric (separated by semicolons in CSV); * for every service."},
			{Name: "description", Type: TypeString, Description: "What the metric measures."},
			{Name: "numerator", Type: TypeString, Description: "What the numerator counts."},
			{Name: "denominator", Type: TypeString, Description: "What the denominator counts."},
			{Name: "source", Type: TypeString, Description: "Where the metric's definition comes from."},
			{Name: "numerator_count", Type: TypeString, Description: "The name of the count the numerator is, when other " +
				"metrics share it (as numerator or denominator) for the same provider, service and period; a figure hidden " +
				"for one of them hides the others' figures of the same cell. Blank when the count is the metric's own."},
			{Name: "denominator_count", Type: TypeString, Description: "The name of the count the denominator is, when other " +
				"metrics share it (occupied-bed-days, people-served); as numerator_count."},
			{Name: "small_count", Type: TypeInteger, Description: "Under small_counts, a numerator, or a proportion's " +
				"complement, above 0 and below this is hidden (5 unless the catalogue says otherwise: 1 to 4); blank for " +
				"a metric without disclosure control."},
			{Name: "min_denominator", Type: TypeInteger, Description: "Under small_counts, a denominator below this is " +
				"hidden, and with it 0% and 100% of a smaller group (10 unless the catalogue says otherwise); blank for a " +
				"metric without disclosure control."},
		},
	},
	{
		Name: "councils", Resource: "councils", Title: "Councils", CSV: CouncilsCSV, Register: true,
		Description: "The register of councils, current and abolished. " + RegisterAttribution,
		PrimaryKey:  []string{"council_code"},
		Columns: []Column{
			withName(colCouncil, "council_code", "The council's GSS code."),
			{Name: "registry_code", Type: TypeString, Description: "mySociety's three-letter register code (TRF)."},
			{Name: "name", Type: TypeString, Description: "Short name (Trafford)."},
			{Name: "official_name", Type: TypeString, Description: "Official name (Trafford Metropolitan Borough Council)."},
			{Name: "council_type", Type: TypeString, Description: "Council type code: CTY, UA, MD, LBO, NMD, …"},
			{Name: "type_name", Type: TypeString, Description: "Council type in words (Metropolitan district)."},
			{Name: "region", Type: TypeString, Description: "English region, or the nation elsewhere."},
			{Name: "nation", Type: TypeString, Description: "England, Scotland, Wales or Northern Ireland."},
			{Name: "start_date", Type: TypeDate, Description: "When the council came into being, where the register says."},
			{Name: "end_date", Type: TypeDate, Description: "When the council was abolished; blank for one that still exists."},
			{Name: "population", Type: TypeInteger, Unit: UnitPeople, Description: "Mid-2020 population estimate."},
			{Name: "area_km2", Type: TypeNumber, Unit: UnitSquareKm, Description: "Area in square kilometres."},
			{Name: "social_care", Type: TypeBoolean, Description: "Whether the council is a social-care authority."},
			{Name: "waste_collection", Type: TypeBoolean, Description: "Whether the council collects household waste."},
			{Name: "county_code", Type: TypeString, Description: "For a district, the GSS code of the county over it."},
		},
	},
	{
		Name: "similar_councils", Resource: "similar-councils", Title: "Similar councils", CSV: SimilarCSV, Register: true,
		Description: "Each council's similar councils for each responsibility it holds, ranked, with the distance and the method " +
			"that chose them. A row is compared with the list for the responsibility its service needs. " + RegisterAttribution,
		PrimaryKey: []string{"council_code", "responsibility", "similar_code"},
		Columns: []Column{
			withName(colCouncil, "council_code", "GSS code of the council."),
			{Name: "responsibility", Type: TypeString, Categories: cats("social_care", "waste_collection", "any"),
				Description: "The responsibility the list is for, which every council in it holds: social_care, waste_collection, " +
					"or any for services that need neither. A council's rows are compared with the list for the responsibility " +
					"their service needs (catalogue services' responsibility)."},
			{Name: "similar_code", Type: TypeString, Description: "GSS code of a similar council."},
			{Name: "rank", Type: TypeInteger, Description: "1 for the most similar council in the list."},
			{Name: "distance", Type: TypeNumber, Description: "Nearest neighbours' distance: sqrt(d_pop^2 + d_density^2 + d_type), " +
				"the differences of ln(population) and ln(population per km2), each divided by its standard deviation over the " +
				"nation's councils, and d_type 1 when the council types differ, else 0; the same in every list. Blank for peer groups."},
			{Name: "method", Type: TypeString, Categories: cats("yardstick-nn-v1", "peer-groups.csv"), Description: "How similar councils were chosen: yardstick-nn-v1 (nearest neighbours) or peer-groups.csv (the data folder's own groups)."},
		},
	},
	{
		Name: "peer_groups", Resource: "peer-groups", Title: "Peer groups", CSV: PeerGroupsCSV, Register: true,
		Description: "The comparator groups used: the data folder's peer-groups.csv, or else one group per " +
			"council and responsibility, named by both, holding the council and its similar councils for it. " + RegisterAttribution,
		PrimaryKey: []string{"group_id", "council_code"},
		Columns: []Column{
			{Name: "group_id", Type: TypeString, Description: "Comparator group: a peer-groups.csv group, or the code of the council and the " +
				"responsibility whose similar councils the group holds (E06000017:social_care)."},
			withName(colCouncil, "council_code", "GSS code of a member of the group."),
		},
	},
	{
		Name: "period_links", Resource: "period-links", Title: "Periods",
		Description: "Each period with observations, its dates, the period before it and the same period a year earlier.",
		PrimaryKey:  []string{"period"},
		Columns: []Column{
			colPeriod,
			{Name: "kind", Type: TypeString, Categories: cats("quarter", "year", "month"), Description: "quarter (a UK financial-year quarter), year (a financial year) or month."},
			withName(colPeriodStart, "period_start", ""), withName(colPeriodEnd, "period_end", ""),
			{Name: "previous", Type: TypeString, Description: "The period before it, of the same kind."},
			{Name: "year_earlier", Type: TypeString, Description: "The same period a year earlier."},
		},
	},
	{
		Name: "submissions", Resource: "submissions", Title: "Submissions",
		Description: "The accepted submissions in the data folder when the release was built, and how many of each one's rows are current.",
		PrimaryKey:  []string{"submission_id"},
		Columns: []Column{
			withName(colSubmission, "submission_id", "The submission's id: the time it was received and a random suffix."),
			withName(colCouncil, "council_code", "The council the submission is for; blank when it holds rows of several."),
			colReceivedAt,
			{Name: "rows", Type: TypeInteger, Description: "Rows the submission holds."},
			{Name: "current_rows", Type: TypeInteger, Description: "Rows of the submission in this release; 0 when later submissions replaced them all."},
		},
	},
	{
		Name: "changes", Resource: "changes", Title: "Changes since the previous release",
		Description: "Every observation whose figure differs from the previous release's: revised, added, withdrawn, " +
			"newly withheld or newly shown. Empty in a data folder's first release.",
		PrimaryKey: observationKey, ForeignKeys: []ForeignKey{metricKey},
		Columns: []Column{
			colMetric, colPeriod, colCouncil, colProvider, colService,
			{Name: "change", Type: TypeString, Categories: []Category{
				{Value: ChangeRevised, Label: "published in both releases with other numbers"},
				{Value: ChangeAdded, Label: "new in this release"},
				{Value: ChangeWithdrawn, Label: "in the previous release only"},
				{Value: ChangeWithheld, Label: "published then; c, x or z now"},
				{Value: ChangeShown, Label: "c, x or z then; published now"},
			}, Description: "What changed."},
			withName(colValue, "old_value", "The value the previous release published; blank when it had none."),
			withName(colNumerator, "old_numerator", "The numerator the previous release published."),
			withName(colDenominator, "old_denominator", "The denominator the previous release published."),
			withName(colStatus, "old_status", "The previous release's marker, without the r that marked a revision then."),
			withName(colValue, "new_value", "The value this release publishes; blank when it has none."),
			withName(colNumerator, "new_numerator", "The numerator this release publishes."),
			withName(colDenominator, "new_denominator", "The denominator this release publishes."),
			withName(colStatus, "new_status", "This release's marker, without the r that marks a revision."),
		},
	},
}
