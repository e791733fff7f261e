//go:build unix

package site_test

import (
	"context"
	"encoding/json"
	"flag"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/publish/publishtest"
	"github.com/yardstick-open/yardstick/publish/site"
	"github.com/yardstick-open/yardstick/schemas"
)

var (
	siteRelease = flag.String("site-release", "", "a release folder whose website BenchmarkSiteRelease builds again")
	siteLargest = flag.String("site-largest", "", "a folder into which BenchmarkSiteRelease copies the largest page over TablePageBytes of each kind")
	siteMemory  = flag.String("site-memory-limit", "", "DuckDB's memory limit for BenchmarkSiteRelease's reader, as publish gives its website's reader (half of --memory-limit); empty keeps the reader's default")
	siteTemp    = flag.String("site-temp-dir", "", "a folder where BenchmarkSiteRelease's reader spills past -site-memory-limit, as publish's does into .scratch; empty never spills")
	siteQueue   = flag.Int("site-queue-rows", 0, "the rows the pages queued and being rendered may hold between them (site.Builder.QueueRows); 0 keeps site.QueueRows")
)

// BenchmarkSiteRelease measures pages written a second for the website of
// a release already published (such as one of `yardstick sample --rows
// 200000`, ingested and published with --no-site), given by
// -site-release; it skips without one. Besides pages a second of wall
// time it reports pages a second of the process's CPU time, which a busy
// machine changes less, and the CPU time and bytes of one site (in all,
// and its HTML, JSON and CSV files'), which compare builds that split the
// same tables into different numbers of pages, and how many of its HTML
// pages are over TablePageBytes and over LongTablePageBytes, with the
// largest, which show whether long tables were split as small as they
// should be. -site-memory-limit and -site-temp-dir give its reader the
// limit and the spill folder publish gives the website's, and
// -site-queue-rows weighs the bound on the rows pages hold while they wait
// to be rendered against the time it costs.
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
	r, err := duckdb.OpenRelease(context.Background(), filepath.Join(*siteRelease, schemas.DatabaseFile), duckdb.Options{
		Threads: 2, MemoryLimit: *siteMemory, TempDir: *siteTemp})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	cat, _ := publishtest.Reference()
	var pages, builds int
	var bytes int64
	kinds := map[string]int64{}       // bytes by kind of file: HTML, JSON, CSV
	var over32, over48, largest int64 // HTML pages over each size, and the largest
	// The first build's pages over TablePageBytes by kind of page.
	type overs struct {
		n32, n48 int
		largest  int64
		path     string
	}
	byKind := map[string]*overs{}
	var elapsed, cpu time.Duration
	for b.Loop() {
		out := b.TempDir()
		before := cpuTime(b)
		stats, err := (&site.Builder{QueueRows: *siteQueue}).Build(context.Background(), site.Input{Reader: r, Release: &rel, Dir: out, Catalogue: cat})
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
			if filepath.Ext(path) == ".html" {
				largest = max(largest, info.Size())
				if info.Size() <= site.TablePageBytes {
					return nil
				}
				over32++
				if info.Size() > site.LongTablePageBytes {
					over48++
				}
				if builds == 1 {
					name, _ := filepath.Rel(out, path)
					k := byKind[pageKind(name)]
					if k == nil {
						k = &overs{}
						byKind[pageKind(name)] = k
					}
					k.n32++
					if info.Size() > site.LongTablePageBytes {
						k.n48++
					}
					if info.Size() > k.largest {
						k.largest, k.path = info.Size(), name
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if *siteLargest != "" && builds == 1 {
			for kind, k := range byKind {
				data, err := os.ReadFile(filepath.Join(out, k.path))
				if err != nil {
					b.Fatal(err)
				}
				name := strings.NewReplacer("/", "_", "<", "", ">", "").Replace(strings.TrimSuffix(kind, ".html"))
				if err := os.WriteFile(filepath.Join(*siteLargest, name+".html"), data, 0o644); err != nil {
					b.Fatal(err)
				}
			}
		}
		os.RemoveAll(out)
		b.StartTimer()
	}
	b.ReportMetric(float64(pages)/elapsed.Seconds(), "pages/s")
	b.ReportMetric(float64(pages)/cpu.Seconds(), "pages/cpu-s")
	b.ReportMetric(cpu.Seconds()/float64(builds), "cpu-s/site")
	b.ReportMetric(float64(bytes)/1e6/float64(builds), "MB/site")
	b.ReportMetric(float64(pages)/float64(builds), "pages/site")
	for _, kind := range slices.Sorted(maps.Keys(byKind)) {
		k := byKind[kind]
		b.Logf("%s: %d pages over %d bytes, %d over %d; the largest %s, %d bytes", kind, k.n32, site.TablePageBytes,
			k.n48, site.LongTablePageBytes, k.path, k.largest)
	}
	b.ReportMetric(float64(over32)/float64(builds), "html-over-32KB/site")
	b.ReportMetric(float64(over48)/float64(builds), "html-over-48KB/site")
	b.ReportMetric(float64(largest)/1024, "largest-html-KiB")
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

// pageKind names the kind of page at path, relative to the site's root:
// a metric's period page or a part of its table, a provider's or a
// council's page or a part of it, or the page's own name for the rest.
func pageKind(path string) string {
	parts := strings.Split(filepath.ToSlash(path), "/")
	switch {
	case len(parts) >= 3 && (parts[0] == "providers" || parts[0] == "councils"):
		if len(parts) == 3 {
			return parts[0] + "/<id>/"
		}
		return parts[0] + "/<id>/<part>/"
	case len(parts) >= 3 && parts[0] == "metrics":
		switch len(parts) {
		case 3:
			return "metrics/<metric>/"
		case 4:
			return "metrics/<metric>/<period>/"
		}
		return "metrics/<metric>/<period>/<part>/"
	}
	return path
}
