package schemas

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

// TestFileSum checks both forms of a file's SHA-256 against FIPS 180-2's
// worked example, the digest of "abc".
func TestFileSum(t *testing.T) {
	const want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	path := filepath.Join(t.TempDir(), "abc")
	if err := os.WriteFile(path, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := FileSum(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Errorf("FileSum = %s, want %s", got, want)
	}
	if got, err := FileSHA256(path); err != nil || got != want {
		t.Errorf("FileSHA256 = %s, %v; want %s", got, err, want)
	}
	if _, err := FileSum(filepath.Join(t.TempDir(), "missing")); !os.IsNotExist(err) {
		t.Errorf("FileSum of a missing file: %v, want not exist", err)
	}
}
