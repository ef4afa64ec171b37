package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// payload is the event every handler echoes.
var payload = []byte(`{"k":"v"}`)

// maxConcurrency is the highest concurrency measured; the client keeps that
// many connections per host alive so no peer pays for new connections.
const maxConcurrency = 32

// client is the one keep-alive HTTP client used for every peer.
var client = &http.Client{
	Transport: &http.Transport{
		MaxIdleConns:        4 * maxConcurrency,
		MaxIdleConnsPerHost: 2 * maxConcurrency,
		IdleConnTimeout:     2 * time.Minute,
		DisableCompression:  true,
	},
	Timeout: 30 * time.Second,
}

// target is one invoke endpoint serving a handler.
type target struct {
	Peer    string // floor, rie, lambdev, sls
	Runtime string // go, python, node ("" for the floor)
	URL     string
	Pid     int // the peer's process, whose tree's CPU is accounted; 0: in the harness
}

// name is how the target appears in tables, e.g. "lambdev python".
func (t target) name() string {
	if t.Runtime == "" {
		return t.Peer
	}
	return t.Peer + " " + t.Runtime
}

// invoke posts the event and returns the response body; a non-200 status or
// a function error is an error.
func invoke(ctx context.Context, url string, event []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(event))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Amz-Function-Error") != "" {
		return body, fmt.Errorf("%s: %s", resp.Status, truncate(body, 200))
	}
	return body, nil
}

// latencies invokes t sequentially n times (after warm invocations that are
// not kept) and returns each round trip.
func latencies(ctx context.Context, t target, warm, n int) ([]time.Duration, error) {
	for range warm {
		if _, err := invoke(ctx, t.URL, payload); err != nil {
			return nil, fmt.Errorf("%s warm-up: %w", t.name(), err)
		}
	}
	out := make([]time.Duration, 0, n)
	for range n {
		start := time.Now()
		if _, err := invoke(ctx, t.URL, payload); err != nil {
			return out, fmt.Errorf("%s: %w", t.name(), err)
		}
		out = append(out, time.Since(start))
	}
	return out, nil
}

// load is the outcome of a fixed-concurrency run.
type load struct {
	OK, Errors int64
	Elapsed    time.Duration
	FirstErr   error
}

// rate is successful invocations per second.
func (l load) rate() float64 {
	if l.Elapsed <= 0 {
		return 0
	}
	return float64(l.OK) / l.Elapsed.Seconds()
}

// hammer keeps conc invocations in flight against url for d.
func hammer(ctx context.Context, url string, conc int, d time.Duration) load {
	ctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()
	var ok, bad atomic.Int64
	var first error
	var once sync.Once
	stop := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for time.Now().Before(stop) && ctx.Err() == nil {
				if _, err := invoke(ctx, url, payload); err != nil {
					bad.Add(1)
					once.Do(func() { first = err })
					continue
				}
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	return load{OK: ok.Load(), Errors: bad.Load(), Elapsed: time.Since(start), FirstErr: first}
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
