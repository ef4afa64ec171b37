package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine"
	"github.com/lambdev/lambdev/relay"
)

// printer is the headless consumer of engine events: a line per event, or NDJSON.
type printer struct {
	mu   sync.Mutex
	w    *bufio.Writer
	json bool
	dir  string // the project directory, named when watching starts
	// batch is set while event() runs for the session's event loop, which
	// flushes once its channel is drained: one write per burst of events.
	batch bool
	// gone closes when a write fails: nobody reads the output any more
	// (`lambdev dev --headless | head -1`), so the session should stop.
	gone     chan struct{}
	goneOnce sync.Once
}

func newPrinter(w io.Writer, asJSON bool) *printer {
	return &printer{w: bufio.NewWriterSize(w, 64<<10), json: asJSON, gone: make(chan struct{})}
}

// flush writes out buffered lines.
func (p *printer) flush() {
	p.mu.Lock()
	p.flushLocked()
	p.mu.Unlock()
}

// flushLocked writes out buffered lines; a failed write closes gone.
func (p *printer) flushLocked() {
	if p.w.Flush() != nil {
		p.goneOnce.Do(func() { close(p.gone) })
	}
}

// readerGone closes once the output can no longer be written.
func (p *printer) readerGone() <-chan struct{} { return p.gone }

// batched prints ev without flushing; the caller flushes when idle.
func (p *printer) batched(ev engine.Event) {
	p.mu.Lock()
	p.batch = true
	p.mu.Unlock()
	p.event(ev)
	p.mu.Lock()
	p.batch = false
	p.mu.Unlock()
}

// gateway prints the first line (the gateway address) and the function URLs.
func (p *printer) gateway(gw *relay.Gateway, proj *config.Project) {
	p.dir = proj.Dir
	urls := functionURLs(gw, proj)
	if p.json {
		p.emit(map[string]any{"type": "gateway", "address": gw.Addr(), "endpoint": gw.Endpoint(), "urls": urls})
		return
	}
	p.line("lambdev dev: gateway %s (Invoke API: aws lambda invoke --endpoint-url %s …)", gw.Endpoint(), gw.Endpoint())
	for _, f := range proj.Functions {
		if u, ok := urls[f.Name]; ok {
			mode := ""
			if f.URL.InvokeMode == config.InvokeResponseStream {
				mode = " (RESPONSE_STREAM)"
			}
			p.line("  %-12s %s%s", f.Name, u, mode)
		}
	}
}

func (p *printer) stopped(dropped int64) {
	if p.json {
		p.emit(map[string]any{"type": "stopped", "droppedEvents": dropped})
		return
	}
	p.line("lambdev dev: stopped (all workers ended)")
	if dropped > 0 {
		p.line("lambdev dev: %d events were dropped because output was slow", dropped)
	}
}

func (p *printer) event(ev engine.Event) {
	if p.json {
		p.emit(eventJSONValue(ev))
		return
	}
	ts := ev.When().Format("15:04:05.000")
	switch e := ev.(type) {
	case engine.FunctionStateChanged:
		detail := ""
		switch {
		case e.Detail != "":
			detail = ": " + e.Detail
		case e.State == engine.StateIdle:
			detail = " (no worker: the next invoke starts one)"
		}
		p.line("%s %-12s %s%s", ts, e.Function, e.State, detail)
	case engine.FunctionPrepared:
		match := ""
		if !e.Matched {
			match = " (declared version not found locally)"
		}
		p.line("%s %-12s runs on %s %s%s", ts, e.Function, e.Interpreter, e.Version, match)
	case engine.LogLine:
		p.line("%s %-12s | %s", ts, e.Function, e.Line)
	case engine.InvocationFinished:
		extra := ""
		if e.Request.TenantID != "" {
			extra = fmt.Sprintf(" [tenant %s]", e.Request.TenantID)
		}
		if e.Request.Retry > 0 {
			extra += fmt.Sprintf(" [Event retry %d]", e.Request.Retry)
		}
		p.line("%s %-12s %s%s", ts, e.Result.Function, summarize(e.Result), extra)
	case engine.AsyncAttemptFailed:
		next := fmt.Sprintf("Lambda retries it in %s", e.RetryIn)
		if e.RetryIn == 0 {
			next = "no retry left: Lambda drops the event (or sends it to an on-failure destination or DLQ)"
		}
		p.line("%s %-12s %s Event attempt %d failed (%s): %s", ts, e.Function, e.RequestID[:8], e.Attempt, e.Outcome, next)
	case engine.WorkerStopped:
		if !strings.Contains(e.Reason, "killed") {
			p.line("%s %-12s worker %d (pid %d) ended: %s", ts, e.Function, e.Worker, e.PID, e.Reason)
		}
	case engine.FilesChanged:
		if len(e.Functions) > 0 {
			p.line("%s %-12s %d file(s) changed: reloading %s", ts, "watch", len(e.Paths), strings.Join(e.Functions, ", "))
		}
	case engine.ReloadFinished:
		if e.Err != "" {
			p.line("%s %-12s reload failed after %s: %s", ts, e.Function, ms(e.Took), e.Err)
		} else {
			p.line("%s %-12s reloaded in %s", ts, e.Function, ms(e.Took))
		}
	case engine.ProjectReloaded:
		p.line("%s %-12s project file applied: added %v, removed %v, changed %v", ts, "config", e.Added, e.Removed, e.Changed)
	case engine.ProjectInvalid:
		p.line("%s %-12s project file edit rejected; still running the last good one:\n%s", ts, "config", e.Errors)
	case engine.WatchToggled:
		state := "paused"
		if e.On {
			state = "watching " + relPath(p.dir) + " for changes"
		}
		p.line("%s %-12s %s", ts, "watch", state)
	case engine.WatchFailed:
		p.line("%s %-12s %s %s", ts, "watch", e.Err, e.Hint)
	case engine.DriftDetected:
		for _, w := range e.Warnings {
			if !w.Silenced {
				p.line("%s %-12s drift %s", ts, e.Function, w.String())
			}
		}
	}
}

// summarize is one invocation's outcome in a few words.
func summarize(r engine.Result) string {
	temp := "warm"
	if r.Cold {
		temp = fmt.Sprintf("cold, init %s", ms(r.InitDuration))
	}
	s := fmt.Sprintf("%s %s %s (%s) %d MB", r.RequestID[:8], r.Outcome, ms(r.Duration), temp, r.MaxMemoryMB)
	if r.Streamed > 0 {
		s += fmt.Sprintf(", streamed %d bytes", r.Streamed)
	}
	if r.Error != nil {
		s += " — " + r.Error.Type + ": " + firstLine(r.Error.Message)
	}
	return s
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// The events every invocation prints have typed shapes: encoding a map
// cost ~4 µs per event (two or more per invocation, on the session's hot
// path). Their fields are in the order encoding/json sorts a map's keys, so
// the lines are byte for byte those the maps gave (cli_print_test.go).
type invocationStartedJSON struct {
	Cold      bool          `json:"cold"`
	Function  string        `json:"function"`
	RequestID string        `json:"requestId"`
	Retry     int           `json:"retry"`
	Source    engine.Source `json:"source"`
	TenantID  string        `json:"tenantId,omitempty"`
	Time      string        `json:"time"`
	Type      string        `json:"type"`
}

type logLineJSON struct {
	Function  string `json:"function"`
	Line      string `json:"line"`
	RequestID string `json:"requestId"`
	Time      string `json:"time"`
	Type      string `json:"type"`
}

type invocationFinishedJSON struct {
	Cold         bool           `json:"cold"`
	DurationMs   float64        `json:"durationMs"`
	ErrorMessage *string        `json:"errorMessage,omitempty"`
	ErrorType    *string        `json:"errorType,omitempty"`
	Function     string         `json:"function"`
	MaxMemoryMB  int            `json:"maxMemoryMB"`
	Outcome      engine.Outcome `json:"outcome"`
	RequestID    string         `json:"requestId"`
	Response     any            `json:"response"`
	Streamed     int64          `json:"streamedBytes,omitempty"`
	TenantID     string         `json:"tenantId,omitempty"`
	Time         string         `json:"time"`
	Type         string         `json:"type"`
}

// eventJSONValue is what an event's NDJSON line encodes, with payloads as
// JSON when they are.
func eventJSONValue(ev engine.Event) any {
	switch e := ev.(type) {
	case engine.InvocationStarted:
		return invocationStartedJSON{Cold: e.Cold, Function: e.Function, RequestID: e.RequestID, Retry: e.Retry,
			Source: e.Source, TenantID: e.TenantID, Time: e.Time.Format(time.RFC3339Nano), Type: "invocation-started"}
	case engine.LogLine:
		return logLineJSON{Function: e.Function, Line: e.Line, RequestID: e.RequestID, Time: e.Time.Format(time.RFC3339Nano), Type: "log"}
	case engine.InvocationFinished:
		r := e.Result
		v := invocationFinishedJSON{Cold: r.Cold, DurationMs: float64(r.Duration.Microseconds()) / 1000,
			Function: r.Function, MaxMemoryMB: r.MaxMemoryMB, Outcome: r.Outcome, RequestID: r.RequestID,
			Response: rawOrString(r.Payload), Streamed: r.Streamed, TenantID: e.Request.TenantID, Time: e.Time.Format(time.RFC3339Nano), Type: "invocation-finished"}
		if r.Error != nil {
			v.ErrorMessage, v.ErrorType = &r.Error.Message, &r.Error.Type
		}
		return v
	}
	return eventJSON(ev)
}

// eventJSON flattens the other events for NDJSON output.
func eventJSON(ev engine.Event) map[string]any {
	m := map[string]any{"time": ev.When().Format(time.RFC3339Nano)}
	switch e := ev.(type) {
	case engine.FunctionStateChanged:
		m["type"], m["function"], m["state"], m["detail"] = "state", e.Function, e.State, e.Detail
	case engine.FunctionPrepared:
		m["type"], m["function"], m["interpreter"], m["version"], m["matched"] = "prepared", e.Function, e.Interpreter, e.Version, e.Matched
	case engine.WorkerStarted:
		m["type"], m["function"], m["worker"], m["pid"], m["generation"] = "worker-started", e.Function, e.Worker, e.PID, e.Generation
	case engine.WorkerStopped:
		m["type"], m["function"], m["worker"], m["pid"], m["reason"] = "worker-stopped", e.Function, e.Worker, e.PID, e.Reason
	case engine.AsyncAttemptFailed:
		m["type"], m["function"], m["requestId"], m["attempt"], m["outcome"] = "async-attempt-failed", e.Function, e.RequestID, e.Attempt, e.Outcome
		m["retryInMs"] = e.RetryIn.Milliseconds()
	case engine.FilesChanged:
		m["type"], m["paths"], m["functions"], m["projectFile"] = "files-changed", e.Paths, e.Functions, e.ProjectFile
	case engine.ReloadFinished:
		m["type"], m["function"], m["error"], m["tookMs"] = "reload-finished", e.Function, e.Err, float64(e.Took.Microseconds())/1000
	case engine.ProjectReloaded:
		m["type"], m["added"], m["removed"], m["changed"] = "project-reloaded", e.Added, e.Removed, e.Changed
	case engine.ProjectInvalid:
		m["type"], m["errors"] = "project-invalid", e.Errors
	case engine.DriftDetected:
		m["type"], m["function"], m["warnings"] = "drift", e.Function, e.Warnings
	case engine.WatchToggled:
		m["type"], m["on"] = "watch", e.On
	default:
		m["type"] = fmt.Sprintf("%T", ev)
	}
	return m
}

func rawOrString(b []byte) any {
	if json.Valid(b) {
		return json.RawMessage(b)
	}
	return string(b)
}

func (p *printer) emit(v any) {
	b, _ := json.Marshal(v)
	p.mu.Lock()
	p.w.Write(append(b, '\n'))
	p.flushUnlessBatch()
	p.mu.Unlock()
}

func (p *printer) line(format string, a ...any) {
	p.mu.Lock()
	fmt.Fprintf(p.w, format+"\n", a...)
	p.flushUnlessBatch()
	p.mu.Unlock()
}

func (p *printer) flushUnlessBatch() {
	if !p.batch {
		p.flushLocked()
	}
}
