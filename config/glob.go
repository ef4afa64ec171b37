package config

import (
	"path"
	"path/filepath"
	"strings"
)

// CleanGlob normalises a user glob (watch, ignore): slash-separated, no "./"
// prefix or "/" suffix.
func CleanGlob(g string) string {
	g = strings.TrimPrefix(filepath.ToSlash(strings.TrimSpace(g)), "./")
	return strings.TrimSuffix(g, "/")
}

// MatchGlob reports whether the slash-separated relative path name matches
// glob, with the semantics packaging and hot reload share: path.Match per
// element, "**" spans any number of elements, a glob without "/" matches any
// element (like .gitignore), and a glob matching a directory matches
// everything below it.
func MatchGlob(glob, name string) bool {
	g := CleanGlob(glob)
	if g == "" {
		return false
	}
	return MatchGlobParts(g, strings.Split(filepath.ToSlash(name), "/"))
}

// MatchGlobParts is MatchGlob for a glob already cleaned by CleanGlob and a
// path already split into its elements.
func MatchGlobParts(glob string, parts []string) bool {
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
