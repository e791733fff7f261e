package ingest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// partitionWriters is how many partitions are written at once, at most.
// Creating a file and its folder waits on the filesystem far longer than
// encoding a small partition takes, and those waits overlap, so more
// writers than cores pay off when a national file has thousands of
// partitions. Writers start only as partitions wait for one, so a council's
// return of one partition starts one.
const partitionWriters = 16

// partWriters keeps Parquet writers between partitions and ingests: a
// writer and its buffers take about a megabyte to set up, several times
// what a small return's partition takes to encode.
var partWriters = sync.Pool{New: func() any { return newPartWriter() }}

// flusher writes partitions' Parquet files to pending (temporary) files
// while checking goes on. A return grouped by period and council, as
// returns are, finishes with each partition in turn; the flusher writes a
// partition as soon as the rows move on from it, so writing overlaps
// checking instead of following it. A partition that gets more rows after
// it was written (a file in no particular order) is written again at the
// end. Nothing is committed until the whole file has passed, and a
// rejected file's pending files are removed.
type flusher struct {
	spill    *spill
	layout   schemas.Layout
	id       string
	received time.Time

	jobs    chan flushJob
	closed  bool // jobs is closed
	wg      sync.WaitGroup
	workers int          // writers started since start
	idle    atomic.Int32 // writers waiting for a job

	mu      sync.Mutex
	written map[*partition]written
	err     error

	committing bool // CommitAll has begun: files may be in their final places
	reported   atomic.Bool
}

type flushJob struct {
	part *partition
	runs []run // the partition's runs when the job was made
	rows int
	sync bool // sync the file once written (see finishLast)
}

type written struct {
	file *schemas.PendingFile
	rows int
}

func newFlusher(s *spill, layout schemas.Layout, id string, received time.Time) *flusher {
	f := &flusher{spill: s, layout: layout, id: id, received: received, written: map[*partition]written{}}
	f.start()
	return f
}

func (f *flusher) start() {
	f.closed = false
	f.jobs = make(chan flushJob, 2*partitionWriters)
	f.workers = 0
}

// send queues a job, starting another writer if none is waiting for one
// and fewer than partitionWriters run.
func (f *flusher) send(j flushJob) {
	if f.workers < partitionWriters && (f.idle.Load() == 0) {
		f.workers++
		f.wg.Go(f.work)
	}
	f.jobs <- j
}

func (f *flusher) work() {
	pw := partWriters.Get().(*partWriter)
	defer func() {
		pw.w.Reset(io.Discard) // let go of the last file
		partWriters.Put(pw)
	}()
	for {
		f.idle.Add(1)
		j, ok := <-f.jobs
		f.idle.Add(-1)
		if !ok {
			return
		}
		pf, err := f.write(pw, j)
		if err != nil {
			pw = newPartWriter() // one that failed part way is kept for no other file
		}
		f.mu.Lock()
		switch {
		case err != nil:
			f.err = errors.Join(f.err, err)
		case f.written[j.part].rows >= j.rows && f.written[j.part].file != nil:
			pf.Abort() // an equal or fuller copy is already written; its folder stays in use
		default:
			if old := f.written[j.part].file; old != nil {
				old.Abort()
			}
			f.written[j.part] = written{pf, j.rows}
		}
		f.mu.Unlock()
		if err == nil && !f.reported.Swap(true) {
			reach("partition-pending")
		}
	}
}

// write writes one job's rows to a pending file and closes it, so that
// thousands of partitions do not hold a descriptor each.
func (f *flusher) write(pw *partWriter, j flushJob) (*schemas.PendingFile, error) {
	final := f.layout.ObservationFile(j.part.key.period, j.part.key.council, f.id)
	pf, err := schemas.CreatePending(final)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(pf, 64<<10)
	err = pw.writePartition(f.spill, j.part, j.runs, j.rows, bw, f.id, f.received)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil && j.sync {
		err = pf.Sync()
	}
	if err == nil {
		err = pf.Finish()
	}
	if err != nil {
		pf.Abort()
		return nil, fmt.Errorf("write %s: %w", final, err)
	}
	return pf, nil
}

// leave queues a partition the rows have moved on from. It runs on the
// checking goroutine, which owns the spill, so it flushes the spill's
// buffer for the writers to read and copies the runs they will read.
func (f *flusher) leave(p *partition) error {
	if err := f.spill.w.Flush(); err != nil {
		return fmt.Errorf("flush spill file: %w", err)
	}
	f.send(flushJob{part: p, runs: slices.Clone(p.runs), rows: p.rows})
	return nil
}

// prepare writes the partitions not yet written in full. It returns the
// files' paths relative to the data folder, and commit, which commits
// every file together and may run beside other work of the ingest, not
// beside other calls of the flusher's methods.
func (f *flusher) prepare(ctx context.Context) (paths []string, commit func() error, err error) {
	f.stop()
	if f.err != nil {
		return nil, nil, f.err
	}
	if err := f.spill.w.Flush(); err != nil {
		return nil, nil, fmt.Errorf("flush spill file: %w", err)
	}
	parts := f.spill.partitions()
	var again []*partition // not written yet, or written before more rows came
	for _, p := range parts {
		if w := f.written[p]; w.file == nil || w.rows != p.rows {
			again = append(again, p)
		}
	}
	f.start()
	for _, p := range again {
		if ctx.Err() != nil {
			break
		}
		f.send(flushJob{part: p, runs: p.runs, rows: p.rows})
	}
	f.stop()
	if err := errors.Join(f.err, ctx.Err()); err != nil {
		return nil, nil, err
	}
	files := make([]*schemas.PendingFile, len(parts))
	paths = make([]string, len(parts))
	for i, p := range parts {
		files[i] = f.written[p].file
		paths[i] = relPath(f.layout.Root, files[i].Path())
	}
	reach("partitions-written")
	f.committing = true
	return paths, func() error { return schemas.CommitAll(files) }, nil
}

// finishLast queues the partition the rows ended in, once the whole file
// has passed, so that it is written while the rest of the ingest goes on;
// in a council's return it is the only one. A return of a few partitions
// has its last one synced as soon as it is written, while the ingest waits
// on other things: the commit syncs each of a few files in turn, and
// syncing a file again costs little. A national return's files are synced
// together by the commit instead.
func (f *flusher) finishLast() error {
	p := f.spill.last
	if p == nil || p.left {
		return nil
	}
	p.left = true
	if err := f.spill.w.Flush(); err != nil {
		return fmt.Errorf("flush spill file: %w", err)
	}
	f.send(flushJob{part: p, runs: slices.Clone(p.runs), rows: p.rows, sync: len(f.spill.parts) <= syncEach})
	return nil
}

// syncEach is how many files schemas.CommitAll syncs one by one; past
// that it syncs the whole filesystem once.
const syncEach = 16

func (f *flusher) stop() {
	if !f.closed {
		f.closed = true
		close(f.jobs)
	}
	f.wg.Wait()
}

// abort stops the writers and removes every pending file not committed,
// and with discard true the committed files too, since their submission
// did not come to exist. It may follow commit, so it can be deferred.
func (f *flusher) abort(discard bool) {
	f.stop()
	dirs := map[string]bool{}
	for _, w := range f.written {
		if w.file == nil {
			continue
		}
		if w.file.Abort() {
			dirs[filepath.Dir(w.file.Path())] = true
		} else if discard && f.committing {
			// CommitAll may have stopped part way: each file is under
			// its temporary name or its final one.
			os.Remove(w.file.Name())
			os.Remove(w.file.Path())
			dirs[filepath.Dir(w.file.Path())] = true
		}
	}
	// Remove the folders the pending files made, where nothing else
	// is in them, so a rejected return leaves the warehouse as it was.
	// os.Remove leaves a folder that is not empty.
	for d := range dirs {
		for ; d != f.layout.Root && d != filepath.Dir(d); d = filepath.Dir(d) {
			if os.Remove(d) != nil {
				break
			}
		}
	}
}
