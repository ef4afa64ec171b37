package main

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPercentileAndSpread(t *testing.T) {
	var d []time.Duration
	for i := 100; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	if got := percentile(d, 0.5); got != 50*time.Millisecond {
		t.Errorf("p50 = %s, want 50ms", got)
	}
	if got := percentile(d, 0.99); got != 99*time.Millisecond {
		t.Errorf("p99 = %s, want 99ms", got)
	}
	s := summarize([]float64{3, math.NaN(), 1, 2, 10})
	if s.Median != 2.5 || s.Min != 1 || s.Max != 10 || s.N != 4 {
		t.Errorf("summarize = %+v", s)
	}
	if got := s.msf(); got != "2.500 ms (1.000–10.000)" {
		t.Errorf("msf = %q", got)
	}
	if r := summarize(ratios([]float64{1, 2, 3}, []float64{2, 0, 6})); r.N != 2 || r.Median != 0.5 {
		t.Errorf("ratios skip zero denominators and pair rounds: %+v", r)
	}
	if summarize(nil).ok() || summarize(nil).msf() != "—" {
		t.Error("an empty spread must render as not measured")
	}
}

func TestRotateVisitsEveryPeerFirst(t *testing.T) {
	ts := []string{"a", "b", "c"}
	for r, want := range []string{"a", "b", "c", "a"} {
		if got := rotate(ts, r); got[0] != want || len(got) != 3 {
			t.Errorf("rotate(%d) = %v", r, got)
		}
	}
}

func TestEditorRewritesEveryRuntimesMarker(t *testing.T) {
	root, err := filepath.Abs("testdata/proj")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, rel := range handlerFile {
		b, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		if len(markerRe.FindAll(b, -1)) != 1 {
			t.Fatalf("%s must hold exactly one version marker", rel)
		}
		_ = os.MkdirAll(filepath.Dir(filepath.Join(dir, rel)), 0o755)
		_ = os.WriteFile(filepath.Join(dir, rel), b, 0o644)
	}
	e := &editor{dir: dir}
	for _, rt := range runtimes {
		marker, _, err := e.save(rt)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(dir, handlerFile[rt]))
		if !strings.Contains(string(b), marker) {
			t.Errorf("%s does not answer %s after the save", rt, marker)
		}
	}
}

// TestSmoke runs the harness end to end in its smallest mode: one short round
// of lambdev's warm latency, no peers installed or started.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds lambdev and starts a dev session")
	}
	for _, tool := range []string{"python3", "node"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not on PATH", tool)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := defaults(false, true)
	cfg.sections = map[string]bool{"warm": true}
	cfg.out = filepath.Join(t.TempDir(), "BENCHMARKS.md")
	md, err := runAll(ctx, cfg, t.Logf)
	stopAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| lambdev python | ", "| lambdev go | ", "| floor | ", "not measured: lambdev-only run"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	if b, err := os.ReadFile(cfg.out); err != nil || string(b) != md {
		t.Errorf("report file not written (%v)", err)
	}
}

// TestProcAccounting checks the /proc readers against a real child: it is
// one of this process's children, with an RSS, and its tree's CPU is
// accounted under its command name.
func TestProcAccounting(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Skip("no sleep:", err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	st, ok := procStats()[cmd.Process.Pid]
	if !ok || st.ppid != os.Getpid() || st.comm != "sleep" {
		t.Fatalf("procStats()[child] = %+v, %v; want ppid %d, comm sleep", st, ok, os.Getpid())
	}
	if kb, n := childrenRSSKB(os.Getpid()); n < 1 || kb <= 0 {
		t.Errorf("childrenRSSKB = %d KiB over %d children, want the sleep child", kb, n)
	}
	if _, ok := procCPU(os.Getpid())["sleep"]; !ok {
		t.Errorf("procCPU(self) has no entry for its sleep child: %v", procCPU(os.Getpid()))
	}
}
