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
	CouncilCode    string    `parquet:"council_code,dict"`
	ProviderID     string    `parquet:"provider_id,dict"`
	ProviderName   string    `parquet:"provider_name,dict"`
	ProviderSector string    `parquet:"provider_sector,dict"`
	Service        string    `parquet:"service,dict"`
	Metric         string    `parquet:"metric,dict"`
	Period         string    `parquet:"period,dict"`
	Numerator      *int64    `parquet:"numerator,optional"`
	Denominator    *int64    `parquet:"denominator,optional"`
	Value          *float64  `parquet:"value,optional"`
	Note           string    `parquet:"note"`
	PeriodStart    time.Time `parquet:"period_start,date"`
	PeriodEnd      time.Time `parquet:"period_end,date"`
	Status         string    `parquet:"status,dict"`
	SubmissionID   string    `parquet:"submission_id,dict"`
	SourceLine     int64     `parquet:"source_line"`
	ReceivedAt     time.Time `parquet:"received_at,timestamp(microsecond)"`
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
// binary form in one temporary file, with each partition's rows found
// through its runs. Returns are usually grouped by period and council, so
// runs are long; a shuffled file costs more reads, not more memory.
type spill struct {
	f       *os.File
	w       *bufio.Writer
	off     int64
	parts   map[partKey]*partition
	last    *partition
	buf     []byte
	periods map[string]schemas.Period
}

type partition struct {
	key  partKey
	runs []run
	rows int
}

func newSpill(dir string) (*spill, error) {
	f, err := os.CreateTemp(dir, ".spill-*")
	if err != nil {
		return nil, fmt.Errorf("create spill file: %w", err)
	}
	return &spill{f: f, w: bufio.NewWriterSize(f, 256<<10), parts: map[partKey]*partition{}, periods: map[string]schemas.Period{}}, nil
}

// close removes the spill file.
func (s *spill) close() {
	s.f.Close()
	os.Remove(s.f.Name())
}

// add appends a checked row.
func (s *spill) add(o *obs) error {
	key := partKey{o.Period.ID, o.Council}
	p := s.last
	if p == nil || p.key != key {
		p = s.parts[key]
		if p == nil {
			p = &partition{key: key}
			s.parts[key] = p
			s.periods[o.Period.ID] = o.Period
		}
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
	if p == s.last && len(p.runs) > 0 {
		p.runs[len(p.runs)-1].n += int64(len(b))
	} else {
		p.runs = append(p.runs, run{off: s.off, n: int64(len(b))})
	}
	s.off += int64(len(b))
	p.rows++
	s.last = p
	return nil
}

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

// writeBatch is how many rows are handed to the Parquet writer at a time.
const writeBatch = 4096

// rowGroupRows bounds a row group, and so the rows the Parquet writer
// buffers in memory.
const rowGroupRows = 128 << 10

// writePartition writes one partition's rows to a pending Parquet file.
func (s *spill) writePartition(p *partition, dst io.Writer, submission string, received time.Time) error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("flush spill file: %w", err)
	}
	period := s.periods[p.key.period]
	w := parquet.NewGenericWriter[Observation](dst,
		parquet.Compression(&parquet.Snappy),
		parquet.MaxRowsPerRowGroup(rowGroupRows),
		parquet.CreatedBy("yardstick", "", ""),
	)
	batch := make([]Observation, 0, writeBatch)
	// Counts and values live in arrays beside the batch so a batch costs
	// three allocations, not three per row.
	nums := make([]int64, writeBatch)
	dens := make([]int64, writeBatch)
	vals := make([]float64, writeBatch)
	flush := func() error {
		if _, err := w.Write(batch); err != nil {
			return fmt.Errorf("write parquet: %w", err)
		}
		batch = batch[:0]
		return nil
	}
	br := bufio.NewReaderSize(nil, 64<<10)
	var strs [7]string
	for _, rn := range p.runs {
		br.Reset(io.NewSectionReader(s.f, rn.off, rn.n))
		for {
			if _, err := br.Peek(1); errors.Is(err, io.EOF) {
				break
			}
			for i := range strs {
				str, err := readString(br)
				if err != nil {
					return err
				}
				strs[i] = str
			}
			flags, err := br.ReadByte()
			if err != nil {
				return fmt.Errorf("read spill file: %w", err)
			}
			num, err1 := binary.ReadVarint(br)
			den, err2 := binary.ReadVarint(br)
			var vb [8]byte
			_, err3 := io.ReadFull(br, vb[:])
			line, err4 := binary.ReadUvarint(br)
			if err := errors.Join(err1, err2, err3, err4); err != nil {
				return fmt.Errorf("read spill file: %w", err)
			}
			i := len(batch)
			o := Observation{
				CouncilCode: p.key.council, Period: p.key.period,
				ProviderID: strs[0], ProviderName: strs[1], ProviderSector: strs[2],
				Service: strs[3], Metric: strs[4], Status: strs[5], Note: strs[6],
				PeriodStart: period.Start, PeriodEnd: period.End,
				SubmissionID: submission, SourceLine: int64(line), ReceivedAt: received,
			}
			if flags&1 != 0 {
				nums[i] = num
				o.Numerator = &nums[i]
			}
			if flags&2 != 0 {
				dens[i] = den
				o.Denominator = &dens[i]
			}
			if flags&4 != 0 {
				vals[i] = math.Float64frombits(binary.LittleEndian.Uint64(vb[:]))
				o.Value = &vals[i]
			}
			batch = append(batch, o)
			if len(batch) == writeBatch {
				if err := flush(); err != nil {
					return err
				}
				nums, dens, vals = make([]int64, writeBatch), make([]int64, writeBatch), make([]float64, writeBatch)
			}
		}
	}
	if len(batch) > 0 {
		if err := flush(); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("finish parquet: %w", err)
	}
	return nil
}

// readString reads a length-prefixed string. Strings repeat from row to
// row, but the Parquet writer dictionary-encodes them, so no interning here.
func readString(br *bufio.Reader) (string, error) {
	n, err := binary.ReadUvarint(br)
	if err != nil {
		return "", fmt.Errorf("read spill file: %w", err)
	}
	if n == 0 {
		return "", nil
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(br, b); err != nil {
		return "", fmt.Errorf("read spill file: %w", err)
	}
	return string(b), nil
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
