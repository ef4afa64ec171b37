package main

import (
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// A dev session is idle between the hand-offs of every invocation (gateway
// → the worker's pending /next → its answer → gateway). The Go runtime's
// monitor thread, sysmon, sleeps deeply whenever every P is idle, and the
// next system call of any goroutine wakes it again (runtime.reentersyscall
// → entersyscallWakeSysmon); it then naps 20 µs at a time until all is idle
// again (golang/go#18236 tracks the cost of its cadence). So every hand-off
// paid a futex wake and a few naps: perf's sched_switch records on
// `lambdev dev` counted, per sequential Go invocation, 2.8 nanosleep and 1.4
// futex context switches of 7.5.
//
// GODEBUG=schedtrace keeps sysmon out of deep sleep: it naps on its own
// backoff instead, every 10 ms when nothing happens. A trace period longer
// than the machine has been up keeps the tracer itself silent. The runtime
// reads schedtrace once, at start, so a dev session re-executes itself with
// it (same pid) and restores the user's GODEBUG for every process it starts.
// Measured on 2 cores, interleaved against the same build without it: warm
// p50 -5 to -33% and p99 -5 to -28% (Go and Python handlers, 3 rounds).
// GODEBUG=schedtrace=0 (or any schedtrace) opts out.
const (
	// sysmonEnv carries the user's GODEBUG across the exec: "0" when it
	// was unset, "1" followed by its value otherwise.
	sysmonEnv = "LAMBDEV_USER_GODEBUG"
	// schedtraceMS is the longest trace period the runtime parses (int32
	// milliseconds, 24.8 days); it first traces when the monotonic clock,
	// which starts at boot, passes it.
	schedtraceMS = math.MaxInt32
	// sysmonMargin is how long a session may run before the tracer could
	// speak; machines up for longer than the period minus it go without.
	sysmonMargin = 7 * 24 * time.Hour
)

// restoreGODEBUG undoes, in a re-executed session, what keepSysmonAwake
// added to the environment, and reports whether this process is one.
func restoreGODEBUG() bool {
	v, ok := os.LookupEnv(sysmonEnv)
	if !ok {
		return false
	}
	os.Unsetenv(sysmonEnv)
	if rest, set := strings.CutPrefix(v, "1"); set {
		os.Setenv("GODEBUG", rest)
	} else {
		os.Unsetenv("GODEBUG")
	}
	return true
}

// keepSysmonAwake re-executes this process with sysmon kept out of deep
// sleep, when that is possible and wanted; on success it does not return.
func keepSysmonAwake() {
	if runtime.GOOS != "linux" {
		return // measured on Linux only
	}
	up, ok := uptime()
	if !ok {
		return
	}
	env, ok := sysmonEnviron(os.Environ(), up)
	if !ok {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	_ = syscall.Exec(exe, os.Args, env) // on failure the session runs as it is
}

// sysmonEnviron is environ with schedtrace added to GODEBUG and the user's
// GODEBUG saved, or false when the session should run as it is: the user
// set schedtrace, or the machine has been up too long for a silent tracer.
func sysmonEnviron(environ []string, up time.Duration) ([]string, bool) {
	if up > time.Duration(schedtraceMS)*time.Millisecond-sysmonMargin {
		return nil, false
	}
	user, set := "", false
	out := make([]string, 0, len(environ)+2)
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case sysmonEnv:
			return nil, false // already re-executed once
		case "GODEBUG":
			user, set = v, true
			continue
		}
		out = append(out, kv)
	}
	for _, field := range strings.Split(user, ",") {
		if k, _, _ := strings.Cut(strings.TrimSpace(field), "="); k == "schedtrace" {
			return nil, false
		}
	}
	godebug := "schedtrace=" + strconv.Itoa(schedtraceMS)
	saved := "0"
	if set {
		saved = "1" + user
		if user != "" {
			godebug = user + "," + godebug
		}
	}
	return append(out, "GODEBUG="+godebug, sysmonEnv+"="+saved), true
}

// uptime is how long the machine has been up, from /proc/uptime (which
// counts suspended time too, so it is never less than the monotonic clock).
func uptime() (time.Duration, bool) {
	b, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return 0, false
	}
	first, _, _ := strings.Cut(strings.TrimSpace(string(b)), " ")
	s, err := strconv.ParseFloat(first, 64)
	if err != nil || s < 0 {
		return 0, false
	}
	return time.Duration(s * float64(time.Second)), true
}
