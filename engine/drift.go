package engine

import (
	"time"

	"github.com/lambdev/lambdev/engine/drift"
)

// DriftDetected carries a function's complete current drift warnings: the
// static ones found when it was prepared plus those observed in invocations
// so far. Each event replaces the previous list for that function.
type DriftDetected struct {
	At
	Function string
	Warnings []drift.Warning
}

// driftInput gathers the facts drift rules need from the engine's state.
func (e *Engine) driftInput() drift.Input {
	st := e.state()
	in := drift.Input{
		Project:      st.project,
		Mode:         drift.ModeLocal,
		Host:         e.host(),
		Now:          time.Now(),
		Live:         e.Live(),
		Interpreters: map[string]string{},
		WorkerEnv:    map[string][]string{},
	}
	if e.opts.Cloud {
		in.Mode = drift.ModeCloudDev
	}
	pass := passthroughEnv(e.opts.Passthrough)
	for name, fn := range st.fns {
		fn.mu.Lock()
		if fn.gen != nil {
			in.Interpreters[name] = fn.gen.prep.Interpreter.Version
		}
		fn.mu.Unlock()
		in.WorkerEnv[name] = pass
	}
	return in
}

func (e *Engine) host() drift.Host {
	e.hostOnce.Do(func() { e.hostFacts = drift.DetectHost() })
	return e.hostFacts
}

// CheckDrift runs the static drift rules for the named functions (all when
// none are named), publishes each function's list and returns the warnings.
func (e *Engine) CheckDrift(names ...string) []drift.Warning {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	in := e.driftInput()
	if len(want) > 0 {
		// Only the named functions' code is scanned: a reload of one function
		// must not walk every function's tree for native libraries.
		p := *in.Project
		p.Functions = nil
		for _, f := range in.Project.Functions {
			if want[f.Name] {
				p.Functions = append(p.Functions, f)
			}
		}
		in.Project = &p
	}
	all := drift.Check(in)
	by := map[string][]drift.Warning{}
	for _, w := range all {
		by[w.Function] = append(by[w.Function], w)
	}
	st := e.state()
	for _, f := range st.project.Functions {
		if len(want) > 0 && !want[f.Name] {
			continue
		}
		fn := st.fns[f.Name]
		fn.mu.Lock()
		fn.staticDrift = by[f.Name]
		list := fn.driftListLocked()
		fn.mu.Unlock()
		e.publish(DriftDetected{At: now(), Function: f.Name, Warnings: list})
	}
	return all
}

// observeDrift applies the per-invocation rules; it publishes only when a
// rule fires that had not fired for this function before.
func (fn *function) observeDrift(res *Result) {
	obs := drift.Observation{Duration: res.Duration, MaxMemoryMB: res.MaxMemoryMB, ResponseBytes: len(res.Payload), ContentType: res.ContentType}
	if res.Streamed > 0 {
		obs.ResponseBytes, obs.Streamed = int(res.Streamed), true
	}
	ws := drift.Observe(fn.cfg, obs)
	if len(ws) == 0 {
		return
	}
	fn.mu.Lock()
	fresh := false
	for _, w := range ws {
		if fn.observed == nil {
			fn.observed = map[string]drift.Warning{}
		}
		if _, seen := fn.observed[w.Rule]; !seen {
			fresh = true
		}
		fn.observed[w.Rule] = w
	}
	list := fn.driftListLocked()
	fn.mu.Unlock()
	if fresh {
		fn.eng.publish(DriftDetected{At: now(), Function: fn.cfg.Name, Warnings: list})
	}
}

// Drift returns a function's current warnings.
func (e *Engine) Drift(name string) []drift.Warning {
	fn := e.fn(name)
	if fn == nil {
		return nil
	}
	fn.mu.Lock()
	defer fn.mu.Unlock()
	return fn.driftListLocked()
}

func (fn *function) driftListLocked() []drift.Warning {
	list := append([]drift.Warning(nil), fn.staticDrift...)
	for _, rule := range drift.Rules {
		if w, ok := fn.observed[rule]; ok {
			list = append(list, w)
		}
	}
	return list
}
