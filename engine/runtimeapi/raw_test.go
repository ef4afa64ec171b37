package runtimeapi

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Raw-HTTP tests: a plain net/http client plays the runtime so every status
// code and body of lambda-spec.md §1 can be checked exactly.

const (
	wantOK        = `{"status":"OK"}`
	wantInvalidID = `{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}`
	wantTooLarge  = `{"errorMessage":"Exceeded maximum allowed payload size (6291556 bytes).","errorType":"RequestEntityTooLarge"}`
)

// begin starts an Invoke and takes the event with /next, like a runtime.
func begin(t *testing.T, srv *Server, rc *rawClient, id string) <-chan result {
	t.Helper()
	ch := invokeAsync(context.Background(), srv, invocation(id, `{"k":"v"}`))
	status, h, _ := rc.next()
	if status != http.StatusOK || h.Get("Lambda-Runtime-Aws-Request-Id") != id {
		t.Fatalf("/next = %d %v", status, h)
	}
	return ch
}

func expect(t *testing.T, what string, status int, body string, wantStatus int, wantBody string) {
	t.Helper()
	if status != wantStatus || body != wantBody {
		t.Errorf("%s = %d %s, want %d %s", what, status, body, wantStatus, wantBody)
	}
}

// §1.2: 200, the raw payload, its Content-Type, and exactly the documented
// headers; Client-Context, Cognito-Identity and Aws-Tenant-Id only when set.
func TestNextHeaders(t *testing.T) {
	srv := startServer(t)
	rc := newRawClient(t, srv)
	for _, withCtx := range []bool{false, true} {
		inv := invocation("req-h", `raw bytes, not JSON`)
		inv.ContentType = "text/plain"
		want := []string{"Content-Length", "Content-Type", "Date", "Lambda-Runtime-Aws-Request-Id",
			"Lambda-Runtime-Deadline-Ms", "Lambda-Runtime-Invoked-Function-Arn", "Lambda-Runtime-Trace-Id"}
		if withCtx {
			inv.ClientContext, inv.CognitoIdentity, inv.TenantID = `{"env":{}}`, `{"cognitoIdentityId":"x"}`, "blue"
			want = append(want, "Lambda-Runtime-Client-Context", "Lambda-Runtime-Cognito-Identity", "Lambda-Runtime-Aws-Tenant-Id")
			slices.Sort(want)
		}
		ch := invokeAsync(context.Background(), srv, inv)
		status, h, body := rc.next()
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range h {
				if !yield(k) {
					return
				}
			}
		})
		if status != 200 || body != `raw bytes, not JSON` || h.Get("Content-Type") != "text/plain" || !slices.Equal(keys, want) {
			t.Errorf("/next = %d %q %v", status, body, h)
		}
		if h.Get("Lambda-Runtime-Deadline-Ms") != formatMs(inv) || h.Get("Lambda-Runtime-Trace-Id") != inv.TraceID {
			t.Errorf("headers = %v", h)
		}
		if withCtx && (h.Get("Lambda-Runtime-Client-Context") != inv.ClientContext || h.Get("Lambda-Runtime-Cognito-Identity") != inv.CognitoIdentity ||
			h.Get("Lambda-Runtime-Aws-Tenant-Id") != "blue") {
			t.Errorf("context headers = %v", h)
		}
		st, b := rc.post("invocation/req-h/response", "ok")
		expect(t, "/response", st, b, 202, wantOK)
		await(t, ch)
	}
}

func formatMs(inv Invocation) string {
	return strconv.FormatInt(inv.Deadline.UnixMilli(), 10)
}

// §1.3: 202 {"status":"OK"}; the body and Content-Type reach the invoker.
// A wrong ID while one is in flight is 400 and does not end the invocation;
// a second answer for the same ID is 400 (the spec's "already sent" row).
func TestResponseIDRules(t *testing.T) {
	srv := startServer(t)
	rc := newRawClient(t, srv)
	ch := begin(t, srv, rc, "req-a")
	st, b := rc.post("invocation/other/response", "x")
	expect(t, "wrong id", st, b, 400, wantInvalidID)
	st, b = rc.post("invocation/other/error", "{}")
	expect(t, "wrong id /error", st, b, 400, wantInvalidID)
	st, b = rc.post("invocation/req-a/response", `{"hello":1}`, "Content-Type", "application/x-custom")
	expect(t, "right id", st, b, 202, wantOK)
	res := await(t, ch)
	if res.err != nil || res.a.Kind != KindResponse || string(res.a.Body) != `{"hello":1}` || res.a.ContentType != "application/x-custom" {
		t.Errorf("answer = %+v, %v", res.a, res.err)
	}
	st, b = rc.post("invocation/req-a/response", "again")
	expect(t, "double response", st, b, 400, wantInvalidID)
	st, b = rc.post("invocation/req-a/error", "{}")
	expect(t, "error after response", st, b, 400, wantInvalidID)
}

// §1.3 403 row: with no invocation in flight and an ID never handed out, the
// runtime is in the wrong state (RIE checks its state machine first).
func TestResponseWithoutInvocation(t *testing.T) {
	srv := startServer(t)
	rc := newRawClient(t, srv)
	want := `{"errorMessage":"State transition from Ready to InvocationResponse failed for runtime. Error: State transition is not allowed","errorType":"InvalidStateTransition"}`
	st, b := rc.post("invocation/nobody/response", "x")
	expect(t, "/response idle", st, b, 403, want)
	st, b = rc.post("invocation/nobody/error", "{}")
	expect(t, "/error idle", st, b, 403, strings.Replace(want, "InvocationResponse", "InvocationErrorResponse", 1))
}

// Calling /next again while the event is unanswered: RIE's Running state
// accepts Ready() and re-renders the current event (internal/lambda/core/
// states.go, rapi/rendering), so the runtime gets the same event again rather
// than 403 (which aws-lambda-go would treat as fatal, §2.4).
func TestNextWhileInFlightRedelivers(t *testing.T) {
	srv := startServer(t)
	rc := newRawClient(t, srv)
	ch := begin(t, srv, rc, "req-r")
	status, h, body := rc.next()
	if status != 200 || h.Get("Lambda-Runtime-Aws-Request-Id") != "req-r" || body != `{"k":"v"}` {
		t.Errorf("second /next = %d %v %s", status, h, body)
	}
	st, b := rc.post("invocation/req-r/response", "done")
	expect(t, "/response", st, b, 202, wantOK)
	if res := await(t, ch); string(res.a.Body) != "done" {
		t.Errorf("answer = %+v", res)
	}
}

// §1.3 413: a body over 6291556 bytes, with Content-Length or chunked; the
// invoker gets Function.ResponseSizeTooLarge with the size.
func TestResponseTooLarge(t *testing.T) {
	for _, chunked := range []bool{false, true} {
		srv := startServer(t)
		rc := newRawClient(t, srv)
		ch := begin(t, srv, rc, "req-big")
		var body io.Reader = strings.NewReader(strings.Repeat("y", MaxPayloadSize+1))
		if chunked {
			body = io.MultiReader(body) // hides the length: Transfer-Encoding: chunked
		}
		st, _, b := rc.do(rc.request(http.MethodPost, "/2018-06-01/runtime/invocation/req-big/response", body))
		expect(t, "oversize", st, b, 413, wantTooLarge)
		res := await(t, ch)
		want := `{"errorMessage":"Response payload size (6291557 bytes) exceeded maximum allowed payload size (6291556 bytes).","errorType":"Function.ResponseSizeTooLarge"}`
		if res.a.Kind != KindTooLarge || string(res.a.Body) != want {
			t.Errorf("chunked=%v answer = %v %s", chunked, res.a.Kind, res.a.Body)
		}
	}
}

// Exactly 6291556 bytes is allowed (§1.3: the limit is inclusive).
func TestResponseAtLimit(t *testing.T) {
	srv := startServer(t)
	rc := newRawClient(t, srv)
	ch := begin(t, srv, rc, "req-limit")
	body := io.MultiReader(strings.NewReader(strings.Repeat("z", MaxPayloadSize)))
	st, _, b := rc.do(rc.request(http.MethodPost, "/2018-06-01/runtime/invocation/req-limit/response", body))
	expect(t, "at limit", st, b, 202, wantOK)
	if res := await(t, ch); res.a.Kind != KindResponse || len(res.a.Body) != MaxPayloadSize {
		t.Errorf("answer = %v %d bytes", res.a.Kind, len(res.a.Body))
	}
}

// §1.6: a chunked /response whose trailers carry Lambda-Runtime-Function-
// Error-Type and a base64 Error-Body is an error, not a response. Without
// the trailers set, the same chunked request is a plain response.
func TestResponseChunkedTrailers(t *testing.T) {
	cases := []struct {
		name, errType, errBody string
		want                   Answer
	}{
		{"no error", "", "", Answer{Kind: KindResponse, Body: []byte("partial"), ContentType: "application/octet-stream"}},
		{"error", "Runtime.StreamBroke", base64.StdEncoding.EncodeToString([]byte(`{"errorMessage":"pipe","errorType":"Runtime.StreamBroke"}`)),
			Answer{Kind: KindError, Body: []byte(`{"errorMessage":"pipe","errorType":"Runtime.StreamBroke"}`), ContentType: "application/json", ErrorType: "Runtime.StreamBroke"}},
		{"empty body trailer", "Function.Oops", "",
			Answer{Kind: KindError, Body: []byte(`{"errorMessage":"Function.Oops","errorType":"Function.Oops"}`), ContentType: "application/json", ErrorType: "Function.Oops"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := startServer(t)
			rc := newRawClient(t, srv)
			ch := begin(t, srv, rc, "req-t")
			req := rc.request(http.MethodPost, "/2018-06-01/runtime/invocation/req-t/response", io.MultiReader(strings.NewReader("partial")))
			req.Header.Set("Content-Type", "application/octet-stream")
			req.Trailer = http.Header{"Lambda-Runtime-Function-Error-Type": nil, "Lambda-Runtime-Function-Error-Body": nil}
			if tc.errType != "" {
				req.Trailer.Set("Lambda-Runtime-Function-Error-Type", tc.errType)
				req.Trailer.Set("Lambda-Runtime-Function-Error-Body", tc.errBody)
			}
			st, _, b := rc.do(req)
			expect(t, "chunked", st, b, 202, wantOK)
			res := await(t, ch)
			res.a.Delivered = tc.want.Delivered
			if res.err != nil || res.a.Kind != tc.want.Kind || string(res.a.Body) != string(tc.want.Body) ||
				res.a.ContentType != tc.want.ContentType || res.a.ErrorType != tc.want.ErrorType {
				t.Errorf("answer = %+v (%s), want %+v", res.a, res.a.Body, tc.want)
			}
		})
	}
}

// §1.3: Lambda-Runtime-Function-Response-Mode other than "streaming" is 400
// InvalidFunctionResponseMode and the invoke fails with
// Runtime.InvalidResponseModeHeader; "streaming" is accepted.
func TestResponseMode(t *testing.T) {
	srv := startServer(t)
	rc := newRawClient(t, srv)
	ch := begin(t, srv, rc, "req-m1")
	st, b := rc.post("invocation/req-m1/response", "x", "Lambda-Runtime-Function-Response-Mode", "buffered")
	expect(t, "bad mode", st, b, 400, `{"errorMessage":"Invalid function response mode","errorType":"InvalidFunctionResponseMode"}`)
	if res := await(t, ch); res.a.Kind != KindError || res.a.ErrorType != "Runtime.InvalidResponseModeHeader" {
		t.Errorf("answer = %+v (%s)", res.a, res.a.Body)
	}
	ch = begin(t, srv, rc, "req-m2")
	st, b = rc.post("invocation/req-m2/response", "streamed", "Lambda-Runtime-Function-Response-Mode", "streaming")
	expect(t, "streaming mode", st, b, 202, wantOK)
	if res := await(t, ch); res.a.Kind != KindResponse || string(res.a.Body) != "streamed" {
		t.Errorf("answer = %+v", res.a)
	}
}

// Invoke's context ends: Invoke returns ctx.Err(), and the runtime's late
// answer for that ID is 400 InvalidRequestID (§1.3).
func TestCancelThenLateResponse(t *testing.T) {
	srv := startServer(t)
	rc := newRawClient(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	ch := invokeAsync(ctx, srv, invocation("req-late", `{}`))
	if st, _, _ := rc.next(); st != 200 {
		t.Fatalf("/next = %d", st)
	}
	cancel()
	if res := await(t, ch); !errors.Is(res.err, context.Canceled) || res.a.Delivered.IsZero() {
		t.Fatalf("Invoke = %+v, %v; want context.Canceled with Delivered set", res.a, res.err)
	}
	st, b := rc.post("invocation/req-late/response", "too late")
	expect(t, "late /response", st, b, 400, wantInvalidID)
	st, b = rc.post("invocation/req-late/error", "{}")
	expect(t, "late /error", st, b, 400, wantInvalidID)
}

// An invocation aborted before any /next is never delivered; the next
// /next gets the next invocation instead.
func TestCancelBeforeDelivery(t *testing.T) {
	srv := startServer(t)
	rc := newRawClient(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if a, err := srv.Invoke(ctx, invocation("req-gone", `{}`)); !errors.Is(err, context.Canceled) || !a.Delivered.IsZero() {
		t.Fatalf("Invoke = %+v, %v; want context.Canceled, never delivered", a, err)
	}
	ch := begin(t, srv, rc, "req-fresh") // fails unless /next skips req-gone
	st, b := rc.post("invocation/req-fresh/response", "ok")
	expect(t, "/response", st, b, 202, wantOK)
	await(t, ch)
}

// One invocation at a time per Server.
func TestInvokeBusy(t *testing.T) {
	srv := startServer(t)
	rc := newRawClient(t, srv)
	ch := begin(t, srv, rc, "req-1")
	if _, err := srv.Invoke(context.Background(), invocation("req-2", `{}`)); !errors.Is(err, ErrBusy) {
		t.Errorf("second Invoke = %v, want ErrBusy", err)
	}
	rc.post("invocation/req-1/response", "ok")
	await(t, ch)
	if _, err := srv.Invoke(context.Background(), Invocation{RequestID: "x"}); !errors.Is(err, ErrInvalidInvocation) {
		t.Errorf("Invoke without deadline = %v", err)
	}
}

// HTTP/1.1 pipelining, as lambdev's Python bootstrap uses it: one write
// carries an invocation's POST and the next GET /next; the server answers
// the POST (202), ends that invocation, and holds the GET for the next one.
func TestPipelinedResponseAndNext(t *testing.T) {
	srv := startServer(t)
	conn, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	const next = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n"
	read := func(what string) (*http.Response, string) {
		t.Helper()
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("%s body: %v", what, err)
		}
		return resp, string(b)
	}
	send := func(s string) {
		t.Helper()
		if _, err := io.WriteString(conn, s); err != nil {
			t.Fatal(err)
		}
	}

	first := invokeAsync(context.Background(), srv, invocation("req-1", `{"n":1}`))
	send(next)
	if resp, body := read("first /next"); resp.Header.Get("Lambda-Runtime-Aws-Request-Id") != "req-1" || body != `{"n":1}` {
		t.Fatalf("first /next = %v %q", resp.Header, body)
	}
	send("POST /2018-06-01/runtime/invocation/req-1/response HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\n\"done\"" + next)
	resp, body := read("pipelined /response")
	expect(t, "pipelined /response", resp.StatusCode, body, 202, wantOK)
	if r := await(t, first); r.err != nil || r.a.Kind != KindResponse || string(r.a.Body) != `"done"` {
		t.Fatalf("first invocation ended with %v %v %q", r.err, r.a.Kind, r.a.Body)
	}
	second := invokeAsync(context.Background(), srv, invocation("req-2", `{"n":2}`))
	if resp, body := read("pipelined /next"); resp.Header.Get("Lambda-Runtime-Aws-Request-Id") != "req-2" || body != `{"n":2}` {
		t.Fatalf("pipelined /next = %v %q", resp.Header, body)
	}
	send("POST /2018-06-01/runtime/invocation/req-2/response HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
	resp, body = read("second /response")
	expect(t, "second /response", resp.StatusCode, body, 202, wantOK)
	if r := await(t, second); r.err != nil || string(r.a.Body) != `{}` {
		t.Fatalf("second invocation ended with %v %q", r.err, r.a.Body)
	}
}
