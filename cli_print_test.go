package main

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/lambdev/lambdev/engine"
)

// The typed NDJSON shapes of the per-invocation events encode to the same
// bytes as the maps they replaced (keys sorted, payloads as JSON when valid).
func TestHotEventsEncodeAsTheirMaps(t *testing.T) {
	at := engine.At{Time: time.Date(2026, 11, 25, 9, 30, 0, 123456789, time.UTC)}
	ts := at.Time.Format(time.RFC3339Nano)
	req := engine.Request{Function: "api", Payload: []byte(`{"k": "v"}`), Source: engine.SourceAPI}
	ok := engine.Result{RequestID: "r1", Function: "api", Outcome: engine.OutcomeOK, Cold: true,
		Payload: []byte(`{"a": [1, 2], "html": "<b>&</b>"}`), Duration: 1234567 * time.Nanosecond, MaxMemoryMB: 14}
	bad := engine.Result{RequestID: "r2", Function: "api", Outcome: engine.OutcomeError,
		Payload: []byte("not json"), Error: &engine.FunctionError{Type: "ValueError"}}
	streamed := engine.Result{RequestID: "r3", Function: "api", Outcome: engine.OutcomeOK, Payload: []byte("data: 1"), Streamed: 70000}
	for _, tc := range []struct {
		ev   engine.Event
		want map[string]any
	}{
		{engine.InvocationStarted{At: at, RequestID: "r1", Function: "api", Source: engine.SourceURL, Cold: true, Retry: 2},
			map[string]any{"type": "invocation-started", "function": "api", "requestId": "r1", "source": engine.SourceURL, "cold": true, "retry": 2}},
		{engine.InvocationStarted{At: at, RequestID: "r4", Function: "api", Source: engine.SourceAPI, TenantID: "blue"},
			map[string]any{"type": "invocation-started", "function": "api", "requestId": "r4", "source": engine.SourceAPI, "cold": false, "retry": 0, "tenantId": "blue"}},
		{engine.InvocationFinished{At: at, Request: engine.Request{Function: "api", TenantID: "blue"}, Result: streamed},
			map[string]any{"type": "invocation-finished", "function": "api", "requestId": "r3", "outcome": engine.OutcomeOK,
				"durationMs": 0.0, "cold": false, "maxMemoryMB": 0, "response": "data: 1", "streamedBytes": 70000, "tenantId": "blue"}},
		{engine.LogLine{At: at, Function: "api", RequestID: "r1", Line: "<tag> & \"quoted\"\ttab \u2028"},
			map[string]any{"type": "log", "function": "api", "requestId": "r1", "line": "<tag> & \"quoted\"\ttab \u2028"}},
		{engine.InvocationFinished{At: at, Request: req, Result: ok},
			map[string]any{"type": "invocation-finished", "function": "api", "requestId": "r1", "outcome": engine.OutcomeOK,
				"durationMs": 1.234, "cold": true, "maxMemoryMB": 14, "response": json.RawMessage(ok.Payload)}},
		{engine.InvocationFinished{At: at, Request: req, Result: streamed},
			map[string]any{"type": "invocation-finished", "function": "api", "requestId": "r3", "outcome": engine.OutcomeOK,
				"durationMs": 0.0, "cold": false, "maxMemoryMB": 0, "response": "data: 1", "streamedBytes": 70000}},
		{engine.InvocationFinished{At: at, Request: req, Result: bad},
			map[string]any{"type": "invocation-finished", "function": "api", "requestId": "r2", "outcome": engine.OutcomeError,
				"durationMs": 0.0, "cold": false, "maxMemoryMB": 0, "response": "not json", "errorType": "ValueError", "errorMessage": ""}},
	} {
		tc.want["time"] = ts
		want, err := json.Marshal(tc.want)
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.Marshal(eventJSONValue(tc.ev))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%T:\n got %s\nwant %s", tc.ev, got, want)
		}
	}
}

// BenchmarkInvocationNDJSON encodes the two lines every invocation prints
// with --json (maps: ~7.9 µs and 57 allocations on the bench VM; typed: ~3.4 µs and 9).
func BenchmarkInvocationNDJSON(b *testing.B) {
	req := engine.Request{Function: "py", Payload: []byte(`{"k":"v"}`), RequestID: "8476a536-e9f4-11e8-9739-2dfe598c3fcd", Source: engine.SourceAPI}
	started := engine.InvocationStarted{At: engine.At{Time: time.Now()}, RequestID: req.RequestID, Function: "py", Source: req.Source, Payload: req.Payload}
	finished := engine.InvocationFinished{At: engine.At{Time: time.Now()}, Request: req, Result: engine.Result{RequestID: req.RequestID,
		Function: "py", Outcome: engine.OutcomeOK, Payload: []byte(`{"v": "v0", "event": {"k": "v"}}`), Duration: 300 * time.Microsecond, MaxMemoryMB: 12}}
	b.ReportAllocs()
	for b.Loop() {
		for _, ev := range []engine.Event{started, finished} {
			if _, err := json.Marshal(eventJSONValue(ev)); err != nil {
				b.Fatal(err)
			}
		}
	}
}
