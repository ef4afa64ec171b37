package engine

import (
	"context"
	"fmt"
	"time"
)

// FunctionInfo is a snapshot of one function for display.
type FunctionInfo struct {
	Name string
	// Live is the current live/deployed choice (the declared dev flag unless toggled).
	Live bool
	// State is the latest lifecycle state.
	State FunctionState
	// Detail carries build output or an init error for failed states.
	Detail string
	// Interpreter and Version describe what runs the code locally.
	Interpreter, Version string
	Matched              bool
	Stats                FunctionStats
	// Generation counts preparations (1 at start, +1 per reload).
	Generation int
}

// LiveChanged reports a function toggled between live and deployed.
type LiveChanged struct {
	At
	Function string
	Live     bool
}

// Functions returns a snapshot of every function in project order.
func (e *Engine) Functions() []FunctionInfo {
	st := e.state()
	out := make([]FunctionInfo, 0, len(st.fns))
	for _, f := range st.project.Functions {
		out = append(out, st.fns[f.Name].info())
	}
	return out
}

func (fn *function) info() FunctionInfo {
	fn.mu.Lock()
	defer fn.mu.Unlock()
	in := FunctionInfo{Name: fn.cfg.Name, Live: fn.live, State: fn.state, Detail: fn.detail, Stats: fn.stats}
	in.Stats.Idle = len(fn.idle)
	in.Stats.Workers = fn.count
	if fn.gen != nil {
		in.Generation = fn.gen.n
		in.Interpreter, in.Version, in.Matched = fn.gen.prep.Interpreter.Path, fn.gen.prep.Interpreter.Version, fn.gen.prep.Interpreter.Matched
	}
	return in
}

// Live returns the current live flags, for engine.Plan.
func (e *Engine) Live() map[string]bool {
	fns := e.state().fns
	out := make(map[string]bool, len(fns))
	for name, fn := range fns {
		fn.mu.Lock()
		out[name] = fn.live
		fn.mu.Unlock()
	}
	return out
}

// SetLive toggles a function between live (hot-reloaded from the source
// tree) and deployed (a frozen build on its declared runtime), and restarts
// it in the new mode.
func (e *Engine) SetLive(name string, live bool) error {
	fn := e.fn(name)
	if fn == nil {
		return fmt.Errorf("%w: %s", ErrFunctionNotFound, name)
	}
	fn.mu.Lock()
	changed := fn.live != live
	fn.live = live
	fn.mu.Unlock()
	if !changed {
		return nil
	}
	e.publish(LiveChanged{At: now(), Function: name, Live: live})
	return e.Reload(name)
}

// Reload rebuilds a function (a new worker generation) and warms it; the
// old generation keeps serving until the new one is ready, and on a failed
// build it keeps serving.
func (e *Engine) Reload(name string) error {
	fn := e.fn(name)
	if fn == nil {
		return fmt.Errorf("%w: %s", ErrFunctionNotFound, name)
	}
	e.background(func() { fn.reload(e.ctx) })
	return nil
}

// ReloadAll reloads every function.
func (e *Engine) ReloadAll() {
	for _, n := range e.Project().Names() {
		_ = e.Reload(n)
	}
}

// reload prepares a new generation and warms it, publishing the outcome.
// A failed Go build keeps the previous generation serving.
func (fn *function) reload(ctx context.Context) {
	start := time.Now()
	fn.mu.Lock()
	// A function with no worker (not warmed at start, or reaped) stays
	// without one: an edit to a module many functions share must not start
	// them all. Read now: the new generation retires the old workers, and
	// one reload may follow another still warming.
	warm := fn.eager || fn.count > 0 || fn.reloading > 0
	fn.reloading++
	fn.mu.Unlock()
	defer func() {
		fn.mu.Lock()
		fn.reloading--
		fn.broadcastLocked()
		fn.mu.Unlock()
	}()
	fn.setState(StateReloading, "")
	if _, err := fn.prepare(); err != nil {
		if ctx.Err() == nil {
			detail := fn.fail(err)
			fn.eng.publish(ReloadFinished{At: now(), Function: fn.cfg.Name, Err: detail, Took: time.Since(start)})
		}
		return
	}
	detail := fn.warm(ctx, warm)
	if ctx.Err() != nil {
		return
	}
	fn.eng.CheckDrift(fn.cfg.Name)
	fn.eng.publish(ReloadFinished{At: now(), Function: fn.cfg.Name, Err: detail, Took: time.Since(start)})
	if warm {
		fn.eng.background(fn.spawnSpare) // being edited: have the next reload's worker loaded
	}
}

// ReloadFinished reports the end of a reload; Err holds compiler output or
// the init error when the new generation failed (the old one keeps serving).
type ReloadFinished struct {
	At
	Function string
	Err      string
	Took     time.Duration
}

// setState records and publishes a function's state.
func (fn *function) setState(st FunctionState, detail string) {
	fn.mu.Lock()
	fn.state, fn.detail = st, detail
	fn.mu.Unlock()
	fn.eng.publish(FunctionStateChanged{At: now(), Function: fn.cfg.Name, State: st, Detail: detail})
}

// Prepare prepares the named functions (all when none are named) and waits:
// interpreters are probed and Go code is built, but no worker starts.
// Failures are returned per function.
func (e *Engine) Prepare(ctx context.Context, names ...string) map[string]error {
	if len(names) == 0 {
		names = e.Project().Names()
	}
	errs := map[string]error{}
	for _, n := range names {
		fn := e.fn(n)
		if fn == nil {
			errs[n] = fmt.Errorf("%w: %s", ErrFunctionNotFound, n)
			continue
		}
		if _, err := fn.prepared(ctx); err != nil {
			errs[n] = err
		}
	}
	return errs
}
