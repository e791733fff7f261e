package ingest

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/yardstick-open/yardstick/schemas"
)

// rawRow is a canonical row as the row source fills it: every field a
// string, so the checks can report each bad value in the council's own
// words, with the line the row came from and the column its value came
// from (0 when a mapping's constant gave it).
type rawRow struct {
	Council, ProviderID, Provider, Sector string
	Service, Metric, Period               string
	Numerator, Denom, Value, Note         string
	Line, ValueCol                        int
	// FileCouncil is the file's own council cell where a mapping gives
	// the council as a constant (see plan.fileCouncil).
	FileCouncil string
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
	// lastCouncil is the previous row's council text and period and what
	// they resolved to. A return's rows come council by council, but a
	// national file has more councils and periods than resolved keeps
	// (maxCached), so without it most rows would resolve their council
	// again.
	lastCouncil struct {
		key councilKey
		res councilResult
		ok  bool
	}
	dups *dupIndex
	errs int // errors this checker has reported

	idFormats  map[string]bool
	hints      map[string]string
	sums       map[sumKey]*countSums
	locals     map[string]localResult // the council part of a LOCAL id, resolved
	names      map[string]seenName    // each provider id's first name and its line
	lastName   [2]string              // the id and name of the row before, seen already
	lastNoted  [3]string              // the council, name and id noteFileID saw last
	svcNames   map[string]string      // see serviceNames
	normalised map[string]string      // provider names as keyOf normalises them (see checker.keyOf)
	// lastTotal is the row before's provider name, and whether it names
	// a total; its zero value is right for a blank name.
	lastTotal struct {
		name  string
		total bool
	}
	// lastID is the row before's provider id, and whether its format is
	// known; ids asked about are never blank, so the zero value matches
	// none.
	lastID struct {
		id    string
		known bool
	}
	// lastSector is the row before's sector as written and what it
	// stands for, if it is one.
	lastSector struct {
		from, to string
		ok       bool
	}

	// register is the provider register's file, read the first time a
	// row gives a provider's name without its id (see matchName); ""
	// when the data folder is not known.
	register     string
	registerRead bool
	index        *nameIndex // nil when there is no register, or it did not read
	indexErr     error
	matched      map[[2]string]*nameResult // by council and name

	// The ids the return's own rows give names, for its rows that give
	// a name alone (see names.go): fileIDs by name (fileIDsFull once a
	// name did not fit), held the rows waiting for the end of the return
	// (heldBytes their size), early the names decided before it, all
	// within limits. emitHeld, when not nil, takes each held row that
	// passes once the return has been read (finish, which the caller
	// calls after the last row); when nil, no row is held and each is
	// decided as it comes.
	fileIDs     map[nameKey]*fileID
	fileIDsFull bool
	held        []heldRow
	heldBytes   int
	holding     bool // the row being checked is held
	early       map[nameKey]decidedName
	limits      heldLimits
	emitHeld    func(*obs) error
}

// localResult is the council the council part of a LOCAL provider id
// names, or nil when it names none.
type localResult struct{ c *schemas.Council }

// seenName is the first name a return gives a provider id, with its line,
// and whether a second name has been reported yet.
type seenName struct {
	name     string
	line     int32
	reported bool
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

// newChecker returns a checker whose duplicate check keeps what it cannot
// hold in memory in a new file at dupPath (see dupIndex); close removes
// it.
func newChecker(cat *schemas.Catalogue, councils *schemas.Councils, p *plan, probs *problems, today time.Time, council *schemas.Council, dupPath string) *checker {
	return &checker{
		cat: cat, councils: councils, plan: p, probs: probs, today: today, council: council,
		periods:   map[string]periodResult{},
		resolved:  map[councilKey]councilResult{},
		dups:      newDupIndex(dupPath),
		idFormats: map[string]bool{},
		hints:     map[string]string{},
		sums:      map[sumKey]*countSums{},
		locals:    map[string]localResult{},
		names:     map[string]seenName{},
		matched:   map[[2]string]*nameResult{},
		fileIDs:   map[nameKey]*fileID{},
		early:     map[nameKey]decidedName{},
		limits:    defaultHeldLimits,
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
		// The catalogue's own title ("Home care"), in any case, names
		// the service too.
		if id, ok := c.serviceNames()[titleKey(svc)]; ok {
			svc = id
			service, err = c.cat.Service(id)
		}
	}
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
	if c.holding {
		// A row with a provider's name alone waits for the end of the
		// return, where a later line may give the name its id; it is
		// checked for duplicates and stored then (checker.finish). A row
		// with other errors waits too, so its provider's problem is
		// reported with them.
		c.holding = false
		c.hold(r, o, c.errs != before)
		return false
	}

	if c.errs == before && o.Period.ID != "" {
		c.checkDuplicate(r, o)
	}
	if c.errs == before {
		c.checkSums(r, o)
	}
	return c.errs == before
}

// serviceNames maps each service's title, as titleKey gives it, to its id.
// Only the title as written counts, in any case: "home-care" is neither
// the id homecare nor the title "Home care", and a near miss is an error
// with a hint rather than a guess.
func (c *checker) serviceNames() map[string]string {
	if c.svcNames == nil {
		c.svcNames = map[string]string{}
		for _, s := range c.cat.Services {
			c.svcNames[titleKey(s.Title)] = s.ID
		}
	}
	return c.svcNames
}

// titleKey is a title in lower case with its spaces collapsed.
func titleKey(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

func (c *checker) period(s string) (schemas.Period, error) {
	if res, ok := c.periods[s]; ok {
		return res.p, res.err
	}
	p, err := schemas.ParsePeriod(s)
	if len(c.periods) < maxCached && len(s) <= maxCachedText {
		c.periods[strings.Clone(s)] = periodResult{p, err}
	}
	return p, err
}

// A cache of what a cell's text resolved to keeps at most maxCached texts
// of at most maxCachedText bytes, each its own copy: a key sliced from a
// CSV line would keep the whole line alive, and a hostile file with a new
// text on every row would otherwise keep every line in memory.
const (
	maxCached     = 1 << 12
	maxCachedText = 64
)

// cacheCouncil records what a council text resolved to, within the
// cache's limits.
func (c *checker) cacheCouncil(key councilKey, res councilResult) {
	if len(c.resolved) < maxCached && len(key.text) <= maxCachedText {
		key.text = strings.Clone(key.text)
		c.resolved[key] = res
	}
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
	res, ok := c.lastCouncil.res, c.lastCouncil.ok && c.lastCouncil.key == key
	if !ok {
		res, ok = c.resolved[key]
	}
	if !ok {
		// A copy: the result, errors included, may keep the text.
		res.c, res.err = c.councils.Resolve(strings.Clone(r.Council), day)
		if res.err == nil {
			res.err = c.councils.Eligible(res.c)
		}
		c.cacheCouncil(key, res)
	}
	c.lastCouncil.key, c.lastCouncil.res, c.lastCouncil.ok = key, res, true
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
	if r.FileCouncil != "" {
		c.checkFileCouncil(r, res.c, day, period.ID)
	}
	if c.council != nil && res.c.Code != c.council.Code {
		c.fail(r, iCouncil, r.Council, CodeCouncilMismatch,
			fmt.Sprintf("this return is for %s (%s) but the row is for %s (%s)", c.council.Name, c.council.Code, res.c.Name, res.c.Code),
			"a return holds one council's figures; send other councils' figures in their own returns")
	}
	return res.c
}

// checkFileCouncil checks a row's own council cell against the council a
// mapping file gives every row as a constant: a constant meant for files
// without a council column must not relabel another council's figures as
// its own. A cell that names no council is left alone: the column may
// hold something else under a council-like heading.
func (c *checker) checkFileCouncil(r *rawRow, given *schemas.Council, day time.Time, period string) {
	key := councilKey{text: r.FileCouncil, period: period}
	res, ok := c.resolved[key]
	if !ok {
		res.c, res.err = c.councils.Resolve(strings.Clone(r.FileCouncil), day)
		if res.err == nil {
			res.err = c.councils.Eligible(res.c)
		}
		c.cacheCouncil(key, res)
	}
	if res.c == nil || res.c.Code == given.Code {
		return
	}
	col := c.plan.fileCouncil
	c.errs++
	c.probs.add(Problem{Line: r.Line, Column: col + 1, Field: schemas.ColCouncil, Value: r.FileCouncil,
		Code: CodeCouncilMismatch, Severity: SevError,
		Message: fmt.Sprintf("the mapping file gives every row the council %s (%s), but this row's column %q says %s (%s)",
			given.Name, given.Code, truncate(c.plan.header[col], 40), res.c.Name, res.c.Code),
		Hint: "a constant council_code in a mapping file is for files with no council column: take council_code out of the mapping's constant " +
			"so the column is read, or send " + res.c.Name + "'s figures in " + res.c.Name + "'s own return"})
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

// totalNames are provider names that councils' exports give a row of totals.
// A name must be one of them whole, so "Total Care Ltd" is a provider.
var totalNames = map[string]bool{
	"all": true, "all providers": true, "all provider": true, "all providers total": true, "total all providers": true,
	"total": true, "totals": true, "grand total": true, "sub total": true, "subtotal": true, "sum": true,
	"council total": true, "la total": true, "authority total": true, "local authority total": true,
	"overall": true, "whole council": true, "council wide": true, "councilwide": true, "all services": true,
	"all agencies": true, "all homes": true, "all care homes": true, "all contractors": true,
}

// totalName reports whether a provider name is one of totalNames, ignoring
// case, punctuation and spacing.
//
// It runs on every row that names a provider, so it builds the words
// joined by single spaces in a buffer on the stack rather than through
// strings.ToLower, FieldsFunc and Join, which allocated four times a row.
// A rune counts as a letter or digit after unicode.ToLower, as
// strings.ToLower would lower it (the Kelvin sign is a k).
func totalName(name string) bool {
	if len(name) > 40 {
		return false
	}
	var buf [40]byte
	n := 0
	space := false // a separator since the last word's end
	for _, r := range name {
		if r >= utf8.RuneSelf {
			r = unicode.ToLower(r)
		} else if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			space = true
			continue
		}
		if space && n > 0 {
			if n == len(buf) {
				return false
			}
			buf[n] = ' '
			n++
		}
		space = false
		if n == len(buf) {
			return false // longer than any total's name
		}
		buf[n] = byte(r)
		n++
	}
	return totalNames[string(buf[:n])]
}

// knownIDFormat reports whether a provider id is in a format a register
// uses. A provider's id repeats on each of its rows, so the answer is kept.
func (c *checker) knownIDFormat(id string) bool {
	if id == c.lastID.id {
		return c.lastID.known // a provider's rows come together
	}
	ok, seen := c.idFormats[id]
	if !seen {
		ok = reCQC.MatchString(id) || reOfsted.MatchString(id) || reOrgID.MatchString(id) || reLocalID.MatchString(id)
		// Bounded, whatever the file holds; the id is copied, since it
		// shares its CSV record's memory, and no id of a known format is
		// long.
		if len(c.idFormats) < 1<<16 && len(id) <= 64 {
			c.idFormats[strings.Clone(id)] = ok
		}
	}
	c.lastID.id, c.lastID.known = id, ok
	return ok
}

func (c *checker) checkProvider(r *rawRow, o *obs) {
	id := r.ProviderID
	before := c.errs
	if c.lastTotal.name != r.Provider {
		// A provider's rows come together: its name is looked at once.
		c.lastTotal.name, c.lastTotal.total = r.Provider, r.Provider != "" && totalName(r.Provider)
	}
	switch {
	case c.lastTotal.total:
		// Given the usual hint (an id) such a row would publish "All
		// providers" as a provider of its own, beside the real ones.
		c.fail(r, iProvName, r.Provider, CodeProviderTotal,
			fmt.Sprintf("provider %q looks like a total for the whole council, not a provider", r.Provider),
			"for a figure for the council as a whole, leave provider_id and provider_name both blank and it is published as the council's own figure; "+
				"if the row only adds up the providers' rows, leave it out")
	case id == "" && r.Provider != "":
		o.ProviderID = c.nameOnly(r, o)
	case id != "" && !c.knownIDFormat(id):
		c.fail(r, iProvID, id, CodeProviderID, fmt.Sprintf("provider_id %q is not in a known format", id),
			"use the CQC provider id (1-101234567), Ofsted URN (SC037454), GB-COH-<company number>, GB-CHC-<charity number> or LOCAL-<council>-<your reference>")
	case strings.HasPrefix(id, "LOCAL-"):
		c.checkLocalID(r, o, id)
	}
	if id != "" && r.Provider != "" {
		c.checkName(r, id)
		if c.errs == before && o.Council != "" {
			c.noteFileID(r, o.Council, id)
		}
	}
	if id != "" {
		// A row with a name alone has the id matchName found, if any.
		o.ProviderID = id
	}
	if r.Sector != "" {
		s, ok := c.lastSector.to, c.lastSector.ok && c.lastSector.from == r.Sector
		if !ok {
			// Lower-cased and looked up once for each run of rows that
			// give the same sector, as a provider's rows do.
			s, ok = sectors[strings.ToLower(strings.TrimSpace(r.Sector))]
			c.lastSector.from, c.lastSector.to, c.lastSector.ok = r.Sector, s, ok
		}
		if !ok {
			c.fail(r, iSector, r.Sector, CodeSector, fmt.Sprintf("provider_sector %q is not one of public, voluntary, private, plc", r.Sector),
				"public for councils' own and NHS services, voluntary for charities and social enterprises, private for companies, plc for listed companies")
		}
		o.Sector = s
	}
}

// checkLocalID checks that a LOCAL-<council>-<ref> provider id, a
// council's own reference for a provider no register knows (its in-house
// services, say), belongs to the row's council: another council's LOCAL id
// would merge two councils' providers into one. The council part may be
// the three-letter register code (LOCAL-TRF-HC01) or the GSS code
// (LOCAL-E08000009-HC01), current or former. o.Council is the row's
// council, or "" when it is in error (only the council part is checked
// then).
func (c *checker) checkLocalID(r *rawRow, o *obs, id string) {
	part, _, _ := strings.Cut(strings.TrimPrefix(id, "LOCAL-"), "-")
	res, ok := c.locals[part]
	if !ok {
		if len(part) == 3 || reGSSCode.MatchString(part) {
			res.c, _ = c.councils.Resolve(part, time.Time{})
		}
		if len(c.locals) < 1<<12 && len(part) <= 16 {
			c.locals[strings.Clone(part)] = res
		}
	}
	own := c.localForm(o.Council)
	switch {
	case res.c == nil:
		hint := "the part after LOCAL- is the council's three-letter register code or GSS code"
		if own != "" {
			hint = "for this row's council use " + own
		}
		c.fail(r, iProvID, id, CodeLocalIDUnknown,
			fmt.Sprintf("provider_id %q is a LOCAL id, but %q names no council", id, part), hint)
	case o.Council != "" && res.c.Code != o.Council:
		c.fail(r, iProvID, id, CodeLocalIDCouncil,
			fmt.Sprintf("provider_id %q is a local reference of %s (%s), but the row is for %s; a council may use only its own LOCAL ids",
				id, res.c.Name, res.c.Code, o.Council),
			"give the provider's CQC provider id, Ofsted URN, GB-COH- or GB-CHC- id if it has one, or your own local reference, "+own)
	}
}

// localForm is the form of a LOCAL provider id of the council with the
// given code, for a hint, or "" when the code is "".
func (c *checker) localForm(code string) string {
	if code == "" {
		return ""
	}
	if rc, ok := c.councils.ByCode(code); ok && rc.RegistryCode != "" {
		return fmt.Sprintf("LOCAL-%s-<your reference> (or LOCAL-%s-<your reference>)", rc.RegistryCode, rc.Code)
	}
	return fmt.Sprintf("LOCAL-%s-<your reference>", code)
}

// reGSSCode matches a GSS code, as the council part of a LOCAL id may be.
var reGSSCode = regexp.MustCompile(`^[ENSWKM]\d{8}$`)

// checkName warns, once per provider id, when a row gives the id another
// name than its first row did: one of them is likely a typing slip or the
// wrong id. Case and runs of spaces do not count as a difference. The
// first name of each id is kept (at most 1<<17 ids), so a national file's
// memory stays bounded.
func (c *checker) checkName(r *rawRow, id string) {
	if c.lastName[0] == id && c.lastName[1] == r.Provider {
		return // the rows of one provider usually come together
	}
	c.lastName = [2]string{id, r.Provider}
	first, ok := c.names[id]
	if !ok {
		// Copies, since each shares its CSV record's memory; a name
		// longer than any real one is not kept.
		if len(c.names) < 1<<17 && len(r.Provider) <= maxKeptName && len(id) <= 64 {
			c.names[strings.Clone(id)] = seenName{name: strings.Clone(r.Provider), line: int32(r.Line)}
		}
		return
	}
	if first.reported || sameName(first.name, r.Provider) {
		return
	}
	first.reported = true
	c.names[id] = first
	c.warn(r, iProvName, r.Provider, CodeProviderNames,
		fmt.Sprintf("provider_id %q is %q on line %d but %q on line %d", id, first.name, first.line, r.Provider, r.Line),
		"one provider id should have one name in a return: check that the id is right on both lines, and give the provider the same name on each")
}

// sameName reports whether two provider names differ only in case or
// spacing.
func sameName(a, b string) bool {
	if a == b {
		return true // as almost every name is, without the allocations below
	}
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

// checkFigures reads the numerator, denominator and value, checks them
// against each other and the metric, and derives a blank value.
func (c *checker) checkFigures(r *rawRow, o *obs, m *schemas.Metric) {
	o.Num, o.HasNum = c.count(r, iNum, r.Numerator)
	o.Den, o.HasDen = c.count(r, iDen, r.Denom)

	text, qual := schemas.SplitQualifier(r.Value)
	// No marker starts with a digit, and most values do: those skip the
	// look-up, which lower-cases the text first.
	st, isMarker := schemas.StatusNone, false
	if text == "" || text[0] < '0' || text[0] > '9' {
		st, isMarker = schemas.ParseMarker(text)
	}
	if isMarker {
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
	if n, ok := plainCount(s); ok {
		return n, true
	}
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

// plainCount reads a count written as digits alone, at most 12 of them,
// as almost every count is: what schemas.ParseWhole would make of it, and
// no more than MaxCount, so count may take it without the checks that
// other spellings need (markers, signs, separators, decimals). It reports
// false for anything else.
func plainCount(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 12 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		d := s[i] - '0'
		if d > 9 {
			return 0, false
		}
		n = n*10 + int64(d)
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
// service, metric and period, in memory bounded however long the file is
// (see dupIndex).
func (c *checker) checkDuplicate(r *rawRow, o *obs) {
	first, dup := c.dups.seen(o.Council, o.ProviderID, o.Service, o.Metric, o.Period.ID, int32(o.Line))
	switch {
	case !dup:
	case int(first) > o.Line:
		// A held row (names.go) is checked after the lines below it.
		c.fail(r, iMetric, o.Metric, CodeDuplicateRow,
			fmt.Sprintf("a row for %s, provider %q, %s, %s, the same figure as line %d", o.Council, o.ProviderID, o.Metric, o.Period.ID, first),
			"keep one of them")
	default:
		c.fail(r, iMetric, o.Metric, CodeDuplicateRow,
			fmt.Sprintf("a second row for %s, provider %q, %s, %s", o.Council, o.ProviderID, o.Metric, o.Period.ID),
			fmt.Sprintf("the first is on line %d; keep one of them", first))
	}
}

// close lets go of what the checker keeps on disk. The error is the first
// the duplicate check met in reading or writing its file: the check is
// then incomplete.
func (c *checker) close() error {
	// Rows still held were never decided (finish was not called): each
	// is an error rather than a row silently left out.
	for i := range c.held {
		h := &c.held[i]
		c.fail(&h.r, iProvID, "", CodeProviderMissing, fmt.Sprintf("provider %q has no provider_id, and the row was not checked to the end", h.r.Provider), "give "+idHint)
	}
	c.held, c.heldBytes = nil, 0
	err := c.dups.err
	c.dups.close()
	return err
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
		h = "the metrics are listed in data/metrics.csv of every release, with the services each is for"
	default:
		// A council officer has no copy of the catalogue's source, so the
		// hint lists the services themselves.
		ids := make([]string, len(c.cat.Services))
		for i, s := range c.cat.Services {
			ids[i] = s.ID
		}
		h = "the services are " + truncate(strings.Join(ids, ", "), 300)
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
