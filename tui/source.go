package tui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lambdev/lambdev/engine"
)

// source is where engine events come from: an engine.Subscription in Run,
// a plain channel in tests.
type source interface {
	events() <-chan engine.Event
	dropped() int64
}

// subscription adapts *engine.Subscription.
type subscription struct{ s *engine.Subscription }

func (s subscription) events() <-chan engine.Event { return s.s.C }

// dropped counts events the engine dropped for us. A Subscription built
// outside the engine (a test double's) has no counter and reports 0.
func (s subscription) dropped() (n int64) {
	outsider(func() { n = s.s.Dropped() })
	return n
}

// close ends the subscription; a test double's has nothing to end.
func (s subscription) close() { outsider(s.s.Close) }

// outsider runs f, a method of engine.Subscription that panics on a value
// built outside the engine (its internals are unexported and nil).
func outsider(f func()) {
	defer func() { _ = recover() }()
	f()
}

// maxBatch bounds the events folded into one message.
const maxBatch = 512

// eventsMsg carries a batch of engine events.
type eventsMsg struct {
	events  []engine.Event
	dropped int64
	closed  bool
}

// waitEvents blocks for one event, then drains what else is ready (up to
// maxBatch) into one message. The model re-arms it after every eventsMsg.
func waitEvents(src source) tea.Cmd {
	if src == nil {
		return nil
	}
	return func() tea.Msg {
		ch := src.events()
		ev, ok := <-ch
		if !ok {
			return eventsMsg{closed: true, dropped: src.dropped()}
		}
		batch := []engine.Event{ev}
		for len(batch) < maxBatch {
			select {
			case ev, ok := <-ch:
				if !ok {
					return eventsMsg{events: batch, closed: true, dropped: src.dropped()}
				}
				batch = append(batch, ev)
			default:
				return eventsMsg{events: batch, dropped: src.dropped()}
			}
		}
		return eventsMsg{events: batch, dropped: src.dropped()}
	}
}
