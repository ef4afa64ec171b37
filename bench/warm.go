package main

import (
	"context"
	"fmt"
	"math"
	"time"
)

// series is one target's per-round figures.
type series struct {
	t        target
	p50, p99 []float64 // ms, one per round
	err      string
}

// warmLatency measures sequential invokes to every target, round-robin.
func warmLatency(ctx context.Context, f *fleet, cfg settings, logf func(string, ...any)) map[string]*series {
	targets := f.all()
	out := map[string]*series{}
	for _, t := range targets {
		out[t.name()] = &series{t: t}
	}
	for r := range cfg.rounds {
		logf("warm latency: round %d/%d", r+1, cfg.rounds)
		for _, t := range rotate(targets, r) {
			s := out[t.name()]
			if s.err != "" {
				continue
			}
			samples, err := latencies(ctx, t, cfg.warmup, cfg.invokes)
			if err != nil {
				s.err = err.Error()
				continue
			}
			s.p50 = append(s.p50, ms(percentile(samples, 0.50)))
			s.p99 = append(s.p99, ms(percentile(samples, 0.99)))
		}
	}
	return out
}

// reportWarm writes the warm latency table, the ratios and the verdicts.
func reportWarm(rep *report, f *fleet, res map[string]*series, cfg settings) {
	sec := rep.add("1. Warm invoke latency")
	sec.note("Sequential invokes of the echo handler (`%s`), %d per round after %d warm-up invokes, %d rounds; "+
		"p50/p99 are per round, shown as median (min–max) over rounds. lambdev is the built binary "+
		"(`lambdev dev --headless`) through its Invoke API.", payload, cfg.invokes, cfg.warmup, cfg.rounds)
	floor := res["floor"]
	var rows [][]string
	for _, t := range f.all() {
		s := res[t.name()]
		if s.err != "" {
			rows = append(rows, []string{t.name(), "error: " + truncate([]byte(s.err), 120), "", ""})
			continue
		}
		rows = append(rows, []string{t.name(), summarize(s.p50).msf(), summarize(s.p99).msf(),
			summarize(ratios(s.p50, floor.p50)).ratio()})
	}
	for peer, why := range f.skip {
		rows = append(rows, []string{peer, why, "", ""})
	}
	sec.table([]string{"target", "p50", "p99", "p50 / floor"}, rows)

	pairs := [][2]string{{"lambdev go", "rie go"}, {"lambdev python", "sls python"}, {"lambdev node", "sls node"}}
	rows = nil
	for _, p := range pairs {
		a, b := res[p[0]], res[p[1]]
		if a == nil || b == nil || a.err != "" || b.err != "" {
			continue
		}
		rows = append(rows, []string{p[0] + " / " + p[1], summarize(ratios(a.p50, b.p50)).ratio(), summarize(ratios(a.p99, b.p99)).ratio()})
	}
	if len(rows) > 0 {
		sec.note("Ratios, computed round by round (below 1× means lambdev is faster):")
		sec.table([]string{"pair", "p50 ratio", "p99 ratio"}, rows)
	}
	sec.note("What each path costs: the floor is one HTTP exchange with an in-process handler. lambdev's is " +
		"the gateway's HTTP exchange plus the Lambda Runtime API between the engine and the worker process (the " +
		"worker's pending `GET /next` answered with the event, then its `POST …/response`): three processes and four " +
		"loopback messages per invoke, the price of running unmodified runtimes. The RIE has the same shape. " +
		"serverless-offline runs Node handlers in a worker thread of its own process and feeds one long-lived " +
		"Python process per function over stdin/stdout pipes (and its Python is whatever `python3` is on PATH).")
	judgeWarm(rep, res)
}

// judgeWarm checks the engine issue's warm latency targets.
func judgeWarm(rep *report, res map[string]*series) {
	get := func(name string, p99 bool) spread {
		s := res[name]
		if s == nil || s.err != "" {
			return spread{Median: math.NaN()}
		}
		if p99 {
			return summarize(s.p99)
		}
		return summarize(s.p50)
	}
	if lg, rg := res["lambdev go"], res["rie go"]; lg != nil && rg != nil && lg.err == "" && rg.err == "" {
		r := summarize(ratios(lg.p50, rg.p50))
		rep.judge("Go warm p50 ≤ 0.7× the RIE's", r.ratio(), r.Median <= 0.7, "")
	} else {
		rep.judge("Go warm p50 ≤ 0.7× the RIE's", "", false, "the RIE was not measured")
	}
	g99 := get("lambdev go", true)
	rep.judge("Go warm p99 ≤ 1 ms", g99.msf(), g99.Median <= 1, "")
	p50, p99 := get("lambdev python", false), get("lambdev python", true)
	rep.judge("Python warm p50 ≤ 0.4 ms", p50.msf(), p50.Median <= 0.4, "")
	rep.judge("Python warm p99 ≤ 1.5 ms", p99.msf(), p99.Median <= 1.5, "")
	for _, p := range [][2]string{{"lambdev go", "rie go"}, {"lambdev python", "sls python"}, {"lambdev node", "sls node"}} {
		a, b := get(p[0], false), get(p[1], false)
		if !b.ok() {
			continue
		}
		r := summarize(ratios(res[p[0]].p50, res[p[1]].p50))
		rep.judge(fmt.Sprintf("%s beats %s on warm p50", p[0], p[1]), fmt.Sprintf("%s vs %s", a.msf(), b.msf()), r.Median < 1, "")
	}
}

// probeConcurrent sends n invokes at once and returns how many failed, the
// first error and how long all n took.
func probeConcurrent(ctx context.Context, url string, n int) (failed int, first error, took time.Duration) {
	type answer struct{ err error }
	ch := make(chan answer, n)
	start := time.Now()
	for range n {
		go func() {
			_, err := invoke(ctx, url, payload)
			ch <- answer{err}
		}()
	}
	for range n {
		a := <-ch
		if a.err != nil {
			failed++
			if first == nil {
				first = a.err
			}
		}
	}
	return failed, first, time.Since(start)
}
