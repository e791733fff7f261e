package schemas

import (
	"sort"
	"strings"
	"unicode"
)

// The canonical columns of a return, in the order the template lists them.
const (
	ColCouncil        = "council_code"
	ColProviderID     = "provider_id"
	ColProviderName   = "provider_name"
	ColProviderSector = "provider_sector"
	ColService        = "service"
	ColMetric         = "metric"
	ColPeriod         = "period"
	ColNumerator      = "numerator"
	ColDenominator    = "denominator"
	ColValue          = "value"
	ColNote           = "note"
)

// Columns lists the canonical columns of a return in template order.
var Columns = []string{
	ColCouncil, ColProviderID, ColProviderName, ColProviderSector, ColService,
	ColMetric, ColPeriod, ColNumerator, ColDenominator, ColValue, ColNote,
}

// RequiredColumns are the columns a return must have, directly or through a
// mapping file's constants. A return needs a value or numerator and
// denominator too; that is checked row by row.
var RequiredColumns = []string{ColCouncil, ColService, ColMetric, ColPeriod}

// headerAliases maps a normalised header spelling to its canonical column.
// Spellings are normalised by NormaliseHeader, so "LA code", "la_code" and
// "LA-Code" are one entry.
var headerAliases = map[string]string{}

// secondaryAliases are spellings used only when no header in the file
// matches the column through headerAliases: a file with both "area_code"
// and "area_name" takes the code.
var secondaryAliases = map[string]string{}

func init() {
	primary := map[string][]string{
		ColCouncil: {"council_code", "council", "council code", "la code", "la", "local authority",
			"local authority code", "la 9digit", "la code 9", "gss code", "area code", "authority",
			"authority code", "commissioning council", "commissioner", "ons code", "lad code",
			"new la code"},
		ColProviderID: {"provider_id", "provider id", "provider code", "provider ref", "provider reference",
			"cqc provider id", "cqc id", "ofsted urn", "urn", "organisation id", "supplier id", "supplier code"},
		ColProviderName: {"provider_name", "provider", "provider name", "organisation", "organisation name",
			"supplier", "supplier name", "contractor", "contractor name", "agency", "agency name"},
		ColProviderSector: {"provider_sector", "sector", "provider sector", "provider type", "ownership",
			"ownership type", "organisation type"},
		ColService: {"service", "service id", "service type", "service area", "service code"},
		ColMetric: {"metric", "metric id", "measure", "measure id", "indicator", "indicator id", "kpi",
			"kpi id", "kpi code", "metric code", "measure code"},
		ColPeriod: {"period", "quarter", "reporting period", "time period", "month", "year",
			"financial year", "financial quarter", "period id", "reporting quarter"},
		ColNumerator:   {"numerator", "num"},
		ColDenominator: {"denominator", "denom", "den"},
		ColValue:       {"value", "figure", "result", "score", "percentage", "percent", "rate"},
		ColNote:        {"note", "notes", "comment", "comments", "council note", "footnote"},
	}
	secondary := map[string][]string{
		ColCouncil: {"la name", "council name", "local authority name", "area name", "authority name"},
	}
	addAliases(headerAliases, primary)
	addAliases(secondaryAliases, secondary)
	for a, col := range secondaryAliases {
		if headerAliases[a] != "" {
			panic("schemas: header alias " + a + " is both primary (" + headerAliases[a] + ") and secondary (" + col + ")")
		}
	}
}

// addAliases adds spellings to an alias table. The tables are built from map
// literals, so a spelling listed under two columns would otherwise land on
// whichever the map iteration reached last; it panics instead.
func addAliases(table map[string]string, spellings map[string][]string) {
	for col, list := range spellings {
		for _, s := range list {
			n := NormaliseHeader(s)
			if have, ok := table[n]; ok && have != col {
				panic("schemas: header alias " + n + " names both " + have + " and " + col)
			}
			table[n] = col
		}
	}
}

// NormaliseHeader folds a header for matching: lower case, with spaces,
// punctuation and a leading BOM removed.
func NormaliseHeader(h string) string {
	var b strings.Builder
	for _, r := range h {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// CanonicalColumn returns the canonical column a header names, if any, and
// whether the spelling is a primary one. A secondary spelling (a council's
// name column) is used only when no primary spelling of the same column is
// present.
func CanonicalColumn(header string) (col string, primary, ok bool) {
	n := NormaliseHeader(header)
	if c, ok := headerAliases[n]; ok {
		return c, true, true
	}
	c, ok := secondaryAliases[n]
	return c, false, ok
}

// ColumnAliases returns the known spellings (normalised) of a canonical
// column, for documentation and hints.
func ColumnAliases(col string) []string {
	var out []string
	for _, m := range []map[string]string{headerAliases, secondaryAliases} {
		for a, c := range m {
			if c == col {
				out = append(out, a)
			}
		}
	}
	sort.Strings(out)
	return out
}
