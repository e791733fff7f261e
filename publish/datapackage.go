package publish

import (
	"compress/gzip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/schemas"
)

// dataPackageProfile is the Data Package profile the descriptor follows.
const dataPackageProfile = "https://datapackage.org/profiles/2.0/datapackage.json"

// The descriptor's shape: the Data Package v2 properties a release uses,
// in the order they are written.
type (
	dataPackage struct {
		Profile     string     `json:"$schema"`
		Name        string     `json:"name"`
		ID          string     `json:"id"`
		Title       string     `json:"title"`
		Description string     `json:"description"`
		Version     string     `json:"version"`
		Created     string     `json:"created"`
		Licenses    []license  `json:"licenses"`
		Sources     []source   `json:"sources"`
		Resources   []resource `json:"resources"`
	}
	license struct {
		Name  string `json:"name"`
		Path  string `json:"path"`
		Title string `json:"title"`
	}
	source struct {
		Title   string `json:"title"`
		Path    string `json:"path,omitempty"`
		Version string `json:"version,omitempty"`
	}
	resource struct {
		Name        string `json:"name"`
		Type        string `json:"type,omitempty"`
		Path        string `json:"path"`
		Title       string `json:"title"`
		Description string `json:"description"`
		Format      string `json:"format"`
		// Compression is "gz" for a gzipped file, whose format, mediatype
		// and encoding are those of what it holds and whose bytes and hash
		// are the compressed file's (the Compression of Resources recipe
		// of the Data Package standard).
		Compression string       `json:"compression,omitempty"`
		Mediatype   string       `json:"mediatype"`
		Encoding    string       `json:"encoding,omitempty"`
		Bytes       int64        `json:"bytes"`
		Hash        string       `json:"hash"`
		Licenses    []license    `json:"licenses,omitempty"`
		Schema      *tableSchema `json:"schema,omitempty"`
	}
	tableSchema struct {
		Fields        []field        `json:"fields"`
		MissingValues []missingValue `json:"missingValues"`
		PrimaryKey    []string       `json:"primaryKey,omitempty"`
		ForeignKeys   []foreignKey   `json:"foreignKeys,omitempty"`
	}
	field struct {
		Name        string `json:"name"`
		Type        string `json:"type"`
		Format      string `json:"format,omitempty"`
		Description string `json:"description,omitempty"`
		// Delimiter separates the items of a list field.
		Delimiter  string     `json:"delimiter,omitempty"`
		Categories []category `json:"categories,omitempty"`
		// MissingValues, when set, replaces the schema's for this field; a
		// pointer, so that an empty list (nothing is missing) is written.
		MissingValues *[]missingValue `json:"missingValues,omitempty"`
	}
	category struct {
		Value string `json:"value"`
		Label string `json:"label,omitempty"`
	}
	missingValue struct {
		Value string `json:"value"`
		Label string `json:"label"`
	}
	foreignKey struct {
		Fields    []string    `json:"fields"`
		Reference fkReference `json:"reference"`
	}
	fkReference struct {
		Resource string   `json:"resource"`
		Fields   []string `json:"fields"`
	}
)

// Licences. The data is the councils' under the Open Government Licence;
// the register of councils is mySociety's under CC BY 4.0, with an ONS
// lookup (OGL) beside it: see data/reference/SOURCES.md, whose attribution
// statements schemas.RegisterAttribution repeats, as that file asks.
var (
	oglLicence = license{
		Name:  "OGL-UK-3.0",
		Path:  "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
		Title: "Open Government Licence v3.0",
	}
	ccByLicence = license{
		Name:  "CC-BY-4.0",
		Path:  "https://creativecommons.org/licenses/by/4.0/",
		Title: "Creative Commons Attribution 4.0 International",
	}
)

const (
	packageDescription = "A Yardstick release: the performance returns councils submitted for the providers they " +
		"commission, checked and normalised, with comparisons against national, regional, council-type and " +
		"similar-council benchmarks. release.json lists the submissions included and the revisions since the " +
		"previous release; the field descriptions below say how each statistic is made.\n\n" +
		"Contains public sector information licensed under the Open Government Licence v3.0.\n\n" +
		"Council names, codes, regions and types, and what is derived from them (data/councils.csv, " +
		"data/similar-councils.csv, data/peer-groups.csv): " + schemas.RegisterAttribution
)

var packageSources = []source{
	{Title: "Performance returns submitted by councils (release.json lists the submissions)"},
	{Title: `"UK Local Authorities (past and current)" by mySociety, CC BY 4.0`,
		Path: "https://github.com/mysociety/uk_local_authority_names_and_codes", Version: "1.6.1"},
	{Title: "Office for National Statistics, Local Authority District to County (April 2021) Lookup in England, OGL v3.0"},
}

// statusCategories are the values of a status column, each labelled with
// its meaning: bracketed as CSV writes them, or, when parquet, the bare
// letter.
func statusCategories(parquet bool) []category {
	out := make([]category, len(schemas.Statuses))
	for i, s := range schemas.Statuses {
		v := s.Bracketed()
		if parquet {
			v = string(s)
		}
		out[i] = category{Value: v, Label: s.Label()}
	}
	return out
}

// readHeader returns the first record of a CSV file, gunzipped first when
// its name ends in ".gz".
func readHeader(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("read header of %s: %w", filepath.Base(path), err)
		}
		defer zr.Close()
		r = zr
	}
	h, err := csv.NewReader(r).Read()
	if err != nil {
		return nil, fmt.Errorf("read header of %s: %w", filepath.Base(path), err)
	}
	return h, nil
}

// checkHeader checks that the header of a table's CSV file has the
// registry's columns in its order, so the descriptor cannot describe
// another file. (A Parquet file's columns are checked as it is written:
// duckdb.DB.ExportParquet.)
func checkHeader(dir string, t schemas.Table) error {
	header, err := readHeader(filepath.Join(dir, filepath.FromSlash(t.CSV)))
	if err != nil {
		return err
	}
	if want := t.ColumnNames(); !slices.Equal(header, want) {
		return fmt.Errorf("%s has the columns %v; the registry of public tables says %v", t.CSV, header, want)
	}
	return nil
}

// schemaFor builds a table's Table Schema from the registry: that of its
// CSV file, or, when parquet, of its Parquet file, where the status
// column holds the bare letter and a list is a list, not delimited text.
func schemaFor(t schemas.Table, parquet bool) *tableSchema {
	s := &tableSchema{PrimaryKey: t.PrimaryKey}
	for _, fk := range t.ForeignKeys {
		ref, _ := schemas.PublicTable(fk.Table)
		s.ForeignKeys = append(s.ForeignKeys, foreignKey{Fields: fk.Columns,
			Reference: fkReference{Resource: ref.Resource, Fields: ref.PrimaryKey}})
	}
	if t.Markers {
		s.MissingValues = []missingValue{{Value: "", Label: "blank: no figure or no statistic; the status column says why a figure is missing"}}
	} else {
		s.MissingValues = []missingValue{{Value: "", Label: "blank"}}
	}
	for _, c := range t.Columns {
		f := field{Name: c.Name, Type: string(c.Type), Description: c.Description}
		if c.Type == schemas.TypeList && !parquet {
			f.Delimiter = schemas.ListDelimiter
		}
		for _, cat := range c.Categories {
			f.Categories = append(f.Categories, category{Value: cat.Value, Label: cat.Label})
		}
		if c.KeepBlank {
			none := []missingValue{}
			f.MissingValues = &none
		}
		if c.Name == "status" && t.Markers {
			// A blank status is a plain figure, not a missing marker; CSV
			// brackets the marker, Parquet holds the letter.
			f.Categories = statusCategories(parquet)
			blank := []missingValue{{Value: "", Label: "no marker: a plain figure"}}
			f.MissingValues = &blank
		}
		s.Fields = append(s.Fields, f)
	}
	return s
}

// describeFiles fills in each resource's bytes and hash from its file,
// hashing two files at a time: hashing keeps a core busy and syncing
// waits for the disk, so the database, the largest file, is hashed while
// the others are. It returns the hashes by path.
func describeFiles(dir string, res []resource) (map[string]string, error) {
	sums := make([]string, len(res))
	err := twoAtATime(context.Background(), len(res), func(_ context.Context, i int) error {
		var err error
		sums[i], res[i].Bytes, err = hashAndSync(filepath.Join(dir, filepath.FromSlash(res[i].Path)))
		res[i].Hash = "sha256:" + sums[i]
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(res))
	for i, r := range res {
		out[r.Path] = sums[i]
	}
	return out, nil
}

// writeDataPackage writes the release's datapackage.json, describing every
// data file from the files as they are: fields from the registry, checked
// against each CSV header (a Parquet file's columns were checked as it was
// written), bytes and SHA-256 from the bytes. It returns the hashes it made, keyed by path
// in the release, for SHA256SUMS to reuse.
func writeDataPackage(dir string, rel *schemas.Release) (map[string]string, error) {
	pkg := dataPackage{
		Profile:     dataPackageProfile,
		Name:        "yardstick",
		ID:          rel.ID,
		Title:       "Yardstick release " + rel.ID,
		Description: packageDescription,
		Version:     rel.ID,
		Created:     rel.Created.UTC().Format(time.RFC3339),
		Licenses:    []license{oglLicence, ccByLicence},
		Sources:     packageSources,
	}
	for _, t := range schemas.PublicTables {
		if t.CSV == "" && t.Parquet == "" {
			continue
		}
		if t.CSV == "" {
			// The comparisons and provider profiles come as Parquet only
			// (schemas.ComparisonsParquet): the file is the table's
			// resource, with its schema.
			r := resource{Name: t.Resource, Type: "table", Path: t.Parquet, Title: t.Title,
				Description: strings.TrimSpace(t.Description + " The file is Apache Parquet, which pandas, R and DuckDB read as it is. " + t.ParquetOnly),
				Format:      "parquet", Mediatype: "application/vnd.apache.parquet", Schema: schemaFor(t, true)}
			if t.Register {
				r.Licenses = []license{ccByLicence, oglLicence}
			}
			pkg.Resources = append(pkg.Resources, r)
			continue
		}
		if err := checkHeader(dir, t); err != nil {
			return nil, fmt.Errorf("write %s: %w", schemas.PackageFile, err)
		}
		r := resource{Name: t.Resource, Type: "table", Path: t.CSV, Title: t.Title, Description: t.Description,
			Format: "csv", Mediatype: "text/csv", Encoding: "utf-8", Schema: schemaFor(t, false)}
		if strings.HasSuffix(t.CSV, ".gz") {
			r.Compression = "gz"
			r.Description += " The file is gzipped CSV, which pandas, R and DuckDB read as it is."
		}
		if t.Register {
			r.Licenses = []license{ccByLicence, oglLicence}
		}
		pkg.Resources = append(pkg.Resources, r)
		if t.Parquet == "" {
			continue
		}
		// No schema: Parquet carries its own types, and its columns are
		// the CSV file's.
		r = resource{Name: t.Resource + "-parquet", Path: t.Parquet, Title: t.Title + " (Parquet)",
			Description: t.Description + " The same table as " + t.CSV + " in Apache Parquet, except that " +
				"the status column holds the bare letter (c, r) where the CSV file has it bracketed ([c], [r]).",
			Format: "parquet", Mediatype: "application/vnd.apache.parquet"}
		pkg.Resources = append(pkg.Resources, r)
	}
	// The database holds every public table, those without a download
	// file too; DuckDB users read its schema from the file itself.
	r := resource{Name: "yardstick-duckdb", Path: schemas.DatabaseFile, Title: "Release database (DuckDB)",
		Description: "Every public table of the release in one DuckDB database file: " + strings.Join(duckdb.Tables, ", ") +
			". Open it read-only: duckdb -readonly " + schemas.DatabaseFile + ".",
		Format: "duckdb", Mediatype: "application/vnd.duckdb"}
	pkg.Resources = append(pkg.Resources, r)
	sums, err := describeFiles(dir, pkg.Resources)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", schemas.PackageFile, err)
	}
	if err := schemas.WriteJSONAtomic(filepath.Join(dir, schemas.PackageFile), pkg); err != nil {
		return nil, err
	}
	return sums, nil
}
