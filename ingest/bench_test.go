package ingest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"
)

// canonicalReturn writes a canonical return of n rows for one council.
func canonicalReturn(w io.Writer, n int) {
	fmt.Fprintln(w, "council_code,provider_id,provider_name,provider_sector,service,metric,period,numerator,denominator,value,note")
	periods := []string{"2023-24-Q1", "2023-24-Q2", "2023-24-Q3", "2023-24-Q4", "2024-25-Q1", "2024-25-Q2", "2024-25-Q3", "2024-25-Q4"}
	metrics := []string{"hc-visits-on-time", "hc-continuity", "hc-hours-delivered", "staff-turnover", "vacancy-rate"}
	for i := 0; i < n; i++ {
		m := metrics[i%len(metrics)]
		prov := i / len(metrics) % 100000
		p := periods[i/(len(metrics)*100000)%len(periods)]
		den := 100 + (i*7919)%1900
		num := (den * (50 + i%50)) / 100
		fmt.Fprintf(w, "E08000009,1-1%08d,Provider %d Ltd,private,homecare,%s,%s,%d,%d,%.1f,\n",
			prov, prov, m, p, num, den, float64(num)/float64(den)*100)
	}
}

func BenchmarkIngest(b *testing.B) {
	var buf bytes.Buffer
	canonicalReturn(&buf, 200000)
	p := testPipeline(b)
	b.SetBytes(int64(buf.Len()))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Layout.Root = b.TempDir()
		rep, err := p.Ingest(context.Background(), bytes.NewReader(buf.Bytes()), "big.csv", Options{})
		if err != nil {
			b.Fatal(err)
		}
		if !rep.Accepted() {
			b.Fatalf("rejected: %v", rep.Problems[:min(3, len(rep.Problems))])
		}
	}
	b.ReportMetric(float64(200000*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkIngestSmall measures the council case: one small return (40
// rows, one partition) after another into the same data folder, each a new
// submission, so the cost per return of creating, committing and cleaning
// up a submission shows.
func BenchmarkIngestSmall(b *testing.B) {
	p := testPipeline(b)
	var buf bytes.Buffer
	i := 0
	for b.Loop() {
		buf.Reset()
		fmt.Fprintln(&buf, "council_code,provider_id,provider_name,provider_sector,service,metric,period,numerator,denominator,value,note")
		for r := range 40 {
			fmt.Fprintf(&buf, "E08000009,1-1%08d,Provider %d Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,%d,1000,,\n", r, r, 500+(i+r)%400)
		}
		i++
		rep, err := p.Ingest(context.Background(), bytes.NewReader(buf.Bytes()), "small.csv", Options{})
		if err != nil || !rep.Accepted() || rep.Duplicate != "" {
			b.Fatalf("%v %+v", err, rep)
		}
	}
}
