package ingest

import (
	"cmp"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// normaliseName returns the key on which a provider name given without a
// provider_id is matched against the provider register. Two names have
// the same key when they differ only in:
//
//   - case ("ABBEY CARE LTD" and "Abbey Care Ltd");
//   - punctuation and spacing: apostrophes and full stops are dropped
//     ("St. Anne's", "St Annes"; "J.E.M. Care", "JEM Care"), except a
//     full stop between two digits, which separates them ("Unit 1.2" is
//     not "Unit 12"); any other character that is not a letter or digit
//     separates words ("Abbey Care - Sale", "Abbey Care (Sale)");
//   - "Limited" written "Ltd", and "Public Limited Company" written "plc";
//   - "&" (or "&amp;", as some exports write it) written "and";
//   - a leading "The", or a trailing one as in "Willows, The".
//
// Nothing else is dropped or changed: "Abbey Care Ltd" and "Abbey Care
// Homes Ltd" are different keys, and so are "Abbey Care Ltd" and "Abbey
// Care", since a company and a charity of those names are different
// organisations. Accents are kept, as the registers write them.
func normaliseName(s string) string {
	s = strings.ReplaceAll(strings.ToLower(s), "&amp;", "&")
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i, r := range s {
		switch {
		case r == '&':
			b.WriteString(" and ")
		case r == '.' && i > 0 && isDigitAt(s, i-1) && isDigitAt(s, i+1):
			// Between digits a full stop parts numbers: "Unit 1.2" is
			// not "Unit 12", nor "1.0" "10".
			b.WriteByte(' ')
		case r == '\'' || r == '\u2019' || r == '\u2018' || r == '`' || r == '.':
			// Dropped, not a word break: "Anne's" is "annes", "J.E.M." is "jem".
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	out := words[:0]
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "public" && i+2 < len(words) && words[i+1] == "limited" && words[i+2] == "company":
			w = "plc"
			i += 2
		case w == "limited":
			w = "ltd"
		}
		out = append(out, w)
	}
	if len(out) > 1 && out[0] == "the" {
		out = out[1:]
	}
	if len(out) > 1 && out[len(out)-1] == "the" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, " ")
}

// isDigitAt reports whether s has an ASCII digit at byte i.
func isDigitAt(s string, i int) bool { return i >= 0 && i < len(s) && s[i] >= '0' && s[i] <= '9' }

// legalForms are the words that end a company's or partnership's name.
var legalForms = map[string]bool{"ltd": true, "plc": true, "llp": true, "lp": true, "cic": true, "cio": true, "inc": true}

// looseName is a normalised name without the legal form at its end
// ("abbey care" for "abbey care ltd"). It is used only to suggest ids in
// an error's hint, never to match: "Abbey Care Ltd" and "Abbey Care" may be
// two organisations.
func looseName(key string) string {
	for {
		i := strings.LastIndexByte(key, ' ')
		if i < 0 || !legalForms[key[i+1:]] {
			return key
		}
		key = key[:i]
	}
}

// Kinds of register entry a name may match.
const (
	kindProvider = "CQC provider"
	kindLocation = "CQC location"
	kindSetting  = "Ofsted setting"
)

// candidate is one entry of the provider register a name may stand for:
// a provider under its name or an alias, or one of its locations under
// the location's name or a trading name.
type candidate struct {
	id       string   // the provider_id a return gives for it
	name     string   // its name as the register writes it
	kind     string   // kindProvider, kindLocation or kindSetting
	owner    string   // the register row (provider) it belongs to
	ownerOf  string   // the provider's name, or for a home known by its own id, who runs it
	councils []string // the councils its locations are in
	status   string   // a location's registration status, when the register gives one
}

// inCouncil reports whether the candidate has a location in the council.
func (c *candidate) inCouncil(code string) bool { return slices.Contains(c.councils, code) }

// nameIndex finds the register entries a normalised name may stand for.
// Entries are matched on their registered names, aliases and location
// names (exact); on their organisation's name or on names without their
// legal form (loose) they are only suggested. One map, by loose key,
// serves both: an exact match is an entry of the name's loose key filed
// under the same exact key.
type nameIndex struct {
	cands  []candidate
	byName map[string][]filed
}

// filed is a candidate filed under a loose key: key is the exact key it
// was filed under, "" when it may only be suggested.
type filed struct {
	key string
	i   int32
}

func newNameIndex(n int) *nameIndex {
	return &nameIndex{cands: make([]candidate, 0, n), byName: make(map[string][]filed, n)}
}

// add indexes one register row.
func (x *nameIndex) add(r *registerRow) {
	if r.ProviderID == "" {
		return
	}
	kind := kindProvider
	for _, l := range r.Locations {
		if l.ID == r.ProviderID {
			// A location or setting the register knows by its own id
			// alone: the provider is the location.
			kind = kindLocation
			if reOfsted.MatchString(l.ID) {
				kind = kindSetting
			}
		}
	}
	prov := int32(len(x.cands))
	x.cands = append(x.cands, candidate{id: r.ProviderID, name: r.Name, kind: kind, owner: r.ProviderID,
		councils: slices.Clone(r.Councils)})
	if kind != kindProvider {
		// Who runs a home tells apart two homes of one name, such as a
		// home re-registered by its new owner.
		x.cands[prov].ownerOf = r.Organisation
		for _, l := range r.Locations {
			if l.ID == r.ProviderID {
				x.cands[prov].status = l.Status
			}
		}
	}
	x.put(r.Name, prov, true)
	for _, a := range r.Aliases {
		x.put(a, prov, true)
	}
	if kind != kindProvider && r.Organisation != "" {
		// The organisation that runs a home is not the home: a return
		// naming the organisation is shown the homes, not linked to one.
		x.put(r.Organisation, prov, false)
	}
	for _, l := range r.Locations {
		if l.ID == r.ProviderID || l.Name == "" && len(l.Aliases) == 0 {
			continue
		}
		lk := kindLocation
		if reOfsted.MatchString(l.ID) {
			lk = kindSetting
		}
		i := int32(len(x.cands))
		var councils []string
		if l.CouncilCode != "" {
			councils = []string{l.CouncilCode}
		}
		x.cands = append(x.cands, candidate{id: l.ID, name: l.Name, kind: lk, owner: r.ProviderID, ownerOf: r.Name,
			councils: councils, status: l.Status})
		x.put(l.Name, i, true)
		// A trading name names the home, not its provider: Sunrise
		// of Sale is this home, whoever else the provider runs.
		for _, a := range l.Aliases {
			x.put(a, i, true)
		}
	}
}

// put files candidate i under a name's loose key, with its exact key
// when it may be matched on the name.
func (x *nameIndex) put(name string, i int32, exact bool) {
	key := normaliseName(name)
	if key == "" {
		return
	}
	f := filed{i: i}
	if exact {
		f.key = key
	}
	lk := looseName(key)
	for _, g := range x.byName[lk] {
		if g == f {
			return
		}
	}
	x.byName[lk] = append(x.byName[lk], f)
}

// nameMatch is what the register says of a name in one council.
type nameMatch struct {
	// linked is the one entry the name stands for in the council, or nil.
	linked *candidate
	// inArea are the entries of that name in the council when they are
	// several and not one provider with its locations; elsewhere those of
	// that name, none in the council; nearby those suggested (an
	// organisation's homes, or names differing only in their legal form)
	// in the council.
	inArea, elsewhere, nearby []*candidate
}

// match looks a provider name up for a row of the council with the given
// code. A name links to an entry only when the register has one entry of
// that name in the council, or one provider and its own locations of its
// name (the provider is linked then). Several entries otherwise (two
// providers, two homes, a home and its re-registration), or entries only
// outside the council, are never linked.
func (x *nameIndex) match(name, council string) nameMatch {
	key := normaliseName(name)
	var m nameMatch
	if key == "" {
		return m
	}
	var in, out []*candidate
	filedAs := x.byName[looseName(key)]
	for _, f := range filedAs {
		if f.key != key {
			continue
		}
		c := &x.cands[f.i]
		if c.inCouncil(council) {
			in = append(in, c)
		} else {
			out = append(out, c)
		}
	}
	switch {
	case len(in) == 1:
		m.linked = in[0]
		return m
	case len(in) > 1:
		owner := in[0].owner
		var prov *candidate
		one := true
		for _, c := range in {
			one = one && c.owner == owner
			if c.id == owner {
				prov = c
			}
		}
		if one && prov != nil {
			m.linked = prov
			return m
		}
		m.inArea = in
		return m
	case len(out) > 0:
		m.elsewhere = out
		return m
	}
	for _, f := range filedAs {
		if c := &x.cands[f.i]; c.inCouncil(council) && !slices.Contains(m.nearby, c) {
			m.nearby = append(m.nearby, c)
		}
	}
	return m
}

// describe writes a candidate for a council officer: its name, id, kind,
// the provider it belongs to and where it is, as "Abbey Lodge,
// provider_id 1-123456789, a CQC location of Abbey Care Ltd (1-101234567)
// in Trafford (E08000009)". councilName names a council by its code.
func (c *candidate) describe(councilName func(string) string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, provider_id %s, a%s %s", cmp.Or(c.name, "(name withheld by the register)"), c.id, article(c.kind), c.kind)
	switch {
	case c.owner != c.id:
		fmt.Fprintf(&b, " of %s (%s)", cmp.Or(c.ownerOf, "a provider"), c.owner)
	case c.ownerOf != "":
		fmt.Fprintf(&b, " run by %s", c.ownerOf)
	}
	if len(c.councils) > 0 {
		names := make([]string, 0, min(len(c.councils), 4))
		for _, code := range c.councils[:min(len(c.councils), 3)] {
			names = append(names, councilName(code))
		}
		if len(c.councils) > 3 {
			names = append(names, fmt.Sprintf("%d other councils", len(c.councils)-3))
		}
		b.WriteString(" in " + sentence(names, "and"))
	}
	if c.status != "" && !strings.EqualFold(c.status, "active") && !strings.EqualFold(c.status, "registered") {
		b.WriteString(", registration " + strings.ToLower(c.status))
	}
	return b.String()
}

// article is "n" before a kind that starts with a vowel sound: "an
// Ofsted setting", "a CQC location".
func article(kind string) string {
	if strings.HasPrefix(kind, "O") {
		return "n"
	}
	return ""
}

// A return may give a provider's id on one line and only its name on
// another ("Amberley Care Home, 1-123" and "Amberley Care Home"): the
// council has said, in the same file, which provider the name means. A
// row with only a name is therefore linked first to the id the return's
// own rows give that name in the same council, on the normaliseName key,
// with a warning naming the line whose id was used
// (provider_matched_in_return); only a name the return never gives an id
// is looked up in the provider register (matchName). A name the return
// gives two ids is ambiguous (provider_name_ambiguous, naming both lines),
// whatever the register says.
//
// The id may come on a later line than the name, and rows are checked as
// they stream. So a row with only a name is held back (heldRow) until the
// return has been read, and decided then, when every id the return gives
// is known: the order of the lines does not matter. A held row that has
// other errors is held too, so that its provider's problem is reported
// with them, in one round, but it is not stored. Held rows are few (a
// return gives most providers' ids), and at most heldLimits.rows of them,
// heldLimits.bytes of text, are held, each with its own copy of its
// fields (a field of a CSV record keeps the whole line alive); past that
// a row is decided as it comes, and the id it was stored under is
// remembered, so that a later line giving the name another id is an error
// naming that row rather than a silent split.
//
// The names whose ids are remembered are bounded too (heldLimits.names),
// so a national file's memory stays bounded. Once they are full, a row
// with a name alone that the return may have given an id the checker did
// not keep is refused (provider_id_missing, too many providers to match
// names) rather than guessed through the register, which could link it to
// another id than the return's own.

// heldLimits bounds what the checker keeps to decide rows with a name
// alone. They are the checker's, not constants, so tests can lower them.
type heldLimits struct {
	rows  int // rows held until the end of the return
	bytes int // text of the held rows, counted by heldSize
	names int // names whose ids the return gives, and names decided early
}

// defaultHeldLimits are the limits of an ingest: a council's return has a
// few hundred rows in all, and the bytes bound keeps a hostile file of
// long lines to a small part of ingest's memory.
var defaultHeldLimits = heldLimits{rows: 1 << 14, bytes: 32 << 20, names: 1 << 17}

// heldOverhead is what a held row costs besides its text, for heldSize.
const heldOverhead = 400

// heldSize is what holding a row costs, as heldLimits.bytes counts it:
// its fields' text and the held row itself. It is at least what hold
// keeps of the row.
func heldSize(r *rawRow) int {
	return heldOverhead + len(r.Council) + len(r.ProviderID) + len(r.Provider) + len(r.Sector) + len(r.Service) +
		len(r.Metric) + len(r.Period) + len(r.Numerator) + len(r.Denom) + len(r.Value) + len(r.Note) + len(r.FileCouncil)
}

// maxKeyName is the longest name key kept as written; a longer one is
// kept as its SHA-256, so no name's length sets what the name memory
// costs.
const maxKeyName = 64

// nameKey is a provider name in a council: the council's code and the
// name's normaliseName key (hashed when longer than maxKeyName).
type nameKey struct{ council, name string }

// keyOf is the nameKey of a provider name in a council.
func keyOf(council, name string) nameKey {
	k := normaliseName(name)
	if len(k) > maxKeyName {
		sum := sha256.Sum256([]byte(k))
		k = "\x00" + string(sum[:])
	}
	return nameKey{council, k}
}

// keyOf is keyOf with the names normalised kept (at most maxCached of at
// most maxKeyName bytes, each its own copy): noteFileID meets each
// provider's name again in every council and period it has figures for.
func (c *checker) keyOf(council, name string) nameKey {
	if k, ok := c.normalised[name]; ok {
		return nameKey{council, k}
	}
	k := keyOf(council, name)
	if len(c.normalised) < maxCached && len(name) <= maxKeyName {
		if c.normalised == nil {
			c.normalised = map[string]string{}
		}
		c.normalised[strings.Clone(name)] = k.name
	}
	return k
}

// fileID is the id a return's rows give a name, with its first line, and
// the first other id they give it, if any, with its line.
type fileID struct {
	id, other       string
	line, otherLine int32
	// reported is set once the link of rows without an id has been told.
	reported bool
}

// heldRow is a row naming a provider without its id, held until the
// return has been read. Its strings are its own copies. A row that passed
// every other check waits for the duplicate-row and sums checks, which
// need its provider's id; a failed one keeps only what naming its
// provider's problem needs.
type heldRow struct {
	r      rawRow
	o      obs
	failed bool
}

// decidedName is the id rows of a name were stored under before the
// return was read to its end, and the first such line.
type decidedName struct {
	id   string
	line int32
}

// nameOnly decides, or holds, a row that names a provider without its
// id, returning the id it is stored under ("" when held or refused).
func (c *checker) nameOnly(r *rawRow, o *obs) string {
	if c.emitHeld != nil && o.Council != "" && len(c.held) < c.limits.rows && c.heldBytes+heldSize(r) <= c.limits.bytes {
		c.holding = true
		return ""
	}
	return c.resolveName(r, o, true)
}

// hold keeps a row check has finished with until finish, copying the
// strings it keeps: a field of a CSV record shares the record's memory,
// which would otherwise stay alive with it. failed is whether the row had
// an error besides its provider's.
func (c *checker) hold(r *rawRow, o *obs, failed bool) {
	h := heldRow{failed: failed}
	if failed {
		h.r = rawRow{Provider: strings.Clone(r.Provider), Line: r.Line, ValueCol: r.ValueCol}
		h.o = obs{Council: o.Council, Line: o.Line}
	} else {
		h.r = *r
		for _, f := range []*string{&h.r.Council, &h.r.ProviderID, &h.r.Provider, &h.r.Sector, &h.r.Service, &h.r.Metric,
			&h.r.Period, &h.r.Numerator, &h.r.Denom, &h.r.Value, &h.r.Note, &h.r.FileCouncil} {
			*f = strings.Clone(*f)
		}
		h.o = *o
		for _, f := range []*string{&h.o.Council, &h.o.ProviderID, &h.o.Provider, &h.o.Sector, &h.o.Service, &h.o.Metric,
			&h.o.Period.ID, &h.o.Note} {
			*f = strings.Clone(*f)
		}
	}
	c.heldBytes += heldSize(&h.r)
	c.held = append(c.held, h)
}

// namesFull reports whether the name memory has no room for another name.
func (c *checker) namesFull(m int) bool { return m >= c.limits.names }

// resolveName links a row naming a provider without its id: to the id the
// return gives that name, else through the provider register. early is
// true before the return has been read to its end; the id is then
// remembered for the lines after.
func (c *checker) resolveName(r *rawRow, o *obs, early bool) string {
	k := keyOf(o.Council, r.Provider)
	if o.Council == "" || k.name == "" {
		return c.matchName(r, o, early)
	}
	f := c.fileIDs[k]
	_, decided := c.early[k]
	if f == nil && c.fileIDsFull && !decided || early && !decided && c.namesFull(len(c.early)) {
		// The return may give this name an id the checker could not
		// keep, or a later line may give it one the checker could not
		// hold it to: the register could link it to another id, one
		// provider split in two. A name decided early is safe: a line
		// giving it another id is an error (noteFileID).
		c.fail(r, iProvID, "", CodeProviderMissing,
			fmt.Sprintf("provider %q has no provider_id, and this return names more than %s providers, too many to match names to the ids its other lines give",
				r.Provider, groupDigits(int64(c.limits.names))),
			"give provider_id on every row of this provider, as on the lines of this return that give it")
		return ""
	}
	var id string
	if f != nil {
		if f.other != "" {
			c.fail(r, iProvName, r.Provider, CodeProviderAmbiguous,
				fmt.Sprintf("provider %q has no provider_id, and this return gives that name two ids: %s on line %d and %s on line %d",
					r.Provider, f.id, f.line, f.other, f.otherLine),
				fmt.Sprintf("a name alone cannot say which: give the provider_id of the one the figures are for (%s or %s), and check the ids on lines %d and %d",
					f.id, f.other, f.line, f.otherLine))
			return ""
		}
		id = f.id
		if !f.reported {
			f.reported = true
			msg := fmt.Sprintf("provider %q has no provider_id; line %d of this return gives that name provider_id %s, and its rows without an id are stored under it",
				r.Provider, f.line, f.id)
			hint := fmt.Sprintf("add provider_id %s to this provider's rows, so they do not depend on the name", f.id)
			if reg := c.registerLink(r.Provider, o.Council); reg != nil && reg.id != f.id {
				// The return's own id wins, but a register that says
				// otherwise is worth a look.
				msg += fmt.Sprintf("; the provider register's one entry of that name in %s is %s", c.councilName(o.Council), reg.describe(c.councilName))
				hint += fmt.Sprintf("; if the figures are for the register's entry, give %s on line %d too", reg.id, f.line)
			}
			c.warn(r, iProvName, r.Provider, CodeProviderMatchedInReturn, msg, hint)
		}
	} else {
		id = c.matchName(r, o, early)
	}
	if early && id != "" && !decided {
		c.early[k] = decidedName{id: strings.Clone(id), line: int32(r.Line)}
	}
	return id
}

// readIndex reads the provider register into c.index the first time a
// row needs it.
func (c *checker) readIndex() {
	if !c.registerRead {
		c.registerRead = true
		if c.register != "" {
			c.index, c.indexErr = readRegister(c.register)
		}
	}
}

// registerLink is the register entry a name links to in a council, or
// nil: no register, or no one entry of that name there.
func (c *checker) registerLink(name, council string) *candidate {
	if c.readIndex(); c.index == nil {
		return nil
	}
	return c.index.match(name, council).linked
}

// noteFileID remembers the id a row gives its provider's name, for the
// rows of that name without an id. A row giving a name another id than
// rows without an id were already stored under (past the held limits) is
// an error: the name would otherwise stand for two providers in one
// return.
func (c *checker) noteFileID(r *rawRow, council, id string) {
	// A provider's rows come together: the row before gave this name this
	// id, so there is nothing new to note (unless a name decided early
	// must be checked on every row that gives it an id).
	last := [3]string{council, r.Provider, id}
	if last == c.lastNoted && len(c.early) == 0 {
		return
	}
	c.lastNoted = last
	k := c.keyOf(council, r.Provider)
	if k.name == "" {
		return
	}
	if d, ok := c.early[k]; ok && d.id != id {
		c.fail(r, iProvID, id, CodeProviderAmbiguous,
			fmt.Sprintf("provider %q is given provider_id %s here, but line %d gives the same name without an id and its rows were stored under %s",
				r.Provider, id, d.line, d.id),
			fmt.Sprintf("give line %d its provider_id, and check the ids this return gives %q: one name in a return stands for one provider",
				d.line, r.Provider))
	}
	f := c.fileIDs[k]
	switch {
	case f == nil && c.namesFull(len(c.fileIDs)):
		c.fileIDsFull = true
	case f == nil:
		c.fileIDs[k] = &fileID{id: strings.Clone(id), line: int32(r.Line)}
	case f.id != id && f.other == "":
		f.other, f.otherLine = strings.Clone(id), int32(r.Line)
	}
}

// finish decides the held rows, now that every id the return gives is
// known, and hands each that passes to emitHeld, in the order of its
// line. A held row that failed other checks has only its provider's
// problem reported. finish is called once, after the last row and before
// close; the error is emitHeld's.
func (c *checker) finish() error {
	held := c.held
	c.held, c.heldBytes = nil, 0
	for i := range held {
		h := &held[i]
		before := c.errs
		h.o.ProviderID = c.resolveName(&h.r, &h.o, false)
		if h.failed {
			continue
		}
		if c.errs == before && h.o.Period.ID != "" {
			c.checkDuplicate(&h.r, &h.o)
		}
		if c.errs == before {
			c.checkSums(&h.r, &h.o)
		}
		if c.errs == before {
			if err := c.emitHeld(&h.o); err != nil {
				return err
			}
		}
	}
	return nil
}
