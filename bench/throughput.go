package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// concurrencies measured for throughput.
var concurrencies = []int{1, 8, maxConcurrency}

// tpSeries is one target at one concurrency over rounds.
type tpSeries struct {
	t      target
	conc   int
	rates  []float64
	errors int64
	first  error
	skip   string
	cpu    cpuSplit // at c=8: CPU per invocation by process
}

// tpTargets are the throughput targets: every runtime on every peer that
// serves it (the issue sets targets for Go and Python only).
func tpTargets(f *fleet) []target {
	out := []target{f.floor}
	if f.rie != nil {
		out = append(out, *f.rie)
	}
	out = append(out, f.lambdev["go"], f.lambdev["python"], f.lambdev["node"])
	for _, rt := range []string{"python", "node"} {
		if t, ok := f.sls[rt]; ok {
			out = append(out, t)
		}
	}
	return out
}

// throughput keeps c invocations in flight against every target for a fixed
// time, round-robin; the RIE is first checked for concurrent invokes.
func throughput(ctx context.Context, t *tools, f *fleet, cfg settings, logf func(string, ...any)) (map[string]*tpSeries, string) {
	var rieNote string
	rieRejects := false
	if f.rie != nil {
		rieNote, rieRejects = probeRIE(ctx, t, f)
	}
	out := map[string]*tpSeries{}
	key := func(t target, c int) string { return t.name() + "@" + strconv.Itoa(c) }
	targets := tpTargets(f)
	for _, c := range concurrencies {
		for _, t := range targets {
			s := &tpSeries{t: t, conc: c}
			if t.Peer == "rie" && c > 1 && rieRejects {
				s.skip = "not measured: rejects concurrent invokes"
			}
			out[key(t, c)] = s
		}
	}
	var ceil *ceiling
	if t.bootstrap != "" {
		var err error
		if ceil, err = startCeiling(t, 8); err != nil {
			logf("throughput: the Go worker ceiling not measured: %v", err)
		} else {
			defer ceil.stop()
			out[ceilingKey] = ceil.series
		}
	}
	for r := range cfg.tpRounds {
		logf("throughput: round %d/%d", r+1, cfg.tpRounds)
		for _, c := range concurrencies {
			// The ceiling runs first in even rounds and last in odd ones.
			if c == 8 && ceil != nil && r%2 == 0 {
				ceil.round(cfg.tpWarm, cfg.tpWindow)
			}
			for _, t := range rotate(targets, r) {
				s := out[key(t, c)]
				if s.skip != "" {
					continue
				}
				hammer(ctx, t.URL, c, cfg.tpWarm) // new workers start here, not in the window
				var l load
				run := func() int64 { l = hammer(ctx, t.URL, c, cfg.tpWindow); return l.OK }
				if c == 8 {
					s.cpu.measure(t.Pid, run)
				} else {
					run()
				}
				s.rates = append(s.rates, l.rate())
				s.errors += l.Errors
				if s.first == nil {
					s.first = l.FirstErr
				}
			}
			if c == 8 && ceil != nil && r%2 == 1 {
				ceil.round(cfg.tpWarm, cfg.tpWindow)
			}
		}
	}
	return out, rieNote
}

// ceilingKey is the worker ceiling's entry in throughput's results.
const ceilingKey = "go worker alone@8"

// reportThroughput writes the throughput table and verdicts.
func reportThroughput(rep *report, f *fleet, res map[string]*tpSeries, rieNote string, cfg settings) {
	sec := rep.add("2. Throughput")
	sec.note("Invocations/s with c invocations kept in flight for %s per round (after %s of warm-up that "+
		"starts any new workers), %d rounds, median (min–max); errors are summed over rounds.",
		cfg.tpWindow, cfg.tpWarm, cfg.tpRounds)
	header := []string{"target"}
	for _, c := range concurrencies {
		header = append(header, fmt.Sprintf("c=%d", c))
	}
	var rows [][]string
	for _, t := range tpTargets(f) {
		row := []string{t.name()}
		for _, c := range concurrencies {
			s := res[t.name()+"@"+strconv.Itoa(c)]
			row = append(row, s.cell())
		}
		rows = append(rows, row)
	}
	if s := res[ceilingKey]; s != nil {
		row := []string{s.t.name() + " (bare Runtime API, no client)"}
		for _, c := range concurrencies {
			cell := ""
			if c == s.conc {
				cell = s.cell()
			}
			row = append(row, cell)
		}
		rows = append(rows, row)
	}
	for peer, why := range f.skip {
		rows = append(rows, []string{peer, why, "", ""})
	}
	sec.table(header, rows)
	if rieNote != "" {
		sec.note("%s", rieNote)
	}
	if s := res[ceilingKey]; s != nil {
		sec.note("The Go worker alone: %d copies of the Go handler's bootstrap (unmodified aws-lambda-go) "+
			"fed by a Runtime API in the harness that answers /next at once and only counts the replies: "+
			"no Invoke API, no client, no worker ever waiting for an invocation. Whatever serves invocations "+
			"to these workers adds a client and a gateway on the same cores, so this rate bounds what any "+
			"peer, lambdev included, can get from them on this machine.", s.conc)
	}
	sec.note("CPU per invocation at c=8, by process (user+system time from /proc over each round's window, " +
		"median over rounds; client = this harness's own process, which also serves the floor in-process). " +
		"The bound is what the cores could serve if nothing else ran:")
	var cpuRows [][]string
	for _, t := range tpTargets(f) {
		if s := res[t.name()+"@8"]; s != nil && s.skip == "" {
			cpuRows = append(cpuRows, []string{t.name(), s.cpu.String()})
		}
	}
	if s := res[ceilingKey]; s != nil {
		cpuRows = append(cpuRows, []string{s.t.name(), s.cpu.String()})
	}
	sec.table([]string{"target", "CPU per invocation at c=8"}, cpuRows)
	judgeThroughput(rep, res)
}

// cell renders a rate with its error count.
func (s *tpSeries) cell() string {
	if s.skip != "" {
		return s.skip
	}
	v := summarize(s.rates)
	if !v.ok() {
		return "—"
	}
	txt := v.format("/s", 0)
	if s.errors > 0 {
		txt += fmt.Sprintf(", **%d errors** (%s)", s.errors, truncate([]byte(firstLine(fmt.Sprint(s.first))), 80))
	}
	return strings.TrimSpace(txt)
}

// judgeThroughput checks the concurrency-8 targets.
func judgeThroughput(rep *report, res map[string]*tpSeries) {
	for _, g := range []struct {
		name string
		want float64
	}{{"lambdev go", 8000}, {"lambdev python", 5000}} {
		s := res[g.name+"@8"]
		v := summarize(s.rates)
		why := ""
		if c := res[ceilingKey]; g.name == "lambdev go" && c != nil && summarize(c.rates).ok() {
			why = fmt.Sprintf("the Go worker alone, fed by a bare Runtime API with no client, served %s", c.cell())
		}
		rep.judge(fmt.Sprintf("%s ≥ %.0f/s at c=8, zero errors", g.name, g.want), s.cell(), v.Median >= g.want && s.errors == 0, why)
	}
	for _, p := range [][2]string{{"lambdev go", "rie go"}, {"lambdev python", "sls python"}, {"lambdev node", "sls node"}} {
		a, b := res[p[0]+"@8"], res[p[1]+"@8"]
		if b != nil && b.skip != "" {
			rep.judge(fmt.Sprintf("%s beats %s at c=8", p[0], p[1]), "", false, p[1]+" "+b.skip)
		}
		if b == nil || b.skip != "" || !summarize(b.rates).ok() {
			continue
		}
		r := summarize(ratios(a.rates, b.rates))
		rep.judge(fmt.Sprintf("%s beats %s at c=8", p[0], p[1]), r.ratio()+" its rate", r.Median > 1, "")
	}
}

// probeRIE checks whether the RIE serves concurrent invokes: the fleet's RIE
// is replaced by a fresh one that gets 8 invokes at once, then restarted (it
// always binds its Runtime API on 127.0.0.1:9001, so two cannot run at once).
func probeRIE(ctx context.Context, t *tools, f *fleet) (note string, rejects bool) {
	f.rieProc.stop()
	p, tg, err := startRIE(t)
	if err != nil {
		return "RIE concurrency not checked: " + firstLine(err.Error()), true
	}
	_, _ = invoke(ctx, tg.URL, payload) // init first, as the fleet's had
	failed, first, took := probeConcurrent(ctx, tg.URL, 8)
	time.Sleep(200 * time.Millisecond)
	died := p.exited()
	tail := p.tail(4000)
	p.stop()
	switch {
	case failed > 0:
		note = fmt.Sprintf("Checked in this run: the RIE failed %d of 8 concurrent invokes (%s)", failed, firstLine(fmt.Sprint(first)))
		if died {
			note += "; the emulator process itself crashed"
			if i := strings.Index(tail, "panic: "); i >= 0 {
				note += " (`" + firstLine(tail[i:]) + "`)"
			}
		}
		note += ". In classic mode it serves one invoke at a time, so it is measured at concurrency 1 only."
		rejects = true
	default:
		note = fmt.Sprintf("Checked in this run: the RIE answered 8 concurrent invokes without an error in %.1f ms, "+
			"queueing them (one worker), so its figures at 8 and 32 are a single worker's.", ms(took))
	}
	np, ntg, err := startRIE(t)
	if err != nil {
		f.rie = nil
		return note + " (restarting it failed: " + firstLine(err.Error()) + ")", true
	}
	f.rieProc, *f.rie = np, ntg
	_, _ = invoke(ctx, ntg.URL, payload)
	return note, rejects
}
