package site

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
)

// TestFunnelGeometry places points on a funnel plot by hand. The plot
// area runs from x = 72+8 = 80 to 640-16-8 = 616 and from y = 360-48-8 =
// 304 (the least value) up to 16+8 = 24 (the greatest). With denominators
// from 10 to 1,000 on a log scale, 100 is half way: x = 348. With values
// from 50 to 90, 70 is half way: y = 164; 60 is a quarter of the way up:
// y = 304 - 280/4 = 234, and denominator 1000 is the right edge, x = 616.
func TestFunnelGeometry(t *testing.T) {
	t.Parallel()
	points := []funnelPoint{
		{Value: 50, Denominator: 10, Band: "worse"},
		{Value: 90, Denominator: 1000, Band: "better"},
		{Value: 70, Denominator: 100, Band: "similar"},
		{Value: 60, Denominator: 1000, Band: "similar"},
	}
	x, y, _ := funnelScales(points, nil)
	for _, tc := range []struct {
		Name       string
		Den, Value float64
		X, Y       float64
	}{
		{"least", 10, 50, 80, 304},
		{"greatest", 1000, 90, 616, 24},
		{"middle", 100, 70, 348, 164},
		{"quarter", 1000, 60, 616, 234},
	} {
		if gx, gy := x.at(tc.Den), y.at(tc.Value); math.Abs(gx-tc.X) > 1e-9 || math.Abs(gy-tc.Y) > 1e-9 {
			t.Errorf("%s: (%g, %g) at (%g, %g), want (%g, %g)", tc.Name, tc.Den, tc.Value, gx, gy, tc.X, tc.Y)
		}
	}
	// A band's points in order of x, then y, each after the first a move
	// from the one before: (348, 164), then (616, 94), 268 right and 70
	// up, then (616, 234), 140 down; the second point at (348, 164) is
	// drawn once.
	banded := append(slices.Clone(points), funnelPoint{Value: 80, Denominator: 1000, Band: "similar"},
		funnelPoint{Value: 70, Denominator: 100, Band: "similar"})
	var buf bytes.Buffer
	svg := string(funnelSVG(&buf, "f", banded, nil, schemas.UnitPercent, "Funnel", "A funnel"))
	for _, want := range []string{`<path class="pt similar" d="M348 164h0m268-70h0m0 140h0"/>`, `<path class="pt worse" d="M80 304h0"/>`,
		`<path class="pt better" d="M616 24h0"/>`, `<title id="f-t">Funnel</title>`, `<desc id="f-d">A funnel</desc>`, `aria-labelledby="f-t f-d"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("the plot lacks %s:\n%s", want, svg)
		}
	}
	// The control limits widen the value scale: a limit at 100% moves the
	// top of the scale from 90 to 100, so 70 is now 3/5 of the way up.
	limits := []schemas.FunnelLimit{{Denominator: 10, Target: 70, Lower998: 40, Upper998: 100}, {Denominator: 1000, Target: 70, Lower998: 66, Upper998: 74}}
	_, y, _ = funnelScales(points, limits)
	if got, want := y.at(70), 304-280*0.5; math.Abs(got-want) > 1e-9 {
		t.Errorf("with limits from 40 to 100, 70 is at y %g, want %g", got, want)
	}
}

// TestFunnelDomain checks that the value axis spans every point and limit
// and is labelled at both ends. The points run from 82.9% to 95% and the
// limits from 84% to 97.6%: 14.7 points, a fifth of which, 2.94, rounds up
// to ticks every 5. The axis runs from 80% (a tick at or below 82.9) to
// 100% (at or above 97.6), so 20 points span y = 304 down to 24, 14
// pixels a point: 82.9% is 2.9 points up, y = 304 - 40.6 = 263.4, drawn at
// 263; 95% is 15 up, y = 94; denominators 100 and 1,000 are the plot's
// left and right edges, x = 80 and 616. Before, the axis began at the
// least value, so 82.9% sat on the bottom edge beneath the lowest label,
// 84%, and looked cut off at the axis.
func TestFunnelDomain(t *testing.T) {
	t.Parallel()
	points := []funnelPoint{{Value: 82.9, Denominator: 100, Band: "worse"}, {Value: 95, Denominator: 1000, Band: "similar"}}
	limits := []schemas.FunnelLimit{
		{Denominator: 100, Target: 90, Lower95: 85, Upper95: 95, Lower998: 84, Upper998: 97.6},
		{Denominator: 1000, Target: 90, Lower95: 88, Upper95: 92, Lower998: 87, Upper998: 93},
	}
	_, y, ticks := funnelScales(points, limits)
	if y.d0 != 80 || y.d1 != 100 {
		t.Errorf("value axis from %g to %g, want 80 to 100", y.d0, y.d1)
	}
	if want := []float64{80, 85, 90, 95, 100}; !slices.Equal(ticks, want) {
		t.Errorf("ticks %v, want %v", ticks, want)
	}
	if got := y.at(82.9); math.Abs(got-263.4) > 1e-9 {
		t.Errorf("82.9%% at y %g, want 263.4", got)
	}
	for _, v := range []float64{82.9, 84, 95, 97.6} {
		if py := y.at(v); py > 304 || py < 24 {
			t.Errorf("%g%% at y %g, outside the plot (24 to 304)", v, py)
		}
	}
	var buf bytes.Buffer
	svg := string(funnelSVG(&buf, "f", points, limits, schemas.UnitPercent, "Funnel", "A funnel"))
	for _, want := range []string{`<path class="pt worse" d="M80 263h0"/>`, `<path class="pt similar" d="M616 94h0"/>`,
		`text-anchor="end">80.0%</text>`, `text-anchor="end">100.0%</text>`} {
		if !strings.Contains(svg, want) {
			t.Errorf("the plot lacks %s:\n%s", want, svg)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		Name   string
		Lo, Hi float64
		Want   []float64
	}{
		{"on ticks", 50, 90, []float64{50, 60, 70, 80, 90}},
		{"between ticks", 82.9, 97.6, []float64{80, 85, 90, 95, 100}},
		{"small", 0.012, 0.047, []float64{0.01, 0.02, 0.03, 0.04, 0.05}},
		{"negative", -3.2, 1.1, []float64{-4, -3, -2, -1, 0, 1, 2}},
		{"one value", 5, 5, []float64{5}},
	} {
		got := niceTicks(tc.Lo, tc.Hi, 5)
		ok := len(got) == len(tc.Want)
		for i := 0; ok && i < len(got); i++ {
			ok = math.Abs(got[i]-tc.Want[i]) < 1e-9
		}
		if !ok {
			t.Errorf("%s: niceTicks(%g, %g) = %v, want %v", tc.Name, tc.Lo, tc.Hi, got, tc.Want)
		}
	}
}

func TestSegment(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ In, Want string }{
		{"1-101234567", "1-101234567"},
		{"E08000009", "E08000009"},
		{"LOCAL-TRF-HOME CARE", "~LOCAL-TRF-HOME~20CARE"},
		{"a/b", "~a~2Fb"},
		{"..", "~~2E~2E"},
		{"", "~"},
		{"~x", "~~7Ex"},
	} {
		if got := Segment(tc.In); got != tc.Want {
			t.Errorf("Segment(%q) = %q, want %q", tc.In, got, tc.Want)
		}
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	v := func(x float64) *float64 { return &x }
	for _, tc := range []struct {
		Name string
		Got  string
		Want string
	}{
		{"percent", formatValue(v(85.26), schemas.UnitPercent), "85.3%"},
		{"pounds", formatValue(v(1234.5), schemas.UnitGBP), "£1,234.50"},
		{"rate", formatValue(v(12.345), schemas.UnitPer1000), "12.3"},
		{"large", formatValue(v(1234567), schemas.UnitNumber), "1,234,567"},
		{"small", formatValue(v(0.0421), schemas.UnitNumber), "0.04"},
		{"negative", formatValue(v(-2.5), schemas.UnitPercent), "−2.5%"},
		{"none", formatValue(nil, schemas.UnitPercent), ""},
		{"count", formatInt(1000000), "1,000,000"},
		{"markers", markers("rp"), "[r] [p]"},
		{"quarter", periodLabel("2024-25-Q1"), "2024-25 Q1 (Apr–Jun 2024)"},
		{"sentence", bandSentence(BandCounts{Rows: 1224, Better: 37, Worse: 22, Similar: 1165}, "provider", "2024-25 Q1", schemas.HigherIsBetter),
			"In 2024-25 Q1, of 1,224 provider figures compared with England, 37 were significantly better and 22 significantly worse; 1,165 were similar."},
	} {
		if tc.Got != tc.Want {
			t.Errorf("%s: got %q, want %q", tc.Name, tc.Got, tc.Want)
		}
	}
}

// TestIntervalPolarity places the same two rows on an interval chart of
// each polarity, by hand. The values run from 7.5 to 35, so the ticks are
// 0 to 40 in tens (a fifth of 27.5 is 5.5, which rounds up to 10), and the
// scale spans x = 96+8 = 104 to 640-16-8 = 616: 512 pixels for 40, 12.8 a
// unit. Read left to right, v lies at 104 + 12.8v: England's 20 at 360,
// the public sector's 30 at 488 and the private sector's 15 at 296. When
// lower is better the scale runs the other way, v at 616 - 12.8v: 30 at
// 232 and 15 at 424, so the private sector, the better, is on the right as
// it is on the provider pages' spine charts; England's 20, the middle of
// the scale, stays at 360. Intervals are drawn from their left end: the
// public 99.8% interval 25 to 35 spans 296 to 168 flipped, drawn from 168
// to 296. Rows are 28 high from y = 8: the public row's middle is y = 22,
// the private row's y = 50.
func TestIntervalPolarity(t *testing.T) {
	t.Parallel()
	f := func(v float64) *float64 { return &v }
	rows := []intervalRow{
		{Label: "Public", Value: f(30), Lo95: f(27.5), Hi95: f(32.5), Lo998: f(25), Hi998: f(35), Band: "worse"},
		{Label: "Private", Value: f(15), Lo95: f(12.5), Hi95: f(17.5), Lo998: f(7.5), Hi998: f(22.5), Band: "similar"},
	}
	leftToRight := []string{
		`<path class="pt worse" d="M488 22h0"/>`, `<path class="ci998" d="M424 22H552"/>`, `<path class="ci95" d="M456 22H520"/>`,
		`<path class="pt similar" d="M296 50h0"/>`, `<path class="ci998" d="M200 50H392"/>`, `<path class="ci95" d="M264 50H328"/>`,
		`<path class="target" d="M360 8V64"/>`,
		`<path class="grid" d="M104 8V64"/><text x="104" y="80" text-anchor="middle">0.0%</text>`,
		`<path class="grid" d="M616 8V64"/><text x="616" y="80" text-anchor="middle">40.0%</text>`,
	}
	flipped := []string{
		`<path class="pt worse" d="M232 22h0"/>`, `<path class="ci998" d="M168 22H296"/>`, `<path class="ci95" d="M200 22H264"/>`,
		`<path class="pt similar" d="M424 50h0"/>`, `<path class="ci998" d="M328 50H520"/>`, `<path class="ci95" d="M392 50H456"/>`,
		`<path class="target" d="M360 8V64"/>`,
		`<path class="grid" d="M616 8V64"/><text x="616" y="80" text-anchor="middle">0.0%</text>`,
		`<path class="grid" d="M104 8V64"/><text x="104" y="80" text-anchor="middle">40.0%</text>`,
	}
	better := `<text class="direction" x="72" y="96" text-anchor="end">Better →</text>`
	for _, tc := range []struct {
		Name     string
		Polarity schemas.Polarity
		Want     []string
		Better   bool
		Desc     string
	}{
		{"higher is better", schemas.HigherIsBetter, leftToRight, true, "Higher is better, so better figures lie to the right."},
		{"lower is better", schemas.LowerIsBetter, flipped, true,
			"Lower is better, so the scale runs from highest on the left to lowest on the right: better figures lie to the right."},
		{"neither", schemas.NoPolarity, leftToRight, false,
			"Neither direction is better; the scale runs from lowest on the left to highest on the right."},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			desc := intervalDirection(tc.Polarity)
			if desc != tc.Desc {
				t.Errorf("direction %q, want %q", desc, tc.Desc)
			}
			svg := string(intervalSVG(&buf, "c", rows, f(20), schemas.UnitPercent, tc.Polarity, "t", desc))
			for _, want := range append(tc.Want, `viewBox="0 0 640 104"`, `<desc id="c-d">`+tc.Desc+`</desc>`) {
				if !strings.Contains(svg, want) {
					t.Errorf("the chart lacks %s:\n%s", want, svg)
				}
			}
			if got := strings.Contains(svg, better); got != tc.Better {
				t.Errorf("says %q: %v, want %v:\n%s", "Better →", got, tc.Better, svg)
			}
		})
	}
}

// TestTickLabels checks axis labels written out by hand. Ticks every 0.25
// need two decimals: with a rate's own one decimal 13.75 read 13.8 and
// 14.25 read 14.2, so a tick labelled 13.8 stood a quarter of a step from
// 13.8. Ticks every 50 need none, where a figure's own formatting gives
// 50.0 beside 100.
func TestTickLabels(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		Name  string
		Ticks []float64
		Unit  schemas.Unit
		Want  []string
	}{
		{"quarters", []float64{13, 13.25, 13.5, 13.75, 14}, schemas.UnitPer1000, []string{"13.00", "13.25", "13.50", "13.75", "14.00"}},
		{"fifties", []float64{0, 50, 100, 150}, schemas.UnitPer100000, []string{"0", "50", "100", "150"}},
		{"hundredths", niceTicks(0.012, 0.047, 5), schemas.UnitNumber, []string{"0.01", "0.02", "0.03", "0.04", "0.05"}},
		{"negative", niceTicks(-3.2, 1.1, 5), schemas.UnitNumber, []string{"−4", "−3", "−2", "−1", "0", "1", "2"}},
		{"thousands", []float64{0, 5000, 10000}, schemas.UnitNumber, []string{"0", "5,000", "10,000"}},
		{"percent keeps a decimal", []float64{80, 85, 90, 95, 100}, schemas.UnitPercent, []string{"80.0%", "85.0%", "90.0%", "95.0%", "100.0%"}},
		{"percent halves", []float64{12.5, 15, 17.5}, schemas.UnitPercent, []string{"12.5%", "15.0%", "17.5%"}},
		{"percent quarters", []float64{0.25, 0.5, 0.75}, schemas.UnitPercent, []string{"0.25%", "0.50%", "0.75%"}},
		{"pounds keep pence", []float64{-5, 0, 5}, schemas.UnitGBP, []string{"−£5.00", "£0.00", "£5.00"}},
		{"pounds", []float64{20, 22.5, 25}, schemas.UnitGBP, []string{"£20.00", "£22.50", "£25.00"}},
		{"one tick", []float64{5}, schemas.UnitPercent, []string{"5.0%"}},
	} {
		if got := tickLabels(tc.Ticks, tc.Unit); !slices.Equal(got, tc.Want) {
			t.Errorf("%s: tickLabels(%v) = %q, want %q", tc.Name, tc.Ticks, got, tc.Want)
		}
	}
}

// TestSimplify checks the points simplify keeps against cases worked by
// hand, and that on a curve like a funnel plot's limit every point it
// leaves out lies within the tolerance of the line through those kept.
func TestSimplify(t *testing.T) {
	t.Parallel()
	line := func(ys ...float64) []float64 { return ys }
	for _, tc := range []struct {
		name   string
		xs, ys []float64
		want   []int
	}{
		{"one point", line(5), line(7), []int{0}},
		{"two points", line(0, 1), line(0, 1), []int{0, 1}},
		// 0.2 from the chord y = 0: within 0.25, left out.
		{"a bump within", line(0, 1, 2), line(0, 0.2, 0), []int{0, 2}},
		// 0.3 from it: kept.
		{"a bump beyond", line(0, 1, 2), line(0, 0.3, 0), []int{0, 1, 2}},
		// The chord (0,0)-(4,0) is 1 from (1,1): kept. From (1,1) to (4,0),
		// (2,0) is sqrt(0.4) = 0.63 away (its foot (2.2, 0.6)) and (3,0)
		// is sqrt(0.1) = 0.32: (2,0) is kept; then (3,0) lies on the chord
		// from (2,0) to (4,0) and is left out.
		{"a peak then flat", line(0, 1, 2, 3, 4), line(0, 1, 0, 0, 0), []int{0, 1, 2, 4}},
	} {
		if got := simplify(tc.xs, tc.ys, 0.25); !slices.Equal(got, tc.want) {
			t.Errorf("%s: kept %v, want %v", tc.name, got, tc.want)
		}
	}

	// A straight line of a hundred points, as a funnel plot's target is.
	xs, ys := make([]float64, 100), make([]float64, 100)
	for i := range xs {
		xs[i], ys[i] = 80+5.4*float64(i), 138.7
	}
	if got := simplify(xs, ys, 0.25); !slices.Equal(got, []int{0, 99}) {
		t.Errorf("a straight line: kept %v, want its ends", got)
	}

	// An upper control limit: 1.96 standard errors of a proportion of 0.6
	// above it, over denominators 10 to 10,000 spaced evenly on a log
	// scale, drawn on a plot 536 wide and 280 high.
	for i := range xs {
		d := math.Pow(10, 1+3*float64(i)/99)
		xs[i] = roundTenth(80 + 536*float64(i)/99)
		ys[i] = roundTenth(304 - 280*(0.6+1.96*math.Sqrt(0.6*0.4/d)))
	}
	keep := simplify(xs, ys, 0.25)
	if len(keep) > 40 {
		t.Errorf("kept %d of 100 points of a smooth curve", len(keep))
	}
	for k := 1; k < len(keep); k++ {
		a, b := keep[k-1], keep[k]
		for i := a + 1; i < b; i++ {
			// The distance from point i to the line through a and b: the
			// cross product over the length.
			dx, dy := xs[b]-xs[a], ys[b]-ys[a]
			d := math.Abs(dx*(ys[i]-ys[a])-dy*(xs[i]-xs[a])) / math.Hypot(dx, dy)
			if d > 0.25 {
				t.Errorf("point %d (%g, %g) is %.3f from the line drawn from %d to %d", i, xs[i], ys[i], d, a, b)
			}
		}
	}
}
