package schemas

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

// errSentinel stands for a sentinel a caller branches on, wrapped deep
// inside a coded error.
var errSentinel = errors.New("sentinel")

// TestErrorCodes checks that a code, a user's message and the sentinels
// inside survive being wrapped, and that uncoded errors read as internal.
func TestErrorCodes(t *testing.T) {
	t.Parallel()
	coded := Errorf(EINVALID, "council option: %w", errSentinel)
	withCause := &Error{Code: ENOTFOUND, Message: "no such release", Err: fs.ErrNotExist}
	tests := []struct {
		name    string
		err     error
		code    string
		message string
		text    string
		reaches error // a sentinel errors.Is must find; nil for none
		unwraps bool  // whether errors.Unwrap(err) is non-nil
	}{
		{name: "nil", err: nil, code: "", message: "", text: ""},
		{
			name: "plain error", err: errors.New("disk full"),
			code: EINTERNAL, message: "internal error", text: "disk full",
		},
		{
			name: "plain error wrapping a coded one is still coded", err: fmt.Errorf("ingest: %w", Errorf(ECONFLICT, "already published")),
			code: ECONFLICT, message: "already published", text: "ingest: already published", unwraps: true,
		},
		{
			name: "Errorf without %w", err: Errorf(ETOOLARGE, "the file is over %d MB", 200),
			code: ETOOLARGE, message: "the file is over 200 MB", text: "the file is over 200 MB",
		},
		{
			name: "Errorf with %w", err: coded,
			code: EINVALID, message: "council option: sentinel", text: "council option: sentinel",
			reaches: errSentinel, unwraps: true,
		},
		{
			name: "Errorf with two %w", err: Errorf(EINVALID, "%w and %w", errSentinel, fs.ErrPermission),
			code: EINVALID, message: "sentinel and permission denied", text: "sentinel and permission denied",
			reaches: fs.ErrPermission, unwraps: true,
		},
		{
			name: "wrapped twice with fmt.Errorf", err: fmt.Errorf("ingest r.csv: %w", fmt.Errorf("check return: %w", coded)),
			code: EINVALID, message: "council option: sentinel", text: "ingest r.csv: check return: council option: sentinel",
			reaches: errSentinel, unwraps: true,
		},
		{
			name: "struct with Err", err: withCause,
			code: ENOTFOUND, message: "no such release", text: "no such release: file does not exist",
			reaches: fs.ErrNotExist, unwraps: true,
		},
		{
			name: "outer code wins", err: Errorf(EFORBIDDEN, "publish: %w", withCause),
			code: EFORBIDDEN, message: "publish: no such release: file does not exist",
			text: "publish: no such release: file does not exist", reaches: fs.ErrNotExist, unwraps: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := ErrorCode(tc.err); got != tc.code {
				t.Errorf("ErrorCode = %q, want %q", got, tc.code)
			}
			if got := ErrorMessage(tc.err); got != tc.message {
				t.Errorf("ErrorMessage = %q, want %q", got, tc.message)
			}
			if tc.err != nil && tc.err.Error() != tc.text {
				t.Errorf("Error() = %q, want %q", tc.err.Error(), tc.text)
			}
			if tc.reaches != nil && !errors.Is(tc.err, tc.reaches) {
				t.Errorf("errors.Is(err, %v) = false, want true", tc.reaches)
			}
			if got := errors.Unwrap(tc.err) != nil; got != tc.unwraps {
				t.Errorf("errors.Unwrap(err) != nil is %v, want %v", got, tc.unwraps)
			}
		})
	}
}

// TestErrorfWrapsNothingWithoutW checks that an Errorf error without %w
// does not pretend to wrap: errors.Is must not find an error whose text
// merely appears in the message.
func TestErrorfWrapsNothingWithoutW(t *testing.T) {
	t.Parallel()
	err := Errorf(EINVALID, "council option: %v", errSentinel)
	if errors.Is(err, errSentinel) {
		t.Errorf("errors.Is found a sentinel formatted with %%v in %q", err)
	}
	if err.Err != nil {
		t.Errorf("Err = %v, want nil", err.Err)
	}
}
