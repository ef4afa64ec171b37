package runtimeapi

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// §1.4: /error bodies are parsed leniently. A JSON error object reaches the
// invoker as the runtime sent it (Python's requestId, Node's trace), as Lambda
// passes it through; anything else is rendered as
// {"errorMessage","errorType","stackTrace"}. The Error-Type header is optional.
func TestErrorNormalisation(t *testing.T) {
	cases := []struct {
		name, header, body string
		wantBody, wantType string
	}{
		{"aws-lambda-go", "", `{"errorMessage":"boom","errorType":"errorString"}`,
			`{"errorMessage":"boom","errorType":"errorString"}`, "errorString"},
		{"python strings", "Unhandled", `{"errorMessage":"x","errorType":"KeyError","requestId":"r","stackTrace":["  File \"a.py\", line 1\n"]}`,
			`{"errorMessage":"x","errorType":"KeyError","requestId":"r","stackTrace":["  File \"a.py\", line 1\n"]}`, "Unhandled"},
		{"go frames", "", `{"errorMessage":"p","errorType":"string","stackTrace":[{"path":"a.go","line":3,"label":"f"}]}`,
			`{"errorMessage":"p","errorType":"string","stackTrace":[{"path":"a.go","line":3,"label":"f"}]}`, "string"},
		{"node trace", "", `{"errorType":"TypeError","errorMessage":"bad","trace":["TypeError: bad","    at x"]}`,
			`{"errorType":"TypeError","errorMessage":"bad","trace":["TypeError: bad","    at x"]}`, "TypeError"},
		{"type from header only", "Runtime.NoSuchHandler", `{"errorMessage":"no handler"}`,
			`{"errorMessage":"no handler"}`, "Runtime.NoSuchHandler"},
		{"empty body with header", "Runtime.ConfigInvalid", ``,
			`{"errorMessage":"Runtime.ConfigInvalid","errorType":"Runtime.ConfigInvalid"}`, "Runtime.ConfigInvalid"},
		{"empty body no header", "", ``,
			`{"errorMessage":"Runtime.Unknown","errorType":"Runtime.Unknown"}`, "Runtime.Unknown"},
		{"plain text", "", "segfault <here>\n",
			`{"errorMessage":"segfault <here>","errorType":"Runtime.Unknown"}`, "Runtime.Unknown"},
		{"json string", "", `"just a string"`,
			`{"errorMessage":"just a string","errorType":"Runtime.Unknown"}`, "Runtime.Unknown"},
		{"null stack", "", `{"errorMessage":"m","errorType":"T","stackTrace":null}`,
			`{"errorMessage":"m","errorType":"T","stackTrace":null}`, "T"},
		{"non-string message", "", `{"errorMessage":{"a":1},"errorType":"T"}`,
			`{"errorMessage":{"a":1},"errorType":"T"}`, "T"},
		{"object without error fields", "", `{"detail":"x"}`,
			`{"errorMessage":"","errorType":"Runtime.Unknown"}`, "Runtime.Unknown"},
	}
	srv := startServer(t)
	rc := newRawClient(t, srv)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ch := begin(t, srv, rc, "req-e")
			var hdr []string
			if tc.header != "" {
				hdr = []string{"Lambda-Runtime-Function-Error-Type", tc.header}
			}
			st, b := rc.post("invocation/req-e/error", tc.body, hdr...)
			expect(t, "/error", st, b, 202, wantOK)
			res := await(t, ch)
			if res.a.Kind != KindError || string(res.a.Body) != tc.wantBody || res.a.ErrorType != tc.wantType {
				t.Errorf("answer = %v %s %q, want %s %q", res.a.Kind, res.a.Body, res.a.ErrorType, tc.wantBody, tc.wantType)
			}
		})
	}
}

// An oversize /error body is refused like an oversize /response (§1.3).
func TestErrorTooLarge(t *testing.T) {
	srv := startServer(t)
	rc := newRawClient(t, srv)
	ch := begin(t, srv, rc, "req-eb")
	st, b := rc.post("invocation/req-eb/error", strings.Repeat("e", MaxPayloadSize+10))
	expect(t, "oversize /error", st, b, 413, wantTooLarge)
	if res := await(t, ch); res.a.Kind != KindTooLarge {
		t.Errorf("answer = %+v", res.a)
	}
}

// §1.5: /init/error is 202; the pending Invoke gets KindInitError, every
// later Invoke gets it too, InitError() receives it, and the runtime's /next
// is then 403 (RIE: InitError state refuses Ready).
func TestInitErrorBeforeInvoke(t *testing.T) {
	srv := startServer(t)
	rc := newRawClient(t, srv)
	st, b := rc.post("init/error", `{"errorMessage":"cannot import","errorType":"Runtime.ImportModuleError","stackTrace":[]}`,
		"Lambda-Runtime-Function-Error-Type", "Runtime.ImportModuleError")
	expect(t, "/init/error", st, b, 202, wantOK)
	want := `{"errorMessage":"cannot import","errorType":"Runtime.ImportModuleError","stackTrace":[]}`
	got := await(t, srv.InitError())
	if got.Kind != KindInitError || string(got.Body) != want {
		t.Errorf("InitError() = %+v", got)
	}
	for range 2 {
		a := invoke(t, srv, invocation("req-i", `{}`))
		if a.Kind != KindInitError || string(a.Body) != want || a.ErrorType != "Runtime.ImportModuleError" {
			t.Errorf("Invoke = %v %s %q", a.Kind, a.Body, a.ErrorType)
		}
	}
	status, _, body := rc.next()
	expect(t, "/next after init error", status, body, 403,
		`{"errorMessage":"State transition from InitError to Ready failed for runtime. Error: State transition is not allowed","errorType":"InvalidStateTransition"}`)
	st, _ = rc.post("init/error", `{}`)
	if st != 403 {
		t.Errorf("second /init/error = %d, want 403", st)
	}
	select {
	case <-srv.Ready():
		t.Error("Ready closed after an init error")
	default:
	}
}

// §1.5 "served in response to the first invoke": an Invoke already waiting
// when the report arrives ends with it.
func TestInitErrorDuringInvoke(t *testing.T) {
	srv := startServer(t)
	rc := newRawClient(t, srv)
	ch := invokeAsync(context.Background(), srv, invocation("req-w", `{}`))
	// Invoke is waiting (or about to); either way the answer is the init error.
	st, b := rc.post("init/error", `not json`)
	expect(t, "/init/error", st, b, 202, wantOK)
	res := await(t, ch)
	if res.err != nil || res.a.Kind != KindInitError || string(res.a.Body) != `{"errorMessage":"not json","errorType":"Runtime.Unknown"}` {
		t.Errorf("Invoke = %+v (%s), %v", res.a, res.a.Body, res.err)
	}
}

// /init/error after init finished (the first /next) is 403, as in RIE.
func TestInitErrorAfterReady(t *testing.T) {
	srv := startServer(t)
	rc := newRawClient(t, srv)
	ch := begin(t, srv, rc, "req-x")
	await(t, srv.Ready())
	st, b := rc.post("init/error", `{}`)
	if st != 403 || !strings.Contains(b, `"errorType":"InvalidStateTransition"`) {
		t.Errorf("/init/error after ready = %d %s", st, b)
	}
	rc.post("invocation/req-x/response", "ok")
	await(t, ch)
}

// §1.1: unknown paths are 404 JSON, wrong methods 405 JSON with Allow.
func TestRouting(t *testing.T) {
	srv := startServer(t)
	rc := newRawClient(t, srv)
	cases := []struct {
		method, path string
		status       int
		allow        string
	}{
		{"GET", "/", 404, ""},
		{"GET", "/2018-06-01/runtime/invocation", 404, ""},
		{"GET", "/2018-06-01/runtime/invocation/next/", 404, ""},
		{"POST", "/2018-06-01/runtime/invocation/a/b/response", 404, ""},
		{"POST", "/2018-06-01/runtime/invocation//response", 404, ""},
		{"POST", "/2018-06-01/runtime/invocation/a/other", 404, ""},
		{"POST", "/2020-01-01/extension/register", 404, ""},
		{"POST", "/2018-06-01/runtime/invocation/next", 405, "GET"},
		{"GET", "/2018-06-01/runtime/invocation/a/response", 405, "POST"},
		{"PUT", "/2018-06-01/runtime/invocation/a/error", 405, "POST"},
		{"GET", "/2018-06-01/runtime/init/error", 405, "POST"},
	}
	for _, tc := range cases {
		st, h, b := rc.do(rc.request(tc.method, tc.path, nil))
		wantBody := `{"errorMessage":"Not Found","errorType":"NotFound"}`
		if tc.status == 405 {
			wantBody = `{"errorMessage":"Method Not Allowed","errorType":"MethodNotAllowed"}`
		}
		if st != tc.status || b != wantBody || h.Get("Allow") != tc.allow || h.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s = %d %s %v", tc.method, tc.path, st, b, h)
		}
	}
}

// Close ends a blocked /next: the connection drops without a reply.
func TestCloseEndsNext(t *testing.T) {
	srv := startServer(t)
	rc := newRawClient(t, srv)
	nextDone := make(chan error, 1)
	go func() {
		resp, err := rc.c.Get(rc.base + "/2018-06-01/runtime/invocation/next")
		if err == nil {
			resp.Body.Close()
		}
		nextDone <- err
	}()
	await(t, srv.Ready()) // the /next is being served
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := await(t, nextDone); err == nil {
		t.Error("/next got a reply after Close")
	}
	if _, err := rc.c.Get(rc.base + "/2018-06-01/runtime/invocation/next"); err == nil {
		t.Error("server still accepting connections after Close")
	}
}

// Close ends a pending Invoke with ErrClosed, and later Invokes fail fast.
func TestCloseEndsInvoke(t *testing.T) {
	srv := startServer(t)
	ch := invokeAsync(context.Background(), srv, invocation("req-c", `{}`))
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if res := await(t, ch); !errors.Is(res.err, ErrClosed) {
		t.Errorf("pending Invoke = %+v, %v", res.a, res.err)
	}
	if _, err := srv.Invoke(context.Background(), invocation("req-d", `{}`)); !errors.Is(err, ErrClosed) {
		t.Errorf("Invoke on closed server = %v", err)
	}
}
