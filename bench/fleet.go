package main

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// fleet is every peer running side by side for the warm and throughput
// sections, so each round can visit them in turn.
type fleet struct {
	floor   target
	rie     *target
	rieProc *proc
	lambdev map[string]target // by runtime
	sls     map[string]target // by runtime
	skip    map[string]string // peer → why it is not measured
	stops   []func()
}

// runtimes in the order tables show them.
var runtimes = []string{"go", "python", "node"}

// fnName is the fixture's function for a runtime (lambdev.yaml, serverless.yml).
var fnName = map[string]string{"go": "go", "python": "py", "node": "node"}

// startFleet starts the floor, the RIE, lambdev and serverless-offline.
func startFleet(ctx context.Context, t *tools, logf func(string, ...any)) (*fleet, error) {
	f := &fleet{lambdev: map[string]target{}, sls: map[string]target{}, skip: map[string]string{}}
	floor, stop, err := startFloor()
	if err != nil {
		return nil, err
	}
	f.floor, f.stops = floor, append(f.stops, stop)

	logf("starting lambdev dev --headless")
	dir, err := t.copyProject("warm")
	if err != nil {
		return f, err
	}
	s, err := startLambdev(t, dir, 3, 3*time.Minute)
	if err != nil {
		return f, err
	}
	f.stops = append(f.stops, s.p.stop)
	for _, rt := range runtimes {
		f.lambdev[rt] = target{Peer: "lambdev", Runtime: rt, URL: s.url(fnName[rt]), Pid: s.p.pid()}
	}

	if t.rie == "" {
		f.skip["rie"] = t.rieSkip
	} else if p, tg, err := startRIE(t); err != nil {
		f.skip["rie"] = "not measured: aws-lambda-rie did not start: " + firstLine(err.Error())
	} else {
		f.rie, f.rieProc = &tg, p
		f.stops = append(f.stops, func() { f.rieProc.stop() })
	}

	if t.sls == "" {
		f.skip["sls"] = t.slsSkip
	} else {
		logf("starting serverless offline")
		ss, err := startSLS(t, dir, false)
		if err != nil {
			f.skip["sls"] = "not measured: serverless offline did not start: " + firstLine(err.Error())
		} else {
			f.stops = append(f.stops, ss.p.stop)
			for _, rt := range []string{"python", "node"} {
				f.sls[rt] = target{Peer: "sls", Runtime: rt, URL: ss.url(fnName[rt]), Pid: ss.p.pid()}
			}
		}
	}
	// The first invocation of each target is its cold start: take it now.
	for _, tg := range f.all() {
		if _, err := invoke(ctx, tg.URL, payload); err != nil {
			return f, fmt.Errorf("first invoke of %s: %w", tg.name(), err)
		}
	}
	return f, nil
}

// all lists the warm-latency targets.
func (f *fleet) all() []target {
	out := []target{f.floor}
	if f.rie != nil {
		out = append(out, *f.rie)
	}
	for _, rt := range runtimes {
		out = append(out, f.lambdev[rt])
	}
	for _, rt := range []string{"python", "node"} {
		if tg, ok := f.sls[rt]; ok {
			out = append(out, tg)
		}
	}
	return out
}

// stop ends every peer.
func (f *fleet) stop() {
	var wg sync.WaitGroup
	for _, s := range f.stops {
		wg.Go(s)
	}
	wg.Wait()
}

// rotate returns ts starting at index r (mod len), so that no peer is
// always measured first in a round.
func rotate[T any](ts []T, r int) []T {
	if len(ts) == 0 {
		return ts
	}
	r %= len(ts)
	return append(append([]T{}, ts[r:]...), ts[:r]...)
}
