// Package data embeds Yardstick's reference data so the binary carries it.
// The folder holds data, not code: this file exists only because go:embed
// cannot reach files outside the embedding package's folder.
package data

import (
	"embed"
	"io/fs"
)

//go:embed reference/*.csv peer-groups/*.csv
var files embed.FS

// Reference returns the reference folder: the register of councils and its
// lookups (see reference/SOURCES.md).
func Reference() fs.FS {
	sub, err := fs.Sub(files, "reference")
	if err != nil {
		panic(err) // the folder is embedded at build time
	}
	return sub
}

// PeerGroups returns the example peer groups shipped with Yardstick.
func PeerGroups() fs.FS {
	sub, err := fs.Sub(files, "peer-groups")
	if err != nil {
		panic(err)
	}
	return sub
}
