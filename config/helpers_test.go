package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testNow is the fixed moment lifecycle checks run against in tests.
var testNow = day("2026-11-25")

// writeProject creates a project directory holding lambdev.yaml and files.
// A file spec is "path" (empty file), "path=content", "+x path" (executable)
// or "path/" (directory). It returns the project file's path.
func writeProject(t testing.TB, yaml string, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, spec := range files {
		mode := os.FileMode(0o644)
		if s, ok := strings.CutPrefix(spec, "+x "); ok {
			spec, mode = s, 0o755
		}
		name, content, _ := strings.Cut(spec, "=")
		full := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			must(t, os.MkdirAll(full, 0o755))
			continue
		}
		must(t, os.MkdirAll(filepath.Dir(full), 0o755))
		must(t, os.WriteFile(full, []byte(content), mode))
	}
	file := filepath.Join(dir, DefaultFile)
	must(t, os.WriteFile(file, []byte(yaml), 0o644))
	return file
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// mapEnv is a Getenv over a fixed map.
func mapEnv(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// load loads yaml written into a fresh project with files, at testNow.
// It fails the test if the error is not nil or *Errors.
func load(t testing.TB, yaml string, env map[string]string, files ...string) (*Project, *Errors) {
	t.Helper()
	p, err := Load(writeProject(t, yaml, files...), LoadOptions{Getenv: mapEnv(env), Now: testNow})
	if err == nil {
		return p, &Errors{List: p.Warnings}
	}
	var errs *Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Load error is %T, want *Errors: %v", err, err)
	}
	if p != nil {
		t.Fatal("Load returned a project and an error")
	}
	return nil, errs
}

// short renders problems as "line:col: msg" (warnings: "line:col: warning: msg").
func short(list []*Error) []string {
	out := make([]string, 0, len(list))
	for _, e := range list {
		w := ""
		if e.Warning {
			w = "warning: "
		}
		out = append(out, fmt.Sprintf("%d:%d: %s%s", e.Line, e.Col, w, e.Msg))
	}
	return out
}

// sameLines fails unless got equals want, element by element.
func sameLines(t testing.TB, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got:\n  %s\n want:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
