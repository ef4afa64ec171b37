package testutil

import (
	"os"
	"runtime"
	"testing"
	"time"
)

// Resources is what a long-lived process holds that a leak grows: its open
// file descriptors and its goroutines.
type Resources struct{ FDs, Goroutines int }

func current(t testing.TB) Resources {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	return Resources{FDs: len(ents), Goroutines: runtime.NumGoroutine()}
}

// Baseline is the lowest count of each resource seen over d, polled every
// 10 ms: what a process holds once the goroutines and processes it retired
// (reapers, closed connections) have let go.
func Baseline(t testing.TB, d time.Duration) Resources {
	t.Helper()
	low := current(t)
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		r := current(t)
		low.FDs, low.Goroutines = min(low.FDs, r.FDs), min(low.Goroutines, r.Goroutines)
	}
	return low
}

// CheckReleased waits up to d for the counts to come down to base and
// reports, as a test error, any that stay above it.
func CheckReleased(t testing.TB, base Resources, d time.Duration) {
	t.Helper()
	r := current(t)
	for end := time.Now().Add(d); (r.FDs > base.FDs || r.Goroutines > base.Goroutines) && time.Now().Before(end); r = current(t) {
		time.Sleep(10 * time.Millisecond)
	}
	if r.FDs > base.FDs {
		t.Errorf("open descriptors: %d at the baseline, %d after", base.FDs, r.FDs)
	}
	if r.Goroutines > base.Goroutines {
		buf := make([]byte, 1<<16)
		t.Errorf("goroutines: %d at the baseline, %d after; now running:\n%s", base.Goroutines, r.Goroutines, buf[:runtime.Stack(buf, true)])
	}
}
