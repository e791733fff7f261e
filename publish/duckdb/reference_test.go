package duckdb

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/yardstick-open/yardstick/data"
	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"
)

// Fixture councils. A, B and C are unitary authorities, D a metropolitan
// district; A and B are in the North West, C and D in Yorkshire. E was
// abolished, S is Scottish.
const (
	cA = "E06000101"
	cB = "E06000102"
	cC = "E06000103"
	cD = "E08000104"
	cE = "E07000105"
	cS = "S12000106"
)

const fixtureCouncilsCSV = `local-authority-code,official-name,nice-name,gss-code,start-date,end-date,replaced-by,nation,region,local-authority-type,local-authority-type-name,county-la,alt-names,former-gss-codes,area,pop-2020
AAA,Aville Council,Aville,E06000101,,,,England,North West,UA,Unitary authority,,,,100.0,100000.0
BBB,Beeton Council,Beeton,E06000102,,,,England,North West,UA,Unitary authority,,,,100.0,200000.0
CCC,Ceeford Council,Ceeford,E06000103,,,,England,Yorkshire and The Humber,UA,Unitary authority,,,,1000.0,100000.0
DDD,Deebury Council,Deebury,E08000104,,,,England,Yorkshire and The Humber,MD,Metropolitan district,,,,100.0,100000.0
EEE,Eeshire Council,Eeshire,E07000105,,2021-04-01,,England,North West,NMD,Non-metropolitan district,,,,100.0,100000.0
SSS,Esstown Council,Esstown,S12000106,,,,Scotland,Scotland,SCO,Scottish unitary authority,,,,100.0,100000.0
`

func fixtureCouncils(t testing.TB) *schemas.Councils {
	t.Helper()
	fsys := fstest.MapFS{
		"mysociety_uk_local_authorities.csv":    {Data: []byte(fixtureCouncilsCSV)},
		"mysociety_lookup_gss_to_registry.csv":  {Data: []byte("gss-code,local-authority-code\n")},
		"mysociety_lookup_name_to_registry.csv": {Data: []byte("la-name,local-authority-code\n")},
	}
	cs, err := schemas.LoadCouncils(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// responsibilities is a catalogue whose services need rs, one service
// each ("" for a service any council may commission).
func responsibilities(rs ...schemas.Responsibility) *schemas.Catalogue {
	cat := &schemas.Catalogue{}
	for i, r := range rs {
		cat.Services = append(cat.Services, schemas.Service{ID: fmt.Sprintf("service-%d", i), Title: "Service", Responsibility: r})
	}
	return cat
}

// sortRows sorts rows of testdata/similar.sql as it orders them: by
// council, responsibility and rank (a number of one digit here).
func sortRows(rows [][]string) {
	slices.SortFunc(rows, func(a, b []string) int {
		return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]), cmp.Compare(a[3], b[3]))
	})
}

// TestNearestNeighbours checks yardstick-nn-v1 on the fixture councils
// against distances worked by hand. E (abolished) and S (another nation)
// are not candidates for A to D.
//
//	ln population: A, C, D ln 100000 = 11.512925; B ln 200000 = 12.206073
//	  mean 11.686212, SD 0.300142 -> z_pop A, C, D -0.577350; B 1.732051
//	ln density: A, D ln 1000 = 6.907755; B ln 2000 = 7.600902; C ln 100 = 4.605170
//	  mean 6.505396, SD 1.133002 -> z_density A, D 0.355127; B 0.966906; C -1.677159
//	A-D: sqrt(0 + 0 + 1 (type differs))                     = 1
//	A-C: sqrt(0 + (0.355127 + 1.677159)^2)                  = 2.032286
//	A-B: sqrt(2.309401^2 + 0.611779^2)                      = 2.389060
//	C-D: sqrt(0 + 2.032286^2 + 1)                           = 2.264991
//	B-D: sqrt(2.389060^2 + 1)                               = 2.589905
//	B-C: sqrt(2.309401^2 + 2.644065^2)                      = 3.510614
func TestNearestNeighbours(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := testSession(t, openTest(t))
	if err := s.createMacros(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.loadCouncils(ctx, fixtureCouncils(t)); err != nil {
		t.Fatal(err)
	}
	if err := s.loadSimilarCouncils(ctx, responsibilities(schemas.ResponsibilitySocialCare, schemas.ResponsibilityWasteCollection), "", 2); err != nil {
		t.Fatal(err)
	}
	got := queryStrings(t, s.conn, "similar")
	// Distances are published to six significant figures (sig6). A to D
	// all hold both responsibilities, so their two lists are the same.
	var want [][]string
	for _, w := range [][]string{
		{cA, cD, "1", "1.000000"},
		{cA, cC, "2", "2.032290"},
		{cB, cA, "1", "2.389060"},
		{cB, cD, "2", "2.589900"},
		{cC, cA, "1", "2.032290"},
		{cC, cD, "2", "2.264990"},
		{cD, cA, "1", "1.000000"},
		{cD, cC, "2", "2.264990"},
	} {
		for _, r := range []string{"social_care", "waste_collection"} {
			want = append(want, []string{w[0], r, w[1], w[2], w[3], NearestNeighboursMethod})
		}
	}
	sortRows(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("similar councils:\n got %v\nwant %v", got, want)
	}
}

// TestNearestNeighboursReferenceData runs the method over the real
// register: every current English social-care or waste council gets ten
// neighbours, all English, none itself, nearest first.
func TestNearestNeighboursReferenceData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cs, err := schemas.LoadCouncils(data.Reference())
	if err != nil {
		t.Fatal(err)
	}
	s := testSession(t, openTest(t))
	if err := s.createMacros(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.loadCouncils(ctx, cs); err != nil {
		t.Fatal(err)
	}
	cat, err := config.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.loadSimilarCouncils(ctx, cat, "", 0); err != nil {
		t.Fatal(err)
	}
	rows := queryStrings(t, s.conn, "similar_checks")
	if len(rows) != 1 {
		t.Fatalf("checks = %v", rows)
	}
	// councils with neighbours, lists with other than 10, self matches,
	// cross-nation matches, out-of-order distances, neighbours (or
	// councils) without the list's responsibility, English councils
	// without a list for a responsibility they hold
	if r := rows[0]; r[1] != "0" || r[2] != "0" || r[3] != "0" || r[4] != "0" || r[5] != "0" || r[6] != "0" {
		t.Errorf("checks (councils, not ten, self, other nation, out of order, lacks responsibility, missing list) = %v", r)
	}
	for _, r := range []string{"social_care", "waste_collection"} {
		trafford := queryStrings(t, s.conn, "similar_of", "E08000009", r)
		if len(trafford) != DefaultNeighbours {
			t.Errorf("Trafford has %d similar councils for %s, want %d", len(trafford), r, DefaultNeighbours)
		}
	}
	// Rutland (a small unitary) and the City of London (a city
	// corporation) were nearest to districts, none of which has social
	// care, so none of their social-care rows had similar councils to be
	// compared with (issue 8). Their social-care list is drawn from
	// councils with social care: all ten deliver it.
	for _, c := range []struct{ Code, Name string }{{"E06000017", "Rutland"}, {"E09000001", "City of London"}} {
		got := queryStrings(t, s.conn, "similar_responsible", c.Code, "social_care")
		if len(got) != DefaultNeighbours {
			t.Errorf("%s has %d similar councils for social care, want %d", c.Name, len(got), DefaultNeighbours)
		}
		for _, r := range got {
			if r[2] != "true" {
				t.Errorf("%s's similar council %s (%s) has no social care", c.Name, r[0], r[1])
			}
		}
	}
	// Rutland's waste-collection list is drawn from every council that
	// collects waste, so the small districts it is nearest to are in it
	// (they have no social care, so they were never in its one list).
	got := queryStrings(t, s.conn, "similar_responsible", "E06000017", "waste_collection")
	districts := 0
	for _, r := range got {
		if r[3] != "true" {
			t.Errorf("Rutland's waste-collection council %s (%s) does not collect waste", r[0], r[1])
		}
		if r[1] == "NMD" {
			districts++
		}
	}
	if len(got) != DefaultNeighbours || districts == 0 {
		t.Errorf("Rutland's waste-collection list = %v, want %d councils, districts among them", got, DefaultNeighbours)
	}
}

// responsibilityCouncilsCSV is a register worked by hand for the lists
// per responsibility: U is a unitary (social care and waste), K a county
// (social care), N1 and N2 districts of K (waste), all of 40,000 people on
// 100 km2 but U2, a unitary of 400,000 on 100 km2.
const responsibilityCouncilsCSV = `local-authority-code,official-name,nice-name,gss-code,start-date,end-date,replaced-by,nation,region,local-authority-type,local-authority-type-name,county-la,alt-names,former-gss-codes,area,pop-2020
UUU,U Council,U,E06000201,,,,England,East Midlands,UA,Unitary authority,,,,100.0,40000.0
UU2,U2 Council,U2,E06000202,,,,England,East Midlands,UA,Unitary authority,,,,100.0,400000.0
KKK,K County Council,K,E10000203,,,,England,East Midlands,CTY,County,,,,100.0,40000.0
NN1,N1 District Council,N1,E07000204,,,,England,East Midlands,NMD,Non-metropolitan district,KKK,,,100.0,40000.0
NN2,N2 District Council,N2,E07000205,,,,England,East Midlands,NMD,Non-metropolitan district,KKK,,,100.0,40000.0
`

const rU, rU2, rK, rN1, rN2 = "E06000201", "E06000202", "E10000203", "E07000204", "E07000205"

// responsibilitySession is a session holding the macros and the councils
// of responsibilityCouncilsCSV.
func responsibilitySession(t *testing.T) *session {
	t.Helper()
	cs, err := schemas.LoadCouncils(fstest.MapFS{
		"mysociety_uk_local_authorities.csv":    {Data: []byte(responsibilityCouncilsCSV)},
		"mysociety_lookup_gss_to_registry.csv":  {Data: []byte("gss-code,local-authority-code\n")},
		"mysociety_lookup_name_to_registry.csv": {Data: []byte("la-name,local-authority-code\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s := testSession(t, openTest(t))
	if err := s.createMacros(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.loadCouncils(ctx, cs); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestNearestNeighboursResponsibility checks the lists per responsibility
// on councils worked by hand (responsibilityCouncilsCSV), with two
// neighbours each. Over the five candidates ln(population) is ln 40000
// four times and ln 400000 once: mean ln 40000 + ln 10 / 5, population SD
// 0.4 ln 10, so z = -0.5 for U, K, N1, N2 and 2 for U2; ln(density)
// likewise. The distances:
//
//	N1-N2                     sqrt(0 + 0 + 0)              = 0
//	U-K, U-N1, U-N2, K-N1/N2  sqrt(0 + 0 + 1 (type))       = 1
//	U-U2                      sqrt(2.5^2 + 2.5^2)          = 3.535534
//	U2-K, U2-N1, U2-N2        sqrt(2.5^2 + 2.5^2 + 1)      = 3.674235
//
// social_care is held by U, U2, K; waste_collection by U, U2, N1, N2; any
// (a service needing neither) by all five. Ties go to the smaller code
// (E06 before E07 before E10). So:
//
//	     social_care            waste_collection       any
//	U    K (1), U2 (3.54)       N1 (1), N2 (1)         N1 (1), N2 (1)
//	U2   U (3.54), K (3.67)     U (3.54), N1 (3.67)    U (3.54), N1 (3.67)
//	K    U (1), U2 (3.67)       none                   U (1), N1 (1)
//	N1   none                   N2 (0), U (1)          N2 (0), U (1)
//	N2   none                   N1 (0), U (1)          N1 (0), U (1)
//
// A unitary's waste-collection neighbours are districts (U's N1 and N2),
// which its one list of old, drawn from councils with both
// responsibilities, could not hold.
func TestNearestNeighboursResponsibility(t *testing.T) {
	t.Parallel()
	s := responsibilitySession(t)
	cat := responsibilities(schemas.ResponsibilitySocialCare, schemas.ResponsibilityWasteCollection, "")
	if err := s.loadSimilarCouncils(context.Background(), cat, "", 2); err != nil {
		t.Fatal(err)
	}
	const nn = NearestNeighboursMethod
	want := [][]string{
		{rU, "social_care", rK, "1", "1.000000", nn},
		{rU, "social_care", rU2, "2", "3.535530", nn},
		{rU, "waste_collection", rN1, "1", "1.000000", nn},
		{rU, "waste_collection", rN2, "2", "1.000000", nn},
		{rU2, "social_care", rU, "1", "3.535530", nn},
		{rU2, "social_care", rK, "2", "3.674230", nn},
		{rU2, "waste_collection", rU, "1", "3.535530", nn},
		{rU2, "waste_collection", rN1, "2", "3.674230", nn},
		{rK, "social_care", rU, "1", "1.000000", nn},
		{rK, "social_care", rU2, "2", "3.674230", nn},
		{rN1, "waste_collection", rN2, "1", "0.000000", nn},
		{rN1, "waste_collection", rU, "2", "1.000000", nn},
		{rN2, "waste_collection", rN1, "1", "0.000000", nn},
		{rN2, "waste_collection", rU, "2", "1.000000", nn},
		// any: every candidate; U's nearest at 1 are K, N1, N2, of which
		// N1 and N2 have the smaller codes; K's are U, N1, N2 (U's code
		// is the smallest); N1's N2 (0) then U (1).
		{rU, "any", rN1, "1", "1.000000", nn},
		{rU, "any", rN2, "2", "1.000000", nn},
		{rU2, "any", rU, "1", "3.535530", nn},
		{rU2, "any", rN1, "2", "3.674230", nn},
		{rK, "any", rU, "1", "1.000000", nn},
		{rK, "any", rN1, "2", "1.000000", nn},
		{rN1, "any", rN2, "1", "0.000000", nn},
		{rN1, "any", rU, "2", "1.000000", nn},
		{rN2, "any", rN1, "1", "0.000000", nn},
		{rN2, "any", rU, "2", "1.000000", nn},
	}
	sortRows(want)
	if got := queryStrings(t, s.conn, "similar"); !reflect.DeepEqual(got, want) {
		t.Errorf("similar councils:\n got %v\nwant %v", got, want)
	}
}

// TestPeerGroupsResponsibility checks that a user's groups apply to every
// responsibility, members without it dropping out: one group of U (both),
// K (social care) and N1 (waste) gives U K for social care and N1 for
// waste, K U, and N1 U; U2 and N2, in no group, have no lists.
func TestPeerGroupsResponsibility(t *testing.T) {
	t.Parallel()
	s := responsibilitySession(t)
	path := filepath.Join(t.TempDir(), "peer-groups.csv")
	if err := os.WriteFile(path, []byte("group_id,council_code\ng,"+rU+"\ng,"+rK+"\ng,"+rN1+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cat := responsibilities(schemas.ResponsibilitySocialCare, schemas.ResponsibilityWasteCollection)
	if err := s.loadSimilarCouncils(context.Background(), cat, path, 0); err != nil {
		t.Fatal(err)
	}
	const pg = PeerGroupsMethod
	want := [][]string{
		{rU, "social_care", rK, "1", "<nil>", pg},
		{rU, "waste_collection", rN1, "1", "<nil>", pg},
		{rK, "social_care", rU, "1", "<nil>", pg},
		{rN1, "waste_collection", rU, "1", "<nil>", pg},
	}
	sortRows(want)
	if got := queryStrings(t, s.conn, "similar"); !reflect.DeepEqual(got, want) {
		t.Errorf("similar councils:\n got %v\nwant %v", got, want)
	}
}

func TestPeerGroups(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cs := fixtureCouncils(t)
	cat := responsibilities(schemas.ResponsibilitySocialCare)
	write := func(t *testing.T, text string) string {
		path := filepath.Join(t.TempDir(), "peer-groups.csv")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	t.Run("groups", func(t *testing.T) {
		t.Parallel()
		s := testSession(t, openTest(t))
		if err := s.createMacros(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.loadCouncils(ctx, cs); err != nil {
			t.Fatal(err)
		}
		// A is in both groups, so its similar councils are B, C and D; the
		// name column is ignored; codes are trimmed and upper-cased.
		path := write(t, "\ufeffgroup_id,council_code,council_name\ng1,"+cA+",Aville\ng1,"+cB+",Beeton\ng1,"+cC+",Ceeford\ng2, "+strings.ToLower(cA)+" ,Aville\ng2,"+cD+",Deebury\n")
		if err := s.loadSimilarCouncils(ctx, cat, path, 0); err != nil {
			t.Fatal(err)
		}
		got := queryStrings(t, s.conn, "similar")
		want := [][]string{
			{cA, "social_care", cB, "1", "<nil>", PeerGroupsMethod},
			{cA, "social_care", cC, "2", "<nil>", PeerGroupsMethod},
			{cA, "social_care", cD, "3", "<nil>", PeerGroupsMethod},
			{cB, "social_care", cA, "1", "<nil>", PeerGroupsMethod},
			{cB, "social_care", cC, "2", "<nil>", PeerGroupsMethod},
			{cC, "social_care", cA, "1", "<nil>", PeerGroupsMethod},
			{cC, "social_care", cB, "2", "<nil>", PeerGroupsMethod},
			{cD, "social_care", cA, "1", "<nil>", PeerGroupsMethod},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("similar councils:\n got %v\nwant %v", got, want)
		}
	})
	bad := []struct{ Name, CSV, Want string }{
		{"unknown code", "group_id,council_code\ng1," + cA + "\ng1,E09999999\ng1,Aville\n", "AVILLE, E09999999 are not"},
		{"wrong columns", "area_code,area_name\n" + cA + ",Aville\n", "group_id and council_code"},
		{"a row longer than the header", "group_id,council_code\ng1," + cA + "\ng1," + cB + ",Beeton\n", "line 3 has a different number of cells from the header's 2"},
		{"a row shorter than the header", "group_id,council_code,council_name\ng1," + cA + ",Aville\ng1\n", "line 3 has a different number of cells from the header's 3"},
	}
	for _, tt := range bad {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			s := testSession(t, openTest(t))
			if err := s.createMacros(ctx); err != nil {
				t.Fatal(err)
			}
			if err := s.loadCouncils(ctx, cs); err != nil {
				t.Fatal(err)
			}
			err := s.loadSimilarCouncils(ctx, cat, write(t, tt.CSV), 0)
			if !errors.Is(err, ErrPeerGroups) || !strings.Contains(err.Error(), tt.Want) {
				t.Errorf("err = %v, want ErrPeerGroups mentioning %q", err, tt.Want)
			}
		})
	}
}
