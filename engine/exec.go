package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/lambdev/lambdev/engine/runtimeapi"
)

// errDeadline is the cancel cause when an invocation hits its timeout.
var errDeadline = errors.New("deadline exceeded")

// Invoke runs one invocation to its end. The error is non-nil only when the
// invocation never reached a handler (unknown function, payload too large,
// engine closed, ctx ended while queued); handler failures, timeouts and
// crashes are Results. The caller's ctx bounds only the wait for a worker:
// like Lambda, a started invocation runs to its own deadline.
func (e *Engine) Invoke(ctx context.Context, req Request) (Result, error) {
	fn, err := e.check(&req)
	if err != nil {
		return Result{}, err
	}
	e.enter()
	defer e.inflight.Add(-1)
	var res Result
	for attempt := 0; ; attempt++ {
		w, cold, err := fn.acquire(ctx, false, req.TenantID)
		if err != nil {
			if errors.Is(err, ErrClosed) || ctx.Err() != nil {
				return Result{}, err
			}
			res = e.failed(fn, &req, OutcomeInitError, "Runtime.InitError", err.Error())
			break
		}
		var delivered bool
		res, delivered = fn.run(w, &req, cold, attempt == 0)
		// A warm worker that died before its runtime took the event (it had
		// exited after its previous answer) never ran this invocation: retry
		// once on a fresh worker.
		if delivered || res.Outcome != OutcomeCrash || attempt > 0 {
			break
		}
	}
	fn.record(&res)
	e.publish(InvocationFinished{At: now(), Request: req, Result: res})
	fn.observeDrift(&res)
	return res, nil
}

// enter counts an invocation in, raises the high-water mark, and signals
// Overlaps when another invocation is already in flight.
func (e *Engine) enter() {
	n := e.inflight.Add(1)
	for p := e.peak.Load(); n > p && !e.peak.CompareAndSwap(p, n); p = e.peak.Load() {
	}
	if n > 1 {
		select {
		case e.overlap <- struct{}{}:
		default: // one pending signal says it all
		}
	}
}

// Overlaps receives when an invocation starts while another is in flight;
// signals coalesce (at most one is pending), so a reader learns of
// concurrency at once without polling.
func (e *Engine) Overlaps() <-chan struct{} { return e.overlap }

// ConcurrencyPeak is the most invocations that were in flight at once since
// the previous call (or since New); each call starts a new window.
func (e *Engine) ConcurrencyPeak() int {
	return int(e.peak.Swap(e.inflight.Load()))
}

// Check validates req as Invoke would, without running it (DryRun, Event).
func (e *Engine) Check(req Request) error {
	_, err := e.check(&req)
	return err
}

func (e *Engine) check(req *Request) (*function, error) {
	fn := e.fn(req.Function)
	if fn == nil {
		return nil, fmt.Errorf("%w: %s", ErrFunctionNotFound, req.Function)
	}
	limit := MaxSyncPayload
	if req.Async {
		limit = MaxAsyncPayload
	}
	if len(req.Payload) > limit {
		return nil, fmt.Errorf("%w: %d bytes exceeds the %d byte limit", ErrPayloadTooLarge, len(req.Payload), limit)
	}
	if err := CheckTenant(fn.cfg, req.TenantID); err != nil {
		return nil, err
	}
	if e.ctx.Err() != nil {
		return nil, ErrClosed
	}
	if req.RequestID == "" {
		req.RequestID = NewRequestID()
	}
	if req.TraceID == "" {
		req.TraceID = newTraceID()
	}
	return fn, nil
}

// run executes req on w and returns how it ended, and whether the runtime
// received the event at all; w is released or retired. announce is false on
// the retry of an event the first worker never took, so it starts once.
func (fn *function) run(w *worker, req *Request, cold, announce bool) (Result, bool) {
	r := &running{req: req, id: req.RequestID}
	r.logs.max = maxInvocationLogs
	if announce {
		fn.eng.publish(InvocationStarted{At: now(), RequestID: req.RequestID, Function: fn.cfg.Name, Source: req.Source, Payload: req.Payload, Cold: cold, TenantID: req.TenantID, Retry: req.Retry})
	}
	res := Result{RequestID: req.RequestID, Function: fn.cfg.Name, Cold: cold, Started: time.Now()}
	if cold {
		if bad, ok := fn.init(w, r, &res); !ok {
			return bad, true
		}
	}
	deadline := req.Deadline
	if deadline.IsZero() {
		deadline = time.Now().Add(fn.timeout)
	}
	ctx, cancel := context.WithCancelCause(fn.eng.ctx)
	ctx, cancelDeadline := context.WithDeadlineCause(ctx, deadline, errDeadline)
	defer cancelDeadline()
	w.begin(r, cancel)
	if !w.alive() {
		cancel(errWorkerExited)
	}
	inv := runtimeapi.Invocation{
		RequestID:       req.RequestID,
		Payload:         req.Payload,
		Deadline:        deadline,
		FunctionARN:     fn.arn,
		TraceID:         req.TraceID,
		ClientContext:   req.ClientContext,
		CognitoIdentity: req.CognitoIdentity,
		TenantID:        req.TenantID,
	}
	var tee *previewStream
	if req.Stream != nil {
		tee = &previewStream{dst: req.Stream}
		inv.Stream = tee
	}
	ans, err := w.api.Invoke(ctx, inv)
	end := time.Now()
	cause := context.Cause(ctx)
	if err != nil && errors.Is(cause, errWorkerExited) {
		w.kill()
		w.logs.waitFor(100 * time.Millisecond)
	} else {
		w.logs.drain()
	}
	w.detach(r)
	cancel(nil)

	res.Duration = end.Sub(ans.Delivered)
	if ans.Delivered.IsZero() {
		res.Duration = end.Sub(res.Started)
	}
	fn.classify(w, &res, ans, err, cause)
	if tee != nil {
		res.Streamed = ans.Streamed
		if res.Outcome == OutcomeOK {
			res.Payload = tee.kept
		}
	}
	res.MaxMemoryMB = w.peakRSS()
	fn.finishLogs(r, &res)
	fn.release(w)
	return res, !ans.Delivered.IsZero() || err == nil
}

// init waits for a new worker's runtime to finish init (its lines are
// attributed to r). ok is false when init failed, with the failure's Result.
func (fn *function) init(w *worker, r *running, res *Result) (Result, bool) {
	ctx, cancel := context.WithTimeout(fn.eng.ctx, fn.eng.opts.InitTimeout)
	defer cancel()
	w.attach(r, nil, false)
	initAns, err := w.waitReady(ctx)
	res.InitDuration = time.Since(w.start)
	if initAns == nil && err == nil {
		fn.initSucceeded(w, r)
		fn.initDone(w, StateReady, "")
		return Result{}, true
	}
	w.kill()
	w.logs.waitFor(100 * time.Millisecond)
	w.detach(r)
	var out Result
	timedOut := false
	switch {
	case initAns != nil:
		out = Result{RequestID: r.id, Function: fn.cfg.Name, Outcome: OutcomeInitError, Payload: initAns.Body,
			ContentType: "application/json", Error: parseError(initAns.Body, initAns.ErrorType)}
	case errors.Is(err, ErrClosed):
		out = fn.eng.failed(fn, r.req, OutcomeCrash, "Runtime.ExitError", "lambdev is shutting down")
	case ctx.Err() != nil:
		timedOut = true
		out = fn.eng.failed(fn, r.req, OutcomeInitError, "Runtime.InitError",
			fmt.Sprintf("RequestId: %s Error: init did not finish within %s", r.id, fn.eng.opts.InitTimeout))
	default:
		out = fn.eng.failed(fn, r.req, OutcomeInitError, "Runtime.ExitError", fmt.Sprintf("RequestId: %s Error: %v", r.id, err))
	}
	out.Cold, out.InitDuration, out.Started = true, res.InitDuration, res.Started
	if !errors.Is(err, ErrClosed) {
		fn.initDone(w, StateInitFailed, string(out.Payload))
	}
	// As Lambda logs an init failed on invoke: its output, its report,
	// then START.
	fn.logInitReport(r, &out, timedOut)
	fn.logStart(r)
	fn.finishLogs(r, &out)
	fn.release(w)
	return out, false
}

// initDone records how the init of w, started by an invocation, ended: an
// idle function, or one whose init failed, becomes ready once one of its
// current workers inits; an idle or ready one shows init failed (with the
// error) when one fails. Warming and reloading set the state themselves,
// and a build failure stays shown.
func (fn *function) initDone(w *worker, st FunctionState, detail string) {
	fn.mu.Lock()
	from := fn.state == StateIdle || fn.state == StateReady || fn.state == StateInitFailed
	change := from && fn.state != st && w.gen == fn.gen && fn.reloading == 0
	fn.mu.Unlock()
	if change {
		fn.setState(st, detail)
	}
}

// classify turns the runtime's answer (or why there was none) into an outcome.
func (fn *function) classify(w *worker, res *Result, ans runtimeapi.Answer, err, cause error) {
	if err == nil {
		res.Payload, res.ContentType = ans.Body, ans.ContentType
		switch ans.Kind {
		case runtimeapi.KindResponse:
			res.Outcome = OutcomeOK
			return
		case runtimeapi.KindTooLarge:
			res.Outcome = OutcomeTooLarge
		case runtimeapi.KindInitError:
			res.Outcome = OutcomeInitError
		default:
			res.Outcome = OutcomeError
		}
		res.Error = parseError(ans.Body, ans.ErrorType)
		return
	}
	switch {
	case errors.Is(cause, errDeadline):
		w.kill()
		msg := fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds", res.RequestID, fn.timeout.Seconds())
		fn.setError(res, OutcomeTimeout, "Sandbox.Timedout", msg)
	case errors.Is(cause, errWorkerExited):
		msg := fmt.Sprintf("RequestId: %s Error: Runtime exited with error: %v", res.RequestID, w.exitErr)
		fn.setError(res, OutcomeCrash, "Runtime.ExitError", msg)
	default:
		w.kill()
		fn.setError(res, OutcomeCrash, "Runtime.ExitError", fmt.Sprintf("RequestId: %s Error: %v", res.RequestID, cause))
	}
}

func (fn *function) setError(res *Result, o Outcome, typ, msg string) {
	res.Outcome = o
	res.Error = &FunctionError{Type: typ, Message: msg}
	res.Payload, _ = json.Marshal(res.Error)
	res.ContentType = "application/json"
}

// failed builds the Result of an invocation that never reached a handler.
func (e *Engine) failed(fn *function, req *Request, o Outcome, typ, msg string) Result {
	res := Result{RequestID: req.RequestID, Function: fn.cfg.Name, Started: time.Now(), Finished: time.Now()}
	fn.setError(&res, o, typ, msg)
	return res
}

// record updates the function's counters.
func (fn *function) record(res *Result) {
	fn.mu.Lock()
	fn.stats.Invocations++
	if res.Outcome != OutcomeOK {
		fn.stats.Errors++
	}
	fn.stats.LastDuration = res.Duration
	fn.mu.Unlock()
}

// parseError reads Lambda's error JSON leniently.
func parseError(body []byte, typ string) *FunctionError {
	var e struct {
		Type    string          `json:"errorType"`
		Message string          `json:"errorMessage"`
		Trace   json.RawMessage `json:"stackTrace"`
	}
	_ = json.Unmarshal(body, &e)
	if e.Type == "" {
		e.Type = typ
	}
	return &FunctionError{Type: e.Type, Message: e.Message, Trace: e.Trace}
}

func NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func newTraceID() string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return "Root=1-" + strconv.FormatInt(time.Now().Unix(), 16) + "-" + h[:24] + ";Parent=" + h[24:40] + ";Sampled=0"
}

// previewStream passes a streamed response on and keeps its first bytes.
type previewStream struct {
	dst  ResponseStream
	kept []byte
}

func (p *previewStream) Open(contentType string) { p.dst.Open(contentType) }

func (p *previewStream) Write(b []byte) (int, error) {
	if room := streamPreview - len(p.kept); room > 0 {
		p.kept = append(p.kept, b[:min(room, len(b))]...)
	}
	return p.dst.Write(b)
}
