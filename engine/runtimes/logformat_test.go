package runtimes_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/lambdev/lambdev/engine/runtimeapi"
	"github.com/lambdev/lambdev/engine/runtimes"
)

// startWithEnv prepares spec, starts its worker with env added to the
// Lambda environment, and waits for its first /next.
func startWithEnv(t *testing.T, spec runtimes.Spec, env ...string) *worker {
	t.Helper()
	p := prepare(t, spec)
	p.Env = append(p.Env, env...)
	w := startWorker(t, spec, p)
	w.ready(t)
	return w
}

// jsonLogged invokes w as tenant blue and returns the invocation and the
// JSON records its output holds once mark appeared.
func jsonLogged(t *testing.T, w *worker, mark string) (runtimeapi.Invocation, []map[string]any) {
	t.Helper()
	inv := invocation(`{}`)
	inv.TenantID = "blue"
	w.invoke(t, inv)
	w.out.waitFor(t, mark)
	return inv, jsonRecords(w.out.String())
}

var jsonLogEnv = []string{"AWS_LAMBDA_LOG_FORMAT=JSON", "AWS_LAMBDA_LOG_LEVEL=INFO"}

// jsonRecords parses the output lines that are JSON objects.
func jsonRecords(out string) []map[string]any {
	var recs []map[string]any
	for _, line := range strings.Split(out, "\n") {
		var m map[string]any
		if strings.HasPrefix(line, "{") && json.Unmarshal([]byte(line), &m) == nil {
			recs = append(recs, m)
		}
	}
	return recs
}

func recordWith(recs []map[string]any, key, value string) map[string]any {
	for _, r := range recs {
		if r[key] == value {
			return r
		}
	}
	return nil
}

// With logging: {format: JSON} Lambda sets AWS_LAMBDA_LOG_FORMAT=JSON and the
// Python runtime writes each logging record, and each error report, as one
// JSON object (awslambdaric's JsonFormatter and log_error): the level
// filter applies, print() stays plain text.
func TestPythonJSONLogs(t *testing.T) {
	requireTool(t, "python3")
	w := startWithEnv(t, pythonSpec(t, "app.jsonlog"), jsonLogEnv...)
	inv, recs := jsonLogged(t, w, "plain print\n")
	millis := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
	hello := recordWith(recs, "message", "hello json")
	switch {
	case hello == nil:
		t.Fatalf("no JSON record of the info line in:\n%s", w.out.String())
	case hello["level"] != "INFO" || hello["logger"] != "app" || hello["requestId"] != inv.RequestID ||
		hello["tenantId"] != "blue" || hello["orderId"] != float64(7) || !millis.MatchString(hello["timestamp"].(string)):
		t.Errorf("info record %v", hello)
	case hello["stackTrace"] != nil || hello["errorType"] != nil || hello["location"] != nil:
		t.Errorf("an info record without an exception has exception fields: %v", hello)
	}
	caught := recordWith(recs, "message", "caught")
	if caught == nil || caught["level"] != "ERROR" || caught["errorType"] != "ValueError" || caught["errorMessage"] != "boom" ||
		!strings.Contains(caught["location"].(string), ":jsonlog:") || len(caught["stackTrace"].([]any)) == 0 {
		t.Errorf("exception record %v", caught)
	}
	if strings.Contains(w.out.String(), "hidden") {
		t.Errorf("a DEBUG record passed AWS_LAMBDA_LOG_LEVEL=INFO:\n%s", w.out.String())
	}
	if !strings.Contains(w.out.String(), "\nplain print\n") && !strings.HasPrefix(w.out.String(), "plain print\n") {
		t.Errorf("print() should stay plain text:\n%s", w.out.String())
	}

	fail := invocation(`{"fail": true}`)
	if a := w.invoke(t, fail); a.Kind != runtimeapi.KindError {
		t.Fatalf("answer %s %s", a.Kind, a.Body)
	}
	w.out.waitFor(t, `"errorType": "KeyError"`)
	report := recordWith(jsonRecords(w.out.String()), "errorType", "KeyError")
	seconds := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$`)
	if report == nil || report["level"] != "ERROR" || report["requestId"] != fail.RequestID || report["errorMessage"] != "'missing'" ||
		!seconds.MatchString(report["timestamp"].(string)) || len(report["stackTrace"].([]any)) == 0 {
		t.Errorf("error report %v", report)
	}
}

// The Node runtime in JSON format (AWS's LogPatch): each console call is one
// record with timestamp, level, requestId, tenantId and message; a lone
// argument stays a JSON value, more are formatted, an Error among them adds
// its fields; the level filter applies; a handler's error is logged as one
// record whose message is the error.
func TestNodeJSONLogs(t *testing.T) {
	requireTool(t, "node")
	w := startWithEnv(t, nodeSpec(t, "cjs.jsonlog"), jsonLogEnv...)
	inv, recs := jsonLogged(t, w, "plain write\n")
	hello := recordWith(recs, "message", "hello { a: 1 }")
	if hello == nil || hello["level"] != "INFO" || hello["requestId"] != inv.RequestID || hello["tenantId"] != "blue" ||
		!regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`).MatchString(hello["timestamp"].(string)) {
		t.Errorf("info record %v in:\n%s", hello, w.out.String())
	}
	var object map[string]any
	for _, r := range recs {
		if m, ok := r["message"].(map[string]any); ok && m["orderId"] == float64(7) {
			object = r
		}
	}
	if object == nil || object["level"] != "INFO" {
		t.Errorf("a lone object argument should stay a JSON value: %v", recs)
	}
	failed := recordWith(recs, "errorType", "TypeError")
	if failed == nil || failed["level"] != "ERROR" || failed["errorMessage"] != "bad" || !strings.HasPrefix(failed["message"].(string), "failed TypeError: bad") {
		t.Errorf("error record %v", failed)
	}
	if strings.Contains(w.out.String(), "hidden") {
		t.Errorf("a DEBUG line passed AWS_LAMBDA_LOG_LEVEL=INFO")
	}

	fail := invocation(`{"fail": true}`)
	if a := w.invoke(t, fail); a.Kind != runtimeapi.KindError {
		t.Fatalf("answer %s %s", a.Kind, a.Body)
	}
	w.out.waitFor(t, `"errorType":"RangeError"`)
	var report map[string]any
	for _, r := range jsonRecords(w.out.String()) {
		if m, ok := r["message"].(map[string]any); ok && m["errorType"] == "RangeError" {
			report = r
		}
	}
	if report == nil || report["level"] != "ERROR" || report["requestId"] != fail.RequestID ||
		report["message"].(map[string]any)["errorMessage"] != "out of range" {
		t.Errorf("the handler's error was not logged as one JSON record: %v\n%s", report, w.out.String())
	}
}

// A JSON log record keeps non-ASCII text as it is on every Python version:
// aws/aws-lambda-python-runtime-interface-client,
// awslambdaric/lambda_runtime_log_utils.py, encodes records with
// json.JSONEncoder(ensure_ascii=False). The error report is written by
// log_error in awslambdaric/bootstrap.py with the marshaller's to_json,
// which escapes before python3.12 and not from it.
func TestPythonJSONLogsNonASCII(t *testing.T) {
	requireTool(t, "python3")
	for _, tt := range []struct{ version, errorMessage string }{
		{"3.11", `"errorMessage": "na\u00efve"`},
		{"3.12", `"errorMessage": "naïve"`},
	} {
		t.Run(tt.version, func(t *testing.T) {
			spec := pythonSpec(t, "app.unicodelog")
			spec.Runtime, spec.Version = "python"+tt.version, tt.version
			w := startWithEnv(t, spec, jsonLogEnv...)
			inv := invocation(`{}`)
			if a := w.invoke(t, inv); a.Kind != runtimeapi.KindError {
				t.Fatalf("answer %s %s", a.Kind, a.Body)
			}
			w.out.waitFor(t, `"errorType": "ValueError"`)
			record := `"level": "INFO", "message": "héllo ✓ 😀", "logger": "app", "requestId": "` +
				inv.RequestID + `", "city": "Zürich"}` + "\n"
			if out := w.out.String(); !strings.Contains(out, record) || !strings.Contains(out, tt.errorMessage) {
				t.Errorf("want the record ending %s and the report's %s in:\n%s", record, tt.errorMessage, out)
			}
		})
	}
}
