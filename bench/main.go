// Command bench measures lambdev against its peers on this machine — the
// loopback HTTP floor, the AWS Lambda Runtime Interface Emulator and
// serverless-offline — and writes BENCHMARKS.md (issue #9).
//
//	go run ./bench            # a few minutes
//	go run ./bench -quick     # fewer, shorter rounds
//
// Missing peers are installed into ~/.cache/lambdev-bench; a peer that cannot
// be installed or started is reported as not measured.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// settings set how much each section measures.
type settings struct {
	rounds, warmup, invokes int // warm latency
	tpRounds                int
	tpWindow, tpWarm        time.Duration
	coldRounds              int
	reloadRounds            int
	reloadWait              time.Duration
	sizes                   []int
	scaleRounds, history    int
	tuiCount                int
	sections                map[string]bool
	peers                   bool // false: lambdev only (smoke)
	out                     string
}

// allSections in run order.
var allSections = []string{"warm", "throughput", "cold", "reload", "scale"}

func defaults(quick, smoke bool) settings {
	c := settings{rounds: 12, warmup: 50, invokes: 400, tpRounds: 4, tpWindow: 750 * time.Millisecond, tpWarm: 250 * time.Millisecond,
		coldRounds: 3, reloadRounds: 5, reloadWait: 10 * time.Second, sizes: []int{1, 50, 200}, scaleRounds: 3,
		history: 100000, tuiCount: 5, peers: true}
	if quick {
		c.rounds, c.invokes, c.tpRounds, c.tpWindow, c.tpWarm = 6, 150, 2, 500*time.Millisecond, 150*time.Millisecond
		c.coldRounds, c.reloadRounds, c.scaleRounds, c.history, c.tuiCount = 2, 3, 1, 20000, 3
	}
	if smoke {
		c.rounds, c.warmup, c.invokes, c.peers = 1, 5, 50, false
	}
	return c
}

func main() {
	quick := flag.Bool("quick", false, "fewer and shorter rounds (a minute or two plus lambdev's 200-function startup)")
	smoke := flag.Bool("smoke", false, "one short round of lambdev's warm latency only (no peers)")
	only := flag.String("only", strings.Join(allSections, ","), "sections to run, comma-separated")
	out := flag.String("out", "", "report file (default BENCHMARKS.md at the repository root; - for none)")
	flag.Parse()
	cfg := defaults(*quick, *smoke)
	cfg.out = *out
	cfg.sections = map[string]bool{}
	for _, s := range strings.Split(*only, ",") {
		cfg.sections[strings.TrimSpace(s)] = true
	}
	if *smoke {
		cfg.sections = map[string]bool{"warm": true}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	md, err := runAll(ctx, cfg, func(f string, a ...any) { fmt.Fprintf(os.Stderr, "bench: "+f+"\n", a...) })
	stopAll()
	if md != "" {
		fmt.Print(md)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// runAll runs the selected sections and returns the report's Markdown,
// written to cfg.out as well.
func runAll(ctx context.Context, cfg settings, logf func(string, ...any)) (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	t, err := setupTools(ctx, root, cfg.peers, logf)
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(t.work)
	rep := &report{header: environment(t, cfg)}
	began := time.Now()
	if cfg.sections["warm"] || cfg.sections["throughput"] {
		f, err := startFleet(ctx, t, logf)
		if err != nil {
			if f != nil {
				f.stop()
			}
			return "", err
		}
		if cfg.sections["warm"] {
			load := loadAvg()
			res := warmLatency(ctx, f, cfg, logf)
			reportWarm(rep, f, res, cfg)
			rep.sections[len(rep.sections)-1].note("Load average before/after: %s / %s.", load, loadAvg())
		}
		if cfg.sections["throughput"] {
			load := loadAvg()
			res, note := throughput(ctx, t, f, cfg, logf)
			reportThroughput(rep, f, res, note, cfg)
			rep.sections[len(rep.sections)-1].note("Load average before/after: %s / %s.", load, loadAvg())
		}
		f.stop()
	}
	section := func(name string, fn func()) {
		if cfg.sections[name] && ctx.Err() == nil {
			load := loadAvg()
			fn()
			rep.sections[len(rep.sections)-1].note("Load average before/after: %s / %s.", load, loadAvg())
		}
	}
	section("cold", func() { reportCold(rep, coldStart(ctx, t, cfg, logf), cfg) })
	section("reload", func() { reportReload(rep, hotReload(ctx, t, cfg, logf), cfg) })
	section("scale", func() {
		res := scale(ctx, t, cfg, logf)
		logf("scale: TUI View() benchmarks")
		tui, order, err := tuiView(ctx, t, cfg.tuiCount)
		why := ""
		if err != nil {
			why = firstLine(err.Error())
		}
		reportScale(rep, res, tui, order, why, cfg)
	})
	rep.header = append(rep.header, fmt.Sprintf("Run took %s; load average at the end: %s.", time.Since(began).Round(time.Second), loadAvg()))
	md := rep.markdown()
	if ctx.Err() != nil {
		return md, ctx.Err()
	}
	path := cfg.out
	if path == "" {
		path = filepath.Join(root, "BENCHMARKS.md")
	}
	if path != "-" {
		if err := os.WriteFile(path, []byte(md), 0o644); err != nil {
			return md, err
		}
		logf("wrote %s", path)
	}
	return md, nil
}

// repoRoot is the lambdev module's directory.
func repoRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	b, err := os.ReadFile(mod)
	if err != nil || !strings.Contains(string(b), "module github.com/lambdev/lambdev\n") {
		return "", fmt.Errorf("run the benchmarks from the lambdev repository (go run ./bench)")
	}
	return filepath.Dir(mod), nil
}
