package drift

import (
	"fmt"
	"time"

	"github.com/lambdev/lambdev/config"
)

// MaxResponse is the synchronous response limit: 6 MiB (lambda-spec.md §3).
const MaxResponse = 6 << 20

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
}

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
	if obs.ResponseBytes > MaxResponse {
		ws = append(ws, Warning{
			Rule:     RuleResponseSize,
			Severity: SeverityError,
			Dev:      fmt.Sprintf("response is %s", mb(int64(obs.ResponseBytes))),
			Prod:     "Lambda rejects synchronous responses over 6 MB (Function.ResponseSizeTooLarge)",
			Hint:     "return a smaller payload or a pointer to S3",
		})
	}
	return silence(f, ws)
}

func pct(a, b float64) float64 { return 100 * a / b }
