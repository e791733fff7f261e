package publish

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/publish/publishtest"
	"github.com/yardstick-open/yardstick/registers"
	"github.com/yardstick-open/yardstick/schemas"
)

// duckdbOptions keep each test's DuckDB small, since tests run in parallel.
var duckdbOptions = duckdb.Options{Threads: 2, MemoryLimit: "1GB"}

const (
	trafford = "E08000009"
	bury     = "E08000002"
	onTime   = "hc-visits-on-time"
	q1       = "2024-25-Q1"
)

var (
	t0 = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	t1 = t0.Add(time.Hour)
)

func homecare(council, provider string, num, den int64) obs {
	return obs{Council: council, Provider: provider, Name: "Provider " + provider, Sector: "private",
		Service: "homecare", Metric: onTime, Period: q1, Num: i64(num), Den: i64(den),
		Value: pct(num, den)}
}

// pct is num/den as a percent, computed at run time as DuckDB and ingest
// compute it, not as an exact constant.
func pct(num, den int64) *float64 { return f64(float64(num) / float64(den) * 100) }

// baseSubs are a Trafford and a Bury return for 2024-25-Q1.
func baseSubs() []sub {
	return []sub{
		{ID: "20250101T000000Z-aaaa", Council: trafford, Received: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Rows: []obs{
			homecare(trafford, "1-101234567", 80, 100),
			homecare(trafford, "1-102345678", 45, 50),
			homecare(trafford, "", 125, 150),
		}},
		{ID: "20250102T000000Z-bbbb", Council: bury, Received: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC), Rows: []obs{
			homecare(bury, "1-101234567", 70, 100),
			homecare(bury, "1-103456789", 90, 120),
		}},
	}
}

// releaseFiles are the data files every release holds.
var releaseFiles = []string{
	schemas.ChecksumsFile, "data/benchmarks.csv.gz", "data/benchmarks.parquet", "data/comparisons.parquet", "data/councils.csv",
	schemas.DisclosureHistoryParquet, "data/metrics.csv", "data/observations.csv.gz", "data/observations.parquet", "data/peer-groups.csv",
	"data/provider-profiles.parquet", "data/providers.csv", "data/sector-benchmarks.csv.gz", "data/sector-benchmarks.parquet", "data/similar-councils.csv", schemas.PackageFile, schemas.ReleaseFile, schemas.DatabaseFile,
}

// siteFiles are files of the website of the release baseSubs make: the
// fixed files, and a page of each kind with its JSON twin (publish/site
// tests the pages themselves).
var siteFiles = []string{
	"404.html", "assets/site.css", "assets/site.js", "downloads.html", "downloads.json", "index.html", "index.json",
	"search.json", "sitemap.xml", "methodology.html", "methodology.json", "releases.html", "releases.json",
	"metrics/" + onTime + "/index.html", "metrics/" + onTime + "/index.json",
	"metrics/" + onTime + "/" + q1 + "/index.html", "metrics/" + onTime + "/" + q1 + "/index.json",
	"metrics/" + onTime + "/" + q1 + "/table.csv",
	"providers/1-101234567/index.html", "providers/1-101234567/index.json",
	"councils/" + trafford + "/index.html", "councils/" + trafford + "/index.json", "councils/" + trafford + "/table.csv",
}

// isSiteFile reports whether a release file belongs to its website.
func isSiteFile(name string) bool {
	for _, p := range []string{"metrics/", "providers/", "councils/", "assets/", "changes/", "sectors/"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	switch name {
	case "404.html", "downloads.html", "downloads.json", "index.html", "index.json", "search.json", "sitemap.xml",
		"methodology.html", "methodology.json", "releases.html", "releases.json", "api.html", "api.json":
		return true
	}
	return false
}

func TestPublish(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	addSubmissions(t, root, baseSubs()...)
	var log strings.Builder
	b := newBuilder(root, t0)
	b.Log = &log
	rel, err := b.Publish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := "2026-11-22T093000Z"; rel.ID != want {
		t.Errorf("id %q, want %q", rel.ID, want)
	}
	if rel.Dir != b.Layout.Release(rel.ID) {
		t.Errorf("dir %q, want %q", rel.Dir, b.Layout.Release(rel.ID))
	}
	if info, err := os.Stat(rel.Dir); err != nil {
		t.Error(err)
	} else if info.Mode().Perm() != 0o755 {
		t.Errorf("the published folder is %v, want it readable by everyone (0755)", info.Mode())
	}
	all := listFiles(t, rel.Dir)
	if got := slices.DeleteFunc(slices.Clone(all), isSiteFile); !reflect.DeepEqual(got, sorted(releaseFiles)) {
		t.Errorf("release data files\n got %v\nwant %v", got, sorted(releaseFiles))
	}
	for _, f := range siteFiles {
		if !slices.Contains(all, f) {
			t.Errorf("the release's website lacks %s", f)
		}
	}
	if !strings.Contains(log.String(), "pages a second") {
		t.Errorf("log lacks the website's line:\n%s", log.String())
	}
	checkSums(t, rel.Dir)
	checkCurrent(t, b.Layout, rel.ID)
	checkNoBuildFolders(t, b.Layout)

	got, err := ReadRelease(b.Layout, rel.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Created.Equal(t0) || got.Previous != "" || len(got.Revisions) != 0 {
		t.Errorf("release.json: created %v previous %q revisions %v", got.Created, got.Previous, got.Revisions)
	}
	// The data folder has no provider register, and release.json says so.
	if got.ProviderRegister == nil || got.ProviderRegister.Status != schemas.RegisterNone || got.ProviderRegister.SHA256 != "" {
		t.Errorf("release.json provider_register %+v, want status %q and no hash", got.ProviderRegister, schemas.RegisterNone)
	}
	if want := []string{"20250101T000000Z-aaaa", "20250102T000000Z-bbbb"}; !reflect.DeepEqual(got.Submissions, want) {
		t.Errorf("submissions %v, want %v", got.Submissions, want)
	}
	cat, _ := reference()
	wantCounts := schemas.Counts{Observations: 5, Comparisons: 5, Metrics: len(cat.Metrics), Councils: 2,
		Providers: 3, Periods: 1, Submissions: 2}
	if got.Counts != wantCounts {
		t.Errorf("counts\n got %+v\nwant %+v", got.Counts, wantCounts)
	}
	if !reflect.DeepEqual(got.Periods, []string{q1}) || got.SimilarCouncils != duckdb.NearestNeighboursMethod {
		t.Errorf("periods %v similar councils %q", got.Periods, got.SimilarCouncils)
	}

	obsRows := readCSV(t, filepath.Join(rel.Dir, schemas.ObservationsCSV))
	for _, r := range obsRows {
		if r["status"] != "" {
			t.Errorf("first release: status %q in %v", r["status"], r)
		}
	}
	metrics := readCSV(t, filepath.Join(rel.Dir, schemas.MetricsCSV))
	if len(metrics) != len(cat.Metrics) {
		t.Errorf("metrics.csv has %d rows, want %d", len(metrics), len(cat.Metrics))
	}
	if m := find(metrics, map[string]string{"id": onTime}); m["services"] != "homecare" || m["kind"] != "proportion" || m["max"] != "100.0" {
		t.Errorf("metrics.csv row %v", m)
	}
	metricColumns := []string{"id", "title", "kind", "unit", "multiplier", "polarity", "min", "max", "disclosure",
		"services", "description", "numerator", "denominator", "source", "numerator_count", "denominator_count",
		"small_count", "min_denominator"}
	if h := header(t, filepath.Join(rel.Dir, schemas.MetricsCSV)); !reflect.DeepEqual(h, metricColumns) {
		t.Errorf("metrics.csv header %v", h)
	}
	providers := readCSV(t, filepath.Join(rel.Dir, schemas.ProvidersCSV))
	p := find(providers, map[string]string{"provider_id": "1-101234567"})
	if p["sector"] != "private" || p["councils"] != bury+";"+trafford || p["services"] != "homecare" || p["n_councils"] != "2" {
		t.Errorf("providers.csv row %v", p)
	}
	councils := readCSV(t, filepath.Join(rel.Dir, schemas.CouncilsCSV))
	if c := find(councils, map[string]string{"council_code": trafford}); c["name"] != "Trafford" {
		t.Errorf("councils.csv row %v", c)
	}
	groups := readCSV(t, filepath.Join(rel.Dir, schemas.PeerGroupsCSV))
	if h := header(t, filepath.Join(rel.Dir, schemas.PeerGroupsCSV)); !reflect.DeepEqual(h, []string{"group_id", "council_code"}) {
		t.Errorf("peer-groups.csv header %v", h)
	}
	var traffordGroup []string
	for _, g := range groups {
		if g["group_id"] == trafford+":social_care" {
			traffordGroup = append(traffordGroup, g["council_code"])
		}
	}
	// Trafford's social-care group is Trafford and its similar councils
	// for social care, as similar-councils.csv ranks them.
	wantGroup := []string{trafford}
	for _, r := range readCSV(t, filepath.Join(rel.Dir, schemas.SimilarCSV)) {
		if r["council_code"] == trafford && r["responsibility"] == "social_care" {
			wantGroup = append(wantGroup, r["similar_code"])
		}
	}
	slices.Sort(traffordGroup)
	slices.Sort(wantGroup)
	if len(wantGroup) != duckdb.DefaultNeighbours+1 || !slices.Equal(traffordGroup, wantGroup) {
		t.Errorf("Trafford's group %v: want Trafford and its %d similar councils %v", traffordGroup, duckdb.DefaultNeighbours, wantGroup)
	}
	if !strings.Contains(log.String(), "release 2026-11-22T093000Z is live") {
		t.Errorf("log lacks the live line:\n%s", log.String())
	}
	db, err := duckdb.Open(ctx, filepath.Join(rel.Dir, schemas.DatabaseFile), duckdb.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("yardstick.duckdb does not open read-only: %v", err)
	}
	db.Close()
}

// TestPublishRevisions resubmits Trafford's return with one figure
// changed: the next release records the revision, marks it [r], and names
// the first release as its previous; a third release with no change has
// no revisions and drops the [r].
func TestPublishRevisions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// A folder whose name DuckDB's file readers would take as a pattern
	// ([, *, ?): the second publish reads the first release's files and
	// the warehouse by their paths, and must find them as named.
	root := filepath.Join(t.TempDir(), "Returns [2025] *")
	addSubmissions(t, root, baseSubs()...)
	// Every release is made in the same second, so ids take suffixes.
	b := newBuilder(root, t0)
	first, err := b.Publish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	firstSums := string(publishtest.ReadData(t, filepath.Join(first.Dir, schemas.ChecksumsFile)))

	resub := sub{ID: "20250201T000000Z-cccc", Council: trafford, Received: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), Rows: []obs{
		homecare(trafford, "1-101234567", 88, 100), // was 80/100
		{Council: trafford, Provider: "1-102345678", Name: "Provider 1-102345678", Sector: "private",
			Service: "homecare", Metric: onTime, Period: q1, Status: "x"}, // was 45/50
		homecare(trafford, "", 133, 150), // was 125/150
	}}
	addSubmissions(t, root, resub)
	second, err := b.Publish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := first.ID + "-02"; second.ID != want {
		t.Errorf("second id %q, want %q", second.ID, want)
	}
	if second.Previous != first.ID {
		t.Errorf("previous %q, want %q", second.Previous, first.ID)
	}
	checkCurrent(t, b.Layout, second.ID)
	checkSums(t, second.Dir)
	checkSums(t, first.Dir)
	if got := string(publishtest.ReadData(t, filepath.Join(first.Dir, schemas.ChecksumsFile))); got != firstSums {
		t.Error("the first release changed")
	}
	if ids, _ := Releases(b.Layout); !reflect.DeepEqual(ids, []string{first.ID, second.ID}) {
		t.Errorf("releases %v", ids)
	}
	// The record of the audit the next publish starts from is the newest
	// release's alone, in a private folder outside the releases.
	if entries, err := os.ReadDir(b.Layout.AuditRecords()); err != nil || len(entries) != 1 ||
		entries[0].Name() != filepath.Base(b.Layout.AuditRecord(second.ID)) {
		t.Errorf("audit records %v (%v), want %s's alone", entries, err, second.ID)
	}
	if info, err := os.Stat(b.Layout.AuditRecords()); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("audit records' folder: %v (%v), want mode 0700", info, err)
	}

	rec, err := ReadRelease(b.Layout, second.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []schemas.Revision{
		{ObservationKey: schemas.ObservationKey{Metric: onTime, Period: q1, CouncilCode: trafford, ProviderID: "", Service: "homecare"},
			Old: schemas.Figure{Value: pct(125, 150), Numerator: i64(125), Denominator: i64(150)},
			New: schemas.Figure{Value: pct(133, 150), Numerator: i64(133), Denominator: i64(150)}},
		{ObservationKey: schemas.ObservationKey{Metric: onTime, Period: q1, CouncilCode: trafford, ProviderID: "1-101234567", Service: "homecare"},
			Old: schemas.Figure{Value: f64(80), Numerator: i64(80), Denominator: i64(100)},
			New: schemas.Figure{Value: f64(88), Numerator: i64(88), Denominator: i64(100)}},
	}
	if !reflect.DeepEqual(rec.Revisions, want) {
		t.Errorf("revisions\n got %s\nwant %s", show(rec.Revisions), show(want))
	}
	if c := rec.Counts; c.Revised != 2 || c.Added != 0 || c.Withdrawn != 0 || c.NowHidden != 1 || c.NowShown != 0 {
		t.Errorf("counts %+v", rec.Counts)
	}
	if w := []string{"20250102T000000Z-bbbb", resub.ID}; !reflect.DeepEqual(rec.Submissions, w) {
		t.Errorf("submissions %v, want %v", rec.Submissions, w)
	}
	if w := []string{"20250101T000000Z-aaaa"}; !reflect.DeepEqual(rec.Superseded, w) {
		t.Errorf("superseded %v, want %v", rec.Superseded, w)
	}
	for _, file := range []string{schemas.ObservationsCSV} { // the one CSV file with markers
		seen := map[string]int{}
		for _, r := range readCSV(t, filepath.Join(second.Dir, file)) {
			want := ""
			switch {
			case r["council_code"] == trafford && r["provider_id"] == "1-102345678":
				want = "[x]"
			case r["council_code"] == trafford:
				want = "[r]"
			}
			seen[want]++
			if got := r["status"]; got != want {
				t.Errorf("%s: status %q for %s %q, want %q", file, got, r["council_code"], r["provider_id"], want)
			}
		}
		// The two revised figures and the one withheld must be there to check.
		if seen["[r]"] != 2 || seen["[x]"] != 1 || seen[""] == 0 {
			t.Errorf("%s: rows by expected status %v, want 2 [r], 1 [x] and some unmarked", file, seen)
		}
	}

	// The Parquet files carry the same markers, as bare letters.
	for _, file := range []string{schemas.ObservationsParquet, "data/comparisons.parquet"} {
		seen := map[string]int{}
		for _, r := range parquetStatus(t, filepath.Join(second.Dir, filepath.FromSlash(file))) {
			want := ""
			switch {
			case r[0] == trafford && r[1] == "1-102345678":
				want = "x"
			case r[0] == trafford:
				want = "r"
			}
			seen[want]++
			if r[2] != want {
				t.Errorf("%s: status %q for %s %q, want %q", file, r[2], r[0], r[1], want)
			}
		}
		if seen["r"] != 2 || seen["x"] != 1 || seen[""] == 0 {
			t.Errorf("%s: rows by expected status %v, want 2 r, 1 x and some unmarked", file, seen)
		}
	}

	third, err := b.Publish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if third.ID != first.ID+"-03" || third.Previous != second.ID || len(third.Revisions) != 0 || third.Counts.NowHidden != 0 {
		t.Errorf("third release %q previous %q revisions %v", third.ID, third.Previous, third.Revisions)
	}
	thirdRows := readCSV(t, filepath.Join(third.Dir, schemas.ObservationsCSV))
	if len(thirdRows) == 0 {
		t.Fatal("the third release has no observations")
	}
	for _, r := range thirdRows {
		if r["status"] != "" && r["status"] != "[x]" {
			t.Errorf("third release: status %q in %v", r["status"], r)
		}
	}
	checkCurrent(t, b.Layout, third.ID)
}

// TestPublishAddedAndWithdrawn counts observations that appear or vanish,
// and takes a figure that only gains a marker as unrevised.
func TestPublishAddedAndWithdrawn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	addSubmissions(t, root, baseSubs()...)
	b := newBuilder(root, t0, t1)
	if _, err := b.Publish(ctx); err != nil {
		t.Fatal(err)
	}
	provisional := homecare(bury, "1-101234567", 70, 100)
	provisional.Status = "p" // a marker alone changing is no revision
	addSubmissions(t, root, sub{ID: "20250201T000000Z-dddd", Council: bury, Received: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), Rows: []obs{
		provisional,
		homecare(bury, "1-104567890", 10, 20),
	}})
	rel, err := b.Publish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rel.ID != "2026-11-22T103000Z" || rel.Counts.Added != 1 || rel.Counts.Withdrawn != 1 || rel.Counts.Revised != 0 {
		t.Errorf("release %s counts %+v", rel.ID, rel.Counts)
	}
	// Bury's new return leaves out 1-103456789 (90 of 120, 75%), so
	// release.json names that row, with the figure it had.
	rec, err := ReadRelease(b.Layout, rel.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []schemas.Withdrawal{{
		ObservationKey: schemas.ObservationKey{Metric: onTime, Period: q1, CouncilCode: bury, ProviderID: "1-103456789", Service: "homecare"},
		Old:            schemas.Figure{Value: f64(75), Numerator: i64(90), Denominator: i64(120)},
	}}
	if !reflect.DeepEqual(rec.Withdrawals, want) {
		b1, _ := json.Marshal(rec.Withdrawals)
		b2, _ := json.Marshal(want)
		t.Errorf("withdrawals\n got %s\nwant %s", b1, b2)
	}
}

// TestPublishFailure checks that a build that fails leaves the live
// release and no temporary folder behind.
func TestPublishFailure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	addSubmissions(t, root, baseSubs()...)
	b := newBuilder(root, t0, t1)
	first, err := b.Publish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(b.Layout.Submission("20250301T000000Z-eeee"), "manifest.json")
	os.MkdirAll(filepath.Dir(bad), 0o755)
	if err := os.WriteFile(bad, []byte(`{"id": "20250301T000000Z-eeee", "status": `), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Publish(ctx); err == nil || !strings.Contains(err.Error(), "manifest") {
		t.Fatalf("publish with a corrupt manifest: error %v", err)
	}
	checkCurrent(t, b.Layout, first.ID)
	checkNoBuildFolders(t, b.Layout)
	if ids, _ := Releases(b.Layout); !reflect.DeepEqual(ids, []string{first.ID}) {
		t.Errorf("releases %v, want only %s", ids, first.ID)
	}
}

// TestPublishRemovesLeftovers removes what a crashed publish left, however
// recent: a build folder, scratch files and a temporary link of current.
// Only a publish holding the lock builds, so none can be a live publish's.
func TestPublishRemovesLeftovers(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	addSubmissions(t, root, baseSubs()...)
	layout := schemas.Layout{Root: root}
	stale := filepath.Join(layout.Releases(), buildingPrefix+"1")
	recent := filepath.Join(layout.Releases(), buildingPrefix+"2")
	for _, d := range []string{stale, recent, filepath.Join(layout.Scratch(), "publish-1")} {
		if err := os.MkdirAll(filepath.Join(d, "data"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-25 * time.Hour)
	os.Chtimes(stale, old, old)
	link := filepath.Join(root, ".current-2026-11-20T000000Z.tmp")
	if err := os.Symlink("releases/2026-11-20T000000Z", link); err != nil {
		t.Fatal(err)
	}
	rel, err := newBuilder(root, t0).Publish(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{stale, recent, link, filepath.Join(layout.Scratch(), "publish-1")} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s was left", p)
		}
	}
	checkCurrent(t, layout, rel.ID)
}

// TestPublishFinishesSwap makes live, before building, a release that a
// publish put in place and died before making live, so the new release's
// revisions are counted against it; a release that is not the live one's
// successor is left alone.
func TestPublishFinishesSwap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	addSubmissions(t, root, baseSubs()...)
	layout := schemas.Layout{Root: root}
	first, err := newBuilder(root, t0).Publish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// As if the first publish had died before its swap: there is no
	// current link yet.
	if err := os.Remove(layout.Current()); err != nil {
		t.Fatal(err)
	}
	second, err := newBuilder(root, t1).Publish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if second.Previous != first.ID {
		t.Errorf("release %s follows %q, want %s, the first release, left in place", second.ID, second.Previous, first.ID)
	}
	// As if the second publish had died before its swap: current still
	// names the first release, and was made before the second release's
	// SHA256SUMS was written.
	if err := swapCurrent(layout, first.ID); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(filepath.Join(second.Dir, schemas.ChecksumsFile), later, later); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	b := newBuilder(root, t1.Add(time.Hour))
	b.Log = &log
	third, err := b.Publish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if third.Previous != second.ID {
		t.Errorf("release %s follows %q, want %s, the release left in place", third.ID, third.Previous, second.ID)
	}
	if want := "release " + second.ID + ", built by a publish that stopped before making it live, is live"; !strings.Contains(log.String(), want) {
		t.Errorf("log lacks %q:\n%s", want, log.String())
	}
	checkCurrent(t, layout, third.ID)

	// Pointed back at the first release by hand: the newest release, the
	// third, names the second as its previous, so it stays as it is.
	if err := swapCurrent(layout, first.ID); err != nil {
		t.Fatal(err)
	}
	fourth, err := newBuilder(root, t1.Add(2*time.Hour)).Publish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fourth.Previous != first.ID {
		t.Errorf("release %s follows %q, want %s, the live one", fourth.ID, fourth.Previous, first.ID)
	}

	// The fourth release withdrawn by hand after it went live: current
	// points back at the first, the release the fourth names as its
	// previous, but the link was made after the fourth was complete, so
	// the next publish does not make the fourth live again.
	if err := swapCurrent(layout, first.ID); err != nil {
		t.Fatal(err)
	}
	fifth, err := newBuilder(root, t1.Add(3*time.Hour)).Publish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fifth.Previous != first.ID {
		t.Errorf("release %s follows %q, want %s: a release withdrawn by hand was made live again", fifth.ID, fifth.Previous, first.ID)
	}
}

// TestPublishRemovesAuditLeftovers checks that a publish, before it
// builds, removes the records of audits that dead publishes left for
// releases never put in place, and their temporary files, which digest
// figures from before disclosure control, even when it then fails; the
// record of a release in releases/ stays.
func TestPublishRemovesAuditLeftovers(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	b := newBuilder(root, t0)
	kept := b.Layout.AuditRecord("2025-01-01T000000Z")
	if err := os.MkdirAll(b.Layout.Release("2025-01-01T000000Z"), 0o755); err != nil {
		t.Fatal(err)
	}
	dead := b.Layout.AuditRecord("2025-02-01T000000Z")
	temp := filepath.Join(b.Layout.AuditRecords(), schemas.TempPrefix("2025-02-01T000000Z.parquet")+"1")
	if err := os.MkdirAll(b.Layout.AuditRecords(), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{kept, dead, temp} {
		if err := os.WriteFile(p, []byte("record"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Nothing to publish from, and a release folder with nothing in it:
	// the publish fails, once it has removed what it must.
	if _, err := b.Publish(context.Background()); err == nil {
		t.Fatal("published from nothing")
	}
	for _, p := range []string{dead, temp} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s was left", p)
		}
	}
	if _, err := os.Stat(kept); err != nil {
		t.Errorf("the record of a release in place: %v", err)
	}
}

func TestPublishNoSubmissions(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	b := newBuilder(root, t0)
	_, err := b.Publish(context.Background())
	if !errors.Is(err, ErrNoSubmissions) {
		t.Fatalf("error %v, want ErrNoSubmissions", err)
	}
	if _, err := CurrentRelease(b.Layout); !errors.Is(err, ErrNoRelease) {
		t.Errorf("current release: %v, want ErrNoRelease", err)
	}
	checkNoBuildFolders(t, b.Layout)
	if ids, _ := Releases(b.Layout); len(ids) != 0 {
		t.Errorf("releases %v", ids)
	}
}

// TestPublishPeerGroups uses the data folder's peer-groups.csv.
func TestPublishPeerGroups(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	addSubmissions(t, root, baseSubs()...)
	groups := "group_id,council_code\ng1," + trafford + "\ng1," + bury + "\n"
	if err := os.WriteFile(filepath.Join(root, "peer-groups.csv"), []byte(groups), 0o644); err != nil {
		t.Fatal(err)
	}
	rel, err := newBuilder(root, t0).Publish(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rel.SimilarCouncils != duckdb.PeerGroupsMethod {
		t.Errorf("similar councils %q", rel.SimilarCouncils)
	}
	checkDataPackage(t, rel)
	got := readCSV(t, filepath.Join(rel.Dir, schemas.PeerGroupsCSV))
	want := []map[string]string{{"group_id": "g1", "council_code": bury}, {"group_id": "g1", "council_code": trafford}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("peer-groups.csv %v, want %v", got, want)
	}
}

// TestPublishRecordsRegister checks that release.json names the provider
// register a release was built with: the SHA-256 of the file's bytes,
// worked out here, and its two imports (the Trafford CQC extract and
// Ofsted's list, ingest/testdata/names/register.parquet).
func TestPublishRecordsRegister(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	addSubmissions(t, root, baseSubs()...)
	b, err := os.ReadFile(filepath.Join("..", "ingest", "testdata", "names", "register.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	path := registers.RegisterFile(root)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	rel, err := newBuilder(root, t0).Publish(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadRelease(newBuilder(root, t0).Layout, rel.ID)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	r := got.ProviderRegister
	if r == nil || r.Status != schemas.RegisterUsed || r.SHA256 != hex.EncodeToString(sum[:]) || len(r.Imports) != 2 || r.Providers == 0 {
		t.Errorf("release.json provider_register %+v, want status %q, SHA-256 %x and two imports", r, schemas.RegisterUsed, sum)
	}
}

func TestCurrentReleaseRejectsForeignLink(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	layout := schemas.Layout{Root: root}
	os.MkdirAll(filepath.Join(root, "elsewhere"), 0o755)
	os.Symlink("elsewhere", layout.Current())
	if _, err := CurrentRelease(layout); err == nil {
		t.Error("a link outside releases/ was taken for a release")
	}
	if _, err := ReadRelease(layout, "../elsewhere"); !errors.Is(err, ErrNoRelease) {
		t.Errorf("ReadRelease(../elsewhere): %v, want ErrNoRelease", err)
	}
}

// checkSums recomputes every file's SHA-256 and compares the list with
// SHA256SUMS, which must name every other file of the release.
func checkSums(t *testing.T, dir string) {
	t.Helper()
	sums := string(publishtest.ReadData(t, filepath.Join(dir, schemas.ChecksumsFile)))
	var listed []string
	sc := bufio.NewScanner(strings.NewReader(sums))
	for sc.Scan() {
		hash, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("SHA256SUMS line %q", sc.Text())
		}
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != hash {
			t.Errorf("%s: sha256 %s, SHA256SUMS says %s", name, got, hash)
		}
		listed = append(listed, name)
	}
	if !slices.IsSorted(listed) {
		t.Errorf("SHA256SUMS is not sorted by path: %v", listed)
	}
	all := listFiles(t, dir)
	all = slices.DeleteFunc(all, func(s string) bool { return s == schemas.ChecksumsFile })
	if !reflect.DeepEqual(listed, all) {
		t.Errorf("SHA256SUMS lists %v\nthe release holds %v", listed, all)
	}
}

func checkCurrent(t *testing.T, layout schemas.Layout, id string) {
	t.Helper()
	target, err := os.Readlink(layout.Current())
	if err != nil {
		t.Fatal(err)
	}
	if want := "releases/" + id; target != want {
		t.Errorf("current -> %q, want %q", target, want)
	}
	if got, err := CurrentRelease(layout); err != nil || got != id {
		t.Errorf("CurrentRelease = %q, %v; want %q", got, err, id)
	}
	entries, _ := os.ReadDir(layout.Root)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".current") {
			t.Errorf("temporary link %s left behind", e.Name())
		}
	}
}

func checkNoBuildFolders(t *testing.T, layout schemas.Layout) {
	t.Helper()
	entries, _ := os.ReadDir(layout.Releases())
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("%s left in releases/", e.Name())
		}
	}
}

// listFiles returns the files under dir, relative, with forward slashes.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func header(t *testing.T, path string) []string {
	t.Helper()
	h, err := csv.NewReader(strings.NewReader(string(publishtest.ReadData(t, path)))).Read()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// readCSV reads a CSV file with a header as one map per row.
func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(string(publishtest.ReadData(t, path)))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, c := range recs[0] {
			m[c] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// find returns the one row matching every key.
func find(rows []map[string]string, key map[string]string) map[string]string {
	for _, r := range rows {
		match := true
		for k, v := range key {
			match = match && r[k] == v
		}
		if match {
			return r
		}
	}
	return nil
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func show(rs []schemas.Revision) string {
	b, _ := json.MarshalIndent(rs, "", "  ")
	return string(b)
}

// parquetStatus reads council_code, provider_id and status from each row of
// a release's Parquet file, through DuckDB as an independent reader.
func parquetStatus(t testing.TB, path string) [][3]string {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(testSQL(t, "parquet_status"), sql.Named("path", path))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][3]string
	for rows.Next() {
		var r [3]string
		if err := rows.Scan(&r[0], &r[1], &r[2]); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("%s has no rows", path)
	}
	return out
}

// TestPublishOneLargeDenominator publishes a group of one figure whose
// denominator has more than six significant figures, as a single council's
// first waste return has: the funnel's points between its ends are
// rounded to six figures, and must stay within the span of the rows
// compared, or the disclosure check refuses the release (it did, for
// 1,371,282 rounded to 1,371,280).
func TestPublishOneLargeDenominator(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	const middlesbrough = "E06000002"
	addSubmissions(t, root, sub{ID: "20250101T000000Z-waste", Council: middlesbrough,
		Received: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Rows: []obs{
			{Provider: "LOCAL-MDB-WS01", Name: "Middlesbrough Council Waste and Recycling", Sector: "public",
				Service: "waste-collection", Metric: "waste-missed-collections", Period: q1,
				Num: i64(380), Den: i64(1371282), Value: f64(27.7)},
		}})
	rel, err := newBuilder(root, t0).Publish(ctx)
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	r, err := duckdb.OpenRelease(ctx, filepath.Join(rel.Dir, schemas.DatabaseFile), duckdbOptions)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	v, err := r.Metric(ctx, "waste-missed-collections", q1)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.FunnelLimits) == 0 {
		t.Fatal("no funnel limits")
	}
	for _, f := range v.FunnelLimits {
		if f.Denominator != 1371282 {
			t.Errorf("funnel point at denominator %v, outside the one row's 1371282", f.Denominator)
		}
	}
}

// TestReleasesFollowsLinks lists a release archived elsewhere and linked
// back into releases/, as disclosure control reads it, and leaves out
// folders being built, files and links to nothing.
func TestReleasesFollowsLinks(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	layout := schemas.Layout{Root: root}
	archive := filepath.Join(t.TempDir(), "2026-01-02T000000Z")
	for _, d := range []string{layout.Release("2026-01-01T000000Z"), layout.Release(buildingPrefix + "x"), archive} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(archive, layout.Release("2026-01-02T000000Z")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "gone"), layout.Release("2026-01-03T000000Z")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(layout.Release("notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Releases(layout)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"2026-01-01T000000Z", "2026-01-02T000000Z"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Releases = %v, want %v", got, want)
	}
}

// TestPublishRefusesSettingsPath checks that publish refuses, before it
// makes anything, a data folder whose path holds ? or #, which DuckDB
// would read as the start of settings: it would fail minutes later,
// writing the release database, and the release could not be served. The
// error says what to do.
func TestPublishRefusesSettingsPath(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"Returns?", "Returns #2"} {
		root := filepath.Join(t.TempDir(), name)
		addSubmissions(t, root, baseSubs()...)
		_, err := newBuilder(root, t0).Publish(context.Background())
		if !errors.Is(err, duckdb.ErrPathSettings) || !strings.Contains(err.Error(), "rename or move the folder") {
			t.Errorf("%s: %v, want ErrPathSettings saying what to do", name, err)
		}
		if _, err := os.Stat(filepath.Join(root, "releases")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: releases folder made (%v)", name, err)
		}
	}
}
