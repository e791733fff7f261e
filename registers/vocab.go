package registers

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Sectors, as the return format writes them (docs/DESIGN.md).
const (
	SectorPublic    = "public"
	SectorVoluntary = "voluntary"
	SectorPrivate   = "private"
	SectorPLC       = "plc"
)

// sectorWords maps each register's ownership and sector words, keyed by
// headerKey, to a sector. CQC's API and extracts say "For-profit", "Third
// sector", "Local Authority" and "NHS"; Ofsted's tables say "Private",
// "Voluntary", "Local Authority", "Health Authority" and "Academy" (a
// state-funded trust, classed by the ONS as public sector).
var sectorWords = map[string]string{
	"forprofit":                 SectorPrivate,
	"private":                   SectorPrivate,
	"privatesector":             SectorPrivate,
	"independent":               SectorPrivate,
	"independentsector":         SectorPrivate,
	"independenthealthcare":     SectorPrivate,
	"thirdsector":               SectorVoluntary,
	"voluntary":                 SectorVoluntary,
	"voluntarysector":           SectorVoluntary,
	"notforprofit":              SectorVoluntary,
	"voluntarynotforprofit":     SectorVoluntary,
	"charity":                   SectorVoluntary,
	"localauthority":            SectorPublic,
	"council":                   SectorPublic,
	"nhs":                       SectorPublic,
	"nhshealthcareorganisation": SectorPublic,
	"healthauthority":           SectorPublic,
	"academy":                   SectorPublic,
	"public":                    SectorPublic,
	"publicsector":              SectorPublic,
	"plc":                       SectorPLC,
	"publiclimitedcompany":      SectorPLC,
	// Ofsted's sector words for schools with boarding and residential
	// special schools in some years.
	"freeschool":                 SectorPublic,
	"maintained":                 SectorPublic,
	"localauthoritymaintained":   SectorPublic,
	"nonmaintained":              SectorVoluntary,
	"nonmaintainedspecialschool": SectorVoluntary,
	"independentschool":          SectorPrivate,
	// CQC's legal forms and provider types: some say the sector, some
	// ("Organisation", "Social Care Org") do not, and give none.
	"nhsbody":                  SectorPublic,
	"individual":               SectorPrivate,
	"partnership":              SectorPrivate,
	"organisation":             "",
	"socialcareorg":            "",
	"primarymedicalservices":   "",
	"independenthealthcareorg": SectorPrivate,
	"independentambulance":     SectorPrivate,
}

// reNamePLC matches the name of a public limited company, which the
// registers class with every other business: a "For-profit" or "Private"
// provider so named is a plc.
var reNamePLC = regexp.MustCompile(`(?i)\b(plc|p\.l\.c\.?|public limited company)\s*$`)

// sectorOf maps a register's sector word to a sector; name, the
// organisation's, tells a plc from another business. ok is false for a
// word no register is known to use; a known word that does not tell the
// sector gives "".
func sectorOf(word, name string, recode map[string]string) (string, bool) {
	if s, ok := recode[word]; ok {
		word = s
	}
	s, ok := sectorWords[headerKey(word)]
	if !ok {
		return "", false
	}
	if s == SectorPrivate && reNamePLC.MatchString(strings.TrimSpace(name)) {
		s = SectorPLC
	}
	return s, true
}

// Ratings, in the words CQC uses; Ofsted's judgements map onto them
// ("Requires improvement to be good" is "Requires improvement"), and
// its judgements from before 2015 keep their own words.
const (
	RatingOutstanding         = "Outstanding"
	RatingGood                = "Good"
	RatingRequiresImprovement = "Requires improvement"
	RatingInadequate          = "Inadequate"
	RatingAdequate            = "Adequate"     // Ofsted, 2008 to 2015
	RatingSatisfactory        = "Satisfactory" // Ofsted, before 2008
)

// ratingWords maps the rating vocabularies, keyed by headerKey, to a
// rating. "" means the register says the service has no rating.
var ratingWords = map[string]string{
	"outstanding":                   RatingOutstanding,
	"good":                          RatingGood,
	"requiresimprovement":           RatingRequiresImprovement,
	"requiresimprovementtobegood":   RatingRequiresImprovement,
	"requiresimprovementtobegoodri": RatingRequiresImprovement,
	"inadequate":                    RatingInadequate,
	"adequate":                      RatingAdequate,
	"satisfactory":                  RatingSatisfactory,
	"notrated":                      "",
	"notyetrated":                   "",
	"insufficientevidencetorate":    "",
	"inspectedbutnotrated":          "",
	"notyetinspected":               "",
	"noinspection":                  "",
}

// ratingOf maps a register's rating word to a rating; ok is false for a
// word no register is known to use.
func ratingOf(word string, recode map[string]string) (string, bool) {
	if s, ok := recode[word]; ok {
		word = s
	}
	r, ok := ratingWords[headerKey(word)]
	return r, ok
}

// blank reports whether a cell says nothing: empty, or one of the ways
// the registers and the tools that copy them write a missing value.
func blank(v string) bool {
	switch strings.ToUpper(strings.TrimSpace(v)) {
	case "", "NA", "N/A", "NULL", "-", "..", "NONE":
		return true
	}
	return false
}

// redacted reports whether a cell was withheld by the regulator, as
// Ofsted withholds the names and addresses of small children's homes.
func redacted(v string) bool {
	return strings.EqualFold(strings.TrimSpace(v), "REDACTED")
}

// dateLayouts are the date spellings found in the registers: British
// day-first dates (Ofsted, the CQC care directory), ISO dates (CQC's API
// and copies of it) and dates with month names.
var dateLayouts = []string{
	"02/01/2006", "2/1/2006", "2006-01-02", "02-01-2006", "2/1/06", "02/01/06",
	"2 January 2006", "2 Jan 2006", "02-Jan-2006", "2-Jan-06", "02-Jan-06",
	"2006-01-02T15:04:05", "2006-01-02 15:04:05", "02/01/2006 15:04",
}

// parseDate reads a register's date. Only day-first forms are tried for
// slashed dates, since the registers are British: 03/04/2023 is 3 April.
func parseDate(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date as the registers write them (31/03/2023 or 2023-03-31)", v)
}

// reAsAt finds the date a register describes in its title, such as
// "provider level as at 31 March 2023".
var reAsAt = regexp.MustCompile(`(?i)\bas (?:at|of|on)\s+(\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\s+\d{4}|\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})`)

// reOrdinal matches the suffix of an ordinal day, as in "1st March".
var reOrdinal = regexp.MustCompile(`(\d)(st|nd|rd|th)`)

// asAtDate returns the date a register's title rows say it was taken.
func asAtDate(rows [][]string) (time.Time, bool) {
	for _, row := range rows {
		for _, v := range row {
			m := reAsAt.FindStringSubmatch(v)
			if m == nil {
				continue
			}
			s := reOrdinal.ReplaceAllString(m[1], "$1")
			if t, err := parseDate(s); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

var (
	reCQCID = regexp.MustCompile(`^1-\d{5,12}$`)
	// reODS matches the NHS organisation (ODS) code CQC gives an NHS
	// trust as its provider id and an NHS site as its location id
	// (RX2, RX2G9, TAH61): three to six letters and digits, at least
	// one a letter.
	reODS     = regexp.MustCompile(`^[A-Z0-9]{0,5}[A-Z][A-Z0-9]{0,5}$`)
	reURN     = regexp.MustCompile(`^(SC|EY|C)?\d{5,8}$`)
	reCompany = regexp.MustCompile(`^([A-Z]{2}\d{6}|\d{1,8})$`)
	reCharity = regexp.MustCompile(`^\d{6,8}(-\d{1,2})?$`)
)

// cqcID checks a CQC provider or location id: 1- and digits, or for the
// NHS, the organisation's NHS code.
func cqcID(v string) (string, error) {
	id := strings.ToUpper(strings.TrimSpace(v))
	if !reCQCID.MatchString(id) && !(len(id) >= 3 && len(id) <= 6 && reODS.MatchString(id)) {
		return "", fmt.Errorf("%q is not a CQC id, which is 1- and digits, as 1-101234567, or for the NHS an NHS organisation code, as RX2G9", v)
	}
	return id, nil
}

// urn checks an Ofsted unique reference number: SC and six digits for
// settings registered before 2020 (SC037454), seven digits after (2611190).
func urn(v string) (string, error) {
	id := strings.ToUpper(strings.TrimSpace(v))
	if !reURN.MatchString(id) {
		return "", fmt.Errorf("%q is not an Ofsted URN, which is SC and six digits (SC037454) or digits alone (2611190)", v)
	}
	return id, nil
}

// companyID returns the org-id of a Companies House number. Numbers of
// English and Welsh companies lose their leading zeros in spreadsheets,
// so a shorter number is padded back to eight digits.
func companyID(v string) (string, error) {
	n := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(v), " ", ""))
	if !reCompany.MatchString(n) {
		return "", fmt.Errorf("%q is not a Companies House number, which is eight characters (01234567, SC123456)", v)
	}
	if _, err := strconv.Atoi(n); err == nil && len(n) < 8 {
		n = strings.Repeat("0", 8-len(n)) + n
	}
	return "GB-COH-" + n, nil
}

// charityID returns the org-id of a charity registered in England and
// Wales.
func charityID(v string) (string, error) {
	n := strings.ReplaceAll(strings.TrimSpace(v), " ", "")
	if !reCharity.MatchString(n) {
		return "", fmt.Errorf("%q is not a registered charity number, which is six to eight digits (1012345)", v)
	}
	return "GB-CHC-" + n, nil
}
