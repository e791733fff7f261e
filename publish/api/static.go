package api

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/yardstick-open/yardstick/publish"
	"github.com/yardstick-open/yardstick/schemas"
)

// contentTypes are the types of the files a release holds, by extension;
// the system's MIME table is not consulted, so the answer is the same on
// every machine.
var contentTypes = map[string]string{
	".html":    "text/html; charset=utf-8",
	".json":    "application/json",
	".csv":     "text/csv; charset=utf-8",
	".svg":     "image/svg+xml",
	".css":     "text/css; charset=utf-8",
	".js":      "text/javascript; charset=utf-8",
	".xml":     "application/xml",
	".txt":     "text/plain; charset=utf-8",
	".parquet": "application/vnd.apache.parquet",
	".gz":      "application/gzip", // the large tables' CSV files, served as they are, never re-compressed
	".duckdb":  "application/octet-stream",
	".png":     "image/png",
	".ico":     "image/x-icon",
	".woff2":   "font/woff2",
}

// contentType returns the type of a release file by its name.
func contentType(name string) string {
	if t, ok := contentTypes[path.Ext(name)]; ok {
		return t
	}
	if path.Base(name) == "SHA256SUMS" {
		return "text/plain; charset=utf-8"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// compressible reports whether a type is text, worth compressing.
func compressible(ct string) bool {
	return strings.HasPrefix(ct, "text/") || strings.HasPrefix(ct, "application/json") ||
		strings.HasPrefix(ct, "application/xml") || strings.HasPrefix(ct, "image/svg")
}

func (s *Server) registerStaticRoutes() {
	// A release of the data folder by id, immutable: cacheable for a year.
	s.router.PathPrefix("/releases/{id}/").Methods(http.MethodGet, http.MethodHead).HandlerFunc(s.serveReleaseFile)
	// The current release at the root.
	s.router.PathPrefix("/").Methods(http.MethodGet, http.MethodHead).HandlerFunc(s.serveCurrentFile)
	s.router.PathPrefix("/").Handler(methodNotAllowed(http.MethodGet, http.MethodHead))
}

func (s *Server) serveCurrentFile(w http.ResponseWriter, r *http.Request) {
	rel, err := s.releases.current()
	if err != nil {
		writeProblem(w, r, problemOf(r.Context(), s.log, r, err))
		return
	}
	defer rel.done()
	// The current release changes with each publish: revalidate after a
	// minute.
	s.serveFile(w, r, rel.root, rel.rec.ID, r.URL.Path, "public, max-age=60", rel)
}

func (s *Server) serveReleaseFile(w http.ResponseWriter, r *http.Request) {
	id := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/releases/"), "/", 2)[0]
	rec, err := s.byID.get(s.cfg.Layout, id)
	if err != nil {
		s.notFound(w, r)
		return
	}
	root, err := os.OpenRoot(rec.Dir)
	if err != nil {
		s.notFound(w, r)
		return
	}
	defer root.Close()
	s.serveFile(w, r, root, rec.ID, strings.TrimPrefix(r.URL.Path, "/releases/"+id), "public, max-age=31536000, immutable", nil)
}

// maxReleaseRecords bounds releaseRecords: ids are the client's to choose,
// but only those of real releases are kept.
const maxReleaseRecords = 256

// releaseRecords keeps the release.json of each release asked for by id,
// so that a file of /releases/<id>/ does not read and parse it again: a
// release never changes. Only releases found are kept, so one published
// later is found; the zero value is ready to use.
type releaseRecords struct {
	mu   sync.Mutex
	byID map[string]*schemas.Release
}

func (c *releaseRecords) get(layout schemas.Layout, id string) (*schemas.Release, error) {
	c.mu.Lock()
	rec, ok := c.byID[id]
	c.mu.Unlock()
	if ok {
		return rec, nil
	}
	rec, err := publish.ReadRelease(layout, id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byID == nil {
		c.byID = make(map[string]*schemas.Release)
	}
	if len(c.byID) >= maxReleaseRecords {
		for k := range c.byID { // any one: map order is random
			delete(c.byID, k)
			break
		}
	}
	c.byID[id] = rec
	return rec, nil
}

// serveFile answers a file of a release folder. Only regular files inside
// the folder are served: the os.Root refuses any path that leaves it,
// through .. or a symbolic link, and a folder answers its index.html or a
// 404, never a listing. Ranges and conditional requests are answered by
// http.ServeContent; text is compressed when the client takes gzip and
// asks for no range.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, root *os.Root, id, urlPath, cacheControl string, current *release) {
	name := strings.TrimPrefix(path.Clean("/"+urlPath), "/")
	if name == "" {
		name = "."
	}
	f, fi, err := openFile(root, name)
	if err != nil {
		s.notFound(w, r)
		return
	}
	defer f.Close()
	if fi.IsDir() {
		f.Close()
		if f, fi, err = openFile(root, path.Join(name, "index.html")); err != nil || fi.IsDir() {
			if err == nil {
				f.Close()
			}
			if name == "." && current != nil {
				// A release built before the website has no
				// index.html: show what it holds and where the API is.
				s.serveLanding(w, r, current)
				return
			}
			s.notFound(w, r)
			return
		}
		defer f.Close()
		if !strings.HasSuffix(r.URL.Path, "/") {
			http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
			return
		}
		name = path.Join(name, "index.html")
	}
	ct := contentType(name)
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Cache-Control", cacheControl)
	h.Set("X-Release", id)
	// A large download on a slow link needs longer than the server's
	// write timeout; give it a minute more per 8 MiB.
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout + time.Duration(fi.Size()>>23)*time.Minute))
	etag := fmt.Sprintf(`"%s-%x-%x"`, id, fi.Size(), fi.ModTime().UnixNano())
	if compressible(ct) {
		h.Add("Vary", "Accept-Encoding")
	}
	if compressible(ct) && r.Header.Get("Range") == "" && acceptsGzip(r) && fi.Size() >= minGzip && fi.Size() < 64<<20 {
		if matches(r.Header.Get("If-None-Match"), etag) {
			h.Set("ETag", `W/`+etag)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("ETag", `W/`+etag)
		h.Set("Content-Encoding", "gzip")
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusOK)
			return
		}
		zw := gzipWriters.Get().(*gzip.Writer)
		zw.Reset(w)
		io.Copy(zw, f)
		zw.Close()
		zw.Reset(io.Discard) // let the writer go
		gzipWriters.Put(zw)
		return
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, name, fi.ModTime(), f)
}

// gzipWriters are reused: a compressor holds about a megabyte of
// tables, more than most of the files it compresses.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return zw
}}

// openFile opens a regular file or folder of root. Anything else is
// refused before it is opened: opening a named pipe would wait for a
// writer for ever.
func openFile(root *os.Root, name string) (*os.File, os.FileInfo, error) {
	if fi, err := root.Stat(name); err != nil {
		return nil, nil, err
	} else if !fi.Mode().IsRegular() && !fi.IsDir() {
		return nil, nil, fs.ErrNotExist
	}
	f, err := root.Open(name)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() && !fi.IsDir() {
		f.Close()
		return nil, nil, fs.ErrNotExist
	}
	return f, fi, nil
}

//go:embed pages/404.html
var notFoundPage []byte

// notFound answers a missing file: the API's problem for a path under
// the API, a page for a person otherwise.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, Prefix+"/") || r.URL.Path == Prefix {
		writeProblem(w, r, problemOf(r.Context(), s.log, r, schemas.Errorf(schemas.ENOTFOUND,
			"no such endpoint %s; the endpoints are listed at %s/openapi.json", clip(r.URL.Path), Prefix)))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNotFound)
	if r.Method != http.MethodHead {
		w.Write(notFoundPage)
	}
}

//go:embed pages/landing.html
var landingSource string

var landing = template.Must(template.New("landing").Parse(landingSource))

// landingFile is a download the landing page links to.
type landingFile struct {
	Name, Size string
}

// serveLanding answers / for a release without a website.
func (s *Server) serveLanding(w http.ResponseWriter, r *http.Request, rel *release) {
	var files []landingFile
	fs.WalkDir(rel.root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		// Only regular files are served: a link or a pipe is not listed.
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		if fi, err := d.Info(); err == nil {
			files = append(files, landingFile{Name: p, Size: humanSize(fi.Size())})
		}
		return nil
	})
	var buf bytes.Buffer
	err := landing.Execute(&buf, map[string]any{"Release": rel.rec, "Files": files, "Prefix": Prefix})
	if err != nil {
		writeProblem(w, r, problemOf(r.Context(), s.log, r, err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=60")
	h.Set("X-Release", rel.rec.ID)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
