package duckdb

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/yardstick-open/yardstick/data"
	"github.com/yardstick-open/yardstick/schemas"
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
	if err := s.loadSimilarCouncils(ctx, "", 2); err != nil {
		t.Fatal(err)
	}
	got := queryStrings(t, s.conn, "similar")
	// Distances are published to six significant figures (sig6).
	want := [][]string{
		{cA, cD, "1", "1.000000", NearestNeighboursMethod},
		{cA, cC, "2", "2.032290", NearestNeighboursMethod},
		{cB, cA, "1", "2.389060", NearestNeighboursMethod},
		{cB, cD, "2", "2.589900", NearestNeighboursMethod},
		{cC, cA, "1", "2.032290", NearestNeighboursMethod},
		{cC, cD, "2", "2.264990", NearestNeighboursMethod},
		{cD, cA, "1", "1.000000", NearestNeighboursMethod},
		{cD, cC, "2", "2.264990", NearestNeighboursMethod},
	}
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
	if err := s.loadSimilarCouncils(ctx, "", 0); err != nil {
		t.Fatal(err)
	}
	rows := queryStrings(t, s.conn, "similar_checks")
	if len(rows) != 1 {
		t.Fatalf("checks = %v", rows)
	}
	// councils with neighbours, councils with other than 10, self matches,
	// cross-nation matches, out-of-order distances, neighbours without a
	// responsibility the council holds
	if r := rows[0]; r[1] != "0" || r[2] != "0" || r[3] != "0" || r[4] != "0" || r[5] != "0" {
		t.Errorf("checks (councils, not ten, self, other nation, out of order, lacks responsibility) = %v", r)
	}
	trafford := queryStrings(t, s.conn, "similar_of", "E08000009")
	if len(trafford) != DefaultNeighbours {
		t.Errorf("Trafford has %d similar councils, want %d", len(trafford), DefaultNeighbours)
	}
	// Rutland (a small unitary) and the City of London (a city
	// corporation) were nearest to districts, none of which has social
	// care, so none of their social-care rows had similar councils to be
	// compared with (issue 8). Drawn from councils that hold both their
	// responsibilities, all ten deliver social care.
	for _, c := range []struct{ Code, Name string }{{"E06000017", "Rutland"}, {"E09000001", "City of London"}} {
		got := queryStrings(t, s.conn, "similar_responsible", c.Code)
		if len(got) != DefaultNeighbours {
			t.Errorf("%s has %d similar councils, want %d", c.Name, len(got), DefaultNeighbours)
		}
		for _, r := range got {
			if r[2] != "true" {
				t.Errorf("%s's similar council %s (%s) has no social care", c.Name, r[0], r[1])
			}
		}
	}
}

// TestNearestNeighboursResponsibility checks, on councils worked by hand,
// that a council's neighbours hold every responsibility it holds. U is a
// unitary (social care and waste), K a county (social care), N1 and N2
// districts (waste), all of one size and density but U2, so every
// distance is 1 (types differ) or 0 (the same type) but U2's:
//
//	U  <- U2 (the only other council with both; the nearer districts are
//	      left out)
//	U2 <- U
//	K  <- U, then U2 (social care: the districts are left out; U is
//	      nearer than U2, both a type apart)
//	N1 <- N2 (distance 0), then U (1; U2 is further, the county has no
//	      waste collection)
//	N2 <- N1, then U
//
// U2 has ten times the population and density of the others (ln 10 =
// 2.302585 further on each scale, before standardising), so it is the
// furthest from each of them.
func TestNearestNeighboursResponsibility(t *testing.T) {
	t.Parallel()
	const csv = `local-authority-code,official-name,nice-name,gss-code,start-date,end-date,replaced-by,nation,region,local-authority-type,local-authority-type-name,county-la,alt-names,former-gss-codes,area,pop-2020
UUU,U Council,U,E06000201,,,,England,East Midlands,UA,Unitary authority,,,,100.0,40000.0
UU2,U2 Council,U2,E06000202,,,,England,East Midlands,UA,Unitary authority,,,,100.0,400000.0
KKK,K County Council,K,E10000203,,,,England,East Midlands,CTY,County,,,,100.0,40000.0
NN1,N1 District Council,N1,E07000204,,,,England,East Midlands,NMD,Non-metropolitan district,KKK,,,100.0,40000.0
NN2,N2 District Council,N2,E07000205,,,,England,East Midlands,NMD,Non-metropolitan district,KKK,,,100.0,40000.0
`
	cs, err := schemas.LoadCouncils(fstest.MapFS{
		"mysociety_uk_local_authorities.csv":    {Data: []byte(csv)},
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
	if err := s.loadSimilarCouncils(ctx, "", 2); err != nil {
		t.Fatal(err)
	}
	const u, u2, k, n1, n2 = "E06000201", "E06000202", "E10000203", "E07000204", "E07000205"
	for _, tt := range []struct {
		Council string
		Want    []string
	}{
		{u, []string{u2}},
		{u2, []string{u}},
		{k, []string{u, u2}},
		{n1, []string{n2, u}},
		{n2, []string{n1, u}},
	} {
		var got []string
		for _, r := range queryStrings(t, s.conn, "similar_of", tt.Council) {
			got = append(got, r[0])
		}
		if !reflect.DeepEqual(got, tt.Want) {
			t.Errorf("similar councils of %s = %v, want %v", tt.Council, got, tt.Want)
		}
	}
}

func TestPeerGroups(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cs := fixtureCouncils(t)
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
		if err := s.loadSimilarCouncils(ctx, path, 0); err != nil {
			t.Fatal(err)
		}
		got := queryStrings(t, s.conn, "similar")
		want := [][]string{
			{cA, cB, "1", "<nil>", PeerGroupsMethod},
			{cA, cC, "2", "<nil>", PeerGroupsMethod},
			{cA, cD, "3", "<nil>", PeerGroupsMethod},
			{cB, cA, "1", "<nil>", PeerGroupsMethod},
			{cB, cC, "2", "<nil>", PeerGroupsMethod},
			{cC, cA, "1", "<nil>", PeerGroupsMethod},
			{cC, cB, "2", "<nil>", PeerGroupsMethod},
			{cD, cA, "1", "<nil>", PeerGroupsMethod},
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
			err := s.loadSimilarCouncils(ctx, write(t, tt.CSV), 0)
			if !errors.Is(err, ErrPeerGroups) || !strings.Contains(err.Error(), tt.Want) {
				t.Errorf("err = %v, want ErrPeerGroups mentioning %q", err, tt.Want)
			}
		})
	}
}
