package tui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// typeFilter feeds a key to a pane's filter while it is typed: esc clears
// it, enter applies it, any other key edits it. It returns the query the
// pane applies and whether typing goes on.
func typeFilter(in *textinput.Model, msg tea.KeyMsg) (query string, typing bool) {
	switch msg.Type {
	case tea.KeyEsc:
		in.Blur()
		in.SetValue("")
		return "", false
	case tea.KeyEnter:
		in.Blur()
		return in.Value(), false
	}
	*in, _ = in.Update(msg)
	return in.Value(), true
}

// filterHelp is the help line while a filter is typed (a fresh slice: a
// pane's FullHelp appends to its ShortHelp).
func filterHelp() []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
	}
}
