package tui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// startFlow runs the real program on a fake engine at 80×24.
func startFlow(t *testing.T) (*teatest.TestModel, *fakeEngine) {
	t.Helper()
	f := newFakeEngine()
	tm := teatest.NewTestModel(t, New(f, testOptions()), teatest.WithInitialTermSize(80, 24))
	return tm, f
}

func waitFor(t *testing.T, tm *teatest.TestModel, want ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, w := range want {
			if !bytes.Contains(b, []byte(w)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func keys(tm *teatest.TestModel, ks ...string) {
	for _, k := range ks {
		tm.Send(keyMsg(k))
	}
}

// finish quits and returns the final model's view.
func finish(t *testing.T, tm *teatest.TestModel, f *fakeEngine) Model {
	t.Helper()
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	m := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
	close(f.ch) // releases the event command still waiting
	return m
}

func TestFlowInvokeThenDetail(t *testing.T) {
	tm, f := startFlow(t)
	waitFor(t, tm, "Functions 4")
	keys(tm, "i")
	waitFor(t, tm, "Invocations 1")
	keys(tm, "tab", "enter")
	waitFor(t, tm, "Response", `"statusCode": 200`)
	m := finish(t, tm, f)
	v := m.View()
	for _, want := range []string{"· api · ok", "source     cli", "Request", "{}", "Response", `"body": "hi"`, "hello from api"} {
		if !strings.Contains(v, want) {
			t.Errorf("detail lacks %q:\n%s", want, v)
		}
	}
}

func TestFlowToggleLive(t *testing.T) {
	tm, f := startFlow(t)
	waitFor(t, tm, "python3.12 → provided.al2023 · bridge")
	keys(tm, "d")
	waitFor(t, tm, "api → deployed")
	m := finish(t, tm, f)
	v := m.View()
	for _, want := range []string{"DEPLOYED api", "python3.12 · as declared"} {
		if !strings.Contains(v, want) {
			t.Errorf("after d the view lacks %q:\n%s", want, v)
		}
	}
	if got := f.Calls(); len(got) != 1 || got[0] != "SetLive api false" {
		t.Errorf("calls = %q", got)
	}
}

func TestFlowFilter(t *testing.T) {
	tm, f := startFlow(t)
	waitFor(t, tm, "Functions 4")
	for _, ev := range sceneEvents() {
		f.ch <- ev
	}
	waitFor(t, tm, "Invocations 8")
	keys(tm, "tab")
	tm.Type("/web")
	keys(tm, "enter")
	waitFor(t, tm, "filter /web")
	m := finish(t, tm, f)
	if m.inv.count() != 2 {
		t.Errorf("filter kept %d rows, want 2", m.inv.count())
	}
	for _, l := range strings.Split(m.View(), "\n") {
		if strings.HasPrefix(l, "  12:") || strings.HasPrefix(l, "▸ 12:") {
			if !strings.Contains(l, " web ") {
				t.Errorf("row outside the filter: %q", l)
			}
		}
	}
}
