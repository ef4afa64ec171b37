package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine/watch"
)

// hotProject writes a project into a temp dir and returns its directory.
func hotProject(t *testing.T, yaml string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files["lambdev.yaml"] = yaml
	for name, body := range files {
		writeFile(t, filepath.Join(dir, name), body)
	}
	return dir
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// startHot loads dir, starts the engine (warm workers) and hot reload.
func startHot(t *testing.T, dir string, opts ...Options) (*Engine, *Subscription) {
	t.Helper()
	o := Options{BuildDir: t.TempDir()}
	if len(opts) > 0 {
		o = opts[0]
		o.BuildDir = t.TempDir()
	}
	p, err := config.Load(filepath.Join(dir, "lambdev.yaml"), config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(p, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); e.Close() })
	sub := e.Subscribe(1 << 16)
	e.Start(ctx)
	if err := e.Watch(ctx); err != nil {
		t.Fatal(err)
	}
	return e, sub
}

// waitEvent returns the first event matching ok; the timeout only guards a hang.
func waitEvent[T Event](t *testing.T, sub *Subscription, ok func(T) bool) T {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case ev := <-sub.C:
			if e, is := ev.(T); is && ok(e) {
				return e
			}
		case <-timeout:
			var zero T
			t.Fatalf("no %T event within 60s", zero)
			return zero
		}
	}
}

func reloaded(fn string) func(ReloadFinished) bool {
	return func(e ReloadFinished) bool { return e.Function == fn }
}

func answer(t *testing.T, e *Engine, fn, payload string) string {
	t.Helper()
	res := invoke(t, e, fn, payload)
	if res.Outcome != OutcomeOK {
		t.Fatalf("%s: %s %+v\n%s", fn, res.Outcome, res.Error, res.Logs)
	}
	return string(res.Payload)
}

const pyVersioned = "import time\n\nVERSION = %q\n\n\ndef handler(event, context):\n    time.sleep(event.get('sleep', 0))\n    return VERSION\n"

func TestPythonEditReloads(t *testing.T) {
	requireInterpreter(t, "python3")
	dir := hotProject(t, "app: hot\nfunctions:\n  py:\n    handler: py/app.handler\n    runtime: python3.12\n",
		map[string]string{"py/app.py": fmt.Sprintf(pyVersioned, "v1")})
	e, sub := startHot(t, dir)
	if got := answer(t, e, "py", `{}`); got != `"v1"` {
		t.Fatalf("before edit: %s", got)
	}
	writeFile(t, filepath.Join(dir, "py/app.py"), fmt.Sprintf(pyVersioned, "v2"))
	if r := waitEvent(t, sub, reloaded("py")); r.Err != "" {
		t.Fatalf("reload failed: %s", r.Err)
	}
	res := invoke(t, e, "py", `{}`)
	if string(res.Payload) != `"v2"` || res.Cold {
		t.Errorf("after edit: %s cold %v; want \"v2\" from the pre-warmed worker", res.Payload, res.Cold)
	}
}

func TestInFlightInvocationFinishesOnOldCode(t *testing.T) {
	requireInterpreter(t, "python3")
	dir := hotProject(t, "app: hot\nfunctions:\n  py:\n    handler: py/app.handler\n    runtime: python3.12\n",
		map[string]string{"py/app.py": fmt.Sprintf(pyVersioned, "old")})
	e, sub := startHot(t, dir)
	done := make(chan Result, 1)
	go func() {
		res, _ := e.Invoke(context.Background(), Request{Function: "py", Payload: []byte(`{"sleep":1.0}`)})
		done <- res
	}()
	waitEvent(t, sub, func(InvocationStarted) bool { return true })
	writeFile(t, filepath.Join(dir, "py/app.py"), fmt.Sprintf(pyVersioned, "new"))
	waitEvent(t, sub, reloaded("py"))
	if got := answer(t, e, "py", `{}`); got != `"new"` {
		t.Errorf("invocation after the edit answered %s, want \"new\"", got)
	}
	if res := <-done; string(res.Payload) != `"old"` {
		t.Errorf("in-flight invocation answered %s (%s), want \"old\"", res.Payload, res.Outcome)
	}
}

func TestPythonSyntaxErrorThenFix(t *testing.T) {
	requireInterpreter(t, "python3")
	dir := hotProject(t, "app: hot\nfunctions:\n  py:\n    handler: py/app.handler\n    runtime: python3.12\n",
		map[string]string{"py/app.py": fmt.Sprintf(pyVersioned, "v1")})
	e, sub := startHot(t, dir)
	writeFile(t, filepath.Join(dir, "py/app.py"), "def handler(event, context)\n    return 1\n")
	r := waitEvent(t, sub, reloaded("py"))
	if !strings.Contains(r.Err, "Runtime.UserCodeSyntaxError") {
		t.Errorf("reload of a syntax error reported %q, want Runtime.UserCodeSyntaxError", r.Err)
	}
	if res := invoke(t, e, "py", `{}`); res.Outcome != OutcomeInitError {
		t.Errorf("invoking broken code: %s, want initerror", res.Outcome)
	}
	writeFile(t, filepath.Join(dir, "py/app.py"), fmt.Sprintf(pyVersioned, "fixed"))
	if r := waitEvent(t, sub, reloaded("py")); r.Err != "" {
		t.Fatalf("reload after the fix: %s", r.Err)
	}
	if got := answer(t, e, "py", `{}`); got != `"fixed"` {
		t.Errorf("after the fix: %s", got)
	}
}

func TestDeployedFunctionIsFrozenUntilRebuilt(t *testing.T) {
	requireInterpreter(t, "python3")
	yaml := "app: hot\nfunctions:\n  frozen:\n    handler: fz/app.handler\n    runtime: python3.12\n    dev: false\n" +
		"  live:\n    handler: lv/app.handler\n    runtime: python3.12\n"
	dir := hotProject(t, yaml, map[string]string{
		"fz/app.py": fmt.Sprintf(pyVersioned, "f1"), "lv/app.py": fmt.Sprintf(pyVersioned, "l1")})
	e, sub := startHot(t, dir)
	writeFile(t, filepath.Join(dir, "fz/app.py"), fmt.Sprintf(pyVersioned, "f2"))
	// A later edit to a live function proves the first batch was handled.
	ev := waitEvent(t, sub, func(f FilesChanged) bool { return len(f.Paths) > 0 && strings.HasSuffix(f.Paths[0], "fz/app.py") })
	if len(ev.Functions) != 0 {
		t.Errorf("editing a dev: false function reloaded %v", ev.Functions)
	}
	if got := answer(t, e, "frozen", `{}`); got != `"f1"` {
		t.Errorf("frozen function answered %s after an edit, want the frozen \"f1\"", got)
	}
	if err := e.Reload("frozen"); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, sub, reloaded("frozen"))
	if got := answer(t, e, "frozen", `{}`); got != `"f2"` {
		t.Errorf("after an explicit rebuild: %s, want \"f2\"", got)
	}
}

func TestBurstOfWritesIsOneReload(t *testing.T) {
	requireInterpreter(t, "python3")
	yaml := "app: hot\nfunctions:\n  py:\n    handler: py/app.handler\n    runtime: python3.12\n" +
		"  other:\n    handler: other/app.handler\n    runtime: python3.12\n"
	dir := hotProject(t, yaml, map[string]string{
		"py/app.py": fmt.Sprintf(pyVersioned, "v1"), "other/app.py": fmt.Sprintf(pyVersioned, "o1")})
	// The quiet period is widened so a loaded CI machine pausing the writer
	// cannot split the burst; the debounce mechanism is what is under test.
	e, sub := startHot(t, dir, Options{Watch: watch.Options{Quiet: 500 * time.Millisecond, MaxWait: time.Minute}})
	for i := 0; i < 2000; i++ {
		writeFile(t, filepath.Join(dir, "py", "data", fmt.Sprintf("d%02d", i%20), fmt.Sprintf("f%d.json", i)), "{}")
	}
	var batches, reloads int
	for done := false; !done; {
		select {
		case ev := <-sub.C:
			switch ev := ev.(type) {
			case FilesChanged:
				if len(ev.Functions) == 1 && ev.Functions[0] == "py" {
					batches++
				}
			case ReloadFinished:
				if ev.Function == "py" {
					reloads++
					// The sentinel: an edit elsewhere, after the burst's reload.
					writeFile(t, filepath.Join(dir, "other/app.py"), fmt.Sprintf(pyVersioned, "o2"))
				}
				done = ev.Function == "other"
			}
		case <-time.After(60 * time.Second):
			t.Fatal("no reload of the sentinel within 60s")
		}
	}
	if batches != 1 || reloads != 1 {
		t.Errorf("2,000 writes gave %d batches and %d reloads of py, want 1 and 1", batches, reloads)
	}
	if got := answer(t, e, "other", `{}`); got != `"o2"` {
		t.Errorf("sentinel function answered %s", got)
	}
}

func TestProjectFileEditsApplyWithoutRestart(t *testing.T) {
	requireInterpreter(t, "python3")
	base := "app: hot\nfunctions:\n  a:\n    handler: fa/app.handler\n    runtime: python3.12\n"
	envHandler := "import os\n\n\ndef handler(event, context):\n    return os.environ.get('COLOR', 'none')\n"
	dir := hotProject(t, base, map[string]string{"fa/app.py": envHandler, "fb/app.py": fmt.Sprintf(pyVersioned, "b1")})
	e, sub := startHot(t, dir)
	if got := answer(t, e, "a", `{}`); got != `"none"` {
		t.Fatalf("before: %s", got)
	}
	// Add a function and change a's environment.
	edited := "app: hot\nfunctions:\n  a:\n    handler: fa/app.handler\n    runtime: python3.12\n    environment: {COLOR: blue}\n" +
		"  b:\n    handler: fb/app.handler\n    runtime: python3.12\n"
	writeFile(t, filepath.Join(dir, "lambdev.yaml"), edited)
	ev := waitEvent(t, sub, func(ProjectReloaded) bool { return true })
	if fmt.Sprint(ev.Added, ev.Changed, ev.Removed) != "[b] [a] []" {
		t.Errorf("reloaded: added %v changed %v removed %v", ev.Added, ev.Changed, ev.Removed)
	}
	if got := answer(t, e, "a", `{}`); got != `"blue"` {
		t.Errorf("changed function answered %s, want the new environment", got)
	}
	if got := answer(t, e, "b", `{}`); got != `"b1"` {
		t.Errorf("added function answered %s", got)
	}
	// An invalid edit is reported and the last good project keeps running.
	writeFile(t, filepath.Join(dir, "lambdev.yaml"), edited+"  c:\n    handler: fc/app.handler\n    runtime: python9\n")
	bad := waitEvent(t, sub, func(ProjectInvalid) bool { return true })
	if !strings.Contains(bad.Errors, "lambdev.yaml:") || !strings.Contains(bad.Errors, "python9") {
		t.Errorf("invalid edit reported %q", bad.Errors)
	}
	if got := answer(t, e, "b", `{}`); got != `"b1"` {
		t.Errorf("after an invalid edit b answered %s", got)
	}
	// Removing a function stops it.
	writeFile(t, filepath.Join(dir, "lambdev.yaml"), base)
	waitEvent(t, sub, func(r ProjectReloaded) bool { return len(r.Removed) == 1 })
	if _, err := e.Invoke(context.Background(), Request{Function: "b"}); err == nil {
		t.Error("a removed function still answers")
	}
}

func TestSpareServesTheNextReload(t *testing.T) {
	requireInterpreter(t, "python3")
	src := "import os\n\nVERSION = %q\n\n\ndef handler(event, context):\n    return [VERSION, os.getpid()]\n"
	dir := hotProject(t, "app: hot\nfunctions:\n  py:\n    handler: py/app.handler\n    runtime: python3.12\n",
		map[string]string{"py/app.py": fmt.Sprintf(src, "v1")})
	e, sub := startHot(t, dir)
	writeFile(t, filepath.Join(dir, "py/app.py"), fmt.Sprintf(src, "v2"))
	waitEvent(t, sub, reloaded("py"))
	// After a reload the function keeps a held spare...
	spare := waitEvent(t, sub, func(w WorkerStarted) bool { return w.Function == "py" })
	writeFile(t, filepath.Join(dir, "py/app.py"), fmt.Sprintf(src, "v3"))
	if r := waitEvent(t, sub, reloaded("py")); r.Err != "" {
		t.Fatal(r.Err)
	}
	// ...which the next reload hands the new code to, instead of starting a process.
	var got []any
	mustJSON(t, []byte(answer(t, e, "py", `{}`)), &got)
	if len(got) != 2 || got[0] != "v3" || int(got[1].(float64)) != spare.PID {
		t.Errorf("after the second edit: %v, want [v3 %d] from the spare", got, spare.PID)
	}
}
