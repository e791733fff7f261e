package ingest

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
	"github.com/yardstick-open/yardstick/schemas"
)

// A return replaces, for each council, period and service it has rows for,
// every row of the latest earlier accepted return for them: publish takes
// the rows of the latest accepted submission for each council, period and
// service, not the latest row for each provider and metric. Ingest looks at
// what the warehouse holds for the return's partitions, as publish will
// read it, to tell the council which figures a return withdraws and
// whether a file sent again is still the current one.

// Withdrawal is a council, period and service for which an accepted return
// replaces an earlier accepted submission without carrying all of its rows:
// the next publish withdraws the rows left out.
type Withdrawal struct {
	// Submission is the earlier submission replaced.
	Submission string `json:"submission"`
	Council    string `json:"council"`
	Period     string `json:"period"`
	Service    string `json:"service"`
	// Rows is how many rows the earlier submission has for them, and
	// Withdrawn how many of those this return does not carry.
	Rows      int `json:"rows"`
	Withdrawn int `json:"withdrawn"`
	// Sample names the first WithdrawalSample rows withdrawn, by metric
	// then provider.
	Sample []RowKey `json:"sample"`
}

// RowKey names a row within a council, period and service.
type RowKey struct {
	Metric     string `json:"metric"`
	ProviderID string `json:"provider_id"` // "" for a council-wide figure
}

func (k RowKey) String() string {
	if k.ProviderID == "" {
		return k.Metric + " (council-wide)"
	}
	return k.Metric + " for " + k.ProviderID
}

// WithdrawalSample is how many of the rows it withdraws a Withdrawal names.
const WithdrawalSample = 5

// warehouseState is what the warehouse holds for the partitions one ingest
// looks at, each read once.
type warehouseState struct {
	layout    schemas.Layout
	manifests map[string]*schemas.Manifest // by id; nil for one not accepted
	parts     map[partKey]*held
	periods   map[string]*periodFiles // each period folder's files, listed once
	multi     multiFiles
}

func newWarehouseState(l schemas.Layout) *warehouseState {
	return &warehouseState{layout: l, manifests: map[string]*schemas.Manifest{}, parts: map[partKey]*held{},
		periods: map[string]*periodFiles{}}
}

// close lets go of the files the state holds open.
func (w *warehouseState) close() { w.multi.reset("") }

// periodFiles is what one period's folder holds: the submissions with a
// file of one council's rows, by council, and those with a file of
// several councils' rows.
type periodFiles struct {
	single map[string][]string // council: ids
	multi  []string
}

// held is one partition (a council and period) as publish would read it:
// the accepted submissions with rows there, newest first, and once they
// are read, the services each has rows for and, for each service, the
// submission whose rows are current.
//
// Submissions are read newest first and only as far as a question needs:
// a council's partition gathers every return and correction it sends for
// the quarter, and most questions are answered by the newest. Ids sort in
// the order submissions were received, as publish orders them (by time of
// receipt, to the microsecond, which begins the id, then by id), so the
// files' names give the order without their manifests.
type held struct {
	council, period string
	w               *warehouseState
	ids             []string            // ids of files not yet looked at, oldest first
	multi           map[string]bool     // ids whose file holds several councils
	subs            []*schemas.Manifest // the accepted submissions looked at, newest first
	loaded          int                 // how many of subs load has looked at
	passed          map[string]bool     // the ids load has looked at
	services        map[string][]string // by submission id
	current         map[string]*currentRows
}

// currentRows are the current rows of one council, period and service.
type currentRows struct {
	id       string
	received time.Time
	keys     map[RowKey]struct{}
	rows     int
}

// accepted returns the manifest of submission id if it is accepted, and
// nil if it is rejected or has no manifest (a crash before it was
// recorded: publish ignores its files too).
func (w *warehouseState) accepted(id string) (*schemas.Manifest, error) {
	if m, ok := w.manifests[id]; ok {
		return m, nil
	}
	var m schemas.Manifest
	found, err := readSubmissionFile(w.layout.Submission(id), id, "manifest.json", &m)
	if err != nil {
		return nil, err
	}
	if !found || m.Status != schemas.SubmissionAccepted || m.ID != id {
		w.manifests[id] = nil
		return nil, nil
	}
	w.manifests[id] = &m
	return &m, nil
}

// period lists the folder of one period once per ingest: a national
// return looks at each of its councils there.
func (w *warehouseState) period(period string) (*periodFiles, error) {
	if pf, ok := w.periods[period]; ok {
		return pf, nil
	}
	pf := &periodFiles{single: map[string][]string{}}
	entries, err := os.ReadDir(w.layout.ObservationPeriod(period))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read warehouse: %w", err)
	}
	for _, e := range entries {
		id, council, ok := schemas.WarehouseFileID(e.Name()) // pending files start with "." and give no id
		if !ok || e.IsDir() {
			continue
		}
		if council == "" {
			pf.multi = append(pf.multi, id)
		} else {
			pf.single[council] = append(pf.single[council], id)
		}
	}
	w.periods[period] = pf
	return pf, nil
}

// partition lists the submissions with rows for council in period: those
// with a file of the council's alone, and those with a file of several
// councils whose manifest names it (one that names no councils, written
// before manifests did, is counted in, and read to find out). It reads
// no rows.
func (w *warehouseState) partition(period, council string) (*held, error) {
	key := partKey{period, council}
	if h, ok := w.parts[key]; ok {
		return h, nil
	}
	pf, err := w.period(period)
	if err != nil {
		return nil, err
	}
	h := &held{council: council, period: period, w: w, multi: map[string]bool{},
		passed: map[string]bool{}, services: map[string][]string{}, current: map[string]*currentRows{}}
	h.ids = append(h.ids, pf.single[council]...)
	for _, id := range pf.multi {
		m, err := w.accepted(id)
		if err != nil {
			return nil, err
		}
		if m != nil && (len(m.Councils) == 0 || slices.Contains(m.Councils, council)) {
			h.ids = append(h.ids, id)
			h.multi[id] = true
		}
	}
	slices.Sort(h.ids)
	w.parts[key] = h
	return h, nil
}

// more reads manifests, newest first, until it finds another accepted
// submission, and reports whether it did.
func (h *held) more() (bool, error) {
	for len(h.ids) > 0 {
		id := h.ids[len(h.ids)-1]
		h.ids = h.ids[:len(h.ids)-1]
		m, err := h.w.accepted(id)
		if err != nil {
			return false, err
		}
		if m != nil {
			h.subs = append(h.subs, m)
			return true, nil
		}
	}
	return false, nil
}

// newest returns the newest accepted submission with rows in h, or nil.
func (h *held) newest() (*schemas.Manifest, error) {
	if len(h.subs) == 0 {
		if _, err := h.more(); err != nil {
			return nil, err
		}
	}
	if len(h.subs) == 0 {
		return nil, nil
	}
	return h.subs[0], nil
}

// load reads the rows of h's submissions, newest first, keeping each
// service's rows from the newest submission that has any and noting only
// the services of older ones. It stops once it has looked at need (if not
// "") and every service in want has current rows: nothing older can change
// those. An older submission whose every service (from its manifest)
// already has current rows is passed over unread, unless it is need. A
// later call goes on from where the last stopped.
func (h *held) load(need string, want []string) error {
	for {
		if (need == "" || h.passed[need]) && !slices.ContainsFunc(want, func(s string) bool { return h.current[s] == nil }) {
			return nil
		}
		if h.loaded == len(h.subs) {
			ok, err := h.more()
			if err != nil {
				return err
			}
			if !ok {
				return nil
			}
		}
		m := h.subs[h.loaded]
		h.loaded++
		h.passed[m.ID] = true
		if m.ID != need && len(m.Services) > 0 && !slices.ContainsFunc(m.Services, func(s string) bool { return h.current[s] == nil }) {
			continue
		}
		var rows []keyRow
		var err error
		if h.multi[m.ID] {
			rows, err = h.w.multi.keys(h.w.layout.ObservationPeriodFile(h.period, "", m.ID), h.period, h.council)
		} else {
			rows, err = readKeys(h.w.layout.ObservationPeriodFile(h.period, h.council, m.ID))
		}
		if err != nil {
			return fmt.Errorf("read warehouse file of submission %s: %w", m.ID, err)
		}
		var mine []string
		for _, r := range rows {
			cur := h.current[r.service]
			if cur == nil {
				cur = &currentRows{id: m.ID, received: m.ReceivedAt, keys: map[RowKey]struct{}{}}
				h.current[r.service] = cur
			}
			if !slices.Contains(mine, r.service) {
				mine = append(mine, r.service)
			}
			if cur.id == m.ID {
				cur.keys[r.key] = struct{}{}
				cur.rows++
			}
		}
		h.services[m.ID] = mine
	}
}

// keyRow is the part of a warehouse row that names it within its
// partition.
type keyRow struct {
	service string
	key     RowKey
}

// keyColumns are the columns readKeys reads, council_code last: a file of
// one council's rows needs no council_code.
var keyColumns = [4]string{"provider_id", "service", "metric", "council_code"}

// openKeys opens a warehouse file for reading its key columns, and
// returns the leaf index of each of keyColumns.
func openKeys(path string) (f *os.File, pf *parquet.File, leaves [4]int, err error) {
	f, err = os.Open(path)
	if err != nil {
		return nil, nil, leaves, err
	}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, leaves, err
	}
	// parquet-go panics on some damaged files rather than returning an
	// error.
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("read parquet: %v", v)
		}
	}()
	pf, err = parquet.OpenFile(f, st.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, nil, leaves, err
	}
	for i, name := range keyColumns {
		leaf, ok := pf.Schema().Lookup(name)
		if !ok {
			return nil, nil, leaves, fmt.Errorf("no %s column", name)
		}
		leaves[i] = leaf.ColumnIndex
	}
	return f, pf, leaves, nil
}

// readKeys reads the provider_id, service and metric columns of a
// warehouse file of one council's rows. It reads the column chunks' pages
// directly: reading rows into a struct costs several times as much, and
// a national return looks at thousands of partitions.
func readKeys(path string) (rows []keyRow, err error) {
	f, pf, leaves, err := openKeys(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	for _, rg := range pf.RowGroups() {
		err := readGroupKeys(rg, leaves, false, func(_ string, r keyRow) { rows = append(rows, r) })
		if err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// readGroupKeys reads the key columns of one row group, with council_code
// if withCouncil, and calls fn with each row.
func readGroupKeys(rg parquet.RowGroup, leaves [4]int, withCouncil bool, fn func(council string, r keyRow)) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("read parquet: %v", v)
		}
	}()
	n := 3
	if withCouncil {
		n = 4
	}
	var cols [4][]string
	for i, leaf := range leaves[:n] {
		if cols[i], err = readStrings(rg.ColumnChunks()[leaf]); err != nil {
			return err
		}
	}
	rows := len(cols[0])
	for i := range n {
		if len(cols[i]) != rows {
			return errors.New("columns of unequal length")
		}
	}
	for i := range rows {
		c := ""
		if withCouncil {
			c = cols[3][i]
		}
		fn(c, keyRow{service: cols[1][i], key: RowKey{Metric: cols[2][i], ProviderID: cols[0][i]}})
	}
	return nil
}

// multiFiles reads the keys of files holding several councils' rows,
// keeping those of one period's files: the withdraws check looks at a
// period's councils one after another, and a national return looks at all
// of them. A row group is read only when a council its council_code
// statistics admit is asked for, and then once, its rows kept by council
// until that council's are asked for;
// a council's return against a national submission reads the one or two
// row groups that hold its council.
type multiFiles struct {
	period string
	files  map[string]*multiFile // by path
}

type multiFile struct {
	f         *os.File
	pf        *parquet.File
	leaves    [4]int
	read      []bool // by row group
	byCouncil map[string][]keyRow
}

// reset closes the files held and starts on period.
func (m *multiFiles) reset(period string) {
	for _, mf := range m.files {
		mf.f.Close()
	}
	m.period, m.files = period, map[string]*multiFile{}
}

// keys returns the key columns of council's rows in the file at path, of
// period.
func (m *multiFiles) keys(path, period, council string) ([]keyRow, error) {
	if m.files == nil || m.period != period {
		m.reset(period)
	}
	mf := m.files[path]
	if mf == nil {
		f, pf, leaves, err := openKeys(path)
		if err != nil {
			return nil, err
		}
		mf = &multiFile{f: f, pf: pf, leaves: leaves, read: make([]bool, len(pf.RowGroups())), byCouncil: map[string][]keyRow{}}
		m.files[path] = mf
	}
	groups := mf.pf.Metadata().RowGroups
	for i, rg := range mf.pf.RowGroups() {
		if mf.read[i] || !admits(groups[i], mf.leaves[3], council) {
			continue
		}
		mf.read[i] = true
		err := readGroupKeys(rg, mf.leaves, true, func(c string, r keyRow) { mf.byCouncil[c] = append(mf.byCouncil[c], r) })
		if err != nil {
			return nil, err
		}
	}
	// Each council's keys are asked for once an ingest (the withdraws
	// check keeps what it makes of them, by council and period), so they
	// are let go here: kept, a national resubmission would hold the keys
	// of every council of the period at once.
	rows := mf.byCouncil[council]
	delete(mf.byCouncil, council)
	return rows, nil
}

// admits reports whether a row group may hold rows of council, from its
// council_code column's statistics; a row group without them may.
func admits(rg format.RowGroup, leaf int, council string) bool {
	if leaf >= len(rg.Columns) {
		return true
	}
	st := rg.Columns[leaf].MetaData.Statistics
	if st.MinValue == nil || st.MaxValue == nil {
		return true
	}
	return string(st.MinValue) <= council && council <= string(st.MaxValue)
}

// readStrings reads a flat string column chunk, a null as "".
func readStrings(cc parquet.ColumnChunk) ([]string, error) {
	pages := cc.Pages()
	defer pages.Close()
	out := make([]string, 0, cc.NumValues())
	var buf []parquet.Value
	for {
		pg, err := pages.ReadPage()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if n := int(pg.NumValues()); cap(buf) < n {
			buf = make([]parquet.Value, n)
		}
		buf = buf[:pg.NumValues()]
		n, err := pg.Values().ReadValues(buf)
		if err != nil && !errors.Is(err, io.EOF) {
			parquet.Release(pg)
			return nil, err
		}
		for _, v := range buf[:n] {
			s := ""
			if !v.IsNull() {
				s = v.String() // a copy: the page's memory is reused once released
			}
			out = append(out, s)
		}
		parquet.Release(pg)
	}
}

// compareReceipt orders submissions as publish does: by time of receipt,
// then by id.
func compareReceipt(at time.Time, a string, bt time.Time, b string) int {
	if c := at.Compare(bt); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// replaced is a council, period and service whose current rows belong to
// submission id.
type replaced struct {
	id, council, period, service string
}

// supersededBy returns where the accepted submission m is no longer
// current: the council, period and service groups of its rows whose
// current rows belong to a later submission. It returns none when m is
// the current submission for all its rows.
func (w *warehouseState) supersededBy(m *schemas.Manifest) ([]replaced, error) {
	var out []replaced
	councils := m.Councils
	if len(councils) == 0 && m.Council != "" {
		councils = []string{m.Council} // a manifest from before councils were listed
	}
	// Manifests list periods and councils, not which council has rows in
	// which period: a pair without rows finds m passing over it.
	for _, period := range m.Periods {
		for _, council := range councils {
			h, err := w.partition(period, council)
			if err != nil {
				return nil, err
			}
			newest, err := h.newest()
			if err != nil {
				return nil, err
			}
			if newest == nil || newest.ID == m.ID {
				continue // m is the newest here, so current for all its rows
			}
			if err := h.load(m.ID, nil); err != nil {
				return nil, err
			}
			for _, s := range h.services[m.ID] {
				if cur := h.current[s]; cur != nil && cur.id != m.ID {
					out = append(out, replaced{cur.id, h.council, h.period, s})
				}
			}
		}
	}
	return out, nil
}

// withdrawals compares the rows of a new accepted return, spilled in sp,
// with the current rows of the partitions it writes to, and returns, for
// each council, period and service whose current rows it replaces, the
// rows it leaves out. Submission id, received at received, replaces the
// current rows only if it is later than them, as publish orders
// submissions. It uses up the state of those partitions.
func (w *warehouseState) withdrawals(sp *spill, id string, received time.Time) ([]Withdrawal, error) {
	if err := sp.w.Flush(); err != nil {
		return nil, fmt.Errorf("flush spill file: %w", err)
	}
	var out []Withdrawal
	for _, p := range sp.partitions() {
		h, err := w.partition(p.key.period, p.key.council)
		if err != nil {
			return nil, err
		}
		newest, err := h.newest()
		if err != nil {
			return nil, err
		}
		if newest == nil {
			continue
		}
		if err := h.load("", p.services); err != nil {
			return nil, err
		}
		delete(w.parts, p.key) // its keys are used up below; a national return has thousands
		seen := map[string]bool{}
		err = sp.eachKey(p, func(service string, k RowKey) {
			if cur := h.current[service]; cur != nil && compareReceipt(received, id, cur.received, cur.id) > 0 {
				seen[service] = true
				delete(cur.keys, k)
			}
		})
		if err != nil {
			return nil, err
		}
		for _, s := range sortedKeys(seen) {
			cur := h.current[s]
			if len(cur.keys) == 0 {
				continue
			}
			left := make([]RowKey, 0, len(cur.keys))
			for k := range cur.keys {
				left = append(left, k)
			}
			slices.SortFunc(left, func(a, b RowKey) int {
				if c := strings.Compare(a.Metric, b.Metric); c != 0 {
					return c
				}
				return strings.Compare(a.ProviderID, b.ProviderID)
			})
			out = append(out, Withdrawal{Submission: cur.id, Council: h.council, Period: h.period, Service: s,
				Rows: cur.rows, Withdrawn: len(left), Sample: left[:min(len(left), WithdrawalSample)]})
		}
	}
	return out, nil
}

// eachKey calls fn with the service and key of each row of partition p.
func (s *spill) eachKey(p *partition, fn func(service string, k RowKey)) error {
	var buf []byte
	var r spillRow
	for _, rn := range p.runs {
		d, err := s.readRun(rn, &buf)
		if err != nil {
			return err
		}
		for d.more() {
			if !d.row(&r) {
				return errCorruptSpill
			}
			fn(r.strs[3], RowKey{Metric: r.strs[4], ProviderID: r.strs[0]})
		}
	}
	return nil
}

// withdrawalProblem is the warning for one Withdrawal.
func withdrawalProblem(wd Withdrawal) Problem {
	names := make([]string, len(wd.Sample))
	for i, k := range wd.Sample {
		names[i] = k.String()
	}
	if more := wd.Withdrawn - len(wd.Sample); more > 0 {
		names = append(names, fmt.Sprintf("%d more", more))
	}
	return Problem{Code: CodeWithdrawsRows, Severity: SevWarning, Value: wd.Submission,
		Message: fmt.Sprintf("this return replaces submission %s for %s, %s, %s and leaves out %d of its %d %s, which the next publish withdraws: %s",
			wd.Submission, wd.Council, wd.Period, wd.Service, wd.Withdrawn, wd.Rows, pluralWord(wd.Rows, "row", "rows"), sentence(names, "and")),
		Hint: replaceHint}
}

// replaceHint says how replacement works, for the warnings about it.
const replaceHint = "a return replaces the council's earlier return for the same period and service as a whole, not row by row: " +
	"send every row again, the corrected ones with the rest; to go back to an earlier return, send its file again"

// currentAgainProblem is the notice that a file received before, and since
// replaced, is current again.
func currentAgainProblem(prev *schemas.Manifest, by []replaced) Problem {
	var ids []string
	where := map[string][]string{}
	for _, r := range by {
		if _, ok := where[r.id]; !ok {
			ids = append(ids, r.id)
		}
		where[r.id] = append(where[r.id], fmt.Sprintf("%s, %s, %s", r.council, r.period, r.service))
	}
	slices.Sort(ids)
	parts := make([]string, len(ids))
	for i, id := range ids {
		w := where[id]
		if len(w) > 2 {
			parts[i] = fmt.Sprintf("submission %s (%s and %d more)", id, w[0], len(w)-1)
		} else {
			parts[i] = fmt.Sprintf("submission %s (%s)", id, strings.Join(w, "; "))
		}
	}
	return Problem{Code: CodeCurrentAgain, Severity: SevWarning, Value: prev.ID,
		Message: fmt.Sprintf("this file was received before as submission %s on %s; it is current again, replacing %s",
			prev.ID, prev.ReceivedAt.UTC().Format("2006-01-02 15:04 UTC"), sentence(parts, "and")),
		Hint: "nothing to do if you meant to undo the later return; " + replaceHint}
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
