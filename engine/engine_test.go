package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lambdev/lambdev/config"
)

// requireInterpreter skips when cmd is missing, unless LAMBDEV_REQUIRE_ALL=1.
func requireInterpreter(t testing.TB, cmd string) {
	t.Helper()
	if _, err := exec.LookPath(cmd); err != nil {
		if os.Getenv("LAMBDEV_REQUIRE_ALL") == "1" {
			t.Fatalf("%s is required (LAMBDEV_REQUIRE_ALL=1): %v", cmd, err)
		}
		t.Skipf("%s not on PATH", cmd)
	}
}

// newTestEngine loads the engine test project and closes the engine at cleanup,
// checking that every worker process it started is gone.
func newTestEngine(t testing.TB) (*Engine, *Subscription) {
	t.Helper()
	p, err := config.Load("testdata/proj/lambdev.yaml", config.LoadOptions{})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	e, err := New(p, Options{BuildDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	sub := e.Subscribe(1 << 16)
	pids := &pidLog{}
	go pids.collect(e.Subscribe(1 << 16))
	t.Cleanup(func() {
		e.Close()
		for _, pid := range pids.all() {
			if err := syscall.Kill(pid, 0); err == nil {
				t.Errorf("worker pid %d still running after Close", pid)
			}
		}
	})
	return e, sub
}

// pidLog records the pid of every worker started.
type pidLog struct {
	mu   sync.Mutex
	pids []int
}

func (l *pidLog) collect(s *Subscription) {
	for ev := range s.C {
		if w, ok := ev.(WorkerStarted); ok {
			l.mu.Lock()
			l.pids = append(l.pids, w.PID)
			l.mu.Unlock()
		}
	}
}

func (l *pidLog) all() []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]int(nil), l.pids...)
}

func invoke(t testing.TB, e *Engine, fn, payload string) Result {
	t.Helper()
	res, err := e.Invoke(context.Background(), Request{Function: fn, Payload: []byte(payload)})
	if err != nil {
		t.Fatalf("invoke %s: %v", fn, err)
	}
	return res
}

func TestPythonEchoColdThenWarm(t *testing.T) {
	requireInterpreter(t, "python3")
	e, _ := newTestEngine(t)
	first := invoke(t, e, "echo", `{"n":1}`)
	if first.Outcome != OutcomeOK || !first.Cold {
		t.Fatalf("first: outcome %s cold %v error %+v", first.Outcome, first.Cold, first.Error)
	}
	second := invoke(t, e, "echo", `{"n":2}`)
	if second.Cold {
		t.Errorf("second invocation was cold; want the warm worker reused")
	}
	var a, b struct {
		Event     map[string]int `json:"event"`
		RequestID string         `json:"requestId"`
		PID       int            `json:"pid"`
	}
	mustJSON(t, first.Payload, &a)
	mustJSON(t, second.Payload, &b)
	if a.Event["n"] != 1 || b.Event["n"] != 2 || a.RequestID != first.RequestID || b.RequestID != second.RequestID {
		t.Errorf("payloads %s / %s do not echo their own events and request ids", first.Payload, second.Payload)
	}
	if a.PID != b.PID {
		t.Errorf("warm invocation ran in pid %d, cold in %d; want the same process", b.PID, a.PID)
	}
	logs := string(second.Logs)
	if !strings.HasPrefix(logs, "START RequestId: "+second.RequestID+" Version: $LATEST\n") ||
		!strings.Contains(logs, "END RequestId: "+second.RequestID+"\n") ||
		!strings.Contains(logs, "REPORT RequestId: "+second.RequestID+"\tDuration: ") {
		t.Errorf("platform log lines missing:\n%s", logs)
	}
	if !strings.Contains(string(first.Logs), "\tInit Duration: ") {
		t.Errorf("cold REPORT lacks Init Duration:\n%s", first.Logs)
	}
	if second.MaxMemoryMB <= 0 {
		t.Errorf("MaxMemoryMB = %d, want the worker's peak RSS", second.MaxMemoryMB)
	}
}

func TestLogsAttributedToTheirInvocation(t *testing.T) {
	requireInterpreter(t, "python3")
	e, _ := newTestEngine(t)
	for i := 0; i < 5; i++ {
		tag := fmt.Sprintf("tag%d", i)
		res := invoke(t, e, "logs", fmt.Sprintf(`{"tag":%q,"lines":3}`, tag))
		want := []string{tag + " line 0", tag + " line 1", tag + " line 2", tag + " to stderr", tag + " no newline"}
		for _, w := range want {
			if !strings.Contains(string(res.Logs), w+"\n") {
				t.Errorf("invocation %d logs lack %q:\n%s", i, w, res.Logs)
			}
		}
		if i > 0 && strings.Contains(string(res.Logs), fmt.Sprintf("tag%d ", i-1)) {
			t.Errorf("invocation %d logs contain the previous invocation's lines:\n%s", i, res.Logs)
		}
	}
}

func TestTimeoutKillsAndReplacesWorker(t *testing.T) {
	requireInterpreter(t, "python3")
	e, _ := newTestEngine(t)
	start := time.Now()
	res := invoke(t, e, "slow", `{"seconds":30}`)
	if res.Outcome != OutcomeTimeout {
		t.Fatalf("outcome %s, want timeout (%+v)", res.Outcome, res.Error)
	}
	want := "RequestId: " + res.RequestID + " Error: Task timed out after 1.00 seconds"
	if res.Error.Message != want || res.Error.Type != "Sandbox.Timedout" {
		t.Errorf("error %+v, want Sandbox.Timedout %q", res.Error, want)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("timed-out invocation took %s", took)
	}
	if !strings.Contains(string(res.Logs), "Status: timeout") {
		t.Errorf("REPORT lacks Status: timeout:\n%s", res.Logs)
	}
	next := invoke(t, e, "slow", `{"seconds":0}`)
	if next.Outcome != OutcomeOK || !next.Cold || string(next.Payload) != `"woke"` {
		t.Errorf("after a timeout: outcome %s cold %v payload %s; want a fresh worker answering", next.Outcome, next.Cold, next.Payload)
	}
}

func TestCrashAnswersExitErrorAtOnce(t *testing.T) {
	requireInterpreter(t, "python3")
	e, _ := newTestEngine(t)
	res := invoke(t, e, "crash", `{"code":3}`)
	if res.Outcome != OutcomeCrash || res.Error.Type != "Runtime.ExitError" {
		t.Fatalf("outcome %s error %+v, want crash Runtime.ExitError", res.Outcome, res.Error)
	}
	if want := "Error: Runtime exited with error: exit status 3"; !strings.Contains(res.Error.Message, want) {
		t.Errorf("message %q lacks %q", res.Error.Message, want)
	}
	if !strings.Contains(string(res.Logs), "about to crash\n") {
		t.Errorf("the crashing worker's last line is not in its invocation's logs:\n%s", res.Logs)
	}
}

func TestHandlerErrorShape(t *testing.T) {
	requireInterpreter(t, "python3")
	e, _ := newTestEngine(t)
	res := invoke(t, e, "fail", `{"why":"nope"}`)
	if res.Outcome != OutcomeError {
		t.Fatalf("outcome %s, want error", res.Outcome)
	}
	if res.Error.Type != "ValidationError" || res.Error.Message != "bad input: nope" {
		t.Errorf("error %+v", res.Error)
	}
	var body map[string]any
	mustJSON(t, res.Payload, &body)
	if _, ok := body["stackTrace"]; !ok {
		t.Errorf("error body %s lacks stackTrace", res.Payload)
	}
}

func TestImportErrorIsInitError(t *testing.T) {
	requireInterpreter(t, "python3")
	e, _ := newTestEngine(t)
	res := invoke(t, e, "broken", `{}`)
	if res.Outcome != OutcomeInitError || res.Error.Type != "Runtime.ImportModuleError" {
		t.Fatalf("outcome %s error %+v, want initerror Runtime.ImportModuleError", res.Outcome, res.Error)
	}
	if !strings.Contains(res.Error.Message, "module_that_does_not_exist") {
		t.Errorf("message %q does not name the missing module", res.Error.Message)
	}
}

func TestOversizedResponse(t *testing.T) {
	requireInterpreter(t, "python3")
	e, _ := newTestEngine(t)
	res := invoke(t, e, "big", `{"size":7000000}`)
	if res.Outcome != OutcomeTooLarge || res.Error.Type != "Function.ResponseSizeTooLarge" {
		t.Fatalf("outcome %s error %+v, want toolarge Function.ResponseSizeTooLarge", res.Outcome, res.Error)
	}
	ok := invoke(t, e, "big", `{"size":10}`)
	if ok.Outcome != OutcomeOK || string(ok.Payload) != `"xxxxxxxxxx"` {
		t.Errorf("after an oversized response: %s %s", ok.Outcome, ok.Payload)
	}
}

func TestRefusedBeforeAnyHandler(t *testing.T) {
	e, _ := newTestEngine(t)
	if _, err := e.Invoke(context.Background(), Request{Function: "nope"}); !errors.Is(err, ErrFunctionNotFound) {
		t.Errorf("unknown function: %v, want ErrFunctionNotFound", err)
	}
	big := make([]byte, MaxSyncPayload+1)
	if _, err := e.Invoke(context.Background(), Request{Function: "echo", Payload: big}); !errors.Is(err, ErrPayloadTooLarge) {
		t.Errorf("oversized request: %v, want ErrPayloadTooLarge", err)
	}
	async := make([]byte, MaxAsyncPayload+1)
	if err := e.Check(Request{Function: "echo", Payload: async, Async: true}); !errors.Is(err, ErrPayloadTooLarge) {
		t.Errorf("oversized Event request: %v, want ErrPayloadTooLarge", err)
	}
}

func TestFiftyConcurrentInvocations(t *testing.T) {
	requireInterpreter(t, "python3")
	e, _ := newTestEngine(t)
	invoke(t, e, "echo", `{}`)
	select {
	case <-e.Overlaps():
		t.Fatal("Overlaps signalled for a lone invocation")
	default:
	}
	const n = 50
	var wg sync.WaitGroup
	results := make([]Result, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = e.Invoke(context.Background(), Request{Function: "echo", Payload: []byte(fmt.Sprintf(`{"i":%d}`, i))})
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	pids := map[int]bool{}
	for i, res := range results {
		if errs[i] != nil || res.Outcome != OutcomeOK {
			t.Fatalf("invocation %d: err %v outcome %s %+v", i, errs[i], res.Outcome, res.Error)
		}
		var out struct {
			Event     map[string]int `json:"event"`
			RequestID string         `json:"requestId"`
			PID       int            `json:"pid"`
		}
		mustJSON(t, res.Payload, &out)
		if out.Event["i"] != i || out.RequestID != res.RequestID {
			t.Errorf("invocation %d got answer %s", i, res.Payload)
		}
		if seen[res.RequestID] {
			t.Errorf("request id %s delivered twice", res.RequestID)
		}
		seen[res.RequestID] = true
		pids[out.PID] = true
	}
	if len(pids) > 10 {
		t.Errorf("%d worker processes served; concurrency is 10", len(pids))
	}
	if len(pids) > 1 { // more than one worker: invocations overlapped
		if peak := e.ConcurrencyPeak(); peak < 2 || peak > 50 {
			t.Errorf("ConcurrencyPeak = %d after 50 concurrent invocations on %d workers", peak, len(pids))
		}
		if peak := e.ConcurrencyPeak(); peak != 0 {
			t.Errorf("ConcurrencyPeak = %d with nothing in flight, want 0", peak)
		}
		select {
		case <-e.Overlaps():
		default:
			t.Error("Overlaps never signalled though invocations overlapped")
		}
	}
}

func TestNodeAndGoHandlers(t *testing.T) {
	requireInterpreter(t, "node")
	requireInterpreter(t, "go")
	e, _ := newTestEngine(t)
	for _, fn := range []string{"nodeecho", "goecho"} {
		res := invoke(t, e, fn, `{"k":"v"}`)
		if res.Outcome != OutcomeOK {
			t.Fatalf("%s: outcome %s %+v\n%s", fn, res.Outcome, res.Error, res.Logs)
		}
		var out struct {
			Event     map[string]string `json:"event"`
			RequestID string            `json:"requestId"`
		}
		mustJSON(t, res.Payload, &out)
		if out.Event["k"] != "v" || out.RequestID != res.RequestID {
			t.Errorf("%s answered %s", fn, res.Payload)
		}
	}
	res := invoke(t, e, "goecho", `{}`)
	var out struct{ ARN string }
	mustJSON(t, res.Payload, &out)
	if want := "arn:aws:lambda:us-east-1:000000000000:function:enginetest-test-goecho"; out.ARN != want {
		t.Errorf("invoked ARN %q, want %q", out.ARN, want)
	}
}

func TestEventsTellTheStory(t *testing.T) {
	requireInterpreter(t, "python3")
	e, sub := newTestEngine(t)
	res := invoke(t, e, "logs", `{"tag":"ev","lines":1}`)
	var started, finished, lines int
	for done := false; !done; {
		select {
		case ev := <-sub.C:
			switch ev := ev.(type) {
			case InvocationStarted:
				started++
			case LogLine:
				if ev.RequestID == res.RequestID {
					lines++
				}
			case InvocationFinished:
				finished++
				done = ev.Result.RequestID == res.RequestID
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no InvocationFinished event")
		}
	}
	if started != 1 || finished != 1 || lines != 3 {
		t.Errorf("started %d finished %d log lines %d; want 1, 1, 3", started, finished, lines)
	}
}

func mustJSON(t testing.TB, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

func TestLambdaCPUs(t *testing.T) {
	for _, c := range []struct{ mem, want int }{{128, 1}, {1769, 1}, {1770, 2}, {3538, 2}, {10240, 6}} {
		if got := lambdaCPUs(c.mem); got != c.want {
			t.Errorf("lambdaCPUs(%d) = %d, want %d", c.mem, got, c.want)
		}
	}
}

func TestTailBufferKeepsTheLastBytes(t *testing.T) {
	tb := tailBuffer{max: 10}
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&tb, "%03d\n", i%1000)
	}
	if got := string(tb.bytes()); got != "7\n998\n999\n" {
		t.Errorf("tail = %q, want the last 10 bytes", got)
	}
	if cap(tb.b) > 64 {
		t.Errorf("buffer grew to %d bytes for a 10-byte tail", cap(tb.b))
	}
}
