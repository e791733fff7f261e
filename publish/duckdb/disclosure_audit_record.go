package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/yardstick-open/yardstick/schemas"
)

// An auditRecord is the record of the interval audit of the build that
// made an earlier release (audit_record.sql), which this build's first
// audit starts from: it reads again only the units (a council, service and
// family of metrics) whose digest differs from the record's
// (audit_record_changed.sql), and takes every other unit to pass, as it
// passed in that build.
//
// That holds because what the audit reads of a unit is its figures now,
// shown and as the councils gave them, and the history of what earlier
// releases published of it. A unit whose figures, withheld cells and
// councils' figures are those the earlier build's final audit passed, read against
// the history that release carries (the one file this build reads,
// matched by its SHA-256), has the equations that audit solved and, from
// the history, those of the earlier release itself: the same groups with
// the same figures shown, over the same unknowns, which add nothing. So
// it has the findings that audit had: none, or the release would not
// have been made. The audit's rules are Yardstick's program and the
// catalogue (auditRules), which the record must match too.
//
// The digest is a sum of DuckDB's 64-bit hashes of the rows, two of them
// per table: it tells a changed unit from an unchanged one short of a
// collision of both sums, which no accident makes. It is no defence
// against figures made to collide on purpose; only the council whose
// figures they are could send them, and it knows them already.
type auditRecord struct {
	// Release is the release whose build made the record; File, where
	// it is (schemas.Layout.AuditRecord).
	Release, File string
	// History is the SHA-256 of the history Build read, hex.
	History string
}

// recordFor returns the record of the audit of the release whose history
// this build will read, with that history's SHA-256, when the plan reads
// that one file and nothing else, as a publish leaves the data folder,
// and there is one; or nil. Histories read together, or releases read
// directly, hold what no record covers. A history that cannot be hashed
// is said in the log, and every unit is audited; reading it fails the
// build if it cannot be read.
func (s *session) recordFor(ctx context.Context, layout schemas.Layout, plan historyPlan) *auditRecord {
	if len(plan.Histories) != 1 || len(plan.Direct) > 0 {
		return nil
	}
	r := plan.Histories[0]
	file := layout.AuditRecord(r.ID)
	if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	history, err := schemas.FileSHA256(r.History)
	if err != nil {
		s.say("disclosure control: cannot hash release %s's history (%v), so every unit is audited", r.ID, err)
		return nil
	}
	return &auditRecord{Release: r.ID, File: file, History: history}
}

// priorAudit reads the record into audit_record_prior and returns it when
// it was made for the history read (record.History) under the same rules,
// or nil. A record that cannot be read, or was made for another history or
// under other rules, is said in the log, and every unit is audited: it
// only spares work.
func (s *session) priorAudit(ctx context.Context, record *auditRecord) *auditRecord {
	if record == nil {
		return nil
	}
	rules, err := s.auditRules(ctx)
	if err != nil {
		s.say("disclosure control: %v, so every unit is audited", err)
		return nil
	}
	var rows, matching int64
	err = s.exec(ctx, "audit_record_prior", sql.Named("file", record.File))
	if err == nil {
		err = s.scanRow(ctx, "audit_record_check", []any{sql.Named("history_sha256", record.History),
			sql.Named("rules", rules)}, &rows, &matching)
	}
	switch {
	case err != nil:
		s.say("disclosure control: cannot read the record of release %s's audit (%v), so every unit is audited; "+
			"the next publish writes a new one", record.Release, err)
		return nil
	case rows == 0 || matching != rows:
		s.say("disclosure control: the record of release %s's audit was made for another disclosure history or "+
			"under other rules (Yardstick or the catalogue changed), so every unit is audited", record.Release)
		return nil
	}
	return record
}

// auditRules names the rules an audit's record is made under: the SHA-256
// of the running program, whose code is the audit (any other build of
// Yardstick may audit otherwise), and an MD5 of the catalogue as Build
// holds it (catalogue_digest.sql).
func (s *session) auditRules(ctx context.Context) (string, error) {
	program, err := programSHA256()
	if err != nil {
		return "", fmt.Errorf("the audit's rules: %w", err)
	}
	var catalogue string
	if err := s.scanRow(ctx, "catalogue_digest", nil, &catalogue); err != nil {
		return "", err
	}
	return program + " " + catalogue, nil
}

// programSHA256 is the SHA-256 of the running program, read once. On
// Linux it reads /proc/self/exe, the program the process runs even if its
// file has since been replaced by an upgrade; elsewhere the file
// os.Executable names. Build reads it as it starts (warmProgramSHA256).
var programSHA256 = sync.OnceValues(func() (string, error) {
	if sum, err := schemas.FileSHA256("/proc/self/exe"); err == nil {
		return sum, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	return schemas.FileSHA256(exe)
})

// say writes a line to the build's log, when it has one.
func (s *session) say(format string, args ...any) {
	if s.logf != nil {
		s.logf(format, args...)
	}
}

// WriteAuditRecord writes the record of the interval audit Build passed
// (audit_record.sql) to path (a data folder's schemas.Layout.AuditRecord
// of the release), atomically, with the SHA-256 of the disclosure history
// the release carries, at history, and the rules it was audited under, so
// that the next publish, reading that history, audits again only the
// units that changed since. It holds digests of figures before disclosure
// control, so its folder is private and it is never published.
func (d *DB) WriteAuditRecord(ctx context.Context, path, history string) error {
	sum, err := schemas.FileSHA256(history)
	if err != nil {
		return fmt.Errorf("write the audit's record: %w", err)
	}
	// Private, even where the folder was made otherwise.
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write the audit's record: %w", err)
	}
	if err := os.Chmod(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write the audit's record: %w", err)
	}
	p, err := schemas.CreatePending(path)
	if err != nil {
		return fmt.Errorf("write the audit's record: %w", err)
	}
	defer p.Abort()
	s, err := d.session(ctx)
	if err != nil {
		return fmt.Errorf("write the audit's record: %w", err)
	}
	defer s.close()
	rules, err := s.auditRules(ctx)
	if err != nil {
		return fmt.Errorf("write the audit's record: %w", err)
	}
	if err := s.exec(ctx, "audit_record_write", sql.Named("path", p.Name()),
		sql.Named("history_sha256", sum), sql.Named("rules", rules)); err != nil {
		return fmt.Errorf("write the audit's record: %w", err)
	}
	if err := os.Chmod(p.Name(), 0o600); err != nil {
		return fmt.Errorf("write the audit's record: %w", err)
	}
	if err := commitWritten(p); err != nil {
		return fmt.Errorf("write the audit's record: %w", err)
	}
	return nil
}
