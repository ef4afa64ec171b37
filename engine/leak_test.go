package engine

import (
	"testing"
	"time"

	"github.com/lambdev/lambdev/internal/testutil"
)

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
	// over half a second, and later counts get 5 s to come down to it. A
	// leak of even one descriptor per worker adds 15 or more over three
	// rounds, each of which starts at least five workers.
	base := testutil.Baseline(t, 500*time.Millisecond)
	for i := 0; i < 3; i++ {
		round()
	}
	testutil.CheckReleased(t, base, 5*time.Second)
}

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
