package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"
)

// View draws the panes (or the detail page) over the status bar and help.
func (m Model) View() string {
	var body string
	if m.detailOpen {
		body = m.detail.View()
	} else {
		body = strings.Join([]string{
			m.fns.View(m.focus == focusFunctions),
			m.inv.View(m.focus == focusInvocations),
			m.drift.View(m.focus == focusDrift, m.focus == focusDrift),
		}, "\n")
	}
	return body + "\n" + m.statusLine() + "\n" + m.helpView()
}

// statusLine is app, stage, mode, gateway, watcher, relay and dropped events.
func (m Model) statusLine() string {
	p := m.eng.Project()
	watch := "watch n/a"
	if m.opts.Watcher != nil {
		watch = "watch on"
		if !m.watching {
			watch = "watch paused"
		}
	}
	relay := "relay off"
	if m.opts.Relay != nil {
		relay = "relay " + m.opts.Relay()
	}
	var parts []string // alerts first, so a narrow screen never hides them
	if m.dropped > 0 {
		parts = append(parts, fmt.Sprintf("%s events dropped", thousands(int(m.dropped))))
	}
	if m.closed {
		parts = append(parts, "engine stopped")
	}
	parts = append(parts, m.opts.Mode)
	if m.opts.Gateway != "" {
		parts = append(parts, strings.TrimPrefix(m.opts.Gateway, "http://"))
	}
	parts = append(parts, watch, relay)
	app := fmt.Sprintf(" %s/%s ", p.App, p.Stage)
	rest := clip(" "+strings.Join(parts, " · "), max(0, m.width-ansi.StringWidth(app)))
	pad := max(0, m.width-ansi.StringWidth(app)-ansi.StringWidth(rest))
	return m.st.StatusApp.Render(app) + m.st.StatusBar.Render(rest+strings.Repeat(" ", pad))
}

// helpView is the focused pane's keys (all keys after ?), or a notice.
func (m Model) helpView() string {
	if m.flash != "" {
		st := m.st.Flash
		if m.flashErr {
			st = m.st.FlashError
		}
		return st.Render(clip(m.flash, m.width))
	}
	fk := focusKeys{all: m.keys}
	switch {
	case m.detailOpen:
		fk.short, fk.noTabs = m.detail.ShortHelp(), true
	case m.focus == focusInvocations && m.inv.filtering:
		return m.shortHelp(m.inv.ShortHelp())
	case m.focus == focusFunctions && m.fns.filtering:
		return m.shortHelp(m.fns.ShortHelp())
	case m.focus == focusFunctions:
		fk.short = m.fns.ShortHelp()
	case m.focus == focusInvocations:
		fk.short = m.inv.ShortHelp()
	case m.focus == focusDrift:
		fk.short = m.drift.ShortHelp()
	}
	if m.help.ShowAll {
		lines := strings.Split(m.help.FullHelpView(fk.FullHelp()), "\n")
		for i, l := range lines {
			lines[i] = clip(l, m.width)
		}
		return strings.Join(lines, "\n")
	}
	return m.shortHelp(dedupe(fk.short), fk.tail()...)
}

// shortHelp renders as many of bs as fit the width before tail, which is
// always shown. Widths are measured on the plain text, so the help bubble
// renders once.
func (m Model) shortHelp(bs []key.Binding, tail ...key.Binding) string {
	const sep = 3 // " • "
	item := func(b key.Binding) int {
		if !b.Enabled() {
			return 0
		}
		return ansi.StringWidth(b.Help().Key) + 1 + ansi.StringWidth(b.Help().Desc) + sep
	}
	used := 0
	for _, b := range tail {
		used += item(b)
	}
	keep := make([]key.Binding, 0, len(bs)+len(tail))
	for _, b := range bs {
		w := item(b)
		if used+w-sep > m.width {
			break
		}
		used += w
		keep = append(keep, b)
	}
	h := m.help
	h.Width = 0 // the fitting is done above
	return clip(h.ShortHelpView(append(keep, tail...)), m.width)
}

// dedupe drops bindings whose help text repeats an earlier one.
func dedupe(bs []key.Binding) []key.Binding {
	seen := map[string]bool{}
	out := bs[:0:0]
	for _, b := range bs {
		h := b.Help().Key
		if seen[h] {
			continue
		}
		seen[h] = true
		out = append(out, b)
	}
	return out
}
