package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
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

	// afterSuppress, set only by this package's tests, runs on Build's
	// connection once suppression is done, so a test can break disclosure
	// control the way a faulty rule would and see Build refuse.
	afterSuppress func(ctx context.Context, conn *sql.Conn) error
}

// Build reads the data folder and builds every table Tables lists,
// replacing any already in the database. Disclosure control is applied to
// the observations before any statistic is computed, and checked on the
// finished tables: when the check fails, Build returns a *DisclosureError
// (errors.Is ErrDisclosure) and the tables must not be published. It runs on one connection, which
// holds its scratch tables, so concurrent Builds on one DB must not share
// table names: build one database at a time. A failed Build leaves the
// tables in an unspecified state; build into a new file and move it into
// place.
func (d *DB) Build(ctx context.Context, in BuildInput) error {
	if in.Catalogue == nil {
		return errors.New("build: no metric catalogue")
	}
	s, err := d.session(ctx)
	if err != nil {
		return fmt.Errorf("build: %w", err)
	}
	defer s.close()
	s.logf = in.Logf
	if err := s.build(ctx, in); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	return nil
}

func (s *session) build(ctx context.Context, in BuildInput) error {
	start := time.Now()
	if err := s.createMacros(ctx); err != nil {
		return err
	}
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
	unknown, err := s.strings(ctx, "unknown_metrics")
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
	// table is what a step makes, and done how the log names it; a step
	// with no done is too quick to be worth a line.
	steps := []struct {
		name  string
		args  []any
		table string
		done  string
	}{
		{"comparison_rows", nil, "comparison_rows", "prepared rows to compare"},
		{"benchmarks", []any{minRows}, "benchmarks", "built benchmarks"},
		{"comparisons", zMin, "comparisons", "built comparisons"},
		{"funnel_limits", z, "funnel_limits", "built funnel limits"},
		{"providers", nil, "providers", "built providers"},
		{"provider_profile", zMin, "provider_profile", "built provider profiles"},
		{"stats_sector_benchmarks", zMin, "sector_benchmarks", "built sector benchmarks"},
		{"round_benchmarks", nil, "", ""},
		{"drop_comparison_rows", nil, "", ""},
	}
	for _, st := range steps {
		start := time.Now()
		if err := s.exec(ctx, st.name, st.args...); err != nil {
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
