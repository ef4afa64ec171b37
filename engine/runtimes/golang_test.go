package runtimes_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/lambdev/lambdev/engine/runtimeapi"
	"github.com/lambdev/lambdev/engine/runtimes"
)

func goSpec(t testing.TB, pkg string) runtimes.Spec {
	return runtimes.Spec{
		Name: "gofn", LambdaName: "app-dev-gofn", Family: runtimes.Go,
		Runtime: "provided.al2023", CodeDir: testdata(t, pkg), GoPackage: testdata(t, pkg),
		Handler: "bootstrap", BuildDir: t.TempDir(),
	}
}

func TestGoBuildAndInvoke(t *testing.T) {
	requireTool(t, "go")
	spec := goSpec(t, "gofn")
	p := prepare(t, spec)
	if p.BuildTime <= 0 || !strings.HasPrefix(p.Interpreter.Version, "go1.") || !p.Interpreter.Matched {
		t.Errorf("prepared %+v", p)
	}
	w := startWorker(t, spec, p)
	w.ready(t)
	inv := invocation(`{"x":1}`)
	a := w.invoke(t, inv)
	want := `{"event":{"x":1},"requestId":"` + inv.RequestID + `","arn":"` + inv.FunctionARN + `","function":"app-dev-gofn"}`
	if a.Kind != runtimeapi.KindResponse || string(a.Body) != want {
		t.Errorf("got %v %s, want %s", a.Kind, a.Body, want)
	}
	inv = invocation(`"fail"`)
	a = w.invoke(t, inv)
	raw, _ := w.raw.errorBody(inv.RequestID)
	if a.Kind != runtimeapi.KindError || string(raw) != `{"errorMessage":"go handler failed","errorType":"errorString"}` {
		t.Errorf("got %v %s", a.Kind, raw)
	}
}

func TestGoBuildError(t *testing.T) {
	requireTool(t, "go")
	l, _ := runtimes.For(runtimes.Go)
	_, err := l.Prepare(context.Background(), goSpec(t, "gobroken"))
	var be *runtimes.BuildError
	if !errors.As(err, &be) {
		t.Fatalf("want *BuildError, got %v", err)
	}
	if !strings.Contains(be.Output, "undefined: undefinedThing") || !strings.Contains(err.Error(), "undefinedThing") {
		t.Errorf("compiler output missing: %q", be.Output)
	}
}

func TestGoBuildFailureKeepsPreviousBinary(t *testing.T) {
	requireTool(t, "go")
	spec := goSpec(t, "gofn")
	first := prepare(t, spec)
	broken := goSpec(t, "gobroken")
	broken.BuildDir = spec.BuildDir
	l, _ := runtimes.For(runtimes.Go)
	if _, err := l.Prepare(context.Background(), broken); err == nil {
		t.Fatal("broken package built")
	}
	w := startWorker(t, spec, first)
	w.ready(t)
	if a := w.invoke(t, invocation(`1`)); a.Kind != runtimeapi.KindResponse {
		t.Errorf("old binary gone: %v %s", a.Kind, a.Body)
	}
}

// A rebuild of unchanged code keeps the very binary (go build skips the
// link); a change replaces it with a new file, leaving the old one intact
// for the workers still running it.
func TestGoRebuildKeepsAnUpToDateBinary(t *testing.T) {
	requireTool(t, "go")
	// The gofn handler in a module of its own (the sample's go.mod and
	// go.sum), so that the test can edit it.
	src := t.TempDir()
	for file, from := range map[string]string{
		"main.go": filepath.Join(testdata(t, "gofn"), "main.go"),
		"go.mod":  "../../testdata/sample/functions/worker/go.mod",
		"go.sum":  "../../testdata/sample/functions/worker/go.sum",
	} {
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, file), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	spec := goSpec(t, "gofn")
	spec.CodeDir, spec.GoPackage = src, src
	first := prepare(t, spec)
	before := inode(t, first.Path)
	if again := prepare(t, spec); inode(t, again.Path) != before {
		t.Error("an up-to-date rebuild replaced the binary")
	}
	main := filepath.Join(src, "main.go")
	b, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(main, append(b, []byte("\nvar _ = 42\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	// Hold the old binary open, as a running worker would.
	old, err := os.Open(first.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	oldSize := fileSize(t, old)
	changed := prepare(t, spec)
	if inode(t, changed.Path) == before {
		t.Error("a changed package did not get a new binary")
	}
	if fileSize(t, old) != oldSize {
		t.Error("the rebuild wrote into the previous binary")
	}
}

func inode(t *testing.T, path string) uint64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Ino
}

func fileSize(t *testing.T, f *os.File) int64 {
	t.Helper()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
