package runtimes_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/lambdev/lambdev/engine/runtimeapi"
	"github.com/lambdev/lambdev/engine/runtimes"
)

func pythonSpec(t testing.TB, handler string) runtimes.Spec {
	return runtimes.Spec{
		Name: "fn", LambdaName: "app-dev-fn", Family: runtimes.Python,
		Runtime: "python3.11", Version: "3.11",
		CodeDir: testdata(t, "python"), Handler: handler,
	}
}

// startPython prepares and starts a python worker and waits for /next.
func startPython(t testing.TB, handler string) *worker {
	t.Helper()
	requireTool(t, "python3")
	spec := pythonSpec(t, handler)
	w := startWorker(t, spec, prepare(t, spec))
	w.ready(t)
	return w
}

// lineOf returns the 1-based line of the first line in file containing s.
func lineOf(t *testing.T, file, s string) int {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.Contains(sc.Text(), s) {
			return n
		}
	}
	t.Fatalf("%q not in %s", s, file)
	return 0
}

func TestPythonResponses(t *testing.T) {
	w := startPython(t, "app.echo")
	tests := []struct {
		name, payload, want, contentType string
	}{
		{"object", `{"a": [1, 2.5, "x"], "b": null}`, `{"a": [1, 2.5, "x"], "b": null}`, "application/json"},
		{"compact input, json.dumps spacing out", `{"k":"v","n":1}`, `{"k": "v", "n": 1}`, "application/json"},
		{"string", `"hi"`, `"hi"`, "application/json"},
		{"null", `null`, `null`, "application/json"},
		{"non-ascii escaped before python3.12", `"é"`, `"\u00e9"`, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := w.invoke(t, invocation(tt.payload))
			if a.Kind != runtimeapi.KindResponse || string(a.Body) != tt.want || a.ContentType != tt.contentType {
				t.Errorf("got %v %q %q, want response %q %q", a.Kind, a.Body, a.ContentType, tt.want, tt.contentType)
			}
		})
	}
	w.out.waitFor(t, `echo {"k": "v", "n": 1}`+"\n")
}

func TestPythonHandlerResults(t *testing.T) {
	tests := []struct {
		handler, want, contentType string
	}{
		{"app.raw", "\x00raw", "application/unknown"},
		{"app.text", `"h\u00e9llo"`, "application/json"},
		{"pkg/nested.handler", `{"nested": true}`, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.handler, func(t *testing.T) {
			t.Parallel()
			w := startPython(t, tt.handler)
			a := w.invoke(t, invocation(`{}`))
			if a.Kind != runtimeapi.KindResponse || string(a.Body) != tt.want || a.ContentType != tt.contentType {
				t.Errorf("got %v %q %q, want %q %q", a.Kind, a.Body, a.ContentType, tt.want, tt.contentType)
			}
		})
	}
}

// A Decimal (boto3's DynamoDB numbers) is written as its exact text, as
// awslambdaric does: aws/aws-lambda-python-runtime-interface-client,
// awslambdaric/lambda_runtime_marshaller.py, encodes with simplejson and a
// default() giving math.nan for a NaN Decimal and RawJSON(str(d)) for any
// other. A Decimal key is simplejson's TypeError, its C speedups naming the
// type "decimal.Decimal". The cases run in order on one worker: a failed
// encode must leave nothing behind for the next.
func TestPythonDecimalResults(t *testing.T) {
	w := startPython(t, "app.decimals")
	const values = `{"price": 1.10, "big": 12345678901234567890.123456789, "sci": 1E+2, "small": 1E-7, ` +
		`"nan": NaN, "snan": NaN, "negnan": NaN, "inf": Infinity, "-inf": -Infinity, ` +
		`"nested": [{"zero": -0.00}], "tuple": [0.1], "text": "say \"1.10\""}`
	tests := []struct {
		name, payload, response, errorMessage string
	}{
		{"values", `{}`, values, ""},
		{"top-level", `{"case": "top"}`, `3.14`, ""},
		{"key", `{"case": "key"}`, "",
			"Unable to marshal response: keys must be str, int, float, bool or None, not decimal.Decimal"},
		{"unserialisable after a Decimal", `{"case": "unserialisable"}`, "",
			"Unable to marshal response: Object of type set is not JSON serializable"},
		{"values again", `{}`, values, ""},
	}
	for _, tt := range tests {
		inv := invocation(tt.payload)
		a := w.invoke(t, inv)
		if tt.errorMessage == "" {
			if a.Kind != runtimeapi.KindResponse || string(a.Body) != tt.response {
				t.Errorf("%s: got %v\n%s\nwant\n%s", tt.name, a.Kind, a.Body, tt.response)
			}
			continue
		}
		want := `{"errorMessage": "` + tt.errorMessage +
			`", "errorType": "Runtime.MarshalError", "requestId": "` + inv.RequestID + `", "stackTrace": []}`
		if raw, _ := w.raw.errorBody(inv.RequestID); a.Kind != runtimeapi.KindError || string(raw) != want {
			t.Errorf("%s: got %v\n%s\nwant\n%s", tt.name, a.Kind, raw, want)
		}
	}
}

func TestPythonContext(t *testing.T) {
	w := startPython(t, "app.ctx")
	inv := invocation(`{}`)
	inv.CognitoIdentity = `{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}`
	inv.ClientContext = `{"client":{"installation_id":"inst-1"},"custom":{"k":"v"},"env":{}}`
	a := w.invoke(t, inv)
	var got map[string]any
	if err := json.Unmarshal(a.Body, &got); err != nil {
		t.Fatalf("%v: %s", err, a.Body)
	}
	want := map[string]any{
		"aws_request_id":           inv.RequestID,
		"function_name":            "app-dev-fn",
		"function_version":         "$LATEST",
		"memory_limit_in_mb":       "256", // a string, as in awslambdaric
		"invoked_function_arn":     inv.FunctionARN,
		"log_group_name":           "/aws/lambda/app-dev-fn",
		"log_stream_name":          "2026/01/02/[$LATEST]0123456789abcdef",
		"remaining_ok":             true,
		"cognito_identity_id":      "id-1",
		"cognito_identity_pool_id": "pool-1",
		"client_custom":            map[string]any{"k": "v"},
		"client_installation_id":   "inst-1",
		"trace_id":                 inv.TraceID,
		"task_root_first":          true,
	}
	for k, v := range want {
		if fmt.Sprint(got[k]) != fmt.Sprint(v) {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
	// No trace header on the next invoke: _X_AMZN_TRACE_ID must not linger.
	inv = invocation(`{}`)
	inv.TraceID = ""
	if err := json.Unmarshal(w.invoke(t, inv).Body, &got); err != nil {
		t.Fatal(err)
	}
	if got["trace_id"] != nil || got["cognito_identity_id"] != nil || got["client_custom"] != nil {
		t.Errorf("stale per-invoke values: %v", got)
	}
}

// context.w3c() as aws/aws-lambda-python-runtime-interface-client,
// awslambdaric/lambda_context.py, gives it: the client context's "w3c"
// object is popped, its traceparent, tracestate and baggage kept (in that
// order) when they are strings, anything else dropped; {} when absent; a copy
// on each call.
func TestPythonContextW3C(t *testing.T) {
	w := startPython(t, "app.w3c")
	const parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	tests := []struct {
		name, clientContext, want string
	}{
		{"all fields", `{"custom":{"k":"v"},"w3c":{"baggage":"userId=alice","other":"x","tracestate":"congo=t61rcWkgMzE","traceparent":"` + parent + `"}}`,
			`{"w3c": {"traceparent": "` + parent + `", "tracestate": "congo=t61rcWkgMzE", "baggage": "userId=alice"}, "custom": {"k": "v"}}`},
		{"non-string dropped", `{"w3c":{"traceparent":"` + parent + `","baggage":5,"tracestate":null}}`,
			`{"w3c": {"traceparent": "` + parent + `"}, "custom": null}`},
		{"not an object", `{"custom":{},"w3c":"` + parent + `"}`, `{"w3c": {}, "custom": {}}`},
		{"no w3c", `{"custom":{"k":"v"}}`, `{"w3c": {}, "custom": {"k": "v"}}`},
		{"no client context", ``, `{"w3c": {}, "custom": null}`},
	}
	for _, tt := range tests {
		inv := invocation(`{}`)
		inv.ClientContext = tt.clientContext
		if a := w.invoke(t, inv); a.Kind != runtimeapi.KindResponse || string(a.Body) != tt.want {
			t.Errorf("%s: got %v %s, want %s", tt.name, a.Kind, a.Body, tt.want)
		}
	}
}

func TestPythonInvokeErrors(t *testing.T) {
	app := testdata(t, "python", "app.py")
	raiseLine := lineOf(t, app, `raise ValueError("boom")`)
	tests := []struct {
		handler, payload, want string
	}{
		{"app.fail", `{}`, `{"errorMessage": "boom", "errorType": "ValueError", "requestId": "%s", "stackTrace": ["  File \"` + app + fmt.Sprintf(`\", line %d, in fail\n    raise ValueError(\"boom\")\n"]}`, raiseLine)},
		{"app.unserialisable", `{}`, `{"errorMessage": "Unable to marshal response: Object of type set is not JSON serializable", "errorType": "Runtime.MarshalError", "requestId": "%s", "stackTrace": []}`},
		{"app.echo", `{bad`, `{"errorMessage": "Unable to unmarshal input: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)", "errorType": "Runtime.UnmarshalError", "requestId": "%s", "stackTrace": []}`},
	}
	for _, tt := range tests {
		t.Run(tt.handler, func(t *testing.T) {
			t.Parallel()
			w := startPython(t, tt.handler)
			for range 2 { // the worker survives handler errors
				inv := invocation(tt.payload)
				a := w.invoke(t, inv)
				want := strings.Replace(tt.want, "%s", inv.RequestID, 1)
				raw, header := w.raw.errorBody(inv.RequestID)
				if a.Kind != runtimeapi.KindError || string(raw) != want {
					t.Errorf("got %v\n%s\nwant\n%s", a.Kind, raw, want)
				}
				var e struct{ ErrorType string }
				_ = json.Unmarshal([]byte(want), &e)
				if a.ErrorType != e.ErrorType || header != e.ErrorType {
					t.Errorf("ErrorType = %q, header %q, want %q", a.ErrorType, header, e.ErrorType)
				}
			}
			if tt.handler == "app.fail" {
				w.out.waitFor(t, "[ERROR] ValueError: boom\nTraceback (most recent call last):\n")
			}
		})
	}
}

func TestPythonInitErrors(t *testing.T) {
	tests := []struct {
		handler, errorType, message string
	}{
		{"importerr.handler", "Runtime.ImportModuleError", "Unable to import module 'importerr': No module named 'not_a_real_module'"},
		{"missing.handler", "Runtime.ImportModuleError", "Unable to import module 'missing': No module named 'missing'"},
		{"app.nope", "Runtime.HandlerNotFound", "Handler 'nope' missing on module 'app'"},
		{"syntaxerr.handler", "Runtime.UserCodeSyntaxError", "Syntax error in module 'syntaxerr': "},
		{"initfail.handler", "RuntimeError", "init went wrong"},
		{"nodot", "Runtime.MalformedHandlerName", "Bad handler 'nodot': not enough values to unpack (expected 2, got 1)"},
		{"sys.handler", "Runtime.BuiltInModuleConflict", "Cannot use built-in module sys as a handler module"},
	}
	for _, tt := range tests {
		t.Run(tt.handler, func(t *testing.T) {
			t.Parallel()
			requireTool(t, "python3")
			spec := pythonSpec(t, tt.handler)
			w := startWorker(t, spec, prepare(t, spec))
			a := w.initError(t)
			raw, header := w.raw.errorBody("init")
			var body struct {
				ErrorMessage string   `json:"errorMessage"`
				ErrorType    string   `json:"errorType"`
				RequestID    *string  `json:"requestId"`
				StackTrace   []string `json:"stackTrace"`
			}
			if err := json.Unmarshal(raw, &body); err != nil {
				t.Fatalf("%v: %s", err, raw)
			}
			if body.ErrorType != tt.errorType || header != tt.errorType || a.ErrorType != tt.errorType ||
				!strings.HasPrefix(body.ErrorMessage, tt.message) {
				t.Errorf("got %s (header %q, answer %q), want %s: %s", raw, header, a.ErrorType, tt.errorType, tt.message)
			}
			if body.RequestID == nil || *body.RequestID != "" || body.StackTrace == nil {
				t.Errorf("want requestId \"\" and a stackTrace array: %s", raw)
			}
			if !strings.HasPrefix(string(raw), `{"errorMessage": `) {
				t.Errorf("want json.dumps key order and spacing: %s", raw)
			}
			if code := w.cmd.ProcessState.ExitCode(); code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
		})
	}
}

// unhandledWarning is awslambdaric's lambda_unhandled_exception_warning_message
// (aws/aws-lambda-python-runtime-interface-client, awslambdaric/lambda_literals.py).
const unhandledWarning = "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. " +
	"However, in rare cases, a Lambda runtime update can cause unexpected function behavior. " +
	"For functions using managed runtimes, runtime updates can be triggered by a function change, or can be applied automatically. " +
	"To determine if the runtime has been updated, check the runtime version in the INIT_START log entry. " +
	"If this error correlates with a change in the runtime version, you may be able to mitigate this error by temporarily rolling back to the previous runtime version. " +
	"For more information, see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html\r"

// On an init error awslambdaric's run() (awslambdaric/bootstrap.py) calls
// logging.warning(lambda_unhandled_exception_warning_message) before
// log_error: a root-logger record with an empty request ID, in the function's
// log format, dropped below AWS_LAMBDA_LOG_LEVEL=WARN; an invoke error logs
// no warning.
func TestPythonInitErrorWarning(t *testing.T) {
	requireTool(t, "python3")
	stamp := `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d`
	text := "(?m)^\\[WARNING\\]\t" + stamp + `\.\d{3}Z\t\t` + regexp.QuoteMeta(unhandledWarning) +
		"\n\\[ERROR\\] RuntimeError: init went wrong\n"
	jsonWarning, _ := json.Marshal(unhandledWarning)
	jsonLines := `(?m)^\{"timestamp": "` + stamp + `\.\d{3}Z", "level": "WARNING", "message": ` +
		regexp.QuoteMeta(string(jsonWarning)) + `, "logger": "root", "requestId": ""\}\n` +
		`\{"timestamp": "` + stamp + `", "level": "ERROR", "errorMessage": "Unable to import module 'importerr'`
	tests := []struct {
		name, handler, pattern string
		env                    []string
	}{
		{"text", "initfail.handler", text, nil},
		{"JSON", "importerr.handler", jsonLines, jsonLogEnv},
		{"below the level", "initfail.handler", "", []string{"AWS_LAMBDA_LOG_LEVEL=ERROR"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			spec := pythonSpec(t, tt.handler)
			p := prepare(t, spec)
			p.Env = append(p.Env, tt.env...)
			w := startWorker(t, spec, p)
			w.initError(t)
			out := w.out.String()
			if tt.pattern == "" {
				if strings.Contains(out, "LAMBDA_WARNING") {
					t.Errorf("a WARNING record passed AWS_LAMBDA_LOG_LEVEL=ERROR:\n%q", out)
				}
				return
			}
			if !regexp.MustCompile(tt.pattern).MatchString(out) {
				t.Errorf("output does not match\n%s\n%q", tt.pattern, out)
			}
		})
	}
	t.Run("invoke error", func(t *testing.T) {
		t.Parallel()
		w := startPython(t, "app.fail")
		w.invoke(t, invocation(`{}`))
		w.out.waitFor(t, "[ERROR] ValueError: boom\n")
		if strings.Contains(w.out.String(), "LAMBDA_WARNING") {
			t.Errorf("an invoke error logged the warning:\n%q", w.out.String())
		}
	})
}

// AWS_LAMBDA_LOG_LEVEL sets the root logger's level; Lambda's TRACE, which
// Python's logging lacks, logs DEBUG as awslambdaric does.
func TestPythonLogLevel(t *testing.T) {
	requireTool(t, "python3")
	for _, level := range []string{"TRACE", "DEBUG", "WARN"} {
		w := startWithEnv(t, pythonSpec(t, "app.log"), "AWS_LAMBDA_LOG_LEVEL="+level)
		inv := invocation(`{}`)
		w.invoke(t, inv)
		w.out.waitFor(t, "\t"+inv.RequestID+"\tvia logging\n")
		w.out.waitFor(t, "partial")
		if got, want := strings.Contains(w.out.String(), "debug detail"), level != "WARN"; got != want {
			t.Errorf("level %s: debug line logged %v, want %v:\n%s", level, got, want, w.out.String())
		}
	}
}

func TestPythonLogs(t *testing.T) {
	w := startPython(t, "app.log")
	inv := invocation(`{}`)
	if a := w.invoke(t, inv); string(a.Body) != "null" {
		t.Fatalf("body %q", a.Body)
	}
	w.out.waitFor(t, "partial")
	w.out.waitFor(t, "\t"+inv.RequestID+"\tvia logging\n")
	if !strings.Contains(w.out.String(), "[WARNING]\t") {
		t.Errorf("no Lambda-style log line:\n%s", w.out.String())
	}
}
