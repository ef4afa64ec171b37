package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// figures holds per-round figures in ms by row name (cold start, reload).
type figures struct {
	rows   []string
	vals   map[string][]float64
	wall   map[string][]float64 // lambdev invoke: the whole CLI run
	notes  map[string]string    // row → why not measured
	phases phaseLog             // lambdev reloads, by runtime
}

func (c *figures) add(row string, v float64) {
	if _, ok := c.vals[row]; !ok {
		c.rows = append(c.rows, row)
	}
	c.vals[row] = append(c.vals[row], v)
}

var (
	initRe = regexp.MustCompile(`Init Duration: ([0-9.]+) ms`)
	durRe  = regexp.MustCompile(`\tDuration: ([0-9.]+) ms`)
)

// coldStart measures new worker → first response: lambdev by running
// `lambdev invoke` once in a fresh engine (Init Duration + Duration from its
// REPORT line), the RIE and serverless-offline by their first invoke after a
// fresh start.
func coldStart(ctx context.Context, t *tools, cfg settings, logf func(string, ...any)) *figures {
	res := &figures{vals: map[string][]float64{}, wall: map[string][]float64{}, notes: map[string]string{}}
	dir, err := t.copyProject("cold")
	if err != nil {
		res.notes["lambdev"] = "not measured: " + err.Error()
		return res
	}
	for _, rt := range runtimes { // build the Go handler once, outside the figures
		_, _ = lambdevInvokeOnce(ctx, t, dir, fnName[rt])
	}
	floors := interpreterFloors(t, dir)
	for r := range cfg.coldRounds {
		logf("cold start: round %d/%d", r+1, cfg.coldRounds)
		for _, rt := range rotate([]string{"python", "node"}, r) {
			if argv, ok := floors[rt]; ok {
				d, err := firstOutput(ctx, argv)
				if err != nil {
					res.notes["floor "+rt] = "error: " + firstLine(err.Error())
					continue
				}
				res.add("floor "+rt, ms(d))
			}
		}
		for _, rt := range rotate(runtimes, r) {
			row := "lambdev " + rt
			start := time.Now()
			v, err := lambdevInvokeOnce(ctx, t, dir, fnName[rt])
			if err != nil {
				res.notes[row] = "error: " + firstLine(err.Error())
				continue
			}
			res.add(row, v)
			res.wall[row] = append(res.wall[row], ms(time.Since(start)))
		}
		if t.rie != "" {
			if p, tg, err := startRIE(t); err != nil {
				res.notes["rie go"] = "error: " + firstLine(err.Error())
			} else {
				firstInvoke(ctx, res, "rie go", tg.URL)
				p.stop()
			}
		} else {
			res.notes["rie go"] = t.rieSkip
		}
		if t.sls == "" {
			res.notes["sls"] = t.slsSkip
			continue
		}
		ss, err := startSLS(t, dir, false)
		if err != nil {
			res.notes["sls"] = "error: " + firstLine(err.Error())
			continue
		}
		for _, rt := range rotate([]string{"python", "node"}, r) {
			firstInvoke(ctx, res, "sls "+rt, ss.url(fnName[rt]))
		}
		ss.p.stop()
	}
	return res
}

// interpreterFloors is the bare start of the interpreters lambdev's Python
// and Node workers run (as its "prepared" events name them), the floor a
// cold start is compared with: `python -c 0` and `node -e 0`.
func interpreterFloors(t *tools, dir string) map[string][]string {
	s, err := startLambdev(t, dir, len(runtimes), 2*time.Minute)
	if err != nil {
		return nil
	}
	s.p.stop()
	floors := map[string][]string{}
	if p := s.interpreters[fnName["python"]]; p != "" {
		floors["python"] = []string{p, "-c", "print(0, flush=True)"}
	}
	if p := s.interpreters[fnName["node"]]; p != "" {
		floors["node"] = []string{p, "-e", "process.stdout.write('0')"}
	}
	return floors
}

// firstOutput is exec → the first byte the program writes: an interpreter's
// start without its exit, comparable with exec → first response.
func firstOutput(ctx context.Context, argv []string) (time.Duration, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	// The environment a worker gets, not the harness's: NODE_EXTRA_CA_CERTS
	// alone adds ~40 ms to node's start, and workers never see it.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "LANG=en_US.UTF-8", "TZ=:UTC"}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	var b [1]byte
	_, rerr := out.Read(b[:])
	d := time.Since(start)
	_, _ = io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		return 0, fmt.Errorf("%s: %w", strings.Join(argv, " "), err)
	}
	if rerr != nil {
		return 0, fmt.Errorf("%s printed nothing: %w", strings.Join(argv, " "), rerr)
	}
	return d, nil
}

// firstInvoke times one invoke into row.
func firstInvoke(ctx context.Context, res *figures, row, url string) {
	start := time.Now()
	if _, err := invoke(ctx, url, payload); err != nil {
		res.notes[row] = "error: " + firstLine(err.Error())
		return
	}
	res.add(row, ms(time.Since(start)))
}

// lambdevInvokeOnce runs `lambdev invoke fn` (no dev session for dir) and
// returns the cold invocation's Init Duration + Duration in ms.
func lambdevInvokeOnce(ctx context.Context, t *tools, dir, fn string) (float64, error) {
	cmd := exec.CommandContext(ctx, t.lambdev, "invoke", fn, "--payload", string(payload))
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("lambdev invoke %s: %v: %s %s", fn, err, out, lastLines(stderr.String(), 3))
	}
	init, dur := initRe.FindSubmatch(stderr.Bytes()), durRe.FindSubmatch(stderr.Bytes())
	if init == nil || dur == nil {
		return 0, fmt.Errorf("lambdev invoke %s: no cold REPORT line in %q", fn, lastLines(stderr.String(), 3))
	}
	a, _ := strconv.ParseFloat(string(init[1]), 64)
	b, _ := strconv.ParseFloat(string(dur[1]), 64)
	return a + b, nil
}

// reportCold writes the cold-start table and verdicts.
func reportCold(rep *report, res *figures, cfg settings) {
	sec := rep.add("3. Cold start")
	sec.note("New worker → first response, %d rounds, median (min–max). lambdev: `lambdev invoke FN` in a fresh "+
		"engine, figure = the REPORT line's Init Duration + Duration (worker exec → ready → answer); the CLI column is "+
		"the whole command (process start, config, interpreter probe, cached Go build). RIE and serverless-offline: the "+
		"first invoke's round trip after a fresh start (both start the runtime lazily on the first invoke). The floor rows "+
		"are the bare start of the same interpreter (exec → its first output byte, for a program that only prints), "+
		"timed in the same rounds; ÷ floor is "+
		"computed round by round.", cfg.coldRounds)
	var rows [][]string
	for _, row := range res.rows {
		wall := "—"
		if w, ok := res.wall[row]; ok {
			wall = summarize(w).msf()
		}
		floor := "—"
		if rt, ok := strings.CutPrefix(row, "lambdev "); ok && res.vals["floor "+rt] != nil {
			floor = summarize(ratios(res.vals[row], res.vals["floor "+rt])).ratio()
		}
		rows = append(rows, []string{row, summarize(res.vals[row]).msf(), floor, wall})
	}
	for row, why := range res.notes {
		if _, ok := res.vals[row]; !ok {
			rows = append(rows, []string{row, why, "", ""})
		}
	}
	sec.table([]string{"target", "cold start", "÷ floor", "lambdev invoke CLI wall"}, rows)
	for _, g := range []struct {
		row  string
		want float64
	}{{"lambdev python", 60}, {"lambdev node", 80}} {
		v := summarize(res.vals[g.row])
		note := ""
		if f := summarize(res.vals["floor "+strings.TrimPrefix(g.row, "lambdev ")]); f.ok() {
			note = "the bare interpreter start alone took " + f.msf()
		}
		rep.judge(fmt.Sprintf("%s cold start ≤ %.0f ms", g.row, g.want), v.msf(), v.Median <= g.want, note)
	}
}
