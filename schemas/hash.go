package schemas

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
)

// FileSHA256 returns the SHA-256 of the file at path, in hex: the checksum
// the downloads page gives a file SHA256SUMS did not list, and the history
// an audit's record was made for. The release's own SHA256SUMS hashes and
// syncs each file in one reading (publish's hashAndSync).
func FileSHA256(path string) (string, error) {
	sum, err := FileSum(path)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(sum[:]), nil
}

// FileSum returns the SHA-256 of the file at path as bytes, for a caller
// that keeps many of them (the website's sums of its files).
func FileSum(path string) ([sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	f, err := os.Open(path)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum, fmt.Errorf("hash %s: %w", path, err)
	}
	h.Sum(sum[:0])
	return sum, nil
}
