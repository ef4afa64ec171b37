package relay

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine"
)

// benchGateway serves the engine test project (Python, Node, Go handlers)
// through a real gateway on loopback.
func benchGateway(b *testing.B) (*Gateway, func()) {
	b.Helper()
	p, err := config.Load("../engine/testdata/proj/lambdev.yaml", config.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	eng, err := engine.New(p, engine.Options{BuildDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	gw := NewGateway(eng)
	if err := gw.Listen("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	go gw.Serve()
	return gw, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		gw.Shutdown(ctx)
		eng.Close()
	}
}

var benchClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

func post(b *testing.B, url string, body []byte) {
	resp, err := benchClient.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("X-Amz-Function-Error") != "" {
		b.Fatalf("status %d function error %q", resp.StatusCode, resp.Header.Get("X-Amz-Function-Error"))
	}
}

// report adds p50/p99 in microseconds from per-iteration samples.
func report(b *testing.B, samples []time.Duration) {
	sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
	q := func(f float64) float64 { return float64(samples[int(f*float64(len(samples)-1))].Nanoseconds()) / 1000 }
	b.ReportMetric(q(0.50), "p50-µs")
	b.ReportMetric(q(0.99), "p99-µs")
}

func benchURL(b *testing.B, url string) {
	body := []byte(`{"k":"v"}`)
	post(b, url, body) // cold start outside the measurement
	samples := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		post(b, url, body)
		samples = append(samples, time.Since(t0))
	}
	b.StopTimer()
	report(b, samples)
}

// BenchmarkLoopbackFloor is one keep-alive HTTP round trip on loopback with
// the same client: the floor the Invoke API numbers compare against.
func BenchmarkLoopbackFloor(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write([]byte(`{"k":"v"}`))
	})}
	go srv.Serve(ln)
	defer srv.Close()
	benchURL(b, "http://"+ln.Addr().String()+"/")
}

// BenchmarkInvokeAPI is a warm invocation through the Invoke API → engine →
// worker → back, per runtime, measured beside the floor in the same run.
func BenchmarkInvokeAPI(b *testing.B) {
	if os.Getenv("LAMBDEV_BENCH_SKIP_WORKERS") == "1" {
		b.Skip("workers disabled")
	}
	gw, stop := benchGateway(b)
	defer stop()
	for _, fn := range []string{"goecho", "echo", "nodeecho"} {
		b.Run(fn, func(b *testing.B) {
			benchURL(b, gw.Endpoint()+"/2015-03-31/functions/"+fn+"/invocations")
		})
	}
}

// BenchmarkInvokeAPIParallel keeps 8 invocations in flight per runtime, the
// issue's concurrency-8 throughput case.
func BenchmarkInvokeAPIParallel(b *testing.B) {
	if os.Getenv("LAMBDEV_BENCH_SKIP_WORKERS") == "1" {
		b.Skip("workers disabled")
	}
	gw, stop := benchGateway(b)
	defer stop()
	body := []byte(`{"k":"v"}`)
	for _, fn := range []string{"goecho", "echo"} {
		b.Run(fn, func(b *testing.B) {
			url := gw.Endpoint() + "/2015-03-31/functions/" + fn + "/invocations"
			for i := 0; i < 8; i++ {
				post(b, url, body)
			}
			b.SetParallelism(8 / runtime.GOMAXPROCS(0)) // 8 in flight
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					post(b, url, body)
				}
			})
		})
	}
}

// streamBenchSize is what each streamed invocation of the benchmarks sends.
const streamBenchSize = 16 << 20

// BenchmarkStreamedResponse measures a 16 MiB response streamed by an
// aws-lambda-go handler (an io.Reader) through InvokeWithResponseStream's
// event stream, against its floor: the same bytes streamed by an in-process
// handler over loopback HTTP, flushed every 32 KiB (the chunk the Runtime
// API passes on). Compare the two MB/s figures of one run.
func BenchmarkStreamedResponse(b *testing.B) {
	b.Run("floor", func(b *testing.B) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		chunk := make([]byte, 32<<10)
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rc := http.NewResponseController(w)
			for sent := 0; sent < streamBenchSize; sent += len(chunk) {
				_, _ = w.Write(chunk)
				_ = rc.Flush()
			}
		})}
		go srv.Serve(ln)
		defer srv.Close()
		b.SetBytes(streamBenchSize)
		for b.Loop() {
			readStreamed(b, "http://"+ln.Addr().String()+"/", nil)
		}
	})
	b.Run("lambdev", func(b *testing.B) {
		eng := streamBenchEngine(b)
		gw := NewGateway(eng)
		if err := gw.Listen("127.0.0.1:0"); err != nil {
			b.Fatal(err)
		}
		go gw.Serve()
		defer gw.Shutdown(context.Background())
		url := gw.Endpoint() + "/2021-11-15/functions/gostream/response-streaming-invocations"
		body := []byte(`{"op":"bytes","size":` + strconv.Itoa(streamBenchSize) + `}`)
		readStreamed(b, url, body) // a cold start, outside the figures
		b.SetBytes(streamBenchSize)
		b.ResetTimer()
		for b.Loop() {
			readStreamed(b, url, body)
		}
	})
}

// readStreamed reads one streamed response to its end; the event stream's
// framing adds a little to the byte count, never less.
func readStreamed(b *testing.B, url string, body []byte) {
	resp, err := benchClient.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || n < streamBenchSize {
		b.Fatalf("status %d, %d bytes, %v", resp.StatusCode, n, err)
	}
}
