package engine

import (
	"context"
	"reflect"
	"sort"

	"github.com/lambdev/lambdev/config"
)

// ProjectReloaded reports a project file edit applied while dev runs.
type ProjectReloaded struct {
	At
	Added, Removed, Changed []string
}

// ProjectInvalid reports a project file edit that failed validation; the
// last good project keeps running. Errors is the loader's full report.
type ProjectInvalid struct {
	At
	Errors string
}

// reloadProject re-reads the project file and applies it: added functions
// start, removed ones stop after their in-flight invocations, changed ones
// restart with the new configuration. It returns the functions restarted.
func (e *Engine) reloadProject(ctx context.Context) map[string]bool {
	old := e.state()
	p, err := config.Load(old.project.File, e.opts.Load)
	if err != nil {
		e.publish(ProjectInvalid{At: now(), Errors: err.Error()})
		return nil
	}
	next := &state{project: p, fns: map[string]*function{}}
	ev := ProjectReloaded{At: now()}
	var start []*function
	order := fileOrder(p)
	for _, f := range p.Functions {
		prev := old.fns[f.Name]
		switch {
		case prev == nil:
			ev.Added = append(ev.Added, f.Name)
		case sameFunction(old.project, prev.cfg, p, f):
			// Kept as is: its old config pointers hold the same values.
			next.fns[f.Name] = prev
			continue
		default:
			ev.Changed = append(ev.Changed, f.Name)
		}
		fn := e.newFunction(p, f, order[f.Name])
		next.fns[f.Name] = fn
		start = append(start, fn)
	}
	var retire []*function
	for name, fn := range old.fns {
		if next.fns[name] != fn {
			retire = append(retire, fn)
			if p.Function(name) == nil {
				ev.Removed = append(ev.Removed, name)
			}
		}
	}
	sort.Strings(ev.Removed)
	e.retireMu.Lock()
	e.retired = append(e.retired, retire...)
	e.st.Store(next)
	e.retireMu.Unlock()
	for _, fn := range retire {
		fn.retire()
	}
	restarted := map[string]bool{}
	for _, fn := range start {
		restarted[fn.cfg.Name] = true
		e.background(func() { fn.warm(ctx, fn.eager) })
	}
	e.publish(ev)
	return restarted
}

// sameFunction reports whether a function's configuration, and the project
// settings its workers see, are unchanged.
func sameFunction(op *config.Project, of *config.Function, np *config.Project, nf *config.Function) bool {
	if op.App != np.App || op.Stage != np.Stage || op.Region != np.Region || op.Dir != np.Dir {
		return false
	}
	a, b := *of, *nf
	a.Pos, b.Pos = config.Pos{}, config.Pos{}
	return reflect.DeepEqual(a, b)
}

// retire stops a function that left the project: idle workers end now, busy
// ones when their invocation finishes (release retires them).
func (fn *function) retire() {
	fn.mu.Lock()
	fn.closed = true
	for _, w := range fn.idle {
		w.kill()
	}
	fn.idle = nil
	if fn.spare != nil {
		fn.spare.kill()
	}
	fn.broadcastLocked()
	fn.mu.Unlock()
}

// allFunctions returns the current functions and those retired by project
// edits, so Close can stop every worker.
func (e *Engine) allFunctions() []*function {
	e.retireMu.Lock()
	defer e.retireMu.Unlock()
	out := append([]*function(nil), e.retired...)
	for _, fn := range e.state().fns {
		out = append(out, fn)
	}
	return out
}
