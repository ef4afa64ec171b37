package watch

import "testing"

func TestIgnored(t *testing.T) {
	ig := newIgnorer([]string{"./dist/", "docs/**/*.md", "*.log"})
	for rel, want := range map[string]bool{
		".":                     false,
		"app.py":                false,
		"src/node_modules":      true,
		"a/node_modules/b/c.js": true,
		".git/HEAD":             true,
		"fn/__pycache__/x.pyc":  true,
		"venv/lib/x.py":         true,
		"myvenv/x.py":           false,
		".DS_Store":             true,
		"a/.app.py.swp":         true,
		"a/4913":                true,
		"a/49130":               false,
		"a/app.py~":             true,
		"a/.#app.py":            true,
		"a/#app.py#":            true,
		"a/x.tmp":               true,
		"a/x.py___jb_old___":    true,
		"dist":                  true,
		"dist/x.js":             true,
		"src/dist/x.js":         true, // no "/" inside: any element, as packaging does
		"docs/a/b/x.md":         true,
		"docs/x.md":             true,
		"docs/x.txt":            false,
		"deep/app.log":          true,
	} {
		if got := ig.ignored(rel); got != want {
			t.Errorf("ignored(%q) = %v, want %v", rel, got, want)
		}
	}
}

func TestMatchGlob(t *testing.T) {
	for _, tc := range []struct {
		glob, name string
		want       bool
	}{
		{"shared/**/*.py", "shared/a/b/c.py", true},
		{"shared/**/*.py", "shared/c.py", true},
		{"shared/**/*.py", "other/c.py", false},
		{"shared", "shared/x/y", true},
		{"*.md", "a/b/README.md", true},
		{"functions/b/fixtures", "functions/b/fixtures/e.json", true},
		{"functions/*/fixtures", "functions/b/fixtures/e.json", true},
		{"functions/b", "functions/bb/x", false},
		{"**", "anything/at/all", true},
		{"", "x", false},
	} {
		if got := MatchGlob(tc.glob, tc.name); got != tc.want {
			t.Errorf("MatchGlob(%q, %q) = %v", tc.glob, tc.name, got)
		}
	}
}
