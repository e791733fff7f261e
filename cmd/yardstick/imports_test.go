package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/yardstick-open/yardstick"

// owners names, for each third-party module, the one package allowed to
// import it, so replacing a module touches one package.
var owners = map[string]string{
	"github.com/duckdb/duckdb-go/v2":   "publish/duckdb",
	"github.com/gorilla/mux":           "publish/api",
	"github.com/gocarina/gocsv":        "registers",
	"github.com/parquet-go/parquet-go": "ingest",
	"gonum.org/v1/gonum":               "publish/audit",
	"github.com/klauspost/compress":    "publish/duckdb",
	"go.yaml.in/yaml/v3":               "schemas/config",
}

// packageImports returns the imports of the non-test Go files of every
// package in the module, by package folder relative to the module root.
func packageImports(t *testing.T) map[string][]string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); p != root && (strings.HasPrefix(name, ".") || name == "testdata" || strings.HasPrefix(name, "yardstick-")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		pkg := filepath.ToSlash(rel)
		for _, imp := range f.Imports {
			out[pkg] = append(out[pkg], strings.Trim(imp.Path.Value, `"`))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// moduleOf returns the third-party module an import path belongs to, or
// "" for the standard library and this module.
func moduleOf(imp string) string {
	if imp == module || strings.HasPrefix(imp, module+"/") {
		return ""
	}
	first, _, _ := strings.Cut(imp, "/")
	if !strings.Contains(first, ".") {
		return "" // the standard library
	}
	for m := range owners {
		if imp == m || strings.HasPrefix(imp, m+"/") {
			return m
		}
	}
	return imp
}

// TestImportBoundaries fails when a package other than its owner imports
// a third-party module, when a module nobody owns is imported, when
// schemas imports anything outside the standard library, or when ingest
// and publish import each other.
func TestImportBoundaries(t *testing.T) {
	t.Parallel()
	imports := packageImports(t)
	if len(imports["publish/duckdb"]) == 0 || len(imports["ingest"]) == 0 {
		t.Fatalf("found the imports of %d packages, not publish/duckdb and ingest: is the module root right?", len(imports))
	}
	seen := map[string]bool{}
	for pkg, imps := range imports {
		for _, imp := range imps {
			if m := moduleOf(imp); m != "" {
				seen[m] = true
				owner, ok := owners[m]
				switch {
				case !ok:
					t.Errorf("%s imports %s, which no package owns: add it to owners in imports_test.go and docs/DESIGN.md", pkg, imp)
				case owner != pkg:
					t.Errorf("%s imports %s; only %s may", pkg, imp, owner)
				}
			}
			if (pkg == "schemas" || strings.HasPrefix(pkg, "schemas/") && pkg != "schemas/config") && moduleOf(imp) != "" {
				t.Errorf("%s imports %s; schemas imports only the standard library", pkg, imp)
			}
			target := strings.TrimPrefix(imp, module+"/")
			if under(pkg, "ingest") && under(target, "publish") || under(pkg, "publish") && under(target, "ingest") {
				t.Errorf("%s imports %s: ingest and publish meet only through the warehouse files", pkg, imp)
			}
		}
	}
	for _, m := range []string{"github.com/duckdb/duckdb-go/v2", "github.com/parquet-go/parquet-go", "github.com/gocarina/gocsv", "github.com/klauspost/compress", "gonum.org/v1/gonum"} {
		if !seen[m] {
			t.Errorf("no package imports %s: the check would pass whatever imported it", m)
		}
	}
}

func under(pkg, dir string) bool { return pkg == dir || strings.HasPrefix(pkg, dir+"/") }
