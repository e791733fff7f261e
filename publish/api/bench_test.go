package api

import (
	"io"
	"net/http"
	"testing"
)

// BenchmarkServe measures answers over loopback HTTP: the cached API
// answers against a static file of the release. make bench's load test
// compares them on the million-row sample; this is the quick look.
func BenchmarkServe(b *testing.B) {
	_, _, hs := shared(b)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	for _, bc := range []struct{ name, path string }{
		{"comparisons", Prefix + "/comparisons?metric=" + onTime + "&page_size=100"},
		{"comparisons csv", Prefix + "/comparisons?metric=" + onTime + "&page_size=100&format=csv"},
		{"provider", Prefix + "/providers/" + alpha},
		{"static file", "/data/observations.csv.gz"},
		{"parquet file", "/data/comparisons.parquet"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					resp, err := client.Get(hs.URL + bc.path)
					if err != nil {
						b.Error(err)
						return
					}
					n, _ := io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
					b.SetBytes(n)
				}
			})
		})
	}
}
