package ingest

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/yardstick-open/yardstick/schemas"
)

// Observation is one row of the warehouse, as Parquet stores it. Its
// columns are the contract between ingest and publish (see DESIGN.md):
// the canonical return columns with the council as its current GSS code
// and the period as its canonical id, plus period dates, the status
// marker, and where the row came from.
type Observation struct {
	CouncilCode    string   `parquet:"council_code,dict"`
	ProviderID     string   `parquet:"provider_id,dict"`
	ProviderName   string   `parquet:"provider_name,dict"`
	ProviderSector string   `parquet:"provider_sector,dict"`
	Service        string   `parquet:"service,dict"`
	Metric         string   `parquet:"metric,dict"`
	Period         string   `parquet:"period,dict"`
	Numerator      *int64   `parquet:"numerator,optional"`
	Denominator    *int64   `parquet:"denominator,optional"`
	Value          *float64 `parquet:"value,optional"`
	Note           string   `parquet:"note"`
	// PeriodStart and PeriodEnd are days since 1970-01-01, the way Parquet
	// stores a DATE. They are not time.Time: parquet-go (v0.32) writes a
	// time.Time into a DATE column as Unix nanoseconds cut to 32 bits, so
	// every reader saw a date thousands of years away.
	PeriodStart  int32     `parquet:"period_start,date"`
	PeriodEnd    int32     `parquet:"period_end,date"`
	Status       string    `parquet:"status,dict"`
	SubmissionID string    `parquet:"submission_id,dict"`
	SourceLine   int64     `parquet:"source_line"`
	ReceivedAt   time.Time `parquet:"received_at,timestamp(microsecond)"`
}

type partKey struct {
	period, council string
}

// run is a stretch of the spill file holding consecutive rows of one
// partition.
type run struct {
	off, n int64
}

// spill holds checked rows until the whole file has passed, in a compact
// binary form in one temporary file (in memory while they are few, see
// spillFile), with each partition's rows found
// through its runs. Returns are usually grouped by period and council, so
// runs are long; a shuffled file costs more reads, not more memory.
type spill struct {
	f       *spillFile
	w       *bufio.Writer
	off     int64
	parts   map[partKey]*partition
	periods map[string]*periodRows
	last    *partition
	buf     []byte
	// onLeave, if set, is called when the rows move on from a period,
	// which in a return grouped by period means it is complete.
	onLeave func(*periodRows) error
	// onPartLeave, if set, is called whenever the rows move on from a
	// partition, before onLeave.
	onPartLeave func(*partition)
}

// partition is the rows of one council and period: the withdraws check
// compares a return with the warehouse partition by partition.
type partition struct {
	key      partKey
	period   schemas.Period
	runs     []run
	rows     int
	services []string // the services of its rows
	in       *periodRows
	leaves   int // how often the rows have moved on from it (see flusher.partLeft)
}

// periodRows is the rows of one period, which the warehouse stores in one
// file (see schemas.ObservationPeriodFile): its partitions, one per
// council.
type periodRows struct {
	id    string
	parts []*partition // in the order their first rows came
	rows  int
	left  bool // rows have moved on from it at least once
}

// newSpill returns a spill whose file, once it needs one, is at path,
// which must not exist.
func newSpill(path string) (*spill, error) {
	f := &spillFile{path: path}
	return &spill{f: f, w: bufio.NewWriterSize(f, 256<<10), parts: map[partKey]*partition{}, periods: map[string]*periodRows{}}, nil
}

// close removes the spill file.
func (s *spill) close() { s.f.close() }

// spillFile holds the spill's bytes: in memory while they are few and only
// the checking goroutine reads them, in a file once they pass
// spillInMemory or a writer is to read them (toDisk).
type spillFile struct {
	path string
	f    *os.File // nil while the bytes are in mem
	mem  []byte
}

// spillInMemory is how many bytes of checked rows stay in memory before
// the spill makes its file. A council's return for a quarter (a few
// hundred rows, one partition, written by the ingest's own goroutine)
// then makes none: creating and removing a file are among the costliest
// system calls of a small return, above all on a filesystem that searches
// for an inode not recently freed.
const spillInMemory = 1 << 20

func (s *spillFile) Write(b []byte) (int, error) {
	if s.f == nil && len(s.mem)+len(b) <= spillInMemory {
		s.mem = append(s.mem, b...)
		return len(b), nil
	}
	if err := s.toDisk(); err != nil {
		return 0, err
	}
	return s.f.Write(b)
}

// toDisk makes the spill file, if there is none yet, and moves the bytes
// held in memory to it. It must be called before another goroutine reads
// the spill: a file's bytes can be read while more are written, a slice's
// cannot.
func (s *spillFile) toDisk() error {
	if s.f != nil {
		return nil
	}
	f, err := os.OpenFile(s.path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create spill file: %w", err)
	}
	if _, err := f.Write(s.mem); err != nil {
		f.Close()
		os.Remove(s.path)
		return fmt.Errorf("write spill file: %w", err)
	}
	s.f, s.mem = f, nil
	return nil
}

func (s *spillFile) ReadAt(b []byte, off int64) (int, error) {
	if s.f != nil {
		return s.f.ReadAt(b, off)
	}
	if off >= int64(len(s.mem)) {
		return 0, io.EOF
	}
	n := copy(b, s.mem[off:])
	if n < len(b) {
		return n, io.EOF
	}
	return n, nil
}

// close removes the spill file, if it was made.
func (s *spillFile) close() {
	if s.f != nil {
		s.f.Close()
		os.Remove(s.path)
		s.f = nil
	}
	s.mem = nil
}

// add appends a checked row.
func (s *spill) add(o *obs) error {
	key := partKey{o.Period.ID, o.Council}
	p := s.last
	if p == nil || p.key != key {
		if prev := s.last; prev != nil && s.onPartLeave != nil {
			s.onPartLeave(prev)
		}
		if prev := s.last; prev != nil && prev.key.period != key.period && s.onLeave != nil {
			if pr := s.periods[prev.key.period]; !pr.left {
				pr.left = true
				if err := s.onLeave(pr); err != nil {
					return err
				}
			}
		}
		p = s.parts[key]
		if p == nil {
			pr := s.periods[key.period]
			if pr == nil {
				pr = &periodRows{id: key.period}
				s.periods[key.period] = pr
			}
			p = &partition{key: key, period: o.Period, in: pr}
			s.parts[key] = p
			pr.parts = append(pr.parts, p)
		}
	}
	p.in.rows++
	if !slices.Contains(p.services, o.Service) {
		p.services = append(p.services, o.Service)
	}
	b := s.buf[:0]
	b = appendString(b, o.ProviderID)
	b = appendString(b, o.Provider)
	b = appendString(b, o.Sector)
	b = appendString(b, o.Service)
	b = appendString(b, o.Metric)
	b = appendString(b, string(o.Status))
	b = appendString(b, o.Note)
	var flags byte
	if o.HasNum {
		flags |= 1
	}
	if o.HasDen {
		flags |= 2
	}
	if o.HasValue {
		flags |= 4
	}
	b = append(b, flags)
	b = binary.AppendVarint(b, o.Num)
	b = binary.AppendVarint(b, o.Den)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(o.Value))
	b = binary.AppendUvarint(b, uint64(o.Line))
	s.buf = b
	if _, err := s.w.Write(b); err != nil {
		return fmt.Errorf("write spill file: %w", err)
	}
	if p == s.last && len(p.runs) > 0 && p.runs[len(p.runs)-1].n+int64(len(b)) <= maxRun {
		p.runs[len(p.runs)-1].n += int64(len(b))
	} else {
		p.runs = append(p.runs, run{off: s.off, n: int64(len(b))})
	}
	s.off += int64(len(b))
	p.rows++
	s.last = p
	return nil
}

// maxRun bounds a run, so a partition is read back a run at a time in
// memory of this size (or of its largest row, if that is larger).
const maxRun = 1 << 20

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// partitions returns the partitions in period then council order.
func (s *spill) partitions() []*partition {
	out := make([]*partition, 0, len(s.parts))
	for _, p := range s.parts {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].key.period != out[j].key.period {
			return out[i].key.period < out[j].key.period
		}
		return out[i].key.council < out[j].key.council
	})
	return out
}

// periodsSorted returns the periods in order, each with its partitions
// in council order.
func (s *spill) periodsSorted() []*periodRows {
	out := make([]*periodRows, 0, len(s.periods))
	for _, pr := range s.periods {
		out = append(out, pr)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// writeBatch is how many rows are handed to the Parquet writer at a time.
const writeBatch = 1024

// rowGroupRows bounds a row group, and so the rows the Parquet writer
// buffers in memory.
const rowGroupRows = 128 << 10

// multiCouncilRowGroup bounds the row groups of a file holding several
// councils' rows. The file is sorted by council, so each row group's
// council_code statistics name a narrow range of councils, and the
// withdraws check reads only the row groups that may hold the council it
// looks for (a council's rows in a national return's quarter are a few
// hundred of its tens of thousands).
const multiCouncilRowGroup = 4096

// partWriter writes periods' Parquet files one after another, reusing
// its Parquet writers and their buffers: a national file has dozens of
// periods and a small return one, and setting up a writer costs more than
// filling it with a council's quarter. A file of one council and one of
// several are written with writers of different row-group sizes (see
// multiCouncilRowGroup), each made when first needed, so a writer that
// only ever writes small returns holds one.
// The batch and its arrays grow to the largest file written, up to
// writeBatch rows, so a writer that only ever writes a small return's
// file stays small.
type partWriter struct {
	one, several *parquet.GenericWriter[Observation]
	batch        []Observation
	nums         []int64
	dens         []int64
	vals         []float64
	raw          []byte
}

func newPartWriter() *partWriter { return &partWriter{} }

// newObservationWriter returns a Parquet writer of warehouse rows in row
// groups of at most groupRows rows, the one way ingest and the migration
// write warehouse files.
func newObservationWriter(groupRows int64) *parquet.GenericWriter[Observation] {
	return parquet.NewGenericWriter[Observation](io.Discard,
		parquet.Compression(&parquet.Snappy),
		parquet.MaxRowsPerRowGroup(groupRows),
		parquet.PageBufferSize(64<<10),
		parquet.CreatedBy("yardstick", "", ""),
	)
}

// writer returns the writer for a file of rows of councils councils.
func (pw *partWriter) writer(councils int) *parquet.GenericWriter[Observation] {
	if councils > 1 {
		if pw.several == nil {
			pw.several = newObservationWriter(multiCouncilRowGroup)
		}
		return pw.several
	}
	if pw.one == nil {
		pw.one = newObservationWriter(rowGroupRows)
	}
	return pw.one
}

// release lets go of the file last written, so that a pooled writer
// holds none.
func (pw *partWriter) release() {
	for _, w := range []*parquet.GenericWriter[Observation]{pw.one, pw.several} {
		if w != nil {
			w.Reset(io.Discard)
		}
	}
}

// partRuns is a partition's runs and rows when a job to write it was made.
type partRuns struct {
	part *partition
	runs []run
	rows int
}

// writePeriod writes one period's rows, its partitions' in the order
// given (by council), as one Parquet file to dst. A file of several
// councils gets row groups of at most multiCouncilRowGroup rows.
func (pw *partWriter) writePeriod(s *spill, parts []partRuns, rows int, dst io.Writer, submission string, received time.Time) error {
	w := pw.begin(len(parts), rows, dst)
	for _, pr := range parts {
		if err := pw.writePart(w, s, pr, submission, received); err != nil {
			return err
		}
	}
	return pw.end(w)
}

// begin starts a file of rows rows of councils councils on dst, with the
// writer for it. Its rows are given by writePart, a partition at a time,
// and end finishes it.
func (pw *partWriter) begin(councils, rows int, dst io.Writer) *parquet.GenericWriter[Observation] {
	w := pw.writer(councils)
	w.Reset(dst)
	if n := min(max(rows, 1), writeBatch); cap(pw.batch) < n {
		pw.batch = make([]Observation, 0, n)
		// Counts and values live in arrays beside the batch, so pointers
		// to them cost no allocation per row.
		pw.nums, pw.dens, pw.vals = make([]int64, n), make([]int64, n), make([]float64, n)
	}
	pw.batch = pw.batch[:0]
	return w
}

// writePart adds a partition's rows to the file w is writing. Rows wait
// in the batch until it is full or the file ends, whatever partition they
// are of, so a file is handed to the Parquet writer in the same batches
// however its partitions came.
func (pw *partWriter) writePart(w *parquet.GenericWriter[Observation], s *spill, pr partRuns, submission string, received time.Time) error {
	var r spillRow
	p := pr.part
	start, end := epochDays(p.period.Start), epochDays(p.period.End)
	for _, rn := range pr.runs {
		d, err := s.readRun(rn, &pw.raw)
		if err != nil {
			return err
		}
		for d.more() {
			if !d.row(&r) {
				return errCorruptSpill
			}
			i := len(pw.batch)
			o := Observation{
				CouncilCode: p.key.council, Period: p.key.period,
				ProviderID: r.strs[0], ProviderName: r.strs[1], ProviderSector: r.strs[2],
				Service: r.strs[3], Metric: r.strs[4], Status: r.strs[5], Note: r.strs[6],
				PeriodStart: start, PeriodEnd: end,
				SubmissionID: submission, SourceLine: int64(r.line), ReceivedAt: received,
			}
			if r.flags&1 != 0 {
				pw.nums[i] = r.num
				o.Numerator = &pw.nums[i]
			}
			if r.flags&2 != 0 {
				pw.dens[i] = r.den
				o.Denominator = &pw.dens[i]
			}
			if r.flags&4 != 0 {
				pw.vals[i] = r.val
				o.Value = &pw.vals[i]
			}
			pw.batch = append(pw.batch, o)
			if len(pw.batch) == cap(pw.batch) {
				if err := pw.flush(w); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// flush hands the batch to the Parquet writer.
func (pw *partWriter) flush(w *parquet.GenericWriter[Observation]) error {
	if _, err := w.Write(pw.batch); err != nil {
		return fmt.Errorf("write parquet: %w", err)
	}
	clear(pw.batch) // let the spill's runs go
	pw.batch = pw.batch[:0]
	return nil
}

// end writes the rows still in the batch and the file's footer.
func (pw *partWriter) end(w *parquet.GenericWriter[Observation]) error {
	if len(pw.batch) > 0 {
		if err := pw.flush(w); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("finish parquet: %w", err)
	}
	return nil
}

// epochDays returns the day of t (in UTC) as days since 1970-01-01.
func epochDays(t time.Time) int32 {
	secs := t.Unix()
	days := secs / 86400
	if secs%86400 < 0 {
		days--
	}
	return int32(days)
}

// errCorruptSpill is what reading a spill file that does not decode gives:
// the file is this ingest's own, so it means a fault of the disk or the
// code, never of the return.
var errCorruptSpill = errors.New("read spill file: corrupt record")

// readRun reads run rn of the spill file into *buf, which it grows as
// needed, and returns a decoder over it. One string holds the run; the
// rows' strings are slices of it, so decoding a row allocates nothing.
func (s *spill) readRun(rn run, buf *[]byte) (decoder, error) {
	raw := *buf
	if int64(cap(raw)) < rn.n {
		// Runs are at most maxRun long, or one row if a row is longer
		// (notes or names of more than a megabyte).
		raw = make([]byte, rn.n, max(rn.n, min(2*int64(cap(raw)), maxRun)))
		*buf = raw
	}
	raw = raw[:rn.n]
	if _, err := s.f.ReadAt(raw, rn.off); err != nil {
		return decoder{}, fmt.Errorf("read spill file: %w", err)
	}
	return decoder{s: string(raw)}, nil
}

// spillRow is one checked row as the spill file holds it: the provider's
// id, name and sector, the service, metric, status and note; which of the
// numerator, denominator and value are present (flags 1, 2 and 4); and
// the return's line.
type spillRow struct {
	strs     [7]string
	flags    byte
	num, den int64
	val      float64
	line     uint64
}

// row decodes the next row into r and reports whether it was whole.
func (d *decoder) row(r *spillRow) bool {
	for i := range r.strs {
		r.strs[i] = d.str()
	}
	r.flags = d.byte()
	r.num, r.den = d.varint(), d.varint()
	r.val = math.Float64frombits(d.uint64())
	r.line = d.uvarint()
	return !d.bad
}

// decoder reads the spill format from a string.
type decoder struct {
	s   string
	pos int
	bad bool
}

func (d *decoder) more() bool { return d.pos < len(d.s) && !d.bad }

func (d *decoder) uvarint() uint64 {
	var x uint64
	var shift uint
	for d.pos < len(d.s) {
		c := d.s[d.pos]
		d.pos++
		if c < 0x80 {
			return x | uint64(c)<<shift
		}
		x |= uint64(c&0x7f) << shift
		shift += 7
		if shift > 63 {
			break
		}
	}
	d.bad = true
	return 0
}

func (d *decoder) varint() int64 {
	u := d.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (d *decoder) str() string {
	n := int(d.uvarint())
	if n < 0 || d.pos+n > len(d.s) {
		d.bad = true
		return ""
	}
	v := d.s[d.pos : d.pos+n]
	d.pos += n
	return v
}

func (d *decoder) byte() byte {
	if d.pos >= len(d.s) {
		d.bad = true
		return 0
	}
	c := d.s[d.pos]
	d.pos++
	return c
}

func (d *decoder) uint64() uint64 {
	if d.pos+8 > len(d.s) {
		d.bad = true
		return 0
	}
	v := binary.LittleEndian.Uint64([]byte(d.s[d.pos : d.pos+8]))
	d.pos += 8
	return v
}

// relPath returns path relative to root with forward slashes, for
// manifests.
func relPath(root, path string) string {
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return path
	}
	return filepath.ToSlash(rel)
}
