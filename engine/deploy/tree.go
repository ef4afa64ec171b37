package deploy

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/lambdev/lambdev/config"
)

// walker collects the files of a code directory, applying ignore globs and
// following symlinks only while they stay inside the project directory.
type walker struct {
	fn       string
	root     string // project dir, symlinks resolved
	codeRel  string // code dir relative to the project dir, slash form
	ignore   []string
	limit    int64
	size     int64
	entries  []entry
	visiting map[string]bool // real paths of the directories being walked
}

// collect returns the files of f's code directory.
func collect(p *config.Project, f *config.Function, limit int64) ([]entry, error) {
	root, err := filepath.EvalSymlinks(p.Dir)
	if err != nil {
		return nil, fmt.Errorf("package %s: project dir: %w", f.Name, err)
	}
	code := p.CodeDir(f)
	rel, err := filepath.Rel(p.Dir, code)
	if err != nil {
		return nil, fmt.Errorf("package %s: %w", f.Name, err)
	}
	w := &walker{
		fn: f.Name, root: root, codeRel: filepath.ToSlash(rel), limit: limit,
		ignore:   append(append([]string{}, DefaultIgnore...), f.Ignore...),
		visiting: map[string]bool{},
	}
	real, err := w.resolve(code, ".")
	if err != nil {
		return nil, err
	}
	if err := w.walkDir(real, ""); err != nil {
		return nil, err
	}
	return w.entries, nil
}

// resolve follows symlinks in abs and refuses a result outside the project dir.
func (w *walker) resolve(abs, rel string) (string, error) {
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("package %s: %s: %w", w.fn, rel, err)
	}
	if real != w.root && !strings.HasPrefix(real, w.root+string(filepath.Separator)) {
		return "", fmt.Errorf("package %s: %s is a symlink to %s, outside the project directory %s; "+
			"Lambda would not get that file: copy it into the project instead", w.fn, rel, real, w.root)
	}
	return real, nil
}

func (w *walker) walkDir(dir, rel string) error {
	if w.visiting[dir] {
		return fmt.Errorf("package %s: symlink loop at %s", w.fn, rel)
	}
	w.visiting[dir] = true
	defer delete(w.visiting, dir)
	list, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("package %s: %w", w.fn, err)
	}
	for _, de := range list {
		if err := w.visit(filepath.Join(dir, de.Name()), path.Join(rel, de.Name())); err != nil {
			return err
		}
	}
	return nil
}

func (w *walker) visit(abs, rel string) error {
	if w.ignored(rel) {
		return nil
	}
	real, err := w.resolve(abs, rel)
	if err != nil {
		return err
	}
	info, err := os.Stat(real)
	if err != nil {
		return fmt.Errorf("package %s: %w", w.fn, err)
	}
	switch {
	case info.IsDir():
		return w.walkDir(real, rel)
	case !info.Mode().IsRegular():
		return nil // sockets, devices and pipes are not code
	}
	w.size += info.Size()
	if w.size > w.limit {
		return &SizeError{Function: w.fn, Unzipped: true, Size: w.size, Limit: w.limit}
	}
	w.entries = append(w.entries, entry{
		name: rel, src: real, exec: info.Mode()&0o111 != 0, size: info.Size(),
	})
	return nil
}

// ignored reports whether rel (relative to the code dir) matches an ignore glob,
// either relative to the code dir or to the project dir.
func (w *walker) ignored(rel string) bool {
	fromProject := path.Join(w.codeRel, rel)
	for _, g := range w.ignore {
		if matchGlob(g, rel) || matchGlob(g, fromProject) {
			return true
		}
	}
	return false
}

// matchGlob matches a slash path against a glob (config.MatchGlob: the
// rules hot reload uses too).
func matchGlob(glob, name string) bool { return config.MatchGlob(glob, name) }

// providedEntries packages the bootstrap's directory, with the bootstrap
// stored as an executable named "bootstrap" at the zip root.
func providedEntries(p *config.Project, f *config.Function, limit int64) ([]entry, error) {
	entries, err := collect(p, f, limit)
	if err != nil {
		return nil, err
	}
	base := filepath.Base(f.Handler)
	found := false
	out := entries[:0]
	for _, e := range entries {
		switch e.name {
		case base:
			e.name, e.exec, found = "bootstrap", true, true
		case "bootstrap":
			if base != "bootstrap" {
				continue // replaced by the declared bootstrap
			}
		}
		out = append(out, e)
	}
	if !found {
		return nil, fmt.Errorf("package %s: bootstrap %s not found (or ignored)", f.Name, f.Handler)
	}
	return out, nil
}
