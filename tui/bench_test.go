package tui

import (
	"fmt"
	"testing"
	"time"

	"github.com/lambdev/lambdev/engine"
)

// BenchmarkView10k draws the workbench with a full history (10,000
// invocations) at 120×40; only the visible rows are rendered.
func BenchmarkView10k(b *testing.B) {
	m, _ := newTestModel(b, 120, 40)
	m = press(fill(scene(m), historySize), "tab", "j", "j")
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkView10kFiltered is the same with a filter applied.
func BenchmarkView10kFiltered(b *testing.B) {
	m, _ := newTestModel(b, 120, 40)
	m = press(fill(scene(m), historySize), "tab", "/", "w", "e", "b", "enter")
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkEvents folds batches of 512 finished invocations into a full
// history (the steady state of a busy session).
func BenchmarkEvents(b *testing.B) {
	m, _ := newTestModel(b, 120, 40)
	m = fill(m, historySize)
	var batch []engine.Event
	for i := 0; i < maxBatch; i++ {
		batch = append(batch, finished(i, fmt.Sprintf("b-%d", i), "api", engine.OutcomeOK, `{}`, time.Millisecond, false))
	}
	b.ReportAllocs()
	for b.Loop() {
		m = send(m, eventsMsg{events: batch}) // same ids: the first run adds, later runs update
	}
}
