package runtimes

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
)

// PythonBootstrap is the embedded Python runtime loop (bootstrap/lambdev_bootstrap.py).
//
//go:embed bootstrap/lambdev_bootstrap.py
var PythonBootstrap []byte

// NodeBootstrap is the embedded Node.js runtime loop (bootstrap/bootstrap.cjs).
//
//go:embed bootstrap/bootstrap.cjs
var NodeBootstrap []byte

// bootstrapDir is where a function's bootstrap script goes: its BuildDir, or
// a per-user cache directory when the engine gave none.
func bootstrapDir(spec Spec) (string, error) {
	if spec.BuildDir != "" {
		return spec.BuildDir, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "lambdev", "bootstrap"), nil
}

// writeFileAtomic writes content to dir/name unless an identical file is
// already there. It writes to a temporary file and renames it, so concurrent
// preparations, running workers and later sessions never see a half-written
// file (a bootstrap script, a cached probe).
func writeFileAtomic(dir, name string, content []byte) (string, error) {
	path := filepath.Join(dir, name)
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, content) {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("write %s: %w", name, err)
	}
	f, err := os.CreateTemp(dir, name+".*.tmp")
	if err != nil {
		return "", fmt.Errorf("write %s: %w", name, err)
	}
	_, werr := f.Write(content)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(f.Name(), path)
	}
	if werr != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", name, werr)
	}
	return path, nil
}
