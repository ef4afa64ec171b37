package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
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
}

// tpTargets are the throughput targets: Go and Python on every peer.
func tpTargets(f *fleet) []target {
	out := []target{f.floor}
	if f.rie != nil {
		out = append(out, *f.rie)
	}
	out = append(out, f.lambdev["go"], f.lambdev["python"])
	if t, ok := f.sls["python"]; ok {
		out = append(out, t)
	}
	return out
}

// throughput keeps c invocations in flight against every target for a fixed
// time, round-robin; the RIE is first checked for concurrent invokes.
func throughput(ctx context.Context, f *fleet, cfg config, logf func(string, ...any)) (map[string]*tpSeries, string) {
	var rieNote string
	rieRejects := false
	if f.rie != nil {
		failed, first, took := probeConcurrent(ctx, f.rie.URL, 8)
		if failed > 0 {
			rieRejects = true
			rieNote = fmt.Sprintf("The RIE rejected %d of 8 concurrent invokes (%v): it serves one invoke at a time "+
				"in classic mode, so it is not measured above concurrency 1.", failed, firstLine(fmt.Sprint(first)))
		} else {
			rieNote = fmt.Sprintf("The RIE answered 8 concurrent invokes without an error in %.1f ms: it queues them "+
				"(one at a time, classic mode) rather than rejecting them, so its figures at 8 and 32 are a single "+
				"worker's.", ms(took))
		}
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
	for r := range cfg.tpRounds {
		logf("throughput: round %d/%d", r+1, cfg.tpRounds)
		for _, c := range concurrencies {
			for _, t := range rotate(targets, r) {
				s := out[key(t, c)]
				if s.skip != "" {
					continue
				}
				hammer(ctx, t.URL, c, cfg.tpWarm) // new workers start here, not in the window
				l := hammer(ctx, t.URL, c, cfg.tpWindow)
				s.rates = append(s.rates, l.rate())
				s.errors += l.Errors
				if s.first == nil {
					s.first = l.FirstErr
				}
			}
		}
	}
	return out, rieNote
}

// reportThroughput writes the throughput table and verdicts.
func reportThroughput(rep *report, f *fleet, res map[string]*tpSeries, rieNote string, cfg config) {
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
	for peer, why := range f.skip {
		rows = append(rows, []string{peer, why, "", ""})
	}
	sec.table(header, rows)
	if rieNote != "" {
		sec.note("%s", rieNote)
	}
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
		rep.judge(fmt.Sprintf("%s ≥ %.0f/s at c=8, zero errors", g.name, g.want), s.cell(), v.Median >= g.want && s.errors == 0, "")
	}
	for _, p := range [][2]string{{"lambdev go", "rie go"}, {"lambdev python", "sls python"}} {
		a, b := res[p[0]+"@8"], res[p[1]+"@8"]
		if b == nil || b.skip != "" || !summarize(b.rates).ok() {
			continue
		}
		r := summarize(ratios(a.rates, b.rates))
		rep.judge(fmt.Sprintf("%s beats %s at c=8", p[0], p[1]), r.ratio()+" its rate", r.Median > 1, "")
	}
}
