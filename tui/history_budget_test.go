package tui

import (
	"bytes"
	"testing"

	"github.com/lambdev/lambdev/engine"
)

// Past its byte budget the history drops the oldest invocations' bodies
// (rows and their status stay).
func TestHistoryByteBudget(t *testing.T) {
	p := invocationsPane{hist: newHistory(100)}
	p.hist.budget = 250
	body := bytes.Repeat([]byte("x"), 100)
	for i, id := range []string{"a", "b", "c"} {
		p.add(&invocation{id: id, function: "api", request: body, running: true})
		p.finish(engine.Request{Payload: body}, engine.Result{RequestID: id, Function: "api", Outcome: engine.OutcomeOK, Payload: []byte(`"ok"`)})
		if i == 0 && p.hist.lookup("a").evicted {
			t.Fatal("evicted while under budget")
		}
	}
	a, c := p.hist.lookup("a"), p.hist.lookup("c")
	if !a.evicted || a.request != nil || a.result.Payload != nil || a.status() != "ok" {
		t.Errorf("oldest not evicted: %+v", a)
	}
	if c.evicted || len(c.request) != 100 {
		t.Errorf("newest lost its body: %+v", c)
	}
	if p.hist.bytes > p.hist.budget {
		t.Errorf("history holds %d bytes, budget %d", p.hist.bytes, p.hist.budget)
	}
	if a.preview == "" || p.hist.len() != 3 {
		t.Errorf("evicted row lost its preview or was removed: %q, %d rows", a.preview, p.hist.len())
	}
}
