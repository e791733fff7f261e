package registers

import (
	"bufio"
	"bytes"
	"cmp"
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
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// MaxBytes is the largest register file Import takes. The CQC care
// directory, the largest, is about 30 MB; the file is held in memory while
// it is read, so the limit bounds what one import costs.
const MaxBytes = 100 << 20

// Import outcomes recorded in a manifest.
const (
	StatusAccepted = "accepted"
	StatusRejected = "rejected"
)

// providersDir is the folder of the provider register in a data folder
// (docs/DESIGN.md, "The data folder").
func providersDir(root string) string { return filepath.Join(root, "providers") }

// ImportsDir is the folder holding one folder per import.
func ImportsDir(root string) string { return filepath.Join(providersDir(root), "imports") }

// ImportDir is the folder of one import: the file as received,
// mapping.json when a mapping was used, manifest.json and report.json.
func ImportDir(root, id string) string { return filepath.Join(ImportsDir(root), id) }

// RegisterFile is the provider register built from the imports.
func RegisterFile(root string) string { return filepath.Join(providersDir(root), "register.parquet") }

// lockFile is the lock every import and rebuild holds, one at a time.
func lockFile(root string) string { return filepath.Join(providersDir(root), ".lock") }

// Manifest records one import: what was received, when, and whether it
// was accepted. It is written last, so an import folder without one is
// not an import.
type Manifest struct {
	ID         string       `json:"id"`
	File       string       `json:"file"`
	SHA256     string       `json:"sha256"`
	Size       int64        `json:"size"`
	ReceivedAt time.Time    `json:"received_at"`
	Status     string       `json:"status"`
	Regulator  string       `json:"regulator,omitempty"`
	AsAt       schemas.Date `json:"as_at"`
	// AsAtGiven is the as-at day given at import (ImportOptions.AsAt),
	// which is kept so that a rebuild reads the file as the import did.
	AsAtGiven schemas.Date `json:"as_at_given,omitzero"`
	Records   int          `json:"records"`
	Errors    int          `json:"errors"`
	Warnings  int          `json:"warnings"`
	// Mapping is the name of the kept mapping file, when the file was
	// read through one, and MappingSHA256 its hash.
	Mapping       string `json:"mapping,omitempty"`
	MappingSHA256 string `json:"mapping_sha256,omitempty"`
}

// Report is what an import found, kept as report.json.
type Report struct {
	Import string `json:"import"`
	File   string `json:"file"`
	Status string `json:"status"`
	// Duplicate names the earlier import of the same bytes (and
	// mapping); the file is not stored again.
	Duplicate string    `json:"duplicate,omitempty"`
	Layout    *Layout   `json:"layout,omitempty"`
	Rows      int       `json:"rows"`
	Records   int       `json:"records"`
	Errors    int       `json:"errors"`
	Warnings  int       `json:"warnings"`
	Omitted   int       `json:"omitted,omitempty"`
	Problems  []Problem `json:"problems"`
}

// Store keeps a data folder's register imports and builds its register.
type Store struct {
	Root     string
	Councils Councils
	// WriteParquet writes the register, given as a file of JSON lines at
	// src (WriteJSONLines), to a Parquet file at dst, atomically.
	WriteParquet func(ctx context.Context, src, dst string) error
	// MaxBytes caps the size of a file Import takes; 0 is MaxBytes.
	MaxBytes int64
}

// ImportOptions are how Import reads a file.
type ImportOptions struct {
	// Mapping, when not nil, gives the layout of a file whose header is
	// not known.
	Mapping *Mapping
	// AsAt, when not zero, is the day the register describes, and wins
	// over its title's and the mapping's.
	AsAt schemas.Date
}

// Import keeps a register file as received, under a new import id, with
// its report. name is the file's name. The same bytes, read the same way,
// imported again are a duplicate: the report names the earlier import and
// nothing is stored; a duplicate of a rejected import is checked again,
// and kept as a new import if it now reads. The register is not rebuilt:
// call Rebuild after a batch.
func (s *Store) Import(ctx context.Context, name string, r io.Reader, opt ImportOptions) (*Report, error) {
	limit := cmp.Or(s.MaxBytes, MaxBytes)
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(data)) > limit {
		return nil, schemas.Errorf(schemas.ETOOLARGE, "%s is larger than %s, more than any register; is it the right file?", name, sizeText(limit))
	}
	unlock, err := schemas.LockFile(ctx, lockFile(s.Root))
	if err != nil {
		return nil, fmt.Errorf("lock the provider register: %w", err)
	}
	defer unlock()
	if err := s.removeLeftovers(); err != nil {
		return nil, err
	}

	m := opt.Mapping
	sum := sha256.Sum256(data)
	man := Manifest{File: safeName(name), SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)), ReceivedAt: time.Now().UTC(), AsAtGiven: opt.AsAt}
	var mapping []byte
	if m != nil {
		if mapping, err = json.MarshalIndent(m, "", "  "); err != nil {
			return nil, fmt.Errorf("encode mapping: %w", err)
		}
		ms := sha256.Sum256(mapping)
		man.Mapping, man.MappingSHA256 = "mapping.json", hex.EncodeToString(ms[:])
	}
	kept, err := s.manifests()
	if err != nil {
		return nil, err
	}
	var rejected *Manifest
	for _, k := range kept {
		if k.SHA256 != man.SHA256 || k.MappingSHA256 != man.MappingSHA256 || !k.AsAtGiven.Equal(man.AsAtGiven.Time) {
			continue
		}
		if k.Status == StatusAccepted {
			return &Report{Import: k.ID, File: man.File, Status: k.Status, Duplicate: k.ID, Problems: []Problem{}}, nil
		}
		rejected = &k
	}

	p := s.read(data, m, man.AsAtGiven, man.ReceivedAt, nil)
	rep := &Report{File: man.File, Layout: p.Layout, Rows: p.Rows, Records: p.Kept,
		Errors: p.Errors, Warnings: p.Warnings, Omitted: p.Omitted, Problems: p.Problems}
	rep.Status = StatusAccepted
	if p.Errors > 0 {
		rep.Status, rep.Records = StatusRejected, 0
	}
	if rep.Problems == nil {
		rep.Problems = []Problem{}
	}
	// A file rejected before and rejected again is not kept twice: the
	// report says why, under the earlier import. One that now reads (the
	// reading has improved since) is kept anew.
	if rejected != nil && rep.Status == StatusRejected {
		rep.Import, rep.Duplicate = rejected.ID, rejected.ID
		return rep, nil
	}
	man.ID, err = newID(s.Root, man.ReceivedAt)
	if err != nil {
		return nil, err
	}
	rep.Import = man.ID
	man.Status, man.Records, man.Errors, man.Warnings = rep.Status, rep.Records, rep.Errors, rep.Warnings
	if p.Layout != nil {
		man.Regulator, man.AsAt = p.Layout.Regulator, p.Layout.AsAt
	}

	// The import is assembled in a hidden folder and renamed into place,
	// so a crash leaves no half import.
	tmp := filepath.Join(ImportsDir(s.Root), ".incoming-"+man.ID)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("keep import: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			os.RemoveAll(tmp)
		}
	}()
	files := []struct {
		name string
		data func() ([]byte, error)
	}{
		{man.File, func() ([]byte, error) { return data, nil }},
		{man.Mapping, func() ([]byte, error) { return mapping, nil }},
		{"report.json", func() ([]byte, error) { return encodeJSON(rep) }},
		{"manifest.json", func() ([]byte, error) { return encodeJSON(man) }},
	}
	for _, f := range files {
		if f.name == "" {
			continue
		}
		b, err := f.data()
		if err == nil {
			err = writeSynced(filepath.Join(tmp, f.name), b)
		}
		if err != nil {
			return nil, fmt.Errorf("keep import: %w", err)
		}
	}
	if err := schemas.SyncDir(tmp); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, ImportDir(s.Root, man.ID)); err != nil {
		return nil, fmt.Errorf("keep import: %w", err)
	}
	committed = true
	return rep, schemas.SyncDir(ImportsDir(s.Root))
}

// RebuildResult says what a rebuild read and wrote.
type RebuildResult struct {
	Imports   int
	Providers int
	// Failed lists accepted imports that no longer read cleanly, as after
	// a change to how a layout is read; they are left out.
	Failed []string
	// Notes are warnings about the register: a location listed under two
	// CQC providers, which are kept apart.
	Notes []string
}

// Rebuild builds the register afresh from every accepted import, reading
// each kept file again, and writes it to RegisterFile. The register
// depends on the kept imports alone, so rebuilding twice writes the same
// rows.
func (s *Store) Rebuild(ctx context.Context) (*RebuildResult, error) {
	unlock, err := schemas.LockFile(ctx, lockFile(s.Root))
	if err != nil {
		return nil, fmt.Errorf("lock the provider register: %w", err)
	}
	defer unlock()
	if err := s.removeLeftovers(); err != nil {
		return nil, err
	}
	if s.WriteParquet == nil {
		return nil, errors.New("write register: no Parquet writer")
	}
	provs, res, err := s.build(ctx)
	if err != nil {
		return nil, err
	}
	src, err := os.CreateTemp(providersDir(s.Root), ".register-*.jsonl")
	if err != nil {
		return nil, fmt.Errorf("write register: %w", err)
	}
	defer os.Remove(src.Name())
	w := bufio.NewWriter(src)
	err = WriteJSONLines(w, provs)
	if err == nil {
		err = w.Flush()
	}
	if cerr := src.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("write register: %w", err)
	}
	// The providers are written; the memory that built them goes back to
	// the system before DuckDB takes its own to write the Parquet file,
	// so the two do not add up.
	provs = nil
	debug.FreeOSMemory()
	if err := s.WriteParquet(ctx, src.Name(), RegisterFile(s.Root)); err != nil {
		return nil, fmt.Errorf("write register: %w", err)
	}
	return res, nil
}

// Providers builds the register from the accepted imports without writing
// it.
func (s *Store) Providers(ctx context.Context) ([]Provider, error) {
	provs, _, err := s.build(ctx)
	return provs, err
}

// build reads the accepted imports one at a time into a Builder, so a
// rebuild never holds more than a batch of one file's rows. An import
// that no longer reads cleanly (after a change to how a layout is read)
// may fail part-way, having added rows already: the build then starts
// again without it, so it adds nothing. That happens once per such import,
// and never in the usual case, where each file is read once.
func (s *Store) build(ctx context.Context) ([]Provider, *RebuildResult, error) {
	mans, err := s.manifests()
	if err != nil {
		return nil, nil, err
	}
	failed, days := map[string]bool{}, map[string]schemas.Date{}
	for {
		provs, res, redo, err := s.buildOnce(ctx, mans, failed, days)
		if err != nil || redo == nil {
			return provs, res, err
		}
		if redo.failed {
			failed[redo.id] = true
		} else {
			days[redo.id] = redo.day
		}
	}
}

// redo says why a build must start again: an import failed to read, or
// its as-at day reads differently from the day its import found.
type redo struct {
	id     string
	failed bool
	day    schemas.Date
}

// buildOnce builds the register from the accepted imports but those
// failed, each dated by its day in days, else the as-at day its manifest
// recorded; or it returns why it must start again.
func (s *Store) buildOnce(ctx context.Context, mans []Manifest, failed map[string]bool, days map[string]schemas.Date) ([]Provider, *RebuildResult, *redo, error) {
	res := &RebuildResult{}
	b := NewBuilder()
	for _, man := range mans {
		if man.Status != StatusAccepted {
			continue
		}
		if failed[man.ID] {
			res.Failed = append(res.Failed, man.ID)
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, err
		}
		data, m, err := s.readKept(man)
		if err != nil {
			return nil, nil, nil, err
		}
		// The rows are added as they are read, dated by the as-at day
		// the import found (the title's is only known once read), which
		// reading the file again finds too unless the reading changed.
		asAt, ok := days[man.ID]
		if !ok {
			asAt = man.AsAt
		}
		p := s.read(data, m, man.AsAtGiven, man.ReceivedAt, b.Adder(Source{ID: man.ID, ReceivedAt: man.ReceivedAt, AsAt: asAt}))
		switch {
		case p.Errors > 0:
			return nil, nil, &redo{id: man.ID, failed: true}, nil
		case !p.Layout.AsAt.Equal(asAt.Time):
			return nil, nil, &redo{id: man.ID, day: p.Layout.AsAt}, nil
		}
		res.Imports++
	}
	provs, notes := b.Providers()
	res.Providers, res.Notes = len(provs), notes
	return provs, res, nil, nil
}

// readKept reads an import's kept file and mapping, checking each against
// the hash its manifest recorded: the register is built from the files as
// received, and a kept file that has changed since is an error naming the
// import, not a silent change to the register.
func (s *Store) readKept(man Manifest) ([]byte, *Mapping, error) {
	dir := ImportDir(s.Root, man.ID)
	data, err := os.ReadFile(filepath.Join(dir, man.File))
	if err != nil {
		return nil, nil, fmt.Errorf("read import %s: %w", man.ID, err)
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != man.SHA256 {
		return nil, nil, fmt.Errorf("import %s: %s has changed since it was received (its SHA-256 is not the one in manifest.json); restore the file as received, or remove the folder %s and import the file again",
			man.ID, man.File, dir)
	}
	if man.Mapping == "" {
		return data, nil, nil
	}
	mb, err := os.ReadFile(filepath.Join(dir, man.Mapping))
	if err != nil {
		return nil, nil, fmt.Errorf("read import %s: %w", man.ID, err)
	}
	if sum := sha256.Sum256(mb); hex.EncodeToString(sum[:]) != man.MappingSHA256 {
		return nil, nil, fmt.Errorf("import %s: %s has changed since the import (its SHA-256 is not the one in manifest.json); restore it, or remove the folder %s and import the file again",
			man.ID, man.Mapping, dir)
	}
	m, err := DecodeMapping(bytes.NewReader(mb))
	if err != nil {
		return nil, nil, fmt.Errorf("read import %s: %s: %w", man.ID, man.Mapping, err)
	}
	return data, m, nil
}

// read parses a file as an import reads it: the as-at day given at import
// wins over the mapping's and the title's. A day after the file was
// received is an error, since a register cannot describe a day to come,
// and a file so dated would outrank every later one for ever; with no
// day at all, a warning says the file's facts are dated by the day it
// was received.
// Each record kept is handed to emit, when it is not nil; see parse.
func (s *Store) read(data []byte, m *Mapping, given schemas.Date, received time.Time, emit func(Record)) *Parsed {
	p := &Parsed{}
	parse(p, data, m, s.Councils, MaxRows, emit)
	if p.Layout == nil {
		return p
	}
	day := schemas.DateOf(received)
	lay := p.Layout
	if !given.IsZero() {
		lay.AsAt, lay.AsAtFrom = given, AsAtGiven
	}
	switch {
	case lay.AsAt.IsZero():
		p.addFirst(Problem{Code: CodeNoAsAt, Severity: SevWarning,
			Message: fmt.Sprintf("the file does not say the day it describes (no \"as at\" date in its title), so its names and sectors are taken to hold on the day it was received, %s", day),
			Hint:    "if the register is older, give its day: yardstick providers import --as-at YYYY-MM-DD FILE"})
	case lay.AsAt.After(day.Time):
		from := map[string]string{AsAtTitle: "its title", AsAtMapping: "the mapping's as_at", AsAtGiven: "--as-at"}[lay.AsAtFrom]
		p.addFirst(Problem{Code: CodeFutureAsAt, Severity: SevError,
			Message: fmt.Sprintf("the file is dated as at %s by %s, after the day it was received, %s; a register describes a day that has been", lay.AsAt, from, day),
			Hint:    "check the date; give the right one with yardstick providers import --as-at YYYY-MM-DD FILE"})
	}
	return p
}

// removeLeftovers removes what an import or rebuild that died left, under
// the lock, so none is running: an import's hidden folder, the register's
// JSON lines and its temporary Parquet file.
func (s *Store) removeLeftovers() error {
	var errs []error
	for _, pattern := range []string{
		filepath.Join(ImportsDir(s.Root), ".incoming-*"),
		filepath.Join(providersDir(s.Root), ".register-*.jsonl"),
		filepath.Join(providersDir(s.Root), ".register.parquet.tmp-*"),
	} {
		names, err := filepath.Glob(pattern)
		if err != nil {
			return err
		}
		for _, n := range names {
			errs = append(errs, os.RemoveAll(n))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("remove what an interrupted import left: %w", err)
	}
	return nil
}

// sizeText writes a size in bytes for a person: 100 MB, 512 KB.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// manifests reads the manifests of the kept imports, in id order.
func (s *Store) manifests() ([]Manifest, error) {
	entries, err := os.ReadDir(ImportsDir(s.Root))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list imports: %w", err)
	}
	var out []Manifest
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(ImportsDir(s.Root), e.Name(), "manifest.json"))
		if errors.Is(err, fs.ErrNotExist) {
			continue // not committed
		}
		if err != nil {
			return nil, fmt.Errorf("read import %s: %w", e.Name(), err)
		}
		var m Manifest
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("read import %s: manifest.json: %w", e.Name(), err)
		}
		if m.ID != e.Name() || m.File != safeName(m.File) {
			return nil, fmt.Errorf("read import %s: manifest.json names import %q, file %q", e.Name(), m.ID, m.File)
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Manifest) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// newID returns a new import id: the time of receipt, so ids sort in the
// order files arrived, and a random suffix.
func newID(root string, received time.Time) (string, error) {
	for {
		var b [4]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", fmt.Errorf("import id: %w", err)
		}
		id := received.Format("20060102T150405.000000Z") + "-" + hex.EncodeToString(b[:])
		if _, err := os.Stat(ImportDir(root, id)); errors.Is(err, fs.ErrNotExist) {
			return id, nil
		}
	}
}

// safeName is the name a received file is kept under: its base name,
// never one of the import's own files or a hidden one.
func safeName(name string) string {
	n := filepath.Base(filepath.Clean("/" + strings.ReplaceAll(name, "\\", "/")))
	switch {
	case n == "/" || n == "." || n == "-":
		return "register.csv"
	case n == "manifest.json" || n == "report.json" || n == "mapping.json" || strings.HasPrefix(n, "."):
		return "received-" + strings.TrimPrefix(n, ".")
	}
	return n
}

// encodeJSON encodes v as the files of an import are written.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := schemas.EncodeJSON(&b, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// encodeLine writes v as one line of JSON, leaving <, > and & as they are.
func encodeLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeSynced writes a file and flushes it to disk; the folder it is in
// is renamed into place afterwards, so the file itself need not be.
func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
