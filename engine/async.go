package engine

import (
	"sync"
	"time"
)

// LambdaRetryDelays are Lambda's waits before the two retries of an Event
// invocation whose function failed, when the function has no event invoke
// config of its own (lambdev deploy sets none): one minute, then two.
// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
// A retry keeps its request id: AWS's knowledge center reads duplicated
// invocations with an error and the same request id as Lambda's retries
// (knowledge-center/lambda-function-duplicate-invocations).
var LambdaRetryDelays = []time.Duration{time.Minute, 2 * time.Minute}

// DefaultAsyncQueueBytes bounds what a flood of Event invocations can hold
// in memory: Lambda's queue is durable and unbounded, a dev session's is
// this process's heap (1 MB payloads, each held until its last retry).
const DefaultAsyncQueueBytes = 256 << 20

// InvokeAsync queues an Event invocation and returns its request id at
// once, as Lambda's Invoke does with its 202. The invocation runs in the
// background; when it fails (a function error, timeout, crash or init
// failure) it runs again after each of Options.RetryDelays, with the same
// request id and event, as Lambda retries it, until an attempt succeeds or
// none is left. Each failed attempt is published as AsyncAttemptFailed.
// Retries still waiting when the engine closes are dropped. The error is
// the refusal Check would return, or ErrAsyncQueueFull while the Event
// invocations not yet done hold Options.AsyncQueueBytes of payload.
func (e *Engine) InvokeAsync(req Request) (string, error) {
	req.Async = true
	if _, err := e.check(&req); err != nil {
		return "", err
	}
	n := int64(len(req.Payload))
	if e.asyncBytes.Add(n) > e.opts.AsyncQueueBytes {
		e.asyncBytes.Add(-n)
		return "", ErrAsyncQueueFull
	}
	release := sync.OnceFunc(func() { e.asyncBytes.Add(-n) })
	e.background(func() {
		defer release()
		e.runAsync(req, release)
	})
	return req.RequestID, nil
}

// runAsync runs req and its retries; release frees its place in the queue,
// before the event that says it has none left.
func (e *Engine) runAsync(req Request, release func()) {
	delays := e.opts.RetryDelays
	for {
		res, err := e.Invoke(e.ctx, req)
		if err != nil || res.Outcome == OutcomeOK {
			return // refused (engine closing) or done
		}
		ev := AsyncAttemptFailed{At: now(), RequestID: req.RequestID, Function: req.Function, Attempt: req.Retry + 1, Outcome: res.Outcome}
		if req.Retry < len(delays) {
			ev.RetryIn = delays[req.Retry]
		} else {
			release()
		}
		e.publish(ev)
		if ev.RetryIn == 0 {
			return
		}
		t := time.NewTimer(ev.RetryIn)
		select {
		case <-t.C:
		case <-e.ctx.Done():
			t.Stop()
			return
		}
		req.Retry++
	}
}
