package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lambdev/lambdev/config"
)

func TestSysmonEnviron(t *testing.T) {
	trace := "schedtrace=" + strconv.Itoa(schedtraceMS)
	base := []string{"PATH=/usr/bin", "HOME=/home/dev"}
	cases := []struct {
		name    string
		environ []string
		up      time.Duration
		want    []string // the GODEBUG and marker entries added; nil: run as is
	}{
		{"GODEBUG unset", base, time.Hour, []string{"GODEBUG=" + trace, sysmonEnv + "=0"}},
		{"GODEBUG kept", append(slices.Clone(base), "GODEBUG=madvdontneed=1"), time.Hour,
			[]string{"GODEBUG=madvdontneed=1," + trace, sysmonEnv + "=1madvdontneed=1"}},
		{"GODEBUG empty", append(slices.Clone(base), "GODEBUG="), time.Hour,
			[]string{"GODEBUG=" + trace, sysmonEnv + "=1"}},
		{"the user's schedtrace wins", append(slices.Clone(base), "GODEBUG=gctrace=1, schedtrace=0"), time.Hour, nil},
		{"already re-executed", append(slices.Clone(base), sysmonEnv+"=0"), time.Hour, nil},
		{"up too long for a silent tracer", base, 20 * 24 * time.Hour, nil},
		{"up just short enough", base, 17 * 24 * time.Hour, []string{"GODEBUG=" + trace, sysmonEnv + "=0"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := sysmonEnviron(c.environ, c.up)
			if c.want == nil {
				if ok {
					t.Fatalf("re-executes with %q, want the session as it is", got)
				}
				return
			}
			want := append(slices.Clone(base), c.want...)
			if !ok || !slices.Equal(got, want) {
				t.Fatalf("got %q (%v), want %q", got, ok, want)
			}
		})
	}
}

// TestRestoreGODEBUG: the re-executed session hands its children the
// user's GODEBUG exactly, set, empty or unset.
func TestRestoreGODEBUG(t *testing.T) {
	for _, user := range []*string{nil, ptr(""), ptr("madvdontneed=1,gctrace=0")} {
		environ := []string{"PATH=/usr/bin"}
		if user != nil {
			environ = append(environ, "GODEBUG="+*user)
		}
		env, ok := sysmonEnviron(environ, time.Hour)
		if !ok {
			t.Fatal("no re-exec environment")
		}
		for _, kv := range env {
			k, v, _ := strings.Cut(kv, "=")
			t.Setenv(k, v)
		}
		if !restoreGODEBUG() {
			t.Fatal("restoreGODEBUG did not recognise a re-executed session")
		}
		got, set := os.LookupEnv("GODEBUG")
		if _, marked := os.LookupEnv(sysmonEnv); marked {
			t.Errorf("%s left in the environment", sysmonEnv)
		}
		if user == nil && set {
			t.Errorf("GODEBUG=%q, want it unset", got)
		}
		if user != nil && (!set || got != *user) {
			t.Errorf("GODEBUG=%q (set %v), want %q", got, set, *user)
		}
		if restoreGODEBUG() {
			t.Error("a second call still reports a re-executed session")
		}
	}
}

func ptr(s string) *string { return &s }

// TestDevSessionKeepsSysmonAwake runs `lambdev dev --headless` as a user
// would: the session re-executes itself in place (same pid) with schedtrace
// added to the user's GODEBUG, its workers never see it, and SIGTERM still
// ends it cleanly.
func TestDevSessionKeepsSysmonAwake(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the re-exec is Linux-only")
	}
	if up, ok := uptime(); !ok {
		t.Skip("no /proc/uptime")
	} else if _, ok := sysmonEnviron(nil, up); !ok {
		t.Skipf("this machine has been up %v: too long for a silent tracer", up)
	}
	bin := lambdevBinary(t)
	project, err := filepath.Abs(sample)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "dev", "--headless", "-f", project, "--listen", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "GODEBUG=madvdontneed=1", "XDG_CACHE_HOME="+t.TempDir(), "GOCACHE="+goCache(t))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	// Every function ready: no go build (which runs with the user's
	// environment) is left among the session's children.
	p, err := config.Load(project, config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	ready := 0
	for ready < len(p.Functions) && sc.Scan() {
		if strings.HasSuffix(sc.Text(), " ready") {
			ready++
		}
	}
	if ready < len(p.Functions) {
		t.Fatalf("only %d of %d functions became ready (%v)", ready, len(p.Functions), sc.Err())
	}
	go func() {
		for sc.Scan() {
		}
	}()

	pid := cmd.Process.Pid
	env := procEnviron(t, pid)
	if want := "GODEBUG=madvdontneed=1,schedtrace=" + strconv.Itoa(schedtraceMS); !slices.Contains(env, want) {
		t.Errorf("pid %d runs without %s (its GODEBUG entries: %q)", pid, want,
			slices.DeleteFunc(env, func(kv string) bool { return !strings.HasPrefix(kv, "GODEBUG=") }))
	}
	workers := childPIDs(t, pid)
	if len(workers) == 0 {
		t.Fatal("the session has no worker processes")
	}
	for _, n := range workers {
		for _, kv := range procEnviron(t, n) {
			if strings.HasPrefix(kv, "GODEBUG=") || strings.HasPrefix(kv, sysmonEnv+"=") {
				t.Errorf("worker %d sees %s", n, kv)
			}
		}
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("SIGTERM: %v", err)
	}
}

// childPIDs lists the processes whose parent is pid.
func childPIDs(t *testing.T, pid int) []int {
	t.Helper()
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue // gone since the glob
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]) // state, ppid, …
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			n, _ := strconv.Atoi(strings.Fields(s)[0])
			out = append(out, n)
		}
	}
	return out
}

func procEnviron(t *testing.T, pid int) []string {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
}
