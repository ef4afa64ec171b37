package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// handlerFile is each runtime's source file in the fixture project.
var handlerFile = map[string]string{
	"go":     "functions/goecho/main.go",
	"python": "functions/py/app.py",
	"node":   "functions/node/index.js",
}

// watchSettle is how long after "ready" the harness waits before the first
// save, for lambdev's watcher to be set up.
const watchSettle = time.Second

// markerRe finds the version marker every handler returns as "v".
var markerRe = regexp.MustCompile(`"v[0-9]+"`)

// editor saves new versions of a project's handlers.
type editor struct {
	dir string
	n   int
}

// save rewrites rt's handler to answer a new version and returns the marker
// the new code answers with, and the time just before the write.
func (e *editor) save(rt string) (string, time.Time, error) {
	path := filepath.Join(e.dir, handlerFile[rt])
	src, err := os.ReadFile(path)
	if err != nil {
		return "", time.Time{}, err
	}
	e.n++
	marker := fmt.Sprintf(`"v%d"`, e.n)
	src = markerRe.ReplaceAll(src, []byte(marker))
	start := time.Now()
	return marker, start, os.WriteFile(path, src, 0o644)
}

// awaitNew invokes url until the answer carries marker; it returns the time
// from the save to that answer.
func awaitNew(ctx context.Context, url, marker string, saved time.Time, limit time.Duration) (time.Duration, error) {
	want := []byte(`"v":` + marker)
	wantSpaced := []byte(`"v": ` + marker) // Python's json.dumps
	for {
		body, err := invoke(ctx, url, payload)
		if err == nil && (bytes.Contains(body, want) || bytes.Contains(body, wantSpaced)) {
			return time.Since(saved), nil
		}
		if time.Since(saved) > limit {
			return 0, fmt.Errorf("no new answer %s after the save (last: %s, %v)", limit, truncate(body, 80), err)
		}
		time.Sleep(time.Millisecond)
	}
}

// hotReload measures save → first new response for lambdev (dev --headless)
// and serverless-offline --reloadHandler, interleaved.
func hotReload(ctx context.Context, t *tools, cfg settings, logf func(string, ...any)) *figures {
	res := &figures{vals: map[string][]float64{}, notes: map[string]string{}, phases: phaseLog{}}
	lamURL := map[string]string{}
	lamLog := ""
	var lamEd, slsEd *editor
	if dir, err := t.copyProject("reload"); err != nil {
		res.notes["lambdev"] = "not measured: " + err.Error()
	} else if s, err := startLambdev(t, dir, 3, 3*time.Minute); err != nil {
		res.notes["lambdev"] = "not measured: " + firstLine(err.Error())
	} else {
		defer s.p.stop()
		lamEd, lamLog = &editor{dir: dir}, s.p.out
		for _, rt := range runtimes {
			lamURL[rt] = s.url(fnName[rt])
		}
		// The watcher starts only after every function is ready (and publishes
		// no event when it does): give it a moment, then check that reload is
		// wired with one Python save that is not counted.
		time.Sleep(watchSettle)
		marker, saved, err := lamEd.save("python")
		if err == nil {
			_, err = awaitNew(ctx, lamURL["python"], marker, saved, cfg.reloadWait)
		}
		if err != nil {
			lamEd = nil
			res.notes["lambdev"] = "not measured: hot reload not wired yet (`lambdev dev --headless` still gave the " +
				"old answer " + cfg.reloadWait.String() + " after a save of " + handlerFile["python"] + ")"
		}
	}
	slsURL := map[string]string{}
	if t.sls == "" {
		res.notes["sls"] = t.slsSkip
	} else if dir, err := t.copyProject("reload-sls"); err != nil {
		res.notes["sls"] = "not measured: " + err.Error()
	} else if ss, err := startSLS(t, dir, true); err != nil {
		res.notes["sls"] = "not measured: " + firstLine(err.Error())
	} else {
		defer ss.p.stop()
		slsEd = &editor{dir: dir}
		for _, rt := range []string{"python", "node"} {
			slsURL[rt] = ss.url(fnName[rt])
		}
	}
	type step struct {
		row, rt, url string
		ed           *editor
	}
	var steps []step
	for _, rt := range runtimes {
		if lamEd != nil {
			steps = append(steps, step{"lambdev " + rt, rt, lamURL[rt], lamEd})
		}
		if slsEd != nil && slsURL[rt] != "" {
			steps = append(steps, step{"sls " + rt, rt, slsURL[rt], slsEd})
		}
	}
	for r := range cfg.reloadRounds {
		logf("hot reload: round %d/%d", r+1, cfg.reloadRounds)
		for _, s := range rotate(steps, r) {
			if res.notes[s.row] != "" {
				continue
			}
			limit := cfg.reloadWait
			if s.rt == "go" {
				limit = 6 * cfg.reloadWait // a Go reload rebuilds first
			}
			marker, saved, err := s.ed.save(s.rt)
			if err == nil {
				var d time.Duration
				if d, err = awaitNew(ctx, s.url, marker, saved, limit); err == nil {
					res.add(s.row, ms(d))
					if s.ed == lamEd {
						if p, ok := tracePhases(lamLog, fnName[s.rt], saved, d); ok {
							res.phases[s.rt] = append(res.phases[s.rt], p)
						}
					}
					continue
				}
			}
			res.notes[s.row] = "not measured: " + firstLine(err.Error())
		}
	}
	return res
}

// reportReload writes the hot-reload table and verdicts.
func reportReload(rep *report, res *figures, cfg settings) {
	sec := rep.add("4. Hot reload")
	sec.note("Save (an in-place write of the handler file changing the version it answers) → first response "+
		"with the new version, polling with invokes; %d rounds, median (min–max). serverless-offline runs with "+
		"`--reloadHandler` (it reloads the handler on every request).", cfg.reloadRounds)
	var rows [][]string
	for _, row := range res.rows {
		rows = append(rows, []string{row, summarize(res.vals[row]).msf()})
	}
	for row, why := range res.notes {
		if _, ok := res.vals[row]; !ok {
			rows = append(rows, []string{row, why})
		}
	}
	sec.table([]string{"target", "save → new answer"}, rows)
	var lines []string
	for _, rt := range runtimes {
		if d := res.phases.describe(rt); d != "" {
			lines = append(lines, "- lambdev "+rt+": "+d)
		}
	}
	if len(lines) > 0 {
		sec.note("Where lambdev's reload time goes (medians, from its own `--json` events):\n\n%s", strings.Join(lines, "\n"))
	}
	for _, rt := range []string{"python", "node"} {
		a, b := summarize(res.vals["lambdev "+rt]), summarize(res.vals["sls "+rt])
		why := res.notes["lambdev"]
		if why == "" {
			why = res.notes["lambdev "+rt]
		}
		measured := ""
		if a.ok() && b.ok() {
			measured = a.msf() + " vs " + b.msf()
		}
		if why == "" && !(a.Median < b.Median) {
			why = res.phases.describe(rt)
		}
		rep.judge("lambdev "+rt+" beats sls "+rt+" on reload latency", measured, a.Median < b.Median, why)
	}
}
