//go:build unix

package site_test

import (
	"context"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/publish/publishtest"
	"github.com/yardstick-open/yardstick/publish/site"
	"github.com/yardstick-open/yardstick/schemas"
)

var siteRelease = flag.String("site-release", "", "a release folder whose website BenchmarkSiteRelease builds again")

// BenchmarkSiteRelease measures pages written a second for the website of
// a release already published (such as one of `yardstick sample --rows
// 200000`, ingested and published with --no-site), given by
// -site-release; it skips without one. Besides pages a second of wall
// time it reports pages a second of the process's CPU time, which a busy
// machine changes less, and the CPU time and bytes of one site (in all,
// and its HTML, JSON and CSV files'), which compare builds that split the
// same tables into different numbers of pages.
func BenchmarkSiteRelease(b *testing.B) {
	if *siteRelease == "" {
		b.Skip("no -site-release given")
	}
	data, err := os.ReadFile(filepath.Join(*siteRelease, schemas.ReleaseFile))
	if err != nil {
		b.Fatal(err)
	}
	var rel schemas.Release
	if err := json.Unmarshal(data, &rel); err != nil {
		b.Fatal(err)
	}
	r, err := duckdb.OpenRelease(context.Background(), filepath.Join(*siteRelease, schemas.DatabaseFile), duckdb.Options{Threads: 2})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	cat, _ := publishtest.Reference()
	var pages, builds int
	var bytes int64
	kinds := map[string]int64{} // bytes by kind of file: HTML, JSON, CSV
	var elapsed, cpu time.Duration
	for b.Loop() {
		out := b.TempDir()
		before := cpuTime(b)
		stats, err := (&site.Builder{}).Build(context.Background(), site.Input{Reader: r, Release: &rel, Dir: out, Catalogue: cat})
		if err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime(b) - before
		pages += stats.Pages
		bytes += stats.Bytes
		builds++
		elapsed += stats.Elapsed
		b.StopTimer()
		err = filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			switch ext := filepath.Ext(path); ext {
			case ".html", ".json", ".csv":
				kinds[ext[1:]] += info.Size()
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		os.RemoveAll(out)
		b.StartTimer()
	}
	b.ReportMetric(float64(pages)/elapsed.Seconds(), "pages/s")
	b.ReportMetric(float64(pages)/cpu.Seconds(), "pages/cpu-s")
	b.ReportMetric(cpu.Seconds()/float64(builds), "cpu-s/site")
	b.ReportMetric(float64(bytes)/1e6/float64(builds), "MB/site")
	b.ReportMetric(float64(pages)/float64(builds), "pages/site")
	for kind, n := range kinds {
		b.ReportMetric(float64(n)/1e6/float64(builds), "MB-"+kind+"/site")
	}
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
