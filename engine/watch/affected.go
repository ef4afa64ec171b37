package watch

import (
	"path/filepath"
	"sort"
	"sync"

	"github.com/lambdev/lambdev/config"
)

// defaultIndex backs the package-level Affected.
var defaultIndex = NewIndex()

// Affected returns the names (sorted) of the functions that the changed
// absolute paths affect, using a shared Index. See Index.Affected.
func Affected(p *config.Project, paths []string) []string {
	return defaultIndex.Affected(p, paths)
}

// IsProjectFile reports whether path is the project file itself (lambdev.yaml):
// a change to it means re-planning, not reloading some functions.
func IsProjectFile(p *config.Project, path string) bool {
	return p.File != "" && filepath.Clean(path) == filepath.Clean(p.File)
}

// Index maps changed paths to functions. It keeps each function's resolved
// imports between calls and drops them when a call names a path they contain
// (or a path in the function's code dir), so it relies on being told about
// every change, as a Watcher's batches do; call Forget after a Batch with
// Overflow. Parsed files are also cached by modification time and size.
// It is safe for concurrent use.
type Index struct {
	files fileCache
	mu    sync.Mutex
	deps  map[depKey]*depSet
}

// depKey identifies a function's resolution inputs.
type depKey struct{ dir, name, handler, kind string }

// NewIndex returns an empty Index.
func NewIndex() *Index {
	return &Index{files: fileCache{m: map[string]cachedFile{}}, deps: map[depKey]*depSet{}}
}

// Forget drops everything cached, for when changes may have been missed.
func (ix *Index) Forget() {
	ix.mu.Lock()
	ix.deps = map[depKey]*depSet{}
	ix.mu.Unlock()
	ix.files.mu.Lock()
	ix.files.m = map[string]cachedFile{}
	ix.files.mu.Unlock()
}

// Affected returns the names (sorted) of the functions the changed absolute
// paths affect. A path affects a function when, unless one of the function's
// Ignore globs matches it (relative to the project or the code dir):
//   - it is under the function's code dir, or is a directory holding it;
//   - it matches one of the function's Watch globs (relative to the project);
//   - it is code the handler imports, transitively: Python modules and
//     packages, Node relative imports, Go packages of the module (and its
//     local replaces) together with go.mod and go.sum. Imports are followed
//     to files that do not exist too, so deleting or adding one counts.
//
// The project file itself affects no function; see IsProjectFile.
func (ix *Index) Affected(p *config.Project, paths []string) []string {
	s := newSession(ix, p)
	clean := make([]string, 0, len(paths))
	for _, path := range paths {
		if path = filepath.Clean(path); !IsProjectFile(p, path) {
			clean = append(clean, path)
		}
	}
	var out []string
	for _, f := range p.Functions {
		if s.affects(f, clean) {
			out = append(out, f.Name)
		}
		ix.invalidate(p, f, clean)
	}
	sort.Strings(out)
	return out
}

// invalidate drops f's cached imports when a changed path may alter them: a
// file in its code dir (the handler's own imports) or one of its imports.
func (ix *Index) invalidate(p *config.Project, f *config.Function, paths []string) {
	key := depKeyOf(p, f)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	d := ix.deps[key]
	if d == nil {
		return
	}
	codeDir := p.CodeDir(f)
	for _, path := range paths {
		if within(path, codeDir) || within(codeDir, path) || d.has(path) {
			delete(ix.deps, key)
			return
		}
	}
}

func depKeyOf(p *config.Project, f *config.Function) depKey {
	return depKey{p.Dir, f.Name, f.Handler, f.Kind}
}

// affects reports whether any path affects f; imports are only resolved when
// the cheaper rules did not decide.
func (s *session) affects(f *config.Function, paths []string) bool {
	codeDir := s.p.CodeDir(f)
	var deps *depSet
	for _, path := range paths {
		rel, inProject := relSlash(s.p.Dir, path)
		codeRel, _ := relSlash(codeDir, path)
		if inProject && (matchAny(f.Ignore, rel) || matchAny(f.Ignore, codeRel)) {
			continue
		}
		if within(path, codeDir) || within(codeDir, path) {
			return true
		}
		if inProject && matchAny(f.Watch, rel) {
			return true
		}
		if deps == nil {
			deps = s.cachedDeps(f, codeDir)
		}
		if deps.has(path) {
			return true
		}
	}
	return false
}

// relSlash is path relative to dir with slashes; ok is false outside dir.
func relSlash(dir, path string) (string, bool) {
	if !within(path, dir) {
		return "", false
	}
	rel, err := filepath.Rel(dir, path)
	return filepath.ToSlash(rel), err == nil
}

func matchAny(globs []string, rel string) bool {
	for _, g := range globs {
		if MatchGlob(g, rel) {
			return true
		}
	}
	return false
}

// depSet is what a function's handler imports: files (existing or not) and,
// for Go, package directories whose direct files all count.
type depSet struct {
	files, dirs map[string]bool
}

func newDepSet() *depSet {
	return &depSet{files: map[string]bool{}, dirs: map[string]bool{}}
}

func (d *depSet) has(path string) bool {
	return d.files[path] || d.dirs[filepath.Dir(path)] || d.dirs[path]
}

// follow walks an import graph from the entry files: every candidate the
// edges function names is a dependency, and existing ones are followed.
func (s *session) follow(d *depSet, entries []string, edges func(file string) []string) {
	seen := map[string]bool{}
	queue := entries
	for _, e := range entries {
		d.files[e] = true
	}
	for len(queue) > 0 {
		file := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if seen[file] || !s.isFile(file) {
			continue
		}
		seen[file] = true
		for _, c := range edges(file) {
			d.files[c] = true
			if !seen[c] {
				queue = append(queue, c)
			}
		}
	}
}

// cachedDeps returns f's imports from the Index, resolving them if needed.
func (s *session) cachedDeps(f *config.Function, codeDir string) *depSet {
	key := depKeyOf(s.p, f)
	s.ix.mu.Lock()
	d := s.ix.deps[key]
	s.ix.mu.Unlock()
	if d != nil {
		return d
	}
	d = s.deps(f, codeDir)
	s.ix.mu.Lock()
	s.ix.deps[key] = d
	s.ix.mu.Unlock()
	return d
}

// deps resolves f's imports by runtime family.
func (s *session) deps(f *config.Function, codeDir string) *depSet {
	d := newDepSet()
	switch f.Family() {
	case config.FamilyPython:
		s.pythonDeps(f, codeDir, d)
	case config.FamilyNode:
		s.nodeDeps(f, codeDir, d)
	case config.FamilyGo:
		s.goDeps(codeDir, d)
	}
	return d
}
