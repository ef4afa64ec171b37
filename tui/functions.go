package tui

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine"
)

// fnRow is one function as the pane shows it: the engine's snapshot and
// its plan row (declared → effective runtime).
type fnRow struct {
	info engine.FunctionInfo
	plan engine.Row
	url  string
	cfg  *config.Function
}

// functionsPane lists every function with its badge, runtime swap, local
// interpreter, state, counters and URL; two lines per function.
type functionsPane struct {
	st     Styles
	keys   KeyMap
	proj   *config.Project
	urls   map[string]string
	rows   []fnRow
	index  map[string]int
	cursor int
	offset int
	width  int
	height int
	// tenantFor is the tenant-isolated function whose tenant is being
	// typed into tenant, "" when none is.
	tenantFor string
	tenant    textinput.Model
	// filtering is true while the filter is typed into filter; query is the
	// filter applied (lower case), and shown the rows it keeps, in order
	// (nil: all). The cursor and offset count shown rows.
	filtering bool
	filter    textinput.Model
	query     string
	shown     []int
}

const fnLines = 2 // lines per function

func newFunctionsPane(st Styles, keys KeyMap, proj *config.Project, urls map[string]string) functionsPane {
	in := textinput.New()
	in.Prompt = "tenant: "
	in.Placeholder = "tenant id"
	in.CharLimit = 256
	in.Cursor.SetMode(cursor.CursorStatic)
	f := textinput.New()
	f.Prompt = "/"
	f.CharLimit = 128
	f.Cursor.SetMode(cursor.CursorStatic)
	p := functionsPane{st: st, keys: keys, proj: proj, urls: urls, index: map[string]int{}, tenant: in, filter: f}
	for i, f := range proj.Functions {
		p.rows = append(p.rows, fnRow{info: engine.FunctionInfo{Name: f.Name, Live: f.Dev, State: engine.StateStarting}, url: urls[f.Name], cfg: f})
		p.index[f.Name] = i
	}
	p.replan()
	return p
}

// setProject rebuilds the rows after a project file edit: functions keep
// what is known about them, added ones start empty, removed ones go.
func (p *functionsPane) setProject(proj *config.Project) {
	old := map[string]fnRow{}
	for _, r := range p.rows {
		old[r.info.Name] = r
	}
	p.proj, p.rows, p.index = proj, nil, map[string]int{}
	for i, f := range proj.Functions {
		r, ok := old[f.Name]
		if !ok {
			r = fnRow{info: engine.FunctionInfo{Name: f.Name, Live: f.Dev, State: engine.StateStarting}, url: p.urls[f.Name]}
		}
		r.cfg = f
		p.rows = append(p.rows, r)
		p.index[f.Name] = i
	}
	p.replan()
	p.setQuery(p.query)
}

// setQuery keeps the functions whose name or declared runtime holds q
// (case-insensitive), and keeps the cursor on a shown one. Neither changes
// while the project file does not, so the rows shown stay put.
func (p *functionsPane) setQuery(q string) {
	p.query, p.shown = strings.ToLower(q), nil
	if p.query != "" {
		p.shown = []int{}
		for i, r := range p.rows {
			hay := strings.ToLower(r.info.Name + " " + r.plan.Declared.Runtime)
			if strings.Contains(hay, p.query) {
				p.shown = append(p.shown, i)
			}
		}
	}
	p.cursor = max(0, min(p.cursor, p.count()-1))
	p.scroll()
}

// count is how many functions are shown.
func (p functionsPane) count() int {
	if p.shown == nil {
		return len(p.rows)
	}
	return len(p.shown)
}

// row is the index in rows of the i-th shown function.
func (p functionsPane) row(i int) int {
	if p.shown == nil {
		return i
	}
	return p.shown[i]
}

// setSnapshot replaces every row's info with the engine's snapshot.
func (p *functionsPane) setSnapshot(infos []engine.FunctionInfo) {
	for _, in := range infos {
		if i, ok := p.index[in.Name]; ok {
			p.rows[i].info = in
		}
	}
	p.replan()
}

// replan recomputes every plan row from the current live flags.
func (p *functionsPane) replan() {
	live := make(map[string]bool, len(p.rows))
	for _, r := range p.rows {
		live[r.info.Name] = r.info.Live
	}
	for i, r := range engine.Plan(p.proj, engine.ModeDev, live) {
		p.rows[i].plan = r
	}
}

// apply folds one engine event into the rows.
func (p *functionsPane) apply(ev engine.Event) {
	row := func(name string) *fnRow {
		if i, ok := p.index[name]; ok {
			return &p.rows[i]
		}
		return nil
	}
	switch e := ev.(type) {
	case engine.FunctionStateChanged:
		if r := row(e.Function); r != nil {
			r.info.State, r.info.Detail = e.State, e.Detail
		}
	case engine.FunctionPrepared:
		if r := row(e.Function); r != nil {
			r.info.Interpreter, r.info.Version, r.info.Matched = e.Interpreter, e.Version, e.Matched
		}
	case engine.WorkerStarted:
		if r := row(e.Function); r != nil && e.Generation > r.info.Generation {
			r.info.Generation = e.Generation
		}
	case engine.InvocationFinished:
		if r := row(e.Result.Function); r != nil {
			r.info.Stats.Invocations++
			r.info.Stats.LastDuration = e.Result.Duration
			if e.Result.Outcome != engine.OutcomeOK {
				r.info.Stats.Errors++
			}
		}
	case engine.LiveChanged:
		if r := row(e.Function); r != nil && r.info.Live != e.Live {
			r.info.Live = e.Live
			p.replan()
		}
	}
}

// selected is the function under the cursor, "" when there is none.
func (p functionsPane) selected() (fnRow, bool) {
	if p.cursor < 0 || p.cursor >= p.count() {
		return fnRow{}, false
	}
	return p.rows[p.row(p.cursor)], true
}

// SetSize sets the lines and columns the pane may draw, header included.
func (p *functionsPane) SetSize(w, h int) { p.width, p.height = w, h; p.scroll() }

func (p *functionsPane) scroll() {
	vis := max(1, (p.height-1)/fnLines)
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+vis {
		p.offset = p.cursor - vis + 1
	}
}

// Update moves the cursor or returns the action a key asks for.
func (p functionsPane) Update(msg tea.KeyMsg) (functionsPane, action) {
	k := p.keys
	if p.tenantFor != "" {
		switch msg.Type {
		case tea.KeyEsc:
			p.tenantFor = ""
			p.tenant.Blur()
		case tea.KeyEnter:
			a := setTenantAction{fn: p.tenantFor, tenant: p.tenant.Value()}
			p.tenantFor = ""
			p.tenant.Blur()
			return p, a
		default:
			p.tenant, _ = p.tenant.Update(msg)
		}
		return p, nil
	}
	if p.filtering {
		var q string
		q, p.filtering = typeFilter(&p.filter, msg)
		p.setQuery(q)
		return p, nil
	}
	switch {
	case key.Matches(msg, k.Up):
		p.cursor = max(0, p.cursor-1)
	case key.Matches(msg, k.Down):
		p.cursor = max(0, min(p.count()-1, p.cursor+1))
	case key.Matches(msg, k.Top):
		p.cursor = 0
	case key.Matches(msg, k.Bottom):
		p.cursor = max(0, p.count()-1)
	case key.Matches(msg, k.Filter):
		p.filtering = true
		p.filter.Focus()
	case key.Matches(msg, k.Back) && p.query != "":
		p.filter.SetValue("")
		p.setQuery("")
	default:
		r, ok := p.selected()
		if !ok {
			return p, nil
		}
		switch {
		case key.Matches(msg, k.ToggleLive):
			return p, setLiveAction{fn: r.info.Name, live: !r.info.Live}
		case key.Matches(msg, k.Reload):
			return p, reloadAction{fn: r.info.Name}
		case key.Matches(msg, k.Invoke):
			return p, invokeAction{fn: r.info.Name}
		case key.Matches(msg, k.Edit):
			return p, editAction{fn: r.info.Name}
		case key.Matches(msg, k.Tenant):
			return p, tenantPromptAction{fn: r.info.Name}
		case key.Matches(msg, k.Open):
			return p, openFunctionAction{fn: r.info.Name}
		}
	}
	p.scroll()
	return p, nil
}

// askTenant starts typing the tenant fn is invoked as from here.
func (p *functionsPane) askTenant(fn, current string) {
	p.tenantFor = fn
	p.tenant.SetValue(current)
	p.tenant.CursorEnd()
	p.tenant.Focus()
}

// ShortHelp lists the keys that act on the selected function.
func (p functionsPane) ShortHelp() []key.Binding {
	k := p.keys
	if p.tenantFor != "" {
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "set tenant")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		}
	}
	if p.filtering {
		return filterHelp()
	}
	return []key.Binding{k.ToggleLive, k.Invoke, k.Edit, k.Reload, k.Open, k.ReloadAll, k.Watch, k.Up, k.Down}
}

// FullHelp groups the pane's keys.
func (p functionsPane) FullHelp() [][]key.Binding {
	return [][]key.Binding{append(p.ShortHelp(), p.keys.Tenant, p.keys.Filter)}
}

// View draws the header and the visible functions.
func (p functionsPane) View(focused bool) string {
	vis := max(1, (p.height-1)/fnLines)
	n := p.count()
	title := fmt.Sprintf("Functions %d", len(p.rows))
	if p.query != "" {
		title = fmt.Sprintf("Functions %d of %d", n, len(p.rows))
	}
	if vis < n {
		title += fmt.Sprintf(" · showing %d–%d", p.offset+1, min(n, p.offset+vis))
	}
	switch {
	case p.filtering:
		title += " " + p.filter.View()
	case p.query != "":
		title += " · filter /" + p.query
	}
	if p.tenantFor != "" {
		title += " · " + p.tenantFor + " " + p.tenant.View()
	}
	lines := []string{rule(p.st, title, p.width, focused)}
	for i := p.offset; i < n && i < p.offset+vis; i++ {
		lines = append(lines, p.viewRow(p.rows[p.row(i)], focused && i == p.cursor, i == p.cursor)...)
	}
	if n == 0 {
		lines = append(lines, p.st.Faint.Render(clip("  no function matches /"+p.query+" — esc clears the filter", p.width)))
	}
	for len(lines) < p.height {
		lines = append(lines, "")
	}
	return strings.Join(lines[:p.height], "\n")
}

func (p functionsPane) viewRow(r fnRow, focused, current bool) []string {
	st, w := p.st, p.width
	cur := "  "
	if current {
		cur = "▸ "
	}
	badge := st.Deployed.Render(fit("DEPLOYED", 9))
	if r.info.Live {
		badge = st.Live.Render(fit("LIVE", 9))
	}
	nameW := max(10, min(24, w-67))
	name := fit(r.info.Name, nameW)
	if focused {
		name = st.Selected.Render(name)
	}
	interp := "—"
	if r.info.Interpreter != "" {
		interp = strings.TrimSpace(filepath.Base(r.info.Interpreter) + " " + r.info.Version)
		if !r.info.Matched {
			interp += " ≠"
		}
	}
	s := r.info.Stats
	counts := fmt.Sprintf("%6s inv %7s", thousands(s.Invocations), duration(s.LastDuration))
	first := cur + badge + name + " " + p.state(r.info.State) + " " + fit(interp, 17) + " " + counts

	runtime := r.plan.Declared.Runtime
	if r.plan.Swapped {
		runtime += " → " + r.plan.Effective.Runtime
	}
	if r.plan.Bridge {
		runtime += " · bridge"
	} else {
		runtime += " · as declared"
	}
	second := "    " + st.Bridge.Render(runtime)
	switch {
	case r.info.Detail != "" && (r.info.State == engine.StateBuildFailed || r.info.State == engine.StateInitFailed):
		second += "  " + st.StateBad.Render(printable(firstLine(r.info.Detail)))
	case r.url != "":
		second += "  " + st.Faint.Render(r.url)
	}
	return []string{clip(first, w), clip(second, w)}
}

func (p functionsPane) state(s engine.FunctionState) string {
	text := fit(string(s), 12)
	switch s {
	case engine.StateReady:
		return p.st.StateOK.Render(text)
	case engine.StateStarting, engine.StateReloading:
		return p.st.StateBusy.Render(text)
	case engine.StateIdle, "":
		return p.st.StateIdle.Render(text)
	}
	return p.st.StateBad.Render(text)
}
