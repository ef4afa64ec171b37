package watch

import (
	"path"
	"path/filepath"
	"strings"
)

// IgnoredDirs are directory names never watched: VCS metadata, dependency
// trees, caches, virtualenvs and IDE state. No watch is added below them.
var IgnoredDirs = []string{
	".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv",
	".mypy_cache", ".pytest_cache", ".ruff_cache", ".tox", ".idea",
}

// IgnoredFiles are file name patterns (path.Match syntax) never reported:
// editor swap, backup and temp files, vim's "4913" write probe, JetBrains'
// safe-write files, bytecode and Finder metadata.
var IgnoredFiles = []string{
	".DS_Store", "*.swp", "*.swo", "*.swn", "*.swx", "*~", ".#*", "#*#", "4913",
	"*.tmp", "*___jb_tmp___", "*___jb_old___", "*.pyc", "*.pyo",
}

// ignorer decides which project paths the watcher skips.
type ignorer struct {
	dirs  map[string]bool
	globs []string // project globs, relative to the root
}

func newIgnorer(globs []string) *ignorer {
	ig := &ignorer{dirs: make(map[string]bool, len(IgnoredDirs))}
	for _, d := range IgnoredDirs {
		ig.dirs[d] = true
	}
	for _, g := range globs {
		if g = cleanGlob(g); g != "" {
			ig.globs = append(ig.globs, g)
		}
	}
	return ig
}

// ignored reports whether rel (slash-separated, relative to the root) is
// skipped: any element is an ignored directory, the base name is an ignored
// file pattern, or a project glob matches.
func (ig *ignorer) ignored(rel string) bool {
	if rel == "." || rel == "" {
		return false
	}
	parts := strings.Split(rel, "/")
	for _, p := range parts {
		if ig.dirs[p] {
			return true
		}
	}
	base := parts[len(parts)-1]
	for _, pat := range IgnoredFiles {
		if ok, _ := path.Match(pat, base); ok {
			return true
		}
	}
	for _, g := range ig.globs {
		if matchGlobParts(g, parts) {
			return true
		}
	}
	return false
}

// cleanGlob normalises a user glob: slash-separated, no "./" prefix or "/" suffix.
func cleanGlob(g string) string {
	g = strings.TrimPrefix(filepath.ToSlash(strings.TrimSpace(g)), "./")
	return strings.TrimSuffix(g, "/")
}

// MatchGlob reports whether the slash-separated relative path name matches
// glob, with the semantics packaging uses: path.Match per element, "**"
// spans any number of elements, a glob without "/" matches any element (like
// .gitignore), and a glob matching a directory matches everything below it.
func MatchGlob(glob, name string) bool {
	g := cleanGlob(glob)
	if g == "" {
		return false
	}
	return matchGlobParts(g, strings.Split(filepath.ToSlash(name), "/"))
}

func matchGlobParts(glob string, parts []string) bool {
	if !strings.Contains(glob, "/") {
		for _, p := range parts {
			if ok, _ := path.Match(glob, p); ok {
				return true
			}
		}
		return false
	}
	g := strings.Split(glob, "/")
	for n := 1; n <= len(parts); n++ {
		if matchParts(g, parts[:n]) {
			return true
		}
	}
	return false
}

func matchParts(g, parts []string) bool {
	if len(g) == 0 {
		return len(parts) == 0
	}
	if g[0] == "**" {
		for i := 0; i <= len(parts); i++ {
			if matchParts(g[1:], parts[i:]) {
				return true
			}
		}
		return false
	}
	if len(parts) == 0 {
		return false
	}
	ok, _ := path.Match(g[0], parts[0])
	return ok && matchParts(g[1:], parts[1:])
}
