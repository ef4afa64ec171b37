package engine

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/lambdev/lambdev/engine/runtimes"
)

// frozenSkip are directories a frozen copy leaves out: caches, not code.
var frozenSkip = map[string]bool{".git": true, "__pycache__": true, ".mypy_cache": true, ".pytest_cache": true}

// genSpec is the spec one generation is prepared from. A live function runs
// from its source tree; a deployed one (dev: false, or toggled) runs from a
// frozen copy taken now, so edits reach it only through an explicit rebuild —
// the local meaning of "run it as it will run in production". Go functions
// are frozen by their build already.
func (fn *function) genSpec(live bool, n int) (runtimes.Spec, error) {
	spec := fn.spec
	if live || spec.Family == runtimes.Go {
		return spec, nil
	}
	dst := filepath.Join(spec.BuildDir, "frozen", strconv.Itoa(n))
	if err := os.RemoveAll(dst); err != nil {
		return spec, err
	}
	if err := copyTree(spec.CodeDir, dst); err != nil {
		return spec, fmt.Errorf("freeze %s: %w", fn.cfg.Name, err)
	}
	if spec.Bootstrap != "" {
		rel, err := filepath.Rel(spec.CodeDir, spec.Bootstrap)
		if err != nil || strings.HasPrefix(rel, "..") {
			return spec, fmt.Errorf("freeze %s: bootstrap %s is outside %s", fn.cfg.Name, spec.Bootstrap, spec.CodeDir)
		}
		spec.Bootstrap = filepath.Join(dst, rel)
	}
	spec.CodeDir = dst
	return spec, nil
}

// copyTree copies regular files and directories from src to dst, keeping
// modes; symlinks are copied as links.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir() && frozenSkip[d.Name()] && path != src:
			return filepath.SkipDir
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case d.Type().IsRegular():
			return copyFile(path, target)
		}
		return nil
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
