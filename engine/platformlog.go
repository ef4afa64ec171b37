package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lambdev/lambdev/config"
)

// logLevel orders Lambda's log levels, most detailed first.
type logLevel int8

const (
	levelTrace logLevel = iota
	levelDebug
	levelInfo
	levelWarn
	levelError
	levelFatal
)

// parseLogLevel reads a level name case-insensitively. WARNING and CRITICAL,
// the names Python's logging writes, are taken as WARN and FATAL.
func parseLogLevel(s string) (logLevel, bool) {
	switch strings.ToUpper(s) {
	case "TRACE":
		return levelTrace, true
	case "DEBUG":
		return levelDebug, true
	case "INFO":
		return levelInfo, true
	case "WARN", "WARNING":
		return levelWarn, true
	case "ERROR":
		return levelError, true
	case "FATAL", "CRITICAL":
		return levelFatal, true
	}
	return levelInfo, false
}

// logPolicy is how Lambda writes and filters a function's logs. In Text
// format it writes START/END/REPORT lines and filters nothing. In JSON
// format it writes its system logs as Telemetry API records ([doc]
// telemetry-schema-reference), drops those below the system log level, and
// drops application records below the application log level.
type logPolicy struct {
	json   bool
	system logLevel
	app    logLevel
}

func logPolicyFor(l *config.LoggingConfig) logPolicy {
	if !l.JSON() {
		return logPolicy{}
	}
	p := logPolicy{json: true, system: levelInfo, app: levelInfo}
	if v, ok := parseLogLevel(l.SystemLevel); ok {
		p.system = v
	}
	if v, ok := parseLogLevel(l.ApplicationLevel); ok {
		p.app = v
	}
	return p
}

// keeps reports whether Lambda delivers an application log line. In JSON
// format a line that is a JSON object has the level of its "level" key, or
// INFO when the key is missing or names no level, and is dropped below the
// application log level. [doc] monitoring-cloudwatchlogs-log-level: "If the
// level value field is invalid or missing, Lambda assigns the log output the
// level INFO". A line that is not JSON is kept: what Lambda does with plain
// text at WARN and above is not documented.
func (p logPolicy) keeps(line []byte) bool {
	if !p.json || p.app == levelTrace {
		return true
	}
	t := bytes.TrimLeft(line, " \t")
	if len(t) == 0 || t[0] != '{' {
		return true
	}
	if !bytes.Contains(t, levelKey) {
		// INFO, if it is a JSON object at all: kept at INFO and below
		// without parsing it, and only then checked above.
		return p.app <= levelInfo || !json.Valid(t)
	}
	// One field: the decoder skips the others without building them. (It
	// would also take "Level", but only a line with "level" gets here.)
	var rec struct {
		Level json.RawMessage `json:"level"`
	}
	if json.Unmarshal(t, &rec) != nil {
		return true
	}
	lvl := levelInfo
	var name string
	if json.Unmarshal(rec.Level, &name) == nil {
		if v, ok := parseLogLevel(name); ok {
			lvl = v
		}
	}
	return lvl >= p.app
}

// levelKey is how a record's level key appears in its JSON.
var levelKey = []byte(`"level"`)

// Platform record statuses: the Telemetry API's status values.
const (
	statusSuccess = "success"
	statusError   = "error"
	statusTimeout = "timeout"
)

// platformRecord is one system log line in JSON format: the Telemetry API's
// event envelope {time, type, record}.
type platformRecord struct {
	Time   string `json:"time"`
	Type   string `json:"type"`
	Record any    `json:"record"`
}

// platformTime is the envelope's time: UTC with milliseconds.
func platformTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// ms is a duration in milliseconds with three decimals, as platform records give it.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// write appends one platform record, at level lvl, to w when the system
// log level lets it through.
func (p logPolicy) write(w *tailBuffer, lvl logLevel, at time.Time, typ string, record any) {
	if lvl < p.system {
		return
	}
	b, err := json.Marshal(platformRecord{Time: platformTime(at), Type: typ, Record: record})
	if err != nil {
		return // every record is a fixed struct of strings and numbers
	}
	w.Write(append(b, '\n'))
}

// statusLevel is the level of a record that ends with status: success's
// when it succeeded, else WARN, so a failure survives the WARN system level
// that drops the records of successful invocations. [3p] Lambda's "System
// log level event mapping" as another project transcribes it: runtimeDone
// DEBUG on success, report INFO on success, both WARN otherwise, the rest
// INFO; AWS's own table could not be read through the search tools.
func statusLevel(status string, success logLevel) logLevel {
	if status == statusSuccess {
		return success
	}
	return levelWarn
}

type initStartRecord struct {
	InitializationType string `json:"initializationType"`
	Phase              string `json:"phase"`
	FunctionName       string `json:"functionName"`
	FunctionVersion    string `json:"functionVersion"`
}

// logInitStart writes platform.initStart, in JSON format only: lambdev
// writes no INIT_START line in Text format, whose runtime version it cannot
// know.
func (fn *function) logInitStart(w *tailBuffer) {
	if fn.logs.json {
		fn.logs.write(w, levelInfo, time.Now(), "platform.initStart", initStartRecord{
			InitializationType: "on-demand", Phase: "init",
			FunctionName: fn.project.LambdaName(fn.cfg), FunctionVersion: "$LATEST",
		})
	}
}

// startRecord carries functionArn as Lambda's platform.start records do
// since 2026 (a captured record: {"requestId", "functionArn", "version"}).
type startRecord struct {
	RequestID   string `json:"requestId"`
	FunctionArn string `json:"functionArn"`
	Version     string `json:"version"`
}

// logStart writes the START line (platform.start in JSON format) into r's log.
func (fn *function) logStart(r *running) {
	if fn.logs.json {
		fn.logs.write(&r.logs, levelInfo, time.Now(), "platform.start", startRecord{RequestID: r.id, FunctionArn: fn.arn, Version: "$LATEST"})
		return
	}
	fmt.Fprintf(&r.logs, "START RequestId: %s Version: $LATEST\n", r.id)
}

type runtimeDoneRecord struct {
	RequestID string             `json:"requestId"`
	Status    string             `json:"status"`
	ErrorType string             `json:"errorType,omitempty"`
	Metrics   runtimeDoneMetrics `json:"metrics"`
}

type runtimeDoneMetrics struct {
	DurationMs    float64 `json:"durationMs"`
	ProducedBytes int64   `json:"producedBytes"`
}

type reportRecord struct {
	RequestID string        `json:"requestId"`
	Metrics   reportMetrics `json:"metrics"`
	Status    string        `json:"status"`
	ErrorType string        `json:"errorType,omitempty"`
}

type reportMetrics struct {
	DurationMs       float64  `json:"durationMs"`
	BilledDurationMs int64    `json:"billedDurationMs"`
	MemorySizeMB     int      `json:"memorySizeMB"`
	MaxMemoryUsedMB  int      `json:"maxMemoryUsedMB"`
	InitDurationMs   *float64 `json:"initDurationMs,omitempty"`
}

type initReportRecord struct {
	InitializationType string            `json:"initializationType"`
	Phase              string            `json:"phase"`
	Status             string            `json:"status"`
	ErrorType          string            `json:"errorType,omitempty"`
	Metrics            initReportMetrics `json:"metrics"`
}

type initReportMetrics struct {
	DurationMs float64 `json:"durationMs"`
}

// recordStatus is the status and errorType Lambda's platform records give
// res. A handler's error is a success: the runtime answered, through
// /error, as AWS's emulator counts it (rapid's invoke flow sends
// runtimeDone "success" once the runtime has responded either way), and
// Lambda's Text REPORT line shows no status after one. A timeout is
// "timeout"; a crash, a failed init or an oversized response is "error"
// with its type, as Text REPORT lines show it (`Status: error`, then
// `Error Type: Runtime.ExitError`, tab-separated).
func recordStatus(res *Result) (status, errorType string) {
	switch res.Outcome {
	case OutcomeOK, OutcomeError:
		return statusSuccess, ""
	case OutcomeTimeout:
		return statusTimeout, ""
	}
	if res.Error != nil {
		return statusError, res.Error.Type
	}
	return statusError, ""
}

// textStatus is the Text format's rendering of a record's status: nothing
// for a success, else "\tStatus: …" and "\tError Type: …".
func textStatus(status, errorType string) string {
	if status == statusSuccess {
		return ""
	}
	s := "\tStatus: " + status
	if errorType != "" {
		s += "\tError Type: " + errorType
	}
	return s
}

// finishLogs appends END/REPORT lines as Lambda writes them (in JSON
// format platform.runtimeDone and platform.report; platform.initReport
// first when init failed) and sets res.Logs.
func (fn *function) finishLogs(r *running, res *Result) {
	res.Finished = time.Now()
	billed := res.Duration.Milliseconds() + 1
	status, errorType := recordStatus(res)
	if !fn.logs.json {
		fmt.Fprintf(&r.logs, "END RequestId: %s\n", r.id)
		report := fmt.Sprintf("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB",
			r.id, ms(res.Duration), billed, fn.cfg.Memory, res.MaxMemoryMB)
		if res.Cold {
			report += fmt.Sprintf("\tInit Duration: %.2f ms", ms(res.InitDuration))
		}
		fmt.Fprintln(&r.logs, report+textStatus(status, errorType))
		res.Logs = r.logs.bytes()
		return
	}
	produced := res.Streamed
	if produced == 0 {
		produced = int64(len(res.Payload))
	}
	fn.logs.write(&r.logs, statusLevel(status, levelDebug), res.Finished, "platform.runtimeDone", runtimeDoneRecord{
		RequestID: r.id, Status: status, ErrorType: errorType,
		Metrics: runtimeDoneMetrics{DurationMs: ms(res.Duration), ProducedBytes: produced},
	})
	m := reportMetrics{DurationMs: ms(res.Duration), BilledDurationMs: billed, MemorySizeMB: fn.cfg.Memory, MaxMemoryUsedMB: res.MaxMemoryMB}
	if res.Cold {
		init := ms(res.InitDuration)
		m.InitDurationMs = &init
	}
	fn.logs.write(&r.logs, statusLevel(status, levelInfo), res.Finished, "platform.report",
		reportRecord{RequestID: r.id, Metrics: m, Status: status, ErrorType: errorType})
	res.Logs = r.logs.bytes()
}

// logInitReport reports an init that failed as Lambda does, before the
// START of the invocation that waited for it: INIT_REPORT in Text format
// (`INIT_REPORT Init Duration: 154.03 ms`, `Phase: init`, `Status: error`,
// `Error Type: Runtime.ExitError`, tab-separated, in a captured log),
// platform.initReport in JSON format.
func (fn *function) logInitReport(r *running, res *Result, timedOut bool) {
	status, errorType := statusError, ""
	if res.Error != nil {
		errorType = res.Error.Type
	}
	if timedOut {
		status, errorType = statusTimeout, ""
	}
	if !fn.logs.json {
		fmt.Fprintf(&r.logs, "INIT_REPORT Init Duration: %.2f ms\tPhase: init%s\n", ms(res.InitDuration), textStatus(status, errorType))
		return
	}
	fn.logInitRuntimeDone(&r.logs, status, errorType)
	fn.logs.write(&r.logs, statusLevel(status, levelInfo), time.Now(), "platform.initReport", initReportRecord{
		InitializationType: "on-demand", Phase: "init", Status: status, ErrorType: errorType,
		Metrics: initReportMetrics{DurationMs: ms(res.InitDuration)},
	})
}

type initRuntimeDoneRecord struct {
	InitializationType string `json:"initializationType"`
	Phase              string `json:"phase"`
	Status             string `json:"status"`
	ErrorType          string `json:"errorType,omitempty"`
}

// logInitRuntimeDone writes platform.initRuntimeDone, in JSON format: the
// end of a worker's init, DEBUG when it succeeded and WARN otherwise, as
// runtimeDone is.
func (fn *function) logInitRuntimeDone(w *tailBuffer, status, errorType string) {
	if fn.logs.json {
		fn.logs.write(w, statusLevel(status, levelDebug), time.Now(), "platform.initRuntimeDone",
			initRuntimeDoneRecord{InitializationType: "on-demand", Phase: "init", Status: status, ErrorType: errorType})
	}
}

// initSucceeded records the end of w's successful init in the log its init
// output went to: r's, for an init an invocation waited for, else w's own.
// The runtime wrote that output before it asked for its first event, so
// draining the pipe first keeps the record after it.
func (fn *function) initSucceeded(w *worker, r *running) {
	if !fn.logs.json || fn.logs.system > levelDebug {
		return
	}
	w.logs.drain()
	if r != nil {
		fn.logInitRuntimeDone(&r.logs, statusSuccess, "")
		return
	}
	fn.logInitRuntimeDone(&w.initLog, statusSuccess, "")
}
