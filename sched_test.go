package main

import (
	"slices"
	"testing"
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
