package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/yardstick-open/yardstick/schemas"
)

// ReadSubmission returns the manifest and report of submission id, as
// ingest stored them. An id that names no submission is an error coded
// schemas.ENOTFOUND.
func ReadSubmission(layout schemas.Layout, id string) (*schemas.Manifest, *Report, error) {
	if id == "" || id != filepath.Base(id) || strings.HasPrefix(id, ".") {
		return nil, nil, schemas.Errorf(schemas.ENOTFOUND, "no submission %q", id)
	}
	dir := layout.Submission(id)
	var man schemas.Manifest
	var rep Report
	for name, v := range map[string]any{"manifest.json": &man, "report.json": &rep} {
		found, err := readSubmissionFile(dir, id, name, v)
		if err != nil {
			return nil, nil, err
		}
		if !found {
			return nil, nil, schemas.Errorf(schemas.ENOTFOUND, "no submission %q", id)
		}
	}
	return &man, &rep, nil
}

// readSubmissionFile decodes the JSON file name of submission id, stored
// in dir, into v. It reports false, and no error, when the file does not
// exist.
func readSubmissionFile(dir, id, name string, v any) (bool, error) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read submission %s: %w", id, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("read submission %s: %s: %w", id, name, err)
	}
	return true, nil
}
