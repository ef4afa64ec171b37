package engine

import "time"

// LambdaRetryDelays are Lambda's waits before the two retries of an Event
// invocation whose function failed, when the function has no event invoke
// config of its own (lambdev deploy sets none): one minute, then two.
// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
var LambdaRetryDelays = []time.Duration{time.Minute, 2 * time.Minute}

// InvokeAsync queues an Event invocation and returns its request id at
// once, as Lambda's Invoke does with its 202. The invocation runs in the
// background; when it fails (a function error, timeout, crash or init
// failure) it runs again after each of Options.RetryDelays, with the same
// request id and event, as Lambda retries it, until an attempt succeeds or
// none is left. Each failed attempt is published as AsyncAttemptFailed.
// Retries still waiting when the engine closes are dropped. The error is
// the refusal Check would return.
func (e *Engine) InvokeAsync(req Request) (string, error) {
	req.Async = true
	if _, err := e.check(&req); err != nil {
		return "", err
	}
	e.background(func() { e.runAsync(req) })
	return req.RequestID, nil
}

func (e *Engine) runAsync(req Request) {
	delays := e.opts.RetryDelays
	for {
		res, err := e.Invoke(e.ctx, req)
		if err != nil || res.Outcome == OutcomeOK {
			return // refused (engine closing) or done
		}
		ev := AsyncAttemptFailed{At: now(), RequestID: req.RequestID, Function: req.Function, Attempt: req.Retry + 1, Outcome: res.Outcome}
		if req.Retry < len(delays) {
			ev.RetryIn = delays[req.Retry]
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
