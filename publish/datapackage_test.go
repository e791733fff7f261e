package publish

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/publish/publishtest"
	"github.com/yardstick-open/yardstick/schemas"
)

// The descriptor as a reader sees it, decoded on its own terms rather than
// through the types that wrote it.
type (
	dpLabelled struct {
		Value string `json:"value"`
		Label string `json:"label"`
	}
	dpField struct {
		Name          string        `json:"name"`
		Type          string        `json:"type"`
		Format        string        `json:"format"`
		Description   string        `json:"description"`
		Delimiter     string        `json:"delimiter"`
		Categories    []dpLabelled  `json:"categories"`
		MissingValues *[]dpLabelled `json:"missingValues"`
	}
	dpResource struct {
		Name        string `json:"name"`
		Type        string `json:"type"`
		Path        string `json:"path"`
		Description string `json:"description"`
		Format      string `json:"format"`
		Compression string `json:"compression"`
		Mediatype   string `json:"mediatype"`
		Bytes       int64  `json:"bytes"`
		Hash        string `json:"hash"`
		Licenses    []struct {
			Name string `json:"name"`
		} `json:"licenses"`
		Schema *struct {
			Fields        []dpField    `json:"fields"`
			MissingValues []dpLabelled `json:"missingValues"`
			PrimaryKey    []string     `json:"primaryKey"`
			ForeignKeys   []struct {
				Fields    []string `json:"fields"`
				Reference struct {
					Resource string   `json:"resource"`
					Fields   []string `json:"fields"`
				} `json:"reference"`
			} `json:"foreignKeys"`
		} `json:"schema"`
	}
	dpPackage struct {
		Profile     string `json:"$schema"`
		Name        string `json:"name"`
		ID          string `json:"id"`
		Title       string `json:"title"`
		Description string `json:"description"`
		Version     string `json:"version"`
		Created     string `json:"created"`
		Licenses    []struct {
			Name string `json:"name"`
			Path string `json:"path"`
		} `json:"licenses"`
		Sources []struct {
			Title string `json:"title"`
		} `json:"sources"`
		Resources []dpResource `json:"resources"`
	}
)

// dataFiles are the files a release's datapackage.json describes.
var dataFiles = []string{
	schemas.ObservationsCSV, schemas.ObservationsParquet, schemas.ComparisonsParquet,
	schemas.BenchmarksCSV, schemas.BenchmarksParquet, schemas.ProviderProfilesParquet, schemas.SectorBenchmarksCSV, schemas.SectorBenchmarksParquet, schemas.MetricsCSV,
	schemas.CouncilsCSV, schemas.ProvidersCSV, schemas.PeerGroupsCSV, schemas.SimilarCSV, schemas.DatabaseFile,
}

// checkDataPackage reads a release's datapackage.json and checks it
// against the files: every data file listed once with its size and
// SHA-256, every CSV file's fields equal to its header, every column typed
// and described, every cell readable as its field's type, categories and
// keys holding. It returns the descriptor.
func checkDataPackage(t *testing.T, rel *schemas.Release) dpPackage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(rel.Dir, schemas.PackageFile))
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(b) {
		t.Fatalf("%s is not JSON", schemas.PackageFile)
	}
	var pkg dpPackage
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if err := dec.Decode(&pkg); err != nil {
		t.Fatalf("%s: %v", schemas.PackageFile, err)
	}
	if pkg.Profile != "https://datapackage.org/profiles/2.0/datapackage.json" {
		t.Errorf("$schema %q", pkg.Profile)
	}
	if pkg.ID != rel.ID || pkg.Version != rel.ID || pkg.Name != "yardstick" || pkg.Title == "" {
		t.Errorf("id %q version %q name %q title %q; want the release id %s", pkg.ID, pkg.Version, pkg.Name, pkg.Title, rel.ID)
	}
	if created, err := time.Parse(time.RFC3339, pkg.Created); err != nil || !created.Equal(rel.Created) {
		t.Errorf("created %q (%v), want %s", pkg.Created, err, rel.Created.Format(time.RFC3339))
	}
	var licences []string
	for _, l := range pkg.Licenses {
		licences = append(licences, l.Name)
	}
	if !slices.Equal(licences, []string{"OGL-UK-3.0", "CC-BY-4.0"}) {
		t.Errorf("licences %v", licences)
	}
	if !strings.Contains(pkg.Description, schemas.RegisterAttribution) || len(pkg.Sources) == 0 {
		t.Errorf("the package lacks the register's attribution or its sources:\n%s", pkg.Description)
	}

	var paths, names []string
	for _, r := range pkg.Resources {
		paths = append(paths, r.Path)
		names = append(names, r.Name)
		data, err := os.ReadFile(filepath.Join(rel.Dir, filepath.FromSlash(r.Path)))
		if err != nil {
			t.Errorf("resource %s: %v", r.Name, err)
			continue
		}
		sum := sha256.Sum256(data)
		if r.Bytes != int64(len(data)) || r.Hash != "sha256:"+hex.EncodeToString(sum[:]) {
			t.Errorf("%s: bytes %d hash %s; the file has %d bytes, sha256 %x", r.Path, r.Bytes, r.Hash, len(data), sum)
		}
		if r.Description == "" {
			t.Errorf("%s has no description", r.Path)
		}
		switch r.Format {
		case "parquet":
			if r.Mediatype != "application/vnd.apache.parquet" || !strings.HasSuffix(r.Path, ".parquet") {
				t.Errorf("%s: format %s mediatype %s", r.Path, r.Format, r.Mediatype)
			}
			// A table published as Parquet only is its resource, with
			// its schema; a CSV file's Parquet twin has none.
			parquetOnly := r.Path == schemas.ComparisonsParquet || r.Path == schemas.ProviderProfilesParquet
			if parquetOnly != (r.Schema != nil) || parquetOnly != (r.Type == "table") {
				t.Errorf("%s: type %q, schema %v", r.Path, r.Type, r.Schema != nil)
			}
			if r.Schema != nil {
				file := filepath.Join(rel.Dir, filepath.FromSlash(r.Path))
				header, rows := publishtest.ReadParquet(t, file)
				checkTable(t, r, header, rows)
				// ReadParquet reads NULL as "": a key column, or one whose
				// blank is a value, must hold no NULL.
				nulls := publishtest.ParquetNulls(t, file)
				for _, f := range r.Schema.Fields {
					keep := f.MissingValues != nil && len(*f.MissingValues) == 0
					if (keep || slices.Contains(r.Schema.PrimaryKey, f.Name)) && nulls[f.Name] != 0 {
						t.Errorf("%s: %d NULLs in %s", r.Path, nulls[f.Name], f.Name)
					}
				}
			}
		case "csv":
			if r.Mediatype != "text/csv" || r.Type != "table" || r.Schema == nil {
				t.Errorf("%s: mediatype %s type %q schema %v", r.Path, r.Mediatype, r.Type, r.Schema != nil)
				continue
			}
			// A gzipped file says so (the standard's Compression of
			// Resources recipe); its bytes and hash, checked above, are
			// the compressed file's, its schema what it holds.
			if gz := strings.HasSuffix(r.Path, ".csv.gz"); gz != (r.Compression == "gz") || !gz && r.Compression != "" {
				t.Errorf("%s: compression %q", r.Path, r.Compression)
			}
			if r.Compression == "gz" {
				data = publishtest.Gunzip(t, r.Path, data)
			}
			recs, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", r.Path, err)
			}
			checkTable(t, r, recs[0], recs[1:])
		case "duckdb":
			if r.Path != schemas.DatabaseFile || r.Mediatype != "application/vnd.duckdb" {
				t.Errorf("%s: format %s mediatype %s", r.Path, r.Format, r.Mediatype)
			}
		default:
			t.Errorf("%s: format %q", r.Path, r.Format)
		}
		register := r.Path == schemas.CouncilsCSV || r.Path == schemas.SimilarCSV || r.Path == schemas.PeerGroupsCSV
		if register != (len(r.Licenses) > 0) || register && !strings.Contains(r.Description, "mySociety") {
			t.Errorf("%s: licences %v, description %q", r.Path, r.Licenses, r.Description)
		}
	}
	if !slices.Equal(sorted(paths), sorted(dataFiles)) {
		t.Errorf("resources %v\nwant %v", paths, dataFiles)
	}
	if len(slices.Compact(sorted(names))) != len(names) {
		t.Errorf("resource names are not unique: %v", names)
	}
	return pkg
}

// checkTable checks a table resource's schema against its file's header
// and rows, as text: a CSV file's cells, or a Parquet file's values as
// publishtest.ReadParquet reads them.
func checkTable(t *testing.T, r dpResource, header []string, rows [][]string) {
	t.Helper()
	s := r.Schema
	var names []string
	for _, f := range s.Fields {
		names = append(names, f.Name)
		if f.Type == "" || f.Type == "any" || f.Description == "" {
			t.Errorf("%s: column %s has type %q, description %q: add it to schemas.PublicTables", r.Path, f.Name, f.Type, f.Description)
		}
	}
	if !slices.Equal(names, header) {
		t.Errorf("%s: fields %v\nheader %v", r.Path, names, header)
		return
	}
	if len(rows) == 0 {
		t.Errorf("%s: no rows to check the schema on", r.Path)
	}
	if len(s.MissingValues) == 0 || s.MissingValues[0].Value != "" || s.MissingValues[0].Label == "" {
		t.Errorf("%s: missingValues %v", r.Path, s.MissingValues)
	}
	for _, col := range s.PrimaryKey {
		if !slices.Contains(names, col) {
			t.Errorf("%s: primary key column %s is not a field", r.Path, col)
		}
	}
	keys := map[string]int{}
	// One error per column is enough to see what drifted.
	failed := map[string]bool{}
	errorf := func(col, format string, args ...any) {
		t.Helper()
		if !failed[col] {
			failed[col] = true
			t.Errorf(format, args...)
		}
	}
	for n, rec := range rows {
		line := n + 2
		var key []string
		for i, f := range s.Fields {
			v := rec[i]
			missing := v == ""
			if f.MissingValues != nil {
				missing = slices.ContainsFunc(*f.MissingValues, func(m dpLabelled) bool { return m.Value == v })
			}
			if slices.Contains(s.PrimaryKey, f.Name) {
				if missing {
					errorf(f.Name, "%s line %d: primary key column %s is missing", r.Path, line, f.Name)
				}
				key = append(key, v)
			}
			if missing {
				continue
			}
			if err := parseAs(f, v); err != nil {
				errorf(f.Name, "%s line %d column %s (%s): %v", r.Path, line, f.Name, f.Type, err)
			}
			if len(f.Categories) > 0 && !slices.ContainsFunc(f.Categories, func(c dpLabelled) bool { return c.Value == v }) {
				errorf(f.Name, "%s line %d column %s: %q is not among its categories", r.Path, line, f.Name, v)
			}
		}
		if len(s.PrimaryKey) > 0 {
			k := strings.Join(key, "\x00")
			if first, dup := keys[k]; dup {
				t.Errorf("%s: lines %d and %d share the primary key %q", r.Path, first, line, key)
			}
			keys[k] = line
		}
	}
}

// parseAs reads v as a Table Schema value of f's type, as a reader would.
func parseAs(f dpField, v string) error {
	var err error
	switch f.Type {
	case "string", "list":
	case "integer":
		_, err = strconv.ParseInt(v, 10, 64)
	case "number":
		_, err = strconv.ParseFloat(v, 64)
	case "boolean":
		_, err = strconv.ParseBool(v)
	case "date":
		_, err = time.Parse(time.DateOnly, v)
	case "datetime":
		// received_at, as DuckDB writes a timestamp (format any).
		_, err = time.Parse("2006-01-02T15:04:05.000000Z", v)
	default:
		return strconv.ErrSyntax
	}
	return err
}

// statusLabels returns the labelled categories of a table's status field.
func statusLabels(t *testing.T, pkg dpPackage, path string) map[string]string {
	t.Helper()
	for _, f := range resourceAt(t, pkg, path).Schema.Fields {
		if f.Name == "status" {
			out := map[string]string{}
			for _, c := range f.Categories {
				out[c.Value] = c.Label
			}
			return out
		}
	}
	t.Fatalf("%s has no status field", path)
	return nil
}

func TestDataPackage(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	addSubmissions(t, root, baseSubs()...)
	rel, err := newBuilder(root, t0).Publish(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	pkg := checkDataPackage(t, rel)
	checkSums(t, rel.Dir) // SHA256SUMS covers datapackage.json

	for _, path := range []string{schemas.ObservationsCSV, schemas.ComparisonsParquet} {
		labels := statusLabels(t, pkg, path)
		for _, s := range []string{"c", "x", "z", "u", "r", "p"} {
			// CSV brackets the letter; Parquet holds it bare.
			v := "[" + s + "]"
			if strings.HasSuffix(path, ".parquet") {
				v = s
			}
			if want := schemas.Status(s).Label(); labels[v] != want || want == "" {
				t.Errorf("%s: status %s labelled %q, want %q", path, v, labels[v], want)
			}
		}
	}
	for _, path := range []string{schemas.ComparisonsParquet, schemas.ProviderProfilesParquet} {
		// A table with no CSV file says where its rows come as CSV.
		if r := resourceAt(t, pkg, path); !strings.Contains(r.Description, "Parquet") || !strings.Contains(r.Description, "page") {
			t.Errorf("%s: description %q does not say where its rows come a part at a time", path, r.Description)
		}
	}
	obs := resourceAt(t, pkg, schemas.ObservationsCSV)
	if want := []string{"metric", "period", "council_code", "provider_id", "service"}; !slices.Equal(obs.Schema.PrimaryKey, want) {
		t.Errorf("observations primary key %v, want %v", obs.Schema.PrimaryKey, want)
	}
	if fk := obs.Schema.ForeignKeys; len(fk) != 1 || !slices.Equal(fk[0].Fields, []string{"metric"}) ||
		fk[0].Reference.Resource != "metrics" || !slices.Equal(fk[0].Reference.Fields, []string{"id"}) {
		t.Errorf("observations foreign keys %+v", fk)
	}
	// The foreign key holds.
	ids := map[string]bool{}
	for _, m := range readCSV(t, filepath.Join(rel.Dir, schemas.MetricsCSV)) {
		ids[m["id"]] = true
	}
	observations := readCSV(t, filepath.Join(rel.Dir, schemas.ObservationsCSV))
	if len(observations) == 0 || len(ids) == 0 {
		t.Fatalf("%d observations and %d metrics: nothing to check the foreign key on", len(observations), len(ids))
	}
	for _, r := range observations {
		if !ids[r["metric"]] {
			t.Errorf("observation of metric %q, which metrics.csv lacks", r["metric"])
		}
	}
	// A council-wide row's empty provider_id is a value, not a missing one.
	i := slices.IndexFunc(obs.Schema.Fields, func(f dpField) bool { return f.Name == "provider_id" })
	if mv := obs.Schema.Fields[i].MissingValues; mv == nil || len(*mv) != 0 {
		t.Errorf("provider_id missingValues %v, want []", mv)
	}
}

// TestDataPackageRevised checks a second release, whose rows carry [x]
// and [r], against its descriptor.
func TestDataPackageRevised(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	addSubmissions(t, root, baseSubs()...)
	b := newBuilder(root, t0, t1)
	if _, err := b.Publish(t.Context()); err != nil {
		t.Fatal(err)
	}
	addSubmissions(t, root, sub{ID: "20250201T000000Z-cccc", Council: trafford, Received: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), Rows: []obs{
		homecare(trafford, "1-101234567", 88, 100),
		{Council: trafford, Provider: "1-102345678", Name: "Provider 1-102345678", Sector: "private",
			Service: "homecare", Metric: onTime, Period: q1, Status: "x"},
	}})
	rel, err := b.Publish(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if rel.Counts.Revised == 0 {
		t.Fatal("the second release revises nothing")
	}
	checkDataPackage(t, rel)
	checkSums(t, rel.Dir)
}

func resourceAt(t *testing.T, pkg dpPackage, path string) dpResource {
	t.Helper()
	for _, r := range pkg.Resources {
		if r.Path == path {
			return r
		}
	}
	t.Fatalf("no resource for %s", path)
	return dpResource{}
}
