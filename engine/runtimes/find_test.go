package runtimes

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestNodeMajor(t *testing.T) {
	for in, want := range map[string]string{"22": "22", "22.x": "22", "nodejs22.x": "22", "v20.20.2": "20", "20.20.2": "20", "": ""} {
		if got := nodeMajor(in); got != want {
			t.Errorf("nodeMajor(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPythonMatches(t *testing.T) {
	m := pythonMatches("3.1")
	if m("3.11.7") || !m("3.1.4") || !m("3.1") {
		t.Error("3.1 must match 3.1.x only")
	}
	if !pythonMatches("")("3.12.1") {
		t.Error("no declared version matches anything")
	}
}

func TestVersionOrdering(t *testing.T) {
	got := managedInstalls() // no patterns: nothing
	if len(got) != 0 {
		t.Errorf("got %v", got)
	}
	tests := []struct{ path, version string }{
		{"/root/.pyenv/versions/3.11.10/bin/python3.11", "3.11.10"},
		{"/home/u/.nvm/versions/node/v22.3.0/bin/node", "22.3.0"},
		{"/x/cpython-3.12.1-linux-x86_64-gnu/bin/python3.12", "3.12.1"},
	}
	for _, tt := range tests {
		if got := versionIn(tt.path); got != tt.version {
			t.Errorf("versionIn(%q) = %q, want %q", tt.path, got, tt.version)
		}
	}
	if !versionLess("3.11.9", "3.11.10") || versionLess("3.11.10", "3.11.9") || !versionLess("3.11", "3.11.0") {
		t.Error("versionLess is not numeric")
	}
}

func TestHostBuildEnv(t *testing.T) {
	env := hostBuildEnv([]string{"GOOS=windows", "GOARCH=arm64", "GOFLAGS=-mod=mod", "HOME=/h"})
	joined := strings.Join(env, " ")
	if strings.Contains(joined, "GOOS=windows") || strings.Contains(joined, "GOARCH=arm64") || !strings.Contains(joined, "GOFLAGS=-mod=mod") {
		t.Errorf("env %v", env)
	}
}

func TestMemoSharesOneRunAndRemembersErrorsForATime(t *testing.T) {
	var m memo[int]
	var runs atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := m.get(context.Background(), "k", func(context.Context) (int, error) {
				runs.Add(1)
				<-release
				return 7, nil
			})
			if v != 7 || err != nil {
				t.Errorf("got %d, %v", v, err)
			}
		}()
	}
	close(release)
	wg.Wait()
	if runs.Load() != 1 {
		t.Errorf("%d runs, want 1", runs.Load())
	}
	boom := errors.New("boom")
	for range 2 {
		if _, err := m.get(context.Background(), "bad", func(context.Context) (int, error) { runs.Add(1); return 0, boom }); err != boom {
			t.Errorf("err %v", err)
		}
	}
	if runs.Load() != 2 {
		t.Errorf("a failed lookup was run %d times in a row, want once (hot reloads must not re-probe)", runs.Load()-1)
	}
	// Once the failure is older than failureTTL it is tried again.
	m.mu.Lock()
	m.m["bad"].at = time.Now().Add(-failureTTL - time.Second)
	m.mu.Unlock()
	m.get(context.Background(), "bad", func(context.Context) (int, error) { runs.Add(1); return 0, boom })
	if runs.Load() != 3 {
		t.Errorf("a stale failure was not retried: %d runs", runs.Load())
	}
}

func TestWriteBootstrapIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	p1, err := writeFileAtomic(dir, "b.py", []byte("one"))
	if err != nil {
		t.Fatal(err)
	}
	p2, err := writeFileAtomic(dir, "b.py", []byte("two"))
	if err != nil || p1 != p2 {
		t.Fatalf("%v %s %s", err, p1, p2)
	}
	if got, _ := readFile(p2); got != "two" {
		t.Errorf("content %q", got)
	}
}

func readFile(p string) (string, error) {
	b, err := os.ReadFile(p)
	return string(b), err
}

// TestShimIsProbedAfterTheInstallsBehindIt builds a pyenv layout: a shim
// for pythonX.Y that fails as pyenv's does for a version it has not
// selected (and records that it ran), and the install of that version
// behind it. The install must be found without running the shim.
func TestShimIsProbedAfterTheInstallsBehindIt(t *testing.T) {
	real, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not on PATH")
	}
	// Through its own shim, perhaps: ask it for the real executable.
	out, err := exec.Command(real, "-c", "import sys;print(sys.executable);print('%d.%d' % sys.version_info[:2])").Output()
	if err != nil {
		t.Fatal(err)
	}
	real, version, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	root := t.TempDir()
	ran := filepath.Join(root, "shim-ran")
	shim := filepath.Join(root, "shims", "python"+version)
	writeExec(t, shim, "#!/bin/sh\ntouch "+ran+"\necho \"pyenv: python"+version+": command not found\" >&2\nexit 127\n")
	install := filepath.Join(root, "versions", version+".99", "bin", "python"+version)
	if err := os.MkdirAll(filepath.Dir(install), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, install); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PYENV_ROOT", root)
	t.Setenv("PATH", filepath.Dir(shim)+string(os.PathListSeparator)+os.Getenv("PATH"))

	p, err := findInterpreter(context.Background(), root, pythonCandidates(version), pythonMatches(version), "-c", pythonProbe)
	if err != nil {
		t.Fatal(err)
	}
	if !p.in.Matched || !strings.HasPrefix(p.in.Path, filepath.Join(root, "versions")) {
		t.Errorf("found %s (%s, matched %v); want the install under %s", p.in.Path, p.in.Version, p.in.Matched, root)
	}
	if _, err := os.Stat(ran); err == nil {
		t.Error("the shim ran although the install behind it matched")
	}

	// With no install behind it, the shim is still a candidate, tried
	// before the plain python3 fallback.
	if err := os.RemoveAll(filepath.Join(root, "versions")); err != nil {
		t.Fatal(err)
	}
	cands := resolveCandidates(pythonCandidates(version), new([]string))
	if len(cands) == 0 || cands[0].cmd != shim {
		t.Errorf("candidates without the install: %v; want the shim first", cands)
	}
}

func writeExec(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
}

// At most cap(buildSlots) go builds run at once; a build waiting for a slot
// gives up with its context.
func TestGoBuildsAreBounded(t *testing.T) {
	var held []func()
	for range cap(buildSlots) {
		release, err := acquireBuild(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, release)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := acquireBuild(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("a build beyond %d slots: %v, want it to wait (and give up with its context)", cap(buildSlots), err)
	}
	held[0]()
	release, err := acquireBuild(context.Background())
	if err != nil {
		t.Fatalf("after one build ended: %v", err)
	}
	release()
	for _, r := range held[1:] {
		r()
	}
}
