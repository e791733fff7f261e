package ingest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// withDupResident runs fn with the duplicate check holding at most n keys
// in memory. Tests that call it are not parallel: parallel tests wait
// until every test that is not has finished.
func withDupResident(n int, fn func()) {
	old := dupResident
	dupResident = n
	defer func() { dupResident = old }()
	fn()
}

// dupLine is one row of a return for TestDuplicatesPastMemory: a council,
// provider number and period.
type dupLine struct {
	council  string
	provider int
	period   string
}

func dupReturn(rows []dupLine) []byte {
	var b strings.Builder
	b.WriteString(header)
	for _, r := range rows {
		fmt.Fprintf(&b, "%s,1-10123456%d,Acme Care %d,private,homecare,hc-visits-on-time,%s,40,50,,\n", r.council, r.provider, r.provider, r.period)
	}
	return []byte(b.String())
}

// dupProblems returns the duplicate_row problems of rep as "line:first".
func dupProblems(t *testing.T, rep *Report) []string {
	t.Helper()
	var got []string
	for _, pr := range rep.Problems {
		if pr.Code != CodeDuplicateRow {
			t.Errorf("unexpected problem %+v", pr)
			continue
		}
		first := strings.TrimSuffix(strings.TrimPrefix(pr.Hint, "the first is on line "), "; keep one of them")
		got = append(got, fmt.Sprintf("%d:%s", pr.Line, first))
	}
	return got
}

// TestDuplicatesPastMemory checks that a return with more row keys than
// the duplicate check holds in memory has the same duplicates found, each
// against the line of its first row, as one that fits: here three keys
// are held, so keys go to the file twice, and duplicates are found in
// memory, in the first run written and in the second.
func TestDuplicatesPastMemory(t *testing.T) {
	const c9, c10, q1, q2 = "E08000009", "E08000010", "2024-25-Q1", "2024-25-Q2"
	rows := []dupLine{
		{c9, 1, q1},  // line 2
		{c9, 2, q1},  // 3
		{c10, 1, q1}, // 4
		{c9, 3, q1},  // 5: a fourth key, so all four go to the file
		{c9, 1, q1},  // 6: line 2's, found in the file
		{c10, 1, q1}, // 7: line 4's
		{c9, 1, q2},  // 8: another period, so a new key
		{c9, 4, q1},  // 9
		{c9, 5, q1},  // 10
		{c9, 4, q1},  // 11: line 9's, found in memory
		{c9, 6, q1},  // 12: a fourth key again: the second run
		{c9, 5, q1},  // 13: line 10's, in the second run
		{c9, 1, q2},  // 14: line 8's, in the second run
		{c9, 3, q1},  // 15: line 5's, in the first run
	}
	want := []string{"6:2", "7:4", "11:9", "13:10", "14:8", "15:5"}
	for _, resident := range []int{3, dupResident} {
		t.Run(fmt.Sprint(resident), func(t *testing.T) {
			withDupResident(resident, func() {
				p := testPipeline(t)
				rep := ingestBytes(t, p, dupReturn(rows), Options{})
				if rep.Accepted() {
					t.Fatal("accepted a return with duplicate rows")
				}
				got := dupProblems(t, rep)
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("duplicates (line:first line) %v, want %v", got, want)
				}
				names, err := os.ReadDir(p.Layout.Submission(rep.Submission))
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range names {
					if e.Name() != "return.csv" && e.Name() != "report.json" && e.Name() != "manifest.json" {
						t.Errorf("submission folder holds %s", e.Name())
					}
				}
			})
		})
	}
}

// TestDuplicatesShuffled checks the duplicate check on a shuffled return
// of 3,000 rows in 40 partitions, holding 100 keys in memory, against a
// plain map of every key to its first line.
func TestDuplicatesShuffled(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	councils := []string{"E08000009", "E08000010", "E08000011", "E08000012", "E08000013"}
	periods := []string{"2022-23-Q1", "2022-23-Q2", "2022-23-Q3", "2022-23-Q4", "2023-24-Q1", "2023-24-Q2", "2023-24-Q3", "2023-24-Q4"}
	var rows []dupLine
	firsts := map[dupLine]int{}
	var want []string
	for i := range 3000 {
		r := dupLine{councils[rng.IntN(len(councils))], rng.IntN(10), periods[rng.IntN(len(periods))]}
		rows = append(rows, r)
		line := i + 2
		if first, ok := firsts[r]; ok {
			want = append(want, fmt.Sprintf("%d:%d", line, first))
		} else {
			firsts[r] = line
		}
	}
	if len(firsts) < 300 || len(want) < 100 {
		t.Fatalf("%d keys, %d duplicates: the return tests too little", len(firsts), len(want))
	}
	withDupResident(100, func() {
		p := testPipeline(t)
		rep := ingestBytes(t, p, dupReturn(rows), Options{})
		if len(rep.Omitted) > 0 {
			t.Fatalf("problems omitted: %v", rep.Omitted)
		}
		got := dupProblems(t, rep)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("duplicates (line:first line)\n%v\nwant\n%v", got, want)
		}
	})
}

// TestBloomFalsePositives checks the filter's rate of "perhaps" for keys
// it does not hold against (1 - e^(-k/b))^k for b bits a key and k probes,
// about 0.32% for 12 bits and 8 probes, and that it holds every key added.
func TestBloomFalsePositives(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 100_000
	b := newBloom(n)
	for range n {
		h := [2]uint64{rng.Uint64(), rng.Uint64()}
		b.add(h)
		if !b.has(h) {
			t.Fatal("a key added is not held")
		}
	}
	fp := 0
	for range n {
		if b.has([2]uint64{rng.Uint64(), rng.Uint64()}) {
			fp++
		}
	}
	if rate := float64(fp) / n; rate < 0.002 || rate > 0.0045 {
		t.Errorf("false positives %.4f, want about 0.0032", rate)
	}
}
