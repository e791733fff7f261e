package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/yardstick-open/yardstick/schemas"
)

// DefaultMaxBytes is the largest return ingest reads when Options.MaxBytes
// is not set: 2 GiB, some twenty million rows, far more than any council
// sends, and small enough that a file of zeros or a stream that never ends
// cannot fill the disk before it is refused.
const DefaultMaxBytes int64 = 2 << 30

// maxBytes returns the size limit the options set.
func (o Options) maxBytes() int64 {
	if o.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return o.MaxBytes
}

// CheckFile reports whether path names a return ingest may read: a regular
// file (or a link to one) no larger than maxBytes (DefaultMaxBytes when 0
// or less). It looks at the file without opening it, so a named pipe with
// no writer cannot block it and a device such as /dev/zero is never read;
// a caller with several files can check them all before reading any. A
// missing file is an error coded schemas.ENOTFOUND, one that is not a
// regular file a usage error (ErrUsage), a file too large one coded
// schemas.ETOOLARGE.
func CheckFile(path string, maxBytes int64) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return schemas.Errorf(schemas.ENOTFOUND, "open return: %w", err)
	}
	if err != nil {
		return fmt.Errorf("open return: %w", err)
	}
	return checkFileInfo(path, st, Options{MaxBytes: maxBytes}.maxBytes())
}

// checkFileInfo refuses what is not a regular file, and a file larger than
// limit.
func checkFileInfo(path string, st fs.FileInfo, limit int64) error {
	if kind := fileKind(st.Mode()); kind != "" {
		return usageErrorf("%s is %s, not a file", path, kind)
	}
	if st.Size() > limit {
		return schemas.Errorf(schemas.ETOOLARGE, "%s is %s, larger than the %s a return may be", path, fmtBytes(st.Size()), fmtBytes(limit))
	}
	return nil
}

// fileKind names what a file that is not a regular file is, or returns ""
// for a regular file.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return ""
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// fmtBytes writes a size as people read it: 2 GiB, 1.5 MiB, 900 bytes.
func fmtBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	v, suffix := float64(n), ""
	for _, s := range []string{"KiB", "MiB", "GiB", "TiB"} {
		v, suffix = v/unit, s
		if v < unit {
			break
		}
	}
	s := fmt.Sprintf("%.1f", v)
	if s[len(s)-2:] == ".0" {
		s = s[:len(s)-2]
	}
	return s + " " + suffix
}

// limitReader reads at most limit bytes of r and fails, rather than stops,
// when r has more, so a return that is too large is refused rather than
// read in part.
type limitReader struct {
	r     io.Reader
	left  int64
	limit int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, l.tooLarge()
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1] // one byte more than allowed shows there is more
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n + int(l.left), l.tooLarge()
	}
	return n, err
}

func (l *limitReader) tooLarge() error {
	return schemas.Errorf(schemas.ETOOLARGE, "the return is larger than %s, the most a return may be", fmtBytes(l.limit))
}

// ctxReader returns a reader of r that honours ctx. A regular file is read
// as it is, with ctx checked before each read: such a read never waits
// long. Anything else (a pipe, standard input, a request body) may block
// in Read for as long as its writer is silent, so it is read by a goroutine
// of its own while Read waits for either its bytes or ctx; stop ends that
// goroutine once Read has returned, or when r's Read does.
func ctxReader(ctx context.Context, r io.Reader) (rd io.Reader, stop func()) {
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			return &checkedReader{ctx: ctx, r: r}, func() {}
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	p := &pumpReader{ctx: ctx, r: r, chunks: make(chan chunk), free: make(chan []byte, 2)}
	for range 2 {
		p.free <- make([]byte, 64<<10)
	}
	go p.pump()
	return p, cancel
}

// checkedReader checks ctx before each read.
type checkedReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *checkedReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// pumpReader hands on what its goroutine reads. The goroutine reads into
// buffers of its own, never into the caller's, so a Read abandoned when ctx
// ends leaves nothing writing to memory the caller still holds.
type pumpReader struct {
	ctx    context.Context
	r      io.Reader
	chunks chan chunk
	free   chan []byte
	cur    chunk
	off    int
}

type chunk struct {
	b   []byte
	err error
}

func (p *pumpReader) pump() {
	for {
		var buf []byte
		select {
		case buf = <-p.free:
		case <-p.ctx.Done():
			return
		}
		n, err := p.r.Read(buf[:cap(buf)])
		select {
		case p.chunks <- chunk{buf[:n], err}:
		case <-p.ctx.Done():
			return
		}
		if err != nil {
			return
		}
	}
}

func (p *pumpReader) Read(b []byte) (int, error) {
	for p.off == len(p.cur.b) {
		if p.cur.err != nil {
			return 0, p.cur.err
		}
		if p.cur.b != nil {
			p.free <- p.cur.b // never blocks: there are only two buffers
			p.cur.b = nil
		}
		select {
		case c := <-p.chunks:
			p.cur, p.off = c, 0
		case <-p.ctx.Done():
			return 0, p.ctx.Err()
		}
	}
	n := copy(b, p.cur.b[p.off:])
	p.off += n
	return n, nil
}
