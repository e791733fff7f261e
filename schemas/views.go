package schemas

// The row and view types below are what the site, the API and publish read
// from a release's yardstick.duckdb. A row type mirrors one public table:
// its JSON names are the table's column names, in the table's order, so an
// API body and a CSV download of the same rows agree. A number the table
// may leave blank is a pointer, nil for blank; a blank text is "".

// Page is one page of a longer list.
type Page[T any] struct {
	Items []T `json:"items"`
	// Total counts every item the request matched, on every page.
	Total int `json:"total"`
	// Page is the page number, from 1; PageSize the most items a page
	// holds.
	Page     int `json:"page"`
	PageSize int `json:"page_size"`
}

// PeriodRow is a row of the period_links table: a period with observations
// in the release.
type PeriodRow struct {
	Period      string     `json:"period"`
	Kind        PeriodKind `json:"kind"`
	PeriodStart Date       `json:"period_start"`
	PeriodEnd   Date       `json:"period_end"`
	Previous    string     `json:"previous"`
	YearEarlier string     `json:"year_earlier"`
}

// ComparisonRow is a row of the comparisons table: one observation with its
// statistics.
type ComparisonRow struct {
	Metric               string   `json:"metric"`
	Period               string   `json:"period"`
	CouncilCode          string   `json:"council_code"`
	ProviderID           string   `json:"provider_id"`
	ProviderName         string   `json:"provider_name"`
	Service              string   `json:"service"`
	Value                *float64 `json:"value"`
	Numerator            *int64   `json:"numerator"`
	Denominator          *int64   `json:"denominator"`
	Status               string   `json:"status"`
	CI95Lower            *float64 `json:"ci95_lower"`
	CI95Upper            *float64 `json:"ci95_upper"`
	CI998Lower           *float64 `json:"ci998_lower"`
	CI998Upper           *float64 `json:"ci998_upper"`
	NationalValue        *float64 `json:"national_value"`
	NationalMedian       *float64 `json:"national_median"`
	NationalQ1           *float64 `json:"national_q1"`
	NationalQ3           *float64 `json:"national_q3"`
	NationalN            *int64   `json:"national_n"`
	PercentileRank       *float64 `json:"percentile_rank"`
	Quintile             *int64   `json:"quintile"`
	ZScore               *float64 `json:"z_score"`
	RobustZ              *float64 `json:"robust_z"`
	BandNational         string   `json:"band_national"`
	BandNational95       string   `json:"band_national_95"`
	BandNationalAdjusted string   `json:"band_national_adjusted"`
	RegionValue          *float64 `json:"region_value"`
	BandRegion           string   `json:"band_region"`
	CouncilTypeValue     *float64 `json:"council_type_value"`
	BandCouncilType      string   `json:"band_council_type"`
	SimilarValue         *float64 `json:"similar_value"`
	SimilarRank          *int64   `json:"similar_rank"`
	SimilarN             *int64   `json:"similar_n"`
	BandSimilar          string   `json:"band_similar"`
	ChangePrev           *float64 `json:"change_prev"`
	ChangePrevBand       string   `json:"change_prev_band"`
	ChangeYear           *float64 `json:"change_year"`
	ChangeYearBand       string   `json:"change_year_band"`
	Trend                string   `json:"trend"`
	TrendDirection       string   `json:"trend_direction"`
}

// Key returns the observation the row describes.
func (r ComparisonRow) Key() ObservationKey {
	return ObservationKey{Metric: r.Metric, Period: r.Period, CouncilCode: r.CouncilCode, ProviderID: r.ProviderID, Service: r.Service}
}

// ProviderRow is a row of the providers table.
type ProviderRow struct {
	ProviderID   string   `json:"provider_id"`
	ProviderName string   `json:"provider_name"`
	Sector       string   `json:"sector"`
	SectorSource string   `json:"sector_source"`
	Aliases      []string `json:"aliases"`
	Identifiers  []string `json:"identifiers"`
	Rating       string   `json:"rating"`
	// RatingDate is nil where the register gives no rating.
	RatingDate       *Date    `json:"rating_date"`
	Ratings          []string `json:"ratings"`
	NCouncils        int64    `json:"n_councils"`
	Councils         []string `json:"councils"`
	Services         []string `json:"services"`
	FirstPeriodStart Date     `json:"first_period_start"`
	LastPeriodEnd    Date     `json:"last_period_end"`
	NRows            int64    `json:"n_rows"`
}

// CouncilRow is a row of the councils table, the register of councils.
type CouncilRow struct {
	CouncilCode  string `json:"council_code"`
	RegistryCode string `json:"registry_code"`
	Name         string `json:"name"`
	OfficialName string `json:"official_name"`
	CouncilType  string `json:"council_type"`
	TypeName     string `json:"type_name"`
	Region       string `json:"region"`
	Nation       string `json:"nation"`
	// StartDate is nil where the register gives no start; EndDate is nil
	// for a council that still exists.
	StartDate       *Date    `json:"start_date"`
	EndDate         *Date    `json:"end_date"`
	Population      *int64   `json:"population"`
	AreaKm2         *float64 `json:"area_km2"`
	SocialCare      bool     `json:"social_care"`
	WasteCollection bool     `json:"waste_collection"`
	CountyCode      string   `json:"county_code"`
}

// BenchmarkRow is a row of the benchmarks table: the national picture for
// one metric, period, service and level.
type BenchmarkRow struct {
	Metric         string   `json:"metric"`
	Period         string   `json:"period"`
	Service        string   `json:"service"`
	Level          string   `json:"level"`
	Kind           Kind     `json:"kind"`
	Polarity       Polarity `json:"polarity"`
	Multiplier     float64  `json:"multiplier"`
	NationalValue  *float64 `json:"national_value"`
	NationalN      int64    `json:"national_n"`
	NCouncils      int64    `json:"n_councils"`
	NProviders     int64    `json:"n_providers"`
	NPooled        int64    `json:"n_pooled"`
	SumNumerator   *int64   `json:"sum_numerator"`
	SumDenominator *int64   `json:"sum_denominator"`
	MeanValue      *float64 `json:"mean_value"`
	Median         *float64 `json:"median"`
	Q1             *float64 `json:"q1"`
	Q3             *float64 `json:"q3"`
	P10            *float64 `json:"p10"`
	P90            *float64 `json:"p90"`
	Target         *float64 `json:"target"`
	NZ             int64    `json:"n_z"`
	Phi            *float64 `json:"phi"`
	Tau2           *float64 `json:"tau2"`
}

// FunnelLimit is a row of the funnel_limits table: one point of the
// control-limit curves of a benchmark.
type FunnelLimit struct {
	Metric           string  `json:"metric"`
	Period           string  `json:"period"`
	Service          string  `json:"service"`
	Level            string  `json:"level"`
	Denominator      float64 `json:"denominator"`
	Target           float64 `json:"target"`
	Lower95          float64 `json:"lower95"`
	Upper95          float64 `json:"upper95"`
	Lower998         float64 `json:"lower998"`
	Upper998         float64 `json:"upper998"`
	Lower998Adjusted float64 `json:"lower998_adjusted"`
	Upper998Adjusted float64 `json:"upper998_adjusted"`
}

// ProviderProfileRow is a row of the provider_profile table: a provider
// pooled across its councils for one metric, period and service.
type ProviderProfileRow struct {
	ProviderID           string   `json:"provider_id"`
	ProviderName         string   `json:"provider_name"`
	ProviderSector       string   `json:"provider_sector"`
	Metric               string   `json:"metric"`
	Period               string   `json:"period"`
	Service              string   `json:"service"`
	NCouncils            int64    `json:"n_councils"`
	NValues              int64    `json:"n_values"`
	Numerator            *int64   `json:"numerator"`
	Denominator          *int64   `json:"denominator"`
	Value                *float64 `json:"value"`
	CI95Lower            *float64 `json:"ci95_lower"`
	CI95Upper            *float64 `json:"ci95_upper"`
	CI998Lower           *float64 `json:"ci998_lower"`
	CI998Upper           *float64 `json:"ci998_upper"`
	NationalValue        *float64 `json:"national_value"`
	ZScore               *float64 `json:"z_score"`
	BandNational         string   `json:"band_national"`
	BandNationalAdjusted string   `json:"band_national_adjusted"`
	CouncilsMin          *float64 `json:"councils_min"`
	CouncilsQ1           *float64 `json:"councils_q1"`
	CouncilsMedian       *float64 `json:"councils_median"`
	CouncilsQ3           *float64 `json:"councils_q3"`
	CouncilsMax          *float64 `json:"councils_max"`
	CouncilsSD           *float64 `json:"councils_sd"`
}

// SimilarCouncil is one of a council's similar councils for a
// responsibility: a row of the similar_councils table, with the similar
// council's name from the register.
type SimilarCouncil struct {
	// Responsibility is the list's: social_care, waste_collection, or any.
	Responsibility string   `json:"responsibility"`
	SimilarCode    string   `json:"similar_code"`
	Name           string   `json:"name"`
	Rank           int64    `json:"rank"`
	Distance       *float64 `json:"distance"`
	Method         string   `json:"method"`
}

// CouncilProvider is a provider a council commissions for a service, with
// the number of the council's observations of it.
type CouncilProvider struct {
	Service      string `json:"service"`
	ProviderID   string `json:"provider_id"`
	ProviderName string `json:"provider_name"`
	Sector       string `json:"sector"`
	NRows        int64  `json:"n_rows"`
}

// MetricView is what a metric's page shows: the metric, its benchmarks in
// every period, service and level, and, when the view was asked for a
// period, the funnel-plot limits of that period.
type MetricView struct {
	Metric     Metric         `json:"metric"`
	Benchmarks []BenchmarkRow `json:"benchmarks"`
	// Period is the period FunnelLimits are for; "" when none was asked
	// for, and then FunnelLimits is empty.
	Period       string        `json:"period,omitempty"`
	FunnelLimits []FunnelLimit `json:"funnel_limits"`
}

// ViewComparisons is how many comparison rows a council's or provider's
// view holds: the first, in observation-key order. A national provider has
// thousands, so the view says how many there are (ComparisonsTotal) and the
// comparisons list, filtered by council or provider, pages through them all.
const ViewComparisons = 100

// CouncilView is what a council's page shows: the council, its similar
// councils, the providers it commissions and its first comparison rows.
type CouncilView struct {
	Council          CouncilRow        `json:"council"`
	Similar          []SimilarCouncil  `json:"similar_councils"`
	Providers        []CouncilProvider `json:"providers"`
	Comparisons      []ComparisonRow   `json:"comparisons"`
	ComparisonsTotal int               `json:"comparisons_total"`
}

// ProviderView is what a provider's page shows: the provider, its profile
// pooled across councils, and its first comparison rows.
type ProviderView struct {
	Provider         ProviderRow          `json:"provider"`
	Profile          []ProviderProfileRow `json:"profile"`
	Comparisons      []ComparisonRow      `json:"comparisons"`
	ComparisonsTotal int                  `json:"comparisons_total"`
}
