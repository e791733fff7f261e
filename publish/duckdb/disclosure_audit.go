package duckdb

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/yardstick-open/yardstick/publish/audit"
)

// SafetyWidth is the narrowest range of values the published figures may
// leave a hidden count in. For every cell hidden for itself (small, or
// marked [c] by the council), the least and greatest values its numerator,
// its denominator and, for a proportion, its complement (denominator -
// numerator) can take, given everything this release and every earlier
// one publishes, must be at least SafetyWidth apart once rounded inwards
// to whole numbers: at least six whole numbers stay possible. 5 is the
// width of the small_counts rule itself: a range of 0 to 5 holds 0, every
// small count (1 to 4) and the smallest count shown, so it cannot tell a
// reader which of them the cell holds. A range of width 0 is a figure
// given back; a range from 0 to 0 is a group of hidden cells forced to
// sum to 0, which protects nothing. A metric whose catalogue entry sets
// a larger small_count (schemas.Metric.SmallCount) needs its ranges at
// least that wide, for the same reason: safetyWidth.
const SafetyWidth = 5

// safetyWidth is the narrowest range a cell of a metric with the given
// small_count may be left in: SafetyWidth, or the small count where it is
// larger, so the range still holds 0, every small count and the least
// count shown.
func safetyWidth(smallCount int) float64 {
	return float64(max(SafetyWidth, smallCount))
}

// auditMember is one row of audit_members.sql: a member of one linked
// group of one release.
type auditMember struct {
	// Group names the member's group within its release; a member of
	// this release read by eachAuditMember has its group's gid
	// (disclosure_links.gid) instead, in GID, and Group "".
	Group string
	GID   int64
	// Release is "" for this release; for earlier releases it names the
	// set of groups they published (the history's sig_set), which stands
	// for every release that published that very set: their equations
	// are one another's, over unknowns of their own.
	Release string
	Cell    cellKey
	Total   bool
	Unknown bool
	X, N    sql.NullFloat64
	Kind    string
	TX, TN  sql.NullFloat64
	Primary bool
	// SmallCount is the small_counts threshold of the member's metric
	// (0 for a metric without disclosure control).
	SmallCount int
	// XCount and NCount name the counts the member's metric shares with
	// others ("" for its own): the same count of one cell is one unknown
	// whichever metric's group holds it.
	XCount, NCount string
}

// A narrowCell is a cell hidden for itself whose count What ("numerator",
// "denominator" or "complement") the published figures hold between Lo
// and Hi, closer than Width (its metric's safetyWidth); Err, when set,
// says the audit could not bound it, which counts as narrow.
type narrowCell struct {
	Cell   cellKey
	What   string
	Lo, Hi float64
	Width  float64
	Err    error
}

func (n narrowCell) detail() string {
	switch {
	case n.Err != nil:
		return fmt.Sprintf("the audit could not bound its %s (%v)", n.What, n.Err)
	case n.Hi < 0.5:
		return fmt.Sprintf("the published figures force its %s, with the other hidden figures of its groups, to 0", n.What)
	}
	return fmt.Sprintf("the published figures hold its %s between %.0f and %.0f, closer than the safety interval of %.0f",
		n.What, n.Lo, n.Hi, n.Width)
}

// componentCache holds the findings of the components of the audit
// already solved, by the SHA-256 of their componentKey: a component whose
// equations and cells are unchanged gives the same findings, so it is not
// solved again. The digest, not the key, because the cache outlives every
// batch of the audit, so its keys grew with the release, outside the
// memory a batch is given: at 5M rows under a 1GB limit the Go heap held
// 171-193 MB live as the first audit ended, 59-70 MB with digests
// (GODEBUG=gctrace=1, 100,210 components). Two components share a digest
// only if their keys are the same, short of a collision of SHA-256.
type componentCache map[[sha256.Size]byte][]narrowCell

// auditCache keeps the interval audit's findings from one call of
// auditIntervals to the next: suppression runs the audit after each round
// that hides more cells, and the final check once more. A round changes
// only the cells it hides, and the equations of a cell's council, service
// and family of metrics (metrics that share a count, directly or through
// a third) are the only ones that hold its counts: no group crosses a
// council, service or metric, and a shared count ties only the metrics
// that share it. So the next audit reads and solves again only the
// families in which a cell changed since the last (the units,
// disclosure_audit_changed.sql) and keeps the findings of the others.
// Every other table the audit reads (the councils' own figures, the
// history of earlier releases, the catalogue) is fixed while Build runs.
// The zero value holds nothing: the first call audits everything.
type auditCache struct {
	// components holds the findings of every component solved.
	components componentCache
	// units holds the findings of the last audit by unit (unitKey); nil
	// until an audit has run, after which, outside suppression's rounds,
	// disclosure_audit_seen holds the digest of the observations the
	// next audit compares with (taken at the end of suppression by
	// handOver, which keeps as pending the cells hidden since the last
	// audit).
	units map[string][]narrowCell
	// family names the family of each metric (the first metric of it).
	family map[string]string
	// members lists each family's metrics.
	members map[string][]string
	// last says, for the log, what the last call read and solved.
	last string
	// token names this cache's reading of the observations
	// (disclosure_audit_seen), from auditTokens.
	token int64
	// rounds, while suppression runs, tells each audit what changed since
	// the last one from the cells suppression's rounds hid after step
	// seenStep (suppress_steps), rather than by comparing the observations
	// with a digest of them: nothing else changes them then, and the
	// digest and the comparison, each a pass over every row, cost more
	// than reading the rounds' steps. handOver takes the digest once
	// suppression ends.
	rounds   *suppressRounds
	seenStep int
	// pending names, as council, service and metric, cells that changed
	// after the last audit and before the digest was taken: the next
	// audit reads their units again, with those the digest shows changed
	// since.
	pending [][3]string
	// exact is the last exact test (determined) of suppression or the
	// check, which the check reuses when the hidden members are the same.
	exact exactMemo
	// record, when not nil, is the record of the audit of the release
	// whose history Build read (auditRecord): the first audit reads only
	// the units changed since, and it is let go.
	record *auditRecord
}

// auditTokens numbers the caches of the audit, so that one never takes
// another's reading of the observations for its own.
var auditTokens atomic.Int64

// unitKey names the unit of the audit that bounds cell: its council,
// service and family of metrics.
func (c *auditCache) unitKey(council, service, metric string) string {
	f, ok := c.family[metric]
	if !ok {
		f = metric
	}
	return council + "\x1f" + service + "\x1f" + f
}

// loadFamilies reads the catalogue's shared counts and groups the metrics
// that share one, directly or through a third, into families.
func (c *auditCache) loadFamilies(ctx context.Context, s *session) error {
	rows, err := s.query(ctx, "disclosure_audit_families")
	if err != nil {
		return err
	}
	defer rows.Close()
	var ids []string
	byCount := map[string][]int{}
	for rows.Next() {
		var id, x, n string
		if err := rows.Scan(&id, &x, &n); err != nil {
			return fmt.Errorf("disclosure_audit_families: %w", err)
		}
		for _, name := range []string{x, n} {
			if name != "" {
				byCount[name] = append(byCount[name], len(ids))
			}
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("disclosure_audit_families: %w", err)
	}
	joined := newUnionFind(len(ids))
	for _, ms := range byCount {
		for _, m := range ms[1:] {
			joined.union(m, ms[0])
		}
	}
	// The family is named by its first metric, in order of id, so that
	// its name does not depend on how the union went.
	first := map[int]string{}
	for i, id := range ids {
		if _, ok := first[joined.find(i)]; !ok {
			first[joined.find(i)] = id
		}
	}
	c.family = map[string]string{}
	c.members = map[string][]string{}
	for i, id := range ids {
		f := first[joined.find(i)]
		c.family[id] = f
		c.members[f] = append(c.members[f], id)
	}
	return nil
}

// changedUnits returns the units in which a cell changed since the last
// audit, and the council, service and metric of every metric of them, as
// audit_scope.sql's $units names them.
func (c *auditCache) changedUnits(ctx context.Context, s *session) (map[string]bool, []string, error) {
	var cells [][3]string
	var err error
	if c.rounds != nil {
		cells, err = changedCells(ctx, s, "suppress_changed_units", sql.Named("since", c.seenStep))
	} else {
		// The view audit_digest was made with the digest it compares with
		// (takeDigest), and both go together (history_drop.sql).
		cells, err = changedCells(ctx, s, "disclosure_audit_changed", sql.Named("token", c.token))
	}
	if err != nil {
		return nil, nil, err
	}
	units, scope := c.unitsOf(append(cells, c.pending...))
	return units, scope, nil
}

// unitsOf returns the units of the cells named as council, service and
// metric, and the council, service and metric of every metric of them, as
// audit_scope.sql's $units names them.
func (c *auditCache) unitsOf(cells [][3]string) (map[string]bool, []string) {
	units := map[string]bool{}
	var scope []string
	for _, cell := range cells {
		council, service, metric := cell[0], cell[1], cell[2]
		u := c.unitKey(council, service, metric)
		if units[u] {
			continue
		}
		units[u] = true
		ms, ok := c.members[c.family[metric]]
		if !ok {
			ms = []string{metric}
		}
		for _, m := range ms {
			scope = append(scope, council+"\x1f"+service+"\x1f"+m)
		}
	}
	return units, scope
}

// changedCells runs a query returning the council, service and metric of
// cells that changed (disclosure_audit_changed.sql,
// suppress_changed_units.sql).
func changedCells(ctx context.Context, s *session, name string, args ...any) ([][3]string, error) {
	rows, err := s.query(ctx, name, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][3]string
	for rows.Next() {
		var c [3]string
		if err := rows.Scan(&c[0], &c[1], &c[2]); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// handOver ends the audits' reading of suppression's own steps
// (auditCache.rounds) once suppression is done: it takes the digest of
// the observations the next audit compares with (disclosure_audit_seen),
// and keeps as pending the cells hidden since the last audit, which the
// digest already holds as they are now. Without an audit yet, the next
// one reads every unit and takes the digest itself.
func (c *auditCache) handOver(ctx context.Context, s *session) error {
	if c.rounds == nil {
		return nil
	}
	defer func() { c.rounds = nil }()
	if c.units == nil {
		return nil
	}
	cells, err := changedCells(ctx, s, "suppress_changed_units", sql.Named("since", c.seenStep))
	if err != nil {
		return err
	}
	c.pending = append(c.pending, cells...)
	return c.takeDigest(ctx, s)
}

// takeDigest keeps the digest of the observations the next audit compares
// with (disclosure_audit_seen.sql, made from the view audit_digest.sql
// defines).
func (c *auditCache) takeDigest(ctx context.Context, s *session) error {
	// The audit just run left its reading of the units as garbage in Go
	// (Go held 606 MB here at 20M rows under 3GB), and the digest, a pass
	// over every row, allocates nothing in Go: at 20M rows publish peaked
	// in it once, at 3,949 MB (BENCHMARKS.md, "Go's heap handed back after
	// the comparisons"), so the heap is collected and handed back first.
	debug.FreeOSMemory()
	if err := s.exec(ctx, "audit_digest"); err != nil {
		return err
	}
	return s.exec(ctx, "disclosure_audit_seen", sql.Named("token", c.token))
}

// auditIntervals reads the audit's equations and returns the cells hidden
// for themselves that the published figures hold too narrowly, sorted.
// cache keeps the findings for the next call, which reads and solves
// again only the units that changed since (auditCache).
func (s *session) auditIntervals(ctx context.Context, cache *auditCache) ([]narrowCell, error) {
	if cache.components == nil {
		cache.components = componentCache{}
		cache.token = auditTokens.Add(1)
	}
	if cache.family == nil {
		if err := cache.loadFamilies(ctx, s); err != nil {
			return nil, err
		}
	}
	// The first audit reads every unit (scope nil); the next ones, those
	// changed since.
	first := cache.units == nil
	if first {
		// Every finding is a cell hidden for itself in a linked group, so
		// where no member of a group of this release is hidden and no
		// earlier release published a group (disclosure_audit_hidden.sql)
		// the audit finds nothing. It is left as if it had not
		// run (cache.units nil): the next call asks again, and reads every
		// unit if a round has hidden a member since, and no digest of the
		// observations is taken for a comparison no call will make.
		hidden, err := s.flag(ctx, "disclosure_audit_hidden")
		if err != nil {
			return nil, err
		}
		if !hidden {
			cache.last = "no member of a linked group hidden"
			return nil, nil
		}
	}
	var changed map[string]bool
	var scope []string
	var since string
	switch {
	case first && cache.record != nil:
		// Only the units changed since the release whose history Build
		// read are read; the others pass as its audit passed them.
		cells, err := changedCells(ctx, s, "audit_record_changed")
		if err != nil {
			return nil, err
		}
		since = cache.record.Release
		cache.record = nil
		changed, scope = cache.unitsOf(cells)
		cache.units = map[string][]narrowCell{}
		first = false
	case !first:
		var err error
		if changed, scope, err = cache.changedUnits(ctx, s); err != nil {
			return nil, err
		}
	}
	cache.last = "nothing changed"
	if since != "" {
		// A record is given only to suppression (auditCache.record),
		// whose rounds' steps the next audit reads and whose handOver
		// takes the digest, so none is taken here when nothing changed.
		cache.last = "nothing changed since release " + since + "'s audit"
	}
	if first || len(changed) > 0 {
		before := len(cache.components)
		found, held, err := s.solveBatches(ctx, scope, cache.components)
		if err != nil {
			return nil, err
		}
		cache.last = fmt.Sprintf("%d units read again", len(changed))
		if since != "" {
			cache.last = fmt.Sprintf("%d units changed since release %s's audit read, the others as it passed them",
				len(changed), since)
		}
		if first {
			cache.last = "every unit read"
			cache.units = map[string][]narrowCell{}
		}
		// The batches held, not those planned: a batch whose groups have
		// no unknown reads no member.
		if held > 1 {
			cache.last += fmt.Sprintf(" in %d batches of councils", held)
		}
		cache.last += fmt.Sprintf(", %d components solved", len(cache.components)-before)
		for u := range changed {
			delete(cache.units, u)
		}
		for _, f := range found {
			u := cache.unitKey(f.Cell.Council, f.Cell.Service, f.Cell.Metric)
			cache.units[u] = append(cache.units[u], f)
		}
		cache.pending = nil
		if cache.rounds == nil {
			if err := cache.takeDigest(ctx, s); err != nil {
				return nil, err
			}
		}
	}
	if cache.rounds != nil {
		cache.seenStep = cache.rounds.step
	}
	var out []narrowCell
	for _, found := range cache.units {
		out = append(out, found...)
	}
	sortNarrow(out)
	return out, nil
}

// solveBatches reads the members of the units scope names (every unit
// where it is nil) and solves them a batch of councils at a time
// (auditBatches), each batch within a quarter of DuckDB's memory limit,
// which DuckDB gives up meanwhile (lendMemory). It returns the cells
// found narrow, with the components solved added to components, and how
// many batches it held.
func (s *session) solveBatches(ctx context.Context, scope []string, components componentCache) (found []narrowCell, held int, err error) {
	limit, err := s.memoryLimit(ctx)
	if err != nil {
		return nil, 0, err
	}
	batches, err := s.auditBatches(ctx, scope, limit/auditShare)
	if err != nil {
		return nil, 0, err
	}
	// Only what the largest batch may hold is lent: where every council
	// fits at once, DuckDB keeps the rest of the share.
	var most int64
	for _, b := range batches {
		most = max(most, b.members)
	}
	restore, err := s.lendMemory(ctx, limit, min(limit/auditShare, most*auditMemberBytes), "the interval audit's batch")
	if err != nil {
		return nil, 0, err
	}
	// Deferred, so that nothing that ends the audit early leaves DuckDB
	// with less memory for the rest of the build.
	defer func() {
		if rerr := restore(); rerr != nil {
			found, held, err = nil, 0, errors.Join(err, rerr)
		}
	}()
	var sys *auditSystem
	cur := -1
	// One statement stores every batch's members (eachAuditMember), and
	// each batch reads only its own from there, since a statement a batch
	// read the disclosure tables once a batch: at 5M rows under a 1GB
	// limit (17 batches) the audit took three times as long (BENCHMARKS.md).
	err = s.eachAuditMember(ctx, scope, batches, func(b int, m *auditMember) {
		if b != cur {
			if sys != nil {
				found = append(found, sys.narrow(components)...)
			}
			cur, sys = b, newAuditSystem(int(batches[b].members))
			held++
		}
		sys.add(m)
	})
	if err != nil {
		return nil, 0, err
	}
	if sys != nil {
		found = append(found, sys.narrow(components)...)
	}
	return found, held, nil
}

// auditMemberBytes is the memory a batch of the audit is counted to hold
// for each member of a linked group it may read
// (disclosure_audit_councils.sql). At 2 million rows with council-wide
// totals under an 800MB limit (228,571 members a batch), the first
// audit's batches raised the Go heap (GODEBUG=gctrace=1) from 176 to at
// most 591 MB, about 1.8 kB a member counted with the garbage the
// collector had yet to free (BENCHMARKS.md). That was measured before the
// audit streamed its members (auditSystem.add keeps only what it numbers);
// the heap peaked at 422 MB in the same run after, about 1.1 kB a member,
// so 1,750 bytes errs on the safe side.
const auditMemberBytes = 1750

// auditShare divides DuckDB's memory limit to give the audit the memory
// it holds in Go: up to a quarter of it, which DuckDB gives up while the
// audit runs (lendMemory), so that the audit's batches do not come on
// top of the limit. Batches are cheap since one statement stores them
// all for each to read its own, so the share can be small.
const auditShare = 4

// minAuditBatch is the fewest members a batch is given however small
// DuckDB's memory limit, so a tiny limit does not read one council at a
// time.
const minAuditBatch = 50_000

// auditBatches splits the councils whose units the audit reads (those
// scope names, or every unit where scope is nil) into batches whose
// members (disclosure_audit_councils.sql) fit budget bytes of memory at
// auditMemberBytes each, so the memory the audit holds in Go grows with
// DuckDB's limit rather than with the release. Units never cross a
// council, so each batch holds whole units and gives the findings the
// whole would. A single batch has councils nil: every council of the
// units read.
func (s *session) auditBatches(ctx context.Context, scope []string, budget int64) ([]auditBatch, error) {
	per := max(budget/auditMemberBytes, minAuditBatch)
	if s.auditBatch > 0 {
		per = s.auditBatch
	}
	var units any
	if scope != nil {
		units = scope
	}
	rows, err := s.query(ctx, "disclosure_audit_councils", sql.Named("units", units))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var batches []auditBatch
	for rows.Next() {
		var council string
		var members int64
		if err := rows.Scan(&council, &members); err != nil {
			return nil, fmt.Errorf("disclosure_audit_councils: %w", err)
		}
		if n := len(batches); n == 0 || (batches[n-1].members > 0 && batches[n-1].members+members > per) {
			batches = append(batches, auditBatch{})
		}
		b := &batches[len(batches)-1]
		b.councils = append(b.councils, council)
		b.members += members
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("disclosure_audit_councils: %w", err)
	}
	if len(batches) <= 1 {
		var all auditBatch
		for _, b := range batches {
			all.members += b.members
		}
		return []auditBatch{all}, nil
	}
	return batches, nil
}

// An auditBatch is the councils the audit holds at once (nil: every
// council of the units read) and how many members of linked groups
// they have at most, which sizes the audit's tables.
type auditBatch struct {
	councils []string
	members  int64
}

// eachAuditMember reads the members of the audit's linked groups
// (audit_members.sql), of the units scope names (council, service and
// metric joined by "\x1f"), or of every unit where it is nil, and of the
// councils batches name (every council where there is one batch with
// councils nil), handing each to fn in the order read with the number of
// its batch, every member of a batch before the next batch's; fn must
// not keep m, which a later chunk's row overwrites (readAuditMembers).
//
// The members are stored first in a temporary table, which DuckDB spills
// past its memory limit, and read back a batch at a time, since a query's
// whole result is held at once (session.query).
func (s *session) eachAuditMember(ctx context.Context, scope []string, batches []auditBatch, fn func(batch int, m *auditMember)) error {
	var units, inCouncils, batchOf any
	if scope != nil {
		units = scope
	}
	var councils []string
	var numbers []int32
	for i, b := range batches {
		for _, c := range b.councils {
			councils = append(councils, c)
			numbers = append(numbers, int32(i))
		}
	}
	if councils != nil {
		inCouncils, batchOf = councils, numbers
	}
	err := s.storeAuditScope(ctx, units, inCouncils)
	if err == nil {
		// Stored in the order of their batches (preserve_insertion_order
		// keeps an INSERT's order), so that each batch's read skips the
		// others' row groups by their min and max.
		err = s.keepingOrder(ctx, func() error {
			return s.execWrapped(ctx, "audit_members", func(q string) string {
				return "CREATE OR REPLACE TEMP TABLE audit_member_rows AS SELECT * FROM (" + q + ") ORDER BY batch"
			}, sql.Named("councils", inCouncils), sql.Named("batch_of", batchOf))
		})
	}
	if err == nil {
		err = s.readAuditMembers(ctx, max(len(batches), 1), fn)
	}
	// Dropped even when the build was cancelled: the next audit stores
	// its own.
	return errors.Join(err, s.exec(context.WithoutCancel(ctx), "audit_members_drop"))
}

// storeAuditScope stores the units audit_members.sql reads
// (audit_scope.sql): those units names, or every unit where it is nil, of
// the councils councils names, or of every council where it is nil.
// audit_members_drop.sql drops them.
func (s *session) storeAuditScope(ctx context.Context, units, councils any) error {
	return s.exec(ctx, "audit_scope", sql.Named("units", units), sql.Named("councils", councils))
}

// auditChunk is a run of one batch's members, read together and handed
// over together.
type auditChunk struct {
	batch   int
	members []auditMember
}

// auditChunkSize and auditChunks are how many members a chunk holds and
// how many chunks readAuditMembers has in all: fn works through one while
// the reader fills the others, enough to keep the reader busy while fn
// works, and a few megabytes at most.
const auditChunkSize, auditChunks = 4096, 4

// readAuditMembers reads the members eachAuditMember stored, batch 0 to
// batches-1 (audit_members_batch.sql), a chunk at a time on a goroutine of
// its own, and hands each to fn on this one, in the order read. Reading a
// row (the driver's rows and Scan) cost about as much Go time as adding it
// (auditSystem.add) at 5M rows (BENCHMARKS.md), and DuckDB has finished
// sorting a batch before its first row is read, so the two take a core
// each rather than one in turn. fn must not keep m, whose chunk is read
// into again.
func (s *session) readAuditMembers(ctx context.Context, batches int, fn func(batch int, m *auditMember)) error {
	free := make(chan []auditMember, auditChunks)
	for range auditChunks {
		free <- make([]auditMember, auditChunkSize)
	}
	full := make(chan auditChunk, auditChunks)
	// Closed when this returns, so that a reader left waiting for a
	// chunk, should fn panic, stops and closes its rows.
	stop := make(chan struct{})
	defer close(stop)
	var readErr error
	go func() {
		defer close(full)
		for b := 0; readErr == nil && b < batches; b++ {
			readErr = s.readAuditBatch(ctx, b, auditPipe{free, full, stop})
		}
	}()
	for c := range full {
		for i := range c.members {
			fn(c.batch, &c.members[i])
		}
		free <- c.members[:cap(c.members)]
	}
	// full is closed only once the reader has set readErr for good.
	return readErr
}

// auditPipe is how readAuditMembers's reader gets empty chunks (free)
// and hands full ones over (full), until stop is closed.
type auditPipe struct {
	free chan []auditMember
	full chan<- auditChunk
	stop <-chan struct{}
}

// errAuditStopped is what the reader of readAuditMembers returns when it
// was stopped before it had read everything.
var errAuditStopped = errors.New("the audit stopped reading its members")

// take returns an empty chunk, or nil once p is stopped.
func (p auditPipe) take() []auditMember {
	select {
	case c := <-p.free:
		return c
	case <-p.stop:
		return nil
	}
}

// send hands c over, and reports false once p is stopped.
func (p auditPipe) send(c auditChunk) bool {
	select {
	case p.full <- c:
		return true
	case <-p.stop:
		return false
	}
}

// readAuditBatch reads the members of batch b into chunks taken from p
// and hands each over, filled.
func (s *session) readAuditBatch(ctx context.Context, b int, p auditPipe) error {
	rows, err := s.query(ctx, "audit_members_batch", sql.Named("batch", b))
	if err != nil {
		return err
	}
	defer rows.Close()
	var group sql.NullString
	var gid sql.NullInt64
	chunk, k := p.take(), 0
	if chunk == nil {
		return errAuditStopped
	}
	for rows.Next() {
		m := &chunk[k]
		if err := rows.Scan(&m.Release, &gid, &group, &m.Cell.Council, &m.Cell.Provider, &m.Cell.Service, &m.Cell.Metric,
			&m.Cell.Period, &m.Total, &m.Unknown, &m.X, &m.N, &m.Kind, &m.TX, &m.TN, &m.Primary,
			&m.XCount, &m.NCount, &m.SmallCount); err != nil {
			p.free <- chunk // never blocks: free has room for every chunk
			return fmt.Errorf("audit_members_batch: %w", err)
		}
		m.Group, m.GID = group.String, gid.Int64
		if k++; k == len(chunk) {
			if !p.send(auditChunk{b, chunk}) {
				return errAuditStopped
			}
			if chunk, k = p.take(), 0; chunk == nil {
				return errAuditStopped
			}
		}
	}
	if k > 0 {
		if !p.send(auditChunk{b, chunk[:k]}) {
			return errAuditStopped
		}
	} else {
		p.free <- chunk
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("audit_members_batch: %w", err)
	}
	return nil
}

// sortNarrow sorts findings by cell (protectKey), then by the count
// found narrow.
func sortNarrow(out []narrowCell) {
	sortByCell(out, func(n narrowCell) cellKey { return n.Cell },
		func(a, b narrowCell) int { return strings.Compare(a.What, b.What) })
}

// auditVar names a variable of the audit within one
// auditSystem: one count (side 'x' numerator, 'n' denominator, 's'
// the slack of numerator <= denominator) of a cell (Cell, its number in
// auditTables.cells), the same in every release (Release 0, this
// release) or of one release (Release, its number in
// auditTables.releases): a published cell that shows no such count
// there, or a cell an earlier release hid whose figure has changed since.
// Side 'c' is a count metrics share (the catalogue's numerator_count,
// denominator_count): Cell numbers the council, provider, service and
// period with the count's name (auditTables.shared), so every
// metric's figure of that cell has the one unknown. A gap (a group of
// this release whose total is not the sum of its parts) is a variable of
// its equation alone, and has no auditVar.
type auditVar struct {
	Cell    int32
	Side    byte
	Release int32
}

// auditTables numbers, within one auditSystem, the cells,
// groups, releases and shared counts its members name, each once, so that
// the audit's maps and slices are keyed by integers rather than by the
// five strings of a cell: at a million rows it reads hundreds of
// thousands of members.
type auditTables struct {
	cells     []cellKey
	cellIndex map[cellKey]int32
	releases  map[string]int32
	groups    map[auditGroupKey]int32
	shared    map[sharedCountKey]int32
	// last is the group numbered last, and lastGroup its number: a
	// batch's members come a group at a time (audit_members_batch.sql),
	// so most members' group is the one before theirs, and comparing it
	// costs less than hashing it.
	last      auditGroupKey
	lastGroup int32
}

// auditGroupKey names a group: its release and, within it, its name
// (auditMember.Group) or gid.
type auditGroupKey struct {
	release, group string
	gid            int64
}

// sharedCountKey names a count metrics share of one council, provider,
// service and period.
type sharedCountKey struct {
	council, provider, service, period, name string
}

// newAuditTables returns empty tables, sized for about members members.
func newAuditTables(members int) *auditTables {
	return &auditTables{
		cells:     make([]cellKey, 0, members/2),
		cellIndex: make(map[cellKey]int32, members/2),
		releases:  map[string]int32{"": 0},
		groups:    make(map[auditGroupKey]int32, members/4),
		shared:    map[sharedCountKey]int32{},
	}
}

// cell returns c's number.
func (t *auditTables) cell(c cellKey) int32 {
	i, ok := t.cellIndex[c]
	if !ok {
		i = int32(len(t.cells))
		t.cellIndex[c] = i
		t.cells = append(t.cells, c)
	}
	return i
}

// release returns r's number, 0 for this release ("").
func (t *auditTables) release(r string) int32 {
	i, ok := t.releases[r]
	if !ok {
		i = int32(len(t.releases))
		t.releases[r] = i
	}
	return i
}

// group returns the number of m's group, and whether it is new.
func (t *auditTables) group(m *auditMember) (int32, bool) {
	k := auditGroupKey{m.Release, m.Group, m.GID}
	if k == t.last && len(t.groups) > 0 {
		return t.lastGroup, false
	}
	i, ok := t.groups[k]
	if !ok {
		i = int32(len(t.groups))
		t.groups[k] = i
	}
	t.last, t.lastGroup = k, i
	return i, !ok
}

// countVar returns the variable of one count (side 'x' or 'n') of m's
// cell, numbered cell: the shared count's, when its metric shares that
// count (XCount, NCount), else the cell's own.
func (t *auditTables) countVar(m *auditMember, cell int32, side byte) auditVar {
	name := m.XCount
	if side == 'n' {
		name = m.NCount
	}
	if name == "" {
		return auditVar{Cell: cell, Side: side}
	}
	k := sharedCountKey{m.Cell.Council, m.Cell.Provider, m.Cell.Service, m.Cell.Period, name}
	i, ok := t.shared[k]
	if !ok {
		i = int32(len(t.shared))
		t.shared[k] = i
	}
	return auditVar{Cell: i, Side: 'c'}
}

// auditCell is what the audit knows of an unknown cell: its metric's
// kind and safetyWidth, the variables of its numerator and denominator
// (vars), their numbers in the audit (v; -1 for a count no equation holds
// as an unknown), and whether it is hidden for itself (primary), which
// makes the audit bound it. unknown is false for a cell that is no
// member's unknown, which the audit knows nothing of.
type auditCell struct {
	unknown bool
	kind    string
	width   float64
	vars    [2]auditVar
	v       [2]int
	primary bool
}

// auditEquation is one equation of the audit: a group's, of an earlier
// release (history, numbered release) or this one, or a proportion's bound
// (bound). vars names each term's variable (a gap's is the zero
// auditVar: it is never renamed).
type auditEquation struct {
	eq      audit.Equation
	vars    []auditVar
	history bool
	release int32
	bound   bool
}

// auditSystem works out, from the members of the linked groups of this
// release and the earlier ones, the range each count of each cell hidden
// for itself can take (package audit), and finds those narrower than
// SafetyWidth. It gathers the equations a member at a time (add), so that
// auditIntervals hands it each row of its batch (audit_members_batch.sql)
// as it is read rather than holding a slice of every member
// (BENCHMARKS.md, "The audit streams its members"); narrow then solves
// them, once.
//
// Each group gives one equation per count, total - sum(parts) = 0, whose
// unknowns are the hidden members' counts and the counts a published
// member leaves out; a proportion's numerator is at most its denominator.
// Where the councils' own figures do not satisfy a group's equation, it
// is kept in the form a reader can still use:
//
//   - in this release, the total is not the sum of its parts (a
//     council-wide total holding a provider not listed): the equation
//     gains a gap of its own, at least 0, on the side the figures lie,
//     total - sum(parts) - gap = 0 (or + gap), so the hidden parts are
//     bounded by the total less the parts shown, not given by it;
//   - in an earlier release, a hidden cell has been revised since: each
//     hidden member's count gets an unknown of that release alone, the
//     figure it had then, which the old total still bounds.
type auditSystem struct {
	tables *auditTables
	// own numbers the variables of this release (Release 0) by cell, a
	// slice for each side ('x', 'n', 's' by the cell's number, 'c' by the
	// shared count's; ownSlice), -1 where there is none yet; other numbers
	// the rest. Nearly every variable is one of this release's, and
	// reading a slice at a dense number takes no hashing and one memory
	// access where a map of millions took several (BENCHMARKS.md, "The
	// audit's variables in slices").
	own   [4][]int32
	other map[auditVar]int
	// truth holds each variable's figure as the councils gave it, by its
	// number.
	truth []sql.NullFloat64
	// eqOf holds each group's equations, numerator then denominator (-1
	// until made), by the group's number.
	eqOf [][2]int32
	eqs  []auditEquation
	rhs  []float64
	// info holds what the audit knows of each cell, by its number.
	info []auditCell
}

// newAuditSystem returns an empty system, sized for about members
// members.
func newAuditSystem(members int) *auditSystem {
	return &auditSystem{tables: newAuditTables(members), other: map[auditVar]int{},
		info: make([]auditCell, 0, members/2)}
}

// ownSlice returns the slice of auditSystem.own that numbers v: this
// release's variable of side 'x', 'n', 's' or 'c'; nil for any other,
// which the map numbers.
func (a *auditSystem) ownSlice(v auditVar) *[]int32 {
	if v.Release != 0 {
		return nil
	}
	switch v.Side {
	case 'x':
		return &a.own[0]
	case 'n':
		return &a.own[1]
	case 's':
		return &a.own[2]
	case 'c':
		return &a.own[3]
	}
	return nil
}

// lookup returns v's number, and whether it has one.
func (a *auditSystem) lookup(v auditVar) (int, bool) {
	own := a.ownSlice(v)
	if own == nil {
		i, ok := a.other[v]
		return i, ok
	}
	if int(v.Cell) < len(*own) && (*own)[v.Cell] >= 0 {
		return int((*own)[v.Cell]), true
	}
	return 0, false
}

// variable returns v's number, numbering it with the figure t if new.
func (a *auditSystem) variable(v auditVar, t sql.NullFloat64) int {
	if i, ok := a.lookup(v); ok {
		return i
	}
	i := len(a.truth)
	a.truth = append(a.truth, t)
	own := a.ownSlice(v)
	if own == nil {
		a.other[v] = i
		return i
	}
	for len(*own) <= int(v.Cell) {
		*own = append(*own, -1)
	}
	// A variable's number fits an int32: there are fewer variables than
	// members' counts, and cells are numbered in int32 already.
	(*own)[v.Cell] = int32(i)
	return i
}

// add adds m's terms to its group's equations. A group's members come
// one after another in any order of groups; add keeps nothing of m but
// what the tables number.
func (a *auditSystem) add(m *auditMember) {
	tables := a.tables
	cell := tables.cell(m.Cell)
	if int(cell) == len(a.info) {
		a.info = append(a.info, auditCell{})
	}
	g, isNew := tables.group(m)
	if isNew {
		a.eqOf = append(a.eqOf, [2]int32{-1, -1})
	}
	release := tables.release(m.Release)
	coef := int64(-1)
	if m.Total {
		coef = 1
	}
	sides := 1
	if m.Kind != "count" {
		sides = 2
	}
	vars := [2]auditVar{tables.countVar(m, cell, 'x'), tables.countVar(m, cell, 'n')}
	for k := range sides {
		e := int(a.eqOf[g][k])
		if e < 0 {
			e = len(a.eqs)
			a.eqOf[g][k] = int32(e)
			a.eqs = append(a.eqs, auditEquation{history: m.Release != "", release: release})
			a.rhs = append(a.rhs, 0)
		}
		shown, t := m.X, m.TX
		if k == 1 {
			shown, t = m.N, m.TN
		}
		av := vars[k]
		switch {
		case shown.Valid:
			// Published, or hidden now with this count published
			// before as it is now: known data.
			a.rhs[e] -= float64(coef) * shown.Float64
			continue
		case m.Unknown:
		default:
			t = sql.NullFloat64{}
			av.Release = release
		}
		a.eqs[e].eq.Terms = append(a.eqs[e].eq.Terms, audit.Term{Var: a.variable(av, t), Coef: coef})
		a.eqs[e].vars = append(a.eqs[e].vars, av)
	}
	if m.Unknown {
		c := &a.info[cell]
		c.unknown = true
		c.kind, c.width = m.Kind, safetyWidth(m.SmallCount)
		c.vars = vars
		c.primary = c.primary || m.Primary
	}
}

// narrow solves the system's components, taking the findings of those
// cache holds (nil: none) and adding those it solves, and returns the
// cells held narrower than their safety width, sorted. It renumbers the
// system's variables as it goes, so it may be called once.
func (a *auditSystem) narrow(cache componentCache) []narrowCell {
	tables, info, eqs, rhs := a.tables, a.info, a.eqs, a.rhs
	variable := a.variable
	// Every variable of an unknown cell's own counts is made above; the
	// variables made below are other releases' and gaps. unknown lists
	// the unknown cells, in key order (sortCells), which the proportions'
	// bounds and each component's cells follow.
	var unknown []int32
	for i := range info {
		c := &info[i]
		if !c.unknown {
			continue
		}
		unknown = append(unknown, int32(i))
		for k, av := range c.vars {
			c.v[k] = -1
			if v, ok := a.lookup(av); ok {
				c.v[k] = v
			}
		}
	}
	sortCellNumbers(unknown, tables.cells)
	var kept []auditEquation
	seen := map[string]bool{}
	var key []byte
	var sorted []audit.Term
	for i, e := range eqs {
		if len(e.eq.Terms) == 0 {
			continue
		}
		e.eq.RHS = int64(math.Round(rhs[i]))
		gap, tested := gapOf(e.eq, a.truth)
		switch {
		case !tested || math.Abs(gap) < 0.5:
		case e.history:
			// A hidden cell revised since: its count then is an unknown
			// of that release alone.
			for j, av := range e.vars {
				if av.Release == 0 {
					av.Release = e.release
					e.vars[j] = av
					e.eq.Terms[j].Var = variable(av, sql.NullFloat64{})
				}
			}
		default:
			g := int64(-1)
			if gap < 0 {
				g = 1
			}
			v := len(a.truth)
			a.truth = append(a.truth, sql.NullFloat64{Float64: math.Abs(gap), Valid: true})
			e.eq.Terms = append(e.eq.Terms, audit.Term{Var: v, Coef: g})
			e.vars = append(e.vars, auditVar{})
		}
		// Releases that published a group with the same figures give the
		// same equation, over the same unknowns unless they were revised
		// since: it is kept once, so the audit's cost does not grow with
		// the number of releases that repeat it. Earlier releases' are
		// told apart from this one's, since the audit also solves them
		// alone.
		key, sorted = equationKey(key[:0], sorted[:0], e)
		if seen[string(key)] {
			continue
		}
		seen[string(key)] = true
		kept = append(kept, e)
	}
	// A proportion counts some of its denominator: x - n + slack = 0.
	// The cells are taken in order, so that a component reads the same
	// equations in the same order each time and auditCache knows it.
	for _, cell := range unknown {
		c := &info[cell]
		if c.kind != "proportion" {
			continue
		}
		x, n := c.v[0], c.v[1]
		if x < 0 || n < 0 {
			continue
		}
		s := variable(auditVar{Cell: cell, Side: 's'}, sql.NullFloat64{})
		kept = append(kept, auditEquation{bound: true,
			eq: audit.Equation{Terms: []audit.Term{{Var: x, Coef: 1}, {Var: n, Coef: -1}, {Var: s, Coef: 1}}}})
	}

	// Equations that share an unknown are solved together.
	joined := newUnionFind(len(a.truth))
	for _, e := range kept {
		for _, t := range e.eq.Terms[1:] {
			joined.union(t.Var, e.eq.Terms[0].Var)
		}
	}
	components := map[int][]auditEquation{}
	for _, e := range kept {
		root := joined.find(e.eq.Terms[0].Var)
		components[root] = append(components[root], e)
	}
	// A rate's numerator and denominator share no equation, so a cell may
	// have a count in each of two components. Taken in key order, each
	// component's cells are in key order: the component's key and its
	// findings both read them so.
	cellsOf := map[int][]int32{}
	for _, cell := range unknown {
		c := &info[cell]
		if !c.primary {
			continue
		}
		var roots []int
		for _, v := range c.v {
			if v >= 0 {
				if root := joined.find(v); len(roots) == 0 || roots[0] != root {
					roots = append(roots, root)
				}
			}
		}
		for _, root := range roots {
			cellsOf[root] = append(cellsOf[root], cell)
		}
	}

	var out []narrowCell
	type job struct {
		root  int
		cells []int32
		key   [sha256.Size]byte
		found []narrowCell
	}
	var jobs []job
	local := newLocalNumbers(len(a.truth))
	for root, cs := range cellsOf {
		j := job{root: root, cells: cs}
		if cache != nil {
			key = componentKey(key[:0], local, components[root], cs, info, tables.cells)
			j.key = sha256.Sum256(key)
			if found, ok := cache[j.key]; ok {
				out = append(out, found...)
				continue
			}
		}
		jobs = append(jobs, j)
	}
	// The components share nothing, and auditComponent only reads the
	// tables, so they are solved on every core: a sample with council-wide
	// totals has tens of thousands of them.
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Go(func() {
			local := newLocalNumbers(len(a.truth))
			for {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) {
					return
				}
				j := &jobs[i]
				j.found = auditComponent(components[j.root], j.cells, info, tables.cells, local)
			}
		})
	}
	wg.Wait()
	for _, j := range jobs {
		if cache != nil {
			cache[j.key] = j.found
		}
		out = append(out, j.found...)
	}
	sortNarrow(out)
	return out
}

// sortCellNumbers sorts cell numbers by their cells' protectKey
// (sortCells), working out each key once.
func sortCellNumbers(ids []int32, cells []cellKey) {
	type keyed struct {
		key string
		id  int32
	}
	ks := make([]keyed, len(ids))
	for i, id := range ids {
		ks[i] = keyed{cells[id].protectKey(), id}
	}
	slices.SortFunc(ks, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	for i := range ks {
		ids[i] = ks[i].id
	}
}

// equationKey appends to key what an equation says: whether it is an
// earlier release's, its right-hand side and its terms in order of
// variable; scratch holds the sorted terms. Both are returned for reuse.
func equationKey(key []byte, scratch []audit.Term, e auditEquation) ([]byte, []audit.Term) {
	scratch = append(scratch, e.eq.Terms...)
	slices.SortFunc(scratch, func(a, b audit.Term) int { return cmp.Compare(a.Var, b.Var) })
	key = append(key, boolByte(e.history))
	key = binary.AppendVarint(key, e.eq.RHS)
	for _, t := range scratch {
		key = binary.AppendUvarint(key, uint64(t.Var))
		key = binary.AppendVarint(key, t.Coef)
	}
	return key, scratch
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// localNumbers numbers the variables of one component from 0, in order
// of first appearance, as auditComponent numbers them for package audit;
// it is reset for the next component by clearing only what it set.
type localNumbers struct {
	of  []int32 // by the audit's number; -1 where not set
	set []int
}

func newLocalNumbers(n int) *localNumbers {
	of := make([]int32, n)
	for i := range of {
		of[i] = -1
	}
	return &localNumbers{of: of}
}

// number returns v's local number, giving it the next one if it has none.
func (l *localNumbers) number(v int) int {
	if l.of[v] < 0 {
		l.of[v] = int32(len(l.set))
		l.set = append(l.set, v)
	}
	return int(l.of[v])
}

// lookup returns v's local number, and false where it has none (v < 0 or
// no equation of the component holds it).
func (l *localNumbers) lookup(v int) (int, bool) {
	if v < 0 || l.of[v] < 0 {
		return 0, false
	}
	return int(l.of[v]), true
}

func (l *localNumbers) len() int { return len(l.set) }

func (l *localNumbers) reset() {
	for _, v := range l.set {
		l.of[v] = -1
	}
	l.set = l.set[:0]
}

// componentKey appends to key, and returns, everything auditComponent
// reads of one component: its equations in order (whether an earlier
// release's or a bound, the right-hand side, and each term's variable,
// numbered from 0 in order of first appearance as auditComponent numbers
// them, and coefficient), then the cells it bounds, in key order, each
// by its five strings, with its kind, width and the local numbers of its
// counts. Every part is written with its length or count, so the key
// reads back one way only: two components share a key only if
// auditComponent reads the same programmes and cells from both, and so
// gives the same findings. Variables are named by their place in the
// component, not by the audit's numbers, which vary from call to call,
// nor by their cells' names, which would make the key several times as
// long. local is left reset.
func componentKey(key []byte, local *localNumbers, eqs []auditEquation, cells []int32, info []auditCell, names []cellKey) []byte {
	defer local.reset()
	key = binary.AppendUvarint(key, uint64(len(eqs)))
	for _, e := range eqs {
		key = append(key, boolByte(e.history)|boolByte(e.bound)<<1)
		key = binary.AppendVarint(key, e.eq.RHS)
		key = binary.AppendUvarint(key, uint64(len(e.eq.Terms)))
		for _, t := range e.eq.Terms {
			key = binary.AppendUvarint(key, uint64(local.number(t.Var)))
			key = binary.AppendVarint(key, t.Coef)
		}
	}
	str := func(s string) {
		key = binary.AppendUvarint(key, uint64(len(s)))
		key = append(key, s...)
	}
	key = binary.AppendUvarint(key, uint64(len(cells)))
	for _, cell := range cells {
		n, c := names[cell], &info[cell]
		for _, f := range [...]string{n.Council, n.Provider, n.Service, n.Metric, n.Period, c.kind} {
			str(f)
		}
		key = binary.LittleEndian.AppendUint64(key, math.Float64bits(c.width))
		for _, v := range c.v {
			l, ok := local.lookup(v)
			if !ok {
				l = -1
			}
			key = binary.AppendVarint(key, int64(l))
		}
	}
	return key
}

// gapOf returns how far the councils' own figures put eq's left-hand side
// above its right-hand side, and false when that cannot be tested because
// an unknown's figure is not at hand.
func gapOf(eq audit.Equation, truth []sql.NullFloat64) (float64, bool) {
	var sum float64
	for _, t := range eq.Terms {
		if !truth[t.Var].Valid {
			return 0, false
		}
		sum += float64(t.Coef) * truth[t.Var].Float64
	}
	return sum - float64(eq.RHS), true
}

// auditComponent bounds the counts of the cells hidden for themselves in
// one connected set of equations; cells must be in key order (sortCells),
// which orders the findings. local is scratch, left reset.
func auditComponent(eqs []auditEquation, cells []int32, info []auditCell, names []cellKey, local *localNumbers) []narrowCell {
	defer local.reset()
	// The component's variables, numbered from 0.
	localise := func(in []auditEquation, keep func(auditEquation) bool) []audit.Equation {
		var out []audit.Equation
		for _, e := range in {
			if !keep(e) {
				continue
			}
			eq := audit.Equation{RHS: e.eq.RHS, Terms: make([]audit.Term, len(e.eq.Terms))}
			for i, t := range e.eq.Terms {
				eq.Terms[i] = audit.Term{Var: local.number(t.Var), Coef: t.Coef}
			}
			out = append(out, eq)
		}
		return out
	}
	all := localise(eqs, func(auditEquation) bool { return true })
	hasHistory := false
	for _, e := range eqs {
		hasHistory = hasHistory || e.history
	}
	p, err := audit.Reduce(local.len(), all)
	if errors.Is(err, audit.ErrInconsistent) {
		// Only equations that could not be tested against the councils'
		// figures can disagree; a reader who trusts them all learns that
		// they cannot all be true, and nothing about any cell.
		return nil
	}
	var history *audit.Problem
	// historyNarrow reports whether earlier releases alone already held
	// obj narrower than SafetyWidth, and at least as narrow as [lo, hi].
	historyNarrow := func(obj []audit.Term, lo, hi, width float64) bool {
		if !hasHistory {
			return false
		}
		if history == nil {
			// Earlier releases and the proportions' own bounds, without
			// this release's totals.
			eq := localise(eqs, func(e auditEquation) bool { return e.history || e.bound })
			hp, err := audit.Reduce(local.len(), eq)
			if err != nil {
				return false
			}
			history = hp
		}
		hlo, hhi, err := history.Range(obj)
		return err == nil && narrow(hlo, hhi, width) && greatest(hi)-least(lo) >= greatest(hhi)-least(hlo)
	}
	var out []narrowCell
	type objective struct {
		what string
		obj  []audit.Term
	}
	for _, cell := range cells {
		// A count no equation of this component holds is left to the
		// component that holds it, or free from 0 up.
		c := &info[cell]
		x, okx := local.lookup(c.v[0])
		n, okn := local.lookup(c.v[1])
		var objectives []objective
		switch {
		case !okx:
		case c.kind == "count":
			objectives = append(objectives, objective{"count", []audit.Term{{Var: x, Coef: 1}}})
		default:
			objectives = append(objectives, objective{"numerator", []audit.Term{{Var: x, Coef: 1}}})
		}
		if okn {
			objectives = append(objectives, objective{"denominator", []audit.Term{{Var: n, Coef: 1}}})
			if okx && c.kind == "proportion" {
				objectives = append(objectives, objective{"complement", []audit.Term{{Var: n, Coef: 1}, {Var: x, Coef: -1}}})
			}
		}
		for _, o := range objectives {
			if err != nil {
				out = append(out, narrowCell{Cell: names[cell], What: o.what, Err: err})
				continue
			}
			lo, hi, rerr := p.Range(o.obj)
			switch {
			case errors.Is(rerr, audit.ErrInconsistent):
				continue
			case rerr != nil:
				out = append(out, narrowCell{Cell: names[cell], What: o.what, Err: rerr})
			case narrow(lo, hi, c.width) && !historyNarrow(o.obj, lo, hi, c.width):
				// A range earlier releases already held as narrow was
				// given away then; nothing hidden now can widen it, but
				// this release must not narrow it further.
				out = append(out, narrowCell{Cell: names[cell], What: o.what, Lo: least(lo), Hi: greatest(hi), Width: c.width})
			}
		}
	}
	return out
}

// narrow reports whether [lo, hi], rounded inwards to whole numbers, is
// narrower than width (safetyWidth).
func narrow(lo, hi, width float64) bool {
	if math.IsInf(hi, 1) || math.IsInf(lo, -1) {
		return false
	}
	return greatest(hi)-least(lo) < width
}

// least and greatest round a least and a greatest value inwards to whole
// numbers, allowing for the simplex's rounding error. Adding 0 turns -0
// into 0, which prints as "0".
func least(v float64) float64    { return math.Ceil(v-1e-6) + 0 }
func greatest(v float64) float64 { return math.Floor(v+1e-6) + 0 }
