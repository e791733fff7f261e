package registers

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// Identifier schemes, in the order a provider's identifiers are listed
// and its provider_id chosen.
const (
	SchemeCQCProvider = "cqc_provider"
	SchemeOfstedURN   = "ofsted_urn"
	SchemeCQCLocation = "cqc_location"
	SchemeCompany     = "companies_house"
	SchemeCharity     = "charity"
)

var schemeOrder = []string{SchemeCQCProvider, SchemeOfstedURN, SchemeCQCLocation, SchemeCompany, SchemeCharity}

// Source is one accepted import as the register is built from it.
type Source struct {
	ID         string
	ReceivedAt time.Time
	// AsAt is the day the register describes, when it says (or the import
	// was told); else its names and sectors hold from the day it was
	// received.
	AsAt    schemas.Date
	Records []Record
}

// day is the day a source's facts held: its as-at day, else the day it
// was received. A row's rating date says when the rating was given, not
// when the name and sector beside it held, so it dates the rating alone.
func (s Source) day() schemas.Date {
	if !s.AsAt.IsZero() {
		return s.AsAt
	}
	return schemas.DateOf(s.ReceivedAt)
}

// Provider is one provider of the register: one row of
// providers/register.parquet. Its JSON names are the file's columns.
type Provider struct {
	// ProviderID is the provider's first identifier by scheme (a CQC
	// provider id, else an Ofsted URN, else a CQC location id), as
	// returns write it.
	ProviderID string `json:"provider_id"`
	// Name is the registered name: the CQC provider's, or for a provider
	// known only by a location or URN, the location's or setting's; ""
	// where the regulator withholds it (Ofsted's small children's homes).
	Name string `json:"name"`
	// Organisation is the registered provider or owner of a location or
	// setting known only by its own id.
	Organisation string       `json:"organisation"`
	Sector       string       `json:"sector"`
	SectorGiven  string       `json:"sector_given"`
	SectorSource string       `json:"sector_source"`
	SectorAsAt   schemas.Date `json:"sector_as_at"`
	Rating       string       `json:"rating"`
	RatingDate   schemas.Date `json:"rating_date"`
	Identifiers  []Identifier `json:"identifiers"`
	Aliases      []string     `json:"aliases"`
	Councils     []string     `json:"councils"`
	Locations    []Location   `json:"locations"`
	Ratings      []Rating     `json:"ratings"`
	Facts        []Fact       `json:"facts"`
}

// Identifier is one of a provider's ids under a scheme.
type Identifier struct {
	Scheme string `json:"scheme"`
	ID     string `json:"id"`
}

// Location is a CQC location or an Ofsted setting of a provider, as the
// latest register to list it describes it.
type Location struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Postcode     string `json:"postcode"`
	CouncilCode  string `json:"council_code"`
	CouncilGiven string `json:"council_given"`
	Status       string `json:"status"`
	ServiceType  string `json:"service_type"`
	// Aliases are the location's trading names: every "also known as"
	// any import gave it, but its name. Each is a fact of its provider
	// (Fact.Subject), with the import and day that gave it.
	Aliases []string     `json:"aliases"`
	Source  string       `json:"source"`
	AsAt    schemas.Date `json:"as_at"`
}

// Rating is a regulator's rating of a location or setting, kept however
// many newer ratings follow it.
type Rating struct {
	Subject   string       `json:"subject"`
	Regulator string       `json:"regulator"`
	Rating    string       `json:"rating"`
	Given     string       `json:"given"`
	Date      schemas.Date `json:"date"`
	Source    string       `json:"source"`
}

// Fact is a value a register gave a provider (its name, organisation,
// sector or a trading name, field also_known_as), with the import it came
// from and the day it held. Subject is the location or setting a trading
// name is of, and "" for a fact of the provider itself.
type Fact struct {
	Field   string       `json:"field"`
	Subject string       `json:"subject,omitempty"`
	Value   string       `json:"value"`
	Given   string       `json:"given"`
	Source  string       `json:"source"`
	AsAt    schemas.Date `json:"as_at"`
}

// source is an import as the Builder orders its rows.
type source struct {
	id       string
	asAt     schemas.Date // its day: its as-at day, else the day received
	received time.Time
}

// stamp places a row among all the imports' rows: by the day its facts
// held, then the time its file was received, then the import's id, then
// its line. It orders every row of every import, so the latest of any
// set of rows is the same whatever order the imports are added in.
type stamp struct {
	src  *source
	line int
}

// compare orders a and b, earliest first.
func (a stamp) compare(b stamp) int {
	if a.src != b.src {
		if c := cmp.Or(a.src.asAt.Compare(b.src.asAt.Time), a.src.received.Compare(b.src.received), cmp.Compare(a.src.id, b.src.id)); c != 0 {
			return c
		}
	}
	return cmp.Compare(a.line, b.line)
}

// fact is a value of a field with the row that gave it: its import and
// day are the row's.
type fact struct {
	value, given string
	at           stamp
}

// out is the fact as the register lists it.
func (f fact) out(field string) Fact {
	return Fact{Field: field, Value: f.value, Given: f.given, Source: f.at.src.id, AsAt: f.at.src.asAt}
}

// keepFact adds a value to fs, or moves the row of the same value from the
// same import to the later of the two. A provider has few values of a
// field, so a list searched in turn is smaller and no slower than a map.
func keepFact(fs []fact, value, given string, at stamp) []fact {
	if value == "" {
		return fs
	}
	for i, f := range fs {
		if f.value == value && f.at.src == at.src {
			if at.compare(f.at) > 0 {
				fs[i].given, fs[i].at = given, at
			}
			return fs
		}
	}
	return append(fs, fact{value: value, given: given, at: at})
}

// group is what the rows of one key say: a CQC provider's rows ("p:"
// and its id), or the rows of a location ("l:") or Ofsted setting ("u:")
// that give no provider id. Its lists hold each value once per import;
// aka holds the trading names of rows that name no location or setting
// (a provider's own), the others being their site's.
type group struct {
	ids                       []Identifier
	names, orgs, sectors, aka []fact
	hasProvider               bool
}

// site is what the rows say of one CQC location or Ofsted setting, by its
// key ("l:" or "u:" and its id).
type site struct {
	// latest is the latest row naming the site, and key that row's key.
	latest stamp
	key    string
	// provider is the CQC provider id of the latest row that gives one,
	// at withProvider; first is the first provider id a row gave, and
	// others any other, each with its first row, to warn of a location
	// listed under two providers.
	provider     string
	withProvider stamp
	first        string
	firstAt      stamp
	others       map[string]stamp
	loc          Location
	locAt        stamp
	// aka are the site's trading names ("also known as"), each once per
	// import.
	aka []fact
}

// saw records that a row at at gave the site the provider id p.
func (st *site) saw(p string, at stamp) {
	switch {
	case st.first == "":
		st.first, st.firstAt = p, at
	case p == st.first:
		if at.compare(st.firstAt) < 0 {
			st.firstAt = at
		}
	default:
		if st.others == nil {
			st.others = map[string]stamp{}
		}
		if prev, ok := st.others[p]; !ok || at.compare(prev) < 0 {
			st.others[p] = at
		}
	}
	if st.provider == "" || at.compare(st.withProvider) > 0 {
		st.provider, st.withProvider = p, at
	}
}

// ratingKey identifies a rating: its subject, date and rating. The same
// inspection in two imports is one rating.
type ratingKey [3]string

// rating is a rating with the row that first gave it.
type rating struct {
	Rating
	at stamp
}

// Builder builds the register from the accepted imports, one at a time:
// it keeps what the register will hold (each distinct fact, location and
// rating), not the imports' rows, so building from many large imports
// needs the memory of one. The result depends on the imports alone, not
// on the order they are added.
//
// Rows are grouped into providers without ever joining two CQC providers:
// a row with a CQC provider id is that provider's; a CQC location (or an
// Ofsted setting) belongs to the provider of its latest row that gives
// one, so a location that changed hands moves to its new provider, and
// the old provider keeps what its own rows said; a location or setting
// that no row places under a provider is a provider of its own.
type Builder struct {
	groups  map[string]*group
	sites   map[string]*site
	ratings map[ratingKey]rating
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder {
	return &Builder{groups: map[string]*group{}, sites: map[string]*site{}, ratings: map[ratingKey]rating{}}
}

// Build makes the register from the accepted imports; see Builder.
func Build(sources []Source) []Provider {
	b := NewBuilder()
	for _, s := range sources {
		b.Add(s)
	}
	provs, _ := b.Providers()
	return provs
}

// recordKey is the key of the group a row's facts belong to: its CQC
// provider id, else its location id, else its URN.
func recordKey(r Record) string {
	switch {
	case r.ProviderID != "":
		return "p:" + r.ProviderID
	case r.LocationID != "":
		return "l:" + r.LocationID
	}
	return "u:" + r.URN
}

// Add adds the rows of one import.
func (b *Builder) Add(s Source) {
	add := b.Adder(s)
	for _, r := range s.Records {
		add(r)
	}
}

// Adder returns the function that adds the rows of the import s one at a
// time, as they are read; s.Records is not read.
func (b *Builder) Adder(s Source) func(Record) {
	src := &source{id: s.ID, asAt: s.day(), received: s.ReceivedAt}
	return func(r Record) { b.add(src, r) }
}

// add adds one row of the import src.
func (b *Builder) add(src *source, r Record) {
	at := stamp{src: src, line: r.Line}
	key := recordKey(r)
	g := b.groups[key]
	if g == nil {
		g = &group{}
		b.groups[key] = g
	}
	for _, id := range [3]Identifier{{SchemeCQCProvider, r.ProviderID}, {SchemeCompany, r.Company}, {SchemeCharity, r.Charity}} {
		if id.ID != "" && !slices.Contains(g.ids, id) {
			g.ids = append(g.ids, id)
		}
	}
	g.hasProvider = g.hasProvider || r.ProviderID != ""
	g.names = keepFact(g.names, r.Name, r.Name, at)
	g.orgs = keepFact(g.orgs, r.ProviderName, r.ProviderName, at)
	g.sectors = keepFact(g.sectors, r.Sector, r.SectorGiven, at)
	if r.LocationID == "" && r.URN == "" {
		// A row of a provider alone: its trading name is the
		// provider's. Otherwise it is the location's, kept below.
		g.aka = keepFact(g.aka, r.AlsoKnownAs, r.AlsoKnownAs, at)
	}
	for _, k := range [2]string{"l:" + r.LocationID, "u:" + r.URN} {
		if len(k) == 2 {
			continue
		}
		st := b.sites[k]
		if st == nil {
			st = &site{}
			b.sites[k] = st
		}
		if st.key == "" || at.compare(st.latest) > 0 {
			st.latest, st.key = at, key
		}
		if r.ProviderID != "" {
			st.saw(r.ProviderID, at)
		}
	}
	subject := cmp.Or(r.LocationID, r.URN, r.ProviderID)
	if r.LocationID != "" || r.URN != "" {
		st := b.sites[siteKey(r)]
		if st.loc.ID == "" || at.compare(st.locAt) > 0 {
			// Its import and day are locAt's, filled in by Providers.
			st.loc = Location{ID: subject, Name: r.Name, Postcode: r.Postcode, CouncilCode: r.CouncilCode,
				CouncilGiven: r.CouncilGiven, Status: r.Status, ServiceType: r.ServiceType}
			st.locAt = at
		}
		// "Also known as" names the location (CQC's care directory
		// gives it beside the location's own name), not its provider.
		st.aka = keepFact(st.aka, r.AlsoKnownAs, r.AlsoKnownAs, at)
	}
	if r.Rating != "" {
		k := ratingKey{subject, r.RatingDate.String(), r.Rating}
		// The first import to give a rating is its source.
		if prev, ok := b.ratings[k]; !ok || at.compare(prev.at) < 0 {
			b.ratings[k] = rating{Rating{Subject: subject, Regulator: r.Regulator, Rating: r.Rating, Given: r.RatingGiven, Date: r.RatingDate, Source: src.id}, at}
		}
	}
}

// siteKey is the key of the site a row's location facts describe: its
// location id, else its URN.
func siteKey(r Record) string {
	if r.LocationID != "" {
		return "l:" + r.LocationID
	}
	return "u:" + r.URN
}

// owner returns the key of the provider a group or site belongs to. A
// provider's key is its own; a site's is the CQC provider of its latest
// row that gives one, else the owner of its latest row's key: itself, or
// for an Ofsted setting listed beside a CQC location, that location's.
func (b *Builder) owner(key string) string {
	for range 3 {
		if strings.HasPrefix(key, "p:") {
			return key
		}
		st := b.sites[key]
		switch {
		case st == nil:
			return key
		case st.provider != "":
			return "p:" + st.provider
		case st.key == key:
			return key
		}
		key = st.key
	}
	return key
}

// Providers returns the register, sorted by provider id, and a warning
// for each location listed under more than one CQC provider.
func (b *Builder) Providers() ([]Provider, []string) {
	type entity struct {
		ids                  []Identifier
		names, orgs, sectors []fact
		// aka are the provider's own trading names; siteAka every
		// location's, by the location's id.
		aka         []fact
		siteAka     map[string][]fact
		locs        []Location
		ratings     []Rating
		hasProvider bool
	}
	ents := map[string]*entity{}
	ent := func(key string) *entity {
		k := b.owner(key)
		e := ents[k]
		if e == nil {
			e = &entity{}
			ents[k] = e
		}
		return e
	}
	for key, g := range b.groups {
		e := ent(key)
		// Each key's ids are its own; a provider id is in its group
		// alone, a location's or setting's added once below.
		e.ids = append(e.ids, g.ids...)
		e.names = append(e.names, g.names...)
		e.orgs = append(e.orgs, g.orgs...)
		e.sectors = append(e.sectors, g.sectors...)
		e.aka = append(e.aka, g.aka...)
		e.hasProvider = e.hasProvider || g.hasProvider
	}
	var notes []string
	for key, st := range b.sites {
		e := ent(key)
		scheme := SchemeCQCLocation
		if strings.HasPrefix(key, "u:") {
			scheme = SchemeOfstedURN
		}
		e.ids = append(e.ids, Identifier{scheme, key[2:]})
		if st.loc.ID != "" {
			l := st.loc
			l.Source, l.AsAt = st.locAt.src.id, st.locAt.src.asAt
			l.Aliases = []string{}
			for _, f := range st.aka {
				if f.value != l.Name && !slices.Contains(l.Aliases, f.value) {
					l.Aliases = append(l.Aliases, f.value)
				}
			}
			slices.Sort(l.Aliases)
			e.locs = append(e.locs, l)
			if len(st.aka) > 0 {
				if e.siteAka == nil {
					e.siteAka = map[string][]fact{}
				}
				e.siteAka[l.ID] = st.aka
			}
		}
		if len(st.others) > 0 {
			all := maps.Clone(st.others)
			all[st.first] = st.firstAt
			var others []string
			for p, at := range all {
				if p != st.provider {
					others = append(others, fmt.Sprintf("%s (import %s, line %d)", p, at.src.id, at.line))
				}
			}
			slices.Sort(others)
			notes = append(notes, fmt.Sprintf("location %s is listed under CQC provider %s and also %s; it is kept as %s's, the provider of its latest row (import %s, line %d), and the providers are not merged",
				key[2:], st.provider, strings.Join(others, ", "), st.provider, st.withProvider.src.id, st.withProvider.line))
		}
	}
	slices.Sort(notes)
	for k, r := range b.ratings {
		r := r.Rating
		key := "p:" + k[0]
		if _, ok := b.sites["l:"+k[0]]; ok {
			key = "l:" + k[0]
		} else if _, ok := b.sites["u:"+k[0]]; ok {
			key = "u:" + k[0]
		}
		e := ent(key)
		e.ratings = append(e.ratings, r)
	}

	out := make([]Provider, 0, len(ents))
	for _, e := range ents {
		p := Provider{Identifiers: []Identifier{}, Aliases: []string{}, Councils: []string{}, Locations: e.locs, Ratings: e.ratings, Facts: []Fact{}}
		p.Identifiers = append(p.Identifiers, e.ids...)
		slices.SortFunc(p.Identifiers, func(a, b Identifier) int {
			return cmp.Or(cmp.Compare(slices.Index(schemeOrder, a.Scheme), slices.Index(schemeOrder, b.Scheme)), cmp.Compare(a.ID, b.ID))
		})
		// Two groups merged into one provider may share a company or
		// charity number.
		p.Identifiers = slices.Compact(p.Identifiers)
		p.ProviderID = p.Identifiers[0].ID
		// A CQC provider is named by its registered name and runs its
		// locations; a location or setting known by its own id alone is
		// named by its own name and run by its organisation.
		names, orgs := e.names, e.orgs
		if e.hasProvider {
			names, orgs = e.orgs, nil
		}
		name, _ := latest(names)
		p.Name = name.value
		org, _ := latest(orgs)
		p.Organisation = org.value
		if sec, ok := latest(e.sectors); ok {
			p.Sector, p.SectorGiven, p.SectorSource, p.SectorAsAt = sec.value, sec.given, sec.at.src.id, sec.at.src.asAt
		}
		// A location's trading names are the provider's too only where
		// the provider is the location (no CQC provider id); a CQC
		// provider's locations keep theirs (Location.Aliases).
		seen := map[string]bool{p.Name: true, "": true}
		alias := func(fs []fact) {
			for _, f := range fs {
				if !seen[f.value] {
					seen[f.value] = true
					p.Aliases = append(p.Aliases, f.value)
				}
			}
		}
		alias(names)
		alias(e.aka)
		if !e.hasProvider {
			for _, fs := range e.siteAka {
				alias(fs)
			}
		}
		slices.Sort(p.Aliases)
		councils := map[string]bool{}
		for _, l := range p.Locations {
			if l.CouncilCode != "" {
				councils[l.CouncilCode] = true
			}
		}
		if p.Locations == nil {
			p.Locations = []Location{}
		}
		slices.SortFunc(p.Locations, func(a, b Location) int { return cmp.Compare(a.ID, b.ID) })
		for c := range councils {
			p.Councils = append(p.Councils, c)
		}
		slices.Sort(p.Councils)
		if p.Ratings == nil {
			p.Ratings = []Rating{}
		}
		slices.SortFunc(p.Ratings, func(a, b Rating) int {
			return cmp.Or(a.Date.Compare(b.Date.Time), cmp.Compare(a.Subject, b.Subject), cmp.Compare(a.Rating, b.Rating))
		})
		if n := len(p.Ratings); n > 0 {
			p.Rating, p.RatingDate = p.Ratings[n-1].Rating, p.Ratings[n-1].Date
		}
		fieldNames := [3]string{"name", "organisation", "sector"}
		if e.hasProvider {
			// A CQC provider's name is its organisation's.
			fieldNames[0] = "organisation"
		}
		for i, fs := range [][]fact{names, orgs, e.sectors} {
			p.Facts = append(p.Facts, sortedFacts(fs, fieldNames[i], "")...)
		}
		p.Facts = append(p.Facts, sortedFacts(e.aka, FieldAlsoKnownAs, "")...)
		for _, l := range p.Locations {
			p.Facts = append(p.Facts, sortedFacts(e.siteAka[l.ID], FieldAlsoKnownAs, l.ID)...)
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Provider) int { return cmp.Compare(a.ProviderID, b.ProviderID) })
	return out, notes
}

// latest returns the fact of the latest row, and false for none.
func latest(fs []fact) (fact, bool) {
	if len(fs) == 0 {
		return fact{}, false
	}
	best := fs[0]
	for _, f := range fs[1:] {
		if f.at.compare(best.at) > 0 {
			best = f
		}
	}
	return best, true
}

// sortedFacts lists facts of field about subject (each value once per
// import, at its latest row) in the order they held.
func sortedFacts(fs []fact, field, subject string) []Fact {
	fs = slices.Clone(fs)
	slices.SortFunc(fs, func(a, b fact) int { return cmp.Or(a.at.compare(b.at), cmp.Compare(a.value, b.value)) })
	out := make([]Fact, len(fs))
	for i, f := range fs {
		out[i] = f.out(field)
		out[i].Subject = subject
	}
	return out
}

// WriteJSONLines writes the register as JSON, one provider a line: the
// form the Parquet writer reads.
func WriteJSONLines(w io.Writer, providers []Provider) error {
	for _, p := range providers {
		if err := encodeLine(w, p); err != nil {
			return err
		}
	}
	return nil
}
