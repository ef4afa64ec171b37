package runtimes_test

import (
	"context"
	"errors"
	"testing"

	"github.com/lambdev/lambdev/engine/runtimeapi"
	"github.com/lambdev/lambdev/engine/runtimes"
)

func providedSpec(t testing.TB, bootstrap string) runtimes.Spec {
	spec := runtimes.Spec{
		Name: "custom", LambdaName: "app-dev-custom", Family: runtimes.Provided,
		Runtime: "provided.al2023", CodeDir: testdata(t, "provided"), Handler: "my.handler",
	}
	if bootstrap != "" {
		spec.Bootstrap = testdata(t, "provided", bootstrap)
	}
	return spec
}

func TestProvidedShellBootstrap(t *testing.T) {
	requireTool(t, "curl")
	spec := providedSpec(t, "") // defaults to <task root>/bootstrap
	w := startWorker(t, spec, prepare(t, spec))
	w.ready(t)
	for range 2 {
		inv := invocation(`{"n":1}`)
		a := w.invoke(t, inv)
		if want := `{"handler":"my.handler","event":{"n":1}}`; a.Kind != runtimeapi.KindResponse || string(a.Body) != want {
			t.Errorf("got %v %s, want %s", a.Kind, a.Body, want)
		}
		w.out.waitFor(t, "provided handling "+inv.RequestID+"\n")
	}
}

func TestProvidedInvalidEntrypoint(t *testing.T) {
	l, _ := runtimes.For(runtimes.Provided)
	for _, name := range []string{"missing", "noexec", "."} {
		t.Run(name, func(t *testing.T) {
			_, err := l.Prepare(context.Background(), providedSpec(t, name))
			var ie *runtimes.InvalidEntrypointError
			if !errors.As(err, &ie) || ie.ErrorType() != "Runtime.InvalidEntrypoint" {
				t.Errorf("want InvalidEntrypointError, got %v", err)
			}
		})
	}
}
