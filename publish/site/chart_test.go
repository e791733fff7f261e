package site

import (
	"bytes"
	"math"
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
	x, y := funnelScales(points, nil)
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
	var buf bytes.Buffer
	svg := string(funnelSVG(&buf, "f", points, nil, schemas.UnitPercent, "Funnel", "A funnel"))
	for _, want := range []string{`<path class="pt similar" d="M348 164h0M616 234h0"/>`, `<path class="pt worse" d="M80 304h0"/>`,
		`<path class="pt better" d="M616 24h0"/>`, `<title id="f-t">Funnel</title>`, `<desc id="f-d">A funnel</desc>`, `aria-labelledby="f-t f-d"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("the plot lacks %s:\n%s", want, svg)
		}
	}
	// The control limits widen the value scale: a limit at 100% moves the
	// top of the scale from 90 to 100, so 70 is now 3/5 of the way up.
	limits := []schemas.FunnelLimit{{Denominator: 10, Target: 70, Lower998: 40, Upper998: 100}, {Denominator: 1000, Target: 70, Lower998: 66, Upper998: 74}}
	_, y = funnelScales(points, limits)
	if got, want := y.at(70), 304-280*0.5; math.Abs(got-want) > 1e-9 {
		t.Errorf("with limits from 40 to 100, 70 is at y %g, want %g", got, want)
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
