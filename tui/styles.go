package tui

import "github.com/charmbracelet/lipgloss"

// Styles holds every style the workbench draws with. It is built once by
// NewStyles and passed down to the panes; no other file calls
// lipgloss.NewStyle. Under NO_COLOR (the Ascii profile) colours and
// attributes vanish, so nothing relies on them alone: the cursor is "▸",
// the focused pane's rule is "━" and badges carry their text.
type Styles struct {
	Header, HeaderFocused lipgloss.Style
	Rule, RuleFocused     lipgloss.Style
	ColumnHeader          lipgloss.Style
	Selected              lipgloss.Style
	Faint                 lipgloss.Style

	Live, Deployed lipgloss.Style // mode badges
	Bridge         lipgloss.Style

	StateOK, StateBusy, StateBad, StateIdle lipgloss.Style

	OK, Error, Timeout, Crash, Running lipgloss.Style

	Info, Warning, Severe lipgloss.Style // drift severities
	Badge                 lipgloss.Style

	Section lipgloss.Style // detail view section titles
	Key     lipgloss.Style // detail view field names

	StatusBar, StatusApp lipgloss.Style
	Flash, FlashError    lipgloss.Style
}

// NewStyles builds the workbench's styles from one palette.
func NewStyles() Styles {
	var (
		accent = lipgloss.AdaptiveColor{Light: "#5A3FC0", Dark: "#9D8CFF"}
		green  = lipgloss.AdaptiveColor{Light: "#1A7F37", Dark: "#3FB950"}
		yellow = lipgloss.AdaptiveColor{Light: "#9A6700", Dark: "#D29922"}
		red    = lipgloss.AdaptiveColor{Light: "#CF222E", Dark: "#F85149"}
		blue   = lipgloss.AdaptiveColor{Light: "#0969DA", Dark: "#58A6FF"}
		grey   = lipgloss.AdaptiveColor{Light: "#6E7781", Dark: "#8B949E"}
		barBg  = lipgloss.AdaptiveColor{Light: "#EAEEF2", Dark: "#21262D"}
		fg     = lipgloss.AdaptiveColor{Light: "#1F2328", Dark: "#E6EDF3"}
	)
	n := lipgloss.NewStyle
	return Styles{
		Header:        n().Bold(true),
		HeaderFocused: n().Bold(true).Foreground(accent),
		Rule:          n().Foreground(grey),
		RuleFocused:   n().Foreground(accent),
		ColumnHeader:  n().Foreground(grey).Bold(true),
		Selected:      n().Bold(true).Foreground(fg).Background(barBg),
		Faint:         n().Foreground(grey),

		Live:     n().Bold(true).Foreground(green),
		Deployed: n().Bold(true).Foreground(blue),
		Bridge:   n().Foreground(yellow),

		StateOK:   n().Foreground(green),
		StateBusy: n().Foreground(yellow),
		StateBad:  n().Foreground(red).Bold(true),
		StateIdle: n().Foreground(grey),

		OK:      n().Foreground(green),
		Error:   n().Foreground(red),
		Timeout: n().Foreground(yellow),
		Crash:   n().Foreground(red).Bold(true),
		Running: n().Foreground(blue),

		Info:    n().Foreground(blue),
		Warning: n().Foreground(yellow).Bold(true),
		Severe:  n().Foreground(red).Bold(true),
		Badge:   n().Bold(true).Foreground(yellow),

		Section: n().Bold(true).Foreground(accent),
		Key:     n().Foreground(grey),

		StatusBar:  n().Foreground(fg).Background(barBg),
		StatusApp:  n().Bold(true).Foreground(accent).Background(barBg),
		Flash:      n().Foreground(green),
		FlashError: n().Foreground(red).Bold(true),
	}
}
