package runtimes_test

import (
	"context"
	"errors"
	"strings"
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
