package runtimeapi

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// testTimeout guards every blocking wait so a bug fails a test instead of
// hanging it; it is never used to synchronise.
const testTimeout = 20 * time.Second

var (
	buildOnce  sync.Once
	buildDir   string
	handlerBin string
	buildErr   error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// goHandler builds testdata/gohandler with aws-lambda-go, once per test binary.
func goHandler(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "runtimeapi-gohandler-")
		if buildErr != nil {
			return
		}
		handlerBin = filepath.Join(buildDir, "bootstrap")
		cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-o", handlerBin, "./testdata/gohandler")
		var out []byte
		out, buildErr = cmd.CombinedOutput()
		if buildErr != nil {
			buildErr = &buildError{err: buildErr, out: string(out)}
		}
	})
	if buildErr != nil {
		tb.Fatalf("build gohandler: %v", buildErr)
	}
	return handlerBin
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// startServer listens on a loopback port and closes the server on cleanup.
func startServer(tb testing.TB) *Server {
	tb.Helper()
	srv, err := Listen("127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = srv.Close() })
	return srv
}

// worker is a running gohandler process.
type worker struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has exited
	stderr syncBuffer
}

// startWorker runs the aws-lambda-go handler against srv and kills it on cleanup.
func startWorker(tb testing.TB, srv *Server, env ...string) *worker {
	tb.Helper()
	w := &worker{cmd: exec.Command(goHandler(tb)), exited: make(chan struct{})}
	w.cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"AWS_LAMBDA_RUNTIME_API=" + srv.Addr(),
		"AWS_LAMBDA_FUNCTION_NAME=gohandler",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"TZ=:UTC",
	}, env...)
	w.cmd.Stderr = &w.stderr
	w.cmd.Stdout = &w.stderr
	if err := w.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() { _ = w.cmd.Wait(); close(w.exited) }()
	tb.Cleanup(func() {
		_ = w.cmd.Process.Kill()
		<-w.exited
	})
	return w
}

// waitExit fails unless the process exits within testTimeout.
func (w *worker) waitExit(tb testing.TB) {
	tb.Helper()
	select {
	case <-w.exited:
	case <-time.After(testTimeout):
		tb.Fatalf("worker did not exit; output:\n%s", w.stderr.String())
	}
}

// invocation returns a ready-to-send Invocation for event.
func invocation(id, event string) Invocation {
	return Invocation{
		RequestID:   id,
		Payload:     []byte(event),
		Deadline:    time.Now().Add(testTimeout),
		FunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:gohandler",
		TraceID:     "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
	}
}

// invoke calls srv.Invoke under testTimeout and fails on error.
func invoke(tb testing.TB, srv *Server, inv Invocation) Answer {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	a, err := srv.Invoke(ctx, inv)
	if err != nil {
		tb.Fatalf("Invoke %s: %v", inv.RequestID, err)
	}
	return a
}

// result is an asynchronous Invoke outcome.
type result struct {
	a   Answer
	err error
}

// invokeAsync runs Invoke in the background.
func invokeAsync(ctx context.Context, srv *Server, inv Invocation) <-chan result {
	ch := make(chan result, 1)
	go func() {
		a, err := srv.Invoke(ctx, inv)
		ch <- result{a, err}
	}()
	return ch
}

// await receives from ch under testTimeout.
func await[T any](tb testing.TB, ch <-chan T) T {
	tb.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(testTimeout):
		tb.Fatal("timed out waiting")
	}
	panic("unreachable")
}

// syncBuffer is a goroutine-safe bytes.Buffer for process output.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// rawClient talks to srv like a runtime would, with plain net/http.
type rawClient struct {
	tb   testing.TB
	base string
	c    *http.Client
}

func newRawClient(tb testing.TB, srv *Server) *rawClient {
	tr := &http.Transport{}
	tb.Cleanup(tr.CloseIdleConnections)
	return &rawClient{tb: tb, base: "http://" + srv.Addr(), c: &http.Client{Transport: tr}}
}

// do sends a request and returns status, headers and body.
func (rc *rawClient) do(req *http.Request) (int, http.Header, string) {
	rc.tb.Helper()
	resp, err := rc.c.Do(req)
	if err != nil {
		rc.tb.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		rc.tb.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

func (rc *rawClient) request(method, path string, body io.Reader) *http.Request {
	req, err := http.NewRequest(method, rc.base+path, body)
	if err != nil {
		rc.tb.Fatal(err)
	}
	return req
}

// next does GET /runtime/invocation/next.
func (rc *rawClient) next() (int, http.Header, string) {
	rc.tb.Helper()
	return rc.do(rc.request(http.MethodGet, "/2018-06-01/runtime/invocation/next", nil))
}

// post POSTs body to a runtime path such as "invocation/{id}/response".
func (rc *rawClient) post(path, body string, hdr ...string) (int, string) {
	rc.tb.Helper()
	req := rc.request(http.MethodPost, "/2018-06-01/runtime/"+path, bytes.NewBufferString(body))
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	status, _, got := rc.do(req)
	return status, got
}
