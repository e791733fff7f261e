package site

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"runtime"
	"testing"
)

// BenchmarkSumsHeld measures the Go heap that Stats.Sums holds for a
// national release's website, 1,914,911 files (the 20M release's), against
// its peer, the same sums kept as hex strings as they were before
// (BENCHMARKS.md, "The website at 20M in less memory"): live megabytes
// after a collection, the paths themselves left out.
//
//	go test -run '^$' -bench SumsHeld -benchtime 1x ./publish/site/
func BenchmarkSumsHeld(b *testing.B) {
	const files = 1_914_911
	names := make([]string, files)
	for i := range names {
		// 50 bytes, a provider's metric page as the website names it
		// (the demo's files average 49.9).
		names[i] = fmt.Sprintf("providers/1-%09d/hc-visits-on-time/index.html", i)
	}
	live := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	for b.Loop() {
		base := live()
		asBytes := map[string][sha256.Size]byte{}
		for _, name := range names {
			asBytes[name] = sha256.Sum256([]byte(name))
		}
		bytesMB := float64(live()-base) / 1e6
		runtime.KeepAlive(asBytes)
		base = live()
		asHex := map[string]string{}
		for _, name := range names {
			sum := sha256.Sum256([]byte(name))
			asHex[name] = hex.EncodeToString(sum[:])
		}
		hexMB := float64(live()-base) / 1e6
		runtime.KeepAlive(asHex)
		b.ReportMetric(bytesMB, "MB-bytes")
		b.ReportMetric(hexMB, "MB-hex")
		b.ReportMetric(bytesMB/hexMB, "bytes/hex")
	}
}
