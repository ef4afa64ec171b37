package runtimes_test

import (
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/lambdev/lambdev/engine/runtimes"
)

// benchFamilies are the runtimes measured, with a handler that echoes.
var benchFamilies = []struct {
	name, tool string
	spec       func(testing.TB) runtimes.Spec
}{
	{"python", "python3", func(t testing.TB) runtimes.Spec { return pythonSpec(t, "app.echo") }},
	{"node", "node", func(t testing.TB) runtimes.Spec { return nodeSpec(t, "esm.handler") }},
	{"go", "go", func(t testing.TB) runtimes.Spec { return goSpec(t, "gofn") }},
}

// reportPercentiles adds p50 and p99 of samples to the benchmark output.
func reportPercentiles(b *testing.B, samples []time.Duration, unit string, scale time.Duration) {
	if len(samples) == 0 {
		return
	}
	slices.Sort(samples)
	b.ReportMetric(float64(samples[len(samples)/2])/float64(scale), "p50-"+unit)
	b.ReportMetric(float64(samples[len(samples)*99/100])/float64(scale), "p99-"+unit)
}

// BenchmarkWarmInvoke measures one invocation through runtimeapi.Server to a
// warm worker and back: the per-invoke overhead of each bootstrap.
func BenchmarkWarmInvoke(b *testing.B) {
	for _, f := range benchFamilies {
		b.Run(f.name, func(b *testing.B) {
			requireTool(b, f.tool)
			spec := f.spec(b)
			w := spawn(b, spec, prepare(b, spec), false)
			w.ready(b)
			for range 50 { // warm up: JIT, caches, the kept-alive connection
				w.invoke(b, invocation(`{"k":"v"}`))
			}
			var samples []time.Duration
			b.ResetTimer()
			for b.Loop() {
				start := time.Now()
				w.invoke(b, invocation(`{"k":"v"}`))
				samples = append(samples, time.Since(start))
			}
			reportPercentiles(b, samples, "µs", time.Microsecond)
		})
	}
}

// BenchmarkColdStart measures a new worker process from exec to /next (ready)
// and to its first response.
func BenchmarkColdStart(b *testing.B) {
	for _, f := range benchFamilies {
		b.Run(f.name, func(b *testing.B) {
			requireTool(b, f.tool)
			spec := f.spec(b)
			p := prepare(b, spec)
			var ready, first, cpu []time.Duration
			for b.Loop() {
				start := time.Now()
				w := spawn(b, spec, p, false)
				w.ready(b)
				ready = append(ready, time.Since(start))
				w.invoke(b, invocation(`{"k":"v"}`))
				first = append(first, time.Since(start))
				b.StopTimer()
				w.stop() // idle in /next since its answer: its CPU time is the start's
				st := w.cmd.ProcessState
				cpu = append(cpu, st.UserTime()+st.SystemTime())
				b.StartTimer()
			}
			reportPercentiles(b, ready, "ready-ms", time.Millisecond)
			reportPercentiles(b, first, "first-ms", time.Millisecond)
			reportPercentiles(b, cpu, "cpu-ms", time.Millisecond)
		})
	}
}

// BenchmarkInterpreterBaseline measures the bare interpreter start
// (python -c pass, node -e 0) on this machine, for comparison with ColdStart.
// It runs in a worker's environment: variables such as NODE_EXTRA_CA_CERTS
// in the caller's would otherwise add to the baseline alone.
func BenchmarkInterpreterBaseline(b *testing.B) {
	for _, f := range benchFamilies[:2] {
		b.Run(f.name, func(b *testing.B) {
			requireTool(b, f.tool)
			spec := f.spec(b)
			p := prepare(b, spec)
			arg := []string{"-c", "pass"}
			if f.name == "node" {
				arg = []string{"-e", "0"}
			}
			var samples, cpu []time.Duration
			for b.Loop() {
				start := time.Now()
				cmd := exec.Command(p.Interpreter.Path, arg...)
				cmd.Env = lambdaEnv(spec, p)
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v: %s", err, out)
				}
				samples = append(samples, time.Since(start))
				cpu = append(cpu, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
			}
			reportPercentiles(b, samples, "ms", time.Millisecond)
			reportPercentiles(b, cpu, "cpu-ms", time.Millisecond)
		})
	}
}
