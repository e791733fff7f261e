package ingest

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

// Pipeline checks returns and stores them in a data folder.
type Pipeline struct {
	Layout    schemas.Layout
	Catalogue *schemas.Catalogue
	Councils  *schemas.Councils
	// Now returns the time of receipt; nil means time.Now. Periods that
	// start after Now's day are rejected as in the future.
	Now func() time.Time
}

// Options describe one submission.
type Options struct {
	// Mapping describes a non-canonical layout; nil for the canonical one.
	Mapping *schemas.Mapping
	// Council, when set, is the council the submitter speaks for: every
	// row must be for it, and a file without a council column takes it.
	Council string
	// Submitter records who sent the file (a user or a token's name).
	Submitter string
	// Progress, if set, is called every ProgressEvery rows with the rows
	// checked and the bytes read so far, so a long ingest can say how it
	// is getting on.
	Progress func(rows int, bytes int64)
	// MaxBytes is the largest return read, in bytes; 0 means
	// DefaultMaxBytes. A larger file is refused with an error coded
	// schemas.ETOOLARGE and nothing of it is kept.
	MaxBytes int64
}

// ProgressEvery is how many rows pass between calls of Options.Progress.
const ProgressEvery = 100_000

// ErrUsage marks errors in how ingest was asked to run, as opposed to
// problems in the return itself. Such errors carry the code
// schemas.EINVALID; their text leaves the word "usage" out, and names the
// option, not a flag: flags belong to the command that has them.
var ErrUsage = errors.New("usage")

// usageError is an error in how ingest was asked to run: a coded error that
// errors.Is also matches to ErrUsage.
type usageError struct{ err *schemas.Error }

// usageErrorf formats a usage error as fmt.Errorf would.
func usageErrorf(format string, args ...any) error {
	return usageError{schemas.Errorf(schemas.EINVALID, format, args...)}
}

func (e usageError) Error() string   { return e.err.Error() }
func (e usageError) Unwrap() []error { return []error{e.err, ErrUsage} }

// IngestFile checks and stores the return at path, which must be a regular
// file no larger than opt's limit (see CheckFile).
func (p *Pipeline) IngestFile(ctx context.Context, path string, opt Options) (*Report, error) {
	if err := CheckFile(path, opt.MaxBytes); err != nil {
		return nil, err
	}
	// Opened without blocking, and checked again once open: a named pipe
	// put in the file's place since CheckFile looked would otherwise hold
	// the open until a writer came.
	f, err := os.OpenFile(path, openFlags, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, schemas.Errorf(schemas.ENOTFOUND, "open return: %w", err)
	}
	if err != nil {
		return nil, fmt.Errorf("open return: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open return: %w", err)
	}
	if err := checkFileInfo(path, st, opt.maxBytes()); err != nil {
		return nil, err
	}
	return p.Ingest(ctx, f, filepath.Base(path), opt)
}

// Ingest checks the return read from r, stores the file as received with
// its manifest and report, and, if it has no errors, writes its rows to
// the warehouse. The returned error is for I/O failures, bad options, a
// return larger than opt's limit and a cancelled ctx; problems in the
// return are in the report. Reading r stops when ctx ends even if r's
// Read is blocked (a pipe whose writer is silent); the blocked Read itself
// returns only when r's writer or owner ends it.
func (p *Pipeline) Ingest(ctx context.Context, r io.Reader, name string, opt Options) (*Report, error) {
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	received := now().UTC().Truncate(time.Microsecond)
	today := time.Date(received.Year(), received.Month(), received.Day(), 0, 0, 0, 0, time.UTC)
	var council *schemas.Council
	if opt.Council != "" {
		c, err := p.Councils.ResolveGiven(opt.Council)
		if err != nil {
			return nil, usageErrorf("council option: %w", err)
		}
		council = c
	}
	name = safeName(name)

	if err := os.MkdirAll(p.Layout.Submissions(), 0o755); err != nil {
		return nil, fmt.Errorf("create submissions folder: %w", err)
	}
	// Best effort: a leftover that cannot be removed now harms nothing
	// this ingest does, and the next one tries again.
	_, _ = p.removeLeftovers()
	id, err := p.newID(received)
	if err != nil {
		return nil, err
	}
	in, layoutRecorded, err := p.startInLayout(ctx, id)
	if err != nil {
		return nil, err
	}
	tmp := in.dir
	committed := false
	defer func() { in.finish(committed) }() // last: the lock says this id's files are being looked after
	defer func() {
		if !committed {
			os.RemoveAll(tmp)
		}
	}()
	stored, err := os.Create(filepath.Join(tmp, name))
	if err != nil {
		return nil, fmt.Errorf("store return: %w", err)
	}
	defer stored.Close()
	// Every wait on the disk ends before the files close (see the commit
	// below).
	var syncs tasks
	defer syncs.wait()
	sw := bufio.NewWriterSize(&writebackWriter{f: stored}, 256<<10)
	hash := sha256.New()
	counter := &countWriter{}
	// The file is read once: as it is parsed, the same bytes are stored
	// and hashed.
	// The rows are decoded on a goroutine of their own (readAhead), which
	// stopReading stops should the checks end first.
	cr, stopReading := ctxReader(ctx, r)
	defer stopReading()
	limit := opt.maxBytes()
	tee := io.TeeReader(&limitReader{r: cr, left: limit, limit: limit}, io.MultiWriter(sw, hash, counter))

	probs := &problems{}
	res, err := p.check(ctx, tee, stopReading, counter, in, id, received, opt, council, today, probs)
	if res != nil && res.spill != nil {
		defer res.spill.close()
		// Before the spill closes, since the writers read it; and, unless
		// the submission is in place, removing any warehouse file already
		// committed, so that an error late in the commit leaves none
		// without its submission.
		defer func() { res.flush.abort(!committed) }()
	}
	if err != nil {
		return nil, err
	}
	reach("checked")
	if _, err := io.Copy(io.Discard, tee); err != nil { // store the rest of a file that stopped early
		return nil, fmt.Errorf("read return: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return nil, fmt.Errorf("store return: %w", err)
	}
	sum := hex.EncodeToString(hash.Sum(nil))

	rep := &Report{Submission: id, File: name, SHA256: sum, Rows: res.rows,
		Councils: res.councils, Periods: res.periods, Services: res.services}
	if council != nil {
		rep.Council = council.Code
	} else if len(res.councils) == 1 {
		rep.Council = res.councils[0]
	}
	rep.Problems, rep.Errors, rep.Warnings, rep.Omitted = probs.sorted(), probs.errors, probs.warnings, probs.omitted
	rep.Status = schemas.SubmissionAccepted
	if rep.Errors > 0 {
		rep.Status = schemas.SubmissionRejected
		rep.Rows = 0
	}

	// The same bytes are the same submission only for the same council
	// and read the same way: through another mapping they are other rows.
	councilKey := rep.Council
	if councilKey == "" {
		councilKey = strings.Join(res.councils, ",")
	}
	if opt.Mapping != nil {
		mb, err := json.Marshal(opt.Mapping) // map keys are sorted, so this is stable
		if err != nil {
			return nil, fmt.Errorf("mapping: %w", err)
		}
		mapSum := sha256.Sum256(mb)
		councilKey += " mapping:" + hex.EncodeToString(mapSum[:8])
	}

	catSum, err := catalogueSum(p.Catalogue)
	if err != nil {
		return nil, err
	}

	// The lock on these bytes' index entry is held from looking for a
	// duplicate to recording this submission: otherwise two ingests of the
	// same file at once would both find none and both be stored. Checking
	// the rows, the slow part, is done before, outside the lock.
	unlock, err := schemas.LockFile(ctx, filepath.Join(p.indexDir(), sum+".lock"))
	if err != nil {
		return nil, fmt.Errorf("submission index: %w", err)
	}
	// Once the submission is in place an error in releasing the lock is no
	// failure of the ingest, and closing the lock file releases it anyway.
	defer func() { _ = unlock() }()
	reach("index-locked")
	ws := newWarehouseState(p.Layout)
	defer ws.close()
	var again *schemas.Manifest // an earlier submission of these bytes that this one makes current again
	var replacing []replaced
	if prev, ok := p.findDuplicate(sum, councilKey); ok {
		// The same bytes are the same submission while the earlier one's
		// outcome stands: rejected and rejected again, or accepted and
		// still current under the same catalogue rules. Sent again after
		// a later return replaced it, the file is recorded anew, so that
		// it is the latest and current again: the way to undo a mistaken
		// correction.
		same := !rep.Accepted()
		if prev.Status == schemas.SubmissionAccepted {
			m, err := ws.accepted(prev.ID)
			if err != nil {
				return nil, fmt.Errorf("submission index: %w", err)
			}
			if m != nil {
				if replacing, err = ws.supersededBy(m); err != nil {
					return nil, err
				}
				if len(replacing) > 0 {
					again = m
				}
				// Checked against a catalogue that has changed since,
				// values worked out from the counts may come out otherwise
				// now: sending the file again is how a council brings them
				// up to date, as publish asks when the catalogue changes.
				// An entry from before catalogues were recorded may
				// have been checked against any catalogue: stored again.
				same = len(replacing) == 0 && prev.Catalogue == catSum
			}
		}
		if same {
			rep.Duplicate = prev.ID
			rep.Submission = prev.ID
			rep.Status = prev.Status
			return rep, nil
		}
	}
	if rep.Accepted() && res.spill != nil {
		wds, err := ws.withdrawals(res.spill, id, received)
		if err != nil {
			return nil, err
		}
		if again != nil {
			rep.Reinstates = again.ID
			probs.add(currentAgainProblem(again, replacing))
		}
		rep.Withdrawals = wds
		for _, wd := range wds {
			probs.add(withdrawalProblem(wd))
		}
		rep.Problems, rep.Warnings, rep.Omitted = probs.sorted(), probs.warnings, probs.omitted
	}

	man := schemas.Manifest{
		ID: id, File: name, SHA256: sum, Size: counter.n.Load(), ReceivedAt: received,
		Submitter: opt.Submitter, Council: rep.Council, Councils: res.councils, Status: rep.Status,
		Rows: rep.Rows, Periods: res.periods, Services: res.services, Errors: rep.Errors, Warnings: rep.Warnings,
	}
	// What must be durable before the submission's folder is renamed into
	// place (the stored file, its warehouse files, index entry, report and
	// manifest, and the folders' entries) is first written, waiting on no
	// disk, and then synced all at once, side by side: a journalling
	// filesystem commits syncs that wait together in one go, and any disk
	// takes writes queued together faster than one after another. Started
	// as each step was ready, a small return's syncs came in up to four
	// rounds one after the other (the Parquet file, then its folder and the
	// index entry's temporary file, then the index's folder, then the
	// rename's); now there are two, this one and the rename's. The order
	// that the crash guarantees need holds (see recover.go): every one of
	// these is synced before the folder is renamed, and the rename is
	// synced before the submission is acknowledged.
	if rep.Accepted() {
		files, err := res.flush.place(ctx)
		if err != nil {
			return nil, err
		}
		// Every file is written: the spill is read no more, and removed
		// before the syncs below, so that its pages, tens of megabytes
		// of a national return, are dropped rather than written to disk.
		res.spill.close()
		man.Files = make([]string, len(files))
		for i, f := range files {
			man.Files[i] = relPath(p.Layout.Root, f)
		}
		syncs.run(func() error {
			if err := syncWarehouse(res.flush.syncTargets(files)); err != nil {
				return err
			}
			reach("warehouse-committed")
			return nil
		})
		if !layoutRecorded {
			// The first file of an empty warehouse: say which layout it
			// is in, before the submission that makes it count exists.
			syncs.run(func() error { return p.recordLayout(ctx) })
		}
	}
	// The index entry may come before the submission's folder is in place,
	// not after: an entry whose submission never arrived is passed over,
	// but a submission without its entry would be stored again, rows and
	// all, when its file is sent again.
	syncIndex, err := p.remember(indexEntry{ID: id, Councils: councilKey, Status: man.Status, Catalogue: catSum}, sum)
	if err != nil {
		return nil, errors.Join(err, syncs.wait())
	}
	syncs.run(func() error {
		if err := syncIndex(); err != nil {
			return err
		}
		reach("indexed")
		return nil
	})
	// The incoming folder is invisible until it is renamed into place, so
	// its files need only be synced, not renamed one by one; and once they
	// are made, the folder's entries are synced beside their contents.
	// A submission exists once its folder is in place with a manifest;
	// publish counts only accepted manifests.
	report, err := writeNew(filepath.Join(tmp, "report.json"), rep)
	if err != nil {
		return nil, errors.Join(err, syncs.wait())
	}
	manifest, err := writeNew(filepath.Join(tmp, "manifest.json"), man)
	if err != nil {
		report.Close()
		return nil, errors.Join(err, syncs.wait())
	}
	syncs.run(func() error {
		if err := stored.Sync(); err != nil {
			return fmt.Errorf("store return: %w", err)
		}
		return nil
	})
	syncs.run(func() error {
		if err := syncClose(report); err != nil {
			return err
		}
		reach("report-written")
		return nil
	})
	syncs.run(func() error { return syncClose(manifest) })
	syncs.run(func() error { return schemas.SyncDir(tmp) })
	if err := syncs.wait(); err != nil {
		return nil, err
	}
	reach("manifest-written")
	if err := os.Rename(tmp, p.Layout.Submission(id)); err != nil {
		return nil, fmt.Errorf("move submission into place: %w", err)
	}
	committed = true
	reach("renamed")
	if err := schemas.SyncDir(p.Layout.Submissions()); err != nil {
		return nil, err
	}
	return rep, nil
}

// startInLayout checks that the warehouse is in the layout ingest writes
// and starts receiving submission id (startIncoming), both under the
// warehouse's layout lock: a migration takes that lock and then waits for
// no incoming submission's lock to be held, so no ingest writes into a
// tree being moved. It reports whether warehouse/layout.json records the
// layout already; if not, the first accepted return writes it.
func (p *Pipeline) startInLayout(ctx context.Context, id string) (*incoming, bool, error) {
	unlock, err := schemas.LockFile(ctx, p.Layout.WarehouseLayoutLock())
	if err != nil {
		return nil, false, fmt.Errorf("warehouse layout: %w", err)
	}
	defer func() { _ = unlock() }() // closing the lock file releases it anyway
	// Only a holder of this lock writes layout.json (recordLayout), so a
	// temporary file of it is one a crash left.
	if err := removeTemps(p.Layout.Warehouse(), "layout.json"); err != nil {
		return nil, false, err
	}
	if err := schemas.CheckWarehouseMigration(p.Layout); err != nil {
		return nil, false, fmt.Errorf("%w, then send the return again", err)
	}
	version, recorded, err := schemas.ReadWarehouseLayout(p.Layout)
	if err != nil {
		return nil, false, err
	}
	if version != schemas.WarehouseLayoutVersion {
		return nil, false, fmt.Errorf("%w in %s: run `yardstick warehouse migrate --data %s` once to move it to layout %d "+
			"(one file per submission and period), then send the return again",
			schemas.ErrWarehouseLayout1, p.Layout.Observations(), p.Layout.Root, schemas.WarehouseLayoutVersion)
	}
	in, err := p.startIncoming(ctx, id)
	return in, recorded, err
}

// recordLayout writes warehouse/layout.json, under the layout lock, unless
// another ingest has just written it.
func (p *Pipeline) recordLayout(ctx context.Context) error {
	unlock, err := schemas.LockFile(ctx, p.Layout.WarehouseLayoutLock())
	if err != nil {
		return fmt.Errorf("warehouse layout: %w", err)
	}
	defer func() { _ = unlock() }()
	if _, recorded, err := schemas.ReadWarehouseLayout(p.Layout); err != nil || recorded {
		return err
	}
	return schemas.WriteWarehouseLayout(p.Layout)
}

// removeTemps removes the temporary files of name in dir (.<name>.tmp-*).
func removeTemps(dir, name string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("list %s: %w", dir, err)
	}
	var errs []error
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), schemas.TempPrefix(name)) {
			errs = append(errs, schemas.RemoveIfExists(filepath.Join(dir, e.Name())))
		}
	}
	return errors.Join(errs...)
}

// newID returns a new submission id: the time of receipt, to the
// microsecond, so ids sort in the order returns arrived, and a random
// suffix. It is chosen before the file is read because every warehouse row
// carries it.
func (p *Pipeline) newID(received time.Time) (string, error) {
	for {
		var b [4]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", fmt.Errorf("submission id: %w", err)
		}
		id := received.Format("20060102T150405.000000Z") + "-" + hex.EncodeToString(b[:])
		if _, err := os.Stat(p.Layout.Submission(id)); errors.Is(err, fs.ErrNotExist) {
			return id, nil
		}
	}
}

// checked is what checking a return found.
type checked struct {
	flush                       *flusher
	spill                       *spill
	rows                        int
	councils, periods, services []string
}

// check decodes and checks every row, spilling good rows while the file
// has no errors. Problems go to probs; the error is for I/O failures.
// cancelRead must make reads of r return; it is called if checking stops
// before r has been read to its end.
func (p *Pipeline) check(ctx context.Context, r io.Reader, cancelRead func(), read *countWriter, in *incoming, id string, received time.Time, opt Options, council *schemas.Council, today time.Time, probs *problems) (*checked, error) {
	res := &checked{}
	councilCode := ""
	if council != nil {
		councilCode = council.Code
	}
	src, err := openReturn(r, opt.Mapping, councilCode, probs)
	var de *decodeError
	if errors.As(err, &de) {
		probs.add(de.Problem)
		return res, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read return: %w", err)
	}
	if src == nil {
		return res, nil
	}
	sp, err := newSpill(in.spill) // beside, not inside, the folder that is renamed
	if err != nil {
		return nil, err
	}
	res.spill = sp
	res.flush = newFlusher(sp, p.Layout, id, received)
	sp.onLeave = res.flush.leave
	sp.onPartLeave = res.flush.partLeft
	// The duplicate check's file is inside the incoming folder, which a
	// crash's clean-up removes whole; it is gone before the folder is
	// renamed into place.
	chk := newChecker(p.Catalogue, p.Councils, src.plan, probs, today, council, filepath.Join(in.dir, ".keys"))
	// Rows giving a provider's name alone are matched in the data folder's
	// provider register (names.go), read only if such a row comes.
	chk.register = registerFile(p.Layout.Root)
	defer chk.close()
	seenC, seenP, seenS := map[string]bool{}, map[string]bool{}, map[string]bool{}
	var last obs // the council, period and service seen last, already in the maps
	seen := func(o *obs) {
		// Rows come council by council and period by period: most are
		// the row before's, and need no three map look-ups.
		if o.Council != last.Council || o.Period.ID != last.Period.ID || o.Service != last.Service {
			seenC[o.Council], seenP[o.Period.ID], seenS[o.Service] = true, true, true
			last.Council, last.Period.ID, last.Service = o.Council, o.Period.ID, o.Service
		}
	}
	// Rows giving a provider's name alone wait for the end of the file,
	// where a later line may give that name its id (names.go); they are
	// stored here.
	chk.emitHeld = func(o *obs) error {
		seen(o)
		if chk.errs == 0 {
			return sp.add(o)
		}
		return nil
	}

	ahead := startReadAhead(src, cancelRead)
	defer ahead.close()
	var o obs
rows:
	for {
		b := ahead.next()
		reported := 0
		for i := range b.rows {
			// A cancelled read ends the rows anyway (the reader returns
			// the context's error); checking here too stops a file
			// already buffered in memory.
			if res.rows%1024 == 0 && ctx.Err() != nil {
				break rows
			}
			for ; reported < len(b.probs) && b.probs[reported].rows <= i; reported++ {
				probs.add(b.probs[reported].p)
			}
			row := &b.rows[i]
			res.rows++
			if opt.Progress != nil && res.rows%ProgressEvery == 0 {
				opt.Progress(res.rows, read.n.Load())
			}
			if !chk.check(row, &o) {
				continue
			}
			seen(&o)
			if chk.errs == 0 { // once the file is rejected, rows are only checked
				if err := sp.add(&o); err != nil {
					return res, err
				}
			}
		}
		for _, bp := range b.probs[reported:] {
			probs.add(bp.p)
		}
		err = b.err
		ahead.release(b)
		if err != nil {
			break
		}
	}
	ahead.close()
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if err := chk.finish(); err != nil {
		return res, err
	}
	if err := chk.close(); err != nil {
		return res, err
	}
	if errors.As(err, &de) {
		probs.add(de.Problem)
	} else if err != nil && !errors.Is(err, io.EOF) {
		return res, fmt.Errorf("read return: %w", err)
	}
	if res.rows == 0 && probs.errors == 0 {
		probs.add(Problem{Line: src.plan.headerLine, Code: CodeNoRows,
			Message: "the file has a header but no rows of figures", Hint: "add the figures below the header row"})
	}
	if probs.errors == 0 {
		if err := res.flush.finishLast(); err != nil {
			return res, err
		}
	}
	res.councils, res.periods, res.services = sortedKeys(seenC), sortedKeys(seenP), sortedKeys(seenS)
	return res, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// indexDir holds, per file hash, the submissions of those bytes, so a
// resubmission of the same bytes for the same council is found without
// reading every manifest. Losing it loses only that shortcut.
func (p *Pipeline) indexDir() string { return filepath.Join(p.Layout.Submissions(), ".index") }

type indexEntry struct {
	ID       string `json:"id"`
	Councils string `json:"councils"`
	Status   string `json:"status"`
	// Catalogue is catalogueSum of the catalogue the file was checked
	// against; "" in entries made before it was recorded.
	Catalogue string `json:"catalogue,omitempty"`
}

// catalogueSum returns a short hash of what the checks read from the
// catalogue: each service's responsibility and each metric's services,
// kind, unit, multiplier and range, not its titles and notes.
func catalogueSum(c *schemas.Catalogue) (string, error) {
	type service struct{ ID, Responsibility string }
	type metric struct {
		ID, Kind, Unit string
		Services       []string
		Multiplier     float64
		Min, Max       *float64
	}
	var v struct {
		Services []service
		Metrics  []metric
	}
	for _, s := range c.Services {
		v.Services = append(v.Services, service{s.ID, string(s.Responsibility)})
	}
	for _, m := range c.Metrics {
		v.Metrics = append(v.Metrics, metric{m.ID, string(m.Kind), string(m.Unit), m.Services, m.Multiplier, m.Min, m.Max})
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("catalogue: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8]), nil
}

// findDuplicate looks in the index for the latest submission of the bytes
// with hash sum for the same councils: a file sent again after a later
// return replaced it is recorded again, so the bytes may have several. The
// caller holds the lock on sum's entry.
func (p *Pipeline) findDuplicate(sum, councils string) (indexEntry, bool) {
	var entries []indexEntry
	b, err := os.ReadFile(filepath.Join(p.indexDir(), sum+".json"))
	if err != nil || json.Unmarshal(b, &entries) != nil {
		return indexEntry{}, false
	}
	for _, e := range slices.Backward(entries) { // entries are appended as submissions are recorded
		if e.Councils == councils {
			// Trust the index only while the submission it names exists.
			if _, err := os.Stat(filepath.Join(p.Layout.Submission(e.ID), "manifest.json")); err == nil {
				return e, true
			}
		}
	}
	return indexEntry{}, false
}

// remember adds the entry e to the index under sum, and returns the wait
// on the disk that makes it durable, for the caller to run beside its
// other syncs. The caller holds the lock on sum's entry, so no other
// ingest's entry is lost between the read and the write.
func (p *Pipeline) remember(e indexEntry, sum string) (sync func() error, err error) {
	path := filepath.Join(p.indexDir(), sum+".json")
	var entries []indexEntry
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return writeFirstEntry(path, []indexEntry{e})
	}
	if err != nil {
		return nil, fmt.Errorf("read submission index: %w", err)
	}
	_ = json.Unmarshal(b, &entries) // a damaged entry is rebuilt below
	entries = append(entries, e)
	// An entry that exists is replaced whole, through a temporary file
	// synced before its rename, so the earlier entries survive a crash.
	return func() error { return schemas.WriteJSONAtomic(path, entries) }, nil
}

// writeFirstEntry writes the index's first entry for a file's bytes, as
// most are, straight to its name, and returns the sync of it and its
// folder, side by side: with no earlier entry to keep whole, writing it
// elsewhere first and renaming it would add a wait on the disk (the sync
// before the rename) for nothing. A crash may leave it torn. That is safe:
// the submission it names comes to exist only once it is synced; a torn
// entry does not decode, so findDuplicate passes it over as if there were
// none, and the next remember of those bytes rebuilds it whole through a
// temporary file.
func writeFirstEntry(path string, entries []indexEntry) (func() error, error) {
	f, err := writeNew(path, entries)
	if errors.Is(err, fs.ErrExist) {
		// Not while the caller holds the lock on these bytes; should it
		// happen all the same, the entry is replaced whole.
		return func() error { return schemas.WriteJSONAtomic(path, entries) }, nil
	}
	if err != nil {
		return nil, fmt.Errorf("submission index: %w", err)
	}
	return func() error {
		var dir tasks
		dir.run(func() error { return schemas.SyncDir(filepath.Dir(path)) })
		return errors.Join(syncClose(f), dir.wait())
	}, nil
}

// createNew creates a new file in a folder not yet in place.
func createNew(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return f, nil
}

// writeNew creates a new file at path in a folder not yet in place (or
// one whose readers pass over a file they cannot decode) and writes v to
// it as JSON, leaving it open for syncClose: what it writes waits on no
// disk, so that it can be synced beside other files.
func writeNew(path string, v any) (*os.File, error) {
	f, err := createNew(path)
	if err != nil {
		return nil, err
	}
	if err := schemas.EncodeJSON(f, v); err != nil {
		f.Close()
		return nil, fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return f, nil
}

// syncClose syncs f and closes it.
func syncClose(f *os.File) error {
	if err := errors.Join(f.Sync(), f.Close()); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(f.Name()), err)
	}
	return nil
}

// safeName keeps a stored file's name to its base, printable and short,
// since it comes from the submitter.
func safeName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '/' {
			return '_'
		}
		return r
	}, name)
	if name == "." || name == ".." || name == "" || name == "manifest.json" || name == "report.json" || strings.HasPrefix(name, ".") {
		name = "return.csv"
	}
	if r := []rune(name); len(r) > 120 {
		name = string(r[:120]) // by characters: the name may not be ASCII
	}
	return name
}

// tasks runs functions on goroutines of their own and gathers their
// errors.
type tasks struct {
	wg  sync.WaitGroup
	mu  sync.Mutex
	err error
}

// run runs fn on a goroutine of its own.
func (t *tasks) run(fn func() error) {
	t.wg.Go(func() {
		if err := fn(); err != nil {
			t.mu.Lock()
			t.err = errors.Join(t.err, err)
			t.mu.Unlock()
		}
	})
}

// wait waits for every function started and returns their errors.
func (t *tasks) wait() error {
	t.wg.Wait()
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// writebackWriter writes to f and, each time writebackEvery more bytes
// have been written, asks the kernel to start writing them to disk
// (startWriteback). A national return is a hundred megabytes or more;
// left to the sync at the end, it kept the ingest waiting on the disk for
// the third of a second that writing it takes, after every row had been
// checked. Started as it comes, most of it is on disk by then.
type writebackWriter struct {
	f            *os.File
	off, started int64 // bytes written, and the first not yet sent on its way
}

// writebackEvery is how many bytes a writebackWriter writes between
// asking the kernel to write them out: more than a council's return, so
// those are synced at the end alone, as before.
const writebackEvery = 8 << 20

func (w *writebackWriter) Write(b []byte) (int, error) {
	n, err := w.f.Write(b)
	w.off += int64(n)
	if w.off-w.started >= writebackEvery {
		startWriteback(w.f, w.started, w.off-w.started)
		w.started = w.off
	}
	return n, err
}

// countWriter counts the bytes read. The decoding goroutine writes it and
// progress reports read it, so it is atomic.
type countWriter struct{ n atomic.Int64 }

func (c *countWriter) Write(b []byte) (int, error) {
	c.n.Add(int64(len(b)))
	return len(b), nil
}
