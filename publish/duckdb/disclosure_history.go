package duckdb

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strings"

	"github.com/yardstick-open/yardstick/schemas"
)

// earlierRelease is one release of the data folder, as disclosure control
// reads it.
type earlierRelease struct {
	ID string
	// Observations is its data/observations.parquet.
	Observations string
	// History is its data/disclosure-history.parquet, "" when it has none
	// (a release made before releases carried one).
	History string
	// SHA256 is the SHA-256 of its release.json, hex, "" when it has none
	// (a folder publish did not make). Release ids are folder names, and a
	// release linked in from another data folder may carry a history that
	// names a release of that folder with the id of one of this folder's:
	// the id and this hash together tell them apart.
	SHA256 string
	// FirstFormat marks a history in the first format, written before
	// histories held sets of groups (history_merge_file_v1.sql).
	FirstFormat bool
}

// releaseKey names one release as histories record it: its id and the
// SHA-256 of its release.json ("" where not known).
type releaseKey struct{ ID, SHA256 string }

// releaseSHA256 returns the SHA-256 of the release.json in dir, hex, or
// "" when there is none. release.json is written once, when the release
// is made, and names its id and the moment it was made, so two releases
// of different data folders that share an id differ in it.
func releaseSHA256(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, schemas.ReleaseFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// earlierReleases returns every release in the data folder, oldest first
// by name. Entries whose names start with a dot (a release still being
// built) are left out, as publish.Releases leaves them out. A release may
// be a folder or a symbolic link to one (a release archived elsewhere and
// linked back), so each entry is followed with os.Stat. Anything else (a
// file, a broken link) is an error, since a release's figures are public
// and cannot be taken into account unread.
func earlierReleases(layout schemas.Layout) ([]earlierRelease, error) {
	entries, err := os.ReadDir(layout.Releases())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("earlier releases: %w", err)
	}
	var out []earlierRelease
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		dir := layout.Release(e.Name())
		info, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("earlier release %s: %w; disclosure control must read what every release "+
				"published: restore what the link points at, or move it out of %s if it was never published",
				e.Name(), err, layout.Releases())
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("earlier release %s: %s holds only releases, and this is not a folder; "+
				"move it out of %s, or rename it to start with a dot if it must stay",
				e.Name(), layout.Releases(), layout.Releases())
		}
		sha, err := releaseSHA256(dir)
		if err != nil {
			return nil, fmt.Errorf("earlier release %s: %w; disclosure control reads it to tell the release from "+
				"one of another data folder with the same id: make it readable", e.Name(), err)
		}
		r := earlierRelease{ID: e.Name(), SHA256: sha,
			Observations: filepath.Join(dir, filepath.FromSlash(schemas.ObservationsParquet))}
		h := filepath.Join(dir, filepath.FromSlash(schemas.DisclosureHistoryParquet))
		if _, err := os.Stat(h); err == nil {
			r.History = h
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// A historyPlan says how Build reads what the earlier releases published:
// the disclosure histories some releases carry, each holding what that
// release and every release it covers published, and the
// data/observations.parquet of every release no history read covers and
// that carries none, read directly.
type historyPlan struct {
	// Histories are the releases whose history files are read, newest
	// first.
	Histories []earlierRelease
	Direct    []earlierRelease
	// Covered names every release the histories read cover, sorted.
	Covered []releaseKey
}

// planHistory chooses what to read. Newest first (by name, and so by the
// time it was made), the history of each release that carries one is read
// unless a history already read covers that release: in a folder left as
// publish leaves it, that is the newest release's history alone, which
// covers every release its publish read, so the cost of a publish does
// not grow with the number of releases. Nothing is lost whatever was done
// to the folder by hand. A release withdrawn by pointing current back at
// an older one is still in the folder, newest, and its history is read
// (what it published was public while it was live). A release linked in
// from another data folder carries a history naming that folder's
// releases, not this one's, so this folder's own histories are read too
// and what they remember of releases since removed is kept. A release
// linked in from elsewhere after the newest history was made, or one made
// before releases carried a history file, is not covered, and is read
// through its history or, without one, directly. A release that was
// removed from the folder stays in the history of every release made
// after it.
//
// A history covers a release of the folder only where it records the
// same id and the same SHA-256 of release.json: another data folder's
// release with the same id (a folder name) is another release, and this
// folder's is read as well. A history in the first format recorded no
// hash, so it covers only releases without a release.json; the first
// publish after it reads each release's history once, and the history it
// writes records every hash.
func (s *session) planHistory(ctx context.Context, layout schemas.Layout) (historyPlan, error) {
	releases, err := earlierReleases(layout)
	if err != nil {
		return historyPlan{}, err
	}
	var plan historyPlan
	covered := map[releaseKey]bool{}
	for i := len(releases) - 1; i >= 0; i-- {
		r := releases[i]
		if covered[releaseKey{r.ID, r.SHA256}] || r.History == "" {
			continue
		}
		keys, err := s.historyCovers(ctx, &r)
		if err != nil {
			return historyPlan{}, historyFileError(r, err)
		}
		plan.Histories = append(plan.Histories, r)
		for _, k := range keys {
			if !covered[k] {
				covered[k] = true
				plan.Covered = append(plan.Covered, k)
			}
		}
	}
	sort.Slice(plan.Covered, func(i, j int) bool {
		a, b := plan.Covered[i], plan.Covered[j]
		return a.ID < b.ID || a.ID == b.ID && a.SHA256 < b.SHA256
	})
	for _, r := range releases {
		if covered[releaseKey{r.ID, r.SHA256}] {
			continue
		}
		if _, err := os.Stat(r.Observations); err != nil {
			return historyPlan{}, fmt.Errorf("earlier release %s: %w; disclosure control must read what every release "+
				"published: restore the file, or move the folder out of %s if it was never published",
				r.ID, err, layout.Releases())
		}
		plan.Direct = append(plan.Direct, r)
	}
	return plan, nil
}

// historyCovers returns the releases r's history covers, r itself named
// by its id and hash, and sets r.FirstFormat when the file is in the
// first format.
func (s *session) historyCovers(ctx context.Context, r *earlierRelease) ([]releaseKey, error) {
	var current bool
	if err := s.scanRow(ctx, "history_format", []any{sql.Named("file", r.History)}, &current); err != nil {
		return nil, err
	}
	r.FirstFormat = !current
	q := "history_covered"
	if r.FirstFormat {
		q = "history_covered_v1"
	}
	rows, err := s.query(ctx, q, sql.Named("file", r.History))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []releaseKey
	for rows.Next() {
		var k releaseKey
		if err := rows.Scan(&k.ID, &k.SHA256); err != nil {
			return nil, err
		}
		if k.ID == "" {
			k = releaseKey{r.ID, r.SHA256}
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// historyFileError explains why a release's disclosure history cannot be
// read, and what to do about it.
func historyFileError(r earlierRelease, err error) error {
	return fmt.Errorf("earlier release %s: cannot read %s: %w; it holds what that release and every one before "+
		"it published, which disclosure control must read: restore it from a backup or another copy of the "+
		"release (its checksum is in the release's SHA256SUMS), or move the folder out of the releases folder "+
		"if that release was never published", r.ID, r.History, err)
}

// loadHistory reads what every earlier release of the data folder
// published into the history tables (history_none.sql), and records in
// disclosure_truth the observations as the councils gave them and in
// history_known the cells an earlier release already published with the
// figures they have now. It runs after the council's [c] markers are
// applied and before Yardstick hides anything. It returns the record of
// the audit of the release whose history it read, when the interval
// audit may start from it (priorAudit), or nil.
func (s *session) loadHistory(ctx context.Context, layout schemas.Layout) (*auditRecord, error) {
	plan, err := s.planHistory(ctx, layout)
	if err != nil {
		return nil, err
	}
	// The history is hashed before it is read, so that the record is
	// matched with no other bytes than those read.
	record := s.recordFor(ctx, layout, plan)
	if err := s.readHistory(ctx, plan); err != nil {
		return nil, err
	}
	return s.priorAudit(ctx, record), nil
}

// readHistory reads what plan names into the history tables, and records
// disclosure_truth and history_known (loadHistory).
func (s *session) readHistory(ctx context.Context, plan historyPlan) error {
	// Tables a Build that failed on this connection left behind are
	// dropped first: history_none.sql keeps tables that exist, and
	// history_merge_parts.sql adds a file's rows without comparing them
	// with those already there.
	for _, q := range []string{"audit_record_drop", "history_drop", "history_none"} {
		if err := s.exec(ctx, q); err != nil {
			return err
		}
	}
	for _, r := range plan.Histories {
		err := s.exec(ctx, "set_history_file", sql.Named("file", r.History))
		if err == nil {
			err = s.exec(ctx, "history_read_file", sql.Named("release", r.ID), sql.Named("sha", r.SHA256))
		}
		if err != nil {
			return historyFileError(r, err)
		}
		merge := "history_merge_file"
		if r.FirstFormat {
			merge = "history_merge_file_v1"
		}
		if err := s.exec(ctx, merge); err != nil {
			return err
		}
		if err := s.exec(ctx, "history_merge_parts"); err != nil {
			return historyFileError(r, err)
		}
	}
	if len(plan.Histories) > 1 {
		if err := s.exec(ctx, "history_distinct"); err != nil {
			return err
		}
	}
	if len(plan.Direct) > 0 {
		files := make([]string, len(plan.Direct))
		ids := make([]string, len(plan.Direct))
		shas := make([]string, len(plan.Direct))
		for i, r := range plan.Direct {
			files[i], ids[i], shas[i] = r.Observations, r.ID, r.SHA256
		}
		if err := s.exec(ctx, "history_load", sql.Named("files", files)); err != nil {
			return s.historyError(ctx, files, err)
		}
		if err := s.exec(ctx, "history_direct", sql.Named("releases", ids), sql.Named("shas", shas)); err != nil {
			return err
		}
		for _, q := range []string{"history_from_cells", "history_derive", "history_derive_members", "history_derive_sets", "history_merge"} {
			if err := s.exec(ctx, q); err != nil {
				return err
			}
		}
	}
	for _, q := range []string{"disclosure_truth", "disclosure_disagree", "history_known", "audit_record_digest"} {
		if err := s.exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// historyError explains why history_load failed: it reads each file on
// its own to name the release that cannot be read (a truncated or
// corrupt data/observations.parquet), and what to do about it.
func (s *session) historyError(ctx context.Context, files []string, loadErr error) error {
	for _, f := range files {
		if err := s.exec(ctx, "history_probe", sql.Named("file", f)); err != nil {
			release := filepath.Base(filepath.Dir(filepath.Dir(f)))
			return fmt.Errorf("earlier release %s: cannot read %s: %w; disclosure control must read what every "+
				"release published: restore the file from a backup or another copy of the release (its "+
				"checksums are in the release's SHA256SUMS), or move the folder out of the releases "+
				"folder if that release was never published", release, f, err)
		}
	}
	return fmt.Errorf("read earlier releases: %w", loadErr)
}

// recordHistory leaves in the table disclosure_history the cumulative
// history this release carries: what the earlier releases published, as
// loadHistory read it, and what this release publishes. It runs once the
// observations are final, before checkDisclosure drops the history
// tables; WriteHistory writes it out. The linked groups this release
// publishes with a hidden member are read from disclosure_links
// (history_derive_links.sql), the groups the check reads too, rather than
// linked again over every row; its figures and withheld cells are read
// from observations by history_output.sql itself, rather than copied
// first as history_current.sql and history_derive.sql copy an earlier
// release's.
func (s *session) recordHistory(ctx context.Context) error {
	if err := s.linksForCheck(ctx); err != nil {
		return err
	}
	if err := s.deriveLinks(ctx); err != nil {
		return err
	}
	// deriveLinks read the linked groups into Go, and nothing allocates
	// there again until the check's audit, so Go would keep that garbage
	// while DuckDB works at its limit, in history_output and in the
	// check's table statements: at 20M rows under 3GB publish peaked in
	// check_disclosure_pools, Go holding 321-327 MB (BENCHMARKS.md, "The
	// comparisons written straight into the release file"), and, with the
	// collection after the history, in history_output, Go holding 324 MB
	// ("A publish that failed at 5M"). It is collected and handed back now.
	debug.FreeOSMemory()
	for _, q := range []string{"history_derive_sets", "history_output"} {
		if err := s.exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// deriveLinks makes derived_members from disclosure_links
// (history_derive_links.sql): it reads the members of the groups with a
// hidden member (history_link_members.sql), signs each group as
// history_derive_members.sql signs one, from its members read in order
// (history_link_parts.sql), and joins the signatures back.
func (s *session) deriveLinks(ctx context.Context) error {
	if err := s.exec(ctx, "history_link_members"); err != nil {
		return err
	}
	sigs, _, err := s.linkSigs(ctx)
	if err != nil {
		return err
	}
	// The appender takes rows as values; a few hundred thousand at a time
	// keeps them small beside the signatures themselves.
	const chunk = 1 << 18
	rows := make([][]driver.Value, 0, min(len(sigs), chunk))
	for i, sg := range sigs {
		rows = append(rows, []driver.Value{sg.gid, hex.EncodeToString(sg.sum[:])})
		if len(rows) == chunk || i == len(sigs)-1 {
			if err := s.appendRows(ctx, "link_sigs", rows); err != nil {
				return err
			}
			rows = rows[:0]
		}
	}
	return s.exec(ctx, "history_derive_links")
}

// A linkSig is a linked group's signature: the MD5 of its description
// and members (history_link_parts.sql).
type linkSig struct {
	gid int64
	sum [md5.Size]byte
}

// linkSigs reads history_link_parts.sql and returns each group's
// signature, by gid, and how many slices it read them in. A query's whole
// result is held at once (session.query), so the members are read in
// slices of gids (a group is never split), each of about a quarter of
// DuckDB's limit at linkPartBytes a member (resultShare).
func (s *session) linkSigs(ctx context.Context) (sigs []linkSig, read int, err error) {
	var members, lo, hi int64
	if err := s.scanRow(ctx, "history_link_span", nil, &members, &lo, &hi); err != nil {
		return nil, 0, err
	}
	if members == 0 {
		return nil, 0, nil
	}
	per := s.linkSlice
	if per <= 0 {
		limit, err := s.memoryLimit(ctx)
		if err != nil {
			return nil, 0, err
		}
		per = max(limit/resultShare/linkPartBytes, 1)
	}
	cuts, err := s.linkCuts(ctx, (members+per-1)/per)
	if err != nil {
		return nil, 0, err
	}
	var sign linkSigner
	from := lo
	for _, to := range append(cuts, hi) {
		if to < from {
			continue // read already: a repeated cut, or a last cut at hi
		}
		read++
		if err := s.signLinkParts(ctx, from, to, &sign); err != nil {
			return nil, 0, err
		}
		from = to + 1
	}
	return sign.finish(), read, nil
}

// signLinkParts hands sign the members of the groups whose gids run from
// lo to hi, in order (history_link_parts.sql).
func (s *session) signLinkParts(ctx context.Context, lo, hi int64, sign *linkSigner) error {
	rows, err := s.query(ctx, "history_link_parts", sql.Named("lo", lo), sql.Named("hi", hi))
	if err != nil {
		return err
	}
	for rows.Next() {
		var gid int64
		var head, part string
		if err := rows.Scan(&gid, &head, &part); err != nil {
			rows.Close()
			return fmt.Errorf("history_link_parts: %w", err)
		}
		sign.add(gid, head, part)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("history_link_parts: %w", err)
	}
	return nil
}

// A linkSigner signs groups from their members read in order of gid, as
// history_derive_members.sql signs one: the group's head, then its
// members' parts joined by chr(29), hashed with MD5.
type linkSigner struct {
	sigs []linkSig
	text []byte
}

// add takes the next member, of the group gid.
func (g *linkSigner) add(gid int64, head, part string) {
	if n := len(g.sigs); n > 0 && g.sigs[n-1].gid == gid {
		g.text = append(g.text, 0x1d) // chr(29), between members
	} else {
		g.finish()
		g.sigs = append(g.sigs, linkSig{gid: gid})
		g.text = append(g.text[:0], head...)
	}
	g.text = append(g.text, part...)
}

// finish signs the last group begun, whose members are all added, and
// returns every signature.
func (g *linkSigner) finish() []linkSig {
	if n := len(g.sigs); n > 0 {
		g.sigs[n-1].sum = md5.Sum(g.text)
	}
	return g.sigs
}

// linkCuts returns the gids that cut link_members into n slices of about
// equal numbers of members (history_link_cuts.sql), in order: each slice
// ends at a cut, the last at the highest gid. A cut repeats where one gid
// holds more than a slice's share, and linkSigs skips the repeat. None
// for one slice.
func (s *session) linkCuts(ctx context.Context, n int64) ([]int64, error) {
	if n <= 1 {
		return nil, nil
	}
	fractions := make([]float64, n-1)
	for i := range fractions {
		fractions[i] = float64(i+1) / float64(n)
	}
	cuts, err := column[int64](ctx, s, "history_link_cuts", sql.Named("fractions", fractions))
	if err != nil {
		return nil, err
	}
	slices.Sort(cuts)
	return cuts, nil
}

// linkPartBytes is what a member of history_link_parts.sql's result is
// counted to take in DuckDB's hands: its gid, its group's description
// and its own text, which are tens of bytes each.
const linkPartBytes = 256

// resultShare divides DuckDB's memory limit to size a slice of a large
// result read into Go (linkSigs): DuckDB holds the slice beyond its
// limit, so about a quarter of it comes on top (more by the group at a
// cut, and linkPartBytes is an estimate).
const resultShare = 4

// WriteHistory writes the cumulative disclosure history Build recorded to
// a Parquet file at path (a release's schemas.DisclosureHistoryParquet),
// atomically: every figure the release and the earlier ones published,
// every cell they withheld, the linked groups they published with a
// hidden member and each distinct set of them, each once, and the
// releases it covers, so the next Build reads this one file rather than
// every release, and the file grows by one row for a release that
// publishes nothing new. The file holds only what releases published,
// and the SHA-256 of each earlier release's release.json.
func (d *DB) WriteHistory(ctx context.Context, path string) error {
	p, err := schemas.CreatePending(path)
	if err != nil {
		return fmt.Errorf("write disclosure history: %w", err)
	}
	defer p.Abort()
	s, err := d.session(ctx)
	if err != nil {
		return fmt.Errorf("write disclosure history: %w", err)
	}
	defer s.close()
	// The file is written in the table's stored order, which DuckDB
	// keeps only with preserve_insertion_order on. Open turns it off;
	// WriteRelease, run before this, turns it on, but the history must
	// not depend on that.
	if err := s.keepingOrder(ctx, func() error {
		return s.exec(ctx, "history_write", sql.Named("path", p.Name()))
	}); err != nil {
		return fmt.Errorf("write disclosure history: %w", err)
	}
	if err := commitWritten(p); err != nil {
		return fmt.Errorf("write disclosure history: %w", err)
	}
	return nil
}
