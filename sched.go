package main

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
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
//
// Narrow, the session does not poll: the engine signals the first overlap
// and the session widens at once. Wide, it reads the engine's peak
// concurrency every tick and narrows after a calm second. An idle session
// thus wakes for nothing of its own.
const (
	schedTick = 50 * time.Millisecond // how often the peak concurrency is read while wide
	schedCalm = 20                    // ticks of one-at-a-time before narrowing again (1 s)
)

// adaptScheduler sizes GOMAXPROCS to the engine's concurrency until ctx
// ends, unless the user set GOMAXPROCS or there is one core anyway. peak is
// the engine's ConcurrencyPeak, overlaps its Overlaps.
func adaptScheduler(ctx context.Context, peak func() int, overlaps <-chan struct{}) {
	wide := runtime.GOMAXPROCS(0)
	if os.Getenv("GOMAXPROCS") != "" || wide <= 1 {
		return
	}
	t := time.NewTicker(schedTick)
	t.Stop()
	a := &schedAdapter{wide: wide, procs: wide, peak: peak, set: func(n int) { runtime.GOMAXPROCS(n) },
		ticks: t.C, ticking: func(on bool) {
			if on {
				t.Reset(schedTick)
			} else {
				t.Stop()
			}
		}}
	a.apply(1) // nothing in flight yet
	go func() {
		defer t.Stop()
		defer runtime.GOMAXPROCS(wide)
		a.run(ctx, overlaps)
	}()
}

// schedAdapter decides GOMAXPROCS: wide at once when invocations overlap,
// narrow after schedCalm ticks with at most one invocation in flight.
type schedAdapter struct {
	wide  int
	procs int // current setting
	calm  int // consecutive ticks with at most one invocation in flight
	peak  func() int
	set   func(int)

	ticks   <-chan time.Time // the tick, while ticking(true)
	ticking func(on bool)
}

// run adapts until ctx ends: narrow, it waits for an overlap; wide, for
// ticks.
func (a *schedAdapter) run(ctx context.Context, overlaps <-chan struct{}) {
	for {
		if a.procs == 1 {
			select {
			case <-ctx.Done():
				return
			case <-overlaps:
			}
			a.peak() // a new window starts with the widening
			a.calm = 0
			a.apply(a.wide)
			a.ticking(true)
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-a.ticks:
			a.tick()
		}
		if a.procs == 1 {
			a.ticking(false)
			select {
			case <-overlaps: // from before the calm second
			default:
			}
		}
	}
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

// sessionGCPercent is a dev session's GOGC. Its live heap is small (the
// bench measured 33 MiB with 200 functions ready, 49 MiB after 100,000
// invocations), and every collection lands on the invocations in flight: on
// 2 cores, 4 interleaved rounds of 3,000 sequential Go invocations gave p99
// 1.023/0.970/0.918/0.948 ms at the default and 0.891/0.881/0.912/0.785 ms
// at 400. The price, from the bench's scale section: RSS 97 MiB instead of
// 49 MiB after 100,000 invocations over 200 functions.
const sessionGCPercent = 400

// tuneGC sets sessionGCPercent unless the user set GOGC.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(sessionGCPercent)
	}
}
