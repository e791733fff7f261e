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
	"maps"
	"os"
	"slices"
	"strings"

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

// DecodeMapping decodes a mapping file in YAML. Unknown fields are errors,
// and so is a key of columns, constant or recode that is not a canonical
// column; every such problem is reported, not only the first. A key of
// skip may be a canonical column or any header of the source file (such as
// a "measure" column whose "Frequency" rows are not returns), so it is
// checked against the file's header when the file is read.
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
	var errs []error
	if m.SkipRows < 0 {
		errs = append(errs, errors.New("skip_rows must not be negative"))
	}
	errs = append(errs, checkColumns("columns", m.Columns)...)
	errs = append(errs, checkColumns("constant", m.Constant)...)
	errs = append(errs, checkColumns("recode", m.Recode)...)
	for _, k := range sortedKeys(m.Skip) {
		if strings.TrimSpace(k) == "" {
			errs = append(errs, errors.New("skip: a blank column name"))
		}
	}
	for _, col := range sortedKeys(m.Columns) {
		if strings.TrimSpace(m.Columns[col]) == "" {
			errs = append(errs, fmt.Errorf("columns: %s names no source column", col))
		}
		if _, ok := m.Constant[col]; ok {
			errs = append(errs, fmt.Errorf("%s is given both a source column and a constant; keep one", col))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &m, nil
}

// checkColumns reports the keys of a mapping section that are not canonical
// columns, in sorted order so the report reads the same every time.
func checkColumns[V any](section string, m map[string]V) []error {
	var errs []error
	for _, col := range sortedKeys(m) {
		if !slices.Contains(schemas.Columns, col) {
			hint := ""
			if near := schemas.Closest(col, schemas.Columns, 1); len(near) > 0 {
				hint = fmt.Sprintf("did you mean %s? ", near[0])
			}
			errs = append(errs, fmt.Errorf("%s: %q is not a column of the return format; %sthe columns are %s",
				section, col, hint, strings.Join(schemas.Columns, ", ")))
		}
	}
	return errs
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
