package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// genProject writes a project of n Python functions (the fixture's echo
// handler, one function per name) into a new directory of the run.
func genProject(t *tools, n int) (string, error) {
	dir := filepath.Join(t.work, fmt.Sprintf("scale-%d", n))
	src, err := os.ReadFile(filepath.Join(t.root, "bench", "testdata", "proj", "functions", "py", "app.py"))
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Join(dir, "functions", "py"), 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "functions", "py", "app.py"), src, 0o644); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("app: scale\nstage: dev\nregion: us-east-1\nfunctions:\n")
	for i := range n {
		fmt.Fprintf(&b, "  f%03d: { handler: functions/py/app.handler, runtime: python3.12 }\n", i)
	}
	return dir, os.WriteFile(filepath.Join(dir, "lambdev.yaml"), []byte(b.String()), 0o644)
}

// defaultWarm is engine.DefaultWarm (the bench does not import the engine).
const defaultWarm = 32

// scaleBudget: a project size whose startup took longer is not started again
// (one round), so that a slow startup cannot stretch the run by many minutes.
const scaleBudget = 30 * time.Second

// warmAll is the --warm flag that warms every function of the largest
// project, the startup before lambdev warmed only the first 32.
var warmAll = []string{"--warm", "100000"}

// scaleResult holds startup times per project size, by default and with
// every function warmed, and the memory figures.
type scaleResult struct {
	startup, startupAll map[int][]float64 // ms per round
	errs                map[int]string
	mem                 []string // rows: what, value
	memErr              string
}

// scale measures startup to settled per project size (by default, and with
// every function warmed), then lambdev's RSS with the largest project after
// cfg.history invocations.
func scale(ctx context.Context, t *tools, cfg settings, logf func(string, ...any)) *scaleResult {
	res := &scaleResult{startup: map[int][]float64{}, startupAll: map[int][]float64{}, errs: map[int]string{}}
	dirs := map[int]string{}
	for _, n := range cfg.sizes {
		d, err := genProject(t, n)
		if err != nil {
			res.errs[n] = err.Error()
		}
		dirs[n] = d
	}
	big := cfg.sizes[len(cfg.sizes)-1]
	long := map[int]bool{}
	for r := range cfg.scaleRounds {
		for _, n := range rotate(cfg.sizes, r) {
			if res.errs[n] != "" || long[n] {
				continue
			}
			logf("scale: %d functions, round %d/%d", n, r+1, cfg.scaleRounds)
			all, err := startLambdev(t, dirs[n], n, 5*time.Minute, warmAll...)
			if err != nil {
				res.errs[n] = firstLine(err.Error())
				continue
			}
			all.p.stop()
			res.startupAll[n] = append(res.startupAll[n], ms(all.startupTime()))
			s, err := startLambdev(t, dirs[n], n, 5*time.Minute)
			if err != nil {
				res.errs[n] = firstLine(err.Error())
				continue
			}
			res.startup[n] = append(res.startup[n], ms(s.startupTime()))
			long[n] = max(s.startupTime(), all.startupTime()) > scaleBudget
			if n == big && res.mem == nil && (long[n] || r == cfg.scaleRounds-1) {
				// The memory figures reuse the largest project's last session.
				logf("scale: RSS with %d functions and %d invocations", big, cfg.history)
				memory(ctx, s, big, cfg.history, res)
			}
			s.p.stop()
		}
	}
	if res.mem == nil {
		res.memErr = fmt.Sprintf("the %d-function project did not start: %s", big, res.errs[big])
	}
	return res
}

// memory records lambdev's RSS after start and after history invocations
// spread over every function at concurrency 8.
func memory(ctx context.Context, s *session, n, history int, res *scaleResult) {
	pid := s.p.pid()
	kb := func(v int64) string { return fmt.Sprintf("%.1f MiB", float64(v)/1024) }
	workers, nw := childrenRSSKB(pid)
	res.mem = append(res.mem, fmt.Sprintf("lambdev RSS, %d functions settled (default --warm)", n), kb(rssKB(pid, "VmRSS")))
	res.mem = append(res.mem, fmt.Sprintf("its %d worker processes, RSS summed", nw), kb(workers))
	var next, bad atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range 8 {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(history) || ctx.Err() != nil {
					return
				}
				if _, err := invoke(ctx, s.url(fmt.Sprintf("f%03d", i%int64(n))), payload); err != nil {
					bad.Add(1)
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	res.mem = append(res.mem, fmt.Sprintf("lambdev RSS after %d invocations (%.0f/s, %d errors)", history, float64(history)/took.Seconds(), bad.Load()), kb(rssKB(pid, "VmRSS")))
	workers, nw = childrenRSSKB(pid)
	res.mem = append(res.mem, fmt.Sprintf("its %d worker processes then, RSS summed", nw), kb(workers))
	res.mem = append(res.mem, "lambdev peak RSS (VmHWM)", kb(rssKB(pid, "VmHWM")))
}

// benchLine matches a `go test -bench` result line.
var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(-\d+)?\s+\d+\s+([0-9.]+) ns/op`)

// tuiView runs the tui package's own View benchmarks (10,000 invocations in
// history) count times and returns ms per View() by benchmark name.
func tuiView(ctx context.Context, t *tools, count int) (map[string][]float64, []string, error) {
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", "^BenchmarkView10k", "-benchtime", "200x",
		"-count", strconv.Itoa(count), "./tui")
	cmd.Dir = t.root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, nil, fmt.Errorf("go test -bench ./tui: %v: %s", err, lastLines(string(out), 5))
	}
	vals := map[string][]float64{}
	var order []string
	for _, line := range strings.Split(string(out), "\n") {
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		ns, _ := strconv.ParseFloat(m[3], 64)
		if _, ok := vals[m[1]]; !ok {
			order = append(order, m[1])
		}
		vals[m[1]] = append(vals[m[1]], ns/1e6)
	}
	if len(vals) == 0 {
		return nil, nil, fmt.Errorf("./tui has no BenchmarkView10k* benchmark")
	}
	return vals, order, nil
}

// reportScale writes the scale section: startup, memory and the TUI.
func reportScale(rep *report, res *scaleResult, tui map[string][]float64, order []string, tuiErr string, cfg settings) {
	sec := rep.add("5. Scale")
	sec.note("Startup = exec of `lambdev dev --headless --json` → the engine's last function settled: every "+
		"function prepared, the first %d (the default `--warm`) ready with one warm worker each, the others "+
		"`idle` until their first invoke; and the same with `%s` (every function warmed). Python functions "+
		"generated into a temporary project; up to %d rounds, sizes interleaved, median (min–max); a size "+
		"whose startup took over %s is run once.",
		defaultWarm, strings.Join(warmAll, " "), cfg.scaleRounds, scaleBudget)
	var rows [][]string
	for _, n := range cfg.sizes {
		v, all := summarize(res.startup[n]).msf(), summarize(res.startupAll[n]).msf()
		if e := res.errs[n]; e != "" {
			v, all = "error: "+e, ""
		}
		rows = append(rows, []string{strconv.Itoa(n), v, all})
	}
	sec.table([]string{"functions", "startup (default)", "startup, every function warmed"}, rows)
	if res.memErr != "" {
		sec.note("Memory: not measured: %s", res.memErr)
	} else {
		rows = nil
		for i := 0; i+1 < len(res.mem); i += 2 {
			rows = append(rows, []string{res.mem[i], res.mem[i+1]})
		}
		sec.note("Memory (one run; RSS from /proc). The engine keeps no invocation history of its own (the TUI " +
			"keeps the last 10,000), so this is the process after serving that many invocations through the " +
			"Invoke API at concurrency 8, spread over every function.")
		sec.table([]string{"what", "value"}, rows)
	}
	if tuiErr != "" {
		sec.note("TUI `View()` with 10,000 invocations: not measured: %s", tuiErr)
		return
	}
	rows = nil
	for _, name := range order {
		rows = append(rows, []string{name, summarize(tui[name]).msf()})
	}
	sec.note("TUI `View()` with 10,000 invocations in history at 120×40, colour off: the tui package's own " +
		"benchmarks (`go test -bench ^BenchmarkView10k ./tui`, 200 draws each), repeated, median (min–max) per draw.")
	sec.table([]string{"benchmark", "View()"}, rows)
}
