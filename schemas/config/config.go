// Package config reads Yardstick's YAML files into schemas types: the
// built-in metric catalogue, a user catalogue.yaml that extends it, and
// mapping files that describe non-canonical return layouts. It is the only
// importer of the YAML library.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/yardstick-open/yardstick/schemas"
	"go.yaml.in/yaml/v3"
)

// Builtin returns the built-in catalogue, decoded and indexed.
func Builtin() (*schemas.Catalogue, error) {
	c, err := DecodeCatalogue(bytes.NewReader(schemas.BuiltinCatalogue))
	if err != nil {
		return nil, fmt.Errorf("built-in catalogue: %w", err)
	}
	return c.Merge(nil)
}

// LoadCatalogue returns the built-in catalogue extended by the user
// catalogue at path. A missing file is not an error: the built-in catalogue
// is returned alone.
func LoadCatalogue(path string) (*schemas.Catalogue, error) {
	base, err := DecodeCatalogue(bytes.NewReader(schemas.BuiltinCatalogue))
	if err != nil {
		return nil, fmt.Errorf("built-in catalogue: %w", err)
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return base.Merge(nil)
	}
	if err != nil {
		return nil, fmt.Errorf("open catalogue: %w", err)
	}
	defer f.Close()
	user, err := DecodeCatalogue(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c, err := base.Merge(user)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// DecodeCatalogue decodes a catalogue in YAML without indexing it. Unknown
// fields are errors, so a misspelt field is reported rather than ignored.
func DecodeCatalogue(r io.Reader) (*schemas.Catalogue, error) {
	var c schemas.Catalogue
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("decode catalogue: %w", err)
	}
	return &c, nil
}

// ReadMapping reads a mapping file.
func ReadMapping(path string) (*schemas.Mapping, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open mapping: %w", err)
	}
	defer f.Close()
	m, err := DecodeMapping(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// DecodeMapping decodes a mapping file in YAML. Unknown fields are errors.
func DecodeMapping(r io.Reader) (*schemas.Mapping, error) {
	var m schemas.Mapping
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("the mapping file is empty")
		}
		return nil, fmt.Errorf("decode mapping: %w", err)
	}
	for col := range m.Columns {
		if !isCanonical(col) {
			return nil, fmt.Errorf("columns: %q is not a column of the return format (%v)", col, schemas.Columns)
		}
	}
	for col := range m.Constant {
		if !isCanonical(col) {
			return nil, fmt.Errorf("constant: %q is not a column of the return format (%v)", col, schemas.Columns)
		}
	}
	for col := range m.Recode {
		if !isCanonical(col) {
			return nil, fmt.Errorf("recode: %q is not a column of the return format (%v)", col, schemas.Columns)
		}
	}
	if m.SkipRows < 0 {
		return nil, errors.New("skip_rows must not be negative")
	}
	return &m, nil
}

func isCanonical(col string) bool {
	for _, c := range schemas.Columns {
		if c == col {
			return true
		}
	}
	return false
}
