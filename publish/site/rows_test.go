package site

import (
	"html"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/schemas"
)

// TestRowsHostileText checks that the hand-written table rows escape every
// text a return or register can hold: each table's rows written with
// names full of markup have exactly the markup of the same rows written
// with plain names, once each hostile text, escaped, is put back as the
// plain one. Text that went out unescaped, or an escape that broke the
// markup around it, fails.
func TestRowsHostileText(t *testing.T) {
	t.Parallel()
	hostile := []string{
		`<script>alert(1)</script>`,
		`"><img src=x onerror=alert(2)>`,
		`Smith & Sons' "Care" </td></tr></tbody></table><p>`,
		`<a href="javascript:alert(3)">x</a>`,
		`' onmouseover='alert(4)`,
		"<!-- <tr> -->",
	}
	plain := []string{"Alpha Care", "Bury", "North West", "Home care", "a note", "Visits on time"}
	f := func(v float64) *float64 { return &v }
	n := func(v int64) *int64 { return &v }
	row := func(names []string) RowView {
		return RowView{SiteRow: duckdb.SiteRow{ComparisonRow: schemas.ComparisonRow{Metric: "m", Period: "2024-25-Q1",
			CouncilCode: "E08000002", ProviderID: "1-1", ProviderName: names[0], Service: "homecare", Value: f(85.5),
			Numerator: n(855), Denominator: n(1000), CI95Lower: f(83.2), CI95Upper: f(87.5), BandNational: "better",
			Status: "p"}, CouncilName: names[1], Region: names[2], Note: names[4]},
			ProviderURL: "providers/1-1/", CouncilURL: "councils/E08000002/", MetricURL: "metrics/m/2024-25-Q1/",
			ServiceTitle: names[3], MetricTitle: names[5], Unit: schemas.UnitPercent}
	}
	tables := map[string]func(names []string) string{
		"league table": func(names []string) string {
			return string(MetricPage{Meta: Meta{Root: "../../"}, Rows: MetricRows{row(names), row(names)}}.RowsHTML())
		},
		"league table's part": func(names []string) string {
			return string(MetricPage{Meta: Meta{Root: "../../../"}, Part: &Part{}, Rows: MetricRows{row(names)}}.RowsHTML())
		},
		"provider's councils": func(names []string) string {
			return string(ProviderSection{Rows: ProviderRows{row(names)}}.RowsHTML("../../"))
		},
		"council's figures": func(names []string) string {
			return string(CouncilService{Rows: CouncilRows{row(names)}}.RowsHTML("../../"))
		},
		"council's providers": func(names []string) string {
			return string(CouncilService{Providers: []ProviderLink{{Name: names[0], Sector: names[3], URL: "providers/1-1/"}}}.ProvidersHTML("../../"))
		},
		"trend": func(names []string) string {
			return string(ProviderSection{Metric: MetricRef{Unit: schemas.UnitPercent},
				Trend: []TrendPoint{{PeriodLabel: names[5], URL: "metrics/m/2024-25-Q1/", Value: f(85.5), Band: "worse"}}}.TrendHTML("../../"))
		},
		"links": func(names []string) string {
			return string(linksHTML("../", []Link{{Title: names[0], URL: "providers/1-1/"}, {Title: names[1]}}))
		},
	}
	for name, write := range tables {
		t.Run(name, func(t *testing.T) {
			want := write(plain)
			got := write(hostile)
			for i, h := range hostile {
				if strings.Contains(got, h) {
					t.Errorf("the rows hold %q unescaped:\n%s", h, got)
				}
				got = strings.ReplaceAll(got, html.EscapeString(h), plain[i])
			}
			if got != want {
				t.Errorf("with hostile names the markup differs:\ngot  %s\nwant %s", got, want)
			}
		})
	}
}
