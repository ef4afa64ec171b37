package runtimeapi

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

// These tests run a real aws-lambda-go function (testdata/gohandler, built
// with lambda.Start and -tags lambda.norpc) against the server, as the
// engine will (lambda-spec.md §2.4).

// echoed mirrors testdata/gohandler's echo reply.
type echoed struct {
	RequestID     string `json:"requestId"`
	FunctionARN   string `json:"functionArn"`
	DeadlineMs    int64  `json:"deadlineMs"`
	TraceEnv      string `json:"traceEnv"`
	ClientContext *struct {
		Client struct {
			InstallationID string `json:"installation_id"`
			AppTitle       string `json:"app_title"`
		} `json:"client"`
		Env    map[string]string `json:"env"`
		Custom map[string]string `json:"custom"`
	} `json:"clientContext"`
	Identity struct {
		CognitoIdentityID     string `json:"CognitoIdentityID"`
		CognitoIdentityPoolID string `json:"CognitoIdentityPoolID"`
	} `json:"identity"`
	Data json.RawMessage `json:"data"`
}

func decodeEcho(t *testing.T, a Answer) echoed {
	t.Helper()
	if a.Kind != KindResponse {
		t.Fatalf("kind = %v, body %s", a.Kind, a.Body)
	}
	var e echoed
	if err := json.Unmarshal(a.Body, &e); err != nil {
		t.Fatalf("decode %s: %v", a.Body, err)
	}
	return e
}

// §1.2 headers reach the handler through lambdacontext; the trace ID is
// copied to _X_AMZN_TRACE_ID; the deadline is epoch ms. The worker is then
// reused warm for a second invocation.
func TestGoHandlerEcho(t *testing.T) {
	srv := startServer(t)
	startWorker(t, srv)
	await(t, srv.Ready())

	for i, id := range []string{"req-1", "req-2"} {
		inv := invocation(id, `{"op":"echo","data":{"n":`+strconv.Itoa(i)+`}}`)
		inv.Deadline = time.UnixMilli(time.Now().Add(time.Minute).UnixMilli())
		before := time.Now()
		a := invoke(t, srv, inv)
		e := decodeEcho(t, a)
		if e.RequestID != id || e.FunctionARN != inv.FunctionARN || e.TraceEnv != inv.TraceID {
			t.Errorf("context = %+v", e)
		}
		if e.DeadlineMs != inv.Deadline.UnixMilli() {
			t.Errorf("deadline = %d, want %d", e.DeadlineMs, inv.Deadline.UnixMilli())
		}
		if string(e.Data) != `{"n":`+strconv.Itoa(i)+`}` {
			t.Errorf("data = %s", e.Data)
		}
		if e.ClientContext != nil || e.Identity.CognitoIdentityID != "" {
			t.Errorf("unexpected client context / identity: %+v", e)
		}
		if a.ContentType != "application/json" || a.ErrorType != "" {
			t.Errorf("content type %q, error type %q", a.ContentType, a.ErrorType)
		}
		if a.Delivered.Before(before) || a.Delivered.After(time.Now()) {
			t.Errorf("delivered = %v", a.Delivered)
		}
	}
}

// Client-Context and Cognito-Identity are JSON strings the runtime decodes
// (§1.2, §2.4).
func TestGoHandlerClientContextAndIdentity(t *testing.T) {
	srv := startServer(t)
	startWorker(t, srv)
	inv := invocation("req-cc", `{"op":"echo"}`)
	inv.ClientContext = `{"Client":{"installation_id":"inst-1","app_title":"app"},"env":{"platform":"ios"},"custom":{"k":"v"}}`
	inv.CognitoIdentity = `{"cognitoIdentityId":"us-east-1:abc","cognitoIdentityPoolId":"us-east-1:pool"}`
	e := decodeEcho(t, invoke(t, srv, inv))
	cc := e.ClientContext
	if cc == nil || cc.Client.InstallationID != "inst-1" || cc.Client.AppTitle != "app" ||
		cc.Env["platform"] != "ios" || cc.Custom["k"] != "v" {
		t.Errorf("client context = %+v", cc)
	}
	if e.Identity.CognitoIdentityID != "us-east-1:abc" || e.Identity.CognitoIdentityPoolID != "us-east-1:pool" {
		t.Errorf("identity = %+v", e.Identity)
	}
}

// A returned error is posted to /error as {"errorMessage","errorType"} with
// the Go type name and no Error-Type header (§1.4, §2.4); the worker lives on.
func TestGoHandlerError(t *testing.T) {
	srv := startServer(t)
	startWorker(t, srv)
	a := invoke(t, srv, invocation("req-err", `{"op":"error","message":"boom <&>"}`))
	// aws-lambda-go's own bytes, HTML-escaped by encoding/json, pass through.
	want := `{"errorMessage":"boom \u003c\u0026\u003e","errorType":"errorString"}`
	if a.Kind != KindError || string(a.Body) != want || a.ErrorType != "errorString" {
		t.Errorf("answer = %v %s %q, want error %s", a.Kind, a.Body, a.ErrorType, want)
	}
	if a.ContentType != "application/json" {
		t.Errorf("content type = %q", a.ContentType)
	}
	e := decodeEcho(t, invoke(t, srv, invocation("req-after", `{"op":"echo"}`)))
	if e.RequestID != "req-after" {
		t.Errorf("warm reuse after error: %+v", e)
	}
}

// A panic is reported with stackTrace objects {path,line,label}, then the
// process exits (§1.4, §2.4).
func TestGoHandlerPanic(t *testing.T) {
	srv := startServer(t)
	w := startWorker(t, srv)
	a := invoke(t, srv, invocation("req-panic", `{"op":"panic","message":"kaboom"}`))
	var body struct {
		Message    string `json:"errorMessage"`
		Type       string `json:"errorType"`
		StackTrace []struct {
			Path  string `json:"path"`
			Line  int    `json:"line"`
			Label string `json:"label"`
		} `json:"stackTrace"`
	}
	if err := json.Unmarshal(a.Body, &body); err != nil {
		t.Fatalf("body %s: %v", a.Body, err)
	}
	if a.Kind != KindError || body.Message != "kaboom" || body.Type != "string" || a.ErrorType != "string" {
		t.Errorf("answer = %v %s", a.Kind, a.Body)
	}
	if len(body.StackTrace) == 0 || body.StackTrace[0].Path == "" || body.StackTrace[0].Line == 0 {
		t.Errorf("stackTrace = %+v", body.StackTrace)
	}
	w.waitExit(t)
}

// A 7 MB response exceeds 6291556 bytes: the runtime gets 413 and the
// invoker Function.ResponseSizeTooLarge with the real size (§1.3). The
// JSON string is 7,000,000 x's plus two quotes, sent chunked.
// aws-lambda-go treats the 413 as fatal and exits.
func TestGoHandlerTooLarge(t *testing.T) {
	srv := startServer(t)
	w := startWorker(t, srv)
	a := invoke(t, srv, invocation("req-big", `{"op":"big","size":7000000}`))
	want := `{"errorMessage":"Response payload size (7000002 bytes) exceeded maximum allowed payload size (6291556 bytes).","errorType":"Function.ResponseSizeTooLarge"}`
	if a.Kind != KindTooLarge || string(a.Body) != want || a.ErrorType != "Function.ResponseSizeTooLarge" {
		t.Errorf("answer = %v %s", a.Kind, a.Body)
	}
	w.waitExit(t)
	if !strings.Contains(w.stderr.String(), "413") {
		t.Errorf("runtime output does not mention the 413:\n%s", w.stderr.String())
	}
}

// A response just under the limit passes intact.
func TestGoHandlerLargeButAllowed(t *testing.T) {
	srv := startServer(t)
	startWorker(t, srv)
	a := invoke(t, srv, invocation("req-6m", `{"op":"big","size":`+strconv.Itoa(MaxPayloadSize-2)+`}`))
	if a.Kind != KindResponse || len(a.Body) != MaxPayloadSize {
		t.Errorf("answer = %v, %d bytes", a.Kind, len(a.Body))
	}
}

// An io.Reader result that fails midway is streamed chunked; aws-lambda-go
// reports the failure in the Lambda-Runtime-Function-Error-Type/-Body
// trailers (§1.6, §2.4), which become the answer.
func TestGoHandlerStreamFailureTrailers(t *testing.T) {
	srv := startServer(t)
	startWorker(t, srv, "FAIL_MESSAGE=midway: ")
	a := invoke(t, srv, invocation("req-stream", `{"op":"failreader","size":100000}`))
	want := `{"errorMessage":"midway: stream broke","errorType":"errorString"}`
	if a.Kind != KindError || string(a.Body) != want || a.ErrorType != "errorString" {
		t.Errorf("answer = %v %s %q, want %s", a.Kind, a.Body, a.ErrorType, want)
	}
}

// The deadline header drives the handler's context (§2.4): a handler that
// waits for ctx.Done returns context.DeadlineExceeded at the deadline.
func TestGoHandlerDeadline(t *testing.T) {
	srv := startServer(t)
	startWorker(t, srv)
	inv := invocation("req-deadline", `{"op":"sleep"}`)
	inv.Deadline = time.Now().Add(300 * time.Millisecond)
	a := invoke(t, srv, inv)
	want := `{"errorMessage":"context deadline exceeded","errorType":"deadlineExceededError"}`
	if a.Kind != KindError || string(a.Body) != want {
		t.Errorf("answer = %v %s", a.Kind, a.Body)
	}
}

// When the worker dies mid-invocation the engine cancels Invoke's context;
// Invoke returns ctx.Err() and the invocation is aborted.
func TestGoHandlerExitMidInvocation(t *testing.T) {
	srv := startServer(t)
	w := startWorker(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-w.exited; cancel() }()
	res := await(t, invokeAsync(ctx, srv, invocation("req-exit", `{"op":"exit"}`)))
	if !errors.Is(res.err, context.Canceled) {
		t.Fatalf("Invoke = %v, %v; want context.Canceled", res.a, res.err)
	}
	// The server is idle again: a new worker can take the next invocation.
	startWorker(t, srv)
	e := decodeEcho(t, invoke(t, srv, invocation("req-next", `{"op":"echo"}`)))
	if e.RequestID != "req-next" {
		t.Errorf("after exit: %+v", e)
	}
}
