package ingest

import (
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// rawRow is a canonical row as gocsv decodes it: every field a string, so
// the checks can report each bad value in the council's own words.
type rawRow struct {
	Council    string `csv:"council_code"`
	ProviderID string `csv:"provider_id"`
	Provider   string `csv:"provider_name"`
	Sector     string `csv:"provider_sector"`
	Service    string `csv:"service"`
	Metric     string `csv:"metric"`
	Period     string `csv:"period"`
	Numerator  string `csv:"numerator"`
	Denom      string `csv:"denominator"`
	Value      string `csv:"value"`
	Note       string `csv:"note"`
	Line       int    `csv:"_line"`
	ValueCol   int    `csv:"_vcol"`
}

// obs is a checked, normalised observation.
type obs struct {
	Council, ProviderID, Provider, Sector string
	Service, Metric                       string
	Period                                schemas.Period
	Num, Den                              int64
	HasNum, HasDen, HasValue              bool
	Value                                 float64
	Status                                schemas.Status
	Note                                  string
	Line                                  int
}

// checker checks rows one at a time, caching what repeats from row to row
// (resolved councils, parsed periods, provider id formats, hints for
// unknown ids) and remembering row keys to find duplicates.
type checker struct {
	cat      *schemas.Catalogue
	councils *schemas.Councils
	plan     *plan
	probs    *problems
	today    time.Time
	council  *schemas.Council // the council the submitter speaks for, if any

	periods  map[string]periodResult
	resolved map[councilKey]councilResult
	seen     map[[2]uint64]int32
	seeds    [2]maphash.Seed
	errs     int    // errors this checker has reported
	keyBuf   []byte // reused to build each row's duplicate key

	idFormats map[string]bool
	hints     map[string]string
	sums      map[sumKey]*countSums
}

// sumKey is a metric, period and service, whose counts publish adds up.
type sumKey struct{ metric, period, service string }

// countSums are the numerators and denominators of one return added up for
// one sumKey, and whether each has been reported as too large.
type countSums struct {
	num, den         int64
	numOver, denOver bool
}

type periodResult struct {
	p   schemas.Period
	err error
}

type councilKey struct {
	text   string
	period string
}

type councilResult struct {
	c   *schemas.Council
	err error
}

func newChecker(cat *schemas.Catalogue, councils *schemas.Councils, p *plan, probs *problems, today time.Time, council *schemas.Council) *checker {
	return &checker{
		cat: cat, councils: councils, plan: p, probs: probs, today: today, council: council,
		periods:   map[string]periodResult{},
		resolved:  map[councilKey]councilResult{},
		seen:      map[[2]uint64]int32{},
		idFormats: map[string]bool{},
		hints:     map[string]string{},
		sums:      map[sumKey]*countSums{},
		seeds:     [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
	}
}

// column returns the 1-based source column of a canonical field, or 0 when
// it came from a constant.
func (c *checker) column(ci int, r *rawRow) int {
	if ci == iValue && r.ValueCol > 0 {
		return r.ValueCol
	}
	return c.plan.source[ci] + 1
}

func (c *checker) fail(r *rawRow, ci int, value, code, msg, hint string) {
	c.errs++
	c.probs.add(Problem{Line: r.Line, Column: c.column(ci, r), Field: schemas.Columns[ci], Value: value,
		Code: code, Message: msg, Hint: hint, Severity: SevError})
}

func (c *checker) warn(r *rawRow, ci int, value, code, msg, hint string) {
	c.probs.add(Problem{Line: r.Line, Column: c.column(ci, r), Field: schemas.Columns[ci], Value: value,
		Code: code, Message: msg, Hint: hint, Severity: SevWarning})
}

// check normalises one row. It reports every problem in the row, not just
// the first, and returns false if any was an error.
func (c *checker) check(r *rawRow, o *obs) bool {
	before := c.errs
	*o = obs{Line: r.Line, Note: r.Note, Provider: r.Provider}

	period, perr := c.period(r.Period)
	if perr != nil {
		c.fail(r, iPeriod, r.Period, CodePeriod, perr.Error(), "")
	} else {
		o.Period = period
		if period.Start.After(c.today) {
			c.fail(r, iPeriod, r.Period, CodeFuturePeriod,
				fmt.Sprintf("period %s starts on %s, which is in the future", period.ID, period.Start.Format(time.DateOnly)),
				"check the year: returns are for periods that have begun")
		}
	}
	council := c.checkCouncil(r, o, period, perr == nil)

	svc := r.Service
	service, err := c.cat.Service(svc)
	if err != nil {
		c.fail(r, iService, svc, CodeService, fmt.Sprintf("service %q is not in the catalogue", svc), c.hint(svc, false))
		svc = ""
	} else if council != nil {
		c.checkResponsibility(r, council, service, period)
	}
	o.Service = svc
	m, err := c.cat.Metric(r.Metric)
	if err != nil {
		c.fail(r, iMetric, r.Metric, CodeMetric, fmt.Sprintf("metric %q is not in the catalogue", r.Metric), c.hint(r.Metric, true))
		m = nil
	} else if svc != "" && !m.ForService(svc) {
		c.fail(r, iMetric, r.Metric, CodeMetricService, fmt.Sprintf("metric %q is not reported for service %q", m.ID, svc),
			fmt.Sprintf("%s is reported for %s", m.ID, strings.Join(m.Services, ", ")))
	}
	o.Metric = r.Metric

	c.checkProvider(r, o)
	c.checkFigures(r, o, m)

	if c.errs == before && o.Period.ID != "" {
		c.checkDuplicate(r, o)
	}
	if c.errs == before {
		c.checkSums(r, o)
	}
	return c.errs == before
}

func (c *checker) period(s string) (schemas.Period, error) {
	if res, ok := c.periods[s]; ok {
		return res.p, res.err
	}
	p, err := schemas.ParsePeriod(s)
	c.periods[s] = periodResult{p, err}
	return p, err
}

// checkCouncil resolves the row's council and checks that it may send
// returns. It returns the council, or nil if the row's council is in error.
func (c *checker) checkCouncil(r *rawRow, o *obs, period schemas.Period, periodOK bool) *schemas.Council {
	key := councilKey{text: r.Council}
	var day time.Time
	if periodOK {
		key.period = period.ID
		day = period.Start
	}
	res, ok := c.resolved[key]
	if !ok {
		res.c, res.err = c.councils.Resolve(r.Council, day)
		if res.err == nil {
			res.err = c.councils.Eligible(res.c)
		}
		c.resolved[key] = res
	}
	if res.err != nil {
		var ce *schemas.CouncilError
		code := CodeCouncil
		hint := ""
		if errors.As(res.err, &ce) {
			hint = ce.Hint
			switch {
			case errors.Is(ce.Err, schemas.ErrAmbiguousCouncil):
				code = CodeCouncilAmbiguous
			case errors.Is(ce.Err, schemas.ErrCouncilEnded):
				code = CodeCouncilEnded
			case errors.Is(ce.Err, schemas.ErrNotCouncil):
				code = CodeNotCouncil
			case errors.Is(ce.Err, schemas.ErrCouncilOutOfScope):
				code = CodeCouncilScope
			}
		}
		msg := fmt.Sprintf("council %q is not in the register of councils", r.Council)
		switch {
		case ce != nil && ce.What != "":
			msg = fmt.Sprintf("council %q is %s", r.Council, ce.What)
		case code == CodeCouncilAmbiguous:
			msg = fmt.Sprintf("council %q could mean more than one council", r.Council)
		case code == CodeCouncilEnded:
			msg = fmt.Sprintf("council %q did not exist in period %s", r.Council, period.ID)
		}
		if strings.TrimSpace(r.Council) == "" {
			msg = "the council is blank"
		}
		c.fail(r, iCouncil, r.Council, code, msg, hint)
		return nil
	}
	o.Council = res.c.Code
	if c.council != nil && res.c.Code != c.council.Code {
		c.fail(r, iCouncil, r.Council, CodeCouncilMismatch,
			fmt.Sprintf("this return is for %s (%s) but the row is for %s (%s)", c.council.Name, c.council.Code, res.c.Name, res.c.Code),
			"a return holds one council's figures; send other councils' figures in their own returns")
	}
	return res.c
}

// checkResponsibility checks that the council has the responsibility the
// service needs, as the catalogue says: a district council has no social
// care to commission, a county council collects no waste.
func (c *checker) checkResponsibility(r *rawRow, council *schemas.Council, svc *schemas.Service, period schemas.Period) {
	need := svc.Responsibility
	if council.Has(need) {
		return
	}
	msg := fmt.Sprintf("%s (%s) is a %s and has no %s responsibility, which service %s needs",
		council.Name, council.Code, strings.ToLower(council.TypeName), need.Title(), svc.ID)
	var names []string
	for _, o := range c.councils.Responsible(council, need, period.Start) {
		names = append(names, fmt.Sprintf("%s (%s)", o.Name, o.Code))
	}
	hint := fmt.Sprintf("%s belongs to %s; ", need.Title(), need.Holders())
	switch {
	case len(names) == 1:
		hint += fmt.Sprintf("in %s that is %s, which sends these figures", council.Name, names[0])
	case len(names) > 3:
		hint += fmt.Sprintf("in %s that is each of its %d district councils, such as %s, which send their own figures", council.Name, len(names), sentence(names[:3], "or"))
	case len(names) > 0:
		hint += fmt.Sprintf("in %s that is %s, which send their own figures", council.Name, sentence(names, "and"))
	default:
		hint += "the council with that responsibility sends these figures"
	}
	c.fail(r, iService, r.Service, CodeResponsibility, msg, hint)
}

// Provider identifiers in the formats the register of each regulator uses.
var (
	reCQC     = regexp.MustCompile(`^1-\d{6,11}$`)
	reOfsted  = regexp.MustCompile(`^(SC\d{6}|\d{6,7})$`)
	reOrgID   = regexp.MustCompile(`^GB-(COH|CHC|SC|NIC|EDU|LAE|LAS|GOR|MPR|NHS)-[A-Z0-9]{1,12}$`)
	reLocalID = regexp.MustCompile(`^LOCAL-[A-Z0-9]{1,10}-[A-Za-z0-9][A-Za-z0-9_.-]{0,40}$`)
)

var sectors = map[string]string{
	"public": "public", "local authority": "public", "council": "public", "in-house": "public",
	"in house": "public", "nhs": "public", "health authority": "public",
	"voluntary": "voluntary", "third sector": "voluntary", "charity": "voluntary",
	"not for profit": "voluntary", "not-for-profit": "voluntary", "social enterprise": "voluntary",
	"private": "private", "for-profit": "private", "for profit": "private", "independent": "private",
	"plc": "plc",
}

// knownIDFormat reports whether a provider id is in a format a register
// uses. A provider's id repeats on each of its rows, so the answer is kept.
func (c *checker) knownIDFormat(id string) bool {
	ok, seen := c.idFormats[id]
	if !seen {
		ok = reCQC.MatchString(id) || reOfsted.MatchString(id) || reOrgID.MatchString(id) || reLocalID.MatchString(id)
		if len(c.idFormats) < 1<<16 { // bounded, whatever the file holds
			c.idFormats[id] = ok
		}
	}
	return ok
}

func (c *checker) checkProvider(r *rawRow, o *obs) {
	id := r.ProviderID
	switch {
	case id == "" && r.Provider != "":
		c.fail(r, iProvID, id, CodeProviderMissing, fmt.Sprintf("provider %q has no provider_id", r.Provider),
			"give the CQC provider id (1-101234567), Ofsted URN (SC037454), GB-COH-<company number>, GB-CHC-<charity number> or LOCAL-<council>-<your reference>")
	case id != "" && !c.knownIDFormat(id):
		c.fail(r, iProvID, id, CodeProviderID, fmt.Sprintf("provider_id %q is not in a known format", id),
			"use the CQC provider id (1-101234567), Ofsted URN (SC037454), GB-COH-<company number>, GB-CHC-<charity number> or LOCAL-<council>-<your reference>")
	}
	o.ProviderID = id
	if r.Sector != "" {
		s, ok := sectors[strings.ToLower(strings.TrimSpace(r.Sector))]
		if !ok {
			c.fail(r, iSector, r.Sector, CodeSector, fmt.Sprintf("provider_sector %q is not one of public, voluntary, private, plc", r.Sector),
				"public for councils' own and NHS services, voluntary for charities and social enterprises, private for companies, plc for listed companies")
		}
		o.Sector = s
	}
}

// checkFigures reads the numerator, denominator and value, checks them
// against each other and the metric, and derives a blank value.
func (c *checker) checkFigures(r *rawRow, o *obs, m *schemas.Metric) {
	o.Num, o.HasNum = c.count(r, iNum, r.Numerator)
	o.Den, o.HasDen = c.count(r, iDen, r.Denom)

	text, qual := schemas.SplitQualifier(r.Value)
	if st, isMarker := schemas.ParseMarker(text); isMarker {
		switch {
		case text == "" && o.HasNum && o.HasDen:
			// A blank value with both counts is derived below.
		case st == schemas.StatusLowReliab || st == schemas.StatusRevised || st == schemas.StatusProvisional:
			if !(o.HasNum && o.HasDen) {
				c.fail(r, iValue, r.Value, CodeMarker, fmt.Sprintf("marker %s qualifies a figure but the row has none", st.Bracketed()),
					"write the figure before the marker, as 85.2 [p], or give the numerator and denominator")
			}
			qual = st
		default:
			o.Status = st
		}
	} else {
		n, err := schemas.ParseNumber(text)
		switch {
		case errors.Is(err, schemas.ErrOutOfRange):
			c.fail(r, iValue, r.Value, CodeValueTooLarge, fmt.Sprintf("value %q is beyond ±%s, the largest a figure may be", truncate(r.Value, 40), groupDigits(int64(schemas.MaxValue))),
				"check the figure and its unit; a decimal point may have been lost")
		case err != nil:
			c.fail(r, iValue, r.Value, CodeNumber, fmt.Sprintf("value %q is not a number", r.Value),
				"write figures as 85.2, 85%, 1,234 or £12.50, or use a marker such as [c] (suppressed) or [x] (not available)")
		case n.Percent && m != nil && m.Unit != schemas.UnitPercent:
			c.fail(r, iValue, r.Value, CodePercentUnit, fmt.Sprintf("value %q is a percentage but %s is measured in %s", r.Value, m.ID, m.Unit),
				"write the figure without the % sign, in the metric's unit")
		default:
			o.Value, o.HasValue = n.Value, true
			c.checkValue(r, o, m, n)
		}
	}
	if qual != schemas.StatusNone && o.Status == schemas.StatusNone {
		o.Status = qual
	}
	if m == nil {
		return
	}
	if o.HasNum && o.HasDen && m.NeedsCounts() {
		switch {
		case o.Den == 0:
			c.fail(r, iDen, r.Denom, CodeZeroDenominator, "the denominator is 0", "a figure needs a denominator above 0; for no activity write [z] (not applicable) in the value")
			return
		case m.Kind == schemas.KindProportion && o.Num > o.Den:
			c.fail(r, iNum, r.Numerator, CodeNumOverDen,
				fmt.Sprintf("the numerator (%d) is larger than the denominator (%d), which a proportion cannot be", o.Num, o.Den),
				"check the two columns are not swapped")
			return
		}
		if !o.HasValue && !o.Status.HidesValue() {
			o.Value, o.HasValue = m.Derive(o.Num, o.Den), true
			c.checkRange(r, o, m)
		}
	}
	if !o.HasValue && !o.Status.HidesValue() && o.Status == schemas.StatusNone {
		o.Status = schemas.StatusNotAvailable
	}
}

func (c *checker) count(r *rawRow, ci int, s string) (int64, bool) {
	if _, isMarker := schemas.ParseMarker(s); isMarker {
		return 0, false
	}
	n, err := schemas.ParseWhole(s)
	if errors.Is(err, schemas.ErrOutOfRange) || err == nil && n > schemas.MaxCount {
		c.fail(r, ci, s, CodeCountTooLarge,
			fmt.Sprintf("%s %q is larger than %s, the most a count may be", schemas.Columns[ci], truncate(s, 40), groupDigits(schemas.MaxCount)),
			"counts are whole visits, people, hours, tonnes or pounds, far below this; check the figure was not run together with another or written in smaller units")
		return 0, false
	}
	if err != nil {
		c.fail(r, ci, s, CodeNumber, fmt.Sprintf("%s %q is not a whole number", schemas.Columns[ci], s),
			"counts are whole numbers such as 120 or 1,204; leave the cell blank if the figure is not available")
		return 0, false
	}
	if n < 0 {
		c.fail(r, ci, s, CodeNegative, fmt.Sprintf("%s %q is negative", schemas.Columns[ci], s), "counts cannot be below 0")
		return 0, false
	}
	return n, true
}

func (c *checker) checkValue(r *rawRow, o *obs, m *schemas.Metric, n schemas.Number) {
	if m == nil {
		return
	}
	if !c.checkRange(r, o, m) {
		return
	}
	if !(o.HasNum && o.HasDen && o.Den > 0 && m.NeedsCounts()) {
		return
	}
	want := m.Derive(o.Num, o.Den)
	diff := math.Abs(o.Value - want)
	rounding := 0.5*math.Pow10(-n.Decimals) + 1e-9
	if diff <= rounding {
		return
	}
	detail := fmt.Sprintf("value %s but numerator/denominator give %s", fmtNum(o.Value), fmtNum(want))
	if diff <= math.Max(0.01*math.Abs(want), math.Pow10(-n.Decimals)) {
		c.warn(r, iValue, r.Value, CodeMismatchSmall, detail+" (within 1%, kept as written)",
			"check the rounding; the published value will be the one written")
		return
	}
	hint := "correct the value, the numerator or the denominator; or leave the value blank and it will be worked out"
	if m.Unit == schemas.UnitPercent && math.Abs(o.Value*100-want) <= 0.5 {
		hint = "the value looks like a fraction; write percentages from 0 to 100 (85.2, not 0.852)"
	}
	c.fail(r, iValue, r.Value, CodeMismatch, detail, hint)
}

func (c *checker) checkRange(r *rawRow, o *obs, m *schemas.Metric) bool {
	if math.Abs(o.Value) > schemas.MaxValue {
		c.fail(r, iValue, r.Value, CodeValueTooLarge, fmt.Sprintf("value %s is beyond ±%s, the largest a figure may be", fmtNum(o.Value), groupDigits(int64(schemas.MaxValue))),
			"check the figure and its unit ("+string(m.Unit)+"); a decimal point may have been lost")
		return false
	}
	if m.Min != nil && o.Value < *m.Min || m.Max != nil && o.Value > *m.Max {
		c.fail(r, iValue, r.Value, CodeRange,
			fmt.Sprintf("value %s is outside the range of %s (%s to %s)", fmtNum(o.Value), m.ID, fmtBound(m.Min), fmtBound(m.Max)),
			"check the figure and its unit ("+string(m.Unit)+")")
		return false
	}
	return true
}

// checkDuplicate finds a second row for the same council, provider,
// service, metric and period. Keys are kept as two 64-bit hashes with
// independent seeds, so a million rows take tens of megabytes and a false
// match needs both hashes to collide.
func (c *checker) checkDuplicate(r *rawRow, o *obs) {
	b := c.keyBuf[:0]
	for _, s := range []string{o.Council, o.ProviderID, o.Service, o.Metric, o.Period.ID} {
		b = append(b, s...)
		b = append(b, 0)
	}
	c.keyBuf = b
	k := [2]uint64{maphash.Bytes(c.seeds[0], b), maphash.Bytes(c.seeds[1], b)}
	if first, dup := c.seen[k]; dup {
		c.fail(r, iMetric, o.Metric, CodeDuplicateRow,
			fmt.Sprintf("a second row for %s, provider %q, %s, %s", o.Council, o.ProviderID, o.Metric, o.Period.ID),
			fmt.Sprintf("the first is on line %d; keep one of them", first))
		return
	}
	c.seen[k] = int32(o.Line)
}

// checkSums adds the row's counts to the return's sums for its metric,
// period and service, and reports a sum that passes schemas.MaxCountSum
// once, on the row where it does: with that bound, publish's sums of counts
// cannot overflow.
func (c *checker) checkSums(r *rawRow, o *obs) {
	if !o.HasNum && !o.HasDen {
		return
	}
	k := sumKey{o.Metric, o.Period.ID, o.Service}
	s := c.sums[k]
	if s == nil {
		s = &countSums{}
		c.sums[k] = s
	}
	over := func(sum *int64, n int64, reported *bool, ci int, what, value string) {
		if *reported {
			return
		}
		*sum += n // both at most MaxCountSum + MaxCount: no overflow
		if *sum <= schemas.MaxCountSum {
			return
		}
		*reported = true
		c.fail(r, ci, value, CodeCountSum,
			fmt.Sprintf("the %s for %s, %s, %s add up to more than %s by this row, the most one return may give for a metric, service and period",
				what, o.Metric, o.Service, o.Period.ID, groupDigits(schemas.MaxCountSum)),
			"no council's counts come near this; check the counts' units and that no figure was run together with another or pasted twice")
	}
	if o.HasNum {
		over(&s.num, o.Num, &s.numOver, iNum, "numerators", r.Numerator)
	}
	if o.HasDen {
		over(&s.den, o.Den, &s.denOver, iDen, "denominators", r.Denom)
	}
}

// groupDigits writes a whole number with thousands separators, as
// 1,000,000.
func groupDigits(v int64) string {
	s := strconv.FormatInt(v, 10)
	var b strings.Builder
	for i, d := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}

// sentence joins items as a sentence does: "a, b and c".
func sentence(items []string, conj string) string {
	if len(items) == 1 {
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}

// hint names the catalogue's ids nearest an unknown metric or service. A
// shifted column repeats one unknown value on every row, so hints are kept
// rather than worked out again each time.
func (c *checker) hint(id string, metric bool) string {
	key := id
	if metric {
		key = "metric\x00" + id
	}
	if h, ok := c.hints[key]; ok {
		return h
	}
	var h string
	switch near := c.cat.Closest(id, metric, 3); {
	case len(near) > 0:
		h = "did you mean " + quoteList(near) + "?"
	case metric:
		h = "see data/metrics.csv in a release, or add the metric in catalogue.yaml"
	default:
		h = "the services are listed in the catalogue (schemas/catalogue.yaml); add one in catalogue.yaml"
	}
	if len(c.hints) < 1<<12 {
		c.hints[key] = h
	}
	return h
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func fmtBound(b *float64) string {
	if b == nil {
		return "any"
	}
	return fmtNum(*b)
}
