package main

import (
	"context"
	"os"
	"runtime"
	"time"
)

// lambdev relays: an invocation is a chain of short hand-offs between
// sockets (gateway → the worker's pending /next → its answer → gateway) while
// the work runs in worker processes that need the cores. With one P per core,
// each hand-off of a lone invocation wakes an idle thread that spins, finds
// nothing and sleeps again. So a dev session runs on one P while invocations
// come one at a time and widens to every core as soon as two overlap (with 8
// in flight, one P served Python ~10% fewer invocations per second).
// Measured on 2 cores against the default, interleaved, 4 rounds of 3,000
// sequential invokes: warm p50 0.39 → 0.26 ms (Python) and 0.52 → 0.37 ms
// (Go), p99 1.04 → 0.66 ms and 1.52 → 1.03 ms; c=8 throughput unchanged
// within the noise.
const (
	schedTick = 50 * time.Millisecond // how often the engine's peak concurrency is read
	schedCalm = 20                    // ticks of one-at-a-time before narrowing again (1 s)
)

// adaptScheduler sizes GOMAXPROCS to the engine's concurrency until ctx
// ends, unless the user set GOMAXPROCS or there is one core anyway.
func adaptScheduler(ctx context.Context, peak func() int) {
	wide := runtime.GOMAXPROCS(0)
	if os.Getenv("GOMAXPROCS") != "" || wide <= 1 {
		return
	}
	a := &schedAdapter{wide: wide, procs: wide, peak: peak, set: func(n int) { runtime.GOMAXPROCS(n) }}
	a.apply(1) // nothing in flight yet
	go func() {
		t := time.NewTicker(schedTick)
		defer t.Stop()
		defer runtime.GOMAXPROCS(wide)
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				a.tick()
			}
		}
	}()
}

// schedAdapter decides GOMAXPROCS from one concurrency reading per tick:
// wide at once when invocations overlap, narrow after schedCalm quiet ticks.
type schedAdapter struct {
	wide  int
	procs int // current setting
	calm  int // consecutive ticks with at most one invocation in flight
	peak  func() int
	set   func(int)
}

func (a *schedAdapter) tick() {
	if a.peak() > 1 {
		a.calm = 0
		a.apply(a.wide)
		return
	}
	if a.calm++; a.calm >= schedCalm {
		a.apply(1)
	}
}

func (a *schedAdapter) apply(n int) {
	if a.procs != n {
		a.procs = n
		a.set(n)
	}
}
