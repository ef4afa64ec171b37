package relay

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lambdev/lambdev/engine"
	"github.com/lambdev/lambdev/engine/runtimeapi"
	"github.com/lambdev/lambdev/relay/wire"
)

// TestBridgeEndToEnd runs the real bridge binary under lambdev's Runtime
// API, through a hub, to a dev session executing Python handlers in a real
// engine. One build serves every subtest.
func TestBridgeEndToEnd(t *testing.T) {
	requirePython(t)
	bin := buildBridge(t)
	// One engine for all: each subtest has its own hub, dev session and
	// bridges, and Python cold starts are the slow part.
	eng := newTestEngine(t)
	t.Run("echo keeps request id and payload", func(t *testing.T) { testEcho(t, bin, eng) })
	t.Run("5 MB both ways", func(t *testing.T) { testLargePayload(t, bin, eng) })
	t.Run("handler error shape", func(t *testing.T) { testHandlerError(t, bin, eng) })
	t.Run("50 invocations over 10 bridges", func(t *testing.T) { testManyBridges(t, bin, eng) })
	t.Run("no dev session answers within 1s", func(t *testing.T) { testNoDevSession(t, bin) })
	t.Run("wrong token", func(t *testing.T) { testWrongToken(t, bin, eng) })
	t.Run("dev session killed mid-invocation", func(t *testing.T) { testDevKilled(t, bin, eng) })
	t.Run("frozen sandbox reconnects", func(t *testing.T) { testFrozenBridge(t, bin, eng) })
	t.Run("missing environment is an init error", func(t *testing.T) { testInitError(t, bin) })
	t.Run("tenant id relayed", func(t *testing.T) { testTenant(t, bin, eng) })
}

// The tenant Lambda names in Lambda-Runtime-Aws-Tenant-Id reaches the local
// handler of a tenant-isolated function; an invocation without one is
// refused there, as Lambda itself would.
func testTenant(t *testing.T, bin string, eng *engine.Engine) {
	_, url := startHub(t, HubOptions{})
	connectDev(t, url, testToken, eng, nil)
	b := startBridge(t, bin, url, testToken, "tenants")
	b.ready(t)
	invoke := func(tenant string) runtimeapi.Answer {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		ans, err := b.api.Invoke(ctx, runtimeapi.Invocation{
			RequestID: "tenant-" + itoa(requestSeq.Add(1)), Payload: []byte(`{}`), Deadline: time.Now().Add(20 * time.Second),
			FunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:hello-dev-tenants", TenantID: tenant,
		})
		if err != nil {
			t.Fatalf("invoke as %q: %v; bridge output:\n%s", tenant, err, b.out.String())
		}
		return ans
	}
	if ans := invoke("blue"); ans.Kind != runtimeapi.KindResponse || string(ans.Body) != `{"tenant": "blue"}` {
		t.Errorf("as blue: %s %s", ans.Kind, ans.Body)
	}
	if ans := invoke(""); ans.Kind != runtimeapi.KindError || ans.ErrorType != wire.ErrTypeInvalid || !strings.Contains(string(ans.Body), "must name a tenant") {
		t.Errorf("without a tenant: %s %s %s", ans.Kind, ans.ErrorType, ans.Body)
	}
}

func testInitError(t *testing.T, bin string) {
	b := startBridge(t, bin, "ws://127.0.0.1:1", "", "echo") // no token
	select {
	case ans := <-b.api.InitError():
		if ans.ErrorType != wire.ErrTypeConfig || !strings.Contains(string(ans.Body), "LAMBDEV_RELAY_TOKEN") {
			t.Errorf("init error %q: %s", ans.ErrorType, ans.Body)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no init error reported")
	}
}

// echoed is what the echo handler returns.
type echoed struct {
	RequestID string          `json:"requestId"`
	Event     json.RawMessage `json:"event"`
}

func decodeEcho(t *testing.T, ans runtimeapi.Answer) echoed {
	t.Helper()
	if ans.Kind != runtimeapi.KindResponse {
		t.Fatalf("answer %s %s: %.300s", ans.Kind, ans.ErrorType, ans.Body)
	}
	var e echoed
	if err := json.Unmarshal(ans.Body, &e); err != nil {
		t.Fatalf("echo body %.200q: %v", ans.Body, err)
	}
	return e
}

// sameJSON compares JSON values: Python re-serialises the event it echoes.
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func testEcho(t *testing.T, bin string, eng *engine.Engine) {
	_, url := startHub(t, HubOptions{})
	connectDev(t, url, testToken, eng, nil)
	b := startBridge(t, bin, url, testToken, "echo")
	for i := range 3 { // cold, then warm over the same link
		payload := fmt.Sprintf(`{"n":%d,"s":"héllo"}`, i)
		ans, id, _ := b.invoke(t, []byte(payload), 30*time.Second)
		e := decodeEcho(t, ans)
		if e.RequestID != id || !sameJSON(e.Event, []byte(payload)) {
			t.Errorf("echo: request id %q event %s, want %q %s", e.RequestID, e.Event, id, payload)
		}
		if ans.ContentType != "application/json" {
			t.Errorf("content type %q, want application/json", ans.ContentType)
		}
	}
}

func testLargePayload(t *testing.T, bin string, eng *engine.Engine) {
	_, url := startHub(t, HubOptions{})
	connectDev(t, url, testToken, eng, nil)
	b := startBridge(t, bin, url, testToken, "echo")
	blob := strings.Repeat("0123456789abcdef", 5<<20/16) // 5 MiB
	payload := []byte(`{"blob":"` + blob + `"}`)
	ans, _, took := b.invoke(t, payload, 60*time.Second)
	e := decodeEcho(t, ans)
	if !sameJSON(e.Event, payload) {
		t.Fatalf("5 MB event came back as %d bytes, want %d identical", len(e.Event), len(payload))
	}
	if len(ans.Body) < 5<<20 {
		t.Errorf("response is %d bytes, want over 5 MiB", len(ans.Body))
	}
	t.Logf("5 MiB each way in %s", took)
}

func testHandlerError(t *testing.T, bin string, eng *engine.Engine) {
	_, url := startHub(t, HubOptions{})
	connectDev(t, url, testToken, eng, nil)
	b := startBridge(t, bin, url, testToken, "fail")
	ans, _, _ := b.invoke(t, []byte(`{"why":"nope"}`), 30*time.Second)
	if ans.Kind != runtimeapi.KindError || ans.ErrorType != "ValidationError" {
		t.Fatalf("answer %s type %q, want error ValidationError: %s", ans.Kind, ans.ErrorType, ans.Body)
	}
	var body struct {
		Type    string   `json:"errorType"`
		Message string   `json:"errorMessage"`
		Trace   []string `json:"stackTrace"`
	}
	if err := json.Unmarshal(ans.Body, &body); err != nil {
		t.Fatalf("error body %s: %v", ans.Body, err)
	}
	if body.Type != "ValidationError" || body.Message != "bad input: nope" || len(body.Trace) == 0 {
		t.Errorf("error body %s: want Python's errorType, errorMessage and string stackTrace verbatim", ans.Body)
	}
}

// testManyBridges runs 50 invocations as Lambda would: one at a time per
// sandbox, so 10 bridge processes × 5 sequential. (TestHubConcurrent covers
// 50 truly concurrent invocations at the protocol level, without 50
// processes.)
func testManyBridges(t *testing.T, bin string, eng *engine.Engine) {
	_, url := startHub(t, HubOptions{})
	connectDev(t, url, testToken, eng, nil)
	bridges := make([]*bridgeProc, 10)
	for i := range bridges {
		bridges[i] = startBridge(t, bin, url, testToken, "echo")
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[string]bool{}
	for i, b := range bridges {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 5 {
				payload := fmt.Sprintf(`{"bridge":%d,"n":%d}`, i, j)
				ans, id, _ := b.invoke(t, []byte(payload), 60*time.Second)
				e := decodeEcho(t, ans)
				mu.Lock()
				if seen[id] || e.RequestID != id || !sameJSON(e.Event, []byte(payload)) {
					t.Errorf("bridge %d #%d: got %s for %s (seen before: %v)", i, j, e.Event, id, seen[id])
				}
				seen[id] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != 50 {
		t.Errorf("%d distinct invocations answered, want 50", len(seen))
	}
}

func testNoDevSession(t *testing.T, bin string) {
	_, url := startHub(t, HubOptions{})
	b := startBridge(t, bin, url, testToken, "echo")
	b.ready(t)
	for range 2 {
		ans, _, took := b.invoke(t, []byte(`{}`), 60*time.Second)
		if ans.Kind != runtimeapi.KindError || ans.ErrorType != wire.ErrTypeNoDevSession {
			t.Fatalf("answer %s %q: %s, want %s", ans.Kind, ans.ErrorType, ans.Body, wire.ErrTypeNoDevSession)
		}
		if want := "lambdev dev is not running for app hello stage dev"; !strings.Contains(string(ans.Body), want) {
			t.Errorf("body %s lacks %q", ans.Body, want)
		}
		if took > time.Second {
			t.Errorf("answered in %s; the product promises under 1s", took)
		}
		t.Logf("no dev session answered in %s", took)
	}
}

func testWrongToken(t *testing.T, bin string, eng *engine.Engine) {
	_, url := startHub(t, HubOptions{})
	ex := &countingExec{Executor: eng}
	connectDev(t, url, testToken, ex, nil)
	b := startBridge(t, bin, url, "not-the-token", "echo")
	ans, _, took := b.invoke(t, []byte(`{}`), 60*time.Second)
	if ans.Kind != runtimeapi.KindError || ans.ErrorType != wire.ErrTypeUnreachable || !strings.Contains(string(ans.Body), "refused") {
		t.Fatalf("answer %s %q: %s, want %s refused", ans.Kind, ans.ErrorType, ans.Body, wire.ErrTypeUnreachable)
	}
	if n := ex.n.Load(); n != 0 {
		t.Errorf("%d invocations executed with a wrong bridge token", n)
	}
	if took > time.Second {
		t.Errorf("refusal took %s", took)
	}
}

func testDevKilled(t *testing.T, bin string, eng *engine.Engine) {
	_, url := startHub(t, HubOptions{})
	sub := eng.Subscribe(256)
	defer sub.Close()
	var tracker connTracker
	connectDev(t, url, testToken, eng, tracker.client())
	b := startBridge(t, bin, url, testToken, "slow")
	type result struct {
		ans  runtimeapi.Answer
		took time.Duration
	}
	done := make(chan result, 1)
	go func() {
		ans, _, took := b.invoke(t, []byte(`{"seconds":30}`), 60*time.Second)
		done <- result{ans, took}
	}()
	for ev := range sub.C { // the handler is running in the dev session
		if s, ok := ev.(engine.InvocationStarted); ok && s.Function == "slow" {
			break
		}
	}
	killed := time.Now()
	tracker.cut()
	select {
	case r := <-done:
		if r.ans.Kind != runtimeapi.KindError || r.ans.ErrorType != wire.ErrTypeDevSessionLost {
			t.Fatalf("answer %s %q: %s, want %s", r.ans.Kind, r.ans.ErrorType, r.ans.Body, wire.ErrTypeDevSessionLost)
		}
		t.Logf("bridge answered %s after the dev session was killed", time.Since(killed))
	case <-time.After(5 * time.Second):
		t.Fatal("the bridge did not answer within 5s of the dev session dying")
	}
}

// testFrozenBridge freezes the bridge (SIGSTOP, as Lambda freezes a sandbox
// between invocations) until the hub drops its silent link, then thaws it:
// the next invocation must find the link dead and reconnect.
func testFrozenBridge(t *testing.T, bin string, eng *engine.Engine) {
	dropped := make(chan struct{}, 1)
	_, url := startHub(t, HubOptions{PingInterval: 100 * time.Millisecond, Logf: func(format string, args ...any) {
		if strings.Contains(format, "bridge for") {
			select {
			case dropped <- struct{}{}:
			default:
			}
		}
		t.Logf(format, args...)
	}})
	connectDev(t, url, testToken, eng, nil)
	b := startBridge(t, bin, url, testToken, "echo")
	if ans, _, _ := b.invoke(t, []byte(`{"n":1}`), time.Minute); ans.Kind != runtimeapi.KindResponse {
		t.Fatalf("before the freeze: %s %s", ans.Kind, ans.Body)
	}
	if err := b.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	select {
	case <-dropped:
	case <-time.After(10 * time.Second):
		t.Fatal("the hub kept a frozen bridge's link")
	}
	if err := b.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	ans, id, _ := b.invoke(t, []byte(`{"n":2}`), time.Minute)
	if e := decodeEcho(t, ans); e.RequestID != id {
		t.Errorf("after the thaw: answer for %q, want %q", e.RequestID, id)
	}
}
