package runtimes

import (
	"context"
	"os"
	"path/filepath"
)

// providedLauncher runs a custom runtime's bootstrap executable as is.
type providedLauncher struct{}

// Prepare checks that the bootstrap exists and is executable. Like Lambda it
// defaults to "bootstrap" in the task root.
func (providedLauncher) Prepare(ctx context.Context, spec Spec) (*Prepared, error) {
	path := spec.Bootstrap
	if path == "" {
		path = filepath.Join(spec.CodeDir, "bootstrap")
	}
	fi, err := os.Stat(path)
	switch {
	case os.IsNotExist(err):
		return nil, &InvalidEntrypointError{Path: path, Reason: "no such file"}
	case err != nil:
		return nil, &InvalidEntrypointError{Path: path, Reason: err.Error()}
	case fi.IsDir():
		return nil, &InvalidEntrypointError{Path: path, Reason: "is a directory"}
	case fi.Mode().Perm()&0o111 == 0:
		return nil, &InvalidEntrypointError{Path: path, Reason: "not executable (chmod +x it)"}
	}
	return &Prepared{
		Path:        path,
		Dir:         spec.CodeDir,
		Interpreter: Interpreter{Path: path, Matched: true},
	}, nil
}
