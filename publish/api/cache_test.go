package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestCache checks the budget of the cache of answers: least recently
// used out first, and an answer too large for it never kept.
func TestCache(t *testing.T) {
	t.Parallel()
	resp := func(n int) *response { return newResponse(http.StatusOK, "text/plain", []byte(strings.Repeat("x", n))) }
	one := resp(100).size() + int64(len("k0"))
	tests := []struct {
		name string
		max  int64
		// puts are the keys put, in order, each with a 100-byte body;
		// gets are read after each put, keeping them recent.
		puts, gets []string
		want       []string // keys kept
		gone       []string // keys evicted
	}{
		{"under budget", 8 * one, []string{"k0", "k1", "k2"}, nil, []string{"k0", "k1", "k2"}, nil},
		{"oldest out first", 16 * one, []string{"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "ka", "kb", "kc", "kd", "ke", "kf", "kg"}, nil,
			[]string{"k1", "kg"}, []string{"k0"}},
		{"a get keeps a key", 16 * one, []string{"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "ka", "kb", "kc", "kd", "ke", "kf", "kg"}, []string{"k0"},
			[]string{"k0", "kg"}, []string{"k1"}},
		{"too large to keep", 4 * one, []string{"k0"}, nil, nil, []string{"k0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCache(tc.max)
			for _, k := range tc.puts {
				c.put(k, resp(100))
				for _, g := range tc.gets {
					c.get(g)
				}
			}
			for _, k := range tc.want {
				if _, ok := c.get(k); !ok {
					t.Errorf("%s was evicted", k)
				}
			}
			for _, k := range tc.gone {
				if _, ok := c.get(k); ok {
					t.Errorf("%s is still kept", k)
				}
			}
			if c.used > c.max {
				t.Errorf("used %d of a budget of %d", c.used, c.max)
			}
			if c.used != int64(len(c.items))*one {
				t.Errorf("used %d for %d items of %d", c.used, len(c.items), one)
			}
		})
	}
}

// TestCacheKeys checks that answers are kept by release and canonical
// URL: the same parameters in another order are one entry, and a CSV
// answer is another.
func TestCacheKeys(t *testing.T) {
	t.Parallel()
	f := sharedFixture(t)
	s, hs := startServer(t, f.layout, Config{})
	for _, q := range []string{"metric=" + onTime + "&period=" + q1, "period=" + q1 + "&metric=" + onTime, "metric=" + onTime + "&period=" + q1 + "&format=csv"} {
		if a := get(t, hs.URL+Prefix+"/comparisons?"+q); a.status != http.StatusOK {
			t.Fatalf("status %d", a.status)
		}
	}
	var keys []string
	s.cache.mu.Lock()
	for k := range s.cache.items {
		keys = append(keys, k)
	}
	s.cache.mu.Unlock()
	if len(keys) != 2 {
		t.Fatalf("cache keys %q, want 2", keys)
	}
	for _, k := range keys {
		if !strings.HasPrefix(k, f.second.ID+" ") {
			t.Errorf("key %q does not start with the release id", k)
		}
	}
	if _, ok := s.cache.get(fmt.Sprintf("%s %s/comparisons?metric=%s&period=%s", f.second.ID, Prefix, onTime, q1)); !ok {
		t.Errorf("keys %q lack the canonical one", keys)
	}
}

// TestCacheDropRelease checks that the answers of a replaced release go
// at once, and the current release's stay.
func TestCacheDropRelease(t *testing.T) {
	t.Parallel()
	c := newCache(1 << 20)
	body := newResponse(http.StatusOK, "text/plain", []byte("x"))
	for _, k := range []string{"2025-01-01T000000Z /a?", "2025-01-01T000000Z /b?", "2025-02-01T000000Z /a?", "2025-01-01T000000Zx /a?"} {
		c.put(k, body)
	}
	c.dropRelease("2025-01-01T000000Z")
	for k, want := range map[string]bool{"2025-01-01T000000Z /a?": false, "2025-01-01T000000Z /b?": false,
		"2025-02-01T000000Z /a?": true, "2025-01-01T000000Zx /a?": true} {
		if _, ok := c.get(k); ok != want {
			t.Errorf("after dropping 2025-01-01T000000Z, %q kept: %t, want %t", k, ok, want)
		}
	}
	if want := 2 * (body.size() + int64(len("2025-02-01T000000Z /a?"))); c.used != want+1 {
		// The two kept keys differ in length by one byte.
		t.Errorf("used %d, want %d", c.used, want+1)
	}
}
