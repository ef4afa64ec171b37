package engine

import (
	"os"
	"runtime"
	"testing"
	"time"
)

// openFDs counts this process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	return len(ents)
}

// A dev session lives for hours: a worker's life and death, by every way
// an invocation can end and by reload, must give back every descriptor
// (runtime API listener, log pipe, /proc status file, hold pipe) and every
// goroutine it took. After a warm-up that reaches the steady state (one
// idle worker each for the functions that keep one, a spare after a
// reload), each further round of the same invocations must leave the
// counts where the warm-up left them.
func TestWorkerLifetimesLeakNothing(t *testing.T) {
	requireInterpreter(t, "python3")
	e, sub := newTestEngine(t)
	round := func() {
		for _, c := range []struct {
			fn, payload string
			want        Outcome
		}{
			{"echo", `{}`, OutcomeOK},
			{"fail", `{}`, OutcomeError},
			{"crash", `{}`, OutcomeCrash},
			{"broken", `{}`, OutcomeInitError},
			{"slow", `{"seconds": 5}`, OutcomeTimeout},
			{"big", `{"size": 7000000}`, OutcomeTooLarge},
		} {
			if res := invoke(t, e, c.fn, c.payload); res.Outcome != c.want {
				t.Fatalf("%s: outcome %s, want %s\n%s", c.fn, res.Outcome, c.want, res.Logs)
			}
		}
		if err := e.Reload("echo"); err != nil {
			t.Fatal(err)
		}
		awaitSpare(t, sub, "echo")
		if res := invoke(t, e, "echo", `{}`); res.Outcome != OutcomeOK {
			t.Fatalf("echo after reload: %s", res.Outcome)
		}
	}
	round()
	round()
	// Retired workers are reaped, and release what they held, shortly
	// after their invocation ends: the baseline is the lowest count seen
	// over half a second, and a later count may take up to 5 s to come
	// down to it. A leak of even one descriptor per worker adds 15 or more
	// over three rounds, each of which starts at least five workers.
	fds := lowest(t, openFDs, 500*time.Millisecond)
	goroutines := lowest(t, numGoroutine, 500*time.Millisecond)
	for i := 0; i < 3; i++ {
		round()
	}
	if got := downTo(t, openFDs, fds, 5*time.Second); got > fds {
		t.Errorf("open descriptors: %d after the warm-up, %d three rounds later", fds, got)
	}
	if got := downTo(t, numGoroutine, goroutines, 5*time.Second); got > goroutines {
		t.Errorf("goroutines: %d after the warm-up, %d three rounds later", goroutines, got)
	}
}

func numGoroutine(*testing.T) int { return runtime.NumGoroutine() }

// awaitSpare waits for fn's reload to finish and for the spare it then
// starts for the next one: the state every round ends in.
func awaitSpare(t *testing.T, sub *Subscription, fn string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	reloaded := false
	for {
		select {
		case ev := <-sub.C:
			switch ev := ev.(type) {
			case ReloadFinished:
				reloaded = reloaded || ev.Function == fn
			case WorkerStarted:
				if reloaded && ev.Function == fn {
					return
				}
			}
		case <-timeout:
			t.Fatalf("%s: no reload and spare within 10 s", fn)
		}
	}
}

// lowest is the lowest value count takes over d, polled every 10 ms.
func lowest(t *testing.T, count func(*testing.T) int, d time.Duration) int {
	low := count(t)
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		low = min(low, count(t))
	}
	return low
}

// downTo polls count until it is at most want or d has passed, and returns
// its last value.
func downTo(t *testing.T, count func(*testing.T) int, want int, d time.Duration) int {
	n := count(t)
	for end := time.Now().Add(d); n > want && time.Now().Before(end); n = count(t) {
		time.Sleep(10 * time.Millisecond)
	}
	return n
}
