package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/lambdev/lambdev"

// allowedImports lists, per package directory prefix, the lambdev packages it
// may import (STYLE.md "Dependencies point inward"). The longest prefix wins.
var allowedImports = map[string][]string{
	"config":             {},
	"engine":             {"config", "engine/"},
	"engine/drift":       {"config"},
	"engine/deploy":      {"config"},
	"engine/watch":       {"config"},
	"engine/runtimeapi":  {},
	"engine/runtimes":    {},
	"relay":              {"config", "engine", "engine/", "relay/"},
	"relay/wire":         {},
	"relay/bridge":       {"relay/wire"},
	"tui":                {"config", "engine", "engine/", "tui/"},
	".":                  {"*"},
	"internal/testutil/": {"*"},
}

// TestImportRules fails on a forbidden edge between lambdev packages, and on
// charmbracelet imports anywhere but tui.
func TestImportRules(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if msg := checkImport(dir, p); msg != "" {
				t.Errorf("%s imports %s: %s", path, p, msg)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func checkImport(dir, imp string) string {
	if strings.HasPrefix(imp, "github.com/charmbracelet/") && dir != "tui" && !strings.HasPrefix(dir, "tui/") {
		return "only tui may import charmbracelet packages"
	}
	rel, ok := strings.CutPrefix(imp, module+"/")
	if !ok {
		return ""
	}
	allowed := rulesFor(dir)
	for _, a := range allowed {
		if a == "*" || a == rel || (strings.HasSuffix(a, "/") && strings.HasPrefix(rel, a)) {
			return ""
		}
	}
	return "forbidden by the import rules in arch_test.go (STYLE.md)"
}

func rulesFor(dir string) []string {
	best, bestLen := []string(nil), -1
	for prefix, allowed := range allowedImports {
		match := dir == prefix || (strings.HasSuffix(prefix, "/") && strings.HasPrefix(dir, prefix)) ||
			(prefix != "." && strings.HasPrefix(dir, prefix+"/"))
		if match && len(prefix) > bestLen {
			best, bestLen = allowed, len(prefix)
		}
	}
	return best
}

func TestCheckImportCatchesForbiddenEdges(t *testing.T) {
	cases := []struct {
		dir, imp string
		bad      bool
	}{
		{"config", module + "/engine", true},
		{"engine", module + "/relay", true},
		{"engine", module + "/tui", true},
		{"engine", module + "/engine/runtimeapi", false},
		{"engine/drift", module + "/engine", true},
		{"tui", module + "/relay", true},
		{"tui", module + "/engine", false},
		{"relay", "github.com/charmbracelet/lipgloss", true},
		{"tui", "github.com/charmbracelet/lipgloss", false},
		{"relay/bridge", module + "/engine", true},
		{".", module + "/tui", false},
	}
	for _, c := range cases {
		if got := checkImport(c.dir, c.imp) != ""; got != c.bad {
			t.Errorf("checkImport(%q, %q) forbidden = %v, want %v", c.dir, c.imp, got, c.bad)
		}
	}
}
