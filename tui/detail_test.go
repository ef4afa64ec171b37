package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine"
)

// A function's page says how it logs and which levels drop lines, so a
// line missing from an invocation's log is explained where one looks; and
// it says when the function is tenant-isolated.
func TestFunctionPageSaysHowItLogs(t *testing.T) {
	page := func(f *config.Function) string {
		return ansi.Strip(renderFunction(NewStyles(), fnRow{cfg: f}))
	}
	json := page(&config.Function{Name: "api", Tenancy: config.TenancyPerTenant,
		Logging: &config.LoggingConfig{Format: config.LogFormatJSON, ApplicationLevel: "WARN", LogGroup: "/custom/group"}})
	for _, want := range []string{
		"logging      JSON · application WARN · system INFO (records below them are dropped, as in Lambda) · log group /custom/group",
		"tenancy      PER_TENANT",
	} {
		if !strings.Contains(json, want) {
			t.Errorf("page lacks %q:\n%s", want, json)
		}
	}
	text := page(&config.Function{Name: "api", Logging: &config.LoggingConfig{Format: config.LogFormatText}})
	if !strings.HasSuffix(text, "logging      Text") || strings.Contains(text, "application") || strings.Contains(text, "tenancy") {
		t.Errorf("a Text-format function's page:\n%s", text)
	}
	if plain := page(&config.Function{Name: "api"}); strings.Contains(plain, "logging") {
		t.Errorf("a function with Lambda's default logging shows a logging line:\n%s", plain)
	}
}

// snapshotOf runs the commands of one Update and returns the snapshot of
// the engine among their messages, if any. An event is queued first, so the
// command that waits for events returns at once.
func snapshotOf(f *fakeEngine, cmd tea.Cmd) (snapshotMsg, bool) {
	f.ch <- engine.LogLine{At: at(0), Function: "api", Line: "wakes the event command"}
	for _, msg := range runCmd(cmd) {
		if s, ok := msg.(snapshotMsg); ok {
			return s, true
		}
	}
	return snapshotMsg{}, false
}

// An open function page shows the engine's worker counts as they are:
// opening it reads them, and a worker's start or an invocation of that
// function reads them again. Before, the page showed the counts of the
// last snapshot taken for any reason, "0 workers" beside a warm worker.
func TestFunctionPageFollowsItsWorkers(t *testing.T) {
	m, f := newTestModel(t, 100, 30)
	setStats := func(workers, idle int) {
		f.mu.Lock()
		in := f.infos["api"]
		in.Stats.Workers, in.Stats.Idle = workers, idle
		f.infos["api"] = in
		f.mu.Unlock()
	}
	setStats(1, 1)
	snapshot := func(cmd tea.Cmd) snapshotMsg {
		t.Helper()
		s, ok := snapshotOf(f, cmd)
		if !ok {
			t.Fatal("no snapshot of the engine was asked for")
		}
		return s
	}
	out, cmd := m.Update(keyMsg("enter"))
	m = out.(Model)
	m = send(m, snapshot(cmd))
	if v := ansi.Strip(m.View()); !strings.Contains(v, "Function api") || !strings.Contains(v, "1 worker, 1 idle") {
		t.Fatalf("opened page:\n%s", v)
	}

	setStats(2, 0)
	out, cmd = m.Update(eventsMsg{events: []engine.Event{engine.WorkerStarted{At: at(1), Function: "api", Worker: 2, Generation: 1}}})
	m = out.(Model)
	m = send(m, snapshot(cmd))
	if v := ansi.Strip(m.View()); !strings.Contains(v, "2 workers, 0 idle") {
		t.Fatalf("after a worker started:\n%s", v)
	}

	// The page also follows the events it can fold in itself.
	m = events(m, engine.FunctionStateChanged{At: at(2), Function: "api", State: engine.StateReloading})
	if v := ansi.Strip(m.View()); !strings.Contains(v, "state        reloading") {
		t.Fatalf("after a state change:\n%s", v)
	}
	// Another function's workers do not cost this page a snapshot.
	_, cmd = m.Update(eventsMsg{events: []engine.Event{engine.WorkerStarted{At: at(3), Function: "web", Worker: 1, Generation: 1}}})
	if _, ok := snapshotOf(f, cmd); ok {
		t.Error("a worker of another function re-read the engine")
	}
}
