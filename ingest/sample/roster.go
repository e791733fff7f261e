package sample

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/yardstick-open/yardstick/schemas"
)

// The services the synthetic market covers.
const (
	svcHomecare  = "homecare"
	svcCareHome  = "care-home"
	svcSupported = "supported-living"
	svcChildren  = "childrens-home"
	svcWaste     = "waste-collection"
	svcASC       = "adult-social-care" // council-wide, no provider
)

// careServices are those a social-care authority commissions.
var careServices = []string{svcHomecare, svcCareHome, svcSupported, svcChildren}

// role is a provider's place in the market. The order is the order in
// which providers are kept when a smaller sample is asked for: national
// chains first, so that providers still span councils.
type role uint8

const (
	roleChain role = iota
	roleInHouse
	roleCharity
	roleRegional
	roleAgency
)

// provider is one organisation in the synthetic market.
type provider struct {
	id, name, sector string
	role             role
	quality          float64 // provider-wide performance, N(0,1); positive is better
}

// presence is a provider delivering a service in one council.
type presence struct {
	prov    *provider
	service string
	size    float64 // people served (households for waste)
	key     uint64  // stream key of this provider, service and council
}

type idKind uint8

const (
	idCQC idKind = iota
	idOfsted
	idCompany
	idCharity
)

// chain is a national provider present in many councils.
type chain struct {
	name     string
	sector   string
	services []string
	cover    float64 // chance of working in a given council
	home     string  // region where it is strongest
	size     float64 // people served in a council of 300,000
	id       idKind
}

var chains = []chain{
	{"Hearthside Care Group plc", "plc", []string{svcHomecare, svcSupported}, 0.45, "", 68, idCQC},
	{"Kindred Homecare Ltd", "private", []string{svcHomecare}, 0.35, "North West", 60, idCQC},
	{"Willowmere Home Support Ltd", "private", []string{svcHomecare}, 0.32, "South East", 52, idCQC},
	{"Allbright Care Services plc", "plc", []string{svcHomecare}, 0.38, "", 75, idCQC},
	{"Tendwell Care Ltd", "private", []string{svcHomecare, svcSupported}, 0.28, "West Midlands", 45, idCQC},
	{"Carrowgate Homecare Ltd", "private", []string{svcHomecare}, 0.26, "Yorkshire and The Humber", 52, idCQC},
	{"Brightwater Domiciliary Care Ltd", "private", []string{svcHomecare}, 0.25, "London", 45, idCQC},
	{"Heronsgate Healthcare plc", "plc", []string{svcHomecare, svcCareHome}, 0.3, "", 60, idCQC},
	{"Larchfield Care Homes plc", "plc", []string{svcCareHome}, 0.5, "", 72, idCQC},
	{"Amberleigh Healthcare Ltd", "private", []string{svcCareHome}, 0.36, "East of England", 54, idCQC},
	{"Greystone Lodge Care Ltd", "private", []string{svcCareHome}, 0.32, "South West", 48, idCQC},
	{"Belvédère Care Homes Ltd", "private", []string{svcCareHome}, 0.28, "London", 42, idCQC},
	{"Oakhurst Residential Care plc", "plc", []string{svcCareHome}, 0.36, "North East", 60, idCQC},
	{"Primrose Court Care Group Ltd", "private", []string{svcCareHome}, 0.28, "East Midlands", 48, idCQC},
	{"Pathway Living Support Ltd", "private", []string{svcSupported}, 0.34, "", 25, idCQC},
	{"Keystone Supported Living Ltd", "private", []string{svcSupported}, 0.28, "", 21, idCQC},
	{"Harbourlight Children's Services Ltd", "private", []string{svcChildren}, 0.28, "", 5, idOfsted},
	{"Evergreen Young People's Homes Ltd", "private", []string{svcChildren}, 0.24, "", 5, idOfsted},
	{"Northstar Care for Children plc", "plc", []string{svcChildren}, 0.32, "North West", 7, idOfsted},
	{"Safe Harbour Residential Childcare Ltd", "private", []string{svcChildren}, 0.2, "South East", 5, idOfsted},
}

// wasteChains are the national waste contractors, with the share of
// contracted-out councils each holds.
var wasteChains = []struct {
	name, sector string
	share        float64
}{
	{"Verdant Environmental Services Ltd", "private", 0.45},
	{"Cleanway Municipal plc", "plc", 0.35},
	{"Urbaserve Waste Solutions Ltd", "private", 0.2},
}

// regionWords name regional firms after their patch.
var regionWords = map[string][]string{
	"North East":               {"Tyneside", "Wearside", "Cheviot", "Teesdale"},
	"North West":               {"Pennine", "Fylde", "Mersey", "Lunesdale"},
	"Yorkshire and The Humber": {"Dales", "Ridings", "Humberside", "Wolds"},
	"East Midlands":            {"Trentside", "Soar Valley", "Peakland", "Wreake"},
	"West Midlands":            {"Severnside", "Arden", "Malvern", "Wrekin"},
	"East of England":          {"Fenway", "Broads", "Stour Valley", "Ouse Valley"},
	"London":                   {"Thameside", "Capital", "Metro", "Riverside"},
	"South East":               {"Downland", "Weald", "Solent", "Chiltern"},
	"South West":               {"Mendip", "Quantock", "Exe Valley", "Tamar"},
}

var (
	stemFirst = []string{"Amber", "Apple", "Ash", "Aspen", "Beacon", "Birch", "Bluebell", "Bramble",
		"Briar", "Cedar", "Clover", "Copper", "Daisy", "Elder", "Elm", "Fern", "Golden", "Hazel",
		"Heather", "Holly", "Ivy", "Juniper", "Kestrel", "Lark", "Laurel", "Linden", "Maple",
		"Meadow", "Myrtle", "Oak", "Orchard", "Poppy", "Rowan", "Saffron", "Silver", "Sorrel",
		"Sycamore", "Thistle", "Violet", "Wren", "Yew", "Foxglove", "Hawthorn", "Lavender",
		"Marigold", "Willow", "Harbour", "Lantern"}
	stemSecond = []string{"brook", "field", "gate", "view", "court", "vale", "side", "way", "leaf",
		"tree", "hill", "bank", "lea", "dene", "rise", "well", "stone", "wood", "croft", "haven"}
	serviceNouns = map[string][]string{
		svcHomecare:  {"Homecare", "Home Care", "Care at Home", "Domiciliary Care", "Care Services", "Home Support"},
		svcCareHome:  {"Care Home", "Nursing Home", "Residential Home", "Lodge", "House Care"},
		svcSupported: {"Support", "Supported Living", "Community Support", "Living Support"},
		svcChildren:  {"Children's Services", "Young People's Homes", "Childcare", "Children's Homes"},
		svcWaste:     {"Environmental", "Waste Services", "Recycling", "Environmental Services"},
	}
	charityNames = map[string]string{
		svcHomecare:  "%s Community Care Trust",
		svcSupported: "%s Independent Living Association",
		svcCareHome:  "%s Almshouses and Care Charity",
		svcChildren:  "%s Children's Charity",
		svcWaste:     "%s Community Recycling Trust",
	}
	inHouse = map[string]struct{ ref, name string }{
		svcHomecare:  {"HC01", "%s Council Reablement Service"},
		svcCareHome:  {"RC01", "%s Council Residential Care"},
		svcSupported: {"SL01", "%s Council Supported Living"},
		svcChildren:  {"CYP01", "%s Council Children's Homes"},
		svcWaste:     {"WS01", "%s Council Waste and Recycling"},
	}
	// inHouseChance is how often a council runs the service itself.
	inHouseChance = map[string]float64{svcHomecare: 0.45, svcCareHome: 0.3, svcSupported: 0.25, svcChildren: 0.5}
)

// market is the roster of providers and where each works.
type market struct {
	providers  []*provider
	byCouncil  map[string][]presence // council code -> presences, in keeping order
	ids, names map[string]bool
	seed       uint64
	s          *stream
}

// buildMarket draws the roster for councils (every council that may be
// written, so that a provider's id and name do not depend on which are).
// agencies scales the number of small local providers; 1 is the natural
// market.
func buildMarket(seed uint64, councils []*schemas.Council, services map[string]bool, agencies float64) *market {
	m := &market{
		byCouncil: map[string][]presence{},
		ids:       map[string]bool{},
		names:     map[string]bool{},
		seed:      seed,
		s:         newStream(),
	}
	// Separate streams for separate purposes, so that drawing one thing
	// (a provider's id in add) never disturbs the stream of another.
	draw := newStream()   // whether and how much a provider works in a council
	choice := newStream() // a council's or region's own choices
	item := newStream()   // one local provider
	var care, waste []*schemas.Council
	regions := map[string][]*schemas.Council{}
	for _, c := range councils {
		if c.SocialCare() {
			care = append(care, c)
			regions[c.Region] = append(regions[c.Region], c)
		}
		if c.WasteCollection() {
			waste = append(waste, c)
		}
	}

	for _, ch := range chains {
		p := m.add(key("chain", ch.name), ch.name, ch.sector, roleChain, ch.id)
		for _, c := range care {
			for _, svc := range ch.services {
				if !services[svc] {
					continue
				}
				r := draw.at(seed, key("cover", ch.name, svc, c.Code))
				boost := 1.0
				if ch.home == c.Region {
					boost = 1.6
				} else if ch.home != "" {
					boost = 0.85
				}
				if r.Float64() < min(0.95, ch.cover*boost*popFactor(c)) {
					size := max(minSize(svc), ch.size*math.Pow(popScale(c), 0.75)*lognormal(r, 0.5))
					m.place(c, p, svc, size)
				}
			}
		}
	}

	regionNames := make([]string, 0, len(regions))
	for name := range regions {
		regionNames = append(regionNames, name)
	}
	slices.Sort(regionNames)
	regionalWaste := map[string]*provider{}
	for _, region := range regionNames {
		words := regionWords[region]
		if len(words) == 0 {
			words = []string{"Shire", "County", "Vale", "Borough"}
		}
		firms := []struct {
			svc string
			n   int
		}{{svcHomecare, 3}, {svcCareHome, 2}, {svcSupported, 1}, {svcChildren, 1}}
		for _, f := range firms {
			if !services[f.svc] {
				continue
			}
			for i := range f.n {
				r := choice.at(seed, key("regional", region, f.svc, strconv.Itoa(i)))
				nouns := serviceNouns[f.svc]
				name := m.uniqueName(words[(i+len(f.svc))%len(words)]+" "+nouns[r.IntN(len(nouns))]+suffix(r), "")
				p := m.add(key("regional", name), name, "private", roleRegional, idFor(f.svc))
				for _, c := range regions[region] {
					r := draw.at(seed, key("cover", name, f.svc, c.Code))
					if r.Float64() < min(0.9, 0.4*popFactor(c)) {
						m.place(c, p, f.svc, max(minSize(f.svc), 0.7*typicalSize(f.svc)*math.Pow(popScale(c), 0.75)*lognormal(r, 0.5)))
					}
				}
			}
		}
		if services[svcWaste] {
			r := choice.at(seed, key("regional-waste", region))
			nouns := serviceNouns[svcWaste]
			name := m.uniqueName(words[len(words)-1]+" "+nouns[r.IntN(len(nouns))]+suffix(r), "")
			regionalWaste[region] = m.add(key("regional", name), name, "private", roleRegional, idCompany)
		}
	}

	for _, c := range care {
		r := choice.at(seed, key("local", c.Code))
		for _, svc := range careServices {
			if services[svc] && r.Float64() < inHouseChance[svc] {
				m.placeInHouse(c, svc, max(minSize(svc), typicalSize(svc)*math.Pow(popScale(c), 0.8)*lognormal(r, 0.3)))
			}
		}
		if r.Float64() < 0.55 {
			svc := pick(r, []string{svcHomecare, svcSupported, svcCareHome, svcChildren}, []float64{0.4, 0.35, 0.1, 0.15})
			if services[svc] {
				p := m.charity(c, svc)
				m.place(c, p, svc, max(minSize(svc), 0.4*typicalSize(svc)*lognormal(r, 0.5)))
				if r.Float64() < 0.4 {
					if n := neighbour(r, regions[c.Region], c); n != nil {
						m.place(n, p, svc, max(minSize(svc), 0.2*typicalSize(svc)*lognormal(r, 0.5)))
					}
				}
			}
		}
		root := math.Sqrt(popScale(c))
		counts := []struct {
			svc string
			n   float64
		}{
			{svcHomecare, 0.8 + 1.3*root},
			{svcCareHome, 0.2 + 0.9*root},
			{svcSupported, 0.3 + 0.5*root},
			{svcChildren, 0.2 + 0.5*root},
		}
		for _, k := range counts {
			if !services[k.svc] {
				continue
			}
			for i := range int(math.Round(k.n * agencies)) {
				r := item.at(seed, key("agency", c.Code, k.svc, strconv.Itoa(i)))
				p := m.agency(r, c, k.svc)
				m.place(c, p, k.svc, max(minSize(k.svc), 0.4*typicalSize(k.svc)*lognormal(r, 0.6)))
				if k.svc == svcHomecare && r.Float64() < 0.12 {
					if n := neighbour(r, regions[c.Region], c); n != nil {
						m.place(n, p, k.svc, max(minSize(k.svc), 0.1*typicalSize(k.svc)*lognormal(r, 0.5)))
					}
				}
			}
		}
	}

	if services[svcWaste] {
		weights := make([]float64, len(wasteChains))
		national := make([]*provider, len(wasteChains))
		for i, w := range wasteChains {
			weights[i] = w.share
			national[i] = m.add(key("chain", w.name), w.name, w.sector, roleChain, idCompany)
		}
		for _, c := range waste {
			r := choice.at(seed, key("waste", c.Code))
			households := float64(max(c.Population, 1000)) / 2.35
			share := 1.0
			if r.Float64() < 0.2 {
				share = 0.75
			}
			if r.Float64() < 0.5 {
				m.placeInHouse(c, svcWaste, households*share)
			} else {
				main := national[pickIndex(r, weights)]
				if r.Float64() < 0.35 && regionalWaste[c.Region] != nil {
					main = regionalWaste[c.Region]
				}
				m.place(c, main, svcWaste, households*share)
			}
			if share < 1 {
				m.place(c, m.charity(c, svcWaste), svcWaste, households*(1-share))
			}
		}
	}

	for code, ps := range m.byCouncil {
		slices.SortStableFunc(ps, func(a, b presence) int { return int(a.prov.role) - int(b.prov.role) })
		// Keep one small provider near the front, so a trimmed sample
		// still has small numbers.
		if i := slices.IndexFunc(ps, func(p presence) bool { return p.prov.role == roleAgency }); i > 1 {
			small := ps[i]
			copy(ps[2:i+1], ps[1:i])
			ps[1] = small
		}
		m.byCouncil[code] = ps
	}
	return m
}

// place records that p delivers svc in council c, once.
func (m *market) place(c *schemas.Council, p *provider, svc string, size float64) {
	for _, have := range m.byCouncil[c.Code] {
		if have.prov == p && have.service == svc {
			return
		}
	}
	m.byCouncil[c.Code] = append(m.byCouncil[c.Code], presence{
		prov: p, service: svc, size: size, key: key(c.Code, p.id, svc),
	})
}

func (m *market) placeInHouse(c *schemas.Council, svc string, size float64) {
	h := inHouse[svc]
	id := "LOCAL-" + c.RegistryCode + "-" + h.ref
	name := fmt.Sprintf(h.name, c.Name)
	r := m.s.at(m.seed, key("provider", id))
	p := &provider{id: id, name: name, sector: "public", role: roleInHouse, quality: r.NormFloat64()}
	m.ids[id], m.names[name] = true, true
	m.providers = append(m.providers, p)
	m.place(c, p, svc, size)
}

func (m *market) charity(c *schemas.Council, svc string) *provider {
	name := fmt.Sprintf(charityNames[svc], c.Name)
	r := m.s.at(m.seed, key("charity", c.Code, svc))
	kind := idCharity
	if svc != svcWaste && r.IntN(2) == 0 {
		kind = idFor(svc)
	}
	return m.add(key("charity", name), m.uniqueName(name, c.Name), "voluntary", roleCharity, kind)
}

func (m *market) agency(r *rand.Rand, c *schemas.Council, svc string) *provider {
	nouns := serviceNouns[svc]
	var name string
	for range 8 { // a fresh draw reads better than a qualified name
		stem := stemFirst[r.IntN(len(stemFirst))] + stemSecond[r.IntN(len(stemSecond))]
		if name = stem + " " + nouns[r.IntN(len(nouns))] + suffix(r); !m.names[name] {
			break
		}
	}
	name = m.uniqueName(name, c.Name)
	return m.add(key("agency", name), name, "private", roleAgency, idFor(svc))
}

// add creates a provider with a new id of the given kind. The id and the
// provider's quality are drawn from a stream keyed by k.
func (m *market) add(k uint64, name, sector string, rl role, kind idKind) *provider {
	r := m.s.at(m.seed, k)
	var id string
	for id == "" || m.ids[id] {
		id = newID(r, kind)
	}
	p := &provider{id: id, name: name, sector: sector, role: rl, quality: r.NormFloat64()}
	// A few providers are failing across the board.
	if r.Float64() < 0.03 {
		p.quality -= 2.5
	}
	m.ids[id], m.names[name] = true, true
	m.providers = append(m.providers, p)
	return p
}

// uniqueName returns name, or when it is taken the name qualified with
// place, or numbered.
func (m *market) uniqueName(name, place string) string {
	if !m.names[name] {
		return name
	}
	base := name
	if place != "" {
		name = base + " (" + place + ")"
	}
	for i := 2; m.names[name]; i++ {
		name = fmt.Sprintf("%s %d", base, i)
	}
	return name
}

func newID(r *rand.Rand, kind idKind) string {
	switch kind {
	case idOfsted:
		return fmt.Sprintf("SC%06d", r.IntN(1_000_000))
	case idCompany:
		return fmt.Sprintf("GB-COH-%08d", 1_000_000+r.IntN(14_000_000))
	case idCharity:
		if r.IntN(3) == 0 {
			return fmt.Sprintf("GB-CHC-%d", 200_000+r.IntN(800_000))
		}
		return fmt.Sprintf("GB-CHC-%d", 1_000_000+r.IntN(210_000))
	}
	if r.IntN(3) == 0 {
		return fmt.Sprintf("1-%d", 1_000_000_000+r.IntN(1_000_000_000))
	}
	return fmt.Sprintf("1-%d", 100_000_000+r.IntN(100_000_000))
}

func idFor(svc string) idKind {
	switch svc {
	case svcChildren:
		return idOfsted
	case svcWaste:
		return idCompany
	}
	return idCQC
}

func suffix(r *rand.Rand) string {
	if r.IntN(5) == 0 {
		return " Limited"
	}
	return " Ltd"
}

// typicalSize is the people a mid-sized provider serves in a council of
// 300,000.
func typicalSize(svc string) float64 {
	switch svc {
	case svcHomecare:
		return 60
	case svcCareHome:
		return 55
	case svcSupported:
		return 22
	case svcChildren:
		return 4
	}
	return 1000
}

func minSize(svc string) float64 {
	if svc == svcChildren {
		return 1
	}
	return 3
}

// popScale is a council's population relative to 300,000.
func popScale(c *schemas.Council) float64 { return float64(max(c.Population, 2000)) / 300_000 }

// popFactor makes providers likelier to work in large councils.
func popFactor(c *schemas.Council) float64 {
	return min(1.8, max(0.5, 0.55+0.45*math.Sqrt(popScale(c))))
}

func neighbour(r *rand.Rand, region []*schemas.Council, c *schemas.Council) *schemas.Council {
	if len(region) < 2 {
		return nil
	}
	for {
		if n := region[r.IntN(len(region))]; n != c {
			return n
		}
	}
}

func pick(r *rand.Rand, items []string, weights []float64) string {
	return items[pickIndex(r, weights)]
}

func pickIndex(r *rand.Rand, weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	u := r.Float64() * total
	for i, w := range weights {
		if u < w {
			return i
		}
		u -= w
	}
	return len(weights) - 1
}
