package runtimes_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/lambdev/lambdev/engine/runtimeapi"
	"github.com/lambdev/lambdev/engine/runtimes"
)

// waitLimit bounds every wait in these tests; nothing here should take long.
const waitLimit = 20 * time.Second

// requireTool skips the test when tool is not on PATH, unless
// LAMBDEV_REQUIRE_ALL=1 asks for every family to be tested.
func requireTool(t testing.TB, tool string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		if os.Getenv("LAMBDEV_REQUIRE_ALL") == "1" {
			t.Fatalf("%s not on PATH and LAMBDEV_REQUIRE_ALL=1", tool)
		}
		t.Skipf("%s not on PATH", tool)
	}
}

// testdata returns the absolute path of a testdata directory.
func testdata(t testing.TB, elem ...string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(append([]string{"testdata"}, elem...)...))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// prepare runs the family's launcher for spec, giving it a fresh BuildDir.
func prepare(t testing.TB, spec runtimes.Spec) *runtimes.Prepared {
	t.Helper()
	l, err := runtimes.For(spec.Family)
	if err != nil {
		t.Fatal(err)
	}
	if spec.BuildDir == "" {
		spec.BuildDir = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p, err := l.Prepare(ctx, spec)
	if err != nil {
		t.Fatalf("Prepare(%s): %v", spec.Family, err)
	}
	return p
}

// output collects a worker's combined stdout and stderr and lets tests wait
// for text to appear without sleeping.
type output struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newOutput() *output { return &output{changed: make(chan struct{})} }

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf.Write(p)
	close(o.changed)
	o.changed = make(chan struct{})
	return len(p), nil
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// waitFor blocks until the output contains s or waitLimit passes.
func (o *output) waitFor(t testing.TB, s string) {
	t.Helper()
	timeout := time.After(waitLimit)
	for {
		o.mu.Lock()
		has, ch := strings.Contains(o.buf.String(), s), o.changed
		o.mu.Unlock()
		if has {
			return
		}
		select {
		case <-ch:
		case <-timeout:
			t.Fatalf("output never contained %q; got:\n%s", s, o.String())
		}
	}
}

// worker is one runtime process attached to its own Runtime API server.
type worker struct {
	srv    *runtimeapi.Server
	raw    *recorder // nil when the worker talks to srv directly
	cmd    *exec.Cmd
	out    *output
	exited chan struct{} // closed once the process has been waited for
	once   sync.Once
}

// stop kills the worker's process group, reaps it and closes its server.
func (w *worker) stop() {
	w.once.Do(func() {
		_ = syscall.Kill(-w.cmd.Process.Pid, syscall.SIGKILL)
		<-w.exited
		if w.srv != nil {
			w.srv.Close()
		}
	})
}

// recorder is a reverse proxy in front of a runtimeapi.Server that keeps the
// exact error bodies the runtime posts. runtimeapi normalises error JSON for
// invokers; these tests pin down what the bootstrap itself sends.
type recorder struct {
	mu     sync.Mutex
	bodies map[string][]byte // request ID (or "init") → raw /error body
	types  map[string]string // same keys → Lambda-Runtime-Function-Error-Type
}

// listenRecorder serves a recording proxy to target and returns its address.
func listenRecorder(t testing.TB, target string) (*recorder, string) {
	rec := &recorder{bodies: map[string][]byte{}, types: map[string]string{}}
	upstream := &url.URL{Scheme: "http", Host: target}
	proxy := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(upstream)
		// The outgoing request holds a copy of the incoming trailer map,
		// taken before the body was read; share the incoming one, filled by
		// the time the body's end is forwarded, so streamed errors (§1.6)
		// pass through.
		pr.Out.Trailer = pr.In.Trailer
	}}
	proxy.ErrorLog = log.New(io.Discard, "", 0) // workers killed mid-/next are expected
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		const prefix = "/2018-06-01/runtime/"
		path := strings.TrimPrefix(r.URL.Path, prefix)
		key := ""
		switch {
		case path == "init/error":
			key = "init"
		case strings.HasPrefix(path, "invocation/") && strings.HasSuffix(path, "/error"):
			key = strings.TrimSuffix(strings.TrimPrefix(path, "invocation/"), "/error")
		}
		if key != "" {
			body, _ := io.ReadAll(r.Body)
			rec.mu.Lock()
			rec.bodies[key], rec.types[key] = body, r.Header.Get("Lambda-Runtime-Function-Error-Type")
			rec.mu.Unlock()
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return rec, srv.Listener.Addr().String()
}

// errorBody returns the raw error body and error-type header posted for key.
func (r *recorder) errorBody(key string) ([]byte, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.bodies[key], r.types[key]
}

// lambdaEnv is the environment the engine gives a worker, minus the API address.
func lambdaEnv(spec runtimes.Spec, p *runtimes.Prepared) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"LANG=en_US.UTF-8",
		"TZ=:UTC",
		"_HANDLER=" + spec.Handler,
		"LAMBDA_TASK_ROOT=" + spec.CodeDir,
		"AWS_LAMBDA_FUNCTION_NAME=" + spec.LambdaName,
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
		"AWS_REGION=eu-west-1",
		"AWS_DEFAULT_REGION=eu-west-1",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + spec.LambdaName,
		"AWS_LAMBDA_LOG_STREAM_NAME=2026/01/02/[$LATEST]0123456789abcdef",
	}
	if spec.Family != runtimes.Provided && spec.Family != runtimes.Go {
		env = append(env, "AWS_EXECUTION_ENV=AWS_Lambda_"+spec.Runtime)
	}
	return append(env, p.Env...)
}

// startWorker starts a worker for p behind a recording proxy.
func startWorker(t testing.TB, spec runtimes.Spec, p *runtimes.Prepared) *worker {
	t.Helper()
	return spawn(t, spec, p, true)
}

// spawn starts a worker for p, with or without the recording proxy; the
// process group is killed in Cleanup.
func spawn(t testing.TB, spec runtimes.Spec, p *runtimes.Prepared, record bool) *worker {
	t.Helper()
	srv, err := runtimeapi.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w := &worker{srv: srv, out: newOutput(), exited: make(chan struct{})}
	addr := srv.Addr()
	if record {
		w.raw, addr = listenRecorder(t, addr)
	}
	w.cmd = exec.Command(p.Path, p.Args...)
	w.cmd.Env = []string{"AWS_LAMBDA_RUNTIME_API=" + addr}
	w.start(t, spec, p)
	return w
}

// spawnProcess starts a worker without a Runtime API server: p.Env must
// name one (AWS_LAMBDA_RUNTIME_API).
func spawnProcess(t testing.TB, spec runtimes.Spec, p *runtimes.Prepared) *worker {
	t.Helper()
	w := &worker{out: newOutput(), exited: make(chan struct{})}
	w.cmd = exec.Command(p.Path, p.Args...)
	w.start(t, spec, p)
	return w
}

// start runs w.cmd with the Lambda environment (after any env already set)
// and registers the kill of its process group.
func (w *worker) start(t testing.TB, spec runtimes.Spec, p *runtimes.Prepared) {
	t.Helper()
	w.cmd.Dir = p.Dir
	w.cmd.Env = append(lambdaEnv(spec, p), w.cmd.Env...)
	w.cmd.Stdout, w.cmd.Stderr = w.out, w.out
	w.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := w.cmd.Start(); err != nil {
		if w.srv != nil {
			w.srv.Close()
		}
		t.Fatal(err)
	}
	go func() {
		_ = w.cmd.Wait()
		close(w.exited)
	}()
	t.Cleanup(func() {
		w.stop()
		if t.Failed() {
			t.Logf("worker output:\n%s", w.out.String())
		}
	})
}

// ready waits until the runtime calls /next; it fails on an init error or exit.
func (w *worker) ready(t testing.TB) {
	t.Helper()
	select {
	case <-w.srv.Ready():
	case a := <-w.srv.InitError():
		t.Fatalf("init error: %s", a.Body)
	case <-w.exited:
		t.Fatalf("worker exited before /next: %v\n%s", w.cmd.ProcessState, w.out.String())
	case <-time.After(waitLimit):
		t.Fatal("worker never called /next")
	}
}

// initError waits for the runtime's /init/error report and its exit.
func (w *worker) initError(t testing.TB) runtimeapi.Answer {
	t.Helper()
	var a runtimeapi.Answer
	select {
	case a = <-w.srv.InitError():
	case <-w.srv.Ready():
		t.Fatal("runtime reached /next; expected an init error")
	case <-time.After(waitLimit):
		t.Fatal("no init error reported")
	}
	w.exitCode(t, "after its init error")
	return a
}

// exitCode waits for the worker to exit (failing t if it is still running
// after waitLimit; why says what should have ended it) and returns its code.
func (w *worker) exitCode(t testing.TB, why string) int {
	t.Helper()
	select {
	case <-w.exited:
	case <-time.After(waitLimit):
		t.Fatal("worker still running " + why)
	}
	return w.cmd.ProcessState.ExitCode()
}

var requestSeq atomic.Int64

// invocation builds a test invocation with a fresh request ID.
func invocation(payload string) runtimeapi.Invocation {
	return runtimeapi.Invocation{
		RequestID:   fmt.Sprintf("req-%d", requestSeq.Add(1)),
		Payload:     []byte(payload),
		Deadline:    time.Now().Add(30 * time.Second),
		FunctionARN: "arn:aws:lambda:eu-west-1:123456789012:function:fn",
		TraceID:     "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
	}
}

// invoke sends inv and waits for the runtime's answer.
func (w *worker) invoke(t testing.TB, inv runtimeapi.Invocation) runtimeapi.Answer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	a, err := w.srv.Invoke(ctx, inv)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("invoke %s timed out; output:\n%s", inv.RequestID, w.out.String())
		}
		t.Fatalf("invoke %s: %v", inv.RequestID, err)
	}
	return a
}
