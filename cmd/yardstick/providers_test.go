package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/registers"
)

// TestProvidersImport drives "yardstick providers import" with the
// example registers, a file of unknown layout, the same file through a
// mapping and a duplicate, and rebuilds the register.
func TestProvidersImport(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	examples := filepath.Join("..", "..", "registers", "testdata", "examples")
	ofsted := filepath.Join(examples, "ofsted_csc_providers_at_31mar2023.csv")
	trafford := filepath.Join(examples, "trafford_care_homes_cqc.csv")

	code, stdout, stderr := runCmd(t, "providers", "import", "--data", dir, ofsted, trafford)
	if code != exitOK {
		t.Fatalf("import exit %d: %s%s", code, stdout, stderr)
	}
	for _, want := range []string{"ofsted register, header on line 4, as at 2023-03-31", "cqc register, header on line 1"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the summary lacks %q:\n%s", want, stdout)
		}
	}
	// Every Ofsted row below the header with a URN, and every Trafford
	// row, is a provider of its own.
	want := countRows(t, ofsted, 4, 2) + countRows(t, trafford, 1, 1)
	if !strings.Contains(stderr, "Provider register: "+strconv.Itoa(want)+" providers from 2 imports") {
		t.Errorf("want %d providers from 2 imports:\n%s", want, stderr)
	}
	reg := filepath.Join(dir, "providers", "register.parquet")
	first, err := os.ReadFile(reg)
	if err != nil {
		t.Fatal(err)
	}

	// An unknown layout is kept, rejected (exit 1), and explained.
	odd := filepath.Join(t.TempDir(), "homes.csv")
	if err := os.WriteFile(odd, []byte("Ref,Home,Owner type\n1-200000001,Ash House,Independent\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = runCmd(t, "providers", "import", "--data", dir, "--json", odd)
	var rep registers.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("--json printed %q: %v", stdout, err)
	}
	if code != exitRejected || rep.Status != registers.StatusRejected || len(rep.Problems) != 1 ||
		!strings.Contains(rep.Problems[0].Message, `"Ref", "Home", "Owner type"`) || !strings.Contains(rep.Problems[0].Hint, "--mapping") {
		t.Errorf("exit %d, report %+v; want 1, rejected naming the columns and the mapping", code, rep)
	}
	after, err := os.ReadFile(reg)
	if err != nil || !bytes.Equal(first, after) {
		t.Errorf("a rejected import changed the register (%v)", err)
	}

	mapping := filepath.Join(t.TempDir(), "map.json")
	if err := os.WriteFile(mapping, []byte(`{"regulator": "cqc", "columns": {"cqc_location_id": "Ref", "name": "Home", "sector": "Owner type"}, "recode": {"sector": {"Independent": "private"}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr = runCmd(t, "providers", "import", "--data", dir, "--mapping", mapping, odd); code != exitOK {
		t.Fatalf("import with mapping exit %d: %s%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, strconv.Itoa(want+1)+" providers from 3 imports") {
		t.Errorf("want %d providers from 3 imports:\n%s", want+1, stderr)
	}
	if code, stdout, _ = runCmd(t, "providers", "import", "--data", dir, ofsted); code != exitOK || !strings.Contains(stdout, "imported before as") {
		t.Errorf("reimport exit %d: %s; want a duplicate", code, stdout)
	}

	// The register is rebuilt from the kept imports alone.
	before, _ := os.ReadFile(reg)
	if code, _, stderr = runCmd(t, "providers", "rebuild", "--data", dir); code != exitOK {
		t.Fatalf("rebuild exit %d: %s", code, stderr)
	}
	if again, _ := os.ReadFile(reg); !bytes.Equal(before, again) {
		t.Error("rebuild wrote a different register from the same imports")
	}

	if code, _, stderr = runCmd(t, "providers", "import", "--data", dir, t.TempDir()); code != exitUsage || !strings.Contains(stderr, "not a regular file") {
		t.Errorf("a folder: exit %d, %s", code, stderr)
	}
}

// countRows counts, with encoding/csv alone, the records after the
// first skip whose column col (1-based) is not blank.
func countRows(t *testing.T, path string, skip, col int) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, rec := range recs[skip:] {
		if len(rec) >= col && strings.TrimSpace(rec[col-1]) != "" {
			n++
		}
	}
	return n
}

// TestProvidersImportAsAt drives --as-at: a day dates a file whose title
// gives none, a day to come is rejected, a malformed one is a usage
// error; and a location that changed hands is warned of on rebuild.
func TestProvidersImportAsAt(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	in := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(in, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	y2022 := write("y2022.csv", "Location ID,Provider ID,Location Name,Provider Name,Ownership type\n"+
		"1-333333331,1-900000010,Home A,Big Chain plc,For-profit\n1-333333332,1-900000010,Home B,Big Chain plc,For-profit\n")
	y2024 := write("y2024.csv", "CQC care directory as at 1 March 2024\nLocation ID,Provider ID,Location Name,Provider Name,Ownership type\n"+
		"1-333333332,1-900000020,Home B,Small Family Care,For-profit\n")

	code, stdout, stderr := runCmd(t, "providers", "import", "--data", dir, "--as-at", "2022-03-01", y2022)
	if code != exitOK || !strings.Contains(stdout, "as at 2022-03-01 from given") {
		t.Fatalf("exit %d: %s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCmd(t, "providers", "import", "--data", dir, y2024)
	if code != exitOK || !strings.Contains(stdout, "as at 2024-03-01 from title") {
		t.Fatalf("exit %d: %s%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "2 providers from 2 imports") ||
		!strings.Contains(stderr, "warning: location 1-333333332 is listed under CQC provider 1-900000020 and also 1-900000010") {
		t.Errorf("stderr %s; want 2 providers and a warning naming the location and both providers", stderr)
	}

	code, stdout, _ = runCmd(t, "providers", "import", "--data", dir, "--as-at", "2099-01-01", write("later.csv", "URN,Name\nSC000001,Oak\n"))
	if code != exitRejected || !strings.Contains(stdout, "rejected") || !strings.Contains(stdout, "as at 2099-01-01 by --as-at, after the day it was received") {
		t.Errorf("--as-at 2099-01-01: exit %d, %s; want rejected", code, stdout)
	}
	if code, _, stderr = runCmd(t, "providers", "import", "--data", dir, "--as-at", "31/03/2024", y2022); code != exitUsage || !strings.Contains(stderr, "YYYY-MM-DD") {
		t.Errorf("--as-at 31/03/2024: exit %d, %s; want a usage error", code, stderr)
	}
}

// TestProvidersImportRejectedAgain sends a rejected file twice: the
// second time says why again.
func TestProvidersImportRejectedAgain(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	odd := filepath.Join(t.TempDir(), "homes.csv")
	if err := os.WriteFile(odd, []byte("Ref,Home\n1-200000001,Ash House\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runCmd(t, "providers", "import", "--data", dir, odd)
	code, stdout, _ := runCmd(t, "providers", "import", "--data", dir, odd)
	if code != exitRejected || !strings.Contains(stdout, "rejected again, as when imported before as") || !strings.Contains(stdout, `"Ref", "Home"`) {
		t.Errorf("exit %d:\n%s\nwant rejected again with the columns named", code, stdout)
	}
}
