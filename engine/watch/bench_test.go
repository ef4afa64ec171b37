package watch

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/lambdev/lambdev/config"
)

// BenchmarkSaveToBatch measures one save → its batch with the default quiet
// period, which dominates: expect Quiet plus well under a millisecond.
func BenchmarkSaveToBatch(b *testing.B) {
	root, at := tempRoot(b)
	file := at("fn/app.py")
	write(b, file, "x")
	w := start(b, root, Options{})
	b.ResetTimer()
	for i := range b.N {
		write(b, file, fmt.Sprint(i))
		next(b, w)
	}
	b.ReportMetric(float64(DefaultQuiet.Milliseconds()), "quiet-ms")
}

// BenchmarkSaveToBatchNoQuiet is the same with a 1 ms quiet period: the
// watcher's own overhead (fsnotify, bookkeeping, flush).
func BenchmarkSaveToBatchNoQuiet(b *testing.B) {
	root, at := tempRoot(b)
	file := at("fn/app.py")
	write(b, file, "x")
	w := start(b, root, Options{Quiet: time.Millisecond})
	b.ResetTimer()
	for i := range b.N {
		write(b, file, fmt.Sprint(i))
		next(b, w)
	}
}

// bigProject has 200 Python functions, each importing two shared modules,
// plus a shared package they all use.
func bigProject(b *testing.B) *config.Project {
	root, at := tempRoot(b)
	write(b, at("lambdev.yaml"), "app: big\n")
	write(b, at("shared/__init__.py"), "")
	write(b, at("shared/db.py"), "from .fmt import f\nimport json\n")
	write(b, at("shared/fmt.py"), "import datetime\n")
	p := &config.Project{File: at("lambdev.yaml"), Dir: root}
	for i := range 200 {
		name := fmt.Sprintf("fn%03d", i)
		write(b, at("functions/"+name+"/app.py"),
			"import os\nfrom shared.db import q\nfrom shared import fmt\nfrom helpers import h\n")
		write(b, at("functions/"+name+"/helpers.py"), "import shared.fmt\n")
		p.Functions = append(p.Functions, &config.Function{Name: name,
			Handler: "functions/" + name + "/app.handler", Runtime: "python3.12", Kind: config.FamilyPython})
	}
	return p
}

// BenchmarkAffected200 maps one shared-module change in a 200-function
// project. The change touches every function's imports, so each call
// re-resolves all 200 (file parses stay cached): the worst case.
func BenchmarkAffected200(b *testing.B) {
	p := bigProject(b)
	ix := NewIndex()
	paths := []string{filepath.Join(p.Dir, "shared", "fmt.py")}
	if got := ix.Affected(p, paths); len(got) != 200 {
		b.Fatalf("affected %d functions, want 200", len(got))
	}
	b.ResetTimer()
	for range b.N {
		ix.Affected(p, paths)
	}
}

// BenchmarkAffected200Cold is a first call: every function resolved from disk.
func BenchmarkAffected200Cold(b *testing.B) {
	p := bigProject(b)
	paths := []string{filepath.Join(p.Dir, "functions", "fn007", "app.py")}
	b.ResetTimer()
	for range b.N {
		NewIndex().Affected(p, paths)
	}
}

// BenchmarkAffected200OneHandler maps a change to one function's handler,
// the common case: only that function's imports are re-resolved.
func BenchmarkAffected200OneHandler(b *testing.B) {
	p := bigProject(b)
	ix := NewIndex()
	paths := []string{filepath.Join(p.Dir, "functions", "fn007", "app.py")}
	if got := ix.Affected(p, paths); len(got) != 1 {
		b.Fatalf("affected %v", got)
	}
	b.ResetTimer()
	for range b.N {
		ix.Affected(p, paths)
	}
}
