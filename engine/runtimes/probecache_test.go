package runtimes

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeInterpreter builds testdata/fakeinterp into dir: a real executable,
// as an installed interpreter is, that logs each run to the returned file.
func fakeInterpreter(t *testing.T, dir string) (bin, log string) {
	t.Helper()
	bin = filepath.Join(dir, "fakeinterp")
	if out, err := exec.Command("go", "build", "-o", bin, "./testdata/fakeinterp").CombinedOutput(); err != nil {
		t.Fatalf("build fakeinterp: %v\n%s", err, out)
	}
	log = filepath.Join(dir, "runs.log")
	t.Setenv("FAKE_LOG", log)
	return bin, log
}

func runs(t *testing.T, log string) int {
	t.Helper()
	b, err := os.ReadFile(log)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "ran\n")
}

// A later run (here: a fresh in-process memo) takes a real executable's
// probe from disk without starting it; a changed file is probed again.
func TestProbeCacheSkipsTheRunOfAKnownExecutable(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir := t.TempDir()
	bin, log := fakeInterpreter(t, dir)
	probe := func() probed {
		t.Helper()
		interpreters = memo[probed]{} // as a new lambdev process starts
		p, err := probeInterpreter(context.Background(), dir, bin, "--probe")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	first := probe()
	if first.in.Path != bin || first.in.Version != "9.9.9" || len(first.extra) != 1 || first.extra[0] != "extra" {
		t.Fatalf("probe = %+v", first)
	}
	if again := probe(); again.in != first.in || runs(t, log) != 1 {
		t.Errorf("second probe %+v after %d runs; want the first's, from disk (1 run)", again, runs(t, log))
	}
	// An upgrade in place: a new modification time (and here a new version).
	t.Setenv("FAKE_VERSION", "10.0.0")
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(bin, later, later); err != nil {
		t.Fatal(err)
	}
	if p := probe(); p.in.Version != "10.0.0" || runs(t, log) != 2 {
		t.Errorf("after the file changed: %+v after %d runs; want 10.0.0 from a second run", p, runs(t, log))
	}
	// Other probe arguments are another probe.
	interpreters = memo[probed]{}
	if _, err := probeInterpreter(context.Background(), dir, bin, "--other"); err != nil || runs(t, log) != 3 {
		t.Errorf("a different probe program was not run (%d runs, %v)", runs(t, log), err)
	}
}

// Scripts and version-manager shims decide at each run what they start:
// they are never cached.
func TestProbeCacheLeavesScriptsAndShims(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "python3")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho hi\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if k := probeCacheKey(script, nil); k != "" {
		t.Errorf("a script has cache key %q", k)
	}
	shims := filepath.Join(dir, "shims")
	if err := os.Mkdir(shims, 0o755); err != nil {
		t.Fatal(err)
	}
	bin, _ := fakeInterpreter(t, shims)
	if k := probeCacheKey(bin, nil); k != "" {
		t.Errorf("a binary in a shims directory has cache key %q", k)
	}
	if k := probeCacheKey("fakeinterp", nil); k != "" {
		t.Errorf("a relative name has cache key %q", k)
	}
}

// A cache file is input from disk: anything but a record of its own key
// with a path and a version is ignored.
func TestProbeCacheRejectsBadRecords(t *testing.T) {
	dir := t.TempDir()
	key := strings.Repeat("ab", 32)
	good := probed{in: Interpreter{Path: "/usr/bin/node", Version: "v20.20.2"}}
	storeProbe(dir, key, good)
	if p, ok := loadProbe(dir, key); !ok || p.in != good.in {
		t.Fatalf("round trip: %+v %v", p, ok)
	}
	for name, body := range map[string]string{
		"not JSON":      `{"key":`,
		"another key":   `{"key":"cd","path":"/usr/bin/node","version":"v20"}`,
		"no version":    `{"key":"` + key + `","path":"/usr/bin/node"}`,
		"unknown field": `{"key":"` + key + `","path":"/p","version":"1","evil":true}`,
		"too large":     `{"key":"` + key + `","path":"/p","version":"1","extra":["` + strings.Repeat("x", 70<<10) + `"]}`,
	} {
		if err := os.WriteFile(filepath.Join(dir, key+".json"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if p, ok := loadProbe(dir, key); ok {
			t.Errorf("%s: loaded %+v", name, p)
		}
	}
}
