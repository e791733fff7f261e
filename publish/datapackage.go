package publish

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/schemas"
)

// dataPackageProfile is the Data Package profile the descriptor follows.
const dataPackageProfile = "https://datapackage.org/profiles/2.0/datapackage.json"

// The descriptor's shape: the Data Package v2 properties a release uses,
// in the order they are written.
type (
	dataPackage struct {
		Profile     string     `json:"$schema"`
		Name        string     `json:"name"`
		ID          string     `json:"id"`
		Title       string     `json:"title"`
		Description string     `json:"description"`
		Version     string     `json:"version"`
		Created     string     `json:"created"`
		Licenses    []license  `json:"licenses"`
		Sources     []source   `json:"sources"`
		Resources   []resource `json:"resources"`
	}
	license struct {
		Name  string `json:"name"`
		Path  string `json:"path"`
		Title string `json:"title"`
	}
	source struct {
		Title   string `json:"title"`
		Path    string `json:"path,omitempty"`
		Version string `json:"version,omitempty"`
	}
	resource struct {
		Name        string       `json:"name"`
		Type        string       `json:"type,omitempty"`
		Path        string       `json:"path"`
		Title       string       `json:"title"`
		Description string       `json:"description"`
		Format      string       `json:"format"`
		Mediatype   string       `json:"mediatype"`
		Encoding    string       `json:"encoding,omitempty"`
		Bytes       int64        `json:"bytes"`
		Hash        string       `json:"hash"`
		Licenses    []license    `json:"licenses,omitempty"`
		Schema      *tableSchema `json:"schema,omitempty"`
	}
	tableSchema struct {
		Fields        []field        `json:"fields"`
		MissingValues []missingValue `json:"missingValues"`
		PrimaryKey    []string       `json:"primaryKey,omitempty"`
		ForeignKeys   []foreignKey   `json:"foreignKeys,omitempty"`
	}
	field struct {
		Name        string `json:"name"`
		Type        string `json:"type"`
		Format      string `json:"format,omitempty"`
		Description string `json:"description,omitempty"`
		// Delimiter separates the items of a list field.
		Delimiter  string     `json:"delimiter,omitempty"`
		Categories []category `json:"categories,omitempty"`
		// MissingValues, when set, replaces the schema's for this field; a
		// pointer, so that an empty list (nothing is missing) is written.
		MissingValues *[]missingValue `json:"missingValues,omitempty"`
	}
	category struct {
		Value string `json:"value"`
		Label string `json:"label,omitempty"`
	}
	missingValue struct {
		Value string `json:"value"`
		Label string `json:"label"`
	}
	foreignKey struct {
		Fields    []string    `json:"fields"`
		Reference fkReference `json:"reference"`
	}
	fkReference struct {
		Resource string   `json:"resource"`
		Fields   []string `json:"fields"`
	}
)

// Licences. The data is the councils' under the Open Government Licence;
// the register of councils is mySociety's under CC BY 4.0, with an ONS
// lookup (OGL) beside it: see data/reference/SOURCES.md, whose attribution
// statements registerAttribution repeats, as that file asks.
var (
	oglLicence = license{
		Name:  "OGL-UK-3.0",
		Path:  "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
		Title: "Open Government Licence v3.0",
	}
	ccByLicence = license{
		Name:  "CC-BY-4.0",
		Path:  "https://creativecommons.org/licenses/by/4.0/",
		Title: "Creative Commons Attribution 4.0 International",
	}
)

const (
	registerAttribution = `"UK Local Authorities (past and current)" by mySociety (https://mysociety.org), ` +
		`from https://github.com/mysociety/uk_local_authority_names_and_codes, licensed under CC BY 4.0 ` +
		`(https://creativecommons.org/licenses/by/4.0/). Yardstick selects and renames its columns, derives ` +
		`social_care and waste_collection from the council type, and computes similar councils from it. ` +
		`County codes, from the ONS Local Authority District to County (April 2021) Lookup in England: ` +
		`Source: Office for National Statistics licensed under the Open Government Licence v.3.0.`
	packageDescription = "A Yardstick release: the performance returns councils submitted for the providers they " +
		"commission, checked and normalised, with comparisons against national, regional, council-type and " +
		"similar-council benchmarks. release.json lists the submissions included and the revisions since the " +
		"previous release; the field descriptions below say how each statistic is made.\n\n" +
		"Contains public sector information licensed under the Open Government Licence v3.0.\n\n" +
		"Council names, codes, regions and types, and what is derived from them (data/councils.csv, " +
		"data/similar-councils.csv, data/peer-groups.csv): " + registerAttribution
)

var packageSources = []source{
	{Title: "Performance returns submitted by councils (release.json lists the submissions)"},
	{Title: `"UK Local Authorities (past and current)" by mySociety, CC BY 4.0`,
		Path: "https://github.com/mysociety/uk_local_authority_names_and_codes", Version: "1.6.1"},
	{Title: "Office for National Statistics, Local Authority District to County (April 2021) Lookup in England, OGL v3.0"},
}

// statusCategories are the values of a status column in CSV, each
// labelled with its meaning.
func statusCategories() []category {
	out := make([]category, len(schemas.Statuses))
	for i, s := range schemas.Statuses {
		out[i] = category{Value: s.Bracketed(), Label: s.Label()}
	}
	return out
}

// tableResource describes one CSV file of a release; its fields are read
// from the file's header and typed through columnSpecs.
type tableResource struct {
	path, name, title, description string
	primaryKey                     []string
	foreignKeys                    []foreignKey
	register                       bool // derived from the register of councils
	// markers: a table with a status column; blank cells are explained
	// by it.
	markers bool
	// parquet names the same table's Parquet file, if the release has one.
	parquet string
}

var metricKey = foreignKey{Fields: []string{"metric"}, Reference: fkReference{Resource: "metrics", Fields: []string{"id"}}}

// tableResources are the release's CSV files in the order the descriptor
// lists them.
var tableResources = []tableResource{
	{path: ObservationsCSV, name: "observations", title: "Observations",
		description: "The published observations: one row per metric x period x council x provider x service, " +
			"from the latest accepted submission for each council, period and service, after disclosure control. " +
			"A status marks a figure withheld or qualified; [r] marks a figure revised since the previous release.",
		primaryKey:  []string{"metric", "period", "council_code", "provider_id", "service"},
		foreignKeys: []foreignKey{metricKey}, markers: true, parquet: ObservationsParquet},
	{path: ComparisonsCSV, name: "comparisons", title: "Comparisons",
		description: "One row per observation with its statistics: intervals, the national benchmark, rank, " +
			"funnel-plot bands against national, regional, council-type and similar-council benchmarks, and change. " +
			"A row is compared with the rows of the same metric, period and service at its level (council-wide or provider).",
		primaryKey:  []string{"metric", "period", "council_code", "provider_id", "service"},
		foreignKeys: []foreignKey{metricKey}, markers: true, parquet: ComparisonsParquet},
	{path: MetricsCSV, name: "metrics", title: "Metric catalogue",
		description: "The metric catalogue the release was built with, one row per metric.",
		primaryKey:  []string{"id"}},
	{path: CouncilsCSV, name: "councils", title: "Councils",
		description: "The register of councils, current and abolished. " + registerAttribution,
		primaryKey:  []string{"council_code"}, register: true},
	{path: ProvidersCSV, name: "providers", title: "Providers",
		description: "One row per provider in the observations, with the councils that commission it.",
		primaryKey:  []string{"provider_id"}},
	{path: PeerGroupsCSV, name: "peer-groups", title: "Peer groups",
		description: "The comparator groups used: the data folder's peer-groups.csv, or else one group per " +
			"council, named by its code, holding the council and its similar councils. " + registerAttribution,
		primaryKey: []string{"group_id", "council_code"}, register: true},
	{path: SimilarCSV, name: "similar-councils", title: "Similar councils",
		description: "Each council's similar councils, ranked, with the distance and the method that chose them. " +
			registerAttribution,
		primaryKey: []string{"council_code", "similar_code"}, register: true},
}

// fieldSpec is what the descriptor says of a column: its Table Schema
// type, format and meaning.
type fieldSpec struct {
	typ, format, description string
	delimiter                string
	categories               []category
	// keepBlank: a blank cell is a value (provider_id's council-wide ""),
	// not a missing one.
	keepBlank bool
}

func cats(values ...string) []category {
	out := make([]category, len(values))
	for i, v := range values {
		out[i] = category{Value: v}
	}
	return out
}

var bandCategories = cats("better", "similar", "worse", "higher", "lower", "not_compared")

func band(against string) fieldSpec {
	return fieldSpec{typ: "string", categories: bandCategories, description: "Where the row falls against the 99.8% " +
		"funnel-plot limits around " + against + " at its denominator (Spiegelhalter 2005): better, similar or " +
		"worse by the metric's polarity, or higher, similar or lower for polarity none; not_compared where there " +
		"is no interval (no counts, a hidden figure, a mean, score or count)."}
}

// columnSpecs type and describe the columns of a release's CSV files by
// name. A name that means something else in one file is in fileColumnSpecs.
var columnSpecs = map[string]fieldSpec{
	"council_code": {typ: "string", description: "Commissioning council: its GSS code (E08000009), the current code " +
		"of a council that still exists, or an abolished council's own code for periods before its end."},
	"provider_id": {typ: "string", keepBlank: true, description: "Provider: CQC provider ID (1-101234567), Ofsted " +
		"URN (SC037454), GB-COH-…, GB-CHC-… or LOCAL-<council>-<ref>; empty for a council-wide figure."},
	"provider_name":   {typ: "string", description: "The provider's name as the council knows it."},
	"provider_sector": {typ: "string", description: "public, voluntary, private or plc; blank when not given."},
	"service":         {typ: "string", description: "Service id from the catalogue (homecare, care-home, childrens-home, waste-collection, …)."},
	"metric":          {typ: "string", description: "Metric id: a row of data/metrics.csv."},
	"period": {typ: "string", description: "Reporting period: 2024-25-Q1 (a UK financial-year quarter, Apr–Jun 2024), " +
		"2024-25 (a financial year) or 2024-06 (a month)."},
	"numerator":   {typ: "integer", description: "Numerator, a whole number, where the metric is a proportion or rate and the council gave it."},
	"denominator": {typ: "integer", description: "Denominator, a whole number, where the metric is a proportion or rate and the council gave it."},
	"value": {typ: "number", description: "The figure in the metric's unit (a percent as 0–100, a rate per its " +
		"multiplier, pounds); blank when the status is [c], [x] or [z]."},
	"note":         {typ: "string", description: "The council's note on this figure."},
	"period_start": {typ: "date", description: "First day of the period."},
	"period_end":   {typ: "date", description: "Last day of the period."},
	"status": {typ: "string", categories: statusCategories(), description: "GSS value marker: blank for a plain " +
		"figure; [c], [x] or [z] when there is no figure, [u], [r] or [p] qualifying one. [r] marks a figure " +
		"revised since the previous release (release.json lists the revisions)."},
	"submission_id": {typ: "string", description: "The accepted submission the row comes from (release.json lists them)."},
	"source_line":   {typ: "integer", description: "The line of the submitted file the row comes from, as a text editor numbers it."},
	// Exports write timestamps in ISO 8601 UTC, the Table Schema default.
	"received_at": {typ: "datetime", description: "When the submission was received, in ISO 8601 UTC " +
		"to the microsecond (2026-11-22T09:30:00.123456Z)."},

	"ci95_lower": {typ: "number", description: "Lower limit of the 95% confidence interval: Wilson score for " +
		"proportions, Byar's method for rates and counts; blank for means and scores."},
	"ci95_upper":  {typ: "number", description: "Upper limit of the 95% confidence interval (see ci95_lower)."},
	"ci998_lower": {typ: "number", description: "Lower limit of the 99.8% confidence interval (see ci95_lower)."},
	"ci998_upper": {typ: "number", description: "Upper limit of the 99.8% confidence interval (see ci95_lower)."},
	"national_value": {typ: "number", description: "The national value for the metric, period and service among " +
		"rows of the same level: pooled sum(numerator) / sum(denominator) x multiplier for proportions and rates; " +
		"the mean of the values for means, scores and counts, or where no row gives counts."},
	"national_median": {typ: "number", description: "Median of the values compared (linear interpolation)."},
	"national_q1":     {typ: "number", description: "Lower quartile of the values compared (linear interpolation)."},
	"national_q3":     {typ: "number", description: "Upper quartile of the values compared (linear interpolation)."},
	"national_n":      {typ: "integer", description: "Rows with a value among those compared."},
	"percentile_rank": {typ: "number", description: "0–100, where 100 is best by the metric's polarity (highest " +
		"for polarity none); ties share the lower rank; blank when fewer than two rows have a value."},
	"z_score": {typ: "number", description: "Spiegelhalter's funnel-plot z-score against the national value at " +
		"the row's denominator; blank without counts."},
	"band_national":          band("the national value"),
	"band_national_adjusted": band("the national value, widened for over-dispersion between rows (additive random effects)"),
	"band_region":            band("the pooled value of the council's region"),
	"band_council_type":      band("the pooled value of councils of the council's type"),
	"band_similar":           band("the pooled value of the council's similar councils"),
	"change_prev":            {typ: "number", description: "Value minus the same row's value in the previous period."},
	"change_year":            {typ: "number", description: "Value minus the same row's value in the same period a year earlier."},

	"registry_code":    {typ: "string", description: "mySociety's three-letter register code (TRF)."},
	"name":             {typ: "string", description: "Short name (Trafford)."},
	"official_name":    {typ: "string", description: "Official name (Trafford Metropolitan Borough Council)."},
	"council_type":     {typ: "string", description: "Council type code: CTY, UA, MD, LBO, NMD, …"},
	"type_name":        {typ: "string", description: "Council type in words (Metropolitan district)."},
	"region":           {typ: "string", description: "English region, or the nation elsewhere."},
	"nation":           {typ: "string", description: "England, Scotland, Wales or Northern Ireland."},
	"start_date":       {typ: "date", description: "When the council came into being, where the register says."},
	"end_date":         {typ: "date", description: "When the council was abolished; blank for one that still exists."},
	"population":       {typ: "integer", description: "Mid-2020 population estimate."},
	"area_km2":         {typ: "number", description: "Area in square kilometres."},
	"social_care":      {typ: "boolean", description: "Whether the council is a social-care authority."},
	"waste_collection": {typ: "boolean", description: "Whether the council collects household waste."},
	"county_code":      {typ: "string", description: "For a district, the GSS code of the county over it."},

	"sector":             {typ: "string", description: "public, voluntary, private or plc, as most councils' rows give it; blank when none does."},
	"n_councils":         {typ: "integer", description: "Councils with rows for the provider."},
	"councils":           {typ: "list", delimiter: ";", description: "GSS codes of the councils with rows for the provider, separated by semicolons."},
	"services":           {typ: "list", delimiter: ";", description: "Service ids, separated by semicolons."},
	"first_period_start": {typ: "date", description: "Start of the earliest period with a row for the provider."},
	"last_period_end":    {typ: "date", description: "End of the latest period with a row for the provider."},
	"n_rows":             {typ: "integer", description: "Observations of the provider."},

	"group_id":     {typ: "string", description: "Comparator group: a peer-groups.csv group, or the code of the council whose similar councils the group holds."},
	"similar_code": {typ: "string", description: "GSS code of a similar council."},
	"rank":         {typ: "integer", description: "1 for the most similar council."},
	"distance": {typ: "number", description: "Standardised distance over ln(population), ln(density) and council " +
		"type (nearest neighbours); blank for peer groups."},
	"method": {typ: "string", description: "How similar councils were chosen: " + duckdb.NearestNeighboursMethod +
		" (nearest neighbours) or " + duckdb.PeerGroupsMethod + " (the data folder's own groups)."},
}

// fileColumnSpecs are the columns whose meaning depends on the file.
var fileColumnSpecs = map[string]map[string]fieldSpec{
	MetricsCSV: {
		"id":          {typ: "string", description: "Metric id, as observations and comparisons name it."},
		"title":       {typ: "string", description: "The metric's title."},
		"description": {typ: "string", description: "What the metric measures."},
		"kind": {typ: "string", description: "What the metric counts, which decides its national value, interval and funnel.",
			categories: cats(string(schemas.KindProportion), string(schemas.KindRate), string(schemas.KindMean),
				string(schemas.KindCount), string(schemas.KindScore))},
		"unit": {typ: "string", description: "How the value is expressed.",
			categories: cats(string(schemas.UnitPercent), string(schemas.UnitPer1000), string(schemas.UnitPer100000),
				string(schemas.UnitGBP), string(schemas.UnitNumber))},
		"multiplier": {typ: "number", description: "The value is numerator / denominator x multiplier for proportions and rates."},
		"polarity": {typ: "string", description: "Which direction is better.",
			categories: cats(string(schemas.HigherIsBetter), string(schemas.LowerIsBetter), string(schemas.NoPolarity))},
		"min": {typ: "number", description: "Least value a row may have; blank for none."},
		"max": {typ: "number", description: "Greatest value a row may have; blank for none."},
		"disclosure": {typ: "string", description: "Disclosure control: small_counts hides a cell with a numerator " +
			"of 1 to 4 or a denominator under 10, and whatever would give it back by subtraction.",
			categories: cats(string(schemas.DisclosureNone), string(schemas.DisclosureSmallCounts))},
		"numerator":   {typ: "string", description: "What the numerator counts."},
		"denominator": {typ: "string", description: "What the denominator counts."},
		"source":      {typ: "string", description: "Where the metric's definition comes from."},
		"services":    {typ: "list", delimiter: ";", description: "Services that report the metric, separated by semicolons; * for every service."},
	},
	PeerGroupsCSV: {
		"council_code": {typ: "string", description: "GSS code of a member of the group."},
	},
	SimilarCSV: {
		"council_code": {typ: "string", description: "GSS code of the council."},
	},
}

// specFor returns the spec of column name in file. A column the tables do
// not know is typed any and left undescribed, so that a column added to a
// table is published rather than failing the release; the publish tests
// fail on it instead.
func specFor(file, name string) (fieldSpec, bool) {
	if s, ok := fileColumnSpecs[file][name]; ok {
		return s, true
	}
	s, ok := columnSpecs[name]
	if !ok {
		return fieldSpec{typ: "any"}, false
	}
	return s, true
}

// readHeader returns the first record of a CSV file.
func readHeader(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h, err := csv.NewReader(f).Read()
	if err != nil {
		return nil, fmt.Errorf("read header of %s: %w", filepath.Base(path), err)
	}
	return h, nil
}

// schemaFor builds the Table Schema of a CSV file from its header.
func schemaFor(dir string, t tableResource) (*tableSchema, error) {
	header, err := readHeader(filepath.Join(dir, filepath.FromSlash(t.path)))
	if err != nil {
		return nil, err
	}
	s := &tableSchema{PrimaryKey: t.primaryKey, ForeignKeys: t.foreignKeys}
	if t.markers {
		s.MissingValues = []missingValue{{Value: "", Label: "blank: no figure or no statistic; the status column says why a figure is missing"}}
	} else {
		s.MissingValues = []missingValue{{Value: "", Label: "blank"}}
	}
	for _, name := range header {
		spec, _ := specFor(t.path, name)
		f := field{Name: name, Type: spec.typ, Format: spec.format, Description: spec.description,
			Delimiter: spec.delimiter, Categories: spec.categories}
		if spec.keepBlank {
			none := []missingValue{}
			f.MissingValues = &none
		}
		if name == "status" && t.markers {
			// Blank status is a plain figure, not a missing marker.
			blank := []missingValue{{Value: "", Label: "no marker: a plain figure"}}
			f.MissingValues = &blank
		}
		s.Fields = append(s.Fields, f)
	}
	return s, nil
}

// writeDataPackage writes the release's datapackage.json, describing every
// data file from the files as they are: fields from each CSV header, bytes
// and SHA-256 from the bytes. It returns the hashes it made, keyed by path
// in the release, for SHA256SUMS to reuse.
func writeDataPackage(dir string, rel *Release) (map[string]string, error) {
	sums := map[string]string{}
	describe := func(r *resource) error {
		sum, size, err := hashAndSync(filepath.Join(dir, filepath.FromSlash(r.Path)))
		if err != nil {
			return err
		}
		sums[r.Path] = sum
		r.Bytes, r.Hash = size, "sha256:"+sum
		return nil
	}
	pkg := dataPackage{
		Profile:     dataPackageProfile,
		Name:        "yardstick",
		ID:          rel.ID,
		Title:       "Yardstick release " + rel.ID,
		Description: packageDescription,
		Version:     rel.ID,
		Created:     rel.Created.UTC().Format(time.RFC3339),
		Licenses:    []license{oglLicence, ccByLicence},
		Sources:     packageSources,
	}
	for _, t := range tableResources {
		schema, err := schemaFor(dir, t)
		if err != nil {
			return nil, fmt.Errorf("write %s: %w", PackageFile, err)
		}
		r := resource{Name: t.name, Type: "table", Path: t.path, Title: t.title, Description: t.description,
			Format: "csv", Mediatype: "text/csv", Encoding: "utf-8", Schema: schema}
		if t.register {
			r.Licenses = []license{ccByLicence, oglLicence}
		}
		if err := describe(&r); err != nil {
			return nil, fmt.Errorf("write %s: %w", PackageFile, err)
		}
		pkg.Resources = append(pkg.Resources, r)
		if t.parquet == "" {
			continue
		}
		// No schema: Parquet carries its own types, and its columns are
		// the CSV file's.
		r = resource{Name: t.name + "-parquet", Path: t.parquet, Title: t.title + " (Parquet)",
			Description: t.description + " The same table as " + t.path + " in Apache Parquet, except that " +
				"the status column holds the bare letter (c, r) where the CSV file has it bracketed ([c], [r]).",
			Format: "parquet", Mediatype: "application/vnd.apache.parquet"}
		if err := describe(&r); err != nil {
			return nil, fmt.Errorf("write %s: %w", PackageFile, err)
		}
		pkg.Resources = append(pkg.Resources, r)
	}
	if err := schemas.WriteJSONAtomic(filepath.Join(dir, PackageFile), pkg); err != nil {
		return nil, err
	}
	return sums, nil
}
