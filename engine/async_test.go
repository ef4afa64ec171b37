package engine

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lambdev/lambdev/config"
)

// asyncEngine runs a project whose handler records each attempt in a file
// named after its request id, and fails until the event's "ok_at" attempt.
func asyncEngine(t *testing.T, delays []time.Duration, queue ...int64) (*Engine, *Subscription, string) {
	t.Helper()
	requireInterpreter(t, "python3")
	attempts := t.TempDir()
	dir := hotProject(t, "app: async\nfunctions:\n  flaky: { handler: py/app.handler, runtime: python3.12 }\n",
		map[string]string{"py/app.py": `import os

def handler(event, context):
    path = os.path.join(os.environ["ATTEMPTS"], context.aws_request_id)
    with open(path, "a") as f:
        f.write("x")
    n = os.path.getsize(path)
    if n < event["ok_at"]:
        raise RuntimeError("attempt %d fails" % n)
    return n
`})
	t.Setenv("ATTEMPTS", attempts)
	p, err := config.Load(filepath.Join(dir, "lambdev.yaml"), config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{BuildDir: t.TempDir(), RetryDelays: delays, Passthrough: append(DefaultPassthrough, "ATTEMPTS")}
	if len(queue) > 0 {
		opts.AsyncQueueBytes = queue[0]
	}
	e, err := New(p, opts)
	if err != nil {
		t.Fatal(err)
	}
	sub := e.Subscribe(1 << 12)
	t.Cleanup(func() { e.Close() })
	return e, sub, attempts
}

// asyncStory collects the starts and failed attempts of request id until an
// invocation of it finishes with stop true.
func asyncStory(t *testing.T, sub *Subscription, id string, stop func(InvocationFinished, []AsyncAttemptFailed) bool) ([]InvocationStarted, []AsyncAttemptFailed) {
	t.Helper()
	var starts []InvocationStarted
	var fails []AsyncAttemptFailed
	timeout := time.After(60 * time.Second)
	for {
		select {
		case ev := <-sub.C:
			switch ev := ev.(type) {
			case InvocationStarted:
				if ev.RequestID == id {
					starts = append(starts, ev)
				}
			case AsyncAttemptFailed:
				if ev.RequestID == id {
					fails = append(fails, ev)
					if ev.RetryIn == 0 {
						return starts, fails
					}
				}
			case InvocationFinished:
				if ev.Request.RequestID == id && stop(ev, fails) {
					return starts, fails
				}
			}
		case <-timeout:
			t.Fatalf("request %s: %d starts, %d failed attempts, then nothing for 60s", id, len(starts), len(fails))
		}
	}
}

func TestEventInvocationIsRetriedWithTheSameRequestID(t *testing.T) {
	delays := []time.Duration{50 * time.Millisecond, 100 * time.Millisecond}
	e, sub, attempts := asyncEngine(t, delays)
	id, err := e.InvokeAsync(Request{Function: "flaky", Payload: []byte(`{"ok_at": 3}`)})
	if err != nil || id == "" {
		t.Fatalf("InvokeAsync: %q, %v", id, err)
	}
	starts, fails := asyncStory(t, sub, id, func(f InvocationFinished, _ []AsyncAttemptFailed) bool {
		return f.Result.Outcome == OutcomeOK
	})
	if len(starts) != 3 || len(fails) != 2 {
		t.Fatalf("%d starts and %d failed attempts; want 3 and 2", len(starts), len(fails))
	}
	for i, s := range starts {
		if s.Retry != i {
			t.Errorf("start %d: retry %d, want %d", i, s.Retry, i)
		}
	}
	for i, f := range fails {
		if f.Attempt != i+1 || f.RetryIn != delays[i] || f.Outcome != OutcomeError {
			t.Errorf("failed attempt %d: %+v; want attempt %d, %s, retry in %s", i, f, i+1, OutcomeError, delays[i])
		}
		if gap := starts[i+1].Time.Sub(f.Time); gap < delays[i] {
			t.Errorf("retry %d started %s after the failure; want at least %s", i+1, gap, delays[i])
		}
	}
	// The handler saw one request id on all three attempts: its file.
	if b, err := os.ReadFile(filepath.Join(attempts, id)); err != nil || string(b) != "xxx" {
		t.Errorf("attempts recorded under %s: %q, %v; want three", id, b, err)
	}
}

func TestEventInvocationGivesUpAfterTwoRetries(t *testing.T) {
	e, sub, attempts := asyncEngine(t, []time.Duration{time.Millisecond, time.Millisecond})
	id, err := e.InvokeAsync(Request{Function: "flaky", Payload: []byte(`{"ok_at": 99}`)})
	if err != nil {
		t.Fatal(err)
	}
	starts, fails := asyncStory(t, sub, id, func(InvocationFinished, []AsyncAttemptFailed) bool { return false })
	if len(starts) != 3 || len(fails) != 3 || fails[2].Attempt != 3 || fails[2].RetryIn != 0 {
		t.Errorf("%d starts, failed attempts %+v; want 3 starts and a last attempt 3 with no retry", len(starts), fails)
	}
	if b, _ := os.ReadFile(filepath.Join(attempts, id)); string(b) != "xxx" {
		t.Errorf("handler ran %d times, want 3", len(b))
	}
}

func TestCloseDropsAPendingRetry(t *testing.T) {
	e, sub, _ := asyncEngine(t, nil) // Lambda's delays: the retry waits a minute
	id, err := e.InvokeAsync(Request{Function: "flaky", Payload: []byte(`{"ok_at": 99}`)})
	if err != nil {
		t.Fatal(err)
	}
	f := waitEvent(t, sub, func(f AsyncAttemptFailed) bool { return f.RequestID == id })
	if f.Attempt != 1 || f.RetryIn != time.Minute {
		t.Fatalf("first failure: %+v; want attempt 1, retry in 1m0s", f)
	}
	closed := make(chan struct{})
	go func() { e.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(30 * time.Second):
		t.Fatal("Close waited for the pending retry")
	}
	for ev := range sub.C { // closed by Close
		if s, ok := ev.(InvocationStarted); ok && s.RequestID == id {
			t.Errorf("retry %d started after Close", s.Retry)
		}
	}
	if _, err := e.InvokeAsync(Request{Function: "flaky", Payload: []byte(`{}`)}); !errors.Is(err, ErrClosed) {
		t.Errorf("InvokeAsync after Close: %v, want ErrClosed", err)
	}
}

// A flood of Event invocations cannot hold more than AsyncQueueBytes of
// payload; an invocation's place is freed once it has no retry left.
func TestAsyncQueueIsBounded(t *testing.T) {
	payload := []byte(`{"ok_at": 99}`) // fails every attempt: held until the last
	e, sub, _ := asyncEngine(t, []time.Duration{time.Millisecond, time.Millisecond}, int64(len(payload)))
	first, err := e.InvokeAsync(Request{Function: "flaky", Payload: payload})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.InvokeAsync(Request{Function: "flaky", Payload: payload}); !errors.Is(err, ErrAsyncQueueFull) {
		t.Fatalf("second Event while the first is not done: %v, want ErrAsyncQueueFull", err)
	}
	waitEvent(t, sub, func(f AsyncAttemptFailed) bool { return f.RequestID == first && f.RetryIn == 0 })
	if _, err := e.InvokeAsync(Request{Function: "flaky", Payload: payload}); err != nil {
		t.Errorf("Event after the first gave up: %v; its place should be free", err)
	}
}
