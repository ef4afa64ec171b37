package tui

import (
	"context"
	"fmt"
	"io"
	"log"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lambdev/lambdev/engine"
	"github.com/lambdev/lambdev/engine/drift"
)

// focus is the pane keys go to.
type focus int

const (
	focusFunctions focus = iota
	focusInvocations
	focusDrift
	focusCount
)

// Model is the workbench: a short dispatcher over its panes. Panes return
// actions; the model turns them into tea.Cmds (see commands.go).
type Model struct {
	ctx  context.Context
	eng  Engine
	opts Options
	keys KeyMap
	st   Styles
	src  source
	log  *log.Logger

	width, height int
	focus         focus
	fns           functionsPane
	inv           invocationsPane
	drift         driftPane
	detail        detailView
	detailOpen    bool
	help          help.Model

	payloads map[string][]byte // last payload per function sent from here
	watching bool
	dropped  int64
	closed   bool
	flash    string
	flashErr bool
}

// newModel builds the model and takes the engine's first snapshot; src
// must already be subscribed so nothing falls between the two.
func newModel(ctx context.Context, eng Engine, opts Options, src source) Model {
	keys := DefaultKeyMap()
	if opts.KeyMap != nil {
		keys = *opts.KeyMap
	}
	if opts.Watcher == nil {
		keys.Watch.SetEnabled(false)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Mode == "" {
		opts.Mode = "local"
	}
	var w io.Writer = io.Discard
	if opts.LogFile != nil {
		w = opts.LogFile
	}
	st := NewStyles()
	proj := eng.Project()
	m := Model{
		ctx: ctx, eng: eng, opts: opts, keys: keys, st: st, src: src,
		log:      log.New(w, "tui: ", log.LstdFlags|log.Lmicroseconds),
		fns:      newFunctionsPane(st, keys, proj, opts.URLs),
		inv:      newInvocationsPane(st, keys, historySize),
		drift:    newDriftPane(st, keys, proj.Names()),
		detail:   newDetailView(st, keys),
		help:     help.New(),
		payloads: map[string][]byte{},
		watching: opts.Watcher != nil,
		width:    80, height: 24,
	}
	m.fns.setSnapshot(eng.Functions())
	if d, ok := eng.(interface{ Drift(string) []drift.Warning }); ok {
		for _, name := range proj.Names() {
			if ws := d.Drift(name); len(ws) > 0 {
				m.drift.set(name, ws)
			}
		}
	}
	m.layout()
	return m
}

// Init starts consuming engine events.
func (m Model) Init() tea.Cmd { return waitEvents(m.src) }

// Update dispatches a message to the handler for its kind.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, nil
	case tea.KeyMsg:
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			return m.onRunes(msg.Runes)
		}
		return m.onKey(msg)
	case eventsMsg:
		return m.onEvents(msg)
	}
	return m.onResult(msg)
}

// onEvents folds a batch of engine events into the panes and re-arms the
// event command; a rise in dropped events, or a change to the workers of
// the open function page's function, triggers a fresh snapshot.
func (m Model) onEvents(msg eventsMsg) (tea.Model, tea.Cmd) {
	refresh := m.detailOpen && m.detail.seq != 0
	resnapshot := false
	for _, ev := range msg.events {
		switch e := ev.(type) {
		case engine.ProjectReloaded:
			m.fns.setProject(m.eng.Project())
			m.setFlash(fmt.Sprintf("lambdev.yaml applied: added %v, removed %v, changed %v", e.Added, e.Removed, e.Changed), false)
		case engine.ProjectInvalid:
			first, _, _ := strings.Cut(e.Errors, "\n")
			m.setFlash("lambdev.yaml edit rejected (still running the last good one): "+first, true)
		}
		resnapshot = resnapshot || m.changesWorkersOfPage(ev)
		m.fns.apply(ev)
		m.drift.apply(ev)
		if v := m.inv.apply(ev); v != nil && refresh && v.seq == m.detail.seq {
			m.detail.showInvocation(v, true)
		}
	}
	m.refreshFunctionPage()
	m.layout()
	var cmds []tea.Cmd
	if msg.dropped > m.dropped {
		m.log.Printf("engine dropped %d events for the workbench", msg.dropped-m.dropped)
		m.dropped = msg.dropped
		resnapshot = true
	}
	if resnapshot {
		cmds = append(cmds, snapshotCmd(m.eng))
	}
	if msg.closed {
		m.closed = true
	} else {
		cmds = append(cmds, waitEvents(m.src))
	}
	return m, tea.Batch(cmds...)
}

// refreshFunctionPage redraws the open function page from its row, which
// events and snapshots keep current.
func (m *Model) refreshFunctionPage() {
	if !m.detailOpen || m.detail.fn == "" {
		return
	}
	if i, ok := m.fns.index[m.detail.fn]; ok {
		m.detail.showFunction(m.fns.rows[i], true)
	}
}

// changesWorkersOfPage reports whether ev changes how many workers the
// open function page's function has, or how many are idle: counts only a
// snapshot of the engine gives.
func (m *Model) changesWorkersOfPage(ev engine.Event) bool {
	if !m.detailOpen || m.detail.fn == "" {
		return false
	}
	switch e := ev.(type) {
	case engine.WorkerStarted:
		return e.Function == m.detail.fn
	case engine.WorkerStopped:
		return e.Function == m.detail.fn
	case engine.InvocationStarted:
		return e.Function == m.detail.fn
	case engine.InvocationFinished:
		return e.Result.Function == m.detail.fn
	}
	return false
}

// onKey routes a key: global keys first, then the detail page or the
// focused pane, whose action the model performs.
func (m Model) onKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	m.flash, m.flashErr = "", false
	k := m.keys
	if msg.Type == tea.KeyCtrlC {
		return m, tea.Quit
	}
	if m.focus == focusInvocations && m.inv.filtering && !m.detailOpen {
		var a action
		m.inv, a = m.inv.Update(msg)
		m.layout()
		return m, m.perform(a)
	}
	if m.focus == focusFunctions && (m.fns.tenantFor != "" || m.fns.filtering) && !m.detailOpen {
		var a action
		m.fns, a = m.fns.Update(msg)
		m.layout()
		return m, m.perform(a)
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m, tea.Quit
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.layout()
		return m, nil
	case key.Matches(msg, k.ReloadAll):
		return m, m.perform(reloadAllAction{})
	case key.Matches(msg, k.Watch):
		return m, m.perform(watchAction{on: !m.watching})
	}
	var a action
	switch {
	case m.detailOpen:
		m.detail, a = m.detail.Update(msg)
	case key.Matches(msg, k.NextPane):
		m.focus = (m.focus + 1) % focusCount
	case key.Matches(msg, k.PrevPane):
		m.focus = (m.focus + focusCount - 1) % focusCount
	case m.focus == focusFunctions:
		m.fns, a = m.fns.Update(msg)
	case m.focus == focusInvocations:
		m.inv, a = m.inv.Update(msg)
	case m.focus == focusDrift:
		m.drift, a = m.drift.Update(msg)
	}
	m.layout()
	return m, m.perform(a)
}

// onRunes handles keys the terminal delivered together ("jd" from a fast
// typist or tmux send-keys) one at a time, as if typed separately.
func (m Model) onRunes(runes []rune) (tea.Model, tea.Cmd) {
	var cmds []tea.Cmd
	for _, r := range runes {
		out, cmd := m.onKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		m = out.(Model)
		cmds = append(cmds, cmd)
	}
	return m, tea.Sequence(cmds...)
}

// layout hands each pane its share of the screen.
func (m *Model) layout() {
	m.help.Width = m.width
	body := max(3, m.height-1-m.helpHeight())
	m.detail.SetSize(m.width, body)
	dh := m.drift.wantHeight(m.focus == focusDrift, max(4, body/2))
	rest := body - dh
	fh := 1 + fnLines*max(1, min(len(m.fns.rows), (rest/2-1)/fnLines))
	m.fns.SetSize(m.width, fh)
	m.inv.SetSize(m.width, max(2, rest-fh))
	m.drift.SetSize(m.width, dh)
}

// setFlash shows a one-line notice in place of the help until the next key.
func (m *Model) setFlash(text string, isErr bool) {
	m.flash, m.flashErr = text, isErr
	if isErr {
		m.log.Print(text)
	}
}

// helpHeight is the lines the help takes: one, or the full help's.
func (m Model) helpHeight() int {
	if !m.help.ShowAll || m.flash != "" {
		return 1
	}
	return lineCount(m.helpView())
}

func lineCount(s string) int {
	n := 1
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			n++
		}
	}
	return n
}
