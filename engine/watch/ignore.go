package watch

import (
	"path"
	"strings"

	"github.com/lambdev/lambdev/config"
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
		if g = config.CleanGlob(g); g != "" {
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
		if config.MatchGlobParts(g, parts) {
			return true
		}
	}
	return false
}

// MatchGlob reports whether the relative path name matches glob (see
// config.MatchGlob: the rules packaging uses too).
func MatchGlob(glob, name string) bool { return config.MatchGlob(glob, name) }
