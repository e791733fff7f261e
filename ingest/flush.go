package ingest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// partitionWriters is how many periods' files are written at once, at
// most. Creating a file waits on the filesystem longer than encoding a
// council's quarter takes, and those waits overlap, so more writers than
// cores pay off when a national file has dozens of periods. Writers start
// only as periods wait for one, so a council's return of one period starts
// none (place writes it).
const partitionWriters = 16

// partWriters keeps Parquet writers between files and ingests: a
// writer and its buffers take about a megabyte to set up, several times
// what a small return's file takes to encode.
var partWriters = sync.Pool{New: func() any { return newPartWriter() }}

// flusher writes each period's Parquet file to a pending (temporary) file
// while checking goes on. A return grouped by period, as most are,
// finishes with each period in turn; the flusher writes a period as soon
// as the rows move on from it, so writing overlaps checking instead of
// following it. A period that gets more rows after it was written (a
// national file grouped by council, or one in no particular order) is
// written again at the end. Nothing is committed until the whole file
// has passed, and a rejected file's pending files are removed.
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
	written map[*periodRows]written
	made    []string // folders this ingest made, synced with its files
	err     error

	committing bool // place has begun: files may be in their final places
	reported   atomic.Bool

	// Periods written a council at a time while checking goes on (see
	// stream.go): the streams, the partitions queued for them and not yet
	// handed to the goroutine that writes them, and that goroutine.
	streams     map[*periodRows]*stream
	pending     []streamAppend
	pendingRows int
	streamJobs  chan []streamAppend
	streamWG    sync.WaitGroup
}

type flushJob struct {
	period *periodRows
	parts  []partRuns // its partitions when the job was made, by council
	rows   int
}

// newJob takes the rows of period pr so far, its partitions in council
// order, so that a file of several councils is sorted by council.
func newJob(pr *periodRows) flushJob {
	parts := make([]partRuns, len(pr.parts))
	for i, p := range pr.parts {
		parts[i] = partRuns{part: p, runs: slices.Clone(p.runs), rows: p.rows}
	}
	slices.SortFunc(parts, func(a, b partRuns) int { return strings.Compare(a.part.key.council, b.part.key.council) })
	return flushJob{period: pr, parts: parts, rows: pr.rows}
}

type written struct {
	file *schemas.PendingFile
	rows int
}

func newFlusher(s *spill, layout schemas.Layout, id string, received time.Time) *flusher {
	f := &flusher{spill: s, layout: layout, id: id, received: received, written: map[*periodRows]written{},
		streams: map[*periodRows]*stream{}}
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
		pw.release() // let go of the last file
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
		f.record(j, pf, err)
	}
}

// writeHere writes one job on the calling goroutine, with a pooled writer.
func (f *flusher) writeHere(j flushJob) {
	pw := partWriters.Get().(*partWriter)
	pf, err := f.write(pw, j)
	if err == nil {
		pw.release()        // let go of the file
		partWriters.Put(pw) // one that failed part way is kept for no other file
	}
	f.record(j, pf, err)
}

// record keeps the file a job wrote as its period's, unless an equal
// or fuller copy is already written.
func (f *flusher) record(j flushJob, pf *schemas.PendingFile, err error) {
	f.mu.Lock()
	switch {
	case err != nil:
		f.err = errors.Join(f.err, err)
	case f.written[j.period].rows >= j.rows && f.written[j.period].file != nil:
		pf.Abort() // an equal or fuller copy is already written; its folder stays in use
	default:
		if old := f.written[j.period].file; old != nil {
			old.Abort()
		}
		f.written[j.period] = written{pf, j.rows}
	}
	f.mu.Unlock()
	if err == nil && !f.reported.Swap(true) {
		reach("partition-pending")
	}
}

// write writes one job's rows to a pending file and closes it, so that
// the periods written do not hold a descriptor each. The file is named for
// its council when the period has one, and for the submission alone when
// it has several (schemas.ObservationPeriodFile).
func (f *flusher) write(pw *partWriter, j flushJob) (*schemas.PendingFile, error) {
	council := ""
	if len(j.parts) == 1 {
		council = j.parts[0].part.key.council
	}
	final := f.layout.ObservationPeriodFile(j.period.id, council, f.id)
	pf, err := f.createPeriodFile(final)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(pf, 64<<10)
	err = pw.writePeriod(f.spill, j.parts, j.rows, bw, f.id, f.received)
	if err == nil {
		err = bw.Flush()
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

// leave queues a period the rows have moved on from. It runs on the
// checking goroutine, which owns the spill, so it flushes the spill's
// buffer for the writers to read and copies the runs they will read.
func (f *flusher) leave(pr *periodRows) error {
	if f.covers(pr) {
		return nil // its stream has every row so far, and writes them
	}
	if err := f.spill.w.Flush(); err != nil {
		return fmt.Errorf("flush spill file: %w", err)
	}
	if err := f.spill.f.toDisk(); err != nil {
		return err
	}
	f.send(newJob(pr))
	return nil
}

// place writes the periods not yet written in full and renames every
// file into place, without syncing any (schemas.PlaceAll), and returns
// their paths for the caller to sync (syncWarehouse) beside the
// submission's other files, before the submission's folder is renamed into
// place. So the warehouse costs the ingest one wait on the disk, shared
// with the rest, instead of a sync of each file before its rename and
// another of its folder after. That a crash may then leave a file in
// place but torn is safe: until the submission's folder is in place the
// clean-up after a crash removes every warehouse file of the submission by
// name, whole or not (see recover.go). abort may follow it.
func (f *flusher) place(ctx context.Context) ([]string, error) {
	f.stop()
	f.stopStreams()
	if f.err != nil {
		return nil, f.err
	}
	if err := f.spill.w.Flush(); err != nil {
		return nil, fmt.Errorf("flush spill file: %w", err)
	}
	periods := f.spill.periodsSorted()
	var again []*periodRows // not written yet, or written before more rows came
	for _, pr := range periods {
		if w := f.written[pr]; w.file == nil || w.rows != pr.rows {
			again = append(again, pr)
		}
	}
	f.start()
	if len(again) == 1 {
		// A council's return for a quarter, as most are: its one
		// period is written here, on the goroutine that would
		// otherwise only wait for a writer, since handing it over and
		// back costs two waits for the scheduler, which a loaded machine
		// makes longer than encoding a few rows (see finishLast).
		f.writeHere(newJob(again[0]))
	} else if len(again) > 1 {
		if err := f.spill.f.toDisk(); err != nil {
			return nil, err
		}
		for _, pr := range again {
			if ctx.Err() != nil {
				break
			}
			f.send(newJob(pr))
		}
	}
	f.stop()
	if err := errors.Join(f.err, ctx.Err()); err != nil {
		return nil, err
	}
	files := make([]*schemas.PendingFile, len(periods))
	for i, pr := range periods {
		files[i] = f.written[pr].file
	}
	reach("partitions-written")
	f.committing = true
	return schemas.PlaceAll(files)
}

// syncTargets returns what the caller must give syncWarehouse for the files
// placed: the files, each file's period folder, and the folders the
// flusher made above them (a new warehouse). It syncs each of them
// and the folder holding it, so a period folder's entry in
// warehouse/observations is synced whoever made the folder: one made by
// another ingest, which may be rejected or still unsynced, or made again
// by CreatePending after an aborted ingest removed it, is as new to the
// disk as one this ingest made, and this ingest's file is lost with it.
// That costs one more sync, of warehouse/observations, in the same batch.
func (f *flusher) syncTargets(files []string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	targets := slices.Clone(files)
	for _, file := range files {
		if d := filepath.Dir(file); !slices.Contains(targets, d) {
			targets = append(targets, d)
		}
	}
	for _, d := range f.made {
		if !slices.Contains(targets, d) {
			targets = append(targets, d)
		}
	}
	return targets
}

// createPeriodFile creates the pending file of a period's rows at final,
// making its period's folder first if need be and keeping the folders it
// made in f.made, to be synced with the files.
func (f *flusher) createPeriodFile(final string) (*schemas.PendingFile, error) {
	made, err := makePeriodFolder(f.layout, filepath.Dir(final))
	if err != nil {
		return nil, err
	}
	if len(made) > 0 {
		f.mu.Lock()
		f.made = append(f.made, made...)
		f.mu.Unlock()
	}
	return schemas.CreatePending(final)
}

// makePeriodFolder makes the folder dir of a period's files if it is not
// there, and returns the folders it made, so that their entries can be
// synced with the files: a new period comes once a quarter, and a crash
// after the submission is acknowledged must not lose the folder its file
// is in. POSIX promises a made folder survives only once the folder
// holding it is synced.
func makePeriodFolder(layout schemas.Layout, dir string) ([]string, error) {
	err := os.Mkdir(dir, 0o755)
	if err == nil {
		return []string{dir}, nil
	}
	if errors.Is(err, fs.ErrExist) {
		return nil, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("create folder: %w", err)
	}
	// The warehouse itself is new: make it, and note each folder made.
	var made []string
	for d := dir; d != layout.Root && d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		}
		made = append(made, d)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create folder: %w", err)
	}
	return made, nil
}

// finishLast queues the period the rows ended in, once the whole file
// has passed, so that it is written while the rest of the ingest goes on;
// in a national return, writing overlaps what the ingest does next. A
// return of one period (a council's return for a quarter) started no
// writer, and place writes it instead. It is synced only after its
// rename, with the submission's other files: a sync here as well would put
// two waits on the disk one after the other where one does.
func (f *flusher) finishLast() error {
	if f.spill.last == nil {
		return nil
	}
	f.partLeft(f.spill.last)
	pr := f.spill.last.in
	if pr.left {
		return nil
	}
	pr.left = true
	if f.workers == 0 || f.covers(pr) {
		// The whole return is this one period (place writes it), or its
		// stream has all its rows.
		return nil
	}
	if err := f.spill.w.Flush(); err != nil {
		return fmt.Errorf("flush spill file: %w", err)
	}
	f.send(newJob(pr))
	return nil
}

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
	for _, d := range f.abortStreams() {
		dirs[d] = true
	}
	for _, w := range f.written {
		if w.file == nil {
			continue
		}
		if w.file.Abort() {
			dirs[filepath.Dir(w.file.Path())] = true
		} else if discard && f.committing {
			// PlaceAll may have stopped part way: each file is under
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
