package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/publish/publishtest"
)

// The disclosure tests publish Trafford's (trafford, serve_test.go)
// care-home falls for one quarter.
const fallsPeriod = "2024-25-Q1"

// falls is a row of Trafford's care-home falls for fallsPeriod: num falls in
// den occupied bed days, per 1,000; provider "" is the council-wide total.
func falls(provider string, num, den int64) publishtest.Obs {
	return publishtest.Obs{Provider: provider, Name: "Home " + provider, Sector: "private", Service: "care-home",
		Metric: "ch-falls", Period: fallsPeriod, Num: publishtest.I64(num), Den: publishtest.I64(den),
		Value: publishtest.F64(float64(num) / float64(den) * 1000)}
}

// TestPublishRefusesUnsafeRelease publishes Trafford's care-home falls
// for 2024-25-Q1 (the council-wide total 52/13000 and three homes, 12/3000,
// 15/4000 and 23/5000; the total also holds a home not listed), then a
// return listing that fourth home, 2/1000, and leaving the rest as they
// were. The group now adds up, so 52 - 50 gives the 2 back, and every
// other figure of it was published by the first release, so none can
// protect it: publish must exit non-zero, name the cell and the return
// to look at, and leave the first release live.
func TestPublishRefusesUnsafeRelease(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	rows := []publishtest.Obs{falls("", 52, 13000), falls("1-101000001", 12, 3000), falls("1-101000002", 15, 4000),
		falls("1-101000003", 23, 5000)}
	publishtest.WriteSubmissions(t, data, publishtest.Sub{ID: "20250101T000000Z-aaaa", Council: trafford,
		Received: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Rows: rows})
	first := publishOK(t, data)

	publishtest.WriteSubmissions(t, data, publishtest.Sub{ID: "20250201T000000Z-bbbb", Council: trafford,
		Received: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), Rows: append(rows, falls("1-101000004", 2, 1000))})
	code, stdout, stderr := runCmd(t, "publish", "--no-site", "--data", data)
	if code == exitOK {
		t.Fatalf("publish exit %d, want non-zero\n%s\n%s", code, stdout, stderr)
	}
	t.Logf("publish refused:\n%s", stderr)
	for _, want := range []string{"disclosure control failed", "lone-hidden", "ch-falls", fallsPeriod, trafford, "1-101000004", "care-home",
		"council " + trafford + " should check its ch-falls return for " + fallsPeriod} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not name %q:\n%s", want, stderr)
		}
	}
	target, err := os.Readlink(filepath.Join(data, "current"))
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(target) != first {
		t.Errorf("current is %s, want the first release %s still live", target, first)
	}
}

// TestPublishRemembersWithdrawnRelease checks that what a release
// published still counts after it is withdrawn by hand, and that each
// release carries its disclosure history in SHA256SUMS. Trafford's
// care-home falls for 2024-25-Q1: the first release publishes two homes
// (15/4000, 20/5000); the second adds a third (12/3000), and is then
// withdrawn by pointing current back at the first. The third publish gets
// the council-wide total 49/13000 and a small fourth home (2/1000): the
// second release published the third home, so it cannot be the fourth's
// complement (49 - 15 - 20 - 12 would give the 2 back); the total is
// hidden instead.
func TestPublishRemembersWithdrawnRelease(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	two := []publishtest.Obs{falls("1-101000002", 15, 4000), falls("1-101000003", 20, 5000)}
	publish := func(id string, received time.Time, rows []publishtest.Obs) string {
		publishtest.WriteSubmissions(t, data, publishtest.Sub{ID: id, Council: trafford, Received: received, Rows: rows})
		code, stdout, stderr := runCmd(t, "publish", "--no-site", "--data", data)
		if code != exitOK {
			t.Fatalf("publish exit %d\n%s\n%s", code, stdout, stderr)
		}
		return strings.TrimSpace(stdout)
	}
	first := publish("20250101T000000Z-aaaa", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), two)
	second := publish("20250201T000000Z-bbbb", time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC),
		append([]publishtest.Obs{falls("1-101000001", 12, 3000)}, two...))
	for _, id := range []string{first, second} {
		sums, err := os.ReadFile(filepath.Join(data, "releases", id, "SHA256SUMS"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(sums), "  data/disclosure-history.parquet\n") {
			t.Errorf("release %s's SHA256SUMS does not list data/disclosure-history.parquet:\n%s", id, sums)
		}
	}
	// Withdrawn by hand: current points back at the first release.
	link := filepath.Join(data, "current")
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("releases", first), link); err != nil {
		t.Fatal(err)
	}
	third := publish("20250301T000000Z-cccc", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), append([]publishtest.Obs{
		falls("", 49, 13000), falls("1-101000001", 12, 3000), falls("1-101000004", 2, 1000)}, two...))

	records, err := csv.NewReader(bytes.NewReader(publishtest.ReadData(t, filepath.Join(data, "releases", third, "data", "observations.csv.gz")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) int { return slices.Index(records[0], name) }
	var hidden []string
	for _, r := range records[1:] {
		if r[col("metric")] == "ch-falls" && r[col("period")] == fallsPeriod && r[col("status")] == "[c]" {
			hidden = append(hidden, r[col("provider_id")])
		}
	}
	slices.Sort(hidden)
	if want := []string{"", "1-101000004"}; !slices.Equal(hidden, want) {
		t.Errorf("the third release hides %q, want the total and the small home %q", hidden, want)
	}
}
