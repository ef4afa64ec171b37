package drift

import (
	"strings"
	"testing"
	"time"

	"github.com/lambdev/lambdev/config"
)

// fn builds a function with loader-style defaults; the handler keeps the code
// dir at the project root for every family.
func fn(name, runtime, arch string) *config.Function {
	kind := config.FamilyProvided
	handler := "bootstrap"
	if rt, ok := config.LookupRuntime(runtime); ok {
		kind = rt.Family
	}
	switch kind {
	case config.FamilyPython:
		handler = "handler.main"
	case config.FamilyNode:
		handler = "index.handler"
	}
	return &config.Function{
		Name: name, Runtime: runtime, Architecture: arch, Kind: kind, Handler: handler,
		Dev: true, Memory: 128, Timeout: 3 * time.Second, Environment: map[string]string{},
	}
}

func project(dir string, fs ...*config.Function) *config.Project {
	return &config.Project{Dir: dir, App: "app", Stage: "dev", Region: "us-east-1", Functions: fs}
}

// day parses a fixed test date.
func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// only keeps the warnings of one rule.
func only(ws []Warning, rule string) []Warning {
	var out []Warning
	for _, w := range ws {
		if w.Rule == rule {
			out = append(out, w)
		}
	}
	return out
}

// wantOne asserts exactly one warning with severity sev whose facts contain subs.
func wantOne(t *testing.T, ws []Warning, sev Severity, subs ...string) Warning {
	t.Helper()
	if len(ws) != 1 {
		t.Fatalf("want 1 warning, got %d: %v", len(ws), ws)
	}
	w := ws[0]
	if w.Severity != sev {
		t.Errorf("severity = %s, want %s (%v)", w.Severity, sev, w)
	}
	text := w.Dev + " | " + w.Prod + " | " + w.Hint
	for _, s := range subs {
		if !strings.Contains(text, s) {
			t.Errorf("%q missing from %q", s, text)
		}
	}
	return w
}

func wantNone(t *testing.T, ws []Warning) {
	t.Helper()
	if len(ws) != 0 {
		t.Fatalf("want no warnings, got %v", ws)
	}
}
