package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// reloadEvent is the part of a `dev --json` line a reload trace reads.
type reloadEvent struct {
	Type      string    `json:"type"`
	Function  string    `json:"function"`
	Functions []string  `json:"functions"`
	State     string    `json:"state"`
	Time      time.Time `json:"time"`
}

// phases splits one lambdev reload by the engine's own events: the watcher
// (save → files-changed), preparation (reloading → prepared: interpreter
// probe or Go build), worker init (worker-started → ready) and the rest
// (until the harness saw the new answer).
type phases struct {
	Watch, Prepare, Init, Rest time.Duration
}

// tracePhases reads the session's NDJSON log for fn's first reload after
// saved, which ended total later.
func tracePhases(logPath, fn string, saved time.Time, total time.Duration) (phases, bool) {
	f, err := os.Open(logPath)
	if err != nil {
		return phases{}, false
	}
	defer f.Close()
	var changed, reloading, prepared, started, ready time.Time
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 || line[0] != '{' {
			continue
		}
		var ev reloadEvent
		if json.Unmarshal(line, &ev) != nil || ev.Time.Before(saved) {
			continue
		}
		first := func(t *time.Time) {
			if t.IsZero() {
				*t = ev.Time
			}
		}
		switch {
		case ev.Type == "files-changed" && slices.Contains(ev.Functions, fn):
			first(&changed)
		case ev.Function != fn:
		case ev.Type == "state" && ev.State == "reloading":
			first(&reloading)
		case ev.Type == "prepared" && !reloading.IsZero():
			first(&prepared)
		case ev.Type == "worker-started" && !prepared.IsZero():
			first(&started)
		case ev.Type == "state" && ev.State == "ready" && !started.IsZero():
			first(&ready)
		}
	}
	if changed.IsZero() || reloading.IsZero() || prepared.IsZero() || started.IsZero() || ready.IsZero() {
		return phases{}, false
	}
	p := phases{Watch: changed.Sub(saved), Prepare: prepared.Sub(reloading), Init: ready.Sub(started)}
	p.Rest = total - p.Watch - p.Prepare - p.Init
	return p, true
}

// phaseLog collects traced phases per runtime.
type phaseLog map[string][]phases

// describe renders the median of each phase, e.g. "watch 45 ms, prepare 1.1 s…".
func (l phaseLog) describe(rt string) string {
	ps := l[rt]
	if len(ps) == 0 {
		return ""
	}
	pick := func(get func(phases) time.Duration) string {
		var v []float64
		for _, p := range ps {
			v = append(v, ms(get(p)))
		}
		return fmt.Sprintf("%.0f ms", summarize(v).Median)
	}
	parts := []string{
		"watch (save → files-changed) " + pick(func(p phases) time.Duration { return p.Watch }),
		"prepare (reloading → prepared) " + pick(func(p phases) time.Duration { return p.Prepare }),
		"worker init (started → ready) " + pick(func(p phases) time.Duration { return p.Init }),
		"rest (switch-over, poll) " + pick(func(p phases) time.Duration { return p.Rest }),
	}
	return strings.Join(parts, ", ")
}
