package schemas

import (
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

// referenceCouncils loads the repository's reference data once for all the
// tests that need it.
var referenceCouncils = sync.OnceValues(func() (*Councils, error) {
	return LoadCouncils(os.DirFS("../data/reference"))
})

func mustCouncils(t *testing.T) *Councils {
	t.Helper()
	cs, err := referenceCouncils()
	if err != nil {
		t.Fatalf("LoadCouncils: %v", err)
	}
	return cs
}

func TestResolve(t *testing.T) {
	t.Parallel()
	var anyDay time.Time
	tests := []struct {
		name string
		in   string
		day  time.Time
		want string // GSS code
	}{
		{"current code", "E08000009", anyDay, "E08000009"},
		{"current code in lower case", " e08000009 ", anyDay, "E08000009"},
		{"current code with a day", "E08000009", day(2024, time.April, 1), "E08000009"},
		{"former code of a council that still exists", "E08000020", anyDay, "E08000037"},
		{"former code with a day", "E08000020", day(2010, time.April, 1), "E08000037"},
		{"register code", "TRF", anyDay, "E08000009"},
		{"register code in lower case", "trf", anyDay, "E08000009"},
		{"name in lower case", "trafford", anyDay, "E08000009"},
		{"name with Council", "Trafford Council", anyDay, "E08000009"},
		{"official name", "Trafford Metropolitan Borough Council", anyDay, "E08000009"},
		{"St without a stop", "St Helens", anyDay, "E08000013"},
		{"St with a stop", "St. Helens", anyDay, "E08000013"},
		{"ampersand for and", "Bath & North East Somerset", anyDay, "E06000022"},
		{"name with a comma of its own", "Bristol, City of", anyDay, "E06000023"},
		{"name that only an alt-name list splits wrongly", "Newcastle upon Tyne", anyDay, "E08000021"},
		{"abolished council before its end", "E10000021", day(2021, time.March, 31), "E10000021"},
		{"abolished council with no day", "E10000021", anyDay, "E10000021"},
		{"abolished council by name before its end", "Northamptonshire", day(2020, time.April, 1), "E10000021"},
		{"shared name before reorganisation", "Somerset", day(2022, time.April, 1), "E10000027"},
		{"shared name on the day of reorganisation", "Somerset", day(2023, time.April, 1), "E06000066"},
		{"shared name with no day", "Somerset", anyDay, "E06000066"},
		{"successor on its first day", "E06000061", day(2021, time.April, 1), "E06000061"},
	}
	cs := mustCouncils(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := cs.Resolve(tt.in, tt.day)
			if err != nil {
				t.Fatalf("Resolve(%q, %s) error: %v", tt.in, tt.day.Format(time.DateOnly), err)
			}
			if c.Code != tt.want {
				t.Errorf("Resolve(%q, %s) = %s (%s), want %s", tt.in, tt.day.Format(time.DateOnly), c.Code, c.Name, tt.want)
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	t.Parallel()
	var anyDay time.Time
	tests := []struct {
		name     string
		in       string
		day      time.Time
		wantErr  error
		wantHint string
	}{
		{
			"abolished council after its end", "E10000021", day(2021, time.April, 1), ErrCouncilEnded,
			"Northamptonshire (E10000021) was abolished on 2021-04-01; returns for later periods belong to its successors: North Northamptonshire (E06000061) and West Northamptonshire (E06000062)",
		},
		{
			"abolished council by name after its end", "Northamptonshire", day(2024, time.April, 1), ErrCouncilEnded,
			"Northamptonshire (E10000021) was abolished on 2021-04-01; returns for later periods belong to its successors: North Northamptonshire (E06000061) and West Northamptonshire (E06000062)",
		},
		{
			"successor abolished in turn", "E07000191", day(2024, time.April, 1), ErrCouncilEnded,
			"West Somerset (E07000191) was abolished on 2019-03-31; returns for later periods belong to its successor: Somerset (E06000066)",
		},
		{
			"successor before it existed", "E06000061", day(2020, time.April, 1), ErrCouncilEnded,
			"North Northamptonshire (E06000061) was created on 2021-04-01; returns for earlier periods belong to the councils it replaced: Corby (E07000150), East Northamptonshire (E07000152), Kettering (E07000153), Wellingborough (E07000156) and Northamptonshire (E10000021)",
		},
		{
			"code one digit short", "E0800009", anyDay, ErrUnknownCouncil,
			"no council has that code; did you mean E08000009 (Trafford), E08000019 (Sheffield) or E08000029 (Solihull)?",
		},
		{
			"well-formed code nobody has", "E99999999", anyDay, ErrUnknownCouncil,
			"no council has that code; GSS codes are a letter and eight digits, such as E08000009",
		},
		{
			"misspelt name", "Trafferd", anyDay, ErrUnknownCouncil,
			"no council has that name; did you mean Trafford (E08000009), Bradford (E08000032) or Stafford (E07000197)?",
		},
		{
			"misspelt shared name points to the current council", "Somersett", anyDay, ErrUnknownCouncil,
			"no council has that name; did you mean Somerset (E06000066)?",
		},
		{
			"name with nothing near", "Q", anyDay, ErrUnknownCouncil,
			"no council has that name; give its GSS code, such as E08000009",
		},
		{
			"blank", "  ", anyDay, ErrUnknownCouncil,
			"the council is blank; give its GSS code, such as E08000009",
		},
	}
	cs := mustCouncils(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := cs.Resolve(tt.in, tt.day)
			if err == nil {
				t.Fatalf("Resolve(%q, %s) = %s, want an error", tt.in, tt.day.Format(time.DateOnly), c.Code)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Resolve(%q) error = %v, want it to wrap %v", tt.in, err, tt.wantErr)
			}
			var ce *CouncilError
			if !errors.As(err, &ce) {
				t.Fatalf("Resolve(%q) error %T is not a *CouncilError", tt.in, err)
			}
			if ce.Input != tt.in {
				t.Errorf("Input = %q, want %q", ce.Input, tt.in)
			}
			if ce.Hint != tt.wantHint {
				t.Errorf("Resolve(%q) hint\n got %q\nwant %q", tt.in, ce.Hint, tt.wantHint)
			}
		})
	}
}

// TestResolveNotCouncil checks that codes and names of areas that are not
// councils, and codes outside England, say what they are rather than
// suggesting the nearest council.
func TestResolveNotCouncil(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		wantErr error
		want    string // the error's text
	}{
		{"England", "E92000001", ErrNotCouncil, `"E92000001" is England, not a council`},
		{"England by name", "england", ErrNotCouncil, `"england" is England, not a council`},
		{"Wales", "W92000004", ErrNotCouncil, `"W92000004" is Wales, not a council`},
		{"the United Kingdom by name", "UK", ErrNotCouncil, `"UK" is the United Kingdom, not a council`},
		{"a region", "e12000007", ErrNotCouncil, `"e12000007" is the London region, not a council`},
		{"a region by name", "South West", ErrNotCouncil, `"South West" is the South West region, not a council`},
		{"a region code the table does not name", "E12000099", ErrNotCouncil, `"E12000099" is a region of England, not a council`},
		{"a ward", "E05011111", ErrNotCouncil, `"E05011111" is an electoral ward, not a council`},
		{"a metropolitan county", "E11000001", ErrNotCouncil, `"E11000001" is a metropolitan county, whose councils are its metropolitan districts (E08…), not a council`},
		{"a constituency", "E14000530", ErrNotCouncil, `"E14000530" is a parliamentary constituency, not a council`},
		{"an unknown Welsh code", "W06000099", ErrCouncilOutOfScope, `"W06000099" is a code for an area in Wales; only councils in England send returns`},
		{"an unknown English council code still gets a suggestion", "E08000099", ErrUnknownCouncil, `unknown council: "E08000099"`},
	}
	cs := mustCouncils(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := cs.Resolve(tt.in, time.Time{})
			if err == nil {
				t.Fatalf("Resolve(%q) = %s, want an error", tt.in, c.Code)
			}
			var ce *CouncilError
			if !errors.As(err, &ce) || !errors.Is(err, tt.wantErr) {
				t.Fatalf("Resolve(%q) error = %v, want a *CouncilError wrapping %v", tt.in, err, tt.wantErr)
			}
			if err.Error() != tt.want {
				t.Errorf("Resolve(%q) error\n got %q\nwant %q", tt.in, err, tt.want)
			}
			if tt.wantErr == ErrUnknownCouncil && !strings.Contains(ce.Hint, "did you mean") {
				t.Errorf("hint %q suggests no council", ce.Hint)
			}
		})
	}
}

// TestEligible checks which councils may send returns.
func TestEligible(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code string
		want string // the error's text; "" for none
	}{
		{"E08000009", ""},
		{"E10000016", ""}, // a county
		{"E07000008", ""}, // a district
		{"E09000001", ""}, // the City of London
		{"E10000021", ""}, // abolished, for its earlier periods
		{"W06000015", `"W06000015" is Cardiff (W06000015), a council in Wales; only councils in England send returns`},
		{"S12000036", `"S12000036" is City of Edinburgh (S12000036), a council in Scotland; only councils in England send returns`},
		{"N09000003", `"N09000003" is Belfast (N09000003), a council in Northern Ireland; only councils in England send returns`},
		{"E47000001", `"E47000001" is Greater Manchester Combined Authority (E47000001), a combined authority, which commissions none of the services Yardstick compares`},
		{"E61000001", `"E61000001" is Greater London Authority (E61000001), a strategic regional authority, which commissions none of the services Yardstick compares`},
	}
	cs := mustCouncils(t)
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			t.Parallel()
			c, ok := cs.ByCode(tt.code)
			if !ok {
				t.Fatalf("no council %s", tt.code)
			}
			err := cs.Eligible(c)
			if tt.want == "" {
				if err != nil {
					t.Errorf("Eligible(%s) = %v, want nil", tt.code, err)
				}
				return
			}
			if err == nil || err.Error() != tt.want || !errors.Is(err, ErrCouncilOutOfScope) {
				t.Errorf("Eligible(%s) = %v, want %q wrapping ErrCouncilOutOfScope", tt.code, err, tt.want)
			}
			if _, err := cs.ResolveGiven(tt.code); ErrorCode(err) != EINVALID || !strings.HasPrefix(err.Error(), tt.want+"; ") {
				t.Errorf("ResolveGiven(%s) = %v, want %q and a hint, coded %s", tt.code, err, tt.want, EINVALID)
			}
		})
	}
}

// TestResponsible checks Has and Responsible: who has social care and
// waste collection where a council does not.
func TestResponsible(t *testing.T) {
	t.Parallel()
	cs := mustCouncils(t)
	names := func(cs []*Council) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Name)
		}
		return out
	}
	kent, _ := cs.ByCode("E10000016")
	cambridge, _ := cs.ByCode("E07000008")
	corby, _ := cs.ByCode("E07000150")
	trafford, _ := cs.ByCode("E08000009")
	if !kent.Has(ResponsibilitySocialCare) || kent.Has(ResponsibilityWasteCollection) || !kent.Has("") {
		t.Error("Kent should have social care and no waste collection")
	}
	if cambridge.Has(ResponsibilitySocialCare) || !cambridge.Has(ResponsibilityWasteCollection) {
		t.Error("Cambridge should have waste collection and no social care")
	}
	tests := []struct {
		name string
		c    *Council
		r    Responsibility
		day  time.Time
		want []string
	}{
		{"a district's county", cambridge, ResponsibilitySocialCare, time.Time{}, []string{"Cambridgeshire"}},
		{"a county's districts", kent, ResponsibilityWasteCollection, time.Time{}, []string{
			"Ashford", "Canterbury", "Dartford", "Dover", "Gravesham", "Maidstone", "Sevenoaks",
			"Folkestone and Hythe", "Swale", "Thanet", "Tonbridge and Malling", "Tunbridge Wells"}},
		{"an abolished district's county then", corby, ResponsibilitySocialCare, day(2019, time.April, 1), []string{"Northamptonshire"}},
		{"a council that has both", trafford, ResponsibilitySocialCare, time.Time{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := names(cs.Responsible(tt.c, tt.r, tt.day)); !slices.Equal(got, tt.want) {
				t.Errorf("Responsible(%s, %s) = %q, want %q", tt.c.Name, tt.r, got, tt.want)
			}
		})
	}
}

func TestResolveUnknownNameHasDidYouMean(t *testing.T) {
	t.Parallel()
	cs := mustCouncils(t)
	_, err := cs.Resolve("Manchestr", time.Time{})
	var ce *CouncilError
	if !errors.As(err, &ce) {
		t.Fatalf("Resolve(Manchestr) error = %v, want a *CouncilError", err)
	}
	if !strings.HasPrefix(ce.Hint, "no council has that name; did you mean Manchester (E08000003)") {
		t.Errorf("hint = %q, want it to suggest Manchester (E08000003) first", ce.Hint)
	}
	if got, want := err.Error(), `unknown council: "Manchestr"`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestResolveAmbiguous(t *testing.T) {
	t.Parallel()
	cs, err := LoadCouncils(os.DirFS("testdata/TestResolveAmbiguous"))
	if err != nil {
		t.Fatalf("LoadCouncils: %v", err)
	}
	var anyDay time.Time
	const newtownHint = "the name fits more than one council; give the GSS code of the one you mean: " +
		"E07000901 (Newtown Borough Council, Non-metropolitan district) or W06000901 (Newtown County Council, Welsh unitary authority)"
	tests := []struct {
		name     string
		in       string
		day      time.Time
		want     string
		wantErr  error
		wantHint string
	}{
		{"two current councils", "Newtown", anyDay, "", ErrAmbiguousCouncil, newtownHint},
		{"two current councils on a day", "Newtown", day(2024, time.April, 1), "", ErrAmbiguousCouncil, newtownHint},
		{"spelling from the name lookup", "New Town", anyDay, "", ErrAmbiguousCouncil, newtownHint},
		{"the code decides", "W06000901", anyDay, "W06000901", nil, ""},
		{"a former code from the GSS lookup", "E07000800", anyDay, "E07000901", nil, ""},
		{
			"two abolished councils and no day", "Oldvale", anyDay, "", ErrAmbiguousCouncil,
			"the name fits more than one council; give the GSS code of the one you mean: " +
				"E07000902 (Oldvale District Council, Non-metropolitan district) or E07000903 (Oldvale Borough Council, Non-metropolitan district)",
		},
		{"the day picks the earlier", "Oldvale", day(2009, time.April, 1), "E07000902", nil, ""},
		{"the day picks the later", "Oldvale", day(2011, time.April, 1), "E07000903", nil, ""},
		{
			"after both", "Oldvale", day(2013, time.April, 1), "", ErrCouncilEnded,
			"Oldvale (E07000902) was abolished on 2010-04-01; returns for later periods belong to its successor: Newtown (E07000901)",
		},
		{"a council without a code is left out", "Nowhere", anyDay, "", ErrUnknownCouncil, "no council has that name; give its GSS code, such as E08000009"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := cs.Resolve(tt.in, tt.day)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Resolve(%q) error: %v", tt.in, err)
				}
				if c.Code != tt.want {
					t.Errorf("Resolve(%q) = %s, want %s", tt.in, c.Code, tt.want)
				}
				return
			}
			var ce *CouncilError
			if !errors.As(err, &ce) || !errors.Is(err, tt.wantErr) {
				t.Fatalf("Resolve(%q) error = %v, want a *CouncilError wrapping %v", tt.in, err, tt.wantErr)
			}
			if ce.Hint != tt.wantHint {
				t.Errorf("Resolve(%q) hint\n got %q\nwant %q", tt.in, ce.Hint, tt.wantHint)
			}
		})
	}
}

func TestCouncilFields(t *testing.T) {
	t.Parallel()
	cs := mustCouncils(t)
	trafford, ok := cs.ByCode("E08000009")
	if !ok {
		t.Fatal("ByCode(E08000009) not found")
	}
	if got, want := [...]string{trafford.Name, trafford.OfficialName, trafford.RegistryCode, trafford.Type, trafford.Region, trafford.Nation},
		[...]string{"Trafford", "Trafford Metropolitan Borough Council", "TRF", "MD", "North West", "England"}; got != want {
		t.Errorf("Trafford fields = %q, want %q", got, want)
	}
	if trafford.Population != 237579 || trafford.AreaKm2 != 106 {
		t.Errorf("Trafford population, area = %d, %g; want 237579, 106", trafford.Population, trafford.AreaKm2)
	}
	if !trafford.Current() || !trafford.SocialCare() || !trafford.WasteCollection() {
		t.Errorf("Trafford Current, SocialCare, WasteCollection = %v, %v, %v; want all true",
			trafford.Current(), trafford.SocialCare(), trafford.WasteCollection())
	}

	if _, ok := cs.ByCode("E08000020"); ok {
		t.Error("ByCode(E08000020) found a council; a former code is not a current one")
	}
	gateshead, _ := cs.ByCode("E08000037")
	if !slices.Equal(gateshead.FormerCodes, []string{"E08000020"}) {
		t.Errorf("Gateshead FormerCodes = %v, want [E08000020]", gateshead.FormerCodes)
	}

	northants, _ := cs.ByCode("E10000021")
	if !slices.Equal(northants.ReplacedBy, []string{"E06000061", "E06000062"}) {
		t.Errorf("Northamptonshire ReplacedBy = %v, want [E06000061 E06000062]", northants.ReplacedBy)
	}
	if northants.Current() || !northants.SocialCare() || northants.WasteCollection() {
		t.Errorf("Northamptonshire Current, SocialCare, WasteCollection = %v, %v, %v; want false, true, false",
			northants.Current(), northants.SocialCare(), northants.WasteCollection())
	}
	if !northants.ExistedAt(day(2021, time.March, 31)) || northants.ExistedAt(day(2021, time.April, 1)) {
		t.Error("Northamptonshire should exist on 2021-03-31 and not on 2021-04-01")
	}

	corby, _ := cs.ByCode("E07000150")
	if corby.County != "E10000021" {
		t.Errorf("Corby County = %q, want E10000021", corby.County)
	}
	if corby.SocialCare() || !corby.WasteCollection() {
		t.Errorf("Corby SocialCare, WasteCollection = %v, %v; want false, true", corby.SocialCare(), corby.WasteCollection())
	}

	all := cs.All()
	if !slices.IsSortedFunc(all, func(a, b *Council) int { return strings.Compare(a.Code, b.Code) }) {
		t.Error("All() is not sorted by code")
	}
	for _, c := range all {
		if !reGSS.MatchString(c.Code) {
			t.Errorf("All() holds %q (%s), which is not a GSS code", c.Code, c.Name)
		}
	}
}

// TestAbolishedRegions checks the regions of councils abolished before
// 2021, which the register leaves blank, against their successors and
// counties as the register gives them: Bournemouth and Poole became
// Bournemouth, Christchurch and Poole (South West); Buckinghamshire County
// Council became Buckinghamshire Council (South East); Forest Heath became
// West Suffolk (East of England); Kettering became North Northamptonshire
// (East Midlands, filled in by the register). No English council is left
// in region "England".
func TestAbolishedRegions(t *testing.T) {
	t.Parallel()
	cs := mustCouncils(t)
	for _, tt := range []struct{ Code, Name, Region string }{
		{"E06000028", "Bournemouth", "South West"},
		{"E06000029", "Poole", "South West"},
		{"E07000048", "Christchurch", "South West"},
		{"E10000002", "Buckinghamshire County", "South East"},
		{"E07000201", "Forest Heath", "East of England"},
		{"E07000205", "Suffolk Coastal", "East of England"},
		{"E07000153", "Kettering", "East Midlands"},
		{"E07000190", "Taunton Deane", "South West"},
	} {
		c, ok := cs.ByCode(tt.Code)
		if !ok || c.Name != tt.Name {
			t.Errorf("ByCode(%s) = %v, want %s", tt.Code, c, tt.Name)
			continue
		}
		if c.Region != tt.Region {
			t.Errorf("%s region = %q, want %q", tt.Name, c.Region, tt.Region)
		}
	}
	for _, c := range cs.All() {
		if c.Nation == "England" && c.Region == "England" {
			t.Errorf("%s (%s) is in region England", c.Name, c.Code)
		}
	}
}

// TestRegionFromCounty checks the fallbacks on a small register: a
// district with no successor takes its county's region; a council whose
// successors lie in different regions takes its county's, or else its
// nation; successions that loop end.
func TestRegionFromCounty(t *testing.T) {
	t.Parallel()
	const csv = `local-authority-code,official-name,nice-name,gss-code,start-date,end-date,replaced-by,nation,region,local-authority-type,local-authority-type-name,county-la,alt-names,former-gss-codes,area,pop-2020
CTY,Shire County Council,Shire,E10000901,,,,England,South West,CTY,County,,,,,
OLD,Old District Council,Old,E07000902,,2019-04-01,,England,,NMD,Non-metropolitan district,CTY,,,,
SPL,Split Council,Split,E07000903,,2019-04-01,"AAA,BBB",England,,NMD,Non-metropolitan district,,,,,
AAA,Aay Council,Aay,E06000904,,,,England,North East,UA,Unitary authority,,,,,
BBB,Bee Council,Bee,E06000905,,,,England,North West,UA,Unitary authority,,,,,
LP1,Loop One Council,Loop One,E07000906,,2019-04-01,LP2,England,,NMD,Non-metropolitan district,,,,,
LP2,Loop Two Council,Loop Two,E07000907,,2019-04-01,LP1,England,,NMD,Non-metropolitan district,,,,,
`
	cs, err := LoadCouncils(fstest.MapFS{
		councilsFile:   {Data: []byte(csv)},
		gssLookupFile:  {Data: []byte("gss-code,local-authority-code\n")},
		nameLookupFile: {Data: []byte("la-name,local-authority-code\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]string{
		"E07000902": "South West", "E07000903": "England", "E07000906": "England", "E07000907": "England",
	} {
		if c, _ := cs.ByCode(code); c.Region != want {
			t.Errorf("%s region = %q, want %q", c.Name, c.Region, want)
		}
	}
}

func TestLoadCouncilsErrors(t *testing.T) {
	t.Parallel()
	const header = "local-authority-code,official-name,nice-name,gss-code,start-date,end-date,pop-2020,area\n"
	lookups := fstest.MapFS{
		"mysociety_lookup_name_to_registry.csv": {Data: []byte("la-name,local-authority-code\n")},
		"mysociety_lookup_gss_to_registry.csv":  {Data: []byte("gss-code,local-authority-code\n")},
	}
	with := func(councils string) fstest.MapFS {
		fs := fstest.MapFS{"mysociety_uk_local_authorities.csv": {Data: []byte(councils)}}
		for k, v := range lookups {
			fs[k] = v
		}
		return fs
	}
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"missing register", lookups, "open reference data: open mysociety_uk_local_authorities.csv: file does not exist"},
		{"empty register", with(""), "read mysociety_uk_local_authorities.csv header: EOF"},
		{"bad start date", with(header + "AAA,A Council,A,E07000001,01/04/1974,,,\n"), `mysociety_uk_local_authorities.csv line 2: start-date: parsing time "01/04/1974" as "2006-01-02": cannot parse "01/04/1974" as "2006"`},
		{"bad population", with(header + "AAA,A Council,A,E07000001,,,many,\n"), `mysociety_uk_local_authorities.csv line 2: pop-2020: strconv.ParseFloat: parsing "many": invalid syntax`},
		{"missing lookup", fstest.MapFS{"mysociety_uk_local_authorities.csv": {Data: []byte(header)}}, "open reference data: open mysociety_lookup_gss_to_registry.csv: file does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := LoadCouncils(tt.fsys)
			if err == nil {
				t.Fatalf("LoadCouncils succeeded, want error %q", tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("LoadCouncils error\n got %q\nwant %q", err.Error(), tt.want)
			}
		})
	}
}

func TestSplitNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"plain list", "Trafford,trafford,trafford council", []string{"Trafford", "trafford", "trafford council"}},
		{"names with commas", "City of Bristol,Bristol, City of,bristol", []string{"City of Bristol", "Bristol, City of", "bristol"}},
		{"space before a separator", "Newry, Mourne and Down ,newry, mourne and down", []string{"Newry, Mourne and Down", "newry, mourne and down"}},
		{"empty items", ",a,,b,", []string{"a", "b"}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := splitNames(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("splitNames(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
