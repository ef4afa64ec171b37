package tui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lambdev/lambdev/engine"
	"github.com/lambdev/lambdev/engine/drift"
)

// driftPane lists the drift warnings of every function: rule, severity,
// function, both sides of the difference and the fix hint. Collapsed (when
// not focused) it is one line with a count badge.
type driftPane struct {
	st     Styles
	keys   KeyMap
	order  []string                   // function order of the project
	by     map[string][]drift.Warning // current list per function
	list   []drift.Warning            // flattened, silenced ones last
	cursor int
	offset int
	width  int
	height int
}

const driftLines = 3 // lines per warning

func newDriftPane(st Styles, keys KeyMap, order []string) driftPane {
	return driftPane{st: st, keys: keys, order: order, by: map[string][]drift.Warning{}}
}

// apply takes a DriftDetected event: its list replaces the function's.
func (p *driftPane) apply(ev engine.Event) {
	if e, ok := ev.(engine.DriftDetected); ok {
		p.set(e.Function, e.Warnings)
	}
}

// set replaces one function's warnings and rebuilds the flat list.
func (p *driftPane) set(fn string, ws []drift.Warning) {
	p.by[fn] = ws
	var active, silenced []drift.Warning
	seen := map[string]bool{}
	names := append(append([]string(nil), p.order...), sortedKeys(p.by)...)
	for _, name := range names {
		if seen[name] {
			continue
		}
		seen[name] = true
		for _, w := range p.by[name] {
			if w.Silenced {
				silenced = append(silenced, w)
			} else {
				active = append(active, w)
			}
		}
	}
	p.list = append(active, silenced...)
	p.cursor = min(p.cursor, max(0, len(p.list)-1))
}

// counts returns the active warnings by severity.
func (p driftPane) counts() (total, errs, warns int) {
	for _, w := range p.list {
		if w.Silenced {
			continue
		}
		total++
		switch w.Severity {
		case drift.SeverityError:
			errs++
		case drift.SeverityWarning:
			warns++
		}
	}
	return
}

// wantHeight is the height the pane asks for: one line collapsed, else
// enough for every warning up to limit.
func (p driftPane) wantHeight(expanded bool, limit int) int {
	if !expanded {
		return 1
	}
	return max(2, min(limit, 1+max(1, len(p.list))*driftLines))
}

// SetSize sets the lines and columns the pane may draw, header included.
func (p *driftPane) SetSize(w, h int) {
	p.width, p.height = w, h
	vis := max(1, (h-1)/driftLines)
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+vis {
		p.offset = p.cursor - vis + 1
	}
}

// Update scrolls through the warnings.
func (p driftPane) Update(msg tea.KeyMsg) (driftPane, action) {
	switch {
	case key.Matches(msg, p.keys.Up):
		p.cursor = max(0, p.cursor-1)
	case key.Matches(msg, p.keys.Down):
		p.cursor = max(0, min(len(p.list)-1, p.cursor+1))
	}
	p.SetSize(p.width, p.height)
	return p, nil
}

// ShortHelp lists the pane's keys.
func (p driftPane) ShortHelp() []key.Binding { return []key.Binding{p.keys.Up, p.keys.Down} }

// FullHelp groups the pane's keys.
func (p driftPane) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

// View draws the header with its badge and, when expanded, the warnings.
func (p driftPane) View(focused, expanded bool) string {
	total, errs, warns := p.counts()
	title := "Drift"
	switch {
	case total == 0 && len(p.list) == 0:
		title += " · none"
	default:
		badge := fmt.Sprintf("[%d]", total)
		if errs > 0 {
			badge = p.st.Severe.Render(fmt.Sprintf("[%d · %d error]", total, errs))
		} else if warns > 0 {
			badge = p.st.Badge.Render(badge)
		}
		title += " " + badge
		if !expanded {
			title += p.st.Faint.Render(" tab to view")
		}
	}
	lines := []string{rule(p.st, title, p.width, focused)}
	if expanded {
		if len(p.list) == 0 {
			lines = append(lines, p.st.Faint.Render(clip("  no differences between dev and production found", p.width)))
		}
		vis := max(1, (p.height-1)/driftLines)
		for i := p.offset; i < len(p.list) && i < p.offset+vis; i++ {
			lines = append(lines, p.viewWarning(p.list[i], i == p.cursor && focused)...)
		}
	}
	for len(lines) < p.height {
		lines = append(lines, "")
	}
	return strings.Join(lines[:max(1, p.height)], "\n")
}

func (p driftPane) viewWarning(w drift.Warning, current bool) []string {
	cur := "  "
	if current {
		cur = "▸ "
	}
	sev := fit(w.Severity.String(), 7)
	switch w.Severity {
	case drift.SeverityError:
		sev = p.st.Severe.Render(sev)
	case drift.SeverityWarning:
		sev = p.st.Warning.Render(sev)
	default:
		sev = p.st.Info.Render(sev)
	}
	where := w.Function
	if w.File != "" {
		where += " " + w.File
	}
	if w.Silenced {
		where += " (silenced)"
	}
	first := cur + sev + " " + w.Rule + "  " + where
	second := "          " + p.st.Faint.Render("dev: ") + w.Dev + p.st.Faint.Render("  ≠  prod: ") + w.Prod
	third := "          " + p.st.Faint.Render("fix: ") + w.Hint
	return []string{clip(first, p.width), clip(second, p.width), clip(third, p.width)}
}

func sortedKeys(m map[string][]drift.Warning) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
