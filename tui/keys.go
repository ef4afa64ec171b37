package tui

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every key the workbench reacts to. It is injected through
// Options.KeyMap (nil means DefaultKeyMap) and implements help.KeyMap for
// the full `?` help; each pane picks the bindings that apply to it.
type KeyMap struct {
	Up, Down           key.Binding
	PageUp, PageDown   key.Binding
	Top, Bottom        key.Binding
	NextPane, PrevPane key.Binding
	Open, Back         key.Binding
	Filter             key.Binding
	ToggleLive         key.Binding
	Reload, ReloadAll  key.Binding
	Invoke, Edit       key.Binding
	Tenant             key.Binding
	Replay, Clear      key.Binding
	Watch              key.Binding
	Help, Quit         key.Binding
}

// DefaultKeyMap returns the keys of issue #5: arrows and j/k move, tab
// switches panes, d/r/R/i/e act on the selected function, p/c/ / on the
// invocations, w pauses watching, ? shows all keys, q quits.
func DefaultKeyMap() KeyMap {
	b := func(help string, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Up:         b("↑/k", "up", "up", "k"),
		Down:       b("↓/j", "down", "down", "j"),
		PageUp:     b("pgup", "page up", "pgup", "ctrl+u"),
		PageDown:   b("pgdn", "page down", "pgdown", "ctrl+d"),
		Top:        b("g", "newest", "g", "home"),
		Bottom:     b("G", "oldest", "G", "end"),
		NextPane:   b("tab", "pane", "tab"),
		PrevPane:   b("shift+tab", "prev pane", "shift+tab"),
		Open:       b("enter", "details", "enter"),
		Back:       b("esc", "back", "esc"),
		Filter:     b("/", "filter", "/"),
		ToggleLive: b("d", "toggle live", "d"),
		Reload:     b("r", "reload", "r"),
		ReloadAll:  b("R", "reload all", "R"),
		Invoke:     b("i", "invoke", "i"),
		Edit:       b("e", "edit+invoke", "e"),
		Tenant:     b("t", "tenant", "t"),
		Replay:     b("p", "replay", "p"),
		Clear:      b("c", "clear", "c"),
		Watch:      b("w", "pause/resume watch", "w"),
		Help:       b("?", "more", "?"),
		Quit:       b("q", "quit", "q", "ctrl+c"),
	}
}

// ShortHelp is the global keys shown in the status bar when no pane adds its own.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.NextPane, k.Help, k.Quit}
}

// FullHelp is every key, grouped by what it acts on.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.NextPane, k.PrevPane, k.Open, k.Back, k.Filter},
		{k.ToggleLive, k.Reload, k.ReloadAll, k.Invoke, k.Edit, k.Tenant},
		{k.Replay, k.Clear, k.Watch, k.Help, k.Quit},
	}
}

// focusKeys is the help.KeyMap of one focus: the pane's keys, then the globals.
type focusKeys struct {
	short  []key.Binding
	all    KeyMap
	noTabs bool // the detail page has no panes to switch
}

func (f focusKeys) ShortHelp() []key.Binding {
	return append(append([]key.Binding(nil), f.short...), f.tail()...)
}

// tail is the keys every short help ends with, whatever fits before them.
func (f focusKeys) tail() []key.Binding {
	if f.noTabs {
		return []key.Binding{f.all.Help, f.all.Quit}
	}
	return []key.Binding{f.all.NextPane, f.all.Help, f.all.Quit}
}

func (f focusKeys) FullHelp() [][]key.Binding { return f.all.FullHelp() }
