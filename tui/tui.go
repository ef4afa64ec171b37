// Package tui is the workbench `lambdev dev` opens: a Bubble Tea program
// with a functions pane, a live invocations stream with a detail page, a
// drift pane and a status bar. It consumes the engine's event stream and
// calls the engine only from tea.Cmds, so it never blocks an invocation.
package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine"
)

// Engine is what the workbench needs; *engine.Engine satisfies it.
type Engine interface {
	Project() *config.Project
	Functions() []engine.FunctionInfo
	Live() map[string]bool
	Subscribe(buffer int) *engine.Subscription
	Invoke(ctx context.Context, req engine.Request) (engine.Result, error)
	SetLive(name string, live bool) error
	Reload(name string) error
	ReloadAll()
}

// Options configure the workbench.
type Options struct {
	// Gateway is the local gateway's address, e.g. http://127.0.0.1:3100.
	Gateway string
	// URLs maps a function to its local function URL.
	URLs map[string]string
	// Mode is "local" or "aws".
	Mode string
	// Watcher pauses (false) or resumes (true) hot reload; nil disables the key.
	Watcher func(on bool) error
	// Relay reports the relay connection state for the status bar; nil shows
	// "off". It is called while drawing, so it must be cheap and goroutine-safe.
	Relay func() string
	// LogFile receives the workbench's own log lines; nil discards them.
	// Nothing is ever written to the screen but the UI.
	LogFile io.Writer
	// Now is the clock (frozen in tests); nil means time.Now.
	Now func() time.Time
	// KeyMap rebinds keys; nil means DefaultKeyMap().
	KeyMap *KeyMap
}

var _ Engine = (*engine.Engine)(nil)

// subscriptionBuffer is the engine-side buffer of the workbench's stream.
const subscriptionBuffer = 8192

// Run opens the workbench in the alternate screen and returns nil when the
// user quits (q, Ctrl-C), on SIGINT, or when ctx ends. NO_COLOR turns
// colours off. It subscribes to eng first thing and then reads Functions()
// (and Drift(name), when eng has it), so the engine may be started just
// before Run without losing state.
func Run(ctx context.Context, eng Engine, opts Options) error {
	if os.Getenv("NO_COLOR") != "" {
		lipgloss.SetColorProfile(termenv.Ascii)
	}
	return run(ctx, eng, opts, tea.WithAltScreen())
}

// run is Run without the terminal choices, so tests can give their own.
func run(ctx context.Context, eng Engine, opts Options, popts ...tea.ProgramOption) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sub := subscription{eng.Subscribe(subscriptionBuffer)}
	defer sub.close()
	m := newModel(ctx, eng, opts, sub)
	_, err := tea.NewProgram(m, append(popts, tea.WithContext(ctx))...).Run()
	switch {
	case errors.Is(err, tea.ErrProgramPanic):
		return fmt.Errorf("workbench: %w", err)
	case errors.Is(err, tea.ErrInterrupted), errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil:
		return nil // SIGINT or ctx ended: a clean stop, like q
	case err != nil:
		return fmt.Errorf("workbench: %w", err)
	}
	return nil
}

// New returns the workbench model subscribed to eng, for tests and for
// callers that run their own tea.Program.
func New(eng Engine, opts Options) Model {
	return newModel(context.Background(), eng, opts, subscription{eng.Subscribe(subscriptionBuffer)})
}
