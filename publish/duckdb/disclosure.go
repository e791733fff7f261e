package duckdb

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/yardstick-open/yardstick/publish/audit"
	"github.com/yardstick-open/yardstick/schemas"
)

// ErrDisclosure is returned, wrapped in a *DisclosureError, when the
// tables would publish a figure that disclosure control hides, or let one
// be worked out from what they publish.
var ErrDisclosure = errors.New("disclosure control failed")

// MaxViolations is how many violations a DisclosureError lists.
const MaxViolations = 20

// A Violation is one way the tables reveal, or could reveal, a hidden
// figure. Rule names the check that failed:
//
//	tables-disagree       observations and comparisons differ on a cell's
//	                      status or counts, or one lacks a row
//	hidden-shown          a [c] cell shows a value, a count or a statistic
//	small-count           a small_counts cell shows small counts
//	small-pool            a provider profile or benchmark pools a small count
//	change-reveals        a change is published from a hidden figure
//	trend-reveals         a trend is published over a hidden figure
//	linked-shown          a figure shows a count it shares with a hidden
//	                      figure of another metric (the catalogue's
//	                      numerator_count, denominator_count)
//	lone-hidden           a linked group that adds up has exactly one
//	                      hidden member
//	determined            the published totals, taken together, pin down a
//	                      hidden cell's counts
//	narrow                the figures this release and earlier ones publish
//	                      hold a cell hidden for itself in a range narrower
//	                      than SafetyWidth (Build only)
//	pool-includes-hidden  a pooled statistic differs from the same pool over
//	                      the published cells
//
// Metric, Period, Council and Provider name the cell (Provider "" for a
// council-wide figure), or for a pool the metric, period and provider it
// pools.
type Violation struct {
	Rule     string
	Table    string
	Metric   string
	Period   string
	Council  string
	Provider string
	Service  string
	Detail   string
}

func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s %s %s", v.Rule, v.Table, v.Metric, v.Period)
	if v.Council != "" {
		fmt.Fprintf(&b, " council %s", v.Council)
	}
	switch {
	case v.Provider != "":
		fmt.Fprintf(&b, " provider %s", v.Provider)
	case v.Council != "":
		b.WriteString(" council-wide")
	}
	if v.Service != "" {
		fmt.Fprintf(&b, " (%s)", v.Service)
	}
	fmt.Fprintf(&b, ": %s", v.Detail)
	return b.String()
}

// DisclosureError lists what CheckDisclosure found. It unwraps to
// ErrDisclosure.
type DisclosureError struct {
	// Violations are the first MaxViolations found, in the order the checks
	// run: table agreement, cells, pools, linked groups, the audit.
	Violations []Violation
	// Total is how many were found in all.
	Total int
}

func (e *DisclosureError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d violation", ErrDisclosure, e.Total)
	if e.Total != 1 {
		b.WriteString("s")
	}
	for i, v := range e.Violations {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(v.String())
	}
	if more := e.Total - len(e.Violations); more > 0 {
		fmt.Fprintf(&b, "; and %d more", more)
	}
	return b.String()
}

func (e *DisclosureError) Unwrap() error { return ErrDisclosure }

func (e *DisclosureError) add(v Violation) {
	e.Total++
	if len(e.Violations) < MaxViolations {
		e.Violations = append(e.Violations, v)
	}
}

// cellKey names one observation: the warehouse key of a row.
type cellKey struct {
	Council, Provider, Service, Metric, Period string
}

// protectKey is how suppress_secondary.sql names a cell in $protect.
func (k cellKey) protectKey() string {
	var b strings.Builder
	k.writeKey(&b)
	return b.String()
}

// writeKey writes k's protectKey to b: its five fields joined by
// chr(31), as suppress_secondary.sql's concat_ws(chr(31), ...) joins them.
func (k cellKey) writeKey(b *strings.Builder) {
	for i, f := range [...]string{k.Council, k.Provider, k.Service, k.Metric, k.Period} {
		if i > 0 {
			b.WriteByte('\x1f')
		}
		b.WriteString(f)
	}
}

// sortCells sorts cells by protectKey.
func sortCells(cells []cellKey) {
	sortByCell(cells, func(c cellKey) cellKey { return c }, nil)
}

// sortByCell sorts xs by the protectKey of each one's cell, then by tie
// (nil: none), working out each key once rather than twice a comparison.
func sortByCell[T any](xs []T, cell func(T) cellKey, tie func(a, b T) int) {
	type keyed struct {
		key string
		x   T
	}
	ks := make([]keyed, len(xs))
	for i, x := range xs {
		ks[i] = keyed{cell(x).protectKey(), x}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if c := strings.Compare(a.key, b.key); c != 0 || tie == nil {
			return c
		}
		return tie(a.x, b.x)
	})
	for i := range ks {
		xs[i] = ks[i].x
	}
}

// hiddenLink is a hidden cell's membership of one linked group: a term of
// the group's equation total - sum(parts) = 0, whose other terms are
// published. Group is the group's gid and Cell the cell's rowid in
// observations (disclosure_links.sql), so the exact test reads and keys
// numbers rather than the five strings of a cell.
type hiddenLink struct {
	Group, Cell int64
	Total       bool
}

// suppress applies disclosure control to the observations table, before
// any statistic is computed from it (see the package documentation). The
// figures every earlier release in layout published count as known.
func (s *session) suppress(ctx context.Context, layout schemas.Layout) error {
	start := time.Now()
	if err := s.exec(ctx, "suppress_council_marked"); err != nil {
		return err
	}
	record, err := s.loadHistory(ctx, layout)
	if err != nil {
		return err
	}
	s.done(start, "disclosure control: read what earlier releases published")
	start = time.Now()
	for _, q := range []string{"suppress_history", "suppress_primary", "disclosure_links"} {
		if err := s.exec(ctx, q); err != nil {
			return err
		}
	}
	// Each round hides at least one more cell or ends the loop, so it ends.
	protect := []string{}
	s.audit = auditCache{record: record}
	if err := s.exec(ctx, "suppress_steps"); err != nil {
		return err
	}
	r := suppressRounds{s: s}
	s.audit.rounds = &r
	for {
		n, err := r.hide(ctx, "suppress_secondary", &r.secondary, sql.Named("protect", protect))
		if err != nil {
			return err
		}
		// A figure hidden hides its sisters' figures of the same cell,
		// which share a count with it.
		linked, err := r.hide(ctx, "suppress_linked", &r.linked)
		if err != nil {
			return err
		}
		if n+linked > 0 {
			protect = []string{}
			continue
		}
		if len(protect) > 0 {
			// Nothing left to hide beside the cells the audits found;
			// CheckDisclosure reports them.
			break
		}
		links, err := s.hiddenLinks(ctx)
		if err != nil {
			return err
		}
		pinned, _ := s.audit.exact.determined(links)
		found, err := s.cellsOf(ctx, pinned)
		if err != nil {
			return err
		}
		for _, k := range found {
			protect = append(protect, k.protectKey())
		}
		if len(protect) > 0 {
			continue
		}
		// The interval audit is the costlier, and an exactly determined
		// cell is also a narrow one, so it runs once the exact audit
		// finds nothing.
		auditStart := time.Now()
		narrow, err := s.auditIntervals(ctx, &s.audit)
		if err != nil {
			return err
		}
		// Not named "disclosure control: ...": suppression's own line
		// holds this time, and the publish benchmark adds up the lines
		// so named.
		s.done(auditStart, "interval audit in suppression (%s, %d narrow)", s.audit.last, len(narrow))
		seen := map[cellKey]bool{}
		for _, c := range narrow {
			if !seen[c.Cell] {
				seen[c.Cell] = true
				protect = append(protect, c.Cell.protectKey())
			}
		}
		if len(protect) == 0 {
			break
		}
	}
	if err := s.audit.handOver(ctx, s); err != nil {
		return err
	}
	if err := s.exec(ctx, "suppress_steps_drop"); err != nil {
		return err
	}
	// disclosure_links is kept for checkDisclosure, which Build runs next
	// in this session and which drops it.
	s.linksKept = true
	s.done(start, "disclosure control: suppression")
	return nil
}

// suppressRounds numbers the steps of suppression's rounds, so that each
// round of suppress_secondary.sql and of suppress_linked.sql reads again
// only the cells hidden since the last round of its kind (suppress_steps).
type suppressRounds struct {
	s *session
	// step is the last step run; secondary and linked, the last step of
	// each kind, 0 before the first, which reads every cell.
	step, secondary, linked int
}

// hide runs the rule q (suppress_secondary or suppress_linked), whose
// last step last holds, as the next step, hides the cells it picked and
// returns how many.
func (r *suppressRounds) hide(ctx context.Context, q string, last *int, args ...any) (int64, error) {
	r.step++
	if err := r.s.round(ctx, q, r.step, *last, args...); err != nil {
		return 0, err
	}
	*last = r.step
	return r.s.execCount(ctx, "suppress_apply", sql.Named("step", r.step))
}

// round runs the rule q as step, reading what changed after the step
// since (everything when since is 0). For suppress_linked,
// suppress_linked_targets.sql first puts the sister figures of what
// changed in a table of their own, and the rule itself takes only the
// step.
func (s *session) round(ctx context.Context, q string, step, since int, args ...any) error {
	scope := []any{sql.Named("every", since == 0), sql.Named("since", since)}
	if q == "suppress_linked" {
		if err := s.exec(ctx, "suppress_linked_targets", scope...); err != nil {
			return err
		}
		scope = nil
	}
	return s.exec(ctx, q, append(append(args, sql.Named("step", step)), scope...)...)
}

// CheckDisclosure verifies, from the published tables alone and whatever
// way suppression was done, that nothing they publish reveals a hidden
// figure. It returns a *DisclosureError (errors.Is ErrDisclosure) naming
// the first violations. Build runs it last.
func (d *DB) CheckDisclosure(ctx context.Context) error {
	s, err := d.session(ctx)
	if err != nil {
		return fmt.Errorf("check disclosure: %w", err)
	}
	defer s.close()
	return s.checkDisclosure(ctx)
}

func (s *session) checkDisclosure(ctx context.Context) error {
	start := time.Now()
	found := &DisclosureError{}
	// Within Build the history tables hold what earlier releases
	// published; on a release file alone they are empty, and the interval
	// audit, which needs the councils' own figures to tell a cell hidden
	// for itself from its complements, does not run.
	for _, q := range []string{"history_none", "history_none_known"} {
		if err := s.exec(ctx, q); err != nil {
			return fmt.Errorf("check disclosure: %w", err)
		}
	}
	audited, err := s.flag(ctx, "history_audited")
	if err != nil {
		return fmt.Errorf("check disclosure: %w", err)
	}
	if audited {
		// Within Build the observations are final here: record the
		// history this release carries before the tables are dropped.
		if err := s.recordHistory(ctx); err != nil {
			return fmt.Errorf("check disclosure: %w", err)
		}
		// The record the next publish starts its audit from, kept only
		// if the check passes (WriteAuditRecord, after Build).
		if err := s.exec(ctx, "audit_record"); err != nil {
			return fmt.Errorf("check disclosure: %w", err)
		}
		s.done(start, "disclosure control: recorded the history")
		start = time.Now()
	}
	// Without the councils' figures every group is taken to add up.
	if err := s.exec(ctx, "disclosure_truth_none"); err != nil {
		return fmt.Errorf("check disclosure: %w", err)
	}
	batches, err := s.joinBatches(ctx, "check_tables_metrics")
	if err != nil {
		return fmt.Errorf("check disclosure: %w", err)
	}
	for _, b := range batches {
		if err := s.violations(ctx, "check_disclosure_tables", found, sql.Named("first", b.first), sql.Named("last", b.last)); err != nil {
			return fmt.Errorf("check disclosure (metrics %s to %s): %w", b.first, b.last, err)
		}
	}
	for _, q := range []string{"check_disclosure_cells", "check_disclosure_pools", "check_disclosure_linked"} {
		if err := s.violations(ctx, q, found); err != nil {
			return fmt.Errorf("check disclosure: %w", err)
		}
	}
	if err := s.linksForCheck(ctx); err != nil {
		return fmt.Errorf("check disclosure: %w", err)
	}
	if err := s.violations(ctx, "check_disclosure_groups", found); err != nil {
		return fmt.Errorf("check disclosure: %w", err)
	}
	exactStart := time.Now()
	links, err := s.hiddenLinks(ctx)
	if err != nil {
		return fmt.Errorf("check disclosure: %w", err)
	}
	// Within Build, suppression's last exact test ran after the last
	// round that hid a cell, so the check reads the same hidden members
	// unless something changed them since, and exactMemo compares them.
	pinnedRows, reused := s.audit.exact.determined(links)
	pinned, err := s.cellsOf(ctx, pinnedRows)
	if err != nil {
		return fmt.Errorf("check disclosure: %w", err)
	}
	if reused {
		// Not named "disclosure control: ...": the check's own line holds
		// this time.
		s.done(exactStart, "exact test: the hidden members suppression last tested, its finding reused")
	}
	for _, k := range pinned {
		found.add(Violation{Rule: "determined", Table: "observations", Metric: k.Metric, Period: k.Period,
			Council: k.Council, Provider: k.Provider, Service: k.Service,
			Detail: "the published totals, added and subtracted together, give back its counts"})
	}
	s.done(start, "disclosure control: checked the tables")
	start = time.Now()
	if audited {
		narrow, err := s.auditIntervals(ctx, &s.audit)
		if err != nil {
			return fmt.Errorf("check disclosure: %w", err)
		}
		s.done(start, "disclosure control: audited the intervals")
		start = time.Now()
		for _, c := range narrow {
			k := c.Cell
			found.add(Violation{Rule: "narrow", Table: "observations", Metric: k.Metric, Period: k.Period,
				Council: k.Council, Provider: k.Provider, Service: k.Service, Detail: c.detail()})
		}
	}
	for _, q := range []string{"drop_disclosure_links", "history_drop"} {
		if err := s.exec(ctx, q); err != nil {
			return fmt.Errorf("check disclosure: %w", err)
		}
	}
	// The audit's reading of the observations (a digest of them) went
	// with history_drop; a later audit starts afresh.
	s.linksKept, s.audit.units = false, nil
	s.done(start, "disclosure control: dropped its working tables")
	if found.Total > 0 {
		return found
	}
	return nil
}

// linksForCheck leaves in disclosure_links the linked groups the check
// reads, building them unless suppression in this session left them. The
// session, not the connection, says so: a Build that failed between the
// two leaves the table on its pooled connection, and a later check there
// must not read another build's groups.
// Suppression's table holds the very rows the check would build, so
// building it again within Build would only cost time (about 0.5 s at
// 340,000 rows): disclosure_links.sql's rows, and every column but the
// pick order's, follow from the keys of observations and their rowids
// (which no step after load_observations changes: none inserts or
// deletes, suppression's rounds and the revision marks only update a
// row's status and figures, and a CHECKPOINT renumbers rows only after
// deletes), metrics, period_links, disclosure_truth and
// history_known, all made before it and left as they were
// (disclosure_truth_none.sql creates disclosure_truth only where it is
// missing). pick_class, pick_n and pick_x, which rank the members by the
// counts shown when suppression began, are stale by the check, but only
// suppress_secondary.sql reads them.
// TestCheckReusesSuppressionLinks builds the table again after a Build's
// suppression and compares the two.
func (s *session) linksForCheck(ctx context.Context) error {
	if s.linksKept {
		return nil
	}
	if err := s.exec(ctx, "disclosure_links"); err != nil {
		return err
	}
	// Built now, it serves the rest of this check (the history, then the
	// check's own queries) as suppression's would have.
	s.linksKept = true
	return nil
}

// flag runs a query returning one boolean.
func (s *session) flag(ctx context.Context, name string) (bool, error) {
	var b bool
	err := s.scanRow(ctx, name, nil, &b)
	return b, err
}

// violations reads the rows of a check query, given args, into found.
func (s *session) violations(ctx context.Context, name string, found *DisclosureError, args ...any) error {
	rows, err := s.query(ctx, name, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var v Violation
		var period, provider sql.NullString
		if err := rows.Scan(&v.Rule, &v.Table, &v.Metric, &period, &v.Council, &provider, &v.Service, &v.Detail); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		v.Period, v.Provider = period.String, provider.String
		found.add(v)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// hiddenLinks reads the hidden members of the linked groups, a group at a
// time.
func (s *session) hiddenLinks(ctx context.Context) ([]hiddenLink, error) {
	// The last reading and the round's work since left garbage in Go's
	// heap (it swung between about 250 and 650 MB at 20M rows), which Go
	// kept while DuckDB joined and sorted the members, where suppression
	// peaked: it is collected and handed back first. At 20M rows that took
	// 3 to 76 ms a call, with 129 MB live when measured: the audit's caches
	// and, then, the exact test's links (exactMemo now keeps their digest).
	debug.FreeOSMemory()
	rows, err := s.query(ctx, "disclosure_hidden")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	// The last test read as many, give or take the cells a round hid.
	out := make([]hiddenLink, 0, s.audit.exact.n+s.audit.exact.n/8)
	for rows.Next() {
		var l hiddenLink
		if err := rows.Scan(&l.Group, &l.Cell, &l.Total); err != nil {
			return nil, fmt.Errorf("disclosure_hidden: %w", err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("disclosure_hidden: %w", err)
	}
	return out, nil
}

// cellsOf returns the keys of the observations whose rowids rids lists,
// sorted (sortCells).
func (s *session) cellsOf(ctx context.Context, rids []int64) ([]cellKey, error) {
	if len(rids) == 0 {
		return nil, nil
	}
	rows, err := s.query(ctx, "disclosure_cells", sql.Named("rids", rids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]cellKey, 0, len(rids))
	for rows.Next() {
		var rid int64
		var k cellKey
		if err := rows.Scan(&rid, &k.Council, &k.Provider, &k.Service, &k.Metric, &k.Period); err != nil {
			return nil, fmt.Errorf("disclosure_cells: %w", err)
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("disclosure_cells: %w", err)
	}
	if len(out) != len(rids) {
		return nil, fmt.Errorf("disclosure_cells: %d of %d rows found", len(out), len(rids))
	}
	sortCells(out)
	return out, nil
}

// exactMemo keeps the last exact test (determined) and a digest of the
// hidden members it read. determined reads nothing but its links, so the
// same links give the same cells: suppression's last test, run after the
// last round that hid a cell, serves the check too when nothing has
// changed the hidden cells between (the exact test is the costlier part
// of the check at a million rows). Every link is compared, by digest,
// not trusted to be unchanged, since a step between suppression and the
// check could show or hide a cell. The memo keeps the links' SHA-256
// rather than the links, which it used to hold from suppression's end
// through the comparisons and provider profiles, where DuckDB works at
// its limit and publish peaks: at 20M rows, Go held 61 MB there rather
// than 192 MB, and a first publish peaked 111 MB lower (BENCHMARKS.md,
// "The exact test's hidden members kept as a digest"). Two lists of links
// share a digest only if they are the same, short of a collision of
// SHA-256.
type exactMemo struct {
	// sum is the digest of the links (linksDigest); n is how many there
	// were, by which hiddenLinks sizes its next reading.
	sum   [sha256.Size]byte
	n     int
	found []int64
	valid bool
}

// determined returns determined(links), and whether it was the last
// call's finding, reused. The slice returned is the memo's own: callers
// only read it.
func (m *exactMemo) determined(links []hiddenLink) ([]int64, bool) {
	sum := linksDigest(links)
	if m.valid && m.n == len(links) && m.sum == sum {
		return m.found, true
	}
	found := determined(links)
	m.sum, m.n, m.found, m.valid = sum, len(links), found, true
	return found, false
}

// linksDigest returns the SHA-256 of links in order, each as its group
// and cell (8 bytes each, little-endian) and whether it is the total (1
// byte): every link takes the same 17 bytes, so no two lists share an
// encoding. The links are hashed 4,096 at a time, through one buffer of
// 68 KiB, rather than a write per link or the whole list encoded again
// beside itself.
func linksDigest(links []hiddenLink) [sha256.Size]byte {
	h := sha256.New()
	buf := make([]byte, 0, 17*4096)
	for i, l := range links {
		buf = binary.LittleEndian.AppendUint64(buf, uint64(l.Group))
		buf = binary.LittleEndian.AppendUint64(buf, uint64(l.Cell))
		buf = append(buf, boolByte(l.Total))
		if len(buf) == cap(buf) || i == len(links)-1 {
			h.Write(buf)
			buf = buf[:0]
		}
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// determined returns, sorted, the rowids of the hidden cells whose
// counts the published figures pin down exactly. Every linked group is an
// equation, total - sum(parts) = 0, in which the published members are
// known numbers and the hidden ones unknowns; anyone may add and subtract
// the equations. A hidden cell is pinned down when some combination of
// them leaves it alone: when its unit vector lies in the row space of the
// equations over the unknowns. That is found exactly, in rational arithmetic, by reducing
// each connected set of equations to reduced row echelon form: the cell is
// pinned down if and only if a row of that form has a single non-zero
// entry, in its column.
//
// The test is the same for numerators and denominators, which share the
// equations. It is conservative in one way: a published cell counts as
// known even where it shows no counts (a value alone, [x], [z]), since an
// outsider may know it or assume it is zero.
func determined(links []hiddenLink) []int64 {
	if len(links) == 0 {
		return nil
	}
	// Slices indexed by position rather than maps keyed by rowid and
	// group: the test reads every hidden member of a linked group each
	// round of suppression (1.1 million at 5M rows, about four million at
	// 20M), and reading and testing them allocated 462 MB at 5M with
	// maps, 227 MB now, most of it the reading (BenchmarkFirstAudit's
	// exact-MB/op; BENCHMARKS.md, "The audit's check by digest"): garbage
	// Go held beside DuckDB's limit.
	// hiddenLinks gives a group's members one after another (by gid);
	// other callers' links are put so first, a group's members in their
	// order.
	if !slices.IsSortedFunc(links, byGroup) {
		links = slices.Clone(links)
		slices.SortStableFunc(links, byGroup)
	}
	// cells lists the hidden cells once each, sorted; unknown[i] is the
	// place of links[i]'s cell in it.
	cells := make([]int64, len(links))
	for i, l := range links {
		cells[i] = l.Cell
	}
	slices.Sort(cells)
	cells = slices.Clip(slices.Compact(cells))
	unknown := make([]int32, len(links))
	for i, l := range links {
		j, _ := slices.BinarySearch(cells, l.Cell)
		unknown[i] = int32(j)
	}
	// Equation e is the group of links[eqStart[e]:eqStart[e+1]].
	var eqStart []int32
	for i := range links {
		if i == 0 || links[i].Group != links[i-1].Group {
			eqStart = append(eqStart, int32(i))
		}
	}
	eqs := len(eqStart)
	eqStart = append(eqStart, int32(len(links)))

	// Equations that share an unknown are solved together: the equations
	// are put in order of their component (a counting sort by the root of
	// their first unknown, which keeps their order within it).
	joined := newUnionFind(len(cells))
	for e := range eqs {
		for i := eqStart[e] + 1; i < eqStart[e+1]; i++ {
			joined.union(int(unknown[i]), int(unknown[eqStart[e]]))
		}
	}
	root := make([]int32, eqs)
	starts := make([]int32, len(cells)+1)
	for e := range eqs {
		root[e] = int32(joined.find(int(unknown[eqStart[e]])))
		starts[root[e]+1]++
	}
	for c := range cells {
		starts[c+1] += starts[c]
	}
	order := make([]int32, eqs)
	next := slices.Clone(starts[:len(cells)])
	for e := range eqs {
		order[next[root[e]]] = int32(e)
		next[root[e]]++
	}

	// col[c] is unknown c's column in the component being solved, -1
	// outside it; the matrix's rows share one backing array, reused.
	col := make([]int32, len(cells))
	for c := range col {
		col[c] = -1
	}
	var (
		out      []int64
		unknowns []int32
		m        [][]int64
		backing  []int64
	)
	for c := range cells {
		comp := order[starts[c]:starts[c+1]]
		if len(comp) == 0 {
			continue
		}
		unknowns = unknowns[:0]
		for _, e := range comp {
			for i := eqStart[e]; i < eqStart[e+1]; i++ {
				if u := unknown[i]; col[u] < 0 {
					col[u] = int32(len(unknowns))
					unknowns = append(unknowns, u)
				}
			}
		}
		size := len(comp) * len(unknowns)
		if cap(backing) < size {
			backing = make([]int64, size)
		}
		backing = backing[:size]
		clear(backing)
		m = m[:0]
		for r, e := range comp {
			row := backing[r*len(unknowns) : (r+1)*len(unknowns) : (r+1)*len(unknowns)]
			for i := eqStart[e]; i < eqStart[e+1]; i++ {
				coef := int64(-1)
				if links[i].Total {
					coef = 1
				}
				row[col[unknown[i]]] = coef
			}
			m = append(m, row)
		}
		for _, j := range audit.Pinned(m, len(unknowns)) {
			out = append(out, cells[unknowns[j]])
		}
		for _, u := range unknowns {
			col[u] = -1
		}
	}
	slices.Sort(out)
	return out
}

// byGroup orders hidden links by their group alone.
func byGroup(a, b hiddenLink) int { return cmp.Compare(a.Group, b.Group) }

// unionFind groups unknowns that appear in one equation, so that the
// equations sharing an unknown are solved together and no others.
type unionFind []int

// newUnionFind returns n unknowns, each in a group of its own.
func newUnionFind(n int) unionFind {
	u := make(unionFind, n)
	for i := range u {
		u[i] = i
	}
	return u
}

// find returns the representative of i's group.
func (u unionFind) find(i int) int {
	for u[i] != i {
		u[i] = u[u[i]]
		i = u[i]
	}
	return i
}

// union puts a and b in one group.
func (u unionFind) union(a, b int) { u[u.find(a)] = u.find(b) }
