package tui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine"
)

// do presses a key, runs the command it returns and feeds its messages
// (and the events the fake engine published) back into the model.
func do(t *testing.T, m Model, f *fakeEngine, k string) Model {
	t.Helper()
	out, cmd := m.Update(keyMsg(k))
	m = out.(Model)
	for _, msg := range runCmd(cmd) {
		if _, ok := msg.(tea.QuitMsg); ok {
			continue
		}
		m = send(m, msg)
	}
	return drain(m, f)
}

// drain feeds whatever the fake engine has published as one batch.
func drain(m Model, f *fakeEngine) Model {
	var evs []engine.Event
	for {
		select {
		case ev := <-f.ch:
			evs = append(evs, ev)
		default:
			if len(evs) == 0 {
				return m
			}
			return events(m, evs...)
		}
	}
}

func TestFunctionKeysCallTheEngine(t *testing.T) {
	cases := []struct {
		keys []string
		want []string
	}{
		{[]string{"d"}, []string{"SetLive api false"}},
		{[]string{"j", "d"}, []string{"SetLive legacy true"}},
		{[]string{"r"}, []string{"Reload api"}},
		{[]string{"R"}, []string{"ReloadAll"}},
		{[]string{"j", "j", "i"}, []string{"Invoke web {} cli"}},
		{[]string{"tab", "R"}, []string{"ReloadAll"}},
		{[]string{"tab", "d", "r", "i"}, nil}, // function keys do nothing in the invocations pane
	}
	for _, c := range cases {
		t.Run(strings.Join(c.keys, " "), func(t *testing.T) {
			m, f := newTestModel(t, 80, 24)
			for _, k := range c.keys {
				m = do(t, m, f, k)
			}
			if got := f.Calls(); !slices.Equal(got, c.want) {
				t.Errorf("calls = %q, want %q", got, c.want)
			}
		})
	}
}

func TestToggleLiveShowsBadgeAndRuntime(t *testing.T) {
	m, f := newTestModel(t, 80, 24)
	before := m.View()
	if !strings.Contains(before, "LIVE     api") || !strings.Contains(before, "python3.12 → provided.al2023 · bridge") {
		t.Fatalf("api should start live on the bridge:\n%s", before)
	}
	m = do(t, m, f, "d")
	after := m.View()
	for _, want := range []string{"DEPLOYED api", "python3.12 · as declared", "api → deployed"} {
		if !strings.Contains(after, want) {
			t.Errorf("after d, view lacks %q:\n%s", want, after)
		}
	}
	m = do(t, m, f, "d")
	if v := m.View(); !strings.Contains(v, "LIVE     api") || !strings.Contains(v, "api → live") {
		t.Errorf("second d should toggle back:\n%s", v)
	}
}

func TestInvokeUsesLastPayloadAndEditedOne(t *testing.T) {
	m, f := newTestModel(t, 80, 24)
	m = do(t, m, f, "i")
	m = send(m, editedMsg{fn: "api", payload: []byte(`{"name":"ada"}`)})
	if n := len(f.Calls()); n != 1 {
		t.Fatalf("editedMsg should return an invoke command, not invoke itself: %q", f.Calls())
	}
	out, cmd := m.Update(editedMsg{fn: "api", payload: []byte(`{"name":"ada"}`)})
	m = out.(Model)
	for _, msg := range runCmd(cmd) {
		m = send(m, msg)
	}
	m = do(t, m, f, "i")
	want := []string{"Invoke api {} cli", `Invoke api {"name":"ada"} cli`, `Invoke api {"name":"ada"} cli`}
	if got := f.Calls(); !slices.Equal(got, want) {
		t.Errorf("calls = %q, want %q", got, want)
	}
	if m.inv.hist.len() != 3 {
		t.Errorf("history has %d invocations, want 3", m.inv.hist.len())
	}
}

func TestEditedInvalidJSONIsKeptNotSent(t *testing.T) {
	m, f := newTestModel(t, 80, 24)
	out, cmd := m.Update(editedMsg{fn: "api", payload: []byte(`{"name":`)})
	m = out.(Model)
	if cmd != nil {
		t.Error("invalid JSON must not be invoked")
	}
	if !strings.Contains(m.View(), "not valid JSON") {
		t.Errorf("no notice:\n%s", m.View())
	}
	if string(m.payload("api")) != `{"name":` {
		t.Errorf("the edited text should be kept for the next e, got %q", m.payload("api"))
	}
	m = send(m, editedMsg{fn: "api", err: errors.New("exit status 1")})
	if !strings.Contains(m.View(), "edit payload for api: exit status 1") {
		t.Errorf("editor failure not shown:\n%s", m.View())
	}
	if len(f.Calls()) != 0 {
		t.Errorf("calls = %q", f.Calls())
	}
}

func TestRejectedInvocationIsListed(t *testing.T) {
	m, _ := newTestModel(t, 80, 24)
	m = send(m, invokedMsg{req: engine.Request{Function: "api", Payload: []byte("{}"), Source: engine.SourceCLI},
		err: fmt.Errorf("%w: api", engine.ErrPayloadTooLarge)})
	v := m.View()
	if !strings.Contains(v, "rejected") || !strings.Contains(v, "request payload too large") {
		t.Errorf("rejected invocation not shown:\n%s", v)
	}
}

func TestReplayAndClear(t *testing.T) {
	m, f := newTestModel(t, 80, 24)
	m = scene(m)
	m = press(m, "tab", "j")
	m = do(t, m, f, "p")
	if got := f.Calls(); len(got) != 1 || !strings.HasPrefix(got[0], `Invoke legacy {"rawPath":"/hello"`) {
		t.Errorf("replay calls = %q", got)
	}
	m = press(m, "c")
	if m.inv.hist.len() != 0 || !strings.Contains(m.View(), "no invocations yet") {
		t.Errorf("c should clear the list:\n%s", m.View())
	}
}

// A tenant-isolated function is invoked from the workbench as the tenant
// it was last invoked as (DefaultTenant before any), a replay keeps its
// invocation's tenant, and rows and details show it.
func TestTenantInvocations(t *testing.T) {
	m, f := newTestModel(t, 100, 30)
	f.proj.Function("api").Tenancy = config.TenancyPerTenant
	m = do(t, m, f, "i")
	if got := f.Calls(); len(got) != 1 || got[0] != "Invoke api {} cli tenant="+DefaultTenant {
		t.Fatalf("first invoke calls = %q", got)
	}
	m = events(m, engine.InvocationStarted{At: at(5), RequestID: "from-sdk", Function: "api", Source: engine.SourceAPI, Payload: []byte(`{"n":1}`), TenantID: "blue"})
	m = do(t, m, f, "i")
	if got := f.Calls(); len(got) != 2 || got[1] != "Invoke api {} cli tenant=blue" {
		t.Fatalf("invoke after blue's invocation: calls = %q", got)
	}
	if v := m.View(); !strings.Contains(v, "tenant blue · ") {
		t.Errorf("rows do not show the tenant:\n%s", v)
	}
	m = events(m, engine.InvocationStarted{At: at(6), RequestID: "green-1", Function: "api", Source: engine.SourceAPI, Payload: []byte(`{"n":2}`), TenantID: "green"})
	m = press(m, "tab")
	for i := 0; i < 10 && m.inv.selected() != nil && m.inv.selected().id != "from-sdk"; i++ {
		m = press(m, "j")
	}
	m = do(t, m, f, "p")
	if got := f.Calls(); len(got) != 3 || got[2] != `Invoke api {"n":1} cli tenant=blue` {
		t.Fatalf("replay of blue's invocation: calls = %q", got)
	}
	m = press(m, "enter")
	if v := m.View(); !strings.Contains(v, "tenant") || !strings.Contains(v, "blue") {
		t.Errorf("the detail page does not show the tenant:\n%s", v)
	}
}

// t asks for the tenant a tenant-isolated function is invoked as from the
// workbench; typing it takes every key (q does not quit), Lambda's rules
// apply, and a function without tenancy says it has none.
func TestTenantPrompt(t *testing.T) {
	m, f := newTestModel(t, 100, 30)
	f.proj.Function("api").Tenancy = config.TenancyPerTenant
	m = press(m, "t")
	if !strings.Contains(m.View(), "tenant: "+DefaultTenant) {
		t.Fatalf("no tenant prompt with the current tenant:\n%s", m.View())
	}
	for range DefaultTenant {
		m = send(m, tea.KeyMsg{Type: tea.KeyBackspace})
	}
	m = press(m, "q", "a")
	m = send(m, tea.KeyMsg{Type: tea.KeyEnter})
	if v := m.View(); !strings.Contains(v, "api is invoked from here as tenant qa") {
		t.Fatalf("tenant not set:\n%s", v)
	}
	m = do(t, m, f, "i")
	if got := f.Calls(); len(got) != 1 || got[0] != "Invoke api {} cli tenant=qa" {
		t.Fatalf("calls = %q", got)
	}
	// An invocation from elsewhere does not override the tenant chosen here.
	m = events(m, engine.InvocationStarted{At: at(5), RequestID: "from-sdk", Function: "api", Source: engine.SourceAPI, Payload: []byte(`{}`), TenantID: "blue"})
	m = do(t, m, f, "i")
	if got := f.Calls(); len(got) != 2 || got[1] != "Invoke api {} cli tenant=qa" {
		t.Fatalf("after blue's invocation from the SDK: calls = %q", got)
	}
	m = press(m, "t")
	m = press(m, ";")
	m = send(m, tea.KeyMsg{Type: tea.KeyEnter})
	if v := m.View(); !strings.Contains(v, "must be 1 to 256") || m.inv.invokeTenant("api") != "qa" {
		t.Errorf("an invalid tenant was not refused:\n%s", v)
	}
	m = press(m, "j", "t")
	if v := m.View(); !strings.Contains(v, "legacy has no tenant isolation") || m.fns.tenantFor != "" {
		t.Errorf("t on a function without tenancy:\n%s", v)
	}
}

func TestDetailFollowsTheRunningInvocation(t *testing.T) {
	m, _ := newTestModel(t, 80, 40)
	m = events(m, engine.InvocationStarted{At: at(1), RequestID: "r1", Function: "api", Payload: []byte(`{}`)},
		engine.LogLine{At: at(1), Function: "api", RequestID: "r1", Line: "working on it"})
	m = press(m, "tab", "enter")
	if v := m.View(); !strings.Contains(v, "running") || !strings.Contains(v, "working on it") {
		t.Fatalf("detail of a running invocation:\n%s", v)
	}
	m = events(m, finished(2, "r1", "api", engine.OutcomeError, `{}`, 5*time.Millisecond, false))
	v := m.View()
	for _, want := range []string{"r1 · api · error", "ValueError", "bad input", `File "app.py", line 3`, "REPORT RequestId: r1"} {
		if !strings.Contains(v, want) {
			t.Errorf("detail lacks %q:\n%s", want, v)
		}
	}
	m = press(m, "esc")
	if m.detailOpen {
		t.Error("esc should close the detail page")
	}
}

func TestSelectionStaysPutWhileInvocationsArrive(t *testing.T) {
	m, _ := newTestModel(t, 80, 24)
	m = scene(m)
	m = press(m, "tab", "j", "j")
	sel := m.inv.selected().id
	for i := 0; i < 50; i++ {
		m = events(m, finished(30+i, fmt.Sprintf("new-%d", i), "api", engine.OutcomeOK, `{}`, time.Millisecond, false))
	}
	if got := m.inv.selected().id; got != sel {
		t.Errorf("selection moved from %s to %s", sel, got)
	}
	m = press(m, "g")
	if got := m.inv.selected().id; got != "new-49" {
		t.Errorf("g should follow the newest, selected %s", got)
	}
	m = events(m, finished(90, "newest", "web", engine.OutcomeOK, `{}`, time.Millisecond, false))
	if got := m.inv.selected().id; got != "newest" {
		t.Errorf("following: selected %s, want newest", got)
	}
}

func TestFilter(t *testing.T) {
	m, _ := newTestModel(t, 80, 24)
	m = scene(m)
	m = press(m, "tab", "/", "a", "d", "a")
	if n := m.inv.count(); n != 2 {
		t.Errorf(`filter "ada" matches %d, want 2 (payload text)`, n)
	}
	m = press(m, "enter")
	m = events(m, finished(40, "x1", "web", engine.OutcomeOK, `{"name":"ada"}`, time.Millisecond, false),
		finished(41, "x2", "api", engine.OutcomeOK, `{}`, time.Millisecond, false))
	if n := m.inv.count(); n != 3 {
		t.Errorf("a new matching invocation should join the filter: %d rows, want 3", n)
	}
	m = press(m, "/", "esc")
	if m.inv.query != "" || m.inv.count() != m.inv.hist.len() {
		t.Errorf("esc should clear the filter")
	}
	m = press(m, "/", "t", "i", "m", "e", "o", "u", "t", "enter")
	if n := m.inv.count(); n != 1 {
		t.Errorf(`filter "timeout" matches %d, want 1 (status)`, n)
	}
	m = press(m, "q") // q outside the input is quit, inside it is a letter
	m = press(m, "/", "q")
	if m.inv.input.Value() != "timeoutq" {
		t.Errorf("q typed into the filter: %q", m.inv.input.Value())
	}
}

func TestQuit(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		m, _ := newTestModel(t, 80, 24)
		_, cmd := m.Update(keyMsg(k))
		if msgs := runCmd(cmd); len(msgs) != 1 || msgs[0] != tea.Quit() {
			t.Errorf("%s: got %v, want quit", k, msgs)
		}
	}
}

func TestWatcherKey(t *testing.T) {
	m, f := newTestModel(t, 80, 24)
	if _, cmd := m.Update(keyMsg("w")); cmd != nil {
		t.Error("w without a watcher should do nothing")
	}
	var calls []bool
	opts := testOptions()
	opts.Watcher = func(on bool) error { calls = append(calls, on); return nil }
	m = resize(newModel(m.ctx, f, opts, &chanSource{ch: f.ch}), 100, 30)
	if !strings.Contains(m.View(), "watch on") {
		t.Fatalf("status:\n%s", m.View())
	}
	m = do(t, m, f, "w")
	if !strings.Contains(m.View(), "watch paused") {
		t.Errorf("status after w:\n%s", m.View())
	}
	m = do(t, m, f, "w")
	if !slices.Equal(calls, []bool{false, true}) || !strings.Contains(m.View(), "watch on") {
		t.Errorf("watcher calls %v", calls)
	}
	opts.Watcher = func(bool) error { return errors.New("inotify limit") }
	m = resize(newModel(m.ctx, f, opts, &chanSource{ch: f.ch}), 100, 30)
	m = do(t, m, f, "w")
	if v := m.View(); !strings.Contains(v, "watcher: inotify limit") || !strings.Contains(v, "watch on") {
		t.Errorf("failed pause:\n%s", v)
	}
}

func TestCustomKeyMap(t *testing.T) {
	f := newFakeEngine()
	km := DefaultKeyMap()
	km.Invoke = key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "invoke"))
	opts := testOptions()
	opts.KeyMap = &km
	m := resize(newModel(t.Context(), f, opts, &chanSource{ch: f.ch}), 80, 24)
	m = do(t, m, f, "i")
	m = do(t, m, f, "x")
	if got := f.Calls(); !slices.Equal(got, []string{"Invoke api {} cli"}) {
		t.Errorf("calls = %q", got)
	}
	if !strings.Contains(m.View(), "x invoke") {
		t.Errorf("help should show the rebound key:\n%s", m.View())
	}
}

func TestDroppedEventsShownAndResynced(t *testing.T) {
	m, _ := newTestModel(t, 80, 24)
	out, cmd := m.Update(eventsMsg{events: []engine.Event{engine.FunctionStateChanged{At: at(1), Function: "api", State: engine.StateReloading}}, dropped: 1234})
	m = out.(Model)
	if !strings.Contains(m.View(), "1,234 events dropped") {
		t.Errorf("dropped count not shown:\n%s", m.View())
	}
	var snap bool
	for _, c := range cmd().(tea.BatchMsg) {
		if c == nil {
			continue
		}
		if s, ok := c().(snapshotMsg); ok {
			snap = true
			m = send(m, s)
		}
		break // the other command waits for events
	}
	if !snap {
		t.Error("a rise in dropped events should re-read the functions")
	}
	if !strings.Contains(m.View(), "ready") {
		t.Errorf("snapshot not applied:\n%s", m.View())
	}
}

func TestWaitEventsBatchesAndStopsOnClose(t *testing.T) {
	src := &chanSource{ch: make(chan engine.Event, 1000), drp: 7}
	for i := 0; i < 600; i++ {
		src.ch <- engine.LogLine{At: at(i)}
	}
	msg := waitEvents(src)().(eventsMsg)
	if len(msg.events) != maxBatch || msg.dropped != 7 || msg.closed {
		t.Errorf("first batch: %d events, dropped %d, closed %v", len(msg.events), msg.dropped, msg.closed)
	}
	close(src.ch)
	msg = waitEvents(src)().(eventsMsg)
	if len(msg.events) != 600-maxBatch || !msg.closed {
		t.Errorf("second batch: %d events, closed %v", len(msg.events), msg.closed)
	}
	m, _ := newTestModel(t, 80, 24)
	out, cmd := m.Update(eventsMsg{closed: true})
	if cmd != nil {
		t.Error("a closed stream must not be re-armed")
	}
	if !strings.Contains(out.(Model).View(), "engine stopped") {
		t.Error("status should say the engine stopped")
	}
}

func TestSubscriptionAdapter(t *testing.T) {
	ch := make(chan engine.Event)
	s := subscription{&engine.Subscription{C: ch}}
	if s.events() != (<-chan engine.Event)(ch) || s.dropped() != 0 {
		t.Error("a Subscription built outside the engine should read C and report no drops")
	}
}

func TestHistoryRing(t *testing.T) {
	h := newHistory(3)
	for i := 1; i <= 5; i++ {
		h.add(&invocation{id: fmt.Sprint(i)})
	}
	if h.len() != 3 || h.oldestSeq() != 3 || h.newestSeq() != 5 {
		t.Fatalf("len %d oldest %d newest %d", h.len(), h.oldestSeq(), h.newestSeq())
	}
	if h.lookup("2") != nil || h.lookup("3") == nil || h.bySeq(2) != nil || h.bySeq(4).id != "4" {
		t.Error("evicted entries must be gone from both indexes")
	}
	h.reset()
	if h.len() != 0 || h.bySeq(5) != nil || h.add(&invocation{id: "6"}).seq != 6 {
		t.Error("reset keeps numbering and forgets entries")
	}
}

func TestTenThousandAndOne(t *testing.T) {
	m, _ := newTestModel(t, 120, 40)
	m = fill(m, historySize+1)
	if m.inv.hist.len() != historySize {
		t.Errorf("history holds %d, want %d", m.inv.hist.len(), historySize)
	}
	m = press(m, "tab", "G")
	if got := m.inv.selected().id; got != "inv-00001" {
		t.Errorf("oldest kept is %s, want inv-00001 (inv-00000 evicted)", got)
	}
}

func TestEditorCommand(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cases := []struct {
		env  map[string]string
		want []string
	}{
		{nil, []string{"vi", "/tmp/p.json"}},
		{map[string]string{"EDITOR": "nano"}, []string{"nano", "/tmp/p.json"}},
		{map[string]string{"EDITOR": "nano", "VISUAL": "code -w"}, []string{"code", "-w", "/tmp/p.json"}},
	}
	for _, c := range cases {
		if got := editorCommand(env(c.env), "/tmp/p.json").Args; !slices.Equal(got, c.want) {
			t.Errorf("%v: %q, want %q", c.env, got, c.want)
		}
	}
}

func TestEveryFrameFits(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {60, 16}, {100, 30}, {120, 40}, {200, 60}} {
		m, _ := newTestModel(t, sz[0], sz[1])
		m = scene(m)
		for _, keys := range [][]string{nil, {"tab"}, {"tab", "enter"}, {"shift+tab"}, {"?"}, {"tab", "/", "x"}} {
			checkFrame(t, press(m, keys...).View(), sz[0], sz[1])
		}
	}
}

// fill adds n finished invocations.
func fill(m Model, n int) Model {
	evs := make([]engine.Event, 0, n)
	fns := []string{"api", "legacy", "web"}
	for i := 0; i < n; i++ {
		evs = append(evs, finished(i, fmt.Sprintf("inv-%05d", i), fns[i%3], engine.OutcomeOK, `{"path":"/items/`+fmt.Sprint(i)+`"}`, time.Duration(i%90)*time.Millisecond, i%7 == 0))
	}
	return events(m, evs...)
}

func TestRunesDeliveredTogetherAreSeparateKeys(t *testing.T) {
	m, f := newTestModel(t, 80, 24)
	m = do(t, m, f, "jd")
	if got := f.Calls(); !slices.Equal(got, []string{"SetLive legacy true"}) {
		t.Errorf("calls = %q", got)
	}
	m = scene(m)
	m = press(m, "tab", "/web")
	if m.inv.query != "web" || !m.inv.filtering {
		t.Errorf("query %q filtering %v", m.inv.query, m.inv.filtering)
	}
}

// A project file edit applied while dev runs shows up in the functions pane;
// a rejected one is flashed as an error.
func TestProjectReloadedRebuildsFunctions(t *testing.T) {
	m, f := newTestModel(t, 120, 40)
	next := *f.proj
	next.Functions = append([]*config.Function{}, f.proj.Functions[1:]...)
	next.Functions = append(next.Functions, &config.Function{Name: "zeta", Runtime: "python3.12", Memory: 128, Architecture: "x86_64", Dev: true, Kind: "python"})
	removed := f.proj.Functions[0].Name
	f.proj = &next
	m = events(m, engine.ProjectReloaded{At: at(1), Added: []string{"zeta"}, Removed: []string{removed}})
	view := m.View()
	if !strings.Contains(view, "zeta") {
		t.Errorf("added function missing from the view:\n%s", view)
	}
	if strings.Contains(view, " "+removed+" ") {
		t.Errorf("removed function %s still shown:\n%s", removed, view)
	}
	m = events(m, engine.ProjectInvalid{At: at(2), Errors: "lambdev.yaml:3:1: unknown runtime python9\nmore"})
	if view := m.View(); !strings.Contains(view, "unknown runtime python9") {
		t.Errorf("rejected edit not shown:\n%s", view)
	}
}

// An Event invocation's retries keep its request id; each attempt is a row.
func TestEventRetriesAreRowsOfTheirOwn(t *testing.T) {
	m, _ := newTestModel(t, 100, 30)
	m = events(m,
		engine.InvocationStarted{At: at(1), RequestID: "ev1", Function: "api", Payload: []byte(`{"n":1}`)},
		finished(1, "ev1", "api", engine.OutcomeError, `{"n":1}`, time.Millisecond, false),
		engine.InvocationStarted{At: at(61), RequestID: "ev1", Function: "api", Payload: []byte(`{"n":1}`), Retry: 1},
		finished(61, "ev1", "api", engine.OutcomeOK, `{"n":1}`, time.Millisecond, false))
	if n := m.inv.hist.len(); n != 2 {
		t.Fatalf("%d rows for an invocation and its retry, want 2", n)
	}
	first, retry := m.inv.hist.bySeq(m.inv.hist.oldestSeq()), m.inv.hist.bySeq(m.inv.hist.newestSeq())
	if first.status() != string(engine.OutcomeError) || retry.status() != string(engine.OutcomeOK) || retry.retry != 1 {
		t.Errorf("rows: %s then %s (retry %d); want error, then ok as retry 1", first.status(), retry.status(), retry.retry)
	}
	if v := m.View(); !strings.Contains(v, "retry 1 · ") {
		t.Errorf("the retry's row does not say so:\n%s", v)
	}
}

// A streamed response's row says how much was streamed.
func TestStreamedInvocationRow(t *testing.T) {
	m, _ := newTestModel(t, 100, 30)
	fin := finished(1, "s1", "api", engine.OutcomeOK, `{}`, time.Millisecond, false)
	fin.Result.Streamed = 20 << 20
	m = events(m, engine.InvocationStarted{At: at(1), RequestID: "s1", Function: "api", Payload: []byte(`{}`)}, fin)
	if v := m.View(); !strings.Contains(v, "streamed 20.0 MiB · ") {
		t.Errorf("the row does not say what was streamed:\n%s", v)
	}
}

// Whatever a function writes, the detail page draws no control character:
// a clear-screen in its output, NULs in a streamed prelude, colours in its
// logs (dropped, the text kept) and a control byte in an error message.
func TestDetailDrawsNoControlCharacters(t *testing.T) {
	m, _ := newTestModel(t, 100, 40)
	fin := finished(1, "c1", "api", engine.OutcomeOK, `{}`, time.Millisecond, false)
	fin.Result.Payload = []byte("{\"statusCode\":200}\x00\x00\x00\x00\x00\x00\x00\x00\x1b[2Jbody\x07")
	fin.Result.Logs = []byte("\x1b[31mred alert\x1b[0m\n")
	bad := finished(2, "c2", "api", engine.OutcomeError, `{}`, time.Millisecond, false)
	bad.Result.Error.Message = "boom\x1b]0;pwned\x07"
	m = events(m, engine.InvocationStarted{At: at(1), RequestID: "c1", Function: "api", Payload: []byte(`{}`)}, fin,
		engine.InvocationStarted{At: at(2), RequestID: "c2", Function: "api", Payload: []byte(`{}`)}, bad)
	for _, v := range []*invocation{m.inv.hist.lookup("c1"), m.inv.hist.lookup("c2")} {
		page := renderInvocation(m.st, v)
		if strings.ContainsFunc(page, unsafeRune) {
			t.Errorf("%s's page draws control characters: %q", v.id, page)
		}
	}
	page := renderInvocation(m.st, m.inv.hist.lookup("c1"))
	if !strings.Contains(page, "red alert") || !strings.Contains(page, "␀␀␀␀␀␀␀␀") || !strings.Contains(page, "body␇") {
		t.Errorf("the page lost the text around the controls:\n%s", page)
	}
}

// / filters the functions pane too: by name or declared runtime, keys act
// on the shown functions, esc clears, and q inside the filter is a letter.
func TestFunctionFilter(t *testing.T) {
	m, f := newTestModel(t, 100, 30)
	m = press(m, "/", "n", "o", "d", "e")
	if n := m.fns.count(); n != 1 || !strings.Contains(m.View(), fmt.Sprintf("Functions 1 of %d", len(m.fns.rows))) {
		t.Fatalf(`filter "node" shows %d functions, want web alone:\n%s`, n, m.View())
	}
	m = press(m, "enter")
	m = do(t, m, f, "i")
	if got := f.Calls(); !slices.Equal(got, []string{"Invoke web {} cli"}) {
		t.Errorf("i on the filtered list called %q, want web invoked", got)
	}
	m = press(m, "/", "q", "z")
	if m.fns.filter.Value() != "nodeqz" || m.fns.count() != 0 || !strings.Contains(m.View(), "no function matches") {
		t.Errorf("typed %q, %d shown; want q typed as a letter and nothing shown", m.fns.filter.Value(), m.fns.count())
	}
	m = do(t, m, f, "i") // nothing selected: no call
	m = press(m, "esc")
	if m.fns.query != "" || m.fns.count() != len(m.fns.rows) {
		t.Errorf("esc should clear the filter: query %q, %d shown", m.fns.query, m.fns.count())
	}
	if got := f.Calls(); len(got) != 1 {
		t.Errorf("calls %q; an empty filtered list must not invoke", got)
	}
}
