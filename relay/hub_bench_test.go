package relay

import (
	"context"
	"os"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine"
	"github.com/lambdev/lambdev/engine/runtimeapi"
)

// BenchmarkRelayOverhead measures, in one run, a Python echo invoked
// locally through the engine and the same handler relayed end to end (the
// bridge binary under lambdev's Runtime API → hub → client → engine → back),
// alternating the two each iteration so drift hits both. It reports p50
// and p90 of each and the p50 overhead; ns/op covers both calls together.
func BenchmarkRelayOverhead(b *testing.B) {
	requirePython(b)
	bin := buildBridge(b)
	eng := newTestEngine(b)
	_, url := startHub(b, HubOptions{})
	connectDev(b, url, testToken, eng, nil)
	br := startBridge(b, bin, url, testToken, "echo")
	payload := []byte(`{"n":1}`)
	local := func() time.Duration {
		start := time.Now()
		res, err := eng.Invoke(context.Background(), engine.Request{Function: "echo", Payload: payload})
		if err != nil || res.Outcome != engine.OutcomeOK {
			b.Fatalf("local: %v %s", err, res.Outcome)
		}
		return time.Since(start)
	}
	relayed := func() time.Duration {
		ans, _, took := br.invoke(b, payload, time.Minute)
		if ans.Kind != runtimeapi.KindResponse {
			b.Fatalf("relay: %s %s", ans.Kind, ans.Body)
		}
		return took
	}
	for range 20 { // cold starts and connection set-up are not the subject
		local()
		relayed()
	}
	var ls, rs []time.Duration
	b.ResetTimer()
	for range b.N {
		ls = append(ls, local())
		rs = append(rs, relayed())
	}
	b.StopTimer()
	lp50, rp50 := percentile(ls, 50), percentile(rs, 50)
	b.ReportMetric(float64(lp50.Microseconds()), "local-p50-µs")
	b.ReportMetric(float64(rp50.Microseconds()), "relay-p50-µs")
	b.ReportMetric(float64((rp50 - lp50).Microseconds()), "overhead-p50-µs")
	b.ReportMetric(float64(percentile(ls, 90).Microseconds()), "local-p90-µs")
	b.ReportMetric(float64(percentile(rs, 90).Microseconds()), "relay-p90-µs")
}

func percentile(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
}

// streamBenchEngine is an engine on the streaming test project, closed at
// the benchmark's end.
func streamBenchEngine(b *testing.B) *engine.Engine {
	b.Helper()
	p, err := config.Load("testdata/stream/lambdev.yaml", config.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	eng, err := engine.New(p, engine.Options{BuildDir: os.TempDir() + "/lambdev-stream-bench"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { eng.Close() })
	return eng
}

// countStream counts a streamed answer's bytes.
type countStream struct{ n atomic.Int64 }

func (s *countStream) Open(string) {}
func (s *countStream) Write(p []byte) (int, error) {
	s.n.Add(int64(len(p)))
	return len(p), nil
}

// BenchmarkRelayedStream moves the Go handler's 16 MiB streamed answer
// through the engine directly (local, the floor) and relayed within its
// window (the bridge binary under lambdev's Runtime API → hub → dev session
// → engine), in the same run; MB/s is the figure.
func BenchmarkRelayedStream(b *testing.B) {
	eng := streamBenchEngine(b)
	body := []byte(`{"op":"bytes","size":` + strconv.Itoa(streamBenchSize) + `}`)
	check := func(s *countStream, what string) {
		if n := s.n.Load(); n != streamBenchSize {
			b.Fatalf("%s: %d of %d bytes", what, n, streamBenchSize)
		}
	}
	b.Run("local", func(b *testing.B) {
		for b.Loop() {
			s := &countStream{}
			res, err := eng.Invoke(context.Background(), engine.Request{Function: "gostream", Payload: body, Stream: s})
			if err != nil || res.Outcome != engine.OutcomeOK {
				b.Fatalf("local: %v %s", err, res.Outcome)
			}
			check(s, "local")
		}
		b.SetBytes(streamBenchSize)
	})
	b.Run("relayed", func(b *testing.B) {
		_, url := startHub(b, HubOptions{})
		connectDev(b, url, testToken, eng, nil)
		br := startBridge(b, buildBridge(b), url, testToken, "gostream", "LAMBDEV_STREAM=1")
		for b.Loop() {
			s := &countStream{}
			ans := <-br.invokeStreaming("bench-"+itoa(requestSeq.Add(1)), body, s)
			if ans.Kind != runtimeapi.KindResponse {
				b.Fatalf("relayed: %s %s", ans.Kind, ans.Body)
			}
			check(s, "relayed")
		}
		b.SetBytes(streamBenchSize)
	})
}
