package runtimes_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lambdev/lambdev/engine/runtimes"
)

func TestForFamilies(t *testing.T) {
	for _, f := range []string{runtimes.Python, runtimes.Node, runtimes.Go, runtimes.Provided} {
		if l, err := runtimes.For(f); err != nil || l == nil {
			t.Errorf("For(%q) = %v, %v", f, l, err)
		}
	}
	for _, f := range []string{"java", "dotnet", "ruby", "cobol"} {
		if _, err := runtimes.For(f); !errors.Is(err, runtimes.ErrNotLocal) {
			t.Errorf("For(%q) error %v, want ErrNotLocal", f, err)
		}
	}
}

func TestPythonInterpreterSelection(t *testing.T) {
	requireTool(t, "python3")
	tests := []struct {
		version string
		matched bool
	}{
		{"3.11", true},
		{"3.99", false}, // no such python: falls back to python3
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			spec := pythonSpec(t, "app.echo")
			spec.Version = tt.version
			spec.BuildDir = t.TempDir()
			p := prepare(t, spec)
			in := p.Interpreter
			if in.Matched != tt.matched || (tt.matched && !strings.HasPrefix(in.Version, tt.version+".")) {
				t.Errorf("interpreter %+v, want matched=%v", in, tt.matched)
			}
			if strings.Contains(in.Path, "/shims/") || !filepath.IsAbs(in.Path) {
				t.Errorf("path %q is not a resolved executable", in.Path)
			}
			if p.Path != in.Path || len(p.Args) != 2 || p.Args[0] != "-c" {
				t.Errorf("command %s %v", p.Path, p.Args)
			}
			script, err := os.ReadFile(filepath.Join(spec.BuildDir, "lambdev_bootstrap.py"))
			if err != nil || string(script) != string(runtimes.PythonBootstrap) {
				t.Errorf("bootstrap not written: %v", err)
			}
		})
	}
}

func TestNodeInterpreterSelection(t *testing.T) {
	requireTool(t, "node")
	spec := nodeSpec(t, "cjs.handler")
	p := prepare(t, spec)
	major := strings.SplitN(p.Interpreter.Version, ".", 2)[0]
	if p.Interpreter.Matched != (major == "22") || !filepath.IsAbs(p.Interpreter.Path) {
		t.Errorf("interpreter %+v for nodejs22.x", p.Interpreter)
	}
	spec.Version = major
	if p := prepare(t, spec); !p.Interpreter.Matched {
		t.Errorf("node %s not matched: %+v", major, p.Interpreter)
	}
}

func TestPrepareTwiceReusesBootstrap(t *testing.T) {
	requireTool(t, "python3")
	spec := pythonSpec(t, "app.echo")
	spec.BuildDir = t.TempDir()
	script := filepath.Join(spec.BuildDir, "lambdev_bootstrap.py")
	a := prepare(t, spec)
	fi1, err := os.Stat(script)
	if err != nil {
		t.Fatal(err)
	}
	b := prepare(t, spec)
	fi2, err := os.Stat(script)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(fi1, fi2) || a.Interpreter != b.Interpreter {
		t.Errorf("second Prepare rewrote the bootstrap or re-probed differently")
	}
}

func TestPrepareHonoursCancelledContext(t *testing.T) {
	requireTool(t, "go")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	l, _ := runtimes.For(runtimes.Go)
	if _, err := l.Prepare(ctx, goSpec(t, "gofn")); err == nil {
		t.Error("Prepare with a cancelled context succeeded")
	}
}

func TestPythonBootstrapBytecodeIsCached(t *testing.T) {
	requireTool(t, "python3")
	t.Setenv("PYTHONDONTWRITEBYTECODE", "1") // as a developer's shell may have it
	spec := pythonSpec(t, "app.echo")
	spec.BuildDir = t.TempDir()
	prepare(t, spec)
	pycs, _ := filepath.Glob(filepath.Join(spec.BuildDir, "__pycache__", "lambdev_bootstrap.*.pyc"))
	if len(pycs) != 1 {
		t.Fatalf("bytecode not precompiled: %v", pycs)
	}
}
