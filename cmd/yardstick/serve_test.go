package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/ingest"
	"github.com/yardstick-open/yardstick/schemas"
)

// The two councils of the submission tests, and their returns in the
// README's format.
const (
	trafford = "E08000009"
	wigan    = "E08000010"

	returnHeader = "council_code,provider_id,provider_name,provider_sector,service,metric,period,numerator,denominator,value,note\n"

	traffordReturn = returnHeader +
		"E08000009,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85.0,\n" +
		"E08000009,LOCAL-TRF-HC01,Trafford in-house home care,public,homecare,hc-visits-on-time,Q1 2024/25,412,460,,\n" +
		"E08000009,1-101234567,Brightwater Care Ltd,private,homecare,hc-missed-visits,2024-25-Q1,3,1000,3.0,\n"

	wiganReturn = returnHeader +
		"E08000010,1-102345678,Pennine Home Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,700,900,,\n" +
		"E08000010,LOCAL-WGN-HC01,Wigan in-house home care,public,homecare,hc-visits-on-time,2024-25-Q1,300,400,75,\n"

	// badMetricReturn is Trafford's, with an unknown metric on line 3,
	// column 6.
	badMetricReturn = returnHeader +
		"E08000009,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85.0,\n" +
		"E08000009,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-late,2024-25-Q1,3,1000,3.0,\n"
)

// rowKeys returns provider|metric|period|numerator|denominator for each
// row of a return in the README's format, with the period as ingest
// normalises it.
func rowKeys(t *testing.T, ret string) []string {
	t.Helper()
	var keys []string
	for _, line := range strings.Split(strings.TrimSpace(ret), "\n")[1:] {
		f := strings.Split(line, ",")
		p, err := schemas.ParsePeriod(f[6])
		if err != nil {
			t.Fatalf("period %q: %v", f[6], err)
		}
		keys = append(keys, strings.Join([]string{f[1], f[5], p.ID, f[7], f[8]}, "|"))
	}
	slices.Sort(keys)
	return keys
}

// TestServeSubmissions submits returns to `yardstick serve` over loopback
// HTTP with tokens made by `yardstick tokens create`, through every case
// of the authorisation matrix, then publishes and checks that nothing a
// token holder sent reached another council's data.
func TestServeSubmissions(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	layout := schemas.Layout{Root: dir}
	tokA, idA := createToken(t, dir, trafford)
	tokB, _ := createToken(t, dir, wigan)
	tokRevoked, idRevoked := createToken(t, dir, trafford)
	s := startServe(t, dir)

	// stored lists what the data folder holds of submissions and the
	// warehouse, to show a refused request added nothing.
	stored := func() []string {
		t.Helper()
		var paths []string
		for _, root := range []string{layout.Submissions(), layout.Observations()} {
			filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
				// submissions/.incoming is where a return is assembled:
				// ingest keeps it, empty, after a stored return and removes
				// it after one it refuses, so it is no part of what is kept.
				if err == nil && d.IsDir() && d.Name() == ".incoming" {
					return filepath.SkipDir
				}
				if err == nil && path != root {
					rel, _ := filepath.Rel(dir, path)
					paths = append(paths, rel)
				}
				return nil
			})
		}
		return paths
	}
	// warehouseFiles lists the ids of the submissions with a warehouse
	// file of council's rows alone (period=*/<id>_<council>.parquet).
	warehouseFiles := func(council string) []string {
		t.Helper()
		files, err := filepath.Glob(filepath.Join(layout.Observations(), "period=*", "*_"+council+".parquet"))
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range files {
			files[i] = strings.TrimSuffix(filepath.Base(f), "_"+council+".parquet") + ".parquet"
		}
		return files
	}

	t.Run("unauthorised", func(t *testing.T) {
		wrongSecret, unknownID := alterToken(t, tokA)
		tests := []struct {
			name, authorization string
			detail              string // what the problem says; an unknown id and a wrong secret read the same
		}{
			{"no Authorization header", "", "send the council's token as Authorization: Bearer <token>"},
			{"basic scheme", "Basic dXNlcjpwYXNz", "send the council's token as Authorization: Bearer <token>"},
			{"bearer without a token", "Bearer ", "send the council's token as Authorization: Bearer <token>"},
			{"malformed token", "Bearer ys_nothex_secret", "malformed token"},
			{"token for another prefix", "Bearer " + strings.Replace(tokA, "ys_", "yz_", 1), "malformed token"},
			{"wrong secret", "Bearer " + wrongSecret, "invalid token"},
			{"unknown id", "Bearer " + unknownID, "invalid token"},
		}
		before := stored()
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				for _, method := range []string{http.MethodPost, http.MethodGet} {
					path, body := "/api/v1/returns", io.Reader(strings.NewReader(traffordReturn))
					if method == http.MethodGet {
						path, body = "/api/v1/returns/20240701T090000.000000Z-0123abcd", nil
					}
					resp, b := s.do(t, method, path, body, "Authorization", tc.authorization)
					p := wantProblem(t, resp, b, http.StatusUnauthorized, schemas.EUNAUTHORIZED)
					if got, want := resp.Header.Get("WWW-Authenticate"), `Bearer realm="yardstick"`; got != want {
						t.Errorf("%s: WWW-Authenticate = %q, want %q", method, got, want)
					}
					if !strings.Contains(p.Detail, tc.detail) {
						t.Errorf("%s: detail %q, want it to say %q", method, p.Detail, tc.detail)
					}
				}
			})
		}
		if after := stored(); !slices.Equal(after, before) {
			t.Errorf("refused requests changed the data folder:\nbefore %q\nafter  %q", before, after)
		}
	})

	var acceptedID string
	if !t.Run("accepted", func(t *testing.T) {
		resp, b := s.submit(t, tokA, traffordReturn, "Content-Disposition", `attachment; filename="trafford q1.csv"`)
		rec := wantReceipt(t, resp, b, http.StatusAccepted)
		acceptedID = rec.ID
		if rec.Status != schemas.SubmissionAccepted || rec.Council != trafford || rec.DuplicateOf != "" {
			t.Errorf("receipt: status %q council %q duplicate_of %q; want accepted, %s, none", rec.Status, rec.Council, rec.DuplicateOf, trafford)
		}
		if rec.Report.Submission != rec.ID || rec.Report.Rows != 3 || rec.Report.Errors != 0 || len(rec.Report.Problems) != 0 {
			t.Errorf("report: %+v; want submission %s, 3 rows and no problems", rec.Report, rec.ID)
		}
		if want := "/api/v1/returns/" + rec.ID; resp.Header.Get("Location") != want || rec.Location != want {
			t.Errorf("Location header %q, body %q; want %q", resp.Header.Get("Location"), rec.Location, want)
		}
		if got := resp.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store", got)
		}
		// Kept as received, under the name the council gave, with the token as submitter.
		if got, err := os.ReadFile(filepath.Join(layout.Submission(rec.ID), "trafford q1.csv")); err != nil || string(got) != traffordReturn {
			t.Errorf("stored return: %v\n%q\nwant the bytes sent", err, got)
		}
		man := readManifest(t, layout, rec.ID)
		if man.Submitter != "token:"+idA || man.Council != trafford || man.Status != schemas.SubmissionAccepted {
			t.Errorf("manifest: submitter %q council %q status %q; want token:%s, %s, accepted", man.Submitter, man.Council, man.Status, idA, trafford)
		}
		if got, want := warehouseFiles(trafford), []string{rec.ID + ".parquet"}; !slices.Equal(got, want) {
			t.Errorf("warehouse files for %s: %q, want %q", trafford, got, want)
		}
	}) {
		t.FailNow()
	}

	t.Run("receipt", func(t *testing.T) {
		path := "/api/v1/returns/" + acceptedID
		resp, b := s.do(t, http.MethodGet, path, nil, "Authorization", "Bearer "+tokA)
		rec := wantReceipt(t, resp, b, http.StatusOK)
		if rec.ID != acceptedID || rec.Status != schemas.SubmissionAccepted || rec.Council != trafford || rec.Report.Rows != 3 {
			t.Errorf("GET with the same token: %+v; want %s accepted for %s with 3 rows", rec, acceptedID, trafford)
		}
		// Another council's token learns nothing: its submission reads as
		// missing, as an id that names none does.
		resp, b = s.do(t, http.MethodGet, path, nil, "Authorization", "Bearer "+tokB)
		other := wantProblem(t, resp, b, http.StatusNotFound, schemas.ENOTFOUND)
		if strings.Contains(string(b), trafford) || strings.Contains(string(b), "Brightwater") {
			t.Errorf("404 to another council's token tells of the submission: %s", b)
		}
		resp, b = s.do(t, http.MethodGet, "/api/v1/returns/20240701T090000.000000Z-0123abcd", nil, "Authorization", "Bearer "+tokB)
		missing := wantProblem(t, resp, b, http.StatusNotFound, schemas.ENOTFOUND)
		if other.Title != missing.Title || !strings.HasPrefix(other.Detail, "no submission ") || !strings.HasPrefix(missing.Detail, "no submission ") {
			t.Errorf("another council's submission reads %q, a missing one %q; want the same answer", other.Detail, missing.Detail)
		}
		resp, b = s.do(t, http.MethodGet, path, nil)
		wantProblem(t, resp, b, http.StatusUnauthorized, schemas.EUNAUTHORIZED)
		// An id that climbs out of the submissions folder reaches no file
		// of the data folder, whatever the router makes of it.
		resp, b = s.do(t, http.MethodGet, "/api/v1/returns/..%2f..%2ftokens.json", nil, "Authorization", "Bearer "+tokA)
		if resp.StatusCode < 300 || strings.Contains(string(b), idA) {
			t.Errorf("GET of a path out of the submissions = %d:\n%s", resp.StatusCode, b)
		}
	})

	t.Run("revoked token", func(t *testing.T) {
		path := "/api/v1/returns/" + acceptedID
		resp, b := s.do(t, http.MethodGet, path, nil, "Authorization", "Bearer "+tokRevoked)
		wantReceipt(t, resp, b, http.StatusOK)
		if code, stdout, stderr := runCmd(t, "tokens", "revoke", "--data", dir, idRevoked); code != exitOK {
			t.Fatalf("tokens revoke exit %d\n%s\n%s", code, stdout, stderr)
		}
		before := stored()
		resp, b = s.do(t, http.MethodGet, path, nil, "Authorization", "Bearer "+tokRevoked)
		if p := wantProblem(t, resp, b, http.StatusUnauthorized, schemas.EUNAUTHORIZED); p.Detail != "token revoked" {
			t.Errorf("GET after revoking: detail %q, want %q", p.Detail, "token revoked")
		}
		resp, b = s.submit(t, tokRevoked, strings.Replace(traffordReturn, "850,1000,85.0", "851,1000,85.1", 1))
		wantProblem(t, resp, b, http.StatusUnauthorized, schemas.EUNAUTHORIZED)
		if after := stored(); !slices.Equal(after, before) {
			t.Errorf("a revoked token's return changed the data folder:\nbefore %q\nafter  %q", before, after)
		}
		// The other token for the same council still works.
		resp, b = s.do(t, http.MethodGet, path, nil, "Authorization", "Bearer "+tokA)
		wantReceipt(t, resp, b, http.StatusOK)
	})

	t.Run("another council's rows", func(t *testing.T) {
		tests := []struct {
			name, body  string
			wantLines   []int // the lines of the council_mismatch problems listed
			wantOmitted int   // council_mismatch problems counted but not listed
		}{
			{"whole file", wiganReturn, []int{2, 3}, 0},
			// A file whose other problems fill the report's list before
			// the other council's row comes is refused as such all the same.
			{"after the report's list is full", manyProblemsThenWigan(), nil, 1},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				resp, b := s.submit(t, tokA, tc.body)
				rec := wantReceipt(t, resp, b, http.StatusForbidden)
				if rec.Status != schemas.SubmissionRejected || rec.Council != trafford || rec.Report.Rows != 0 {
					t.Errorf("receipt: status %q council %q rows %d; want rejected, %s, 0", rec.Status, rec.Council, rec.Report.Rows, trafford)
				}
				var lines []int
				for _, p := range rec.Report.Problems {
					if p.Code == ingest.CodeCouncilMismatch && p.Column == 1 && p.Field == "council_code" && p.Value == wigan {
						lines = append(lines, p.Line)
					}
				}
				if !slices.Equal(lines, tc.wantLines) || rec.Report.Omitted[ingest.CodeCouncilMismatch] != tc.wantOmitted {
					t.Errorf("council_mismatch problems on lines %v and %d omitted, want %v and %d",
						lines, rec.Report.Omitted[ingest.CodeCouncilMismatch], tc.wantLines, tc.wantOmitted)
				}
				if got := warehouseFiles(wigan); len(got) != 0 {
					t.Errorf("the warehouse has %s files after a refused return: %q", wigan, got)
				}
				if files, _ := filepath.Glob(filepath.Join(layout.Observations(), "*", rec.ID+"*.parquet")); len(files) != 0 {
					t.Errorf("the refused submission wrote to the warehouse: %q", files)
				}
				man := readManifest(t, layout, rec.ID)
				if man.Status != schemas.SubmissionRejected || len(man.Files) != 0 {
					t.Errorf("manifest: status %q files %q; want rejected and none", man.Status, man.Files)
				}
				if got, err := os.ReadFile(filepath.Join(layout.Submission(rec.ID), "return.csv")); err != nil || string(got) != tc.body {
					t.Errorf("the refused return is not kept as received: %v", err)
				}
				resp, b = s.do(t, http.MethodGet, "/api/v1/returns/"+rec.ID, nil, "Authorization", "Bearer "+tokA)
				if got := wantReceipt(t, resp, b, http.StatusOK); got.ID != rec.ID || got.Status != schemas.SubmissionRejected {
					t.Errorf("GET of the refused submission: %s %s, want %s rejected", got.ID, got.Status, rec.ID)
				}
			})
		}
	})

	t.Run("invalid return", func(t *testing.T) {
		resp, b := s.submit(t, tokA, badMetricReturn)
		rec := wantReceipt(t, resp, b, http.StatusUnprocessableEntity)
		if rec.Status != schemas.SubmissionRejected || rec.Report.Errors != 1 || len(rec.Report.Problems) != 1 {
			t.Fatalf("receipt: status %q, %d errors, problems %+v; want rejected with one problem", rec.Status, rec.Report.Errors, rec.Report.Problems)
		}
		got := rec.Report.Problems[0]
		want := ingest.Problem{Line: 3, Column: 6, Field: "metric", Value: "hc-visits-late", Code: ingest.CodeMetric, Severity: ingest.SevError}
		got.Message, got.Hint = "", ""
		if got != want {
			t.Errorf("problem %+v, want %+v", got, want)
		}
		if files, _ := filepath.Glob(filepath.Join(layout.Observations(), "*", "*", rec.ID+".parquet")); len(files) != 0 {
			t.Errorf("the rejected return wrote to the warehouse: %q", files)
		}
	})

	t.Run("duplicate", func(t *testing.T) {
		before := stored()
		resp, b := s.submit(t, tokA, traffordReturn, "Content-Disposition", `attachment; filename="again.csv"`)
		rec := wantReceipt(t, resp, b, http.StatusAccepted)
		if rec.ID != acceptedID || rec.DuplicateOf != acceptedID || rec.Status != schemas.SubmissionAccepted {
			t.Errorf("the same bytes again: id %s, duplicate_of %q, status %s; want %s twice and accepted", rec.ID, rec.DuplicateOf, rec.Status, acceptedID)
		}
		if want := "/api/v1/returns/" + acceptedID; resp.Header.Get("Location") != want {
			t.Errorf("Location %q, want %q", resp.Header.Get("Location"), want)
		}
		if after := stored(); !slices.Equal(after, before) {
			t.Errorf("a duplicate changed the data folder:\nbefore %q\nafter  %q", before, after)
		}
	})

	t.Run("too large", func(t *testing.T) {
		// A well-formed return of 33 MiB: the limit is 32 MiB.
		row := strings.SplitAfter(traffordReturn, "\n")[1]
		var big bytes.Buffer
		big.WriteString(returnHeader)
		for big.Len() < 33<<20 {
			big.WriteString(row)
		}
		before := stored()
		tests := []struct {
			name string
			body func() io.Reader
		}{
			// Refused on its Content-Length, before a byte is read.
			{"with a length", func() io.Reader { return bytes.NewReader(big.Bytes()) }},
			// Refused once ingest has read 32 MiB of it.
			{"chunked", func() io.Reader { return io.MultiReader(bytes.NewReader(big.Bytes())) }},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				resp, b := s.do(t, http.MethodPost, "/api/v1/returns", tc.body(), "Authorization", "Bearer "+tokA)
				if p := wantProblem(t, resp, b, http.StatusRequestEntityTooLarge, schemas.ETOOLARGE); !strings.Contains(p.Detail, "32") {
					t.Errorf("detail %q does not give the limit", p.Detail)
				}
			})
		}
		if after := stored(); !slices.Equal(after, before) {
			t.Errorf("refused bodies changed the data folder:\nbefore %q\nafter  %q", before, after)
		}
	})

	var wiganID string
	t.Run("the other council's own return", func(t *testing.T) {
		// The bytes Trafford's token was refused for: Wigan's submission
		// of them is its own, not a duplicate of Trafford's refusal.
		resp, b := s.submit(t, tokB, wiganReturn)
		rec := wantReceipt(t, resp, b, http.StatusAccepted)
		wiganID = rec.ID
		if rec.Status != schemas.SubmissionAccepted || rec.Council != wigan || rec.DuplicateOf != "" {
			t.Errorf("receipt: status %q council %q duplicate_of %q; want accepted, %s, none", rec.Status, rec.Council, rec.DuplicateOf, wigan)
		}
	})

	t.Run("published", func(t *testing.T) {
		id := publishOK(t, dir)
		for _, c := range []struct{ council, submission string }{{trafford, acceptedID}, {wigan, wiganID}} {
			if got, want := warehouseFiles(c.council), []string{c.submission + ".parquet"}; !slices.Equal(got, want) {
				t.Errorf("warehouse files for %s: %q, want %q", c.council, got, want)
			}
		}
		deadline := time.Now().Add(15 * time.Second)
		for {
			resp, _ := s.do(t, http.MethodGet, "/api/v1/releases/current", nil)
			if resp.Header.Get("X-Release") == id {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the server did not serve release %s within 15 s of its publishing", id)
			}
			time.Sleep(100 * time.Millisecond)
		}
		for _, tc := range []struct {
			council string // "" for every council
			want    []string
		}{
			{wigan, rowKeys(t, wiganReturn)},
			{trafford, rowKeys(t, traffordReturn)},
			{"", append(rowKeys(t, traffordReturn), rowKeys(t, wiganReturn)...)},
		} {
			path := "/api/v1/comparisons?page_size=1000"
			if tc.council != "" {
				path += "&council=" + tc.council
			}
			resp, b := s.do(t, http.MethodGet, path, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d:\n%s", path, resp.StatusCode, b)
			}
			var page struct {
				Items []struct {
					Council     string   `json:"council_code"`
					Provider    string   `json:"provider_id"`
					Metric      string   `json:"metric"`
					Period      string   `json:"period"`
					Numerator   *float64 `json:"numerator"`
					Denominator *float64 `json:"denominator"`
				} `json:"items"`
				Total int `json:"total"`
			}
			if err := json.Unmarshal(b, &page); err != nil {
				t.Fatalf("GET %s: %v\n%s", path, err, b)
			}
			var got []string
			for _, it := range page.Items {
				if tc.council != "" && it.Council != tc.council {
					t.Errorf("GET %s has a row of %s: %+v", path, it.Council, it)
				}
				got = append(got, strings.Join([]string{it.Provider, it.Metric, it.Period, countText(it.Numerator), countText(it.Denominator)}, "|"))
			}
			slices.Sort(got)
			slices.Sort(tc.want)
			if !slices.Equal(got, tc.want) || page.Total != len(tc.want) {
				t.Errorf("GET %s: %d rows (total %d)\n%q\nwant exactly the accepted returns' rows\n%q", path, len(got), page.Total, got, tc.want)
			}
		}
	})
}

// countText formats a count from the API as the return gave it.
func countText(f *float64) string {
	if f == nil {
		return ""
	}
	return fmt.Sprint(*f)
}

// manyProblemsThenWigan returns a return for Trafford whose rows each have
// an unknown metric, more of them than a report lists, followed by one
// valid row for Wigan.
func manyProblemsThenWigan() string {
	var b strings.Builder
	b.WriteString(returnHeader)
	for i := range ingest.MaxProblems + 1 {
		fmt.Fprintf(&b, "E08000009,LOCAL-TRF-P%05d,Provider %d,private,homecare,hc-unknown,2024-25-Q1,1,10,,\n", i, i)
	}
	b.WriteString(strings.SplitAfter(wiganReturn, "\n")[1])
	return b.String()
}

// TestServeNothingPublished serves a data folder with no release: the API
// answers 503 with a problem saying what to do, and the server still stops
// cleanly when its context ends.
func TestServeNothingPublished(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := startServe(t, dir)
	if !strings.Contains(s.out.String(), "nothing is published yet: run yardstick publish") {
		t.Errorf("serve does not say nothing is published:\n%s", s.out.String())
	}
	resp, b := s.do(t, http.MethodGet, "/api/v1/metrics", nil)
	p := wantProblem(t, resp, b, http.StatusServiceUnavailable, schemas.EUNAVAILABLE)
	if !strings.Contains(p.Detail, "yardstick publish") || resp.Header.Get("Retry-After") == "" {
		t.Errorf("503: detail %q, Retry-After %q; want advice to publish and a Retry-After", p.Detail, resp.Header.Get("Retry-After"))
	}
	if code := s.stop(t); code != exitOK {
		t.Errorf("serve exit %d after its context ended, want %d\n%s", code, exitOK, s.errOut.String())
	}
}

// TestServeAddressInUse checks that serve refuses an address another
// listener holds, saying how to choose another.
func TestServeAddressInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	code := run(ctx, []string{"serve", "--data", t.TempDir(), "--addr", ln.Addr().String()}, &out, &errOut)
	if want := "choose another address with --addr"; code != exitUsage || !strings.Contains(errOut.String(), want) {
		t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut.String(), exitUsage, want)
	}
}

// createToken runs yardstick tokens create for council and returns the
// token it printed and the token's id.
func createToken(t *testing.T, dir, council string) (token, id string) {
	t.Helper()
	code, stdout, stderr := runCmd(t, "tokens", "create", "--council", council, "--data", dir)
	if code != exitOK {
		t.Fatalf("tokens create exit %d: %s", code, stderr)
	}
	token = strings.TrimSpace(stdout)
	rest, ok := strings.CutPrefix(token, "ys_")
	id, _, ok2 := strings.Cut(rest, "_")
	if !ok || !ok2 {
		t.Fatalf("tokens create printed %q, not ys_<id>_<secret>", stdout)
	}
	return token, id
}

// alterToken returns token with another secret of the right form, and
// with another id of the right form.
func alterToken(t *testing.T, token string) (wrongSecret, unknownID string) {
	t.Helper()
	id, secret, _ := strings.Cut(strings.TrimPrefix(token, "ys_"), "_")
	// The first character of a secret carries six whole bits, so any
	// other letter is still a canonical secret, just not this one.
	first := "A"
	if secret[0] == 'A' {
		first = "B"
	}
	other := "0"
	if id[0] == '0' {
		other = "1"
	}
	return "ys_" + id + "_" + first + secret[1:], "ys_" + other + id[1:] + "_" + secret
}

type problemBody struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Instance  string `json:"instance"`
	Code      string `json:"code"`
	RequestID string `json:"request_id"`
}

// wantProblem checks that an answer is an application/problem+json of
// status and code, and returns it.
func wantProblem(t *testing.T, resp *http.Response, body []byte, status int, code string) problemBody {
	t.Helper()
	var p problemBody
	if resp.StatusCode != status {
		t.Errorf("%s %s = %d, want %d:\n%.500s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, status, body)
		return p
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("%s %s: Content-Type %q, want application/problem+json", resp.Request.Method, resp.Request.URL.Path, ct)
	}
	if err := json.Unmarshal(body, &p); err != nil {
		t.Errorf("%s %s: the problem does not decode: %v\n%s", resp.Request.Method, resp.Request.URL.Path, err, body)
		return p
	}
	if p.Status != status || p.Code != code || p.Title == "" || p.Detail == "" || p.RequestID == "" {
		t.Errorf("%s %s: problem %+v; want status %d, code %s, a title, a detail and a request id", resp.Request.Method, resp.Request.URL.Path, p, status, code)
	}
	return p
}

type receiptBody struct {
	ID          string        `json:"submission_id"`
	Council     string        `json:"council_code"`
	Status      string        `json:"status"`
	DuplicateOf string        `json:"duplicate_of"`
	Report      ingest.Report `json:"report"`
	Location    string        `json:"location"`
}

// wantReceipt checks that an answer is a JSON receipt with status and an
// id, and returns it.
func wantReceipt(t *testing.T, resp *http.Response, body []byte, status int) receiptBody {
	t.Helper()
	var rec receiptBody
	if resp.StatusCode != status {
		t.Fatalf("%s %s = %d, want %d:\n%.1000s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q, want application/json", resp.Request.Method, resp.Request.URL.Path, ct)
	}
	if err := json.Unmarshal(body, &rec); err != nil || rec.ID == "" {
		t.Fatalf("%s %s: not a receipt (%v):\n%.1000s", resp.Request.Method, resp.Request.URL.Path, err, body)
	}
	return rec
}

func readManifest(t *testing.T, layout schemas.Layout, id string) schemas.Manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(layout.Submission(id), "manifest.json"))
	if err != nil {
		t.Fatalf("submission %s: %v", id, err)
	}
	var m schemas.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("submission %s: %v", id, err)
	}
	return m
}

// served is a yardstick serve running for a test on loopback.
type served struct {
	base   string
	out    *lines
	errOut *syncBuffer
	cancel context.CancelFunc
	done   chan int
	once   sync.Once
	code   int
}

// startServe runs yardstick serve on the data folder dir at a free
// loopback port, waits for it to print its URL, and stops it when the test
// ends, failing the test if it does not exit 0.
func startServe(t *testing.T, dir string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &served{out: &lines{seen: make(chan string, 100)}, errOut: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	go func() {
		s.done <- run(ctx, []string{"serve", "--data", dir, "--addr", "127.0.0.1:0"}, s.out, s.errOut)
	}()
	timeout := time.After(30 * time.Second)
	for s.base == "" {
		select {
		case line := <-s.out.seen:
			if _, after, ok := strings.Cut(line, "the release in a browser:"); ok {
				s.base = strings.TrimSuffix(strings.TrimSpace(after), "/")
			}
		case code := <-s.done:
			cancel()
			t.Fatalf("serve ended with %d before serving\n%s\n%s", code, s.out.String(), s.errOut.String())
		case <-timeout:
			cancel()
			t.Fatalf("serve did not print its URL in 30 s\n%s", s.out.String())
		}
	}
	if !strings.HasPrefix(s.base, "http://127.0.0.1:") {
		cancel()
		t.Fatalf("serve serves at %q, not on loopback", s.base)
	}
	t.Cleanup(func() {
		if code := s.stop(t); code != exitOK {
			t.Errorf("serve exit %d after its context ended, want %d\n%s", code, exitOK, s.errOut.String())
		}
	})
	return s
}

// stop ends the server as Ctrl-C does and returns its exit status.
func (s *served) stop(t *testing.T) int {
	t.Helper()
	s.once.Do(func() {
		s.cancel()
		select {
		case s.code = <-s.done:
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop within 20 s of its context ending")
			s.code = -1
		}
	})
	return s.code
}

// do sends a request to the server, with the header given as name, value
// pairs (an empty value sends none), and returns the answer with its body
// read.
func (s *served) do(t *testing.T, method, path string, body io.Reader, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] != "" {
			req.Header.Set(header[i], header[i+1])
		}
	}
	client := &http.Client{Timeout: time.Minute}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return resp, b
}

// submit posts a return with token, and any other header as do takes it.
func (s *served) submit(t *testing.T, token, ret string, header ...string) (*http.Response, []byte) {
	t.Helper()
	return s.do(t, http.MethodPost, "/api/v1/returns", strings.NewReader(ret), append([]string{"Authorization", "Bearer " + token, "Content-Type", "text/csv"}, header...)...)
}

// TestServeSubmissionsPausedForMigration sends a return to a data folder
// whose warehouse is still in layout 1. The council gets 503 with a
// message it can act on (send again later), not an internal error; the
// server's log tells the operator the command to run; once the operator
// has run it, the same return is accepted.
func TestServeSubmissionsPausedForMigration(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	layout := schemas.Layout{Root: dir}
	tok, _ := createToken(t, dir, trafford)
	// A council's folder under a period's is what only layout 1 wrote.
	if err := os.MkdirAll(filepath.Join(layout.Observations(), "period=2024-25-Q1", "council="+trafford), 0o755); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, dir)

	resp, b := s.do(t, http.MethodPost, "/api/v1/returns", strings.NewReader(traffordReturn), "Authorization", "Bearer "+tok)
	p := wantProblem(t, resp, b, http.StatusServiceUnavailable, schemas.EUNAVAILABLE)
	if !strings.Contains(p.Detail, "send the return again later") || strings.Contains(p.Detail, dir) {
		t.Errorf("detail %q: want it to say to send again later, without the server's paths", p.Detail)
	}
	if resp.Header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	if want := "yardstick warehouse migrate --data " + dir; !strings.Contains(s.errOut.String(), want) {
		t.Errorf("the server's log does not tell the operator to run %q:\n%s", want, s.errOut.String())
	}
	if ids, err := os.ReadDir(layout.Submissions()); err == nil {
		for _, e := range ids {
			if !strings.HasPrefix(e.Name(), ".") {
				t.Errorf("a paused submission was stored as %s", e.Name())
			}
		}
	}

	if code, _, stderr := runCmd(t, "warehouse", "migrate", "--data", dir); code != exitOK {
		t.Fatalf("warehouse migrate exit %d: %s", code, stderr)
	}
	resp, b = s.do(t, http.MethodPost, "/api/v1/returns", strings.NewReader(traffordReturn), "Authorization", "Bearer "+tok)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("after the migration: %d, want 202:\n%.500s", resp.StatusCode, b)
	}
}
