package ingest

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"os"
	"slices"
)

// dupResident is how many row keys the duplicate check holds in memory, at
// 30 to 90 bytes each (maps of a few hundred keys each, a partition's). A
// return with more rows than this moves keys to a file as it goes, so a
// national file's check takes the memory of a return of a quarter of a
// million rows. It is a variable so tests can lower it.
var dupResident = 1 << 18

// dupIndex remembers the key of every row checked (council, provider,
// service, metric and period) with the line it was first seen on, to find
// a second row with the same key as it is read.
//
// A key is kept as two 64-bit hashes with independent seeds of its
// provider, service and metric, so a false match needs both to collide.
// Keys are grouped by the row's partition (council and period), since a
// duplicate is always in its first row's partition. While fewer than
// dupResident keys are held they are all in memory. Past that, every
// partition's keys are written to a file in submissions/.incoming/<id>/
// as a run. A later row looks in its partition's keys in memory and in
// those of its runs whose Bloom filter (12 bits a key) may hold it, by
// binary search in the file; a filter says "perhaps" for about 1 key in
// 300 that is not there. A run is sorted by hash, in place in the file,
// and its filter made, the first time its partition comes back. Returns
// are grouped by council and period, so the rows of a partition written
// out rarely come back, and their runs are never sorted; a shuffled file
// costs a sort of each run, reads, and its filters' 1.5 bytes a row.
// Which rows are duplicates, and of which line, is the same either way.
type dupIndex struct {
	seeds    [2]maphash.Seed
	path     string // the file of keys written out, created when first needed
	f        *os.File
	off      int64
	parts    map[partKey]*dupPart
	last     *dupPart
	resident int   // keys in memory
	err      error // the first I/O error; the ingest fails with it
	buf      []byte
	rec      [dupRecord]byte
	lastSize int // keys of the partition before the last, to size a new one's map
}

// dupPart is one partition's keys: those in memory and runs in the file.
type dupPart struct {
	key  partKey
	keys map[[2]uint64]int32
	runs []keyRun
}

// keyRun is a run of keys in the file, with a Bloom filter of them. A run
// is written in no order and sorted by hash, in place, with its filter
// made, the first time a row of its partition comes back: in a return
// grouped by council and period that is never, so sorting costs nothing
// there.
type keyRun struct {
	off   int64
	n     int
	bloom bloom // nil until the run is sorted
}

// dupRecord is the size of a key in the file: two hashes and a line.
const dupRecord = 20

func newDupIndex(path string) *dupIndex {
	return &dupIndex{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, path: path, parts: map[partKey]*dupPart{}}
}

// seen records the key of a row on line, and if a row with the same key
// came before, returns the line of the first such row.
func (d *dupIndex) seen(council, provider, service, metric, period string, line int32) (first int32, dup bool) {
	if d.err != nil {
		// The keys could not be written out (a full disk): the ingest
		// fails with that error, so it keeps no more keys in memory.
		return 0, false
	}
	// Only the provider, service and metric are hashed: keys are kept by
	// partition, which the council and period name.
	b := d.buf[:0]
	for _, s := range []string{provider, service, metric} {
		b = append(b, s...)
		b = append(b, 0)
	}
	d.buf = b
	h := [2]uint64{maphash.Bytes(d.seeds[0], b), maphash.Bytes(d.seeds[1], b)}

	p := d.last
	if p == nil || p.key.council != council || p.key.period != period {
		if d.last != nil {
			d.lastSize = min(len(d.last.keys), 4096)
		}
		k := partKey{period: period, council: council}
		p = d.parts[k]
		if p == nil {
			p = &dupPart{key: k}
			d.parts[k] = p
		}
		d.last = p
	}
	if first, ok := p.keys[h]; ok {
		return first, true
	}
	for i := range p.runs {
		if first, ok := d.find(&p.runs[i], h); ok {
			return first, true
		}
	}
	if p.keys == nil {
		// Sized as the partition before was: a return's partitions have
		// much the same rows, and a map grown key by key is rebuilt
		// several times on the way.
		p.keys = make(map[[2]uint64]int32, d.lastSize)
	}
	p.keys[h] = line
	d.resident++
	if d.resident > dupResident && d.err == nil {
		d.err = d.writeOut()
	}
	return 0, false
}

// find looks for h in run r: in its filter, and if the filter may hold it,
// by binary search in the file. A run's filter is made the first time a
// row of its partition comes back, from the run in the file: in a return
// grouped by council and period that is never, so it costs no memory.
func (d *dupIndex) find(r *keyRun, h [2]uint64) (int32, bool) {
	if d.err != nil {
		return 0, false
	}
	if r.bloom == nil {
		if d.err = d.makeBloom(r); d.err != nil {
			return 0, false
		}
	}
	if !r.bloom.has(h) {
		return 0, false
	}
	lo, hi := 0, r.n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if _, err := d.f.ReadAt(d.rec[:], r.off+int64(mid)*dupRecord); err != nil {
			d.err = fmt.Errorf("read duplicate-check file: %w", err)
			return 0, false
		}
		got := [2]uint64{binary.LittleEndian.Uint64(d.rec[0:]), binary.LittleEndian.Uint64(d.rec[8:])}
		switch c := compareHash(got, h); {
		case c == 0:
			return int32(binary.LittleEndian.Uint32(d.rec[16:])), true
		case c < 0:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return 0, false
}

// makeBloom sorts run r by hash in the file, for find's binary search,
// and makes its filter. A run is one partition's keys written at once, at
// most dupResident of them, so it is sorted in memory.
func (d *dupIndex) makeBloom(r *keyRun) error {
	entries := make([]dupEntry, r.n)
	buf := make([]byte, min(r.n, 4096)*dupRecord)
	for i := 0; i < r.n; {
		m := min(r.n-i, len(buf)/dupRecord)
		b := buf[:m*dupRecord]
		if _, err := d.f.ReadAt(b, r.off+int64(i)*dupRecord); err != nil {
			return fmt.Errorf("read duplicate-check file: %w", err)
		}
		for j := 0; j < len(b); j += dupRecord {
			entries[i+j/dupRecord] = dupEntry{
				h:    [2]uint64{binary.LittleEndian.Uint64(b[j:]), binary.LittleEndian.Uint64(b[j+8:])},
				line: int32(binary.LittleEndian.Uint32(b[j+16:])),
			}
		}
		i += m
	}
	slices.SortFunc(entries, func(a, b dupEntry) int { return compareHash(a.h, b.h) })
	w := bufio.NewWriterSize(&offsetWriter{f: d.f, off: r.off}, 64<<10)
	bl := newBloom(r.n)
	for _, e := range entries {
		bl.add(e.h)
		if _, err := w.Write(e.record(d.rec[:0])); err != nil {
			return fmt.Errorf("write duplicate-check file: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write duplicate-check file: %w", err)
	}
	r.bloom = bl
	return nil
}

// dupEntry is a key and the line it was first seen on.
type dupEntry struct {
	h    [2]uint64
	line int32
}

// record appends e as the file holds it to b.
func (e dupEntry) record(b []byte) []byte {
	b = binary.LittleEndian.AppendUint64(b, e.h[0])
	b = binary.LittleEndian.AppendUint64(b, e.h[1])
	return binary.LittleEndian.AppendUint32(b, uint32(e.line))
}

func compareHash(a, b [2]uint64) int {
	if c := cmp.Compare(a[0], b[0]); c != 0 {
		return c
	}
	return cmp.Compare(a[1], b[1])
}

// writeOut writes every partition's keys in memory to the file, each as a
// run (sorted only if its partition comes back, see keyRun), and lets
// them go.
func (d *dupIndex) writeOut() error {
	if d.f == nil {
		f, err := os.OpenFile(d.path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("create duplicate-check file: %w", err)
		}
		d.f = f
	}
	w := bufio.NewWriterSize(&offsetWriter{f: d.f, off: d.off}, 256<<10)
	for _, p := range d.parts {
		if len(p.keys) == 0 {
			continue
		}
		r := keyRun{off: d.off, n: len(p.keys)}
		for h, line := range p.keys {
			if _, err := w.Write(dupEntry{h, line}.record(d.rec[:0])); err != nil {
				return fmt.Errorf("write duplicate-check file: %w", err)
			}
		}
		d.off += int64(r.n) * dupRecord
		p.runs = append(p.runs, r)
		p.keys = nil
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write duplicate-check file: %w", err)
	}
	d.resident = 0
	return nil
}

// close removes the file, if there is one.
func (d *dupIndex) close() {
	if d.f != nil {
		d.f.Close()
		os.Remove(d.path)
		d.f = nil
	}
}

// offsetWriter writes to f from off on, so that reads at other offsets of
// the same file may come between writes.
type offsetWriter struct {
	f   *os.File
	off int64
}

func (w *offsetWriter) Write(b []byte) (int, error) {
	n, err := w.f.WriteAt(b, w.off)
	w.off += int64(n)
	return n, err
}

// bloom is a Bloom filter of key hashes, bloomBits bits a key with
// bloomProbes probes, which says "perhaps" for about 0.3% of keys not in
// it: (1 - e^(-8/12))^8.
type bloom []uint64

const (
	bloomBits   = 12
	bloomProbes = 8
)

func newBloom(n int) bloom { return make(bloom, (n*bloomBits+63)/64) }

// probe returns the i-th bit of h, by double hashing (Kirsch and
// Mitzenmacher): the two hashes are independent.
func (b bloom) probe(h [2]uint64, i int) (word int, bit uint64) {
	m := uint64(len(b)) * 64
	x := (h[0] + uint64(i)*(h[1]|1)) % m
	return int(x / 64), 1 << (x % 64)
}

func (b bloom) add(h [2]uint64) {
	for i := range bloomProbes {
		w, bit := b.probe(h, i)
		b[w] |= bit
	}
}

func (b bloom) has(h [2]uint64) bool {
	for i := range bloomProbes {
		if w, bit := b.probe(h, i); b[w]&bit == 0 {
			return false
		}
	}
	return true
}
