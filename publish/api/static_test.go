package api

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// TestStaticRange reads the Parquet file by ranges, as DuckDB does over
// HTTP, with and without If-Range.
func TestStaticRange(t *testing.T) {
	t.Parallel()
	f, _, hs := shared(t)
	u := hs.URL + "/data/comparisons.parquet"
	whole, err := os.ReadFile(filepath.Join(f.second.Dir, "data", "comparisons.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	full := get(t, u)
	if full.status != http.StatusOK || !bytes.Equal(full.body, whole) {
		t.Fatalf("GET: status %d, %d bytes; want 200 and the file's %d", full.status, len(full.body), len(whole))
	}
	etag := full.header.Get("ETag")
	if etag == "" || full.header.Get("Accept-Ranges") != "bytes" {
		t.Errorf("ETag %q, Accept-Ranges %q", etag, full.header.Get("Accept-Ranges"))
	}
	tests := []struct {
		name    string
		headers []string
		status  int
		body    string
		// contentRange is the Content-Range wanted, "" for none.
		contentRange string
	}{
		{"first four bytes", []string{"Range", "bytes=0-3"}, 206, "PAR1", fmt.Sprintf("bytes 0-3/%d", len(whole))},
		{"last four bytes", []string{"Range", "bytes=-4"}, 206, "PAR1", fmt.Sprintf("bytes %d-%d/%d", len(whole)-4, len(whole)-1, len(whole))},
		{"with gzip accepted", []string{"Range", "bytes=0-3", "Accept-Encoding", "gzip"}, 206, "PAR1", fmt.Sprintf("bytes 0-3/%d", len(whole))},
		{"If-Range matching", []string{"Range", "bytes=0-3", "If-Range", etag}, 206, "PAR1", fmt.Sprintf("bytes 0-3/%d", len(whole))},
		{"If-Range stale", []string{"Range", "bytes=0-3", "If-Range", `"stale"`}, 200, string(whole), ""},
		{"unsatisfiable", []string{"Range", fmt.Sprintf("bytes=%d-", len(whole)+10)}, 416, "", fmt.Sprintf("bytes */%d", len(whole))},
		{"If-None-Match", []string{"If-None-Match", etag}, 304, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := get(t, u, tc.headers...)
			if a.status != tc.status {
				t.Fatalf("status %d, want %d", a.status, tc.status)
			}
			if tc.status != 416 && string(a.body) != tc.body {
				t.Errorf("body %q, want %q", clipBody(a.body), clipBody([]byte(tc.body)))
			}
			if got := a.header.Get("Content-Range"); got != tc.contentRange {
				t.Errorf("Content-Range %q, want %q", got, tc.contentRange)
			}
			if got := a.header.Get("Content-Encoding"); got != "" {
				t.Errorf("Content-Encoding %q on a Parquet file", got)
			}
		})
	}
}

// TestStaticContentTypes checks the type and bytes of each kind of file a
// release holds, by GET and HEAD.
func TestStaticContentTypes(t *testing.T) {
	t.Parallel()
	f, _, hs := shared(t)
	tests := []struct{ path, contentType string }{
		{"/data/comparisons.parquet", "application/vnd.apache.parquet"},
		{"/data/observations.csv.gz", "application/gzip"},
		{"/data/metrics.csv", "text/csv; charset=utf-8"},
		{"/datapackage.json", "application/json"},
		{"/release.json", "application/json"},
		{"/SHA256SUMS", "text/plain; charset=utf-8"},
		{"/yardstick.duckdb", "application/octet-stream"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			a := get(t, hs.URL+tc.path)
			if a.status != http.StatusOK {
				t.Fatalf("status %d", a.status)
			}
			if got := a.header.Get("Content-Type"); got != tc.contentType {
				t.Errorf("Content-Type %q, want %q", got, tc.contentType)
			}
			if got := a.header.Get("X-Release"); got != f.second.ID {
				t.Errorf("X-Release %q, want %q", got, f.second.ID)
			}
			if got := a.header.Get("Cache-Control"); got != "public, max-age=60" {
				t.Errorf("Cache-Control %q", got)
			}
			want, err := os.ReadFile(filepath.Join(f.second.Dir, filepath.FromSlash(tc.path)))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.body, want) {
				t.Errorf("body differs from the file")
			}
			head := do(t, http.MethodHead, hs.URL+tc.path, nil)
			if head.status != http.StatusOK || len(head.body) != 0 || head.header.Get("Content-Length") != fmt.Sprint(len(want)) {
				t.Errorf("HEAD: status %d, %d bytes, Content-Length %q", head.status, len(head.body), head.header.Get("Content-Length"))
			}
		})
	}
}

// TestStaticGzip checks that text files are compressed for a client that
// takes gzip and asks for no range.
func TestStaticGzip(t *testing.T) {
	t.Parallel()
	f, _, hs := shared(t)
	for _, path := range []string{"/data/metrics.csv", "/datapackage.json"} {
		t.Run(path, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(f.second.Dir, filepath.FromSlash(path)))
			if err != nil {
				t.Fatal(err)
			}
			if len(want) < minGzip {
				t.Fatalf("%s is %d bytes, too small to compress", path, len(want))
			}
			a := get(t, hs.URL+path, "Accept-Encoding", "gzip")
			if a.header.Get("Content-Encoding") != "gzip" || !strings.Contains(a.header.Get("Vary"), "Accept-Encoding") {
				t.Fatalf("Content-Encoding %q, Vary %q", a.header.Get("Content-Encoding"), a.header.Get("Vary"))
			}
			zr, err := gzip.NewReader(bytes.NewReader(a.body))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("decompressed body differs from the file")
			}
			etag := a.header.Get("ETag")
			if !strings.HasPrefix(etag, "W/") {
				t.Errorf("compressed ETag %q is not weak", etag)
			}
			if nm := get(t, hs.URL+path, "Accept-Encoding", "gzip", "If-None-Match", etag); nm.status != http.StatusNotModified {
				t.Errorf("If-None-Match %s: status %d, want 304", etag, nm.status)
			}
			head := do(t, http.MethodHead, hs.URL+path, nil, "Accept-Encoding", "gzip")
			if head.status != http.StatusOK || len(head.body) != 0 || head.header.Get("Content-Encoding") != "gzip" {
				t.Errorf("HEAD: status %d, %d bytes, Content-Encoding %q", head.status, len(head.body), head.header.Get("Content-Encoding"))
			}
			// A range is of the file's bytes, never compressed.
			r := get(t, hs.URL+path, "Accept-Encoding", "gzip", "Range", "bytes=0-9")
			if r.status != http.StatusPartialContent || r.header.Get("Content-Encoding") != "" || string(r.body) != string(want[:10]) {
				t.Errorf("range: status %d, Content-Encoding %q, body %q", r.status, r.header.Get("Content-Encoding"), r.body)
			}
		})
	}
}

// TestStaticGzippedDownload checks that a gzipped CSV download is served
// as the file's own bytes, to a client that takes gzip too: marked
// Content-Encoding gzip, a browser would unpack it and save plain CSV
// under the .csv.gz name; compressed again, it would grow.
func TestStaticGzippedDownload(t *testing.T) {
	t.Parallel()
	f, _, hs := shared(t)
	path := "/data/observations.csv.gz"
	want, err := os.ReadFile(filepath.Join(f.second.Dir, filepath.FromSlash(path)))
	if err != nil {
		t.Fatal(err)
	}
	a := get(t, hs.URL+path, "Accept-Encoding", "gzip")
	if a.status != http.StatusOK || a.header.Get("Content-Encoding") != "" || !bytes.Equal(a.body, want) {
		t.Fatalf("status %d, Content-Encoding %q, %d bytes; want 200, none and the file's %d bytes",
			a.status, a.header.Get("Content-Encoding"), len(a.body), len(want))
	}
	zr, err := gzip.NewReader(bytes.NewReader(a.body))
	if err != nil {
		t.Fatalf("the download is not gzip: %v", err)
	}
	text, err := io.ReadAll(zr)
	if err != nil || !bytes.HasPrefix(text, []byte("council_code,provider_id,provider_name,")) {
		t.Errorf("the download holds %.60q (%v), want the observations CSV", text, err)
	}
}

// checkNotFoundPage checks a is the 404 page for people.
func checkNotFoundPage(t testing.TB, a answer) {
	t.Helper()
	if a.status != http.StatusNotFound {
		t.Errorf("status %d, want 404; body %s", a.status, clipBody(a.body))
	}
	if ct := a.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q, want the HTML 404 page", ct)
	}
	if !bytes.Contains(a.body, []byte("Page not found")) {
		t.Errorf("body is not the 404 page: %s", clipBody(a.body))
	}
	checkSecurityHeaders(t, a)
}

// TestStaticFolders checks folders (a 404 page, never a listing), the
// landing page, and the releases kept at /releases/<id>/.
func TestStaticFolders(t *testing.T) {
	t.Parallel()
	f, _, hs := shared(t)
	t.Run("folder without index.html", func(t *testing.T) {
		for _, path := range []string{"/data/", "/data"} {
			a := get(t, hs.URL+path)
			checkNotFoundPage(t, a)
			if bytes.Contains(a.body, []byte("observations.csv.gz")) {
				t.Errorf("%s lists the folder", path)
			}
		}
	})
	t.Run("missing file", func(t *testing.T) {
		checkNotFoundPage(t, get(t, hs.URL+"/no/such/page.html"))
		head := do(t, http.MethodHead, hs.URL+"/no-such-page", nil)
		if head.status != http.StatusNotFound || len(head.body) != 0 {
			t.Errorf("HEAD: status %d, %d bytes", head.status, len(head.body))
		}
	})
	t.Run("landing page", func(t *testing.T) {
		a := get(t, hs.URL+"/")
		if a.status != http.StatusOK || a.header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Fatalf("status %d, Content-Type %q", a.status, a.header.Get("Content-Type"))
		}
		for _, want := range []string{f.second.ID, `href="/data/comparisons.parquet"`, Prefix + "/openapi.json"} {
			if !bytes.Contains(a.body, []byte(want)) {
				t.Errorf("landing page lacks %q", want)
			}
		}
	})
	t.Run("older release", func(t *testing.T) {
		a := get(t, hs.URL+"/releases/"+f.first.ID+"/release.json")
		if a.status != http.StatusOK {
			t.Fatalf("status %d", a.status)
		}
		if got := a.header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("Cache-Control %q, want immutable", got)
		}
		if got := a.header.Get("X-Release"); got != f.first.ID {
			t.Errorf("X-Release %q, want %q", got, f.first.ID)
		}
		var rel schemas.Release
		a.decode(t, &rel)
		if rel.ID != f.first.ID {
			t.Errorf("release.json of %s says id %q", f.first.ID, rel.ID)
		}
		r := get(t, hs.URL+"/releases/"+f.first.ID+"/data/comparisons.parquet", "Range", "bytes=0-3")
		if r.status != http.StatusPartialContent || string(r.body) != "PAR1" {
			t.Errorf("older release range: status %d, body %q", r.status, r.body)
		}
		// An older release's root has no landing page: it is not served.
		checkNotFoundPage(t, get(t, hs.URL+"/releases/"+f.first.ID+"/"))
		checkNotFoundPage(t, get(t, hs.URL+"/releases/"+f.first.ID+"/data/"))
	})
	t.Run("no such release", func(t *testing.T) {
		for _, path := range []string{"/releases/nope/release.json", "/releases/.building-x/release.json", "/releases/current/release.json"} {
			checkNotFoundPage(t, get(t, hs.URL+path))
		}
	})
}

// TestStaticIndex serves a copy of the release with index.html files, as
// the website will give it.
func TestStaticIndex(t *testing.T) {
	t.Parallel()
	f := copyFixture(t)
	for name, body := range map[string]string{"index.html": "<p>home</p>", "data/index.html": "<p>downloads</p>"} {
		if err := os.WriteFile(filepath.Join(f.second.Dir, filepath.FromSlash(name)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, hs := startServer(t, f.layout, Config{})
	if a := get(t, hs.URL+"/"); a.status != 200 || string(a.body) != "<p>home</p>" {
		t.Errorf("/: status %d, body %q", a.status, a.body)
	}
	if a := get(t, hs.URL+"/data/"); a.status != 200 || string(a.body) != "<p>downloads</p>" {
		t.Errorf("/data/: status %d, body %q", a.status, a.body)
	}
	if a := get(t, hs.URL+"/data"); a.status != http.StatusMovedPermanently || a.header.Get("Location") != "/data/" {
		t.Errorf("/data: status %d, Location %q; want 301 to /data/", a.status, a.header.Get("Location"))
	}
}

// hostilePaths try to leave the release folder.
var hostilePaths = []string{
	"/../../etc/passwd",
	"/%2e%2e/%2e%2e/etc/passwd",
	"/data/..%2f..%2f..%2fcurrent",
	"/data/..%2f..%2f..%2ftokens.json",
	"//etc/passwd",
	"/releases/../x",
	"/releases/..%2f..%2ftokens.json",
	"/releases/" + "%2e%2e" + "/tokens.json",
	"/..%5c..%5cetc%5cpasswd",
	"/data/%00",
	"/etc/passwd%00.csv",
	"/leak",
	"/data/up/tokens.json",
	"/data/up/secret.txt",
	"/link-to-sums",
	"/fifo",
	"/%ff%fe",
	"/releases/%00/release.json",
	"/releases/%ff/release.json",
}

// TestStaticHostilePaths plants links inside a copy of the release that
// point out of it, and asks for files outside it every way it can: each
// answer is a 404 (after any redirect to the cleaned path), never a file
// from outside, never a 500.
func TestStaticHostilePaths(t *testing.T) {
	t.Parallel()
	f := copyFixture(t)
	secret := "SECRET-OUTSIDE-THE-RELEASE"
	for _, name := range []string{"tokens.json", "secret.txt"} {
		if err := os.WriteFile(filepath.Join(f.layout.Root, name), []byte(secret), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := f.second.Dir
	links := map[string]string{
		"leak":         "/etc/passwd",
		"data/up":      "../../..",
		"link-to-sums": "SHA256SUMS", // inside: may be served
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	if err := mkfifo(filepath.Join(dir, "fifo")); err != nil {
		t.Fatal(err)
	}
	_, hs := startServer(t, f.layout, Config{})
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableCompression: true}}
	for _, path := range hostilePaths {
		t.Run(path, func(t *testing.T) {
			resp, err := client.Get(hs.URL + path)
			if err != nil {
				t.Fatalf("GET %s: %v", path, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if bytes.Contains(body, []byte(secret)) || bytes.Contains(body, []byte("root:")) {
				t.Fatalf("GET %s served a file from outside the release", path)
			}
			if path == "/link-to-sums" {
				if resp.StatusCode != http.StatusOK {
					t.Errorf("a link inside the release: status %d, want 200", resp.StatusCode)
				}
				return
			}
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s (%s after redirects): status %d, want 404", path, resp.Request.URL.Path, resp.StatusCode)
			}
		})
	}
	// The landing page lists only what is served.
	landing := get(t, hs.URL+"/")
	for _, name := range []string{"leak", "fifo", "data/up", "link-to-sums"} {
		if bytes.Contains(landing.body, []byte(`href="/`+name+`"`)) {
			t.Errorf("the landing page lists %s", name)
		}
	}
	// The same requests sent raw, so no client cleans them first.
	for _, path := range hostilePaths {
		t.Run("raw "+path, func(t *testing.T) {
			status, body := rawGet(t, hs.Listener.Addr().String(), path)
			if bytes.Contains(body, []byte(secret)) || bytes.Contains(body, []byte("root:")) {
				t.Fatalf("GET %s served a file from outside the release", path)
			}
			if status >= 500 || status == 200 && path != "/link-to-sums" {
				t.Errorf("GET %s: status %d", path, status)
			}
		})
	}
}

// rawGet sends a GET for target exactly as written.
func rawGet(t testing.TB, addr, target string) (int, []byte) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", target)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}
