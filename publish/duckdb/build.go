package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// BuildInput is what Build reads.
type BuildInput struct {
	// DataDir is the data folder: submissions/ and warehouse/ (schemas.Layout).
	DataDir string
	// Catalogue defines the metrics; required.
	Catalogue *schemas.Catalogue
	// Councils is the register of councils (schemas.LoadCouncils); without
	// it there are no regions, types or similar councils to compare with.
	Councils *schemas.Councils
	// PeerGroupsFile, when set, is a peer-groups.csv (group_id,
	// council_code) whose groups replace nearest neighbours as each
	// council's similar councils, for every responsibility (a member
	// without it drops out of that list).
	PeerGroupsFile string
	// Neighbours is how many similar councils nearest neighbours finds;
	// 0 means DefaultNeighbours.
	Neighbours int
	// Previous, when set, is the data/observations.parquet of the release
	// this one follows: the changes table records what differs from it,
	// and revised figures are marked r.
	Previous string
	// Logf, when set, hears of each step of the build as it finishes: what
	// it made and how long it took, one short line each, such as "built
	// comparisons: 1,000,000 rows in 4.2s". A long build shows its
	// progress so, and the publish benchmark reads the time of the steps
	// whose lines begin "disclosure control" from it.
	Logf func(format string, args ...any)
	// Compact checkpoints the database after each step that makes a
	// large table (compact.sql), which compresses its tables, not the
	// temporary ones. Set it when DuckDB runs under a memory limit: at 2
	// million rows under 800MB the most that spilled to the scratch
	// folder fell from 2.8 to 1.0 GB, and the publish took a third less
	// time, when the temporary tables were checkpointed too; leaving
	// those out took 67 s off the checkpoints at 20 million rows under
	// 3GB, and was no slower at 2 million under 800MB.
	// Without a limit little spills, and the checkpoints cost about 4%
	// more CPU (BENCHMARKS.md).
	Compact bool
	// Release, when set, is where WriteRelease will write the release
	// database, which must not exist yet: Build makes it and writes the
	// comparisons into it as each batch is made, sorted, rather than
	// holding them in this database for WriteRelease to copy. At 20
	// million rows they are 1.09 GB compressed, which the build's memory
	// then need not hold beside the provider profiles, the history and
	// the check, and their copy, with the sort it then did, took about
	// 68 s.
	// WriteRelease must then be given the same path. A Build that fails
	// removes the file.
	Release string

	// batchRows, set only by this package's tests, replaces the number
	// of rows to compare in one batch that Build works out from DuckDB's
	// memory limit (bytesPerComparedRow), so a small fixture can be
	// compared a metric at a time; it replaces the rows of a batch of the
	// load (bytesPerLoadedRow) and of the joins of joinBatches
	// (bytesPerJoinedRow) too.
	batchRows int64

	// afterSuppress, set only by this package's tests, runs on Build's
	// connection once suppression is done, so a test can break disclosure
	// control the way a faulty rule would and see Build refuse.
	afterSuppress func(ctx context.Context, conn *sql.Conn) error
}

// Build reads the data folder and builds every table Tables lists,
// replacing any already in the database. Disclosure control is applied to
// the observations before any statistic is computed, and checked on the
// finished tables: when the check fails, Build returns a *DisclosureError
// (errors.Is ErrDisclosure) and the tables must not be published. It
// runs on one connection, which holds its scratch tables, so concurrent
// Builds on one DB must not share table names: build one database at a
// time. It brings the snapshots of the current rows in the data folder's
// warehouse/current up to date, so it must run under the data folder's
// publish lock. A failed Build leaves the tables in an unspecified state;
// build into a new file and move it into place.
func (d *DB) Build(ctx context.Context, in BuildInput) (err error) {
	if in.Catalogue == nil {
		return errors.New("build: no metric catalogue")
	}
	s, err := d.session(ctx)
	if err != nil {
		return fmt.Errorf("build: %w", err)
	}
	defer s.close()
	s.logf = in.Logf
	s.compactTables = in.Compact
	s.loadBatch = in.batchRows
	if d.release != "" {
		return fmt.Errorf("build: this database already built the comparisons of %s; build into a new one", d.release)
	}
	if in.Release != "" {
		if err := s.createRelease(ctx, in.Release); err != nil {
			return fmt.Errorf("build: %w", err)
		}
		d.release = in.Release
		defer func() {
			if err != nil {
				s.detachRelease(context.WithoutCancel(ctx))
				s.exec(context.WithoutCancel(ctx), "comparisons_release_drop")
				os.Remove(in.Release)
				os.Remove(in.Release + ".wal")
				d.release = ""
			}
		}()
	}
	err = s.build(ctx, in)
	// The check's exact test read the hidden members again beside the
	// ones suppression last tested (Go's heap about 300 to 400 MB at 20M
	// rows, 244 MB of it live at its last collection), and nothing in Go
	// allocates while the release is written next, so Go would keep that
	// heap through the writing, where DuckDB's own memory peaks: the
	// session's caches are let go, and the heap collected and handed
	// back, now.
	s.audit = auditCache{}
	debug.FreeOSMemory()
	if err != nil {
		return fmt.Errorf("build: %w", err)
	}
	return nil
}

func (s *session) build(ctx context.Context, in BuildInput) error {
	start := time.Now()
	// The program the audit's record names is the one that starts the
	// build, whatever replaces its file while it runs (auditRules).
	programSHA256()
	if err := s.createMacros(ctx); err != nil {
		return err
	}
	// loadObservations checkpoints after each batch it loads.
	n, files, err := s.loadObservations(ctx, schemas.Layout{Root: in.DataDir})
	if err != nil {
		return err
	}
	s.done(start, "loaded observations: %s rows from %s files", schemas.GroupDigits(strconv.FormatInt(n, 10)), schemas.GroupDigits(strconv.Itoa(files)))
	start = time.Now()
	if err := s.loadMetrics(ctx, in.Catalogue); err != nil {
		return err
	}
	// The catalogue may have changed since the rows were ingested.
	if err := s.recheck(ctx, in.Catalogue, in.Councils); err != nil {
		return err
	}
	unknown, err := column[string](ctx, s, "unknown_metrics")
	if err != nil {
		return err
	}
	if len(unknown) > 0 {
		return fmt.Errorf("observations: %w: %s", schemas.ErrUnknownMetric, listCodes(unknown))
	}
	s.done(start, "rechecked observations against the catalogue")
	start = time.Now()
	if err := s.loadCouncils(ctx, in.Councils); err != nil {
		return err
	}
	if err := s.loadSimilarCouncils(ctx, in.Catalogue, in.PeerGroupsFile, in.Neighbours); err != nil {
		return err
	}
	if err := s.loadPeriodLinks(ctx); err != nil {
		return err
	}
	s.done(start, "loaded councils and similar councils")
	if err := s.suppress(ctx, schemas.Layout{Root: in.DataDir}); err != nil {
		return err
	}
	// Suppression's audits and exact tests are the build's large
	// allocations in Go (at 20M rows its heap grew to about 770 MB as
	// suppression ended, with about 560 MB of it live at its last
	// collection). What follows runs in DuckDB and allocates little in Go,
	// so Go would not collect again for minutes and would keep that
	// memory beside DuckDB's limit through the comparisons, where publish
	// peaks: it is collected and handed back now.
	debug.FreeOSMemory()
	if err := s.compact(ctx); err != nil {
		return err
	}
	if in.afterSuppress != nil {
		if err := in.afterSuppress(ctx, s.conn); err != nil {
			return err
		}
	}
	// Changes are found after disclosure control, so the changes table
	// holds only figures the release publishes, and before comparisons,
	// which copy the r that marks a revision.
	start = time.Now()
	if err := s.changes(ctx, in.Previous); err != nil {
		return err
	}
	if in.Previous != "" {
		s.done(start, "found changes since the previous release")
	}
	start = time.Now()
	if err := s.loadRegister(ctx, in.DataDir); err != nil {
		return err
	}
	s.done(start, "loaded the provider register")
	z := []any{sql.Named("z95", Z95), sql.Named("z998", Z998)}
	minRows := sql.Named("min_rows", schemas.MinGroupRows)
	zMin := []any{z[0], z[1], minRows}
	// batches are the runs of metrics the comparisons are made in, which
	// the provider profiles follow.
	var batches []metricBatch
	// table is what a step makes, and done how the log names it; a step
	// with no done is too quick to be worth a line. A step with run runs
	// it rather than the query name.
	steps := []struct {
		name  string
		args  []any
		table string
		done  string
		run   func(ctx context.Context) error
	}{
		{"comparison_rows", nil, "comparison_rows", "prepared rows to compare", func(ctx context.Context) error {
			// Kept in the order of observations, metric first, so the
			// scans of each batch of comparisons can skip the row groups
			// of other metrics by their min and max (expected, not
			// measured apart). A join does not promise its order, so
			// this is for speed only.
			if err := s.keepingOrder(ctx, func() error { return s.exec(ctx, "comparison_rows") }); err != nil {
				return err
			}
			if in.Release == "" {
				return nil
			}
			return s.exec(ctx, "comparisons_release")
		}},
		{"benchmarks", []any{minRows}, "benchmarks", "built benchmarks", nil},
		{"comparisons", nil, "comparisons", "built comparisons", func(ctx context.Context) error {
			var err error
			if batches, err = s.metricBatches(ctx, in.batchRows); err != nil {
				return err
			}
			into := "comparisons"
			if in.Release != "" {
				into = "release.comparisons"
			}
			return s.compare(ctx, batches, into, zMin, minRows)
		}},
		{"funnel_limits", z, "funnel_limits", "built funnel limits", nil},
		{"providers", nil, "providers", "built providers", nil},
		{"provider_profile", nil, "provider_profile", "built provider profiles", func(ctx context.Context) error {
			return s.profile(ctx, batches, zMin)
		}},
		{"check_provider_spans", nil, "", "", s.checkProviderSpans},
		{"stats_sector_benchmarks", zMin, "sector_benchmarks", "built sector benchmarks", nil},
		{"round_benchmarks", nil, "", "", nil},
		{"drop_comparison_rows", nil, "", "", nil},
	}
	for _, st := range steps {
		start := time.Now()
		run := st.run
		if run == nil {
			run = func(ctx context.Context) error { return s.exec(ctx, st.name, st.args...) }
		}
		if err := run(ctx); err != nil {
			return err
		}
		if err := s.compact(ctx); err != nil {
			return err
		}
		if st.done == "" || s.logf == nil {
			continue
		}
		n, err := s.tableRows(ctx, st.table)
		if err != nil {
			return err
		}
		s.done(start, "%s: %s rows", st.done, schemas.GroupDigits(strconv.FormatInt(n, 10)))
	}
	return s.checkDisclosure(ctx)
}

// checkProviderSpans returns an error naming the providers, if any,
// whose number of comparison rows or first metric the providers and
// provider_profile tables do not give (check_provider_spans.sql), which
// Reader.Provider relies on. It finds a fault in the build, not in the
// returns, so the error gives the figures that disagree.
func (s *session) checkProviderSpans(ctx context.Context) error {
	rows, err := s.query(ctx, "check_provider_spans")
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		bad   []string
		total int64
	)
	for rows.Next() {
		var (
			id                   string
			counted, stored      sql.Null[int64]
			firstRow, firstShown sql.Null[string]
		)
		if err := rows.Scan(&id, &counted, &stored, &firstRow, &firstShown, &total); err != nil {
			return fmt.Errorf("check_provider_spans: %w", err)
		}
		bad = append(bad, fmt.Sprintf("%s (comparison rows %s, providers.n_rows %s; first metric %s, in its profile %s)",
			id, nullText(counted), nullText(stored), nullText(firstRow), nullText(firstShown)))
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check_provider_spans: %w", err)
	}
	if len(bad) == 0 {
		return nil
	}
	more := ""
	if n := total - int64(len(bad)); n > 0 {
		more = fmt.Sprintf(" and %d more", n)
	}
	return fmt.Errorf("check_provider_spans: the comparisons table does not match providers or provider_profile for provider %s%s: a fault in the build, not in the returns",
		strings.Join(bad, ", "), more)
}

// nullText writes v as the check's messages show it: "none" for NULL.
func nullText[T int64 | string](v sql.Null[T]) string {
	if !v.Valid {
		return "none"
	}
	return fmt.Sprint(v.V)
}

// compact checkpoints the build's database (compact.sql), so the tables
// it holds are compressed: what fits under DuckDB's memory limit is then
// several times more rows, and what spills past it is written smaller.
// The temporary tables are left as they are (compact.sql says why).
func (s *session) compact(ctx context.Context) error {
	if !s.compactTables {
		return nil
	}
	return s.exec(ctx, "compact")
}

// bytesPerComparedRow is how much of DuckDB's memory limit one batch of
// comparisons.sql is given per row it compares. Its windows (the national
// rank, and then also the similar-council rank over every row once for
// each list it is on, since worked out in Go: similar_rank.go) and joins
// back to the rows ran out of memory rather than spilling: on a sample of
// 2 million rows, one statement ran out of a 1 GB limit (500 bytes a row)
// and fitted in 2 GB. Four times that leaves room for what DuckDB holds
// besides (observations, comparison_rows, the tables built so far), so
// the batch, not the release, sets what the statement needs. It was
// measured with the similar-council window, and has not been measured
// again without it: the statement may now need less.
const bytesPerComparedRow = 4000

// minBatchRows is the least a batch is given whatever the limit, so a
// build under a tiny limit still compares several small metrics at once
// rather than one statement per metric.
const minBatchRows = 10_000

// metricBatches splits the metrics of comparison_rows into the batches
// the comparisons and provider profiles are made in, each batch as many
// whole metrics, in order, as fit in batchRows rows; 0 works batchRows
// out from DuckDB's memory limit. A metric larger than a batch is a
// batch of its own: its groups cannot be split.
func (s *session) metricBatches(ctx context.Context, batchRows int64) ([]metricBatch, error) {
	if batchRows <= 0 {
		limit, err := s.memoryLimit(ctx)
		if err != nil {
			return nil, err
		}
		batchRows = max(limit/bytesPerComparedRow, minBatchRows)
	}
	metrics, err := s.metricRows(ctx, "comparison_batches")
	if err != nil {
		return nil, err
	}
	return batchMetrics(metrics, batchRows), nil
}

// setBatch narrows the statements that read the variables compare_first
// and compare_last (comparisons.sql, similar_rank_rows.sql,
// provider_profile.sql) to batch b.
func (s *session) setBatch(ctx context.Context, b metricBatch) error {
	if err := s.exec(ctx, "set_compare_first", sql.Named("metric", b.first)); err != nil {
		return err
	}
	return s.exec(ctx, "set_compare_last", sql.Named("metric", b.last))
}

// compare fills the comparisons table that comparison_rows.sql made
// empty, into (comparisons, or release.comparisons when Build writes the
// release file), a batch of metrics at a time (comparisons.sql, which
// takes args), each batch's similar-council ranks worked out first
// (similarRanks, for groups of at least minRows rows with a value). Each
// batch is stored in the order comparisons.sql sorts it, and the batches
// come in metric order, so the table is stored in its key's order.
func (s *session) compare(ctx context.Context, batches []metricBatch, into string, args []any, minRows sql.NamedArg) error {
	sets, err := s.loadSimilarSets(ctx)
	if err != nil {
		return err
	}
	for i, b := range batches {
		start := time.Now()
		if err := s.setBatch(ctx, b); err != nil {
			return err
		}
		if err := s.similarRanks(ctx, sets, b.rows, minRows); err != nil {
			return fmt.Errorf("metrics %s to %s: %w", b.first, b.last, err)
		}
		// The batch's rows were read into Go to be ranked and are garbage
		// now, and the comparisons statement next allocates little in Go,
		// so Go would keep that heap while DuckDB works at its limit, there
		// and in what follows the last batch (the funnel limits, the
		// providers, the provider profiles) until the history reads its
		// linked groups. At 20M rows under 3GB, Go held 376-416 MB in the
		// largest batches' statements, where publish peaked at 4,019 MB
		// once, and 227 MiB of heap with 144 MiB more not handed back
		// through the provider profiles, where it peaked before
		// (BENCHMARKS.md, "Go's heap handed back after the comparisons"):
		// it is collected and handed back now.
		debug.FreeOSMemory()
		var n int64
		err := s.keepingOrder(ctx, func() (err error) {
			n, err = s.execCountWrapped(ctx, "comparisons", func(q string) string { return "INSERT INTO " + into + "\n" + q }, args...)
			return err
		})
		if err != nil {
			return fmt.Errorf("metrics %s to %s: %w", b.first, b.last, err)
		}
		if err := s.compact(ctx); err != nil {
			return err
		}
		if len(batches) > 1 {
			s.done(start, "compared %s to %s (batch %d of %d): %s rows", b.first, b.last, i+1, len(batches),
				schemas.GroupDigits(strconv.FormatInt(n, 10)))
		}
	}
	return s.exec(ctx, "similar_rank_drop")
}

// metricRows is a metric and how many rows it has to compare.
type metricRows struct {
	metric string
	rows   int64
}

// profile makes the provider_profile table a batch of metrics at a time
// (provider_profile.sql), in the batches of the comparisons: every group
// of a profile lies within one metric, and the aggregate over all of
// them at once held a group for every provider, metric, period and
// service (18 million at 20 million rows), which spilled. The table is
// made empty first from the query's own columns, so they are said once.
func (s *session) profile(ctx context.Context, batches []metricBatch, args []any) error {
	err := s.execWrapped(ctx, "provider_profile", func(q string) string {
		return "CREATE OR REPLACE TABLE provider_profile AS FROM (" + q + ") LIMIT 0"
	}, args...)
	if err != nil {
		return err
	}
	for _, b := range batches {
		if err := s.setBatch(ctx, b); err != nil {
			return err
		}
		err := s.execWrapped(ctx, "provider_profile", func(q string) string { return "INSERT INTO provider_profile " + q }, args...)
		if err != nil {
			return fmt.Errorf("metrics %s to %s: %w", b.first, b.last, err)
		}
		// Compressed while the batch is still in memory, as the
		// comparisons are: one checkpoint after the last batch read
		// back what had spilled, and took 20-52 s at 20 million rows.
		if err := s.compact(ctx); err != nil {
			return err
		}
	}
	return nil
}

// A keyRun is a run of keys, first to last in their order, and how many
// rows they hold in all.
type keyRun[K comparable] struct {
	first, last K
	rows        int64
}

// metricBatch is a run of metrics, first to last in text order, compared
// in one statement and profiled in another.
type metricBatch = keyRun[string]

// batchRuns groups items, sorted by key, each of the key and rows keyRows
// gives, into runs of at most limit rows each; a key of more rows than
// limit is a run alone.
func batchRuns[T any, K comparable](items []T, keyRows func(T) (K, int64), limit int64) []keyRun[K] {
	var out []keyRun[K]
	for _, it := range items {
		k, rows := keyRows(it)
		if n := len(out); n > 0 && out[n-1].rows+rows <= limit {
			out[n-1].last = k
			out[n-1].rows += rows
			continue
		}
		out = append(out, keyRun[K]{first: k, last: k, rows: rows})
	}
	return out
}

// batchMetrics groups metrics, sorted by name, into runs of at most
// limit rows each; a metric of more rows than limit is a run alone.
func batchMetrics(metrics []metricRows, limit int64) []metricBatch {
	return batchRuns(metrics, func(m metricRows) (string, int64) { return m.metric, m.rows }, limit)
}

// metricRows returns each metric with its rows, sorted by metric, as the
// query name (comparison_batches.sql, snapshot_metrics.sql), given args,
// counts them.
func (s *session) metricRows(ctx context.Context, name string, args ...any) ([]metricRows, error) {
	rows, err := s.query(ctx, name, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []metricRows
	for rows.Next() {
		var m metricRows
		if err := rows.Scan(&m.metric, &m.rows); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}
