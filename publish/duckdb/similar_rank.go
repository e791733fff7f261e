package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
)

// similarSets are the sets of councils a row's similar_rank ranks it
// among (similar_rank_sets.sql): members[set] are the numbers of the
// councils of one council's list of similar councils for one
// responsibility, the council itself among them.
type similarSets struct {
	members [][]int32
	// councils is one more than the greatest council number of a member.
	// Every council numbered is a member of some set (an owner of its
	// own), so it sizes the counts of rows passed.
	councils int
}

// loadSimilarSets numbers the similar-council sets and their councils
// (similar_rank_sets.sql) and reads them.
func (s *session) loadSimilarSets(ctx context.Context) (similarSets, error) {
	var out similarSets
	if err := s.exec(ctx, "similar_rank_sets"); err != nil {
		return out, err
	}
	rows, err := s.query(ctx, "similar_rank_members")
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var set, member int32
		if err := rows.Scan(&set, &member); err != nil {
			return out, fmt.Errorf("similar_rank_members: %w", err)
		}
		for int(set) >= len(out.members) {
			out.members = append(out.members, nil)
		}
		out.members[set] = append(out.members[set], member)
		out.councils = max(out.councils, int(member)+1)
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("similar_rank_members: %w", err)
	}
	return out, nil
}

// rankedRow is a row of similar_rank_rows.sql: a row to rank, its
// council's number, the set its council owns (-1 for none) and its score.
type rankedRow struct {
	rid     int64
	council int32
	set     int32
	score   float64
}

// similarRanks fills similar_ranks (similar_rank_table.sql) with the
// similar_rank and similar_n of every row of the batch of metrics
// similar_rank_rows.sql reads (rows, about how many, sizes what is read;
// minRows is the least a group must have), as comparisons.sql defines
// them: a row's place, best first with ties sharing the better place
// (SQL's rank()), among the rows of its group from the councils of the
// set its council owns, and how many such rows there are.
//
// It walks each group's rows in score order once, keeping how many rows
// of each council it has passed, so a row's rank is one more than the
// sum of those counts over its set's members, taken before any row of its
// tie is counted. A window partitioned by set and group, which
// comparisons.sql ran before, sorted every row once for each set that
// holds its council (about eleven times); at 20 million rows this takes
// 0.42x its time (BENCHMARKS.md, "The similar-council ranks in one
// sweep"). The batch's rows are held in Go, 24 bytes each, beside the
// driver's copy of the whole result (session.query): the batch's, or one
// metric's when a metric is larger than a batch.
func (s *session) similarRanks(ctx context.Context, sets similarSets, rows int64, minRows sql.NamedArg) error {
	if err := s.exec(ctx, "similar_rank_table"); err != nil {
		return err
	}
	all, starts, err := s.similarRankRows(ctx, rows, minRows)
	if err != nil {
		return err
	}
	passed := make([]int64, sets.councils)
	var rank []int64
	return s.appendEach(ctx, "similar_ranks", func(add func(row ...driver.Value) error) error {
		for n, start := range starts {
			if err := ctx.Err(); err != nil {
				return err
			}
			g := all[start:]
			if n+1 < len(starts) {
				g = all[start:starts[n+1]]
			}
			rank = sets.rankGroup(g, passed, slices.Grow(rank[:0], len(g))[:len(g)])
			// passed now holds each council's rows in the group: a set's
			// sum is its similar_n.
			for k, r := range g {
				if r.set < 0 {
					continue
				}
				if err := add(r.rid, rank[k], passedBy(passed, sets.members[r.set])); err != nil {
					return err
				}
			}
			clear(passed)
		}
		return nil
	})
}

// rankGroup sets rank[k] to the similar_rank of g[k], a group's rows in
// score order, for each row whose council owns a set, and leaves in
// passed the group's rows of each council. passed holds none on entry.
func (sets similarSets) rankGroup(g []rankedRow, passed, rank []int64) []int64 {
	// tie to end is a run of rows with the same score: each is ranked
	// before any of them is counted.
	for tie := 0; tie < len(g); {
		end := tie + 1
		for end < len(g) && sameScore(g[end].score, g[tie].score) {
			end++
		}
		for k := tie; k < end; k++ {
			if g[k].set >= 0 {
				rank[k] = 1 + passedBy(passed, sets.members[g[k].set])
			}
		}
		for k := tie; k < end; k++ {
			passed[g[k].council]++
		}
		tie = end
	}
	return rank
}

// similarRankRows reads similar_rank_rows.sql: its rows in order, and
// the index of each group's first. size, the batch's rows, is room for
// them all: the query reads those with a value.
func (s *session) similarRankRows(ctx context.Context, size int64, minRows sql.NamedArg) (all []rankedRow, starts []int, err error) {
	rows, err := s.query(ctx, "similar_rank_rows", minRows)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	all = make([]rankedRow, 0, size)
	last := int64(-1)
	for rows.Next() {
		var (
			r   rankedRow
			gid int64
		)
		if err := rows.Scan(&r.rid, &r.council, &r.set, &r.score, &gid); err != nil {
			return nil, nil, fmt.Errorf("similar_rank_rows: %w", err)
		}
		if gid != last {
			starts = append(starts, len(all))
			last = gid
		}
		all = append(all, r)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("similar_rank_rows: %w", err)
	}
	return all, starts, nil
}

// passedBy adds up the rows passed of the councils in members.
func passedBy(passed []int64, members []int32) int64 {
	var n int64
	for _, m := range members {
		n += passed[m]
	}
	return n
}

// sameScore reports whether two scores tie as DuckDB's rank() ties them:
// equal, or both NaN, which DuckDB sorts as one value.
func sameScore(a, b float64) bool {
	return a == b || (a != a && b != b)
}
