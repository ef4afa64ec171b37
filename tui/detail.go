package tui

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine"
)

// detailView is a scrollable full-screen page: one invocation (request,
// response, its own logs, error and stack trace) or one function (plan and
// build output).
type detailView struct {
	st     Styles
	keys   KeyMap
	vp     viewport.Model
	seq    uint64 // the invocation shown; 0 for a function page
	fn     string // the function shown, when seq is 0
	title  string
	body   string
	width  int
	height int
}

func newDetailView(st Styles, keys KeyMap) detailView {
	vp := viewport.New(0, 0)
	vp.KeyMap.Up = keys.Up
	vp.KeyMap.Down = keys.Down
	vp.KeyMap.PageUp = keys.PageUp
	vp.KeyMap.PageDown = keys.PageDown
	return detailView{st: st, keys: keys, vp: vp}
}

// showInvocation fills the page with v; keep holds the scroll position
// when the same invocation is refreshed.
func (d *detailView) showInvocation(v *invocation, keep bool) {
	d.seq, d.fn = v.seq, ""
	d.title = fmt.Sprintf("Invocation %s · %s · %s", v.id, v.function, v.status())
	d.setBody(renderInvocation(d.st, v), keep)
}

// showFunction fills the page with a function's plan and build output;
// keep holds the scroll position when the same function is refreshed.
func (d *detailView) showFunction(r fnRow, keep bool) {
	d.seq, d.fn = 0, r.info.Name
	d.title = "Function " + r.info.Name
	d.setBody(renderFunction(d.st, r), keep)
}

func (d *detailView) setBody(body string, keep bool) {
	d.body = body
	off := d.vp.YOffset
	d.vp.SetContent(ansi.Hardwrap(strings.ReplaceAll(body, "\t", "    "), max(1, d.width), true))
	if keep {
		d.vp.SetYOffset(off)
	} else {
		d.vp.GotoTop()
	}
}

// SetSize sets the page's size, title line included.
func (d *detailView) SetSize(w, h int) {
	rewrap := w != d.width
	d.width, d.height = w, h
	d.vp.Width, d.vp.Height = w, max(1, h-1)
	if rewrap {
		d.setBody(d.body, true)
	}
}

// Update scrolls, or asks to close the page.
func (d detailView) Update(msg tea.KeyMsg) (detailView, action) {
	switch {
	case key.Matches(msg, d.keys.Back):
		return d, closeDetailAction{}
	case key.Matches(msg, d.keys.Top):
		d.vp.GotoTop()
	case key.Matches(msg, d.keys.Bottom):
		d.vp.GotoBottom()
	case key.Matches(msg, d.keys.Replay) && d.seq != 0:
		return d, replayDetailAction{seq: d.seq}
	default:
		d.vp, _ = d.vp.Update(msg)
	}
	return d, nil
}

// ShortHelp lists the page's keys.
func (d detailView) ShortHelp() []key.Binding {
	k := d.keys
	out := []key.Binding{k.Back}
	if d.seq != 0 {
		out = append(out, k.Replay)
	}
	return append(out, k.Up, k.Down, k.PageUp, k.PageDown)
}

// FullHelp groups the page's keys.
func (d detailView) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

// View draws the title line (with the scroll position) and the page.
func (d detailView) View() string {
	pos := fmt.Sprintf(" %3.f%%", d.vp.ScrollPercent()*100)
	title := rule(d.st, clip(d.title, max(1, d.width-12)), d.width-len(pos), true) + d.st.Faint.Render(pos)
	return title + "\n" + d.vp.View()
}

// renderInvocation is the text of an invocation's page.
func renderInvocation(st Styles, v *invocation) string {
	var b strings.Builder
	field := func(k, val string) { fmt.Fprintf(&b, "%s %s\n", st.Key.Render(fmt.Sprintf("%-10s", k)), val) }
	section := func(t string) { fmt.Fprintf(&b, "\n%s\n", st.Section.Render(t)) }
	field("request", v.id)
	field("function", v.function)
	field("source", string(v.source))
	if v.tenant != "" {
		field("tenant", printable(v.tenant))
	}
	field("started", v.started.Format("2006-01-02 15:04:05.000"))
	field("status", v.status())
	if v.rejected != "" {
		field("rejected", v.rejected)
	}
	if r := v.result; r != nil {
		temp := "warm"
		if r.Cold {
			temp = fmt.Sprintf("cold (init %s)", duration(r.InitDuration))
		}
		field("duration", duration(r.Duration)+" · "+temp)
		if r.MaxMemoryMB > 0 {
			field("memory", fmt.Sprintf("%d MB", r.MaxMemoryMB))
		}
	}
	section("Request")
	if v.evicted {
		b.WriteString("(bodies dropped: the workbench keeps at most 256 MiB of payloads and logs)\n")
	} else {
		b.WriteString(pretty(v.request) + "\n")
	}
	if r := v.result; r != nil {
		if r.Error != nil {
			section("Error")
			field("type", printable(r.Error.Type))
			field("message", printable(r.Error.Message))
			if t := printable(stackTrace(r.Error.Trace)); t != "" {
				section("Stack trace")
				b.WriteString(t + "\n")
			}
		} else if r.Streamed > int64(len(r.Payload)) {
			section(fmt.Sprintf("Response (streamed %d bytes; the first %d shown)", r.Streamed, len(r.Payload)))
			b.WriteString(pretty(r.Payload) + "\n")
		} else {
			section("Response")
			b.WriteString(pretty(r.Payload) + "\n")
		}
	}
	section("Logs")
	switch {
	case v.result != nil && len(v.result.Logs) > 0:
		b.WriteString(strings.TrimRight(pretty(v.result.Logs), "\n") + "\n")
	case len(v.logs) > 0:
		b.WriteString(printable(strings.Join(v.logs, "\n")) + "\n")
	default:
		b.WriteString(st.Faint.Render("(none)") + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// renderFunction is the text of a function's page.
func renderFunction(st Styles, r fnRow) string {
	var b strings.Builder
	field := func(k, val string) { fmt.Fprintf(&b, "%s %s\n", st.Key.Render(fmt.Sprintf("%-12s", k)), val) }
	mode := "DEPLOYED"
	if r.info.Live {
		mode = "LIVE"
	}
	field("mode", mode+" · "+r.plan.Reason)
	field("lambda name", r.plan.LambdaName)
	field("declared", side(r.plan.Declared))
	field("effective", side(r.plan.Effective))
	field("interpreter", strings.TrimSpace(r.info.Interpreter+" "+r.info.Version))
	field("state", string(r.info.State))
	field("generation", fmt.Sprint(r.info.Generation))
	s := r.info.Stats
	workers := "workers"
	if s.Workers == 1 {
		workers = "worker"
	}
	field("invocations", fmt.Sprintf("%d (%d errors) · last %s · %d %s, %d idle", s.Invocations, s.Errors, duration(s.LastDuration), s.Workers, workers, s.Idle))
	if r.url != "" {
		field("url", r.url)
	}
	if r.cfg != nil && r.cfg.Logging != nil {
		field("logging", describeLogging(r.cfg.Logging))
	}
	if r.cfg != nil && r.cfg.PerTenant() {
		field("tenancy", "PER_TENANT · a worker serves one tenant; t sets the tenant of invocations")
	}
	if r.info.Detail != "" {
		fmt.Fprintf(&b, "\n%s\n%s\n", st.Section.Render("Output"), printable(r.info.Detail))
	}
	return strings.TrimRight(b.String(), "\n")
}

// describeLogging says how a function logs and what its levels drop, so a
// line missing from an invocation's log is explained where it is looked for.
func describeLogging(l *config.LoggingConfig) string {
	parts := []string{l.Format}
	if l.JSON() {
		app, sys := cmp.Or(l.ApplicationLevel, "INFO"), cmp.Or(l.SystemLevel, "INFO")
		parts = append(parts, "application "+app+" · system "+sys+" (records below them are dropped, as in Lambda)")
	}
	if l.LogGroup != "" {
		parts = append(parts, "log group "+l.LogGroup)
	}
	return strings.Join(parts, " · ")
}

func side(s engine.Side) string {
	out := s.Runtime
	if s.OSName != "" {
		out += " · " + s.OSName
	}
	if s.Glibc != "" {
		out += " · glibc " + s.Glibc
	}
	if s.Arch != "" {
		out += " · " + s.Arch
	}
	return out
}
