package watch

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// watchKind says why a real directory has a watch.
type watchKind uint8

const (
	watchTree watchKind = iota + 1 // scanned: its subdirectories are watched too
	watchHost                      // only hosts the target of a symlinked file
)

// alias maps a real (symlink-resolved) path to the path the project sees it
// at. The root maps to itself; a symlinked directory maps its target to the
// link. An exact alias maps one file (the target of a symlinked file).
type alias struct {
	real, logical string
	exact         bool
}

// tree is the set of watched directories and the real → project path mapping.
// Watches are always added on real paths, so a directory reachable twice (a
// symlink to a folder already watched, or a cycle) is watched once.
type tree struct {
	root     string // the project root as given (absolute, not resolved)
	ig       *ignorer
	add, rm  func(string) error
	onLimit  func(*LimitError)
	mu       sync.Mutex // guards watched and aliases for watchedDirs
	watched  map[string]watchKind
	aliases  []alias
	firstErr *LimitError // limit hit during the current walk
}

// item is a directory to walk: its real path and the project path it is seen at.
type item struct{ real, logical string }

// rel is the slash path of logical relative to the root ("." for the root).
func (t *tree) rel(logical string) string {
	if logical == t.root {
		return "."
	}
	return filepath.ToSlash(strings.TrimPrefix(logical, t.root+string(filepath.Separator)))
}

// walker is one walk's state: the directories seen (the cycle guard) and
// whether directories scanned by earlier walks are listed again.
type walker struct {
	seen  map[string]bool
	again bool
	found func(real string)
}

// walk watches the directories (and symlinks) given and every directory below
// them, following symlinks. Every regular file or file symlink found is passed
// to found as a real path. Unless again is set, directories scanned by an
// earlier walk are skipped.
func (t *tree) walk(dirs, links []item, again bool, found func(real string)) {
	wk := &walker{seen: map[string]bool{}, again: again, found: found}
	for len(dirs) > 0 || len(links) > 0 {
		if len(dirs) == 0 { // plain directories first, so aliases land on real names
			l := links[0]
			links = links[1:]
			dirs = append(dirs, t.followLink(l, found)...)
			continue
		}
		d := dirs[len(dirs)-1]
		dirs = dirs[:len(dirs)-1]
		sub, ln := t.watchDir(d, wk)
		dirs, links = append(dirs, sub...), append(links, ln...)
	}
	if e := t.firstErr; e != nil {
		t.firstErr = nil
		t.onLimit(e)
	}
}

// watchDir adds a watch on d and lists it: subdirectories and symlinks to visit.
func (t *tree) watchDir(d item, wk *walker) (dirs, links []item) {
	t.mu.Lock()
	kind := t.watched[d.real]
	t.mu.Unlock()
	if wk.seen[d.real] || (kind == watchTree && !wk.again) {
		return nil, nil // already walked: a duplicate path or a cycle
	}
	wk.seen[d.real] = true
	if kind == 0 && !t.watch(d.real, watchTree) {
		return nil, nil
	}
	t.setKind(d.real, watchTree)
	entries, _ := os.ReadDir(d.real) // vanished meanwhile: its Remove event follows
	for _, e := range entries {
		it := item{filepath.Join(d.real, e.Name()), filepath.Join(d.logical, e.Name())}
		if t.ig.ignored(t.rel(it.logical)) {
			continue
		}
		switch {
		case e.IsDir():
			dirs = append(dirs, it)
		case e.Type()&fs.ModeSymlink != 0:
			links = append(links, it)
		case e.Type().IsRegular():
			wk.found(it.real)
		}
	}
	return dirs, links
}

// followLink resolves a symlink: a directory target is aliased and returned to
// walk, a file target is aliased and its directory watched.
func (t *tree) followLink(l item, found func(string)) []item {
	target, err := filepath.EvalSymlinks(l.real)
	if err != nil {
		return nil // dangling: nothing to watch
	}
	fi, err := os.Stat(target)
	if err != nil {
		return nil
	}
	t.addAlias(alias{real: target, logical: l.logical, exact: !fi.IsDir()})
	if fi.IsDir() {
		return []item{{target, l.logical}}
	}
	found(l.real)
	host := filepath.Dir(target)
	t.mu.Lock()
	kind := t.watched[host]
	t.mu.Unlock()
	if kind == 0 && t.watch(host, watchHost) {
		t.setKind(host, watchHost)
	}
	return nil
}

// watch adds one OS watch, collecting limit errors for the walk.
func (t *tree) watch(real string, kind watchKind) bool {
	err := t.add(real)
	switch {
	case err == nil:
		return true
	case isLimit(err):
		if t.firstErr == nil {
			t.firstErr = &LimitError{Dir: real, Err: err}
		}
		t.firstErr.Skipped++
	}
	return false // vanished or unreadable: nothing to watch
}

func (t *tree) setKind(real string, k watchKind) {
	t.mu.Lock()
	t.watched[real] = k
	t.mu.Unlock()
}

func (t *tree) addAlias(a alias) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, b := range t.aliases {
		if b == a {
			return
		}
	}
	t.aliases = append(t.aliases, a)
}

// logical returns the project paths a real event path is seen at, without
// ignored ones.
func (t *tree) logical(real string) []string {
	var out []string
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, a := range t.aliases {
		var p string
		switch {
		case real == a.real:
			p = a.logical
		case !a.exact && strings.HasPrefix(real, a.real+string(filepath.Separator)):
			p = a.logical + real[len(a.real):]
		default:
			continue
		}
		if !t.ig.ignored(t.rel(p)) {
			out = append(out, p)
		}
	}
	return out
}

// known reports whether a removed or renamed real path was a watched
// directory or a symlink the tree follows, so drop has work to do.
func (t *tree) known(real string, logicals []string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.watched[real] != 0 {
		return true
	}
	for _, a := range t.aliases[1:] {
		if withinAny(a.logical, logicals) {
			return true
		}
	}
	return false
}

// drop forgets real and everything below it (a removed or renamed directory
// or symlink), removing OS watches that may already be gone, and the aliases
// of the project paths it was seen at.
func (t *tree) drop(real string, logicals []string) {
	t.mu.Lock()
	var gone []string
	for d := range t.watched {
		if within(d, real) {
			gone = append(gone, d)
			delete(t.watched, d)
		}
	}
	kept := t.aliases[:0]
	for _, a := range t.aliases {
		if a.logical != t.root && withinAny(a.logical, logicals) {
			gone = append(gone, t.orphanTargets(a)...)
			continue
		}
		kept = append(kept, a)
	}
	t.aliases = kept
	t.mu.Unlock()
	for _, d := range gone {
		_ = t.rm(d) // the kernel drops watches on deleted dirs itself
	}
}

// orphanTargets lists watched dirs under a dropped alias's target that lie
// outside the project's real root (so no other path reaches them).
func (t *tree) orphanTargets(a alias) []string {
	if a.exact || within(a.real, t.aliases[0].real) {
		return nil
	}
	var out []string
	for d := range t.watched {
		if within(d, a.real) {
			out = append(out, d)
			delete(t.watched, d)
		}
	}
	return out
}

// watchedDirs lists the watched real directories, sorted.
func (t *tree) watchedDirs() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]string, 0, len(t.watched))
	for d := range t.watched {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// within reports whether p is dir or below it.
func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+string(filepath.Separator))
}

func withinAny(p string, dirs []string) bool {
	for _, d := range dirs {
		if within(p, d) {
			return true
		}
	}
	return false
}

// errNotDir is returned by New when the root is not a directory.
var errNotDir = errors.New("not a directory")
