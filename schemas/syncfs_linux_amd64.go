//go:build linux && amd64

package schemas

// sysSyncfs is syncfs(2), which package syscall does not name.
const sysSyncfs = 306
