package site

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/schemas"
)

// TestSectorSentence checks the sentence beside each sectors chart, in
// words written out by hand for each case a sector can be in: banded by
// polarity (higher and lower when neither direction is better), too few
// figures, figures all withheld, no figures at all, no interval.
func TestSectorSentence(t *testing.T) {
	t.Parallel()
	f := func(v float64) *float64 { return &v }
	national := f(50)
	sector := func(name, band string, value *float64, rows, figures, blank int64) SectorView {
		return SectorView{SiteSector: duckdb.SiteSector{Sector: name, Value: value, BandNational: band, NationalValue: national,
			NRows: rows, NFigures: figures, NBlank: blank}}
	}
	four := []SectorView{
		sector("public", "higher", f(61.34), 12, 12, 0),
		sector("voluntary", "not_compared", f(40), 3, 4, 1),
		sector("private", "similar", f(50.5), 40, 40, 0),
		sector("plc", "", nil, 0, 2, 2),
	}
	for _, tc := range []struct {
		Name       string
		Metric     schemas.Metric
		Sectors    []SectorView
		Unsectored int64
		Want       string
	}{
		{
			Name:    "polarity none says higher, not better",
			Metric:  schemas.Metric{Kind: schemas.KindProportion, Unit: schemas.UnitPercent, Polarity: schemas.NoPolarity},
			Sectors: four,
			Want: "In 2024-25 Q1, England's figure for providers was 50.0%: public providers' 61.3% was significantly higher " +
				"than England's; voluntary providers' 40.0% could not be compared (too few figures, 3 where 5 are needed); " +
				"private providers' 50.5% was similar to England's; PLC providers' figures were all withheld or not available.",
		},
		{
			Name:   "better and worse, a sector without figures, figures of no sector",
			Metric: schemas.Metric{Kind: schemas.KindRate, Unit: schemas.UnitPer1000, Polarity: schemas.LowerIsBetter},
			Sectors: []SectorView{
				sector("public", "worse", f(7.5), 6, 6, 0),
				sector("voluntary", "better", f(1250), 8, 9, 1),
				sector("private", "not_compared", f(3), 9, 9, 0),
				sector("plc", "", nil, 0, 0, 0),
			},
			Unsectored: 3,
			Want: "In 2024-25 Q1, England's figure for providers was 50.0: public providers' 7.50 was significantly worse " +
				"than England's; voluntary providers' 1,250 was significantly better than England's; private providers' 3.00 " +
				"could not be compared (fewer than 5 of its figures give counts); PLC providers had no figures. " +
				"3 figures from providers of no known sector are left out.",
		},
		{
			Name:       "a mean has no interval",
			Metric:     schemas.Metric{Kind: schemas.KindMean, Unit: schemas.UnitGBP, Polarity: schemas.NoPolarity},
			Sectors:    []SectorView{sector("private", "not_compared", f(21.5), 30, 30, 0)},
			Unsectored: 1,
			Want: "In 2024-25 Q1, England's figure for providers was £50.00: private providers' £21.50 could not be compared " +
				"(the metric has no interval). 1 figure from a provider of no known sector is left out.",
		},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			g := SectorGroup{PeriodLabel: "2024-25 Q1", NationalValue: national, Sectors: tc.Sectors, Unsectored: tc.Unsectored}
			if got := sectorSentence(&g, &tc.Metric); got != tc.Want {
				t.Errorf("got  %q\nwant %q", got, tc.Want)
			}
		})
	}
}

// TestSectorNote checks the note a sector's row carries, by hand.
func TestSectorNote(t *testing.T) {
	t.Parallel()
	v := 10.0
	for _, tc := range []struct {
		Name string
		Row  duckdb.SiteSector
		Kind schemas.Kind
		Want string
	}{
		{"none", duckdb.SiteSector{}, schemas.KindProportion, "No figures from providers of this sector."},
		{"one withheld", duckdb.SiteSector{NFigures: 1, NBlank: 1}, schemas.KindProportion, "Its one figure was withheld or not available."},
		{"all withheld", duckdb.SiteSector{NFigures: 4, NBlank: 4}, schemas.KindProportion, "All 4 of its figures were withheld or not available."},
		{"banded, some withheld", duckdb.SiteSector{NRows: 9, NFigures: 11, NBlank: 2, Value: &v, NationalValue: &v, BandNational: "similar"},
			schemas.KindProportion, "2 more figures withheld or not available."},
		{"banded", duckdb.SiteSector{NRows: 9, NFigures: 9, Value: &v, NationalValue: &v, BandNational: "better"}, schemas.KindRate, ""},
		{"too few", duckdb.SiteSector{NRows: 4, NFigures: 5, NBlank: 1, Value: &v, NationalValue: &v, BandNational: "not_compared"},
			schemas.KindProportion, "Not compared: too few figures, 4 where 5 are needed. 1 more figure withheld or not available."},
		{"no national value", duckdb.SiteSector{NRows: 6, NFigures: 6, Value: &v, BandNational: "not_compared"},
			schemas.KindProportion, "Not compared: England has no value."},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			if got := sectorNote(&tc.Row, tc.Kind); got != tc.Want {
				t.Errorf("got %q, want %q", got, tc.Want)
			}
		})
	}
}

// TestIntervalGeometry places an interval chart's marks by hand. The
// scale runs from x = 96+8 = 104 to 640-16-8 = 616 over the ticks 40 to
// 80 (values 45 to 75, five ticks of 10 from 40 to 80): 60 is half way,
// x = 360; 45 is an eighth of the way, x = 104 + 512/8 = 168; 75 is seven
// eighths, x = 552. Rows are 28 high from y = 8, so the second row's
// middle is y = 8 + 28*1.5 = 50, and the chart is 8 + 2*28 + 40 = 104
// high.
func TestIntervalGeometry(t *testing.T) {
	t.Parallel()
	f := func(v float64) *float64 { return &v }
	var buf bytes.Buffer
	svg := string(intervalSVG(&buf, "c", []intervalRow{
		{Label: "Public"},
		{Label: "Private", Value: f(60), Lo95: f(50), Hi95: f(70), Lo998: f(45), Hi998: f(75), Band: "better"},
	}, f(60), schemas.UnitPercent, schemas.HigherIsBetter, "t", "d"))
	for _, want := range []string{
		`viewBox="0 0 640 104"`,
		`<path class="ci998" d="M168 50H552"/>`,
		`<path class="ci95" d="M232 50H488"/>`,
		`<path class="pt better" d="M360 50h0"/>`,
		`<path class="target" d="M360 8V64"/>`,
		`>Public</text>`,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("the chart lacks %s:\n%s", want, svg)
		}
	}
	// The row without a value draws no mark: one mark in all.
	if n := strings.Count(svg, `class="pt `); n != 1 {
		t.Errorf("%d marks, want 1", n)
	}
}
