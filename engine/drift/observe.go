package drift

import (
	"fmt"
	"time"

	"github.com/lambdev/lambdev/config"
)

// MaxResponse is the synchronous response limit: 6 MiB (lambda-spec.md §3).
const MaxResponse = 6 << 20

// A streamed response's first 6 MB leave Lambda at full speed, the rest at
// up to 2 MB/s (lambda-spec.md §3, "Streaming"; RIE: 2 MiB/s, burst 6 MiB).
const (
	streamBurst = 6 << 20
	streamRate  = 2 << 20 // bytes per second
)

// nearFraction is how close to a limit an invocation may come before a warning.
const nearFraction = 0.8

// Observation is what one finished invocation measured.
type Observation struct {
	// Duration is the handler's run time (init excluded).
	Duration time.Duration
	// MaxMemoryMB is the worker's peak resident memory; 0 when unknown.
	MaxMemoryMB int
	// ResponseBytes is the size of the response payload.
	ResponseBytes int
	// Streamed says the response was streamed (InvokeWithResponseStream, a
	// RESPONSE_STREAM URL): its limit is 200 MB, and its bandwidth capped.
	Streamed bool
	// ContentType is the response's, as the runtime posted it.
	ContentType string
}

// httpIntegration is the content type of a function URL's streamed response:
// a status-and-headers prelude, eight NULs, then the body (lambda-spec.md §1.6).
const httpIntegration = "application/vnd.awslambda.http-integration-response"

// Observe runs the per-invocation rules (timeout-near, memory-near,
// response-size) for one invocation of f; silenced rules are marked.
func Observe(f *config.Function, obs Observation) []Warning {
	var ws []Warning
	if f.Timeout > 0 && float64(obs.Duration) > nearFraction*float64(f.Timeout) {
		ws = append(ws, Warning{
			Rule:     RuleTimeoutNear,
			Severity: SeverityWarning,
			Dev:      fmt.Sprintf("took %s here (%.0f %% of the timeout)", obs.Duration.Round(time.Millisecond), pct(float64(obs.Duration), float64(f.Timeout))),
			Prod:     fmt.Sprintf("timeout %s; Lambda's CPU share scales with memory (%d MB)", f.Timeout, f.Memory),
			Hint:     "raise `timeout` or speed the handler up; Lambda may be slower than this machine",
		})
	}
	if f.Memory > 0 && obs.MaxMemoryMB > 0 && float64(obs.MaxMemoryMB) > nearFraction*float64(f.Memory) {
		ws = append(ws, Warning{
			Rule:     RuleMemoryNear,
			Severity: SeverityWarning,
			Dev:      fmt.Sprintf("peak memory %d MB here (%.0f %% of memory)", obs.MaxMemoryMB, pct(float64(obs.MaxMemoryMB), float64(f.Memory))),
			Prod:     fmt.Sprintf("memory %d MB; Lambda kills the process above it", f.Memory),
			Hint:     "raise `memory`",
		})
	}
	switch {
	case obs.Streamed && obs.ResponseBytes > streamBurst:
		ws = append(ws, streamedTooFast(f, obs))
	case !obs.Streamed && obs.ResponseBytes > MaxResponse:
		ws = append(ws, Warning{
			Rule:     RuleResponseSize,
			Severity: SeverityError,
			Dev:      fmt.Sprintf("response is %s", mb(int64(obs.ResponseBytes))),
			Prod:     "Lambda rejects synchronous responses over 6 MB (Function.ResponseSizeTooLarge)",
			Hint:     "return a smaller payload or a pointer to S3",
		})
	}
	if obs.ContentType == httpIntegration && f.URL != nil && f.URL.InvokeMode != config.InvokeResponseStream {
		ws = append(ws, Warning{
			Rule:     RuleURLInvokeMode,
			Severity: SeverityWarning,
			Dev:      "answers with a streamed function URL response (its status and headers in a prelude)",
			Prod:     "its URL is BUFFERED: Lambda reads that prelude only on a RESPONSE_STREAM URL",
			Hint:     "set `url: {invokeMode: RESPONSE_STREAM}`",
		})
	}
	return silence(f, ws)
}

// streamedTooFast reports a streamed response that this machine sent faster
// than Lambda will: a warning when the capped tail pushes it past the timeout.
func streamedTooFast(f *config.Function, obs Observation) Warning {
	tail := time.Duration(float64(obs.ResponseBytes-streamBurst) / streamRate * float64(time.Second))
	w := Warning{
		Rule:     RuleResponseSize,
		Severity: SeverityInfo,
		Dev:      fmt.Sprintf("streamed %s in %s here", mb(int64(obs.ResponseBytes)), obs.Duration.Round(time.Millisecond)),
		Prod:     fmt.Sprintf("Lambda streams what follows the first 6 MB at up to 2 MB/s: %s more at least", tail.Round(100*time.Millisecond)),
		Hint:     "stream less, or hand large files out through S3 (a presigned URL)",
	}
	if f.Timeout > 0 && obs.Duration+tail > f.Timeout {
		w.Severity = SeverityWarning
		w.Prod += fmt.Sprintf(", past the %s timeout", f.Timeout)
		w.Hint = "raise `timeout`, " + w.Hint
	}
	return w
}

func pct(a, b float64) float64 { return 100 * a / b }
