package runtimeapi

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// recordStream is a Stream that hands every call to the test.
type recordStream struct {
	mu     sync.Mutex
	ct     string
	opens  int
	body   strings.Builder
	writes chan string // each Write, in order
	after  atomic.Bool // set by the test once Invoke returned
	t      *testing.T
}

func newRecordStream(t *testing.T) *recordStream {
	return &recordStream{writes: make(chan string, 1024), t: t}
}

func (s *recordStream) Open(ct string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ct, s.opens = ct, s.opens+1
}

func (s *recordStream) Write(p []byte) (int, error) {
	if s.after.Load() {
		s.t.Errorf("Write(%q) after Invoke returned", p)
	}
	s.mu.Lock()
	s.body.Write(p)
	s.mu.Unlock()
	s.writes <- string(p)
	return len(p), nil
}

func (s *recordStream) got() (string, int, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ct, s.opens, s.body.String()
}

// streamPost starts a chunked POST /response whose body the test writes
// through the returned pipe; the POST's status arrives on the channel.
func streamPost(rc *rawClient, id string, trailer http.Header, hdr ...string) (*io.PipeWriter, <-chan int) {
	pr, pw := io.Pipe()
	req := rc.request(http.MethodPost, "/2018-06-01/runtime/invocation/"+id+"/response", pr)
	req.Header.Set("Lambda-Runtime-Function-Response-Mode", "streaming")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	req.Trailer = trailer
	status := make(chan int, 1)
	go func() {
		resp, err := rc.c.Do(req)
		if err != nil {
			status <- -1
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		status <- resp.StatusCode
	}()
	return pw, status
}

// A streaming invocation's body reaches the Stream while the runtime is still
// sending it (lambda-spec.md §1.6): the second chunk is only written after the
// first one came out of the Stream.
func TestStreamPassesChunksOnAsTheyArrive(t *testing.T) {
	srv := startServer(t)
	rc := newRawClient(t, srv)
	rec := newRecordStream(t)
	inv := invocation("stream-1", `{}`)
	inv.Stream = rec
	done := invokeAsync(context.Background(), srv, inv)
	if status, _, _ := rc.next(); status != http.StatusOK {
		t.Fatalf("next: %d", status)
	}
	pw, status := streamPost(rc, "stream-1", nil, "Content-Type", "text/event-stream")
	if _, err := pw.Write([]byte("data: one\n\n")); err != nil {
		t.Fatal(err)
	}
	if got := await(t, rec.writes); got != "data: one\n\n" {
		t.Fatalf("first write = %q", got)
	}
	if _, err := pw.Write([]byte("data: two\n\n")); err != nil {
		t.Fatal(err)
	}
	_ = pw.Close()
	if s := await(t, status); s != http.StatusAccepted {
		t.Fatalf("POST /response = %d, want 202", s)
	}
	res := await(t, done)
	if res.err != nil {
		t.Fatal(res.err)
	}
	ct, opens, body := rec.got()
	if res.a.Kind != KindResponse || res.a.Streamed != int64(len(body)) || len(res.a.Body) != 0 || res.a.ContentType != "text/event-stream" {
		t.Errorf("answer = %+v, want a response of %d streamed bytes", res.a, len(body))
	}
	if ct != "text/event-stream" || opens != 1 || body != "data: one\n\ndata: two\n\n" {
		t.Errorf("stream saw Open(%q)×%d and %q", ct, opens, body)
	}
}

// An error in the stream's trailers ends the invocation as that error, after
// the bytes already passed on (§1.6).
func TestStreamErrorInTrailers(t *testing.T) {
	srv := startServer(t)
	rc := newRawClient(t, srv)
	rec := newRecordStream(t)
	inv := invocation("stream-2", `{}`)
	inv.Stream = rec
	done := invokeAsync(context.Background(), srv, inv)
	rc.next()
	trailer := http.Header{"Lambda-Runtime-Function-Error-Type": nil, "Lambda-Runtime-Function-Error-Body": nil}
	pw, status := streamPost(rc, "stream-2", trailer)
	_, _ = pw.Write([]byte("partial"))
	await(t, rec.writes)
	trailer.Set("Lambda-Runtime-Function-Error-Type", "Runtime.StreamBroke")
	trailer.Set("Lambda-Runtime-Function-Error-Body",
		base64.StdEncoding.EncodeToString([]byte(`{"errorMessage":"pipe burst","errorType":"Runtime.StreamBroke"}`)))
	_ = pw.Close()
	if s := await(t, status); s != http.StatusAccepted {
		t.Fatalf("POST /response = %d, want 202", s)
	}
	a := await(t, done).a
	if a.Kind != KindError || a.ErrorType != "Runtime.StreamBroke" || !strings.Contains(string(a.Body), "pipe burst") || a.Streamed != 7 {
		t.Errorf("answer = %+v (body %s)", a, a.Body)
	}
}

// The Stream is never called once Invoke has returned, though the runtime's
// body goes on arriving (the invocation was aborted, e.g. at its deadline).
func TestStreamQuietAfterInvokeReturns(t *testing.T) {
	srv := startServer(t)
	rc := newRawClient(t, srv)
	rec := newRecordStream(t)
	inv := invocation("stream-3", `{}`)
	inv.Stream = rec
	ctx, cancel := context.WithCancel(context.Background())
	done := invokeAsync(ctx, srv, inv)
	rc.next()
	pw, status := streamPost(rc, "stream-3", nil)
	_, _ = pw.Write([]byte("before"))
	await(t, rec.writes)
	cancel()
	if res := await(t, done); res.err == nil {
		t.Fatalf("Invoke = %+v, want the context's error", res.a)
	}
	rec.after.Store(true)
	_, _ = pw.Write([]byte("after"))
	_ = pw.Close()
	if s := await(t, status); s != http.StatusBadRequest {
		t.Errorf("POST /response for an aborted invocation = %d, want 400", s)
	}
}

// A streamed response may exceed the 6 MiB buffered limit, up to
// MaxStreamedPayload; beyond it the invocation fails as Lambda's does.
func TestStreamLimit(t *testing.T) {
	srv := startServer(t)
	rc := newRawClient(t, srv)
	var n atomic.Int64
	inv := invocation("stream-4", `{}`)
	inv.Stream = countStream{&n}
	done := invokeAsync(context.Background(), srv, inv)
	rc.next()
	req := rc.request(http.MethodPost, "/2018-06-01/runtime/invocation/stream-4/response",
		io.LimitReader(zeros{}, MaxStreamedPayload+1))
	req.ContentLength = -1 // chunked, as a streaming runtime sends it
	status, _, _ := rc.do(req)
	if status != http.StatusRequestEntityTooLarge {
		t.Errorf("POST /response of %d bytes = %d, want 413", MaxStreamedPayload+1, status)
	}
	a := await(t, done).a
	if a.Kind != KindTooLarge || a.ErrorType != "Function.ResponseSizeTooLarge" || n.Load() != MaxStreamedPayload {
		t.Errorf("answer = %+v after %d bytes streamed", a, n.Load())
	}
	if !strings.Contains(string(a.Body), "209715200 bytes") {
		t.Errorf("error body %s does not name the 200 MiB limit", a.Body)
	}
}

type countStream struct{ n *atomic.Int64 }

func (countStream) Open(string) {}
func (s countStream) Write(p []byte) (int, error) {
	s.n.Add(int64(len(p)))
	return len(p), nil
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// aws-lambda-go never sets the streaming mode header, yet a streaming
// invocation streams its answer (§1.6), and an error reading the handler's
// io.Reader arrives in trailers after the bytes read so far.
func TestStreamFromAwsLambdaGo(t *testing.T) {
	srv := startServer(t)
	startWorker(t, srv, "FAIL_MESSAGE=reader says: ")
	rec := newRecordStream(t)
	inv := invocation("stream-5", `{"op":"echo","data":{"k":"v"}}`)
	inv.Stream = rec
	a := invoke(t, srv, inv)
	_, _, body := rec.got()
	if a.Kind != KindResponse || !strings.Contains(body, `"data":{"k":"v"}`) || a.Streamed != int64(len(body)) {
		t.Errorf("echo answer = %+v, streamed %q", a, body)
	}

	rec = newRecordStream(t)
	inv = invocation("stream-6", `{"op":"failreader","size":100000}`)
	inv.Stream = rec
	a = invoke(t, srv, inv)
	ct, _, body := rec.got()
	if a.Kind != KindError || !strings.Contains(string(a.Body), "reader says: stream broke") {
		t.Errorf("failreader answer = %+v (body %s)", a, a.Body)
	}
	if body != strings.Repeat("x", 100000) || a.Streamed != 100000 || ct != "application/octet-stream" {
		t.Errorf("streamed %d bytes (Content-Type %q), answer counts %d", len(body), ct, a.Streamed)
	}
}
