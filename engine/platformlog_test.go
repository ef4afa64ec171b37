package engine

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lambdev/lambdev/config"
)

// Application log filtering in JSON format, as Lambda applies it to output
// it does not get from a managed runtime's logger: [doc]
// monitoring-cloudwatchlogs-log-level, "your function code must output log
// events ... as JSON formatted objects that contain a key value pair with
// the key "level"" and "If the "level" value field is invalid or missing,
// Lambda assigns the log output the level INFO".
func TestLogPolicyKeeps(t *testing.T) {
	warn := logPolicyFor(&config.LoggingConfig{Format: config.LogFormatJSON, ApplicationLevel: "WARN"})
	info := logPolicyFor(&config.LoggingConfig{Format: config.LogFormatJSON})
	trace := logPolicyFor(&config.LoggingConfig{Format: config.LogFormatJSON, ApplicationLevel: "TRACE"})
	text := logPolicyFor(&config.LoggingConfig{Format: config.LogFormatText})
	for _, c := range []struct {
		p    logPolicy
		line string
		want bool
		name string
	}{
		{warn, `{"level": "debug", "msg": "my debug log", "timestamp": "2024-11-02T16:51:31.587199Z"}`, false, "the doc's own example"},
		{warn, `{"level":"INFO","msg":"x"}`, false, "INFO below WARN"},
		{warn, `{"level":"WARN","msg":"x"}`, true, "WARN"},
		{warn, `{"level":"warning","msg":"x"}`, true, "Python's name for WARN"},
		{warn, `{"level":"ERROR","msg":"x"}`, true, "ERROR"},
		{warn, `{"level":"CRITICAL","msg":"x"}`, true, "Python's name for FATAL"},
		{warn, `{"msg":"no level"}`, false, "a missing level is INFO"},
		{warn, `{"level":"loud","msg":"x"}`, false, "an invalid level is INFO"},
		{warn, `{"level":3,"msg":"x"}`, false, "a level that is not a string is INFO"},
		{warn, `  {"level":"error"}`, true, "leading blanks"},
		{warn, `plain text`, true, "not JSON: kept"},
		{warn, `{not json`, true, "broken JSON: kept as text"},
		{warn, `[{"level":"debug"}]`, true, "a JSON array is not a record"},
		{info, `{"level":"debug"}`, false, "the default level is INFO"},
		{info, `{"msg":"no level"}`, true, "INFO at INFO"},
		{trace, `{"level":"trace"}`, true, "TRACE keeps everything"},
		{text, `{"level":"debug"}`, true, "Text format filters nothing"},
	} {
		if got := c.p.keeps([]byte(c.line)); got != c.want {
			t.Errorf("%s: keeps(%s) = %v, want %v", c.name, c.line, got, c.want)
		}
	}
}

// platformLine is one JSON system record or application line of an
// invocation's log.
type platformLine struct {
	Time   string `json:"time"`
	Type   string `json:"type"`
	Record struct {
		RequestID          string `json:"requestId"`
		FunctionArn        string `json:"functionArn"`
		Version            string `json:"version"`
		Status             string `json:"status"`
		ErrorType          string `json:"errorType"`
		FunctionName       string `json:"functionName"`
		InitializationType string `json:"initializationType"`
		Metrics            struct {
			DurationMs       *float64 `json:"durationMs"`
			BilledDurationMs *int64   `json:"billedDurationMs"`
			MemorySizeMB     int      `json:"memorySizeMB"`
			MaxMemoryUsedMB  int      `json:"maxMemoryUsedMB"`
			InitDurationMs   *float64 `json:"initDurationMs"`
			ProducedBytes    *int64   `json:"producedBytes"`
		} `json:"metrics"`
	} `json:"record"`
	Msg   string `json:"msg"`
	Level string `json:"level"`
}

// logSequence reads an invocation's log: each line's platform record type,
// or "app:" and the msg (else the level) of an application record, or
// "text:" and a plain line.
func logSequence(t *testing.T, logs []byte) ([]string, map[string]platformLine) {
	t.Helper()
	var seq []string
	recs := map[string]platformLine{}
	for _, line := range strings.Split(strings.TrimSuffix(string(logs), "\n"), "\n") {
		if !strings.HasPrefix(line, "{") {
			if strings.HasSuffix(line, `{"errorMessage":"golog failed","errorType":"errorString"}`) {
				line = "aws-lambda-go's error log" // log.Printf's, with its date
			}
			seq = append(seq, "text:"+line)
			continue
		}
		var l platformLine
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if l.Type == "" {
			if l.Msg == "" {
				l.Msg = l.Level // a record without msg: a runtime's own, by level
			}
			seq = append(seq, "app:"+l.Msg)
			continue
		}
		if !platformTimeRE(l.Time) {
			t.Errorf("%s time %q, want 2006-01-02T15:04:05.000Z", l.Type, l.Time)
		}
		seq = append(seq, l.Type)
		recs[l.Type] = l
	}
	return seq, recs
}

func platformTimeRE(s string) bool {
	return len(s) == len("2006-01-02T15:04:05.000Z") && s[10] == 'T' && s[19] == '.' && strings.HasSuffix(s, "Z")
}

// In JSON format Lambda writes its system logs as Telemetry API records
// ({time, type, record}: [doc] telemetry-schema-reference) instead of
// INIT_START/START/END/REPORT, and filters application JSON records by
// level. A real aws-lambda-go handler logging with log/slog shows both.
func TestJSONPlatformLogs(t *testing.T) {
	requireInterpreter(t, "go")
	e, _ := newTestEngine(t)
	cold := invoke(t, e, "golog", `{}`)
	if cold.Outcome != OutcomeOK || !cold.Cold {
		t.Fatalf("cold: outcome %s cold %v\n%s", cold.Outcome, cold.Cold, cold.Logs)
	}
	seq, recs := logSequence(t, cold.Logs)
	// systemLogLevel DEBUG adds platform.runtimeDone; applicationLogLevel
	// WARN drops the init and handler records below WARN. The plain line
	// stays: Lambda documents no filter for text.
	want := []string{"platform.initStart", "platform.initRuntimeDone", "platform.start", "app:golog warn", "app:golog error",
		"text:golog plain", "platform.runtimeDone", "platform.report"}
	if strings.Join(seq, "|") != strings.Join(want, "|") {
		t.Fatalf("cold log sequence:\n got %q\nwant %q\n%s", seq, want, cold.Logs)
	}
	mem := e.Project().Function("golog").Memory
	is := recs["platform.initStart"].Record
	if is.FunctionName != "enginetest-test-golog" || is.InitializationType != "on-demand" {
		t.Errorf("initStart record %+v", is)
	}
	if ird := recs["platform.initRuntimeDone"].Record; ird.Status != "success" || ird.InitializationType != "on-demand" {
		t.Errorf("initRuntimeDone record %+v", ird)
	}
	if st := recs["platform.start"].Record; st.RequestID != cold.RequestID || st.Version != "$LATEST" ||
		st.FunctionArn != "arn:aws:lambda:us-east-1:000000000000:function:enginetest-test-golog" {
		t.Errorf("start record %+v, request %s", st, cold.RequestID)
	}
	done := recs["platform.runtimeDone"].Record
	if done.RequestID != cold.RequestID || done.Status != "success" || done.Metrics.ProducedBytes == nil || *done.Metrics.ProducedBytes != int64(len(cold.Payload)) {
		t.Errorf("runtimeDone record %+v", done)
	}
	rep := recs["platform.report"].Record
	m := rep.Metrics
	if rep.RequestID != cold.RequestID || rep.Status != "success" || rep.ErrorType != "" ||
		m.DurationMs == nil || *m.DurationMs != float64(cold.Duration.Microseconds())/1000 ||
		m.BilledDurationMs == nil || *m.BilledDurationMs != cold.Duration.Milliseconds()+1 ||
		m.MemorySizeMB != mem || m.MaxMemoryUsedMB != cold.MaxMemoryMB || m.MaxMemoryUsedMB <= 0 ||
		m.InitDurationMs == nil || *m.InitDurationMs != float64(cold.InitDuration.Microseconds())/1000 {
		t.Errorf("cold report %+v, metrics %+v; result duration %s init %s memory %d MB",
			rep, m, cold.Duration, cold.InitDuration, cold.MaxMemoryMB)
	}

	warm := invoke(t, e, "golog", `{"fail":true}`)
	if warm.Outcome != OutcomeError || warm.Cold {
		t.Fatalf("warm: outcome %s cold %v\n%s", warm.Outcome, warm.Cold, warm.Logs)
	}
	seq, recs = logSequence(t, warm.Logs)
	want = []string{"platform.start", "app:golog warn", "app:golog error", "text:golog plain", "text:aws-lambda-go's error log",
		"platform.runtimeDone", "platform.report"}
	if strings.Join(seq, "|") != strings.Join(want, "|") {
		t.Fatalf("warm log sequence:\n got %q\nwant %q", seq, want)
	}
	// The runtime answered, through /error: to the platform a success.
	for _, typ := range []string{"platform.runtimeDone", "platform.report"} {
		if r := recs[typ].Record; r.Status != "success" || r.ErrorType != "" {
			t.Errorf("%s of a handler error: status %q errorType %q", typ, r.Status, r.ErrorType)
		}
	}
	if recs["platform.report"].Record.Metrics.InitDurationMs != nil {
		t.Errorf("a warm report has initDurationMs: %s", warm.Logs)
	}
}

// systemLogLevel WARN drops the system records of a successful invocation,
// a handler error's included, and keeps a crash's runtimeDone and report,
// logged at WARN; the application level, unset, is INFO.
func TestJSONSystemLogLevelWarn(t *testing.T) {
	requireInterpreter(t, "go")
	e, _ := newTestEngine(t)
	ok := invoke(t, e, "gologwarn", `{}`)
	seq, _ := logSequence(t, ok.Logs)
	want := []string{"app:golog init", "app:golog info", "app:golog warn", "app:golog error", "text:golog plain"}
	if ok.Outcome != OutcomeOK || strings.Join(seq, "|") != strings.Join(want, "|") {
		t.Fatalf("success: outcome %s, log sequence\n got %q\nwant %q", ok.Outcome, seq, want)
	}
	failed := invoke(t, e, "gologwarn", `{"fail":true}`)
	seq, _ = logSequence(t, failed.Logs)
	want = []string{"app:golog info", "app:golog warn", "app:golog error", "text:golog plain", "text:aws-lambda-go's error log"}
	if failed.Outcome != OutcomeError || strings.Join(seq, "|") != strings.Join(want, "|") {
		t.Fatalf("handler error: outcome %s, log sequence\n got %q\nwant %q", failed.Outcome, seq, want)
	}
	crashed := invoke(t, e, "gologwarn", `{"crash":true}`)
	seq, recs := logSequence(t, crashed.Logs)
	want = []string{"app:golog info", "app:golog warn", "app:golog error", "text:golog plain", "platform.runtimeDone", "platform.report"}
	if crashed.Outcome != OutcomeCrash || strings.Join(seq, "|") != strings.Join(want, "|") {
		t.Fatalf("crash: outcome %s, log sequence\n got %q\nwant %q", crashed.Outcome, seq, want)
	}
	for _, typ := range []string{"platform.runtimeDone", "platform.report"} {
		if r := recs[typ].Record; r.Status != "error" || r.ErrorType != "Runtime.ExitError" || r.RequestID != crashed.RequestID {
			t.Errorf("crash %s %+v", typ, r)
		}
	}
}

// A failed init is reported as Lambda's Text format reports it with
// INIT_REPORT: platform.initReport with the error, before the START of the
// invocation that waited for it.
func TestJSONInitReport(t *testing.T) {
	requireInterpreter(t, "python3")
	e, _ := newTestEngine(t)
	res := invoke(t, e, "jsonbroken", `{}`)
	if res.Outcome != OutcomeInitError {
		t.Fatalf("outcome %s\n%s", res.Outcome, res.Logs)
	}
	seq, recs := logSequence(t, res.Logs)
	// awslambdaric logs its LAMBDA_WARNING before the init error's report.
	want := []string{"platform.initStart", "app:WARNING", "app:ERROR", "platform.initRuntimeDone", "platform.initReport", "platform.start",
		"platform.runtimeDone", "platform.report"}
	if strings.Join(seq, "|") != strings.Join(want, "|") {
		t.Fatalf("log sequence:\n got %q\nwant %q\n%s", seq, want, res.Logs)
	}
	for _, typ := range []string{"platform.initRuntimeDone", "platform.initReport", "platform.runtimeDone", "platform.report"} {
		if r := recs[typ].Record; r.Status != "error" || r.ErrorType != "Runtime.ImportModuleError" {
			t.Errorf("%s: status %q errorType %q", typ, r.Status, r.ErrorType)
		}
	}
	if d := recs["platform.initReport"].Record.Metrics.DurationMs; d == nil || *d != float64(res.InitDuration.Microseconds())/1000 {
		t.Errorf("initReport durationMs %v, init took %s", d, res.InitDuration)
	}
}

// Text format reports what ended badly as Lambda's Text lines do: a
// crash's REPORT ends with its status and error type, a failed init has
// its INIT_REPORT line before START, and a handler's error adds nothing.
func TestTextReportStatus(t *testing.T) {
	requireInterpreter(t, "python3")
	e, _ := newTestEngine(t)
	crash := invoke(t, e, "crash", `{}`)
	if crash.Outcome != OutcomeCrash || !strings.Contains(string(crash.Logs), "\tStatus: error\tError Type: Runtime.ExitError\n") {
		t.Errorf("crash: outcome %s, logs\n%s", crash.Outcome, crash.Logs)
	}
	fail := invoke(t, e, "fail", `{}`)
	if fail.Outcome != OutcomeError || strings.Contains(string(fail.Logs), "Status:") {
		t.Errorf("handler error: outcome %s, logs\n%s", fail.Outcome, fail.Logs)
	}
	broken := invoke(t, e, "broken", `{}`)
	logs := string(broken.Logs)
	initReport := strings.Index(logs, "INIT_REPORT Init Duration: ")
	if broken.Outcome != OutcomeInitError || initReport < 0 || initReport > strings.Index(logs, "START RequestId: ") ||
		!strings.Contains(logs[initReport:], " ms\tPhase: init\tStatus: error\tError Type: Runtime.ImportModuleError\n") ||
		!strings.Contains(logs, "\tStatus: error\tError Type: Runtime.ImportModuleError\n") {
		t.Errorf("init error: outcome %s, logs\n%s", broken.Outcome, logs)
	}
}

// A worker warmed ahead of any invocation (here by a reload) logs its init
// records into the first invocation it serves, before that invocation's
// platform.start, as its init output is.
func TestJSONWarmedInitRecords(t *testing.T) {
	requireInterpreter(t, "go")
	e, sub := newTestEngine(t)
	invoke(t, e, "golog", `{}`)
	if err := e.Reload("golog"); err != nil {
		t.Fatal(err)
	}
	for done := false; !done; {
		select {
		case ev := <-sub.C:
			if rf, ok := ev.(ReloadFinished); ok && rf.Function == "golog" {
				if rf.Err != "" {
					t.Fatalf("reload: %s", rf.Err)
				}
				done = true
			}
		case <-time.After(30 * time.Second):
			t.Fatal("no ReloadFinished within 30 s")
		}
	}
	res := invoke(t, e, "golog", `{}`)
	seq, _ := logSequence(t, res.Logs)
	want := []string{"platform.initStart", "platform.initRuntimeDone", "platform.start", "app:golog warn", "app:golog error",
		"text:golog plain", "platform.runtimeDone", "platform.report"}
	if res.Cold || strings.Join(seq, "|") != strings.Join(want, "|") {
		t.Fatalf("cold %v, log sequence\n got %q\nwant %q", res.Cold, seq, want)
	}
}

// BenchmarkLogPolicyKeeps measures the filter every output line of a
// JSON-format function passes through, against the floor of only
// validating the line's JSON (json.Valid) in the same run.
func BenchmarkLogPolicyKeeps(b *testing.B) {
	p := logPolicyFor(&config.LoggingConfig{Format: config.LogFormatJSON})
	record := []byte(`{"timestamp": "2026-11-25T15:22:43.948Z", "level": "INFO", "message": "hello Ada", "logger": "root", "requestId": "018eab91-deda-446b-bb03-ce22650ad45f"}`)
	noLevel := []byte(`{"time":"2026-11-25T15:22:43.948Z","msg":"hello Ada","requestId":"018eab91-deda-446b-bb03-ce22650ad45f"}`)
	b.Run("floor-json.Valid", func(b *testing.B) {
		for b.Loop() {
			json.Valid(record)
		}
	})
	b.Run("record-with-level", func(b *testing.B) {
		for b.Loop() {
			p.keeps(record)
		}
	})
	b.Run("object-without-level", func(b *testing.B) {
		for b.Loop() {
			p.keeps(noLevel)
		}
	})
	b.Run("plain-text", func(b *testing.B) {
		for b.Loop() {
			p.keeps([]byte("plain print"))
		}
	})
}
