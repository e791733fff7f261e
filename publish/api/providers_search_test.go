package api

import (
	"context"
	"net/url"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/publish/publishtest"
	"github.com/yardstick-open/yardstick/schemas"
)

// TestProvidersSearchAliases publishes a release in which two councils
// spell one provider differently, and checks that providers?q= finds it
// by the name not published (an alias) as by its own, in any case, and
// that % and _ in q are the characters themselves, not wildcards.
//
// Trafford, received first, calls Gamma "Gamma Home Care plc"; Bury calls
// it "Gamma Domiciliary 100% Ltd". One council each, so the published name
// is Trafford's and Bury's spelling is an alias. Alpha is "Alpha Care Ltd"
// in both.
func TestProvidersSearchAliases(t *testing.T) {
	t.Parallel()
	root := filepath.Join(t.TempDir(), "data")
	day := func(d int) time.Time { return time.Date(2025, 1, d, 0, 0, 0, 0, time.UTC) }
	rows := func(council, gammaName string) []publishtest.Obs {
		var out []publishtest.Obs
		for i, period := range []string{q1, q2} {
			out = append(out,
				row(council, alpha, "Alpha Care Ltd", "private", onTime, period, int64(70+i), 100),
				row(council, gamma, gammaName, "plc", onTime, period, int64(80+i), 100),
				row(council, "", "", "", onTime, period, int64(250+i), 320))
		}
		return out
	}
	publishtest.WriteSubmissions(t, root,
		publishtest.Sub{ID: "20250101T000000Z-aaaa", Council: trafford, Received: day(1), Rows: rows(trafford, "Gamma Home Care plc")},
		publishtest.Sub{ID: "20250102T000000Z-bbbb", Council: bury, Received: day(2), Rows: rows(bury, "Gamma Domiciliary 100% Ltd")})
	b := builder(root, func() time.Time { return t0 })
	if _, err := b.Publish(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, hs := startServer(t, b.Layout, Config{Rate: -1})

	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"", []string{alpha, gamma}},
		{"DOMICILIARY", []string{gamma}}, // Bury's spelling alone
		{"gamma home", []string{gamma}},  // the published name
		{"100%", []string{gamma}},        // a literal % in an alias
		{"%", []string{gamma}},           // as a wildcard, every provider
		{"a%e", nil},                     // as a wildcard, "Alpha Care Ltd"
		{"_", nil},                       // as a wildcard, every provider
		{"Alpha Care Limited", nil},      // no name or alias holds it
	} {
		var page schemas.Page[schemas.ProviderRow]
		get(t, hs.URL+Prefix+"/providers?q="+url.QueryEscape(tc.q)).decode(t, &page)
		var got []string
		for _, p := range page.Items {
			got = append(got, p.ProviderID)
		}
		if !slices.Equal(got, tc.want) || page.Total != len(tc.want) {
			t.Errorf("providers?q=%s: %v (total %d), want %v", tc.q, got, page.Total, tc.want)
		}
	}

	var v schemas.ProviderView
	get(t, hs.URL+Prefix+"/providers/"+gamma).decode(t, &v)
	if p := v.Provider; p.ProviderName != "Gamma Home Care plc" || !slices.Equal(p.Aliases, []string{"Gamma Domiciliary 100% Ltd"}) ||
		p.SectorSource != "councils' returns" || len(p.Identifiers) != 0 || p.RatingDate != nil {
		t.Errorf("providers/%s = %+v; want Trafford's name, Bury's an alias, the councils' sector, nothing from a register", gamma, p)
	}
}
