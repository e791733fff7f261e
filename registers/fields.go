package registers

import (
	"strings"
	"unicode"
)

// Regulators whose registers Yardstick reads.
const (
	CQC    = "cqc"    // the Care Quality Commission (adult social care)
	Ofsted = "ofsted" // Ofsted (children's social care)
)

// The fields Yardstick reads from a register, whatever a register calls
// them. They are also the keys of a mapping file's columns.
const (
	FieldLocationID   = "cqc_location_id"
	FieldProviderID   = "cqc_provider_id"
	FieldURN          = "ofsted_urn"
	FieldName         = "name"          // the location's or setting's name
	FieldAlsoKnownAs  = "also_known_as" // another name the register gives
	FieldProviderName = "provider_name" // the registered provider or owning organisation
	FieldSector       = "sector"        // the register's ownership or sector word
	FieldCouncil      = "council"       // the local authority the location is in, by name
	FieldCouncilCode  = "council_code"  // the same as a GSS code
	FieldPostcode     = "postcode"
	FieldRating       = "rating" // the overall rating or judgement
	FieldRatingDate   = "rating_date"
	FieldCompany      = "companies_house_number"
	FieldCharity      = "charity_number"
	FieldStatus       = "registration_status"
	FieldServiceType  = "service_type"
)

// Fields lists every field in the order a mapping file's help gives them.
var Fields = []string{
	FieldLocationID, FieldProviderID, FieldURN, FieldName, FieldAlsoKnownAs, FieldProviderName,
	FieldSector, FieldCouncil, FieldCouncilCode, FieldPostcode, FieldRating, FieldRatingDate,
	FieldCompany, FieldCharity, FieldStatus, FieldServiceType,
}

// alias is a header spelling of a field. An alias with a regulator applies
// only to that regulator's registers, since the regulators use the same
// words for different things: Ofsted's "Provider name" is the setting's
// name, CQC's is the organisation that runs the location.
type alias struct {
	field, regulator, header string
}

// aliases are the header spellings of the fields known from the
// regulators' registers across the years: the CQC care directory (with and
// without filters), CQC's ratings extracts and API pulls, the councils' own
// copies of them, and Ofsted's provider-level tables and management
// information. Headers are compared by their letters and digits alone (see
// headerKey), so case, spaces, line breaks and punctuation do not matter.
// Earlier entries of a field win when a file has several of its columns.
var aliases = []alias{
	{FieldLocationID, CQC, "Location ID"},
	{FieldLocationID, CQC, "CQC Location ID (for office use only)"},
	{FieldLocationID, CQC, "CQC Location ID"},
	{FieldLocationID, CQC, "locationid"},
	{FieldLocationID, CQC, "location_id"},
	{FieldLocationID, CQC, "cqc_id"},
	{FieldLocationID, CQC, "CQC ID"},
	{FieldProviderID, CQC, "Provider ID"},
	{FieldProviderID, CQC, "CQC Provider ID (for office use only)"},
	{FieldProviderID, CQC, "CQC Provider ID"},
	{FieldProviderID, CQC, "providerid"},
	{FieldProviderID, CQC, "provider_id"},
	{FieldURN, Ofsted, "URN"},
	{FieldURN, Ofsted, "Unique reference number"},
	{FieldURN, Ofsted, "Provider URN"},
	{FieldURN, Ofsted, "Ofsted URN"},
	{FieldURN, Ofsted, "Social care URN"},

	{FieldName, CQC, "Location Name"},
	{FieldName, CQC, "Name"},
	{FieldName, CQC, "Care home name"},
	{FieldName, CQC, "Service name"},
	{FieldName, Ofsted, "Name"},
	{FieldName, Ofsted, "Provider name"},
	{FieldName, Ofsted, "Setting name"},
	{FieldName, Ofsted, "Provision name"},
	{FieldAlsoKnownAs, "", "Also known as"},
	{FieldAlsoKnownAs, CQC, "Location Also Known As"},
	{FieldProviderName, CQC, "Provider Name"},
	{FieldProviderName, CQC, "provider"},
	{FieldProviderName, CQC, "Registered provider"},
	{FieldProviderName, Ofsted, "Organisation which owns the provider"},
	{FieldProviderName, Ofsted, "Owner name"},
	{FieldProviderName, Ofsted, "Organisation name"},
	{FieldProviderName, Ofsted, "Owning organisation"},
	{FieldProviderName, Ofsted, "Registered person"},

	{FieldSector, CQC, "ownership"},
	{FieldSector, CQC, "Ownership type"},
	{FieldSector, CQC, "Provider Ownership Type"},
	{FieldSector, CQC, "Location Ownership Type"},
	{FieldSector, CQC, "Provider sector"},
	{FieldSector, CQC, "Sector"},
	{FieldSector, CQC, "Provider Type/Sector"},
	{FieldSector, Ofsted, "Sector"},
	{FieldSector, Ofsted, "Provider sector"},
	{FieldSector, Ofsted, "Ownership"},
	{FieldSector, Ofsted, "Ownership type"},

	{FieldCouncil, CQC, "Location Local Authority"},
	{FieldCouncil, "", "Local authority"},
	{FieldCouncil, "", "Local authority name"},
	{FieldCouncil, "", "LA name"},
	{FieldCouncil, "", "LA"},
	{FieldCouncil, CQC, "area_name"},
	{FieldCouncilCode, "", "area_code"},
	{FieldCouncilCode, "", "Local authority code"},
	{FieldCouncilCode, "", "LA code (GSS)"},
	{FieldCouncilCode, "", "GSS code"},
	{FieldCouncilCode, "", "LAD code"},
	{FieldCouncilCode, CQC, "Location Local Authority Code"},
	{FieldPostcode, CQC, "Location Postal Code"},
	{FieldPostcode, CQC, "Location Postcode"},
	{FieldPostcode, "", "Postcode"},
	{FieldPostcode, "", "Post code"},
	{FieldPostcode, Ofsted, "Setting postcode"},

	{FieldRating, CQC, "Location Latest Overall Rating"},
	{FieldRating, CQC, "Latest overall rating"},
	{FieldRating, CQC, "Overall rating"},
	{FieldRating, CQC, "overall"},
	{FieldRating, CQC, "Latest rating"},
	{FieldRating, CQC, "rating"},
	{FieldRating, Ofsted, "Overall experiences and progress of children and young people"},
	{FieldRating, Ofsted, "Overall effectiveness"},
	{FieldRating, Ofsted, "Latest full inspection overall effectiveness"},
	{FieldRating, Ofsted, "Overall judgement"},
	{FieldRating, Ofsted, "Latest full inspection overall experiences and progress of children and young people"},
	{FieldRatingDate, CQC, "Publication Date"},
	{FieldRatingDate, CQC, "Location Latest Rating Publication Date"},
	{FieldRatingDate, CQC, "Date of latest check"},
	{FieldRatingDate, CQC, "reportdate"},
	{FieldRatingDate, CQC, "Report date"},
	{FieldRatingDate, CQC, "inspection_date"},
	{FieldRatingDate, CQC, "Inspection date"},
	{FieldRatingDate, Ofsted, "Latest full inspection date"},
	{FieldRatingDate, Ofsted, "Date of latest full inspection"},
	{FieldRatingDate, Ofsted, "Inspection date"},
	{FieldRatingDate, Ofsted, "Latest inspection date"},

	{FieldCompany, "", "Provider Companies House Number"},
	{FieldCompany, "", "Companies House Number"},
	{FieldCompany, "", "Company number"},
	{FieldCharity, "", "Provider Charity Number"},
	{FieldCharity, "", "Charity Number"},
	{FieldCharity, "", "Registered charity number"},
	{FieldStatus, "", "Registration status"},
	{FieldStatus, "", "Location Status"},
	{FieldServiceType, CQC, "Service types"},
	{FieldServiceType, CQC, "type"},
	{FieldServiceType, CQC, "Location Type/Sector"},
	{FieldServiceType, Ofsted, "Provision type"},
	{FieldServiceType, Ofsted, "Provider type"},
}

// idFields are the fields of which a register must have at least one: a
// row without an identifier cannot be told from another of the same name.
var idFields = map[string]string{FieldLocationID: CQC, FieldProviderID: CQC, FieldURN: Ofsted}

// headerKey is how a header cell is compared with the aliases: letters
// and digits only, lower case, so "Location\nLocal Authority", "location
// local authority" and "Location_Local-Authority" are the same.
func headerKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// aliasIndex maps a header key to the aliases spelt so, in table order.
var aliasIndex = func() map[string][]int {
	m := map[string][]int{}
	for i, a := range aliases {
		k := headerKey(a.header)
		m[k] = append(m[k], i)
	}
	return m
}()
