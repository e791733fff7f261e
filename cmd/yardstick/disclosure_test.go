package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/publish/publishtest"
)

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
	const (
		trafford = "E08000009"
		period   = "2024-25-Q1"
	)
	data := t.TempDir()
	falls := func(provider string, num, den int64) publishtest.Obs {
		return publishtest.Obs{Provider: provider, Name: "Home " + provider, Sector: "private", Service: "care-home",
			Metric: "ch-falls", Period: period, Num: publishtest.I64(num), Den: publishtest.I64(den),
			Value: publishtest.F64(float64(num) / float64(den) * 1000)}
	}
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
	for _, want := range []string{"disclosure control failed", "lone-hidden", "ch-falls", period, trafford, "1-101000004", "care-home",
		"council " + trafford + " should check its ch-falls return for " + period} {
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
