//go:build !(linux && (amd64 || arm64))

package schemas

import "errors"

// syncFS is not available here; callers sync file by file.
func syncFS(string) error { return errors.ErrUnsupported }
