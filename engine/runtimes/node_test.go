package runtimes_test

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/lambdev/lambdev/engine/runtimeapi"
	"github.com/lambdev/lambdev/engine/runtimes"
)

func nodeSpec(t testing.TB, handler string) runtimes.Spec {
	return runtimes.Spec{
		Name: "fn", LambdaName: "app-dev-fn", Family: runtimes.Node,
		Runtime: "nodejs22.x", Version: "22",
		CodeDir: testdata(t, "node"), Handler: handler,
	}
}

// startNode prepares and starts a node worker and waits for /next.
func startNode(t testing.TB, handler string) *worker {
	t.Helper()
	requireTool(t, "node")
	spec := nodeSpec(t, handler)
	w := startWorker(t, spec, prepare(t, spec))
	w.ready(t)
	return w
}

// AWS_LAMBDA_LOG_LEVEL silences the console methods below it, as AWS's
// Node runtime does: FATAL always logs, and an unset or unknown level
// logs everything.
func TestNodeLogLevel(t *testing.T) {
	requireTool(t, "node")
	for _, tc := range []struct{ level, want string }{
		{"", "TRACE DEBUG INFO WARN ERROR FATAL"},
		{"bogus", "TRACE DEBUG INFO WARN ERROR FATAL"},
		{"WARN", "WARN ERROR FATAL"},
		{"fatal", "FATAL"},
	} {
		w := startWithEnv(t, nodeSpec(t, "cjs.levels"), "AWS_LAMBDA_LOG_LEVEL="+tc.level)
		w.invoke(t, invocation(`{}`))
		w.out.waitFor(t, "levels done\n")
		var got []string
		for _, level := range []string{"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"} {
			if strings.Contains(w.out.String(), "\t"+level+"\tat "+strings.ToLower(level)+"\n") {
				got = append(got, level)
			}
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("AWS_LAMBDA_LOG_LEVEL=%q logged %v, want %s", tc.level, got, tc.want)
		}
	}
}

func TestNodeResponses(t *testing.T) {
	tests := []struct {
		handler, want string
	}{
		{"esm.handler", `{"esm":true,"event":{"k":"v"}}`},
		{"esmpkg/index.handler", `{"typeModule":true}`},
		{"dyn.handler", `{"dyn":true}`},
		{"cjs.nothing", `null`},
		{"cjs.loadedBy", `"bootstrap.cjs"`}, // require()d, as AWS's runtime loads CommonJS
		{"callback.handler", `{"callback":true}`},
		{"callback.nowait", `{"nowait":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.handler, func(t *testing.T) {
			t.Parallel()
			w := startNode(t, tt.handler)
			for range 2 {
				a := w.invoke(t, invocation(`{"k":"v"}`))
				if a.Kind != runtimeapi.KindResponse || string(a.Body) != tt.want || a.ContentType != "application/json" {
					t.Errorf("got %v %q %q, want %q", a.Kind, a.Body, a.ContentType, tt.want)
				}
			}
		})
	}
}

func TestNodeCallbackWaitsForEmptyEventLoop(t *testing.T) {
	w := startNode(t, "callback.waits")
	start := time.Now()
	a := w.invoke(t, invocation(`{}`))
	if string(a.Body) != `{"waited":true}` {
		t.Fatalf("body %s", a.Body)
	}
	// The handler's 150 ms timer must run before the response is sent.
	if took := time.Since(start); took < 150*time.Millisecond {
		t.Errorf("answered after %v, before the pending timer", took)
	}
	if !strings.Contains(w.out.String(), "late timer fired") {
		t.Errorf("timer log missing before the response:\n%s", w.out.String())
	}
}

func TestNodeContext(t *testing.T) {
	w := startNode(t, "cjs.handler")
	inv := invocation(`{"a":1}`)
	inv.CognitoIdentity = `{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}`
	inv.ClientContext = `{"custom":{"k":"v"}}`
	a := w.invoke(t, inv)
	var got map[string]any
	if err := json.Unmarshal(a.Body, &got); err != nil {
		t.Fatalf("%v: %s", err, a.Body)
	}
	want := map[string]any{
		"event":              map[string]any{"a": 1.0},
		"awsRequestId":       inv.RequestID,
		"functionName":       "app-dev-fn",
		"functionVersion":    "$LATEST",
		"memoryLimitInMB":    "256", // a string, as in the AWS runtime
		"invokedFunctionArn": inv.FunctionARN,
		"logGroupName":       "/aws/lambda/app-dev-fn",
		"logStreamName":      "2026/01/02/[$LATEST]0123456789abcdef",
		"clientContext":      map[string]any{"custom": map[string]any{"k": "v"}},
		"identity":           map[string]any{"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool-1"},
		"remainingOk":        true,
		"traceId":            inv.TraceID,
	}
	for k, v := range want {
		if fmt.Sprint(got[k]) != fmt.Sprint(v) {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
	w.out.waitFor(t, "\t"+inv.RequestID+"\tINFO\tcjs got { a: 1 }\n")
}

func TestNodeInvokeErrors(t *testing.T) {
	tests := []struct {
		handler, errorType, message, traceHead string
	}{
		{"cjs.fail", "TypeError", "bad thing", "TypeError: bad thing"},
		{"callback.fails", "Error", "callback error", "Error: callback error"},
		{"cjs.failString", "string", "just a string", ""},
	}
	for _, tt := range tests {
		t.Run(tt.handler, func(t *testing.T) {
			t.Parallel()
			w := startNode(t, tt.handler)
			for range 2 { // the worker survives handler errors
				inv := invocation(`{}`)
				a := w.invoke(t, inv)
				raw, header := w.raw.errorBody(inv.RequestID)
				checkNodeError(t, raw, tt.errorType, tt.message, tt.traceHead)
				if a.Kind != runtimeapi.KindError || a.ErrorType != tt.errorType || header != tt.errorType {
					t.Errorf("answer %v %q, header %q; want error %q", a.Kind, a.ErrorType, header, tt.errorType)
				}
			}
			w.out.waitFor(t, "\tERROR\tInvoke Error \t")
		})
	}
}

// checkNodeError asserts the AWS Node error shape: exactly errorType,
// errorMessage and trace (in that order), trace starting with traceHead.
func checkNodeError(t *testing.T, raw []byte, errorType, message, traceHead string) {
	t.Helper()
	var body struct {
		ErrorType    string   `json:"errorType"`
		ErrorMessage string   `json:"errorMessage"`
		Trace        []string `json:"trace"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	if !strings.HasPrefix(string(raw), `{"errorType":`) || !strings.Contains(string(raw), `,"trace":[`) {
		t.Errorf("want {errorType, errorMessage, trace}: %s", raw)
	}
	if body.ErrorType != errorType || !strings.HasPrefix(body.ErrorMessage, message) || body.Trace == nil {
		t.Errorf("got %s, want %s: %s", raw, errorType, message)
	}
	if traceHead != "" && (len(body.Trace) == 0 || !strings.HasPrefix(body.Trace[0], traceHead)) {
		t.Errorf("trace %q does not start with %q", body.Trace, traceHead)
	}
}

func TestNodeInitErrors(t *testing.T) {
	tests := []struct {
		handler, errorType, message string
	}{
		{"importerr.handler", "Runtime.ImportModuleError", "Error: Cannot find module 'not-a-real-module'"},
		{"esmimporterr.handler", "Runtime.ImportModuleError", "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'not-a-real-package'"},
		{"nofile.handler", "Runtime.ImportModuleError", "Error: Cannot find module 'nofile'"},
		{"cjs.nope", "Runtime.HandlerNotFound", "cjs.nope is undefined or not exported"},
		{"cjs.notAFunction", "Runtime.HandlerNotFound", "cjs.notAFunction is not a function"},
		{"syntaxerr.handler", "Runtime.UserCodeSyntaxError", "SyntaxError: "},
		{"initfail.handler", "RangeError", "init went wrong"},
		{"nodot", "Runtime.MalformedHandlerName", "Bad handler"},
		{"../up.handler", "Runtime.MalformedHandlerName", "'../up.handler' is not a valid handler name."},
	}
	for _, tt := range tests {
		t.Run(tt.handler, func(t *testing.T) {
			t.Parallel()
			requireTool(t, "node")
			spec := nodeSpec(t, tt.handler)
			w := startWorker(t, spec, prepare(t, spec))
			a := w.initError(t)
			raw, header := w.raw.errorBody("init")
			checkNodeError(t, raw, tt.errorType, tt.message, tt.errorType)
			if header != tt.errorType || a.ErrorType != tt.errorType {
				t.Errorf("header %q, answer %q; want %q", header, a.ErrorType, tt.errorType)
			}
			// The classic client loads the handler in its entry module's
			// top-level await: a failure is its uncaughtException, which
			// posts the init error and exits 129 (src/index.mjs).
			if code := w.cmd.ProcessState.ExitCode(); code != 129 {
				t.Errorf("exit code %d, want 129", code)
			}
			w.out.waitFor(t, "\tERROR\tUncaught Exception \t{\"errorType\":\""+tt.errorType+"\"")
		})
	}
}

func TestNodeUncaughtExceptionEndsInvocationAndWorker(t *testing.T) {
	w := startNode(t, "callback.uncaught")
	inv := invocation(`{}`)
	a := w.invoke(t, inv)
	raw, _ := w.raw.errorBody(inv.RequestID)
	checkNodeError(t, raw, "Error", "async boom", "Error: async boom")
	if a.Kind != runtimeapi.KindError {
		t.Errorf("answer %v", a.Kind)
	}
	if code := w.exitCode(t, "after an uncaught exception"); code != 129 {
		t.Errorf("exit code %d, want 129", code)
	}
}

// TestNodeHeldSpare starts workers the way the engine starts a spare
// (LAMBDEV_HOLD=1, a pipe on stdin): one byte lets the handler load; EOF ends
// the worker before it calls the Runtime API.
func TestNodeHeldSpare(t *testing.T) {
	for _, goAhead := range []bool{true, false} {
		t.Run(fmt.Sprintf("goAhead=%v", goAhead), func(t *testing.T) {
			t.Parallel()
			requireTool(t, "node")
			spec := nodeSpec(t, "esm.handler")
			p := prepare(t, spec)
			srv, err := runtimeapi.Listen("127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			w := &worker{srv: srv, out: newOutput(), exited: make(chan struct{})}
			w.cmd = exec.Command(p.Path, p.Args...)
			w.cmd.Env = []string{"AWS_LAMBDA_RUNTIME_API=" + srv.Addr(), "LAMBDEV_HOLD=1"}
			hold, err := w.cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			w.start(t, spec, p)
			if goAhead {
				if _, err := hold.Write([]byte{1}); err != nil {
					t.Fatal(err)
				}
				w.ready(t)
				a := w.invoke(t, invocation(`{"k":"v"}`))
				if want := `{"esm":true,"event":{"k":"v"}}`; string(a.Body) != want {
					t.Errorf("body %s, want %s", a.Body, want)
				}
				return
			}
			hold.Close()
			if code := w.exitCode(t, "after EOF on stdin (held)"); code != 0 {
				t.Errorf("exit code %d, want 0", code)
			}
			select {
			case <-srv.Ready():
				t.Error("released by EOF, yet the worker called /next")
			default:
			}
		})
	}
}
