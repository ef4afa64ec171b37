package tui

import (
	"bytes"
	"context"
	"go/parser"
	"go/token"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lambdev/lambdev/engine"
	"github.com/lambdev/lambdev/engine/drift"
)

func TestRunEndsWithContext(t *testing.T) {
	f := newFakeEngine()
	ctx, cancel := context.WithCancel(t.Context())
	var log bytes.Buffer
	opts := testOptions()
	opts.LogFile = &log
	f.ch <- engine.FunctionStateChanged{At: at(1), Function: "api", State: engine.StateReady}
	done := make(chan error, 1)
	go func() { done <- run(ctx, f, opts, tea.WithInput(nil), tea.WithOutput(io.Discard)) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run after ctx ended = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after ctx ended")
	}
}

func TestRunQuitsOnQ(t *testing.T) {
	f := newFakeEngine()
	in := strings.NewReader("q")
	done := make(chan error, 1)
	go func() { done <- run(t.Context(), f, testOptions(), tea.WithInput(in), tea.WithOutput(io.Discard)) }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("q did not quit")
	}
}

// driftEngine also answers Drift, as *engine.Engine does.
type driftEngine struct{ *fakeEngine }

func (driftEngine) Drift(name string) []drift.Warning {
	if name != "web" {
		return nil
	}
	return []drift.Warning{{Rule: "arch", Severity: drift.SeverityWarning, Function: "web", Dev: "arm64", Prod: "x86_64", Hint: "set architecture: arm64"}}
}

func TestInitialDriftFromEngine(t *testing.T) {
	f := newFakeEngine()
	m := resize(newModel(t.Context(), driftEngine{f}, testOptions(), &chanSource{ch: f.ch}), 80, 24)
	if v := m.View(); !strings.Contains(v, "Drift [1]") {
		t.Errorf("drift known before subscribing should show:\n%s", v)
	}
	m = events(m, engine.DriftDetected{At: at(2), Function: "web"})
	if v := m.View(); !strings.Contains(v, "Drift · none") {
		t.Errorf("an empty DriftDetected clears the function's warnings:\n%s", v)
	}
}

// TestImports keeps tui on its side of the architecture: no relay, no main.
func TestImports(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if p := strings.Trim(imp.Path.Value, `"`); strings.HasPrefix(p, "github.com/lambdev/lambdev/relay") {
				t.Errorf("%s imports %s: tui may import only engine and config", name, p)
			}
		}
	}
}
