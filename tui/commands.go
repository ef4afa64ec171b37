package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lambdev/lambdev/engine"
)

// action is what a pane asks the model to do; panes never do I/O.
type action interface{ isAction() }

type (
	setLiveAction struct {
		fn   string
		live bool
	}
	reloadAction    struct{ fn string }
	reloadAllAction struct{}
	invokeAction    struct{ fn string }
	editAction      struct{ fn string }
	// tenantPromptAction asks for the tenant fn is invoked as from here;
	// setTenantAction is the answer.
	tenantPromptAction struct{ fn string }
	setTenantAction    struct{ fn, tenant string }
	replayAction       struct {
		fn, tenant string
		payload    []byte
	}
	replayDetailAction   struct{ seq uint64 }
	openInvocationAction struct{ seq uint64 }
	openFunctionAction   struct{ fn string }
	closeDetailAction    struct{}
	watchAction          struct{ on bool }
)

func (setLiveAction) isAction()        {}
func (reloadAction) isAction()         {}
func (reloadAllAction) isAction()      {}
func (invokeAction) isAction()         {}
func (editAction) isAction()           {}
func (tenantPromptAction) isAction()   {}
func (setTenantAction) isAction()      {}
func (replayAction) isAction()         {}
func (replayDetailAction) isAction()   {}
func (openInvocationAction) isAction() {}
func (openFunctionAction) isAction()   {}
func (closeDetailAction) isAction()    {}
func (watchAction) isAction()          {}

// Results of commands, delivered back to Update.
type (
	snapshotMsg struct{ infos []engine.FunctionInfo }
	invokedMsg  struct {
		req engine.Request
		res engine.Result
		err error
	}
	doneMsg struct {
		what    string
		err     error
		refresh bool
	}
	watchedMsg struct {
		on  bool
		err error
	}
	editedMsg struct {
		fn      string
		payload []byte
		err     error
	}
)

// defaultPayload is what `i` sends before any payload was edited.
var defaultPayload = []byte("{}")

// perform turns a pane's action into state changes and commands.
func (m *Model) perform(a action) tea.Cmd {
	eng := m.eng
	switch a := a.(type) {
	case nil:
		return nil
	case setLiveAction:
		mode := "deployed"
		if a.live {
			mode = "live"
		}
		return call(fmt.Sprintf("%s → %s", a.fn, mode), true, func() error { return eng.SetLive(a.fn, a.live) })
	case reloadAction:
		return call("reload "+a.fn, false, func() error { return eng.Reload(a.fn) })
	case reloadAllAction:
		return call("reload all", false, func() error { eng.ReloadAll(); return nil })
	case invokeAction:
		return m.invoke(a.fn, m.payload(a.fn), "")
	case replayAction:
		return m.invoke(a.fn, a.payload, a.tenant)
	case replayDetailAction:
		if v := m.inv.hist.bySeq(a.seq); v != nil {
			return m.invoke(v.function, v.request, v.tenant)
		}
	case editAction:
		return editCmd(a.fn, m.payload(a.fn))
	case tenantPromptAction:
		if f := m.eng.Project().Function(a.fn); f == nil || !f.PerTenant() {
			m.setFlash(a.fn+" has no tenant isolation (tenancy: PER_TENANT): its invocations name no tenant", true)
			return nil
		}
		m.fns.askTenant(a.fn, m.inv.invokeTenant(a.fn))
	case setTenantAction:
		f := m.eng.Project().Function(a.fn)
		if f == nil {
			return nil
		}
		if err := engine.CheckTenant(f, a.tenant); err != nil {
			m.setFlash(err.Error(), true)
			return nil
		}
		m.inv.chosen[a.fn] = a.tenant
		m.setFlash(fmt.Sprintf("%s is invoked from here as tenant %s", a.fn, printable(a.tenant)), false)
	case watchAction:
		if m.opts.Watcher == nil {
			return nil
		}
		w := m.opts.Watcher
		return func() tea.Msg { return watchedMsg{on: a.on, err: w(a.on)} }
	case openInvocationAction:
		if v := m.inv.hist.bySeq(a.seq); v != nil {
			m.detail.showInvocation(v, false)
			m.detailOpen = true
		}
	case openFunctionAction:
		if i, ok := m.fns.index[a.fn]; ok {
			m.detail.showFunction(m.fns.rows[i], false)
			m.detailOpen = true
			return snapshotCmd(m.eng) // its worker counts are the engine's, not the events'
		}
	case closeDetailAction:
		m.detailOpen = false
	}
	return nil
}

func (m *Model) payload(fn string) []byte {
	if p, ok := m.payloads[fn]; ok {
		return p
	}
	return defaultPayload
}

// invoke sends one invocation from the workbench. A replay keeps its
// tenant; a new invocation of a tenant-isolated function goes as the
// tenant it was last invoked as (here or elsewhere), or as DefaultTenant.
func (m *Model) invoke(fn string, payload []byte, tenant string) tea.Cmd {
	m.payloads[fn] = payload
	if f := m.eng.Project().Function(fn); tenant == "" && f != nil && f.PerTenant() {
		tenant = m.inv.invokeTenant(fn)
	}
	req := engine.Request{Function: fn, Payload: payload, Source: engine.SourceCLI, RequestID: engine.NewRequestID(), TenantID: tenant}
	ctx, eng := m.ctx, m.eng
	return func() tea.Msg {
		res, err := eng.Invoke(ctx, req)
		return invokedMsg{req: req, res: res, err: err}
	}
}

// call runs an engine control call and reports how it went.
func call(what string, refresh bool, f func() error) tea.Cmd {
	return func() tea.Msg { return doneMsg{what: what, err: f(), refresh: refresh} }
}

// snapshotCmd reads the engine's function snapshot.
func snapshotCmd(eng Engine) tea.Cmd {
	return func() tea.Msg { return snapshotMsg{infos: eng.Functions()} }
}

// onResult handles what commands report.
func (m Model) onResult(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case snapshotMsg:
		m.fns.setSnapshot(msg.infos)
		m.refreshFunctionPage()
	case doneMsg:
		if msg.err != nil {
			m.setFlash(fmt.Sprintf("%s: %v", msg.what, msg.err), true)
			return m, nil
		}
		m.setFlash(msg.what, false)
		if msg.refresh {
			return m, snapshotCmd(m.eng)
		}
	case watchedMsg:
		if msg.err != nil {
			m.setFlash(fmt.Sprintf("watcher: %v", msg.err), true)
			return m, nil
		}
		m.watching = msg.on
	case invokedMsg:
		if msg.err != nil {
			m.inv.add(&invocation{function: msg.req.Function, source: msg.req.Source, tenant: msg.req.TenantID, started: m.opts.Now(),
				request: msg.req.Payload, rejected: msg.err.Error()})
			m.setFlash(fmt.Sprintf("invoke %s: %v", msg.req.Function, msg.err), true)
			return m, nil
		}
		v := m.inv.finish(msg.req, msg.res)
		if m.detailOpen && m.detail.seq == v.seq {
			m.detail.showInvocation(v, true)
		}
	case editedMsg:
		return m.onEdited(msg)
	}
	return m, nil
}

// onEdited keeps the edited payload and invokes with it when it is JSON.
func (m Model) onEdited(msg editedMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		m.setFlash(fmt.Sprintf("edit payload for %s: %v", msg.fn, msg.err), true)
		return m, nil
	}
	m.payloads[msg.fn] = msg.payload
	if !json.Valid(msg.payload) {
		m.setFlash(fmt.Sprintf("payload for %s is not valid JSON; press e to fix it", msg.fn), true)
		return m, nil
	}
	return m, m.invoke(msg.fn, msg.payload, "")
}

// editorCommand is $VISUAL or $EDITOR (with its arguments) on path; vi when neither is set.
func editorCommand(getenv func(string) string, path string) *exec.Cmd {
	ed := strings.Fields(getenv("VISUAL"))
	if len(ed) == 0 {
		ed = strings.Fields(getenv("EDITOR"))
	}
	if len(ed) == 0 {
		ed = []string{"vi"}
	}
	return exec.Command(ed[0], append(ed[1:], path)...)
}

// editCmd writes payload to a temporary file, hands the terminal to the
// editor and reads the file back when it exits.
func editCmd(fn string, payload []byte) tea.Cmd {
	return func() tea.Msg {
		f, err := os.CreateTemp("", "lambdev-"+fn+"-*.json")
		if err != nil {
			return editedMsg{fn: fn, err: err}
		}
		path := f.Name()
		_, err = f.Write(editable(payload))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
			return editedMsg{fn: fn, err: err}
		}
		return tea.ExecProcess(editorCommand(os.Getenv, path), func(err error) tea.Msg {
			defer os.Remove(path)
			if err != nil {
				return editedMsg{fn: fn, err: fmt.Errorf("editor: %w", err)}
			}
			b, err := os.ReadFile(path)
			return editedMsg{fn: fn, payload: []byte(strings.TrimSpace(string(b))), err: err}
		})()
	}
}

// editable is payload as the editor should show it: indented when it is JSON.
func editable(payload []byte) []byte {
	var b bytes.Buffer
	if json.Indent(&b, payload, "", "  ") != nil {
		return payload
	}
	b.WriteByte('\n')
	return b.Bytes()
}
