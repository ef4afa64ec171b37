package tui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lambdev/lambdev/engine"
)

// invocationsPane is the live stream of invocations, newest first. It draws
// only the rows that fit; the selection is a sequence number (0 follows the
// newest) so arriving invocations never move what the user is looking at.
type invocationsPane struct {
	st        Styles
	keys      KeyMap
	hist      *history
	input     textinput.Model
	filtering bool
	query     string   // applied filter, lower case
	matches   []uint64 // seqs matching query, ascending
	sel, top  uint64   // selected and first visible seq; 0 = newest
	width     int
	height    int
	tenants   map[string]string // function → the tenant it was last invoked as
	chosen    map[string]string // function → the tenant set with t, which wins
}

// DefaultTenant is the tenant the workbench invokes a tenant-isolated
// function as until one was seen for it.
const DefaultTenant = "lambdev"

// invokeTenant is the tenant the workbench invokes fn as: the one set with
// t, else the one fn was last invoked as, else DefaultTenant.
func (p *invocationsPane) invokeTenant(fn string) string {
	if t := p.chosen[fn]; t != "" {
		return t
	}
	if t := p.tenants[fn]; t != "" {
		return t
	}
	return DefaultTenant
}

func newInvocationsPane(st Styles, keys KeyMap, size int) invocationsPane {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "function or text"
	in.Cursor.SetMode(cursor.CursorStatic)
	return invocationsPane{st: st, keys: keys, hist: newHistory(size), input: in, tenants: map[string]string{}, chosen: map[string]string{}}
}

// apply folds an engine event into the history; it returns the entry it
// touched, or nil.
func (p *invocationsPane) apply(ev engine.Event) *invocation {
	switch e := ev.(type) {
	case engine.InvocationStarted:
		// A retry of an Event invocation keeps its request id: its own row.
		if v := p.hist.lookup(e.RequestID); v != nil && v.retry == e.Retry {
			return v
		}
		return p.add(&invocation{id: e.RequestID, function: e.Function, source: e.Source, tenant: e.TenantID, started: e.Time,
			request: e.Payload, cold: e.Cold, retry: e.Retry, running: true})
	case engine.LogLine:
		if v := p.hist.lookup(e.RequestID); v != nil && v.running && len(v.logs) < maxLiveLogs {
			v.logs = append(v.logs, e.Line)
			return v
		}
	case engine.InvocationFinished:
		return p.finish(e.Request, e.Result)
	}
	return nil
}

// finish records an invocation's result, creating the row if its start was missed.
func (p *invocationsPane) finish(req engine.Request, res engine.Result) *invocation {
	v := p.hist.lookup(res.RequestID)
	if v == nil {
		v = p.add(&invocation{id: res.RequestID, function: res.Function, source: req.Source, tenant: req.TenantID,
			started: res.Started, request: req.Payload})
	}
	was := v.matches(p.query)
	v.result, v.running, v.cold, v.logs = &res, false, res.Cold, nil
	p.hist.account(v)
	if p.query != "" && !was && v.matches(p.query) {
		i := sort.Search(len(p.matches), func(i int) bool { return p.matches[i] >= v.seq })
		p.matches = append(p.matches[:i], append([]uint64{v.seq}, p.matches[i:]...)...)
	}
	return v
}

// add appends a row and keeps the filter's matches in step.
func (p *invocationsPane) add(v *invocation) *invocation {
	v.preview = preview(v.request, 160)
	if v.tenant != "" {
		p.tenants[v.function] = v.tenant
	}
	p.hist.add(v)
	p.hist.account(v)
	if p.query != "" && v.matches(p.query) {
		p.matches = append(p.matches, v.seq)
	}
	oldest := p.hist.oldestSeq()
	i := 0
	for i < len(p.matches) && p.matches[i] < oldest {
		i++
	}
	p.matches = p.matches[i:]
	return v
}

// setQuery applies a filter and rebuilds the matches.
func (p *invocationsPane) setQuery(q string) {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == p.query {
		return
	}
	p.query, p.matches, p.sel, p.top = q, nil, 0, 0
	if q == "" {
		return
	}
	for s := p.hist.oldestSeq(); s <= p.hist.newestSeq() && p.hist.len() > 0; s++ {
		if v := p.hist.bySeq(s); v != nil && v.matches(q) {
			p.matches = append(p.matches, s)
		}
	}
}

// count is the number of rows the list shows.
func (p invocationsPane) count() int {
	if p.query != "" {
		return len(p.matches)
	}
	return p.hist.len()
}

// seqAt is the seq of the i-th row, newest first.
func (p invocationsPane) seqAt(i int) uint64 {
	if p.query != "" {
		return p.matches[len(p.matches)-1-i]
	}
	return p.hist.newestSeq() - uint64(i)
}

// indexOf is the row index of seq s (0 follows the newest), clamped.
func (p invocationsPane) indexOf(s uint64) int {
	n := p.count()
	if s == 0 || n == 0 {
		return 0
	}
	var i int
	if p.query != "" {
		pos := sort.Search(len(p.matches), func(i int) bool { return p.matches[i] >= s })
		i = len(p.matches) - 1 - pos
	} else {
		i = int(int64(p.hist.newestSeq()) - int64(s))
	}
	return max(0, min(n-1, i))
}

// selected is the invocation under the cursor.
func (p invocationsPane) selected() *invocation {
	if p.count() == 0 {
		return nil
	}
	return p.hist.bySeq(p.seqAt(p.indexOf(p.sel)))
}

func (p invocationsPane) rows() int { return max(1, p.height-2) }

// moveTo selects row i and scrolls so it is visible.
func (p *invocationsPane) moveTo(i int) {
	n := p.count()
	i = max(0, min(n-1, i))
	if i <= 0 {
		p.sel, p.top = 0, 0
		return
	}
	p.sel = p.seqAt(i)
	top := p.indexOf(p.top)
	if p.top == 0 {
		top = 0
	}
	switch {
	case i < top:
		top = i
	case i >= top+p.rows():
		top = i - p.rows() + 1
	}
	p.top = 0
	if top > 0 {
		p.top = p.seqAt(top)
	}
}

// SetSize sets the lines and columns the pane may draw, header included.
func (p *invocationsPane) SetSize(w, h int) {
	p.width, p.height = w, h
	p.input.Width = max(10, w/3)
	p.moveTo(p.indexOf(p.sel))
}

// Update handles the filter input, movement and the keys that act on the
// selected invocation.
func (p invocationsPane) Update(msg tea.KeyMsg) (invocationsPane, action) {
	k := p.keys
	if p.filtering {
		var q string
		q, p.filtering = typeFilter(&p.input, msg)
		p.setQuery(q)
		return p, nil
	}
	cur := p.indexOf(p.sel)
	switch {
	case key.Matches(msg, k.Up):
		p.moveTo(cur - 1)
	case key.Matches(msg, k.Down):
		p.moveTo(cur + 1)
	case key.Matches(msg, k.PageUp):
		p.moveTo(cur - p.rows())
	case key.Matches(msg, k.PageDown):
		p.moveTo(cur + p.rows())
	case key.Matches(msg, k.Top):
		p.moveTo(0)
	case key.Matches(msg, k.Bottom):
		p.moveTo(p.count() - 1)
	case key.Matches(msg, k.Filter):
		p.filtering = true
		p.input.Focus()
	case key.Matches(msg, k.Back) && p.query != "":
		p.input.SetValue("")
		p.setQuery("")
	case key.Matches(msg, k.Clear):
		p.hist.reset()
		p.matches, p.sel, p.top = nil, 0, 0
	case key.Matches(msg, k.Open):
		if v := p.selected(); v != nil {
			return p, openInvocationAction{seq: v.seq}
		}
	case key.Matches(msg, k.Replay):
		if v := p.selected(); v != nil && !v.evicted {
			return p, replayAction{fn: v.function, payload: v.request, tenant: v.tenant}
		}
	}
	return p, nil
}

// ShortHelp lists the keys that act on the list.
func (p invocationsPane) ShortHelp() []key.Binding {
	k := p.keys
	if p.filtering {
		return filterHelp()
	}
	return []key.Binding{k.Open, k.Filter, k.Replay, k.Clear, k.Up, k.Down}
}

// FullHelp groups the pane's keys.
func (p invocationsPane) FullHelp() [][]key.Binding {
	k := p.keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}, {k.Open, k.Filter, k.Replay, k.Clear}}
}

// View draws the header, the column titles and the visible rows only.
func (p invocationsPane) View(focused bool) string {
	n := p.count()
	title := "Invocations " + thousands(p.hist.len())
	if p.query != "" {
		title = fmt.Sprintf("Invocations %s of %s", thousands(n), thousands(p.hist.len()))
	}
	if p.filtering {
		title += " " + p.input.View()
	} else if p.query != "" {
		title += " · filter /" + p.query
	}
	lines := make([]string, 0, p.height)
	lines = append(lines, rule(p.st, title, p.width, focused))
	fw := p.fnWidth()
	head := fmt.Sprintf("  %-8s %-*s %-9s %7s %-4s %s", "TIME", fw, "FUNCTION", "STATUS", "DURATION", "", "REQUEST")
	lines = append(lines, p.st.ColumnHeader.Render(clip(head, p.width)))
	if n == 0 {
		msg := "  no invocations yet — press i on a function, or call its URL"
		if p.query != "" {
			msg = "  nothing matches /" + p.query
		}
		lines = append(lines, p.st.Faint.Render(clip(msg, p.width)))
	}
	cur := p.indexOf(p.sel)
	top := 0
	if p.top != 0 {
		top = p.indexOf(p.top)
	}
	if cur < top {
		top = cur
	}
	if cur >= top+p.rows() {
		top = cur - p.rows() + 1
	}
	for i := top; i < n && i < top+p.rows(); i++ {
		if v := p.hist.bySeq(p.seqAt(i)); v != nil {
			lines = append(lines, p.viewRow(v, fw, i == cur, focused && i == cur))
		}
	}
	for len(lines) < p.height {
		lines = append(lines, "")
	}
	return strings.Join(lines[:p.height], "\n")
}

func (p invocationsPane) fnWidth() int { return max(10, min(24, p.width-68)) }

func (p invocationsPane) viewRow(v *invocation, fw int, current, focused bool) string {
	cur := "  "
	if current {
		cur = "▸ "
	}
	dur, temp := "", "warm"
	if v.cold {
		temp = "cold"
	}
	if v.result != nil {
		dur = duration(v.result.Duration)
	}
	if v.rejected != "" {
		temp = ""
	}
	name := fit(v.function, fw)
	if focused {
		name = p.st.Selected.Render(name)
	}
	req := v.preview
	switch {
	case v.rejected != "":
		req = v.rejected
	case v.retry > 0:
		req = fmt.Sprintf("retry %d · %s", v.retry, req)
	}
	if v.result != nil && v.result.Streamed > 0 {
		req = "streamed " + byteSize(v.result.Streamed) + " · " + req
	}
	if v.tenant != "" {
		req = "tenant " + printable(v.tenant) + " · " + req
	}
	row := cur + v.started.Format("15:04:05") + " " + name + " " + p.status(v) + " " +
		fmt.Sprintf("%7s %-4s ", dur, temp) + p.st.Faint.Render(req)
	return clip(row, p.width)
}

func (p invocationsPane) status(v *invocation) string {
	s := v.status()
	text := fit(s, 9)
	switch s {
	case string(engine.OutcomeOK):
		return p.st.OK.Render(text)
	case "running":
		return p.st.Running.Render(text)
	case string(engine.OutcomeTimeout):
		return p.st.Timeout.Render(text)
	case string(engine.OutcomeCrash), string(engine.OutcomeInitError):
		return p.st.Crash.Render(text)
	}
	return p.st.Error.Render(text)
}
