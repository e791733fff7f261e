package duckdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestCheckReusesExactTest checks that the check takes suppression's last
// exact test (exactMemo) only when the hidden members are the same. On
// council A's care homes in Q1 (TestAuditDuringSuppression's, worked by
// hand there) suppression hides P1's falls (3 of 2,000 bed days) and the
// figures that would give it back; nothing changes them before the check,
// which reuses the finding: no cell determined. When P2's occupancy
// (3,000 of 3,500 bed days) is shown again after suppression, P1's is the
// only hidden member of the council-wide occupancy group (5,000 of 6,000),
// and 5,000 - 3,000 gives back its 2,000: the check must test again and
// report it determined, not take suppression's finding of nothing.
func TestCheckReusesExactTest(t *testing.T) {
	t.Parallel()
	rows := []obs{
		careRow(mFalls, "", 15, 5000), careRow(mFalls, "P1", 3, 2000), careRow(mFalls, "P2", 12, 3000),
		careRow(mOccupancy, "", 5000, 6000), careRow(mOccupancy, "P1", 2000, 2500), careRow(mOccupancy, "P2", 3000, 3500),
	}
	const reusedLine = "exact test: the hidden members suppression last tested, its finding reused"
	build := func(t *testing.T, unhide bool) ([]string, error) {
		var mu sync.Mutex
		var lines []string
		in := BuildInput{DataDir: writeDataDir(t, sub{ID: "u1", Council: cA, Received: day("2025-04-10"), Rows: rows}),
			Catalogue: disclosureCatalogue(t), Councils: fixtureCouncils(t), Neighbours: 2,
			Logf: func(format string, args ...any) {
				mu.Lock()
				defer mu.Unlock()
				lines = append(lines, fmt.Sprintf(format, args...))
			}}
		if unhide {
			in.afterSuppress = func(ctx context.Context, conn *sql.Conn) error {
				return showP2Occupancy(ctx, t, conn)
			}
		}
		err := openTest(t).Build(context.Background(), in)
		return lines, err
	}
	t.Run("unchanged", func(t *testing.T) {
		t.Parallel()
		lines, err := build(t, false)
		if err != nil {
			t.Fatal(err)
		}
		if !containsPrefix(lines, reusedLine) {
			t.Errorf("the check tested again what suppression had tested; log:\n%s", strings.Join(lines, "\n"))
		}
	})
	t.Run("shown after suppression", func(t *testing.T) {
		t.Parallel()
		lines, err := build(t, true)
		var de *DisclosureError
		if !errors.As(err, &de) {
			t.Fatalf("build: %v, want a DisclosureError", err)
		}
		found := false
		for _, v := range de.Violations {
			if v.Rule == "determined" && v.Provider == "P1" && v.Metric == mOccupancy && v.Period == dq1 {
				found = true
			}
		}
		if !found {
			t.Errorf("violations %v lack P1's occupancy determined", de.Violations)
		}
		if containsPrefix(lines, reusedLine) {
			t.Errorf("the check reused suppression's exact test after a cell was shown")
		}
	})
}

func containsPrefix(lines []string, prefix string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

// TestExactMemoComparesEveryLink checks that exactMemo reuses its last
// finding only for the very same hidden members: each step's list has as
// many links as the step before and differs from it in one group, one
// cell or one total's flag alone, and is tested again. The findings are
// worked by hand as TestDetermined's: two hidden parts of one group pin
// nothing (their sum is known); a part hidden alone in its group is
// pinned; a hidden total with a hidden part pins nothing (their
// difference is known). The block is two groups of the same two hidden
// parts, which give the same sum twice and pin nothing; with one group's
// first member its total, they give the sum and the difference, which
// pin both.
func TestExactMemoComparesEveryLink(t *testing.T) {
	t.Parallel()
	twoParts := []hiddenLink{{Group: 0, Cell: 0}, {Group: 0, Cell: 1}}
	apart := []hiddenLink{{Group: 0, Cell: 0}, {Group: 1, Cell: 1}}
	totalAndPart := []hiddenLink{{Group: 0, Cell: 0, Total: true}, {Group: 0, Cell: 1}}
	otherCell := []hiddenLink{{Group: 0, Cell: 0}, {Group: 0, Cell: 2}}
	block := []hiddenLink{{Group: 0, Cell: 0}, {Group: 0, Cell: 1}, {Group: 1, Cell: 0}, {Group: 1, Cell: 1}}
	blockTotal := []hiddenLink{{Group: 0, Cell: 0}, {Group: 0, Cell: 1}, {Group: 1, Cell: 0, Total: true}, {Group: 1, Cell: 1}}
	steps := []struct {
		name   string
		links  []hiddenLink
		want   []int64
		reused bool
	}{
		{"first", twoParts, nil, false},
		{"the same again", slices.Clone(twoParts), nil, true},
		{"one group changed", apart, []int64{0, 1}, false},
		{"the group changed back", twoParts, nil, false},
		{"a total's flag set", totalAndPart, nil, false},
		{"the same again", slices.Clone(totalAndPart), nil, true},
		{"the flag cleared", twoParts, nil, false},
		{"one cell changed", otherCell, nil, false},
		{"a block of two groups", block, nil, false},
		{"a total's flag set in the block", blockTotal, []int64{0, 1}, false},
		{"the flag cleared in the block", block, nil, false},
	}
	var memo exactMemo
	for i, st := range steps {
		got, reused := memo.determined(st.links)
		if reused != st.reused {
			t.Errorf("step %d (%s): reused = %v, want %v", i+1, st.name, reused, st.reused)
		}
		if !slices.Equal(got, st.want) {
			t.Errorf("step %d (%s): determined = %v, want %v", i+1, st.name, got, st.want)
		}
	}
}

// TestLinksDigest checks linksDigest on lists longer than the 4,096 links
// it hashes at a time against SHA-256 of the whole encoding written out at
// once (each link's group and cell, 8 bytes each, little-endian, and 1 for
// a total, 0 for a part): every link counts once, at either side of a
// batch's end.
func TestLinksDigest(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 4095, 4096, 4097, 8192, 8193} {
		links := make([]hiddenLink, n)
		var whole []byte
		for i := range links {
			links[i] = hiddenLink{Group: int64(i / 3), Cell: int64(i) * 7, Total: i%3 == 0}
			whole = binary.LittleEndian.AppendUint64(whole, uint64(links[i].Group))
			whole = binary.LittleEndian.AppendUint64(whole, uint64(links[i].Cell))
			flag := byte(0)
			if links[i].Total {
				flag = 1
			}
			whole = append(whole, flag)
		}
		if got, want := linksDigest(links), sha256.Sum256(whole); got != want {
			t.Errorf("%d links: linksDigest = %x, want %x", n, got, want)
		}
	}
}
