package main

import (
	"context"
	"runtime/debug"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// TestSchedAdapter drives the adapter with a scripted concurrency reading per
// tick and checks every GOMAXPROCS change it makes.
func TestSchedAdapter(t *testing.T) {
	var readings []int
	var sets []int
	a := &schedAdapter{wide: 4, procs: 4,
		peak: func() int { r := readings[0]; readings = readings[1:]; return r },
		set:  func(n int) { sets = append(sets, n) },
	}
	a.apply(1) // as adaptScheduler starts
	step := func(peaks ...int) {
		readings = append(readings, peaks...)
		for range peaks {
			a.tick()
		}
	}

	step(1, 0, 1) // one at a time: stays narrow, no change
	step(3)       // overlap: wide at once
	quiet := make([]int, schedCalm-1)
	step(quiet...) // not yet calm long enough
	if a.procs != 4 {
		t.Fatalf("narrowed after %d quiet ticks; want %d", schedCalm-1, schedCalm)
	}
	step(1)       // the schedCalm-th quiet tick: narrow
	step(0, 2, 0) // overlap again: wide; one quiet tick keeps it wide
	if want := []int{1, 4, 1, 4}; !slices.Equal(sets, want) {
		t.Errorf("GOMAXPROCS set to %v, want %v", sets, want)
	}
}

// TestSchedAdapterRun drives the loop as a session does: narrow, it waits
// for the engine's overlap signal with its ticker stopped; wide, it ticks
// until a calm second narrows it again, dropping any overlap signalled
// before that second.
func TestSchedAdapterRun(t *testing.T) {
	overlaps := make(chan struct{}, 1)
	ticks := make(chan time.Time)
	sets := make(chan int, 8)
	ticking := make(chan bool, 4)
	var peaks atomic.Int32 // ConcurrencyPeak calls
	// procs 1: as adaptScheduler leaves it before run.
	a := &schedAdapter{wide: 2, procs: 1,
		peak:    func() int { peaks.Add(1); return 1 },
		set:     func(n int) { sets <- n },
		ticks:   ticks,
		ticking: func(on bool) { ticking <- on },
	}
	run := func() (stop func()) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); a.run(ctx, overlaps) }()
		return func() { cancel(); <-done }
	}

	stop := run()
	overlaps <- struct{}{}
	if n := <-sets; n != 2 {
		t.Fatalf("an overlap set GOMAXPROCS to %d, want 2", n)
	}
	if on := <-ticking; !on {
		t.Fatal("widening did not start the ticker")
	}
	overlaps <- struct{}{} // signalled while wide, before the calm second
	for i := 0; i < schedCalm; i++ {
		ticks <- time.Time{}
	}
	if n := <-sets; n != 1 {
		t.Fatalf("a calm second set GOMAXPROCS to %d, want 1", n)
	}
	if on := <-ticking; on {
		t.Fatal("narrowing did not stop the ticker")
	}
	stop()
	if got := peaks.Load(); got != 1+schedCalm {
		t.Errorf("ConcurrencyPeak read %d times, want %d (one window reset, one per tick)", got, 1+schedCalm)
	}
	select {
	case n := <-sets:
		t.Fatalf("the stale overlap widened it again (GOMAXPROCS %d)", n)
	case <-overlaps:
		t.Fatal("the overlap from the wide phase was still pending after narrowing")
	default:
	}

	stop = run() // narrow: a fresh overlap widens at once
	overlaps <- struct{}{}
	if n := <-sets; n != 2 {
		t.Fatalf("the next overlap set GOMAXPROCS to %d, want 2", n)
	}
	stop()
}

func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	t.Setenv("GOGC", "")
	tuneGC()
	if got := debug.SetGCPercent(100); got != sessionGCPercent {
		t.Errorf("GOGC unset: the session runs at %d, want %d", got, sessionGCPercent)
	}
	t.Setenv("GOGC", "50")
	tuneGC()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set by the user: the session changed it to %d", got)
	}
}
