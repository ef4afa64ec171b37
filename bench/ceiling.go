package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The worker ceiling: the Go handler's bootstrap (the unmodified aws-lambda-go
// worker) run conc times against a bare Runtime API in this process, with no
// Invoke API and no client. Its /next answers at once while a window is open,
// so the workers never wait for an invocation. Any Invoke API in front of the
// same workers adds a client and a gateway to the same cores, so their rate
// here bounds what any peer can serve from this worker on this machine.

// bareEvent is the event every /next hands out: the harness's payload.
var bareEvent = payload

// bareReply is the only answer counted: the echo handler's reply to bareEvent.
var bareReply = []byte(`{"v":"v0","event":` + string(bareEvent) + `}`)

// bareAPI is a Runtime API reduced to the two routes a warm worker calls.
type bareAPI struct {
	srv  *http.Server
	addr string

	mu   sync.Mutex
	gate chan struct{} // closed while a window is open

	seq      atomic.Int64
	answered atomic.Int64 // /response bodies equal to bareReply
	wrong    atomic.Int64 // anything else a worker posted
	firstBad atomic.Pointer[string]
}

// startBareAPI listens on a free loopback port; /next holds until open.
func startBareAPI() (*bareAPI, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	a := &bareAPI{addr: ln.Addr().String(), gate: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", a.next)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", a.response)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", a.failure)
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", a.failure)
	a.srv = &http.Server{Handler: mux}
	go func() { _ = a.srv.Serve(ln) }()
	return a, nil
}

// open lets every /next through, waiting ones included.
func (a *bareAPI) open() {
	a.mu.Lock()
	defer a.mu.Unlock()
	select {
	case <-a.gate:
	default:
		close(a.gate)
	}
}

// shut makes later /next calls hold until the next open.
func (a *bareAPI) shut() {
	a.mu.Lock()
	defer a.mu.Unlock()
	select {
	case <-a.gate:
		a.gate = make(chan struct{})
	default:
	}
}

func (a *bareAPI) next(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	gate := a.gate
	a.mu.Unlock()
	select {
	case <-gate:
	case <-r.Context().Done():
		return
	}
	h := w.Header()
	h.Set("Lambda-Runtime-Aws-Request-Id", strconv.FormatInt(a.seq.Add(1), 10))
	h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(10*time.Second).UnixMilli(), 10))
	h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:000000000000:function:go")
	h.Set("Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
	h.Set("Content-Type", "application/json")
	_, _ = w.Write(bareEvent)
}

func (a *bareAPI) response(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	switch {
	case err == nil && bytes.Equal(bytes.TrimSpace(body), bareReply):
		a.answered.Add(1)
	default:
		a.bad(fmt.Sprintf("response %q (%v)", truncate(body, 120), err))
	}
	w.WriteHeader(http.StatusAccepted)
}

func (a *bareAPI) failure(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	a.bad(fmt.Sprintf("%s %q", r.URL.Path, truncate(body, 120)))
	w.WriteHeader(http.StatusAccepted)
}

func (a *bareAPI) bad(what string) {
	a.wrong.Add(1)
	a.firstBad.CompareAndSwap(nil, &what)
}

// window opens the API for d and returns the right answers posted meanwhile.
func (a *bareAPI) window(d time.Duration) int64 {
	before := a.answered.Load()
	a.open()
	time.Sleep(d) // the measurement window itself
	a.shut()
	return a.answered.Load() - before
}

// ceiling is the bare API with its workers.
type ceiling struct {
	api     *bareAPI
	workers []*proc
	series  *tpSeries
}

// startCeiling runs conc copies of bootstrap against a bare Runtime API.
func startCeiling(t *tools, conc int) (*ceiling, error) {
	api, err := startBareAPI()
	if err != nil {
		return nil, err
	}
	c := &ceiling{api: api, series: &tpSeries{t: target{Peer: "go worker alone"}, conc: conc}}
	env := []string{"AWS_LAMBDA_RUNTIME_API=" + api.addr, "AWS_LAMBDA_FUNCTION_NAME=go",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256"}
	for range conc {
		p, err := startProc(t.work, t.work, env, t.bootstrap)
		if err != nil {
			c.stop()
			return nil, err
		}
		c.workers = append(c.workers, p)
	}
	return c, nil
}

// round measures one window after a warm-up one.
func (c *ceiling) round(warm, d time.Duration) {
	c.api.window(warm)
	var n int64
	c.series.cpu.measureWith(c.workerCPU, "Runtime API", func() int64 { n = c.api.window(d); return n })
	c.series.rates = append(c.series.rates, float64(n)/d.Seconds())
	for _, p := range c.workers {
		if p.exited() && c.series.first == nil {
			c.series.first = fmt.Errorf("a worker exited (%v): %s", p.err, p.tail(300))
		}
	}
	c.series.errors = c.api.wrong.Load()
	if s := c.api.firstBad.Load(); s != nil && c.series.first == nil {
		c.series.first = fmt.Errorf("%s", *s)
	}
}

// workerCPU is the workers' CPU time, seconds, under their command name.
func (c *ceiling) workerCPU() map[string]float64 {
	all := procStats()
	out := map[string]float64{}
	for _, p := range c.workers {
		if st, ok := all[p.pid()]; ok {
			out[st.comm] += st.cpu
		}
	}
	return out
}

// stop ends the workers and the API.
func (c *ceiling) stop() {
	for _, p := range c.workers {
		p.stop()
	}
	_ = c.api.srv.Close()
}
