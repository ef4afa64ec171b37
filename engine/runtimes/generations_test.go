package runtimes_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/lambdev/lambdev/engine/runtimeapi"
	"github.com/lambdev/lambdev/engine/runtimes"
)

// The Node runtime generations. nodejs22.x and earlier run AWS's classic
// runtime client (aws-lambda-nodejs-runtime-interface-client src/Runtime.js,
// CallbackContext.js, Errors.js, LogPatch.js); nodejs24.x and later its
// rewrite (src/runtime/buffered-invoke-processor.ts,
// src/function/callback-deprecation.ts, src/context/context-builder.ts). The
// declared runtime picks the generation, whatever node runs locally.

func generationSpec(t testing.TB, runtime, handler string) runtimes.Spec {
	s := nodeSpec(t, "generations."+handler)
	s.Runtime, s.Version = runtime, strings.TrimSuffix(strings.TrimPrefix(runtime, "nodejs"), ".x")
	return s
}

func startGeneration(t *testing.T, runtime, handler string, env ...string) *worker {
	t.Helper()
	requireTool(t, "node")
	return startWithEnv(t, generationSpec(t, runtime, handler), env...)
}

// TestNodeClassicAnswers checks the classic client's answers: a returned
// value without a promise is not the answer, a handler that never answers
// gets null (or Runtime.NodeJsExit when async) once the event loop is empty,
// and context.succeed or callback(err) answer without waiting for it.
func TestNodeClassicAnswers(t *testing.T) {
	tests := []struct {
		handler   string
		kind      runtimeapi.Kind
		body      string // the exact body, or the errorType of an error
		logBefore string // a line logged before the answer
	}{
		{"syncValue", runtimeapi.KindResponse, `null`, ""},
		{"neverCalls", runtimeapi.KindResponse, `null`, "forgot the callback"},
		{"neverSettles", runtimeapi.KindError, "Runtime.NodeJsExit", "\tERROR\tInvoke Error \t{\"errorType\":\"Runtime.NodeJsExit\""},
		{"succeedsBusy", runtimeapi.KindResponse, `{"succeeded":true}`, ""},
		{"failsBusy", runtimeapi.KindError, "Error", ""},
		{"waitsForTimer", runtimeapi.KindResponse, `{"waited":true}`, "timer ran"},
	}
	for _, tt := range tests {
		t.Run(tt.handler, func(t *testing.T) {
			t.Parallel()
			w := startGeneration(t, "nodejs22.x", tt.handler)
			var inv runtimeapi.Invocation
			for range 2 { // the worker survives to answer again
				inv = invocation(`{"k":"v"}`)
				a := w.invoke(t, inv)
				got := string(a.Body)
				if a.Kind == runtimeapi.KindError {
					got = a.ErrorType
				}
				if a.Kind != tt.kind || got != tt.body {
					t.Fatalf("answer %v %s, want %v %s; output:\n%s", a.Kind, a.Body, tt.kind, tt.body, w.out.String())
				}
				if tt.logBefore != "" && !strings.Contains(w.out.String(), tt.logBefore) {
					t.Errorf("answered before logging %q; output:\n%s", tt.logBefore, w.out.String())
				}
			}
			if tt.handler == "neverSettles" {
				raw, _ := w.raw.errorBody(inv.RequestID)
				checkNodeError(t, raw, "Runtime.NodeJsExit", "The Lambda runtime client detected an unexpected Node.js exit code.", "Runtime.NodeJsExit")
			}
		})
	}
}

// TestNodeModernAnswers checks the rewrite: the handler is awaited, so a
// returned value is the answer, and its context has no callback methods but
// the trace id and w3c(), taken out of the client context.
func TestNodeModernAnswers(t *testing.T) {
	w := startGeneration(t, "nodejs24.x", "syncValue")
	a := w.invoke(t, invocation(`{"k":"v"}`))
	if a.Kind != runtimeapi.KindResponse || string(a.Body) != `{"sync":true,"event":{"k":"v"}}` {
		t.Errorf("sync value on nodejs24.x: %v %s", a.Kind, a.Body)
	}

	w = startGeneration(t, "nodejs24.x", "contextShape")
	inv := invocation(`{}`)
	inv.ClientContext = `{"custom":{"a":"b"},"w3c":{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01","baggage":7,"other":"x"}}`
	a = w.invoke(t, inv)
	var got map[string]any
	if err := json.Unmarshal(a.Body, &got); err != nil {
		t.Fatalf("%v: %s", err, a.Body)
	}
	want := `{"clientContext":{"custom":{"a":"b"}},"done":"undefined","succeed":"undefined",` +
		`"w3c":{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},"waits":"undefined",` +
		`"xRayTraceId":"` + inv.TraceID + `"}`
	if b, _ := json.Marshal(got); string(b) != want {
		t.Errorf("nodejs24.x context:\n got %s\nwant %s", b, want)
	}

	w = startGeneration(t, "nodejs22.x", "contextShape")
	a = w.invoke(t, inv)
	if !strings.Contains(string(a.Body), `"done":"function","succeed":"function","waits":"boolean","xRayTraceId":null,"w3c":null`) ||
		!strings.Contains(string(a.Body), `"w3c":{"traceparent"`) {
		t.Errorf("nodejs22.x context (callback methods, no w3c(), client context untouched): %s", a.Body)
	}
}

// TestNodeCallbackHandlers: nodejs24.x refuses a callback handler at init
// with Runtime.CallbackHandlerDeprecated; nodejs22.x runs it and warns at
// init unless AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING is set
// (src/WarningForCallbackHandlers.js).
func TestNodeCallbackHandlers(t *testing.T) {
	requireTool(t, "node")
	spec := generationSpec(t, "nodejs24.x", "waitsForTimer")
	w := startWorker(t, spec, prepare(t, spec))
	w.initError(t)
	raw, header := w.raw.errorBody("init")
	checkNodeError(t, raw, "Runtime.CallbackHandlerDeprecated",
		"ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24.", "Runtime.CallbackHandlerDeprecated")
	if header != "Runtime.CallbackHandlerDeprecated" {
		t.Errorf("error type header %q", header)
	}
	w.out.waitFor(t, "\tERROR\tInit Error \t{\"errorType\":\"Runtime.CallbackHandlerDeprecated\"")

	const warning = "\tWARN\tAWS Lambda plans to remove support for callback-based function handlers starting with Node.js 24."
	w = startGeneration(t, "nodejs22.x", "waitsForTimer")
	w.out.waitFor(t, warning)
	w = startGeneration(t, "nodejs22.x", "waitsForTimer", "AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING=1")
	if a := w.invoke(t, invocation(`{}`)); a.Kind != runtimeapi.KindResponse || strings.Contains(w.out.String(), warning) {
		t.Errorf("with the warning disabled: %v %s; output:\n%s", a.Kind, a.Body, w.out.String())
	}
	w = startGeneration(t, "nodejs22.x", "syncValue") // two parameters: no callback, no warning
	if w.invoke(t, invocation(`{}`)); strings.Contains(w.out.String(), warning) {
		t.Errorf("warned for a handler without a callback:\n%s", w.out.String())
	}
}

// TestNodeErrorLogShapes checks three log details of the classic client:
// an unhandled rejection's message is String(reason) (Errors.js), the first
// Error among several console arguments lends its fields to a JSON record,
// and a failure that is not an Error is logged as one (LogPatch.js).
func TestNodeErrorLogShapes(t *testing.T) {
	w := startGeneration(t, "nodejs22.x", "rejects")
	inv := invocation(`{}`)
	a := w.invoke(t, inv)
	raw, _ := w.raw.errorBody(inv.RequestID)
	checkNodeError(t, raw, "Runtime.UnhandledPromiseRejection", "Error: nobody caught this", "Runtime.UnhandledPromiseRejection")
	var body struct{ ErrorMessage string }
	if json.Unmarshal(raw, &body); a.Kind != runtimeapi.KindError || body.ErrorMessage != "Error: nobody caught this" {
		t.Errorf("answer %v, message %q; want String(reason) alone", a.Kind, body.ErrorMessage)
	}

	w = startGeneration(t, "nodejs22.x", "logsError", "AWS_LAMBDA_LOG_FORMAT=JSON")
	w.invoke(t, invocation(`{}`))
	w.out.waitFor(t, `"errorType":"TypeError","errorMessage":"first argument","stackTrace":["TypeError: first argument"`)

	w = startGeneration(t, "nodejs22.x", "failsString")
	if a := w.invoke(t, invocation(`{}`)); a.Kind != runtimeapi.KindError || a.ErrorType != "string" {
		t.Errorf("answer %v %q, want the string's error type", a.Kind, a.ErrorType)
	}
	w.out.waitFor(t, "\tERROR\tInvoke Error \t{\"errorType\":\"Error\",\"errorMessage\":\"plain string failure\"")
}
