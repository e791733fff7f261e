package schemas

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Errors returned, wrapped in a *CouncilError, when a council cannot be
// resolved.
var (
	ErrUnknownCouncil   = errors.New("unknown council")
	ErrAmbiguousCouncil = errors.New("ambiguous council")
	ErrCouncilEnded     = errors.New("council did not exist in that period")
	// ErrNotCouncil is for a code or name of an area that is not a
	// council: England, a region, a ward, a constituency.
	ErrNotCouncil = errors.New("not a council")
	// ErrCouncilOutOfScope is for a council that may not send returns: one
	// outside England, or a combined authority.
	ErrCouncilOutOfScope = errors.New("council out of scope")
)

// Council is a UK local authority from the reference data.
type Council struct {
	Code         string    // current GSS code, such as E08000009
	RegistryCode string    // the three-letter register code, such as TRF
	Name         string    // short name, such as Trafford
	OfficialName string    // such as Trafford Metropolitan Borough Council
	Type         string    // CTY, UA, MD, LBO, NMD, ...
	TypeName     string    // such as Metropolitan district
	Region       string    // English region, or the nation elsewhere
	Nation       string    // England, Scotland, Wales, Northern Ireland
	Start        time.Time // zero when the reference data gives none
	End          time.Time // zero for a council that still exists
	ReplacedBy   []string  // GSS codes of successors
	FormerCodes  []string  // GSS codes the council used before Code
	County       string    // GSS code of the county over a district
	Population   int       // mid-2020 estimate
	AreaKm2      float64
	// CombinedAuthority is the GSS code of the combined authority (or the
	// Greater London Authority) the council belongs to, if any.
	CombinedAuthority string
}

// Current reports whether the council still exists.
func (c *Council) Current() bool { return c.End.IsZero() }

// ExistedAt reports whether the council existed on day t.
func (c *Council) ExistedAt(t time.Time) bool {
	return (c.Start.IsZero() || !t.Before(c.Start)) && (c.End.IsZero() || t.Before(c.End))
}

// SocialCare reports whether the council is a social-care authority (a
// county, unitary, metropolitan district or London borough).
func (c *Council) SocialCare() bool {
	switch c.Type {
	case "CTY", "UA", "MD", "LBO", "CC", "SCO", "WPA", "NID":
		return true
	}
	return false
}

// WasteCollection reports whether the council collects household waste (a
// district, unitary, metropolitan district or London borough).
func (c *Council) WasteCollection() bool {
	switch c.Type {
	case "NMD", "UA", "MD", "LBO", "CC", "SCO", "WPA", "NID":
		return true
	}
	return false
}

// Has reports whether the council has responsibility r. Every council has
// the empty responsibility of a service that needs none.
func (c *Council) Has(r Responsibility) bool {
	switch r {
	case "":
		return true
	case ResponsibilitySocialCare:
		return c.SocialCare()
	case ResponsibilityWasteCollection:
		return c.WasteCollection()
	}
	return false
}

// CouncilError explains why a council could not be resolved or may not
// send returns. Hint names the nearest matches, the successors of an
// abolished council, or what to send instead. What, for ErrNotCouncil and
// ErrCouncilOutOfScope, completes the sentence "<Input> is …", as in
// "England, not a council".
type CouncilError struct {
	Input string
	Err   error
	What  string
	Hint  string
}

func (e *CouncilError) Error() string {
	if e.What != "" {
		return fmt.Sprintf("%q is %s", e.Input, e.What)
	}
	return fmt.Sprintf("%v: %q", e.Err, e.Input)
}

func (e *CouncilError) Unwrap() error { return e.Err }

// Councils is the register of councils with the lookups that resolve the
// codes and names councils write.
type Councils struct {
	all    []*Council
	byGSS  map[string]*Council   // current and former GSS codes
	byReg  map[string]*Council   // three-letter register codes
	byName map[string][]*Council // normalised names and spellings
	names  []string              // display names for hints
}

var reGSS = regexp.MustCompile(`^[ENSWKM]\d{8}$`)

// Reference files read by LoadCouncils, relative to the folder given.
const (
	councilsFile   = "mysociety_uk_local_authorities.csv"
	nameLookupFile = "mysociety_lookup_name_to_registry.csv"
	gssLookupFile  = "mysociety_lookup_gss_to_registry.csv"
)

// LoadCouncils reads the register of councils and its lookups from the
// reference folder fsys (data/reference in the repository).
func LoadCouncils(fsys fs.FS) (*Councils, error) {
	rows, err := readCSVFile(fsys, councilsFile)
	if err != nil {
		return nil, err
	}
	cs := &Councils{byGSS: map[string]*Council{}, byReg: map[string]*Council{}, byName: map[string][]*Council{}}
	regToGSS := map[string]string{}
	for i, r := range rows {
		get := func(k string) string { return strings.TrimSpace(r[k]) }
		c := &Council{
			Code:         get("gss-code"),
			RegistryCode: get("local-authority-code"),
			Name:         get("nice-name"),
			OfficialName: get("official-name"),
			Type:         get("local-authority-type"),
			TypeName:     get("local-authority-type-name"),
			Region:       get("region"),
			Nation:       get("nation"),
		}
		if c.Code == "" { // councils abolished before GSS codes existed
			continue
		}
		line := i + 2
		if c.Start, err = optDate(get("start-date")); err != nil {
			return nil, fmt.Errorf("%s line %d: start-date: %w", councilsFile, line, err)
		}
		if c.End, err = optDate(get("end-date")); err != nil {
			return nil, fmt.Errorf("%s line %d: end-date: %w", councilsFile, line, err)
		}
		if p := get("pop-2020"); p != "" {
			f, err := strconv.ParseFloat(p, 64)
			if err != nil {
				return nil, fmt.Errorf("%s line %d: pop-2020: %w", councilsFile, line, err)
			}
			c.Population = int(f)
		}
		if a := get("area"); a != "" {
			if c.AreaKm2, err = strconv.ParseFloat(a, 64); err != nil {
				return nil, fmt.Errorf("%s line %d: area: %w", councilsFile, line, err)
			}
		}
		c.FormerCodes = splitList(get("former-gss-codes"))
		c.ReplacedBy = splitList(get("replaced-by")) // register codes for now
		c.County = get("county-la")                  // register code for now
		c.CombinedAuthority = get("combined-authority")
		cs.all = append(cs.all, c)
		cs.byGSS[c.Code] = c
		cs.byReg[c.RegistryCode] = c
		regToGSS[c.RegistryCode] = c.Code
		for _, n := range append([]string{c.Name, c.OfficialName}, splitNames(get("alt-names"))...) {
			cs.addName(n, c)
		}
	}
	for _, c := range cs.all {
		for i, reg := range c.ReplacedBy {
			if g, ok := regToGSS[reg]; ok {
				c.ReplacedBy[i] = g
			}
		}
		if c.County != "" {
			c.County = regToGSS[c.County]
		}
		if c.CombinedAuthority != "" {
			c.CombinedAuthority = regToGSS[c.CombinedAuthority]
		}
		for _, f := range c.FormerCodes {
			if _, taken := cs.byGSS[f]; !taken {
				cs.byGSS[f] = c
			}
		}
	}
	// Regions are all found before any is filled in, so that a nation put
	// in for a council whose region is unknown is never taken for a
	// region by its predecessors.
	regions := make([]string, len(cs.all))
	for i, c := range cs.all {
		regions[i] = cmp.Or(cs.regionOf(c, map[*Council]bool{}), c.Nation)
	}
	for i, c := range cs.all {
		c.Region = regions[i]
	}
	gss, err := readCSVFile(fsys, gssLookupFile)
	if err != nil {
		return nil, err
	}
	for _, r := range gss {
		code, reg := strings.TrimSpace(r["gss-code"]), strings.TrimSpace(r["local-authority-code"])
		if c, ok := cs.byReg[reg]; ok {
			if _, taken := cs.byGSS[code]; !taken {
				cs.byGSS[code] = c
			}
		}
	}
	names, err := readCSVFile(fsys, nameLookupFile)
	if err != nil {
		return nil, err
	}
	for _, r := range names {
		if c, ok := cs.byReg[strings.TrimSpace(r["local-authority-code"])]; ok {
			cs.addName(r["la-name"], c)
		}
	}
	seen := map[string]bool{}
	for _, c := range cs.all {
		if !seen[c.Name] {
			seen[c.Name] = true
			cs.names = append(cs.names, c.Name)
		}
	}
	sort.Slice(cs.all, func(i, j int) bool { return cs.all[i].Code < cs.all[j].Code })
	return cs, nil
}

// regionOf returns the region the register gives the council or, where
// it gives none, as for some councils abolished before 2021
// (Bournemouth, Christchurch, the Buckinghamshire districts), the region
// its successors share, else its county's; "" when none is found. So an
// abolished council is compared with its own region, not with all of
// England. seen guards against a register whose successions loop.
func (cs *Councils) regionOf(c *Council, seen map[*Council]bool) string {
	if c.Region != "" || seen[c] {
		return c.Region
	}
	seen[c] = true
	if r := cs.successorsRegion(c, seen); r != "" {
		return r
	}
	if county, ok := cs.byGSS[c.County]; ok && c.County != "" {
		return cs.regionOf(county, seen)
	}
	return ""
}

// successorsRegion returns the region every successor of c with a known
// region is in, or "" when there is none or they are in different regions.
func (cs *Councils) successorsRegion(c *Council, seen map[*Council]bool) string {
	region := ""
	for _, code := range c.ReplacedBy {
		next, ok := cs.byGSS[code]
		if !ok {
			continue
		}
		switch r := cs.regionOf(next, seen); {
		case r == "":
		case region == "":
			region = r
		case r != region:
			return ""
		}
	}
	return region
}

func (cs *Councils) addName(name string, c *Council) {
	k := normaliseName(name)
	if k == "" {
		return
	}
	for _, have := range cs.byName[k] {
		if have == c {
			return
		}
	}
	cs.byName[k] = append(cs.byName[k], c)
}

// normaliseName folds a council name for matching: case, punctuation and
// spacing are ignored and "&" reads as "and".
func normaliseName(s string) string {
	return NormaliseHeader(strings.ReplaceAll(s, "&", " and "))
}

// All returns every council with a GSS code, sorted by code.
func (cs *Councils) All() []*Council { return cs.all }

// ByCode returns the council whose current GSS code is code.
func (cs *Councils) ByCode(code string) (*Council, bool) {
	c, ok := cs.byGSS[code]
	if !ok || c.Code != code {
		return nil, false
	}
	return c, true
}

// ResolveGiven resolves a council named outside any return, such as an
// option of a command or the council of a submission token, at no
// particular date. Such a council speaks for returns, so one that may not
// send them (see Eligible) is an error too. Its error is coded EINVALID
// and, with no report line to carry a hint, has the hint in its text.
func (cs *Councils) ResolveGiven(s string) (*Council, error) {
	c, err := cs.Resolve(s, time.Time{})
	if err == nil {
		err = cs.eligible(s, c)
	}
	if err == nil {
		return c, nil
	}
	var ce *CouncilError
	if errors.As(err, &ce) && ce.Hint != "" {
		return nil, Errorf(EINVALID, "%w; %s", err, ce.Hint)
	}
	return nil, Errorf(EINVALID, "%w", err)
}

// Resolve finds the council that s names: a current or former GSS code, a
// three-letter register code, or a name in any spelling the lookups know.
// day is the first day of the period the figure is for; a zero day skips
// the check that the council existed then. A former code of a council that
// still exists resolves to the council's current code; an abolished council
// resolves to itself for periods before its end, and is an error naming its
// successors after.
func (cs *Councils) Resolve(s string, day time.Time) (*Council, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return nil, &CouncilError{Input: s, Err: ErrUnknownCouncil, Hint: "the council is blank; give its GSS code, such as E08000009"}
	}
	up := strings.ToUpper(t)
	if reGSS.MatchString(up) {
		if c, ok := cs.byGSS[up]; ok {
			return cs.checkExisted(s, c, day)
		}
		if err := notCouncilCode(s, up); err != nil {
			return nil, err
		}
		return nil, &CouncilError{Input: s, Err: ErrUnknownCouncil, Hint: cs.hint(up, true)}
	}
	if c, ok := cs.byReg[up]; ok && len(up) == 3 {
		return cs.checkExisted(s, c, day)
	}
	cands := cs.byName[normaliseName(t)]
	switch len(cands) {
	case 0:
		if what, ok := areaNames[normaliseName(t)]; ok {
			return nil, &CouncilError{Input: s, Err: ErrNotCouncil, What: what + ", not a council", Hint: notCouncilHint}
		}
		return nil, &CouncilError{Input: s, Err: ErrUnknownCouncil, Hint: cs.hint(t, looksLikeCode(up))}
	case 1:
		return cs.checkExisted(s, cands[0], day)
	}
	// Several councils share the name, typically an abolished council and
	// the one that replaced it, as Somerset County Council and Somerset
	// Council: the period decides, or with no period the current council.
	var live []*Council
	for _, c := range cands {
		if (day.IsZero() && c.Current()) || (!day.IsZero() && c.ExistedAt(day)) {
			live = append(live, c)
		}
	}
	if len(live) == 1 {
		return live[0], nil
	}
	if len(live) == 0 && !day.IsZero() {
		return cs.checkExisted(s, cands[0], day)
	}
	if len(live) == 0 {
		live = cands
	}
	var opts []string
	for _, c := range live {
		opts = append(opts, fmt.Sprintf("%s (%s, %s)", c.Code, c.OfficialName, c.TypeName))
	}
	return nil, &CouncilError{Input: s, Err: ErrAmbiguousCouncil,
		Hint: "the name fits more than one council; give the GSS code of the one you mean: " + orList(opts)}
}

// Eligible returns nil if council c may send returns, or a *CouncilError
// wrapping ErrCouncilOutOfScope that says what c is: Yardstick compares the
// services English councils commission, so councils in Wales, Scotland and
// Northern Ireland, and combined authorities and the Greater London
// Authority, which commission none of them, may not.
func (cs *Councils) Eligible(c *Council) error { return cs.eligible(c.Code, c) }

func (cs *Councils) eligible(input string, c *Council) error {
	switch {
	case c.Nation != "England":
		return &CouncilError{Input: input, Err: ErrCouncilOutOfScope,
			What: fmt.Sprintf("%s (%s), a council in %s; only councils in England send returns", c.Name, c.Code, c.Nation),
			Hint: "Yardstick compares the services English councils commission; leave out councils elsewhere"}
	case c.Type == "COMB" || c.Type == "SRA":
		var members []string
		for _, m := range cs.all {
			if m.CombinedAuthority == c.Code && m.Current() {
				members = append(members, fmt.Sprintf("%s (%s)", m.Name, m.Code))
			}
		}
		hint := "send the figures as the council that commissions the service"
		switch {
		case len(members) > 10:
			hint += fmt.Sprintf(", one of its %d member councils, such as %s", len(members), orList(members[:3]))
		case len(members) > 0:
			hint += ": " + orList(members)
		}
		return &CouncilError{Input: input, Err: ErrCouncilOutOfScope,
			What: fmt.Sprintf("%s (%s), a %s, which commissions none of the services Yardstick compares", c.OfficialName, c.Code, strings.ToLower(c.TypeName)),
			Hint: hint}
	}
	return nil
}

// Responsible returns the councils that hold responsibility r for the area
// of council c, which does not: the county over a district for social
// care, the districts under a county for waste collection. A zero day
// means the councils that exist now; otherwise those that existed on day.
func (cs *Councils) Responsible(c *Council, r Responsibility, day time.Time) []*Council {
	var out []*Council
	for _, o := range cs.all {
		if o == c || !o.Has(r) {
			continue
		}
		if day.IsZero() && !o.Current() || !day.IsZero() && !o.ExistedAt(day) {
			continue
		}
		if o.Code == c.County || o.County == c.Code {
			out = append(out, o)
		}
	}
	return out
}

// notCouncilHint is the hint for a code or name of an area that is not a
// council.
const notCouncilHint = "a return holds councils' own figures: give the GSS code of the council, such as E08000009 for Trafford, and leave out rows for England, regions and other areas"

// gssNames names the areas whose GSS codes councils are most likely to
// write by mistake for their own: the nations and the regions of England.
var gssNames = map[string]string{
	"E92000001": "England", "W92000004": "Wales", "S92000003": "Scotland", "N92000002": "Northern Ireland",
	"K02000001": "the United Kingdom", "K03000001": "Great Britain", "K04000001": "England and Wales",
	"E12000001": "the North East region", "E12000002": "the North West region",
	"E12000003": "the Yorkshire and The Humber region", "E12000004": "the East Midlands region",
	"E12000005": "the West Midlands region", "E12000006": "the East of England region",
	"E12000007": "the London region", "E12000008": "the South East region", "E12000009": "the South West region",
	"E13000001": "Inner London", "E13000002": "Outer London",
}

// gssKinds says what kind of area a GSS code is by its first three
// characters, for the kinds that are not councils (a council's code that
// the register lacks is more likely a slip of the keyboard).
var gssKinds = map[string]string{
	"E00": "a census output area", "W00": "a census output area",
	"E01": "a lower layer super output area", "W01": "a lower layer super output area",
	"E02": "a middle layer super output area", "W02": "a middle layer super output area",
	"E04": "a civil parish", "W04": "a community (a Welsh parish)",
	"E05": "an electoral ward", "W05": "an electoral ward", "S13": "an electoral ward", "N08": "an electoral ward",
	"E11": "a metropolitan county, whose councils are its metropolitan districts (E08…)",
	"E12": "a region of England", "E13": "Inner or Outer London",
	"E14": "a parliamentary constituency", "W07": "a parliamentary constituency",
	"S14": "a parliamentary constituency", "N06": "a parliamentary constituency",
	"E23": "a police force area", "E26": "a national park",
	"E38": "an NHS sub-ICB location (formerly a clinical commissioning group)",
	"E40": "an NHS England region", "E54": "an NHS integrated care board",
	"E47": "a combined authority", "E61": "the Greater London Authority",
	"S01": "a data zone", "S02": "an intermediate zone",
	"E92": "a country", "W92": "a country", "S92": "a country", "N92": "a country",
	"K02": "the United Kingdom", "K03": "Great Britain", "K04": "England and Wales",
}

// areaNames are the names of areas that are not councils, normalised as
// council names are, with what each is.
var areaNames = func() map[string]string {
	m := map[string]string{"uk": "the United Kingdom", "united kingdom": "the United Kingdom"}
	for _, name := range gssNames {
		n := strings.TrimSuffix(strings.TrimPrefix(name, "the "), " region")
		m[normaliseName(n)] = name
	}
	return m
}()

// notCouncilCode returns a *CouncilError for a GSS code, not in the
// register, that is plainly not a council's: England, a region, a ward, or
// any code outside England. It returns nil for a code that may be a
// mistyped council's.
func notCouncilCode(input, code string) error {
	if name, ok := gssNames[code]; ok {
		return &CouncilError{Input: input, Err: ErrNotCouncil, What: name + ", not a council", Hint: notCouncilHint}
	}
	if kind, ok := gssKinds[code[:3]]; ok {
		return &CouncilError{Input: input, Err: ErrNotCouncil, What: kind + ", not a council", Hint: notCouncilHint}
	}
	nation := map[byte]string{'W': "Wales", 'S': "Scotland", 'N': "Northern Ireland"}[code[0]]
	if nation != "" {
		return &CouncilError{Input: input, Err: ErrCouncilOutOfScope,
			What: "a code for an area in " + nation + "; only councils in England send returns",
			Hint: "Yardstick compares the services English councils commission; leave out councils elsewhere"}
	}
	return nil
}

func looksLikeCode(s string) bool {
	return len(s) >= 7 && strings.IndexAny(s[:1], "ENSWKM") == 0 && strings.Trim(s[1:], "0123456789") == ""
}

func (cs *Councils) checkExisted(input string, c *Council, day time.Time) (*Council, error) {
	if day.IsZero() || c.ExistedAt(day) {
		return c, nil
	}
	if !c.End.IsZero() && !day.Before(c.End) {
		var succ []string
		for _, s := range cs.successorsAt(c, day) {
			succ = append(succ, fmt.Sprintf("%s (%s)", s.Name, s.Code))
		}
		hint := fmt.Sprintf("%s (%s) was abolished on %s", c.Name, c.Code, c.End.Format(time.DateOnly))
		if len(succ) > 0 {
			hint += "; returns for later periods belong to its successor"
			if len(succ) > 1 {
				hint += "s"
			}
			hint += ": " + andList(succ)
		}
		return nil, &CouncilError{Input: input, Err: ErrCouncilEnded, Hint: hint}
	}
	hint := fmt.Sprintf("%s (%s) was created on %s; returns for earlier periods belong to the councils it replaced", c.Name, c.Code, c.Start.Format(time.DateOnly))
	var pred []string
	for _, p := range cs.all {
		if slices.Contains(p.ReplacedBy, c.Code) {
			pred = append(pred, fmt.Sprintf("%s (%s)", p.Name, p.Code))
		}
	}
	if len(pred) > 0 {
		hint += ": " + andList(pred)
	}
	return nil, &CouncilError{Input: input, Err: ErrCouncilEnded, Hint: hint}
}

// successorsAt returns the councils that took over from c and existed on
// day. A successor that was itself abolished by then is followed to its
// own successors, so West Somerset in 2024 leads to Somerset Council rather
// than to Somerset West and Taunton, which had gone by then.
func (cs *Councils) successorsAt(c *Council, day time.Time) []*Council {
	var out []*Council
	seen := map[*Council]bool{c: true}
	queue := []*Council{c}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, code := range cur.ReplacedBy {
			s, ok := cs.byGSS[code]
			if !ok || seen[s] {
				continue
			}
			seen[s] = true
			if s.ExistedAt(day) || len(s.ReplacedBy) == 0 {
				out = append(out, s)
			} else {
				queue = append(queue, s)
			}
		}
	}
	return out
}

// hint names the nearest codes or names to an unknown council.
func (cs *Councils) hint(s string, code bool) string {
	if code {
		var codes []string
		for k := range cs.byGSS {
			codes = append(codes, k)
		}
		near := Closest(s, codes, 3)
		if len(near) == 0 {
			return "no council has that code; GSS codes are a letter and eight digits, such as E08000009"
		}
		var out []string
		for _, k := range near {
			out = append(out, fmt.Sprintf("%s (%s)", k, cs.byGSS[k].Name))
		}
		return "no council has that code; did you mean " + orList(out) + "?"
	}
	near := Closest(s, cs.names, 3)
	if len(near) == 0 {
		return "no council has that name; give its GSS code, such as E08000009"
	}
	var out []string
	for _, n := range near {
		// A name shared by an abolished council and its successor points
		// to the one that exists now.
		cands := cs.byName[normaliseName(n)]
		c := cands[0]
		for _, cand := range cands {
			if cand.Current() {
				c = cand
				break
			}
		}
		out = append(out, fmt.Sprintf("%s (%s)", n, c.Code))
	}
	return "no council has that name; did you mean " + orList(out) + "?"
}

func orList(items []string) string { return joinList(items, "or") }

func andList(items []string) string { return joinList(items, "and") }

// joinList joins items as a sentence does: "a, b or c".
func joinList(items []string, conj string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}

func optDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.DateOnly, s)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// splitNames splits the alt-names cell of the register. Its items are
// separated by bare commas, but names carry commas of their own followed
// by a space ("Bristol, City of", "Armagh City, Banbridge and
// Craigavon"), so only a comma not followed by a space separates; splitting
// at every comma would make "City of" and "Newcastle upon Tyne" names of
// councils they are not.
func splitNames(s string) []string {
	var out []string
	for {
		i := 0
		for i < len(s) && (s[i] != ',' || i+1 < len(s) && s[i+1] == ' ') {
			i++
		}
		if n := strings.TrimSpace(s[:i]); n != "" {
			out = append(out, n)
		}
		if i >= len(s) {
			return out
		}
		s = s[i+1:]
	}
}

// readCSVFile reads a headed CSV file from fsys into maps keyed by header.
func readCSVFile(fsys fs.FS, name string) ([]map[string]string, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open reference data: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("read %s header: %w", name, err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	var out []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		m := make(map[string]string, len(header))
		for i, h := range header {
			if i < len(rec) {
				m[h] = rec[i]
			}
		}
		out = append(out, m)
	}
}
