package ingest

// readAhead decodes a return's rows on a goroutine of its own, a batch at
// a time, while the checks run on the caller's. Reading the file, storing
// and hashing its bytes, turning them into UTF-8 and splitting records
// into fields take about as long as checking the rows, so on two cores a
// large return is read in little more than the time the checks take.
//
// What the checks see is what they would see reading the rows themselves:
// the rows in order, each preceded by the problems of the records decoding
// passed over before it (syntax, field counts, footers, split figures), in
// the order decoding found them, and at the end the error that stopped
// decoding (io.EOF, a *decodeError, or a read error). So the report, its
// first MaxProblems problems included, is the same. A return read whole
// already, to find its header, is decoded on the caller's goroutine, a
// batch at a time as the checks ask for one.
type readAhead struct {
	src     *rowSource
	batches chan *rowBatch // filled batches, in order
	free    chan *rowBatch // batches the checks are done with
	stop    chan struct{}  // closed when the checks stop early
	done    chan struct{}  // closed when the goroutine has returned
	// cancelRead makes a read that waits (a pipe whose writer is
	// silent) return, so that stopping early need not wait for it.
	cancelRead func()
	ended      bool // the batch with the final error has been taken
	closed     bool
	inline     bool // rows are decoded by next, on the caller's goroutine
	made       int  // batches made, by the goroutine that fills them
}

// rowBatch is a run of decoded rows with the problems found among them.
type rowBatch struct {
	rows  []rawRow
	probs []batchProblem
	err   error // how decoding ended, on the last batch; nil on the others
}

// batchProblem is a problem decoding found after rows rows of its batch.
type batchProblem struct {
	rows int
	p    Problem
}

const (
	// aheadRows is how many rows a batch holds: enough that handing one
	// over costs little beside checking it, few enough that the rows
	// decoded ahead (aheadBatches+2 batches, their records included)
	// take half a megabyte.
	aheadRows = 256
	// aheadProblems sends a batch early once decoding has found this many
	// problems for it, so a file of lines that give no rows (all of the
	// wrong width, say) is held in memory a batch at a time.
	aheadProblems = 256
	// aheadBatches is how many filled batches may wait for the checks.
	aheadBatches = 4
	// aheadFirstRows is the size of the first batch; each after is twice
	// the one before, up to aheadRows.
	aheadFirstRows = 32
)

// startReadAhead starts decoding src's rows. cancelRead must make the
// reads of src's reader return; close calls it only when the checks stop
// before decoding has ended.
func startReadAhead(src *rowSource, cancelRead func()) *readAhead {
	a := &readAhead{
		src:        src,
		batches:    make(chan *rowBatch, aheadBatches),
		free:       make(chan *rowBatch, aheadBatches+2),
		stop:       make(chan struct{}),
		done:       make(chan struct{}),
		cancelRead: cancelRead,
	}
	if src.small {
		// The whole return is in memory already: there is nothing to
		// read while checking, and handing rows between goroutines
		// would only add waits for the scheduler.
		a.inline = true
		close(a.done)
		return a
	}
	go a.run()
	return a
}

// fill decodes rows into b until it is full or decoding ends.
func (a *readAhead) fill(b *rowBatch) {
	a.src.report = func(p Problem) { b.probs = append(b.probs, batchProblem{len(b.rows), p}) }
	b.rows, b.probs, b.err = b.rows[:0], b.probs[:0], nil
	for len(b.rows) < cap(b.rows) && len(b.probs) < aheadProblems {
		b.rows = b.rows[:len(b.rows)+1]
		if err := a.src.next(&b.rows[len(b.rows)-1]); err != nil {
			b.rows = b.rows[:len(b.rows)-1]
			b.err = err
			break
		}
	}
}

// batch returns a batch to fill: one handed back, or while fewer than
// aheadBatches+2 have been made, a new one. The batches start small and
// double, so that a council's return of a few dozen rows is not given
// room for a thousand. It returns nil once stop is closed.
func (a *readAhead) batch() *rowBatch {
	select {
	case b := <-a.free:
		return b
	default:
	}
	if a.made < aheadBatches+2 {
		a.made++
		return &rowBatch{rows: make([]rawRow, 0, min(aheadFirstRows<<(a.made-1), aheadRows))}
	}
	select {
	case b := <-a.free:
		return b
	case <-a.stop:
		return nil
	}
}

func (a *readAhead) run() {
	defer close(a.done)
	for {
		b := a.batch()
		if b == nil {
			return
		}
		a.fill(b)
		select {
		case a.batches <- b:
		case <-a.stop:
			return
		}
		if b.err != nil {
			return
		}
	}
}

// next returns the next batch. The caller hands it back with release
// before taking another.
func (a *readAhead) next() *rowBatch {
	var b *rowBatch
	if a.inline {
		b = a.batch()
		a.fill(b)
	} else {
		b = <-a.batches
	}
	if b.err != nil {
		a.ended = true
	}
	return b
}

// release hands a batch back for reuse.
func (a *readAhead) release(b *rowBatch) {
	clear(b.rows) // let the records go
	clear(b.probs)
	a.free <- b
}

// close waits for the decoding goroutine to return, so that nothing reads
// the return once the caller goes on. If the checks stopped before the
// last batch, it stops decoding first, cancelling a read that waits.
// Calls after the first do nothing.
func (a *readAhead) close() {
	if a.closed {
		return
	}
	a.closed = true
	if !a.ended && !a.inline {
		close(a.stop)
		a.cancelRead()
	}
	<-a.done
}
