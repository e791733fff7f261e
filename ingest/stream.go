package ingest

import (
	"bufio"
	"path/filepath"
	"slices"

	"github.com/parquet-go/parquet-go"
	"github.com/yardstick-open/yardstick/schemas"
)

// A national return is usually grouped by council, so every period gets
// more rows long after the rows first moved on from it, and its file
// could only be written once the whole return was read: the Parquet
// encoding, a third of the work, came after the checks instead of beside
// them. But such a return gives each period its councils in order, which
// is the order of the period's file. So a period of several councils is
// streamed: each council's rows are added to the period's file, on a
// goroutine of its own, as soon as the rows move on from that council.
// The stream stands only if the period's partitions came one after
// another in council order and none got rows again after the rows moved
// on from it; otherwise, and for a period of one council (whose file is
// named and grouped otherwise), the period is written whole at the end as
// before. Either way the file's rows, their order and its row groups are
// the same.

const (
	// maxStreams bounds the periods streamed at once: each holds a file
	// open, a row group's worth of rows and the file's metadata so far in
	// memory, a megabyte or two, growing with the file. A return of more
	// periods streams the first maxStreams and writes the others at the
	// end, as many at once as partitionWriters, which is as many as this:
	// so ingest's memory is what it was before streams, and the time as
	// short as with every period streamed. A million rows over 34 periods
	// took 1.23-1.32 s and peaked at 155 MB, against 1.29-1.33 s and 190
	// MB with all 34 streamed; five million over 40 periods peaked at 212
	// MB, against 257 MB.
	maxStreams = partitionWriters
	// streamBatchRows is how many rows of partitions the rows have moved
	// on from are handed to the streaming goroutine at a time: the spill
	// is flushed for it to read each time.
	streamBatchRows = 8192
)

// stream is a period's file being written a council at a time.
type stream struct {
	period *periodRows

	// Owned by the checking goroutine: what has been queued.
	last   string // the council of the last partition queued
	rows   int    // rows queued
	parts  int    // partitions queued
	broken bool   // the period's rows no longer come in its file's order

	// Owned by the streaming goroutine until it has stopped.
	pw     *partWriter
	w      *parquet.GenericWriter[Observation]
	pf     *schemas.PendingFile
	bw     *bufio.Writer
	failed bool // a write failed: the period is written again at the end
}

// streamAppend is a partition's rows to add to a stream.
type streamAppend struct {
	st   *stream
	part partRuns
}

// partLeft is called, on the checking goroutine, when the rows move on
// from partition p (and at the end for the last one). It queues p's rows
// for its period's stream, starting the stream when the period has rows
// of a second council and the return is large enough to be worth it, or
// marks the stream broken when p came out of order or came back.
func (f *flusher) partLeft(p *partition) {
	p.leaves++
	pr := p.in
	st := f.streams[pr]
	if st == nil {
		// A return whose checked rows still fit in memory is small:
		// written at the end, it costs no goroutine and no writer more.
		if len(pr.parts) < 2 || f.spill.off < spillInMemory || len(f.streams) >= maxStreams {
			return
		}
		st = &stream{period: pr}
		f.streams[pr] = st
		for _, q := range pr.parts {
			f.queue(st, q)
		}
		return
	}
	f.queue(st, p)
}

// queue adds partition p to stream st, unless the stream is broken or p
// breaks it.
func (f *flusher) queue(st *stream, p *partition) {
	if st.broken {
		return
	}
	if p.leaves != 1 || st.parts > 0 && p.key.council <= st.last {
		st.broken = true
		return
	}
	st.last = p.key.council
	st.rows += p.rows
	st.parts++
	f.pending = append(f.pending, streamAppend{st, partRuns{part: p, runs: slices.Clone(p.runs), rows: p.rows}})
	f.pendingRows += p.rows
	if f.pendingRows >= streamBatchRows {
		if err := f.sendPending(); err != nil {
			f.breakStreams() // their periods are written at the end, where the error shows
		}
	}
}

// breakStreams gives up every stream: their periods are written at the
// end.
func (f *flusher) breakStreams() {
	f.pending, f.pendingRows = nil, 0
	for _, st := range f.streams {
		st.broken = true
	}
}

// covers reports whether pr's stream has been given every row of pr.
func (f *flusher) covers(pr *periodRows) bool {
	st := f.streams[pr]
	return st != nil && !st.broken && st.rows == pr.rows && st.parts == len(pr.parts)
}

// sendPending hands the partitions queued to the streaming goroutine,
// starting it the first time, once the spill's buffer is in its file for
// the goroutine to read.
func (f *flusher) sendPending() error {
	if len(f.pending) == 0 {
		return nil
	}
	if err := f.spill.w.Flush(); err != nil {
		return err
	}
	if err := f.spill.f.toDisk(); err != nil {
		return err
	}
	if f.streamJobs == nil {
		f.streamJobs = make(chan []streamAppend, 4)
		f.streamWG.Go(f.streamWork)
	}
	f.streamJobs <- f.pending
	f.pending, f.pendingRows = nil, 0
	return nil
}

// streamWork writes the partitions handed to it to their streams' files.
func (f *flusher) streamWork() {
	for batch := range f.streamJobs {
		for _, a := range batch {
			if a.st.failed {
				continue
			}
			if err := f.streamWrite(a.st, a.part); err != nil {
				a.st.failed = true
			}
		}
	}
}

// streamWrite adds one partition's rows to st's file, creating the file
// with the first.
func (f *flusher) streamWrite(st *stream, part partRuns) error {
	if st.w == nil {
		pf, err := f.createPeriodFile(f.layout.ObservationPeriodFile(st.period.id, "", f.id))
		if err != nil {
			return err
		}
		st.pf, st.bw = pf, bufio.NewWriterSize(pf, 64<<10)
		st.pw = partWriters.Get().(*partWriter)
		// Several councils, so the writer of several; rows are not known
		// yet, and writeBatch of them make the batches writePeriod makes
		// of any period of at least that many.
		st.w = st.pw.begin(2, writeBatch, st.bw)
	}
	return st.pw.writePart(st.w, f.spill, part, f.id, f.received)
}

// stopStreams hands on the last partitions queued, waits for the
// streaming goroutine to write them, and finishes the file of each stream
// that has every row of its period, keeping it as the period's file
// (f.written). The others' files are removed, and their periods written
// at the end.
func (f *flusher) stopStreams() {
	if len(f.streams) == 0 {
		return
	}
	if err := f.sendPending(); err != nil {
		f.breakStreams()
	}
	f.waitStreams()
	for pr, st := range f.streams {
		if st.w == nil {
			continue
		}
		if !f.covers(pr) || st.failed {
			st.abort()
			continue
		}
		err := st.pw.end(st.w)
		if err == nil {
			err = st.bw.Flush()
		}
		if err == nil {
			err = st.pf.Finish()
		}
		if err != nil {
			st.abort() // written again at the end, where the error shows if it stays
			continue
		}
		pf := st.pf
		st.release()
		f.record(flushJob{period: pr, rows: st.rows}, pf, nil)
		reach("period-streamed")
	}
}

// waitStreams stops the streaming goroutine, once it has written what it
// was given.
func (f *flusher) waitStreams() {
	if f.streamJobs != nil {
		close(f.streamJobs)
		f.streamWG.Wait()
		f.streamJobs = nil
	}
}

// abortStreams stops the streaming goroutine and removes the files of the
// streams not kept as their periods' files, returning their folders.
func (f *flusher) abortStreams() []string {
	f.pending, f.pendingRows = nil, 0
	f.waitStreams()
	var dirs []string
	for _, st := range f.streams {
		if st.pf != nil {
			dirs = append(dirs, filepath.Dir(st.pf.Path()))
			st.abort()
		}
	}
	return dirs
}

// release gives the stream's writer back to the pool and lets go of its
// file, now the period's or removed.
func (st *stream) release() {
	st.pw.release()
	partWriters.Put(st.pw)
	st.pw, st.w, st.pf, st.bw = nil, nil, nil, nil
}

// abort removes the stream's file and drops its writer, which may have
// stopped part way.
func (st *stream) abort() {
	if st.pf != nil {
		st.pf.Abort()
	}
	st.pw, st.w, st.pf, st.bw = nil, nil, nil, nil
}
