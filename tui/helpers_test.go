package tui

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine"
	"github.com/lambdev/lambdev/engine/drift"
)

// updating reports -update, the flag teatest's golden package defines;
// `go test ./tui -update` rewrites tui/testdata/*.golden.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

// t0 is the frozen clock of every test.
var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func at(sec int) engine.At { return engine.At{Time: t0.Add(time.Duration(sec) * time.Second)} }

func testProject() *config.Project {
	fn := func(name, runtime string, dev bool) *config.Function {
		return &config.Function{Name: name, Runtime: runtime, Dev: dev, Architecture: "x86_64", Memory: 256, Timeout: 10 * time.Second}
	}
	return &config.Project{App: "hello", Stage: "dev", Region: "us-east-1", Functions: []*config.Function{
		fn("api", "python3.12", true),
		fn("legacy", "python3.11", false),
		fn("web", "nodejs22.x", true),
		fn("worker", "provided.al2023", true),
	}}
}

// fakeEngine implements Engine, records calls and publishes the events a
// real engine would on its channel.
type fakeEngine struct {
	mu    sync.Mutex
	proj  *config.Project
	live  map[string]bool
	infos map[string]engine.FunctionInfo
	ch    chan engine.Event
	calls []string
	n     int
}

func newFakeEngine() *fakeEngine {
	f := &fakeEngine{proj: testProject(), live: map[string]bool{}, infos: map[string]engine.FunctionInfo{}, ch: make(chan engine.Event, 1024)}
	interp := map[string][2]string{"api": {"/usr/bin/python3", "3.12.3"}, "legacy": {"/usr/bin/python3", "3.12.3"},
		"web": {"/usr/local/bin/node", "v22.11.0"}, "worker": {"/usr/local/go/bin/go", "go1.26.8"}}
	for _, fn := range f.proj.Functions {
		f.live[fn.Name] = fn.Dev
		f.infos[fn.Name] = engine.FunctionInfo{Name: fn.Name, Live: fn.Dev, State: engine.StateReady,
			Interpreter: interp[fn.Name][0], Version: interp[fn.Name][1], Matched: true, Generation: 1}
	}
	return f
}

func (f *fakeEngine) record(format string, args ...any) {
	f.mu.Lock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
	f.mu.Unlock()
}

func (f *fakeEngine) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeEngine) Project() *config.Project { return f.proj }

func (f *fakeEngine) Functions() []engine.FunctionInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []engine.FunctionInfo
	for _, fn := range f.proj.Functions {
		in := f.infos[fn.Name]
		in.Live = f.live[fn.Name]
		out = append(out, in)
	}
	return out
}

func (f *fakeEngine) Live() map[string]bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]bool{}
	for k, v := range f.live {
		out[k] = v
	}
	return out
}

func (f *fakeEngine) Subscribe(int) *engine.Subscription { return &engine.Subscription{C: f.ch} }

func (f *fakeEngine) Invoke(_ context.Context, req engine.Request) (engine.Result, error) {
	tenant := ""
	if req.TenantID != "" {
		tenant = " tenant=" + req.TenantID
	}
	f.record("Invoke %s %s %s%s", req.Function, req.Payload, req.Source, tenant)
	if f.proj.Function(req.Function) == nil {
		return engine.Result{}, fmt.Errorf("%w: %s", engine.ErrFunctionNotFound, req.Function)
	}
	f.mu.Lock()
	f.n++
	id := req.RequestID
	f.mu.Unlock()
	res := engine.Result{RequestID: id, Function: req.Function, Outcome: engine.OutcomeOK,
		Payload: []byte(`{"statusCode":200,"body":"hi"}`), Duration: 12 * time.Millisecond,
		Logs: []byte("START RequestId: " + id + "\nhello from " + req.Function + "\nEND\n"), Started: t0, Finished: t0}
	f.ch <- engine.InvocationStarted{At: engine.At{Time: t0}, RequestID: id, Function: req.Function, Source: req.Source, Payload: req.Payload, TenantID: req.TenantID}
	f.ch <- engine.InvocationFinished{At: engine.At{Time: t0}, Request: req, Result: res}
	return res, nil
}

func (f *fakeEngine) SetLive(name string, live bool) error {
	f.record("SetLive %s %v", name, live)
	f.mu.Lock()
	f.live[name] = live
	f.mu.Unlock()
	f.ch <- engine.LiveChanged{At: at(1), Function: name, Live: live}
	return nil
}

func (f *fakeEngine) Reload(name string) error { f.record("Reload %s", name); return nil }
func (f *fakeEngine) ReloadAll()               { f.record("ReloadAll") }

// chanSource is a test event source with a settable dropped count.
type chanSource struct {
	ch  chan engine.Event
	mu  sync.Mutex
	drp int64
}

func (c *chanSource) events() <-chan engine.Event { return c.ch }
func (c *chanSource) dropped() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.drp
}

func testOptions() Options {
	return Options{
		Gateway: "http://127.0.0.1:3100",
		URLs:    map[string]string{"api": "http://127.0.0.1:3100/urls/api/", "legacy": "http://127.0.0.1:3100/urls/legacy/"},
		Mode:    "local",
		Now:     func() time.Time { return t0 },
	}
}

// newTestModel is a model on a fake engine, sized w×h.
func newTestModel(t testing.TB, w, h int) (Model, *fakeEngine) {
	t.Helper()
	f := newFakeEngine()
	m := newModel(context.Background(), f, testOptions(), &chanSource{ch: f.ch})
	return resize(m, w, h), f
}

func resize(m Model, w, h int) Model { return send(m, tea.WindowSizeMsg{Width: w, Height: h}) }

// send runs Update once and drops the command.
func send(m Model, msg tea.Msg) Model {
	out, _ := m.Update(msg)
	return out.(Model)
}

// press sends keys by name ("j", "enter", "tab", "esc", "/").
func press(m Model, keys ...string) Model {
	for _, k := range keys {
		m = send(m, keyMsg(k))
	}
	return m
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// runCmd executes cmd (and any batch it holds) and returns the messages.
func runCmd(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, runCmd(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

// events feeds engine events as one batch.
func events(m Model, evs ...engine.Event) Model { return send(m, eventsMsg{events: evs}) }

// finished is a completed invocation event.
func finished(sec int, id, fn string, outcome engine.Outcome, payload string, d time.Duration, cold bool) engine.InvocationFinished {
	res := engine.Result{RequestID: id, Function: fn, Outcome: outcome, Duration: d, Cold: cold,
		Payload: []byte(`{"ok":true}`), Started: t0.Add(time.Duration(sec) * time.Second)}
	if outcome != engine.OutcomeOK {
		res.Error = &engine.FunctionError{Type: "ValueError", Message: "bad input", Trace: []byte(`["  File \"app.py\", line 3, in handler\n","    raise ValueError(\"bad input\")\n"]`)}
		res.Payload = []byte(`{"errorType":"ValueError","errorMessage":"bad input"}`)
	}
	res.Logs = []byte("START RequestId: " + id + " Version: $LATEST\nprocessing\nEND RequestId: " + id + "\nREPORT RequestId: " + id + "\tDuration: 12.00 ms\n")
	return engine.InvocationFinished{At: at(sec), Request: engine.Request{Function: fn, Payload: []byte(payload), Source: engine.SourceURL}, Result: res}
}

// scene feeds a realistic session: states, interpreters, invocations, drift.
func scene(m Model) Model { return events(m, sceneEvents()...) }

// sceneEvents are the events of scene.
func sceneEvents() []engine.Event {
	evs := []engine.Event{
		engine.FunctionPrepared{At: at(0), Function: "api", Interpreter: "/usr/bin/python3", Version: "3.12.3", Matched: true},
		engine.FunctionPrepared{At: at(0), Function: "legacy", Interpreter: "/usr/bin/python3", Version: "3.12.3", Matched: false},
		engine.FunctionPrepared{At: at(0), Function: "web", Interpreter: "/usr/local/bin/node", Version: "v22.11.0", Matched: true},
		engine.FunctionStateChanged{At: at(0), Function: "web", State: engine.StateIdle},
		engine.FunctionStateChanged{At: at(0), Function: "worker", State: engine.StateBuildFailed, Detail: "./main.go:12:2: undefined: handle\nexit status 1"},
	}
	payloads := []string{`{"rawPath":"/hello","requestContext":{"http":{"method":"GET"}}}`, `{"name":"ada"}`, `{}`}
	outcomes := []engine.Outcome{engine.OutcomeOK, engine.OutcomeOK, engine.OutcomeError, engine.OutcomeOK, engine.OutcomeTimeout, engine.OutcomeOK, engine.OutcomeCrash}
	fns := []string{"api", "web", "api", "legacy", "web", "api", "legacy"}
	for i := range outcomes {
		id := fmt.Sprintf("req-%04d", i+1)
		evs = append(evs, engine.InvocationStarted{At: at(10 + i), RequestID: id, Function: fns[i], Source: engine.SourceURL, Payload: []byte(payloads[i%3]), Cold: i < 2})
		evs = append(evs, finished(10+i, id, fns[i], outcomes[i], payloads[i%3], time.Duration(3+i*7)*time.Millisecond, i < 2))
	}
	evs = append(evs, engine.InvocationStarted{At: at(20), RequestID: "req-0008", Function: "api", Source: engine.SourceCLI, Payload: []byte(`{"slow":true}`)})
	evs = append(evs, engine.DriftDetected{At: at(1), Function: "legacy", Warnings: []drift.Warning{
		{Rule: "interpreter-version", Severity: drift.SeverityWarning, Function: "legacy", Dev: "python 3.12.3", Prod: "python3.11", Hint: "install python3.11 (pyenv install 3.11) so lambdev runs it"},
		{Rule: "runtime-deprecated", Severity: drift.SeverityInfo, Function: "legacy", Dev: "python3.11", Prod: "deprecated 2026-06-30", Hint: "move to python3.13"},
	}}, engine.DriftDetected{At: at(1), Function: "api", Warnings: []drift.Warning{
		{Rule: "native-glibc", Severity: drift.SeverityError, Function: "api", File: "lib/_cffi.so", Dev: "needs GLIBC_2.34", Prod: "AL2023 glibc 2.34 ok, AL2 2.26", Hint: "build wheels for manylinux2014"},
	}})
	return evs
}

// golden compares got with testdata/name.golden; -update rewrites it.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if updating() {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tui -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden (go test ./tui -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// checkFrame fails when the view is not exactly h lines of at most w cells.
func checkFrame(t *testing.T, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Errorf("view has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := lipgloss.Width(l); n > w {
			t.Errorf("line %d is %d cells wide (> %d): %q", i+1, n, w, l)
		}
	}
}
