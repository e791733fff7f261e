package duckdb

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/data"
	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"
)

// BenchmarkBuild builds the comparisons for a synthetic warehouse: the
// first 150 English social-care councils of the register, 20 providers
// each, four home care metrics over four quarters (48,000 rows in 600
// files).
func BenchmarkBuild(b *testing.B) {
	root, cs, cat := benchFixture(b)
	db, err := Open(context.Background(), "", Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	in := BuildInput{DataDir: root, Catalogue: cat, Councils: cs}
	b.ResetTimer()
	for b.Loop() {
		if err := db.Build(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}

// benchFixture writes the synthetic warehouse BenchmarkBuild reads: 150
// councils with 20 providers each, 48,000 rows.
func benchFixture(b *testing.B) (string, *schemas.Councils, *schemas.Catalogue) {
	b.Helper()
	return syntheticFixture(b, 20)
}

// syntheticFixture writes a warehouse of 150 councils with the given
// number of providers each, every provider with four home care metrics
// over four quarters (16 rows), with the built-in catalogue and councils.
func syntheticFixture(tb testing.TB, providers int) (string, *schemas.Councils, *schemas.Catalogue) {
	tb.Helper()
	cs, err := schemas.LoadCouncils(data.Reference())
	if err != nil {
		tb.Fatal(err)
	}
	cat, err := config.Builtin()
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	periods := []string{"2023-24-Q4", "2024-25-Q1", "2024-25-Q2", "2024-25-Q3"}
	metrics := []struct {
		id   string
		rate float64
		den  int64
	}{{"hc-visits-on-time", 0.85, 2000}, {"hc-missed-visits", 0.004, 20000}, {"hc-hours-delivered", 0.93, 5000}, {"hc-continuity", 0.7, 2000}}
	var subs []sub
	for _, c := range cs.All() {
		if len(subs) == 150 {
			break
		}
		if c.Nation != "England" || !c.Current() || !c.SocialCare() {
			continue
		}
		s := sub{ID: "s-" + c.Code, Council: c.Code, Received: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
		for p := range providers {
			provider := fmt.Sprintf("1-%03d", rng.IntN(400))
			for _, period := range periods {
				for _, m := range metrics {
					den := m.den/2 + rng.Int64N(m.den)
					num := int64(float64(den) * m.rate * (0.9 + 0.2*rng.Float64()))
					if m.rate < 1 && num > den {
						num = den
					}
					s.Rows = append(s.Rows, obs{Provider: fmt.Sprintf("%s-%d", provider, p), Name: "Provider " + provider,
						Service: "homecare", Metric: m.id, Period: period, Num: i64(num), Den: i64(den)})
				}
			}
		}
		subs = append(subs, s)
	}
	return writeDataDir(tb, subs...), cs, cat
}
