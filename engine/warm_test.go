package engine

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// lazyProject has four Python functions on one module: z, b and c answer its
// VERSION, bad's module fails to import. z comes first in the file but last
// by name, so warming "the first in the file" is not warming the first name.
func lazyProject(t *testing.T) string {
	yaml := "app: lazy\nfunctions:\n"
	for _, name := range []string{"z", "b", "c"} {
		yaml += fmt.Sprintf("  %s: { handler: py/app.handler, runtime: python3.12 }\n", name)
	}
	yaml += "  bad: { handler: py/bad.handler, runtime: python3.12 }\n"
	return hotProject(t, yaml, map[string]string{
		"py/app.py": fmt.Sprintf(pyVersioned, "v1"),
		"py/bad.py": "import lambdev_no_such_module\n",
	})
}

// info returns the named function's snapshot.
func info(t *testing.T, e *Engine, name string) FunctionInfo {
	t.Helper()
	for _, in := range e.Functions() {
		if in.Name == name {
			return in
		}
	}
	t.Fatalf("no function %s", name)
	return FunctionInfo{}
}

func TestStartWarmsOnlyTheFirstFunctions(t *testing.T) {
	requireInterpreter(t, "python3")
	e, sub := startHot(t, lazyProject(t), Options{Warm: 1})
	// Start has returned: every function was tried.
	want := map[string]struct {
		state   FunctionState
		workers int
	}{"z": {StateReady, 1}, "b": {StateIdle, 0}, "c": {StateIdle, 0}, "bad": {StateIdle, 0}}
	for name, w := range want {
		if in := info(t, e, name); in.State != w.state || in.Stats.Workers != w.workers || in.Generation != 1 {
			t.Errorf("%s after Start: %s, %d workers, generation %d; want %s, %d, 1", name, in.State, in.Stats.Workers, in.Generation, w.state, w.workers)
		}
	}

	// The first invoke of an idle function starts its worker, like a Lambda cold start.
	if res := invoke(t, e, "b", `{}`); !res.Cold || string(res.Payload) != `"v1"` {
		t.Fatalf("b's first invoke: cold %v, %s (%s); want a cold \"v1\"", res.Cold, res.Payload, res.Outcome)
	}
	if in := info(t, e, "b"); in.State != StateReady || in.Stats.Workers != 1 {
		t.Errorf("b after its first invoke: %s, %d workers; want ready, 1", in.State, in.Stats.Workers)
	}
	// An init failure shows on the function, as it would have at start.
	res := invoke(t, e, "bad", `{}`)
	if res.Outcome != OutcomeInitError {
		t.Fatalf("bad: %s %s; want an init error", res.Outcome, res.Payload)
	}
	logs := string(res.Logs)
	if i := strings.Index(logs, "[ERROR] Runtime.ImportModuleError"); i < 0 || i > strings.Index(logs, "\nSTART RequestId: ") ||
		strings.Count(logs, "\nSTART RequestId: ") != 1 {
		t.Errorf("bad's logs: want the init error, then one START:\n%s", logs)
	}
	if in := info(t, e, "bad"); in.State != StateInitFailed || !strings.Contains(in.Detail, "Runtime.ImportModuleError") {
		t.Errorf("bad after its invoke: %s %q; want init failed with Runtime.ImportModuleError", in.State, in.Detail)
	}

	// An edit to the module they share reloads all three; only those with
	// a worker get a new one: c, never invoked, stays without.
	writeFile(t, filepath.Join(filepath.Dir(e.Project().File), "py/app.py"), fmt.Sprintf(pyVersioned, "v2"))
	done := map[string]bool{}
	timeout := time.After(60 * time.Second)
	for !done["z"] || !done["b"] || !done["c"] {
		select {
		case ev := <-sub.C:
			switch ev := ev.(type) {
			case WorkerStarted:
				if ev.Function == "c" {
					t.Errorf("c started worker %d; an idle function must not start one on reload", ev.Worker)
				}
			case ReloadFinished:
				if ev.Err != "" {
					t.Fatalf("%s reload: %s", ev.Function, ev.Err)
				}
				done[ev.Function] = true
			}
		case <-timeout:
			t.Fatalf("reloads finished: %v; want z, b and c", done)
		}
	}
	if in := info(t, e, "c"); in.State != StateIdle || in.Stats.Workers != 0 || in.Generation != 2 {
		t.Errorf("c after the reload: %s, %d workers, generation %d; want idle, 0, 2", in.State, in.Stats.Workers, in.Generation)
	}
	for _, name := range []string{"z", "b"} {
		if in := info(t, e, name); in.State != StateReady || in.Stats.Idle != 1 || in.Generation != 2 {
			t.Errorf("%s after the reload: %s, %d idle workers, generation %d; want ready, 1, 2", name, in.State, in.Stats.Idle, in.Generation)
		}
	}
	if res := invoke(t, e, "c", `{}`); !res.Cold || string(res.Payload) != `"v2"` {
		t.Errorf("c after the reload: cold %v, %s; want a cold \"v2\"", res.Cold, res.Payload)
	}
}

func TestIdleFunctionsGoBackToNoWorker(t *testing.T) {
	requireInterpreter(t, "python3")
	e, sub := startHot(t, lazyProject(t), Options{Warm: 1, IdleTimeout: time.Second})
	since := time.Now() // b's state was idle once already, after Start
	for _, name := range []string{"z", "b"} {
		if res := invoke(t, e, name, `{}`); res.Outcome != OutcomeOK {
			t.Fatalf("%s: %s %s", name, res.Outcome, res.Payload)
		}
	}
	// An edit of b loads a spare for its next reload.
	if err := e.Reload("b"); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, sub, reloaded("b")) // its new worker started before this
	spare := waitEvent(t, sub, func(ev WorkerStarted) bool { return ev.Function == "b" })

	// b was not warmed at start: once idle past IdleTimeout it has no
	// worker, and no spare.
	waitEvent(t, sub, func(ev FunctionStateChanged) bool {
		return ev.Function == "b" && ev.State == StateIdle && ev.Time.After(since)
	})
	waitEvent(t, sub, func(ev WorkerStopped) bool { return ev.Function == "b" && ev.Worker == spare.Worker })
	if in := info(t, e, "b"); in.Stats.Idle != 0 {
		t.Errorf("b idle again with %d idle workers; want 0", in.Stats.Idle)
	}
	// z was, and keeps one warm worker; its worker was idle just as long.
	if in := info(t, e, "z"); in.State != StateReady || in.Stats.Workers != 1 {
		t.Errorf("a: %s, %d workers; want ready with its one warm worker", in.State, in.Stats.Workers)
	}
	if res := invoke(t, e, "b", `{}`); !res.Cold || res.Outcome != OutcomeOK {
		t.Errorf("b after going idle: cold %v, %s; want a cold start", res.Cold, res.Outcome)
	}
	if in := info(t, e, "b"); in.State != StateReady {
		t.Errorf("b after its cold start: %s; want ready", in.State)
	}
}

// TestInitOutputThenOneStart checks a first invocation's log, on a worker
// warmed at start (a) and on one its invocation started (b): the module's
// init output, then one START line, as Lambda logs a cold start.
func TestInitOutputThenOneStart(t *testing.T) {
	requireInterpreter(t, "python3")
	yaml := "app: logs\nfunctions:\n" +
		"  a: { handler: py/app.handler, runtime: python3.12 }\n" +
		"  b: { handler: py/app.handler, runtime: python3.12 }\n"
	dir := hotProject(t, yaml, map[string]string{
		"py/app.py": "print('init line')\n\n\ndef handler(event, context):\n    print('handler line')\n    return 1\n",
	})
	e, _ := startHot(t, dir, Options{Warm: 1})
	for _, name := range []string{"a", "b"} {
		res := invoke(t, e, name, `{}`)
		id := res.RequestID
		want := "init line\nSTART RequestId: " + id + " Version: $LATEST\nhandler line\nEND RequestId: " + id + "\nREPORT RequestId: " + id + "\t"
		if !strings.HasPrefix(string(res.Logs), want) || strings.Count(string(res.Logs), "START ") != 1 {
			t.Errorf("%s's first invocation (cold %v) logged:\n%s\nwant it to start:\n%s", name, res.Cold, res.Logs, want)
		}
	}
}
