package main

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/yardstick-open/yardstick/publish/publishtest"
)

// TestSampleReleaseBandsAgreeWithIntervals publishes sample returns and
// reads data/comparisons.parquet as a user would: no row may be banded better,
// worse, higher or lower while its own interval holds the national value
// beside it, nor similar while its interval leaves it out, at 99.8%
// (band_national) or 95% (band_national_95); and the band adjusted for
// over-dispersion, whose limits are only ever wider, is never further from
// similar than band_national. The sample's rates have many small counts,
// where Byar's approximation and the funnel's z-score used to disagree with
// the exact interval.
func TestSampleReleaseBandsAgreeWithIntervals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	returns, data := filepath.Join(dir, "returns"), filepath.Join(dir, "data")
	if code, _, stderr := runCmd(t, "sample", "--rows", "3000", "--seed", "11", returns); code != exitOK {
		t.Fatalf("sample exit %d: %s", code, stderr)
	}
	files, err := filepath.Glob(filepath.Join(returns, "*.csv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("sample wrote no returns: %v", err)
	}
	slices.Sort(files)
	if code, stdout, stderr := runCmd(t, append([]string{"ingest", "--data", data}, files...)...); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, stdout, stderr)
	}
	publishOK(t, data)

	polarity := map[string]string{}
	for _, m := range readRows(t, filepath.Join(data, "current", "data", "metrics.csv")) {
		polarity[m["id"]] = m["polarity"]
	}
	bands := map[string]int{}
	for _, r := range publishtest.ParquetRows(t, filepath.Join(data, "current", "data", "comparisons.parquet")) {
		key := r["metric"] + " " + r["period"] + " " + r["council_code"] + " " + r["provider_id"] + " " + r["service"]
		for _, c := range [][3]string{{"band_national", "ci998_lower", "ci998_upper"}, {"band_national_95", "ci95_lower", "ci95_upper"}} {
			band := r[c[0]]
			bands[c[0]+" "+band]++
			if band == "not_compared" {
				continue
			}
			lo, hi, national := num(t, r[c[1]]), num(t, r[c[2]]), num(t, r["national_value"])
			// NaN, a blank, fails every comparison below but the first.
			if lo != lo || hi != hi || national != national {
				t.Errorf("%s: %s %s without an interval (%q to %q) or a national value (%q)", key, c[0], band, r[c[1]], r[c[2]], r["national_value"])
				continue
			}
			above, below := lo > national, hi < national
			want := "similar"
			switch p := polarity[r["metric"]]; {
			case above && p == "higher_is_better", below && p == "lower_is_better":
				want = "better"
			case above && p == "lower_is_better", below && p == "higher_is_better":
				want = "worse"
			case above:
				want = "higher"
			case below:
				want = "lower"
			}
			if band != want {
				t.Errorf("%s: %s %s, but its interval %s to %s against the national value %s says %s",
					key, c[0], band, r[c[1]], r[c[2]], r["national_value"], want)
			}
		}
		national, adjusted := r["band_national"], r["band_national_adjusted"]
		if (national == "similar" || national == "not_compared") && adjusted != national || adjusted != "similar" && adjusted != national {
			t.Errorf("%s: band_national_adjusted %s beside band_national %s", key, adjusted, national)
		}
	}
	// The sample must exercise the rule both ways, or the test checks little.
	for _, b := range []string{"band_national similar", "band_national_95 similar"} {
		if bands[b] == 0 {
			t.Errorf("no row with %s: bands %v", b, bands)
		}
	}
	if bands["band_national better"]+bands["band_national worse"] == 0 {
		t.Errorf("no row banded better or worse at 99.8%%: bands %v", bands)
	}
	t.Logf("bands: %v", bands)
}
