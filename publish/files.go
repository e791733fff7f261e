package publish

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/yardstick-open/yardstick/schemas"
)

// writeChecksums syncs every file and folder under dir to disk and writes
// dir/SHA256SUMS listing each file's SHA-256 in sha256sum's text format
// (hash, two spaces, path with forward slashes), sorted by path, so that
// "sha256sum -c SHA256SUMS" run in the folder checks the release. known
// holds the hashes of files already hashed and synced, by path with
// forward slashes, so a large file is not read twice; website holds the
// website's, as bytes (site.Stats.Sums). A path in both is the same file,
// hashed twice: known's sum is taken.
func writeChecksums(dir string, known map[string]string, website map[string][sha256.Size]byte) error {
	var lines []string
	var dirs []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			dirs = append(dirs, path)
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == schemas.ChecksumsFile {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", rel)
		}
		sum, ok := known[rel]
		if raw, site := website[rel]; !ok && site {
			sum, ok = hex.EncodeToString(raw[:]), true
		}
		if !ok {
			if sum, _, err = hashAndSync(path); err != nil {
				return err
			}
		}
		lines = append(lines, sum+"  "+rel)
		return nil
	})
	if err != nil {
		return fmt.Errorf("checksums: %w", err)
	}
	// A release with its website has thousands of folders: one syncfs
	// where the platform has it, not a sync each.
	if err := schemas.SyncAll(dirs); err != nil {
		return fmt.Errorf("checksums: %w", err)
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i][66:] < lines[j][66:] })
	err = schemas.WriteFileAtomic(filepath.Join(dir, schemas.ChecksumsFile), func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		for _, l := range lines {
			bw.WriteString(l)
			bw.WriteByte('\n')
		}
		return bw.Flush()
	})
	if err != nil {
		return fmt.Errorf("checksums: %w", err)
	}
	return nil
}

// hashAndSync returns the file's SHA-256 in hex and its size, and flushes
// it to disk: DuckDB wrote yardstick.duckdb through its own handles, so
// this is where the release makes sure every byte it checksums is durable.
func hashAndSync(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("hash %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return "", 0, fmt.Errorf("sync %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
