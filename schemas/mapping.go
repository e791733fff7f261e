package schemas

// Mapping tells ingest how to read a return whose layout is not the
// canonical long format: preamble rows to skip, which source column holds
// each canonical column, values to recode, constants for columns the file
// lacks, and wide columns that each hold one metric.
type Mapping struct {
	// SkipRows is the number of rows before the header row.
	SkipRows int `yaml:"skip_rows" json:"skip_rows"`
	// Columns maps a canonical column to the source header that holds it.
	Columns map[string]string `yaml:"columns" json:"columns"`
	// Recode maps, per canonical column, a source value to the value to use.
	Recode map[string]map[string]string `yaml:"recode" json:"recode"`
	// Constant gives a canonical column the same value on every row.
	Constant map[string]string `yaml:"constant" json:"constant"`
	// Wide maps a source header to a metric id: each such column becomes a
	// row of its own with that metric and the cell as its value.
	Wide map[string]string `yaml:"wide" json:"wide"`
	// Skip lists, per canonical column, source values whose rows are not
	// returns and are passed over, such as England or regional totals.
	Skip map[string][]string `yaml:"skip" json:"skip"`
}
