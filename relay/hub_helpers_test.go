package relay

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine"
	"github.com/lambdev/lambdev/engine/runtimeapi"
)

// Stage and token of the test project (testdata/proj).
const (
	testApp   = "hello"
	testStage = "dev"
	testToken = "s3cret-token"
)

// requirePython skips when python3 is missing, unless LAMBDEV_REQUIRE_ALL=1.
func requirePython(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		if os.Getenv("LAMBDEV_REQUIRE_ALL") == "1" {
			t.Fatalf("python3 is required (LAMBDEV_REQUIRE_ALL=1): %v", err)
		}
		t.Skip("python3 not on PATH")
	}
}

// buildBridge compiles the bridge as Lambda would run it (static, norpc).
func buildBridge(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bootstrap")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-o", bin, "./bridge")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build bridge: %v\n%s", err, out)
	}
	return bin
}

// newTestEngine loads testdata/proj and closes the engine at cleanup.
func newTestEngine(t testing.TB) *engine.Engine {
	t.Helper()
	p, err := config.Load("testdata/proj/lambdev.yaml", config.LoadOptions{})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	e, err := engine.New(p, engine.Options{BuildDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// startHub serves a hub for the test stage on a loopback listener.
func startHub(t testing.TB, opts HubOptions) (*Hub, string) {
	t.Helper()
	if opts.Tokens == nil {
		opts.Tokens = map[string]string{testApp + "/" + testStage: testToken}
	}
	if opts.Logf == nil {
		opts.Logf = t.Logf
	}
	h, err := NewHub(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	var once sync.Once
	t.Cleanup(func() {
		once.Do(func() { _ = h.Close(); srv.Close() })
	})
	return h, "ws" + strings.TrimPrefix(srv.URL, "http")
}

// connectDev connects a dev session and waits until the hub welcomed it.
func connectDev(t testing.TB, url, token string, ex Executor, hc *http.Client) *Client {
	t.Helper()
	states := make(chan State, 64)
	c, err := Connect(context.Background(), ClientOptions{
		URL: url, Token: token, App: testApp, Stage: testStage, Executor: ex, HTTPClient: hc,
		Logf:    t.Logf,
		OnState: func(s State, _ error) { states <- s },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	waitState(t, states, StateConnected)
	return c
}

func waitState(t testing.TB, states <-chan State, want State) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case s := <-states:
			if s == want {
				return
			}
		case <-timeout:
			t.Fatalf("client never reached %s", want)
		}
	}
}

// bridgeProc is a bridge process running under lambdev's Runtime API.
type bridgeProc struct {
	api *runtimeapi.Server
	cmd *exec.Cmd
	out *syncBuffer
}

// startBridge runs the bridge binary for function fn with the given hub URL
// and token (and any more environment), killing it at cleanup.
func startBridge(t testing.TB, bin, url, token, fn string, env ...string) *bridgeProc {
	t.Helper()
	api, err := runtimeapi.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &bridgeProc{api: api, cmd: exec.Command(bin), out: &syncBuffer{}}
	b.cmd.Env = []string{
		"AWS_LAMBDA_RUNTIME_API=" + api.Addr(),
		"LAMBDEV_RELAY_URL=" + url, "LAMBDEV_RELAY_TOKEN=" + token,
		"LAMBDEV_APP=" + testApp, "LAMBDEV_STAGE=" + testStage, "LAMBDEV_FUNCTION=" + fn,
	}
	b.cmd.Env = append(b.cmd.Env, env...)
	b.cmd.Stdout, b.cmd.Stderr = b.out, b.out
	if err := b.cmd.Start(); err != nil {
		_ = api.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = b.cmd.Process.Kill()
		_ = b.cmd.Wait()
		_ = api.Close()
		if t.Failed() && b.out.Len() > 0 {
			t.Logf("bridge output:\n%s", b.out.String())
		}
	})
	return b
}

// ready waits for the bridge's first /next (its init, including the warm dial).
func (b *bridgeProc) ready(t testing.TB) {
	t.Helper()
	select {
	case <-b.api.Ready():
	case <-time.After(10 * time.Second):
		t.Fatalf("bridge never called /next; output:\n%s", b.out.String())
	}
}

var requestSeq atomic.Int64

// invoke runs one invocation through the bridge and times it.
func (b *bridgeProc) invoke(t testing.TB, payload []byte, timeout time.Duration) (runtimeapi.Answer, string, time.Duration) {
	t.Helper()
	id := "req-" + strings.ReplaceAll(t.Name(), "/", "-") + "-" + itoa(requestSeq.Add(1))
	start := time.Now()
	// Lambda would end the sandbox at the deadline; a bridge that died
	// without answering fails the test a little after it, not at go test's.
	ctx, cancel := context.WithTimeout(context.Background(), timeout+5*time.Second)
	defer cancel()
	ans, err := b.api.Invoke(ctx, runtimeapi.Invocation{
		RequestID: id, Payload: payload, Deadline: start.Add(timeout),
		FunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:hello-dev-echo",
		TraceID:     "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
	})
	if err != nil {
		t.Fatalf("invoke %s: %v; bridge output:\n%s", id, err, b.out.String())
	}
	return ans, id, time.Since(start)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// syncBuffer collects a process's output safely.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Len()
}

// countingExec counts invocations reaching the executor.
type countingExec struct {
	Executor
	n atomic.Int64
}

func (c *countingExec) Invoke(ctx context.Context, req engine.Request) (engine.Result, error) {
	c.n.Add(1)
	return c.Executor.Invoke(ctx, req)
}

// connTracker is an HTTP client whose TCP connections the test can cut.
type connTracker struct {
	mu    sync.Mutex
	conns []net.Conn
}

func (c *connTracker) client() *http.Client {
	d := &net.Dialer{}
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := d.DialContext(ctx, network, addr)
		if err == nil {
			c.mu.Lock()
			c.conns = append(c.conns, conn)
			c.mu.Unlock()
		}
		return conn, err
	}}}
}

// cut closes every connection, as if the dev process had been killed.
func (c *connTracker) cut() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, conn := range c.conns {
		_ = conn.Close()
	}
}
