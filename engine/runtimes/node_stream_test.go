package runtimes_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lambdev/lambdev/engine/runtimeapi"
)

// startNodeStream starts a node worker on testdata/nodestream's handler,
// behind the recording proxy (which passes request trailers on).
func startNodeStream(t testing.TB, handler string) *worker {
	t.Helper()
	requireTool(t, "node")
	spec := nodeSpec(t, handler)
	spec.CodeDir = testdata(t, "nodestream")
	w := startWorker(t, spec, prepare(t, spec))
	w.ready(t)
	return w
}

// prelude is a function URL response's metadata and its 8 NUL bytes.
func prelude(json string) string { return json + strings.Repeat("\x00", 8) }

// TestNodeStreamResponses runs streamified handlers (awslambda.streamifyResponse)
// through runtimeapi, which buffers a streamed /response: the body is every
// byte written, the content type the one the stream declared.
func TestNodeStreamResponses(t *testing.T) {
	const integration = "application/vnd.awslambda.http-integration-response"
	tests := []struct {
		handler, body, contentType string
	}{
		{"esm.handler", "hello ann, bye", "text/plain"},
		{"cjs.handler", "a,b\n1,2\napp-dev-fn\n", "text/csv"},
		{"esm.octets", "\x00\x01\x02", "application/octet-stream"},
		{"esm.url", prelude(`{"statusCode":201,"headers":{"x-custom":"yes"},"cookies":["a=1"]}`) + "<p>made</p>", integration},
		{"cjs.url", prelude(`{"statusCode":404,"headers":{"content-type":"text/plain"}}`) + "not here", integration},
		{"esm.watermark", "1234", "application/octet-stream"},
		{"esm.endsLater", "now, later", "application/octet-stream"},
		{"esm.endThenThrow", "done", "application/octet-stream"}, // ended: the error is only logged
	}
	for _, tt := range tests {
		t.Run(tt.handler, func(t *testing.T) {
			t.Parallel()
			w := startNodeStream(t, tt.handler)
			for range 2 { // after a stream, the worker takes the next event
				a := w.invoke(t, invocation(`{"name":"ann"}`))
				if a.Kind != runtimeapi.KindResponse || string(a.Body) != tt.body || a.ContentType != tt.contentType {
					t.Errorf("got %v %q %q, want %q %q", a.Kind, a.Body, a.ContentType, tt.body, tt.contentType)
				}
			}
		})
	}
}

// TestNodeStreamContextAndLogs checks a streaming handler gets the same
// context as any other and its logs carry its request ID.
func TestNodeStreamContextAndLogs(t *testing.T) {
	w := startNodeStream(t, "esm.context")
	inv := invocation(`{"a":1}`)
	a := w.invoke(t, inv)
	var got map[string]any
	if err := json.Unmarshal(a.Body, &got); err != nil {
		t.Fatalf("%v: %s", err, a.Body)
	}
	want := map[string]any{
		"event":              map[string]any{"a": 1.0},
		"awsRequestId":       inv.RequestID,
		"functionName":       "app-dev-fn",
		"invokedFunctionArn": inv.FunctionARN,
		"remainingOk":        true,
		"traceId":            inv.TraceID,
		"writable":           true,
		"highWaterMark":      16384.0, // Node's default for a Writable
	}
	for k, v := range want {
		if fmt.Sprint(got[k]) != fmt.Sprint(v) {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}

	w = startNodeStream(t, "esm.handler")
	inv = invocation(`{"name":"bob"}`)
	w.invoke(t, inv)
	w.out.waitFor(t, "\t"+inv.RequestID+"\tINFO\tstreaming for "+inv.RequestID+"\n")
}

// TestNodeStreamErrors checks errors of streaming handlers, before or after
// their first write, reach the invoker through the /response trailers as the
// AWS runtime reports them ({errorType, errorMessage, trace}), and the
// worker lives on.
func TestNodeStreamErrors(t *testing.T) {
	tests := []struct {
		handler, errorType, message, traceHead string
	}{
		{"esm.midFail", "RangeError", "mid-stream boom", "RangeError: mid-stream boom"},
		{"esm.early", "TypeError", "early boom", "TypeError: early boom"},
		{"esm.pipeFail", "SyntaxError", "source broke", "SyntaxError: source broke"},
		{"esm.lateType", "Runtime.InvalidStreamingOperation", "Cannot set content-type, too late.", "Runtime.InvalidStreamingOperation"},
		{"esm.notAsync", "Error", "Streaming does not support non-async handlers.", "Error: Streaming"},
		{"esm.writesThenThrow", "EvalError", "after 64 writes", "EvalError: after 64 writes"},
	}
	for _, tt := range tests {
		t.Run(tt.handler, func(t *testing.T) {
			t.Parallel()
			w := startNodeStream(t, tt.handler)
			for range 2 {
				a := w.invoke(t, invocation(`{}`))
				if a.Kind != runtimeapi.KindError || a.ErrorType != tt.errorType {
					t.Fatalf("answer %v %q %s; want error %q", a.Kind, a.ErrorType, a.Body, tt.errorType)
				}
				checkNodeError(t, a.Body, tt.errorType, tt.message, tt.traceHead)
			}
			w.out.waitFor(t, "\tERROR\tInvoke Error \t{\"errorType\":\""+tt.errorType+"\"")
		})
	}
}

// TestNodeStreamUncaughtException ends the stream with the error in its
// trailers, then the worker, as an uncaught exception ends any invocation.
func TestNodeStreamUncaughtException(t *testing.T) {
	w := startNodeStream(t, "esm.uncaught")
	a := w.invoke(t, invocation(`{}`))
	if a.Kind != runtimeapi.KindError || a.ErrorType != "Error" || !bytes.Contains(a.Body, []byte(`"errorMessage":"async boom"`)) {
		t.Errorf("answer %v %q %s", a.Kind, a.ErrorType, a.Body)
	}
	if code := w.exitCode(t, "after an uncaught exception"); code != 129 {
		t.Errorf("exit code %d, want 129", code)
	}
}

// TestNodeStreamNeverEnded: like AWS's runtime, the bootstrap waits for the
// stream's end after the handler resolves (TestNodeStreamResponses'
// endsLater relies on it), so a stream never ended leaves the invocation
// open until its timeout.
func TestNodeStreamNeverEnded(t *testing.T) {
	w := startNodeStream(t, "esm.neverEnds")
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if a, err := w.srv.Invoke(ctx, invocation(`{}`)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v %q, %v; want the invocation still open", a.Kind, a.Body, err)
	}
	select {
	case <-w.exited:
		t.Errorf("worker exited: %v", w.cmd.ProcessState)
	default:
	}
}

// TestNodeStreamingHandlerInitErrors checks a handler marked for a streaming
// mode other than "response" fails init, as in AWS's runtime.
func TestNodeStreamingHandlerInitErrors(t *testing.T) {
	requireTool(t, "node")
	spec := nodeSpec(t, "cjs.badMode")
	spec.CodeDir = testdata(t, "nodestream")
	w := spawn(t, spec, prepare(t, spec), false)
	a := w.initError(t)
	if a.ErrorType != "Runtime.MalformedStreamingHandler" || !bytes.Contains(a.Body, []byte("Only response streaming is supported.")) {
		t.Errorf("init error %q %s", a.ErrorType, a.Body)
	}
}

// TestNodeAwslambdaGlobalForEveryHandler checks handlers that do not stream
// see awslambda too, already while their module loads, and that their
// worker has not loaded node:http, which only streaming uses.
func TestNodeAwslambdaGlobalForEveryHandler(t *testing.T) {
	tests := []struct{ handler, want string }{
		{"plain.handler", `{"atLoad":"object","streamifyResponse":"function","from":"function","httpLoaded":false}`},
		{"plainesm.handler", `{"atLoad":"object","event":{"k":"v"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.handler, func(t *testing.T) {
			t.Parallel()
			w := startNodeStream(t, tt.handler)
			a := w.invoke(t, invocation(`{"k":"v"}`))
			if a.Kind != runtimeapi.KindResponse || string(a.Body) != tt.want || a.ContentType != "application/json" {
				t.Errorf("got %v %q %q, want %s", a.Kind, a.Body, a.ContentType, tt.want)
			}
		})
	}
}

// streamPeer is a hand-made Runtime API that serves one event and reads the
// streamed /response as it comes: runtimeapi buffers it, so only such a peer
// sees whether it is streamed, and the raw body and trailers.
type streamPeer struct {
	srv      *httptest.Server
	firstIn  chan struct{}      // closed once /response's "chunk-1;" was read
	posted   chan *http.Request // the /response, once its body was read
	body     chan string
	nextSeen chan struct{} // gets a value per /next after the first
	done     chan struct{}
	once     sync.Once
}

// startStreamPeer runs handler (in testdata/nodestream) against a new peer.
func startStreamPeer(t *testing.T, handler string) (*streamPeer, *worker) {
	requireTool(t, "node")
	p := &streamPeer{
		firstIn: make(chan struct{}), posted: make(chan *http.Request, 1), body: make(chan string, 1),
		nextSeen: make(chan struct{}, 4), done: make(chan struct{}),
	}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(func() {
		close(p.done)
		p.srv.Close()
	})
	spec := nodeSpec(t, handler)
	spec.CodeDir = testdata(t, "nodestream")
	prep := prepare(t, spec)
	prep.Env = append(prep.Env, "AWS_LAMBDA_RUNTIME_API="+strings.TrimPrefix(p.srv.URL, "http://"))
	return p, spawnProcess(t, spec, prep)
}

func (p *streamPeer) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/release": // esm.progressive's second write waits for this
		select {
		case <-p.firstIn:
		case <-p.done:
		}
	case strings.HasSuffix(r.URL.Path, "/invocation/next"):
		first := false
		p.once.Do(func() { first = true })
		if !first {
			p.nextSeen <- struct{}{}
			<-p.done // park the runtime until the test ends
			return
		}
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", "stream-1")
		w.Header().Set("Lambda-Runtime-Deadline-Ms", "9999999999999")
		fmt.Fprintf(w, `{"release":%q}`, p.srv.URL+"/release")
	case strings.HasSuffix(r.URL.Path, "/invocation/stream-1/response"):
		var got []byte
		buf := make([]byte, 4096)
		for {
			n, err := r.Body.Read(buf)
			got = append(got, buf[:n]...)
			if bytes.Contains(got, []byte("chunk-1;")) {
				p.release()
			}
			if err != nil {
				break
			}
		}
		p.posted <- r
		p.body <- string(got)
		w.WriteHeader(http.StatusAccepted)
	default:
		http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusNotFound)
	}
}

// release lets esm.progressive write its second chunk.
func (p *streamPeer) release() {
	select {
	case <-p.firstIn:
	default:
		close(p.firstIn)
	}
}

// response waits for the /response and its whole body, then for the plain
// GET /next the runtime sends after a streamed answer.
func (p *streamPeer) response(t *testing.T, w *worker) (*http.Request, string) {
	t.Helper()
	var r *http.Request
	var body string
	select {
	case r = <-p.posted:
		body = <-p.body
	case <-time.After(waitLimit):
		t.Fatalf("no whole /response: was a chunk held back? output:\n%s", w.out.String())
	}
	select {
	case <-p.nextSeen:
	case <-time.After(waitLimit):
		t.Fatalf("no /next after the stream; output:\n%s", w.out.String())
	}
	return r, body
}

// TestNodeStreamIsProgressive proves chunks leave as they are written: the
// handler's second write waits for the peer to have read its first chunk
// from the /response body, so a bootstrap that held chunks back would never
// finish. It also checks the POST's headers and its connection of its own.
func TestNodeStreamIsProgressive(t *testing.T) {
	peer, w := startStreamPeer(t, "esm.progressive")
	r, body := peer.response(t, w)
	if body != "chunk-1;chunk-2;" {
		t.Errorf("body %q", body)
	}
	for k, v := range map[string]string{
		"Lambda-Runtime-Function-Response-Mode": "streaming",
		"Content-Type":                          "application/octet-stream",
		runtimeapi.HeaderPipelined:              "",
	} {
		if got := r.Header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	if len(r.TransferEncoding) != 1 || r.TransferEncoding[0] != "chunked" || !r.Close {
		t.Errorf("transfer encoding %q, close %v; want chunked on a connection closed after it", r.TransferEncoding, r.Close)
	}
	// net/http moves the declared names from the header to r.Trailer; no
	// error, so they came empty.
	_, declared := r.Trailer["Lambda-Runtime-Function-Error-Body"]
	if !declared || len(r.Trailer) != 2 || r.Trailer.Get("Lambda-Runtime-Function-Error-Type") != "" {
		t.Errorf("trailers %v", r.Trailer)
	}
}

// TestNodeStreamErrorTrailers checks the raw error report of §1.6: the
// bytes written before the error, then the trailers with the error type and
// the base64 error JSON.
func TestNodeStreamErrorTrailers(t *testing.T) {
	peer, w := startStreamPeer(t, "esm.writesThenThrow")
	r, body := peer.response(t, w)
	if want := strings.Repeat("y", 64*4096); body != want {
		t.Errorf("body of %d bytes before the error, want %d", len(body), len(want))
	}
	if got := r.Trailer.Get("Lambda-Runtime-Function-Error-Type"); got != "EvalError" {
		t.Errorf("error type trailer %q", got)
	}
	raw, err := base64.StdEncoding.DecodeString(r.Trailer.Get("Lambda-Runtime-Function-Error-Body"))
	if err != nil {
		t.Fatalf("error body trailer: %v", err)
	}
	checkNodeError(t, raw, "EvalError", "after 64 writes", "EvalError: after 64 writes")
}
