package engine

import (
	"slices"

	"github.com/lambdev/lambdev/engine/runtimes"
)

// A live Python or Node function that has been hot-reloaded keeps one spare:
// a worker whose interpreter and bootstrap are already loaded, held before it
// imports the handler. The next reload hands it the go-ahead instead of
// starting a process, so a save costs the handler's import, not an
// interpreter start. Spares do not count against concurrency.

// spawnSpare starts a held worker for the current generation, if the
// function wants one and has none.
func (fn *function) spawnSpare() {
	fn.mu.Lock()
	family := fn.spec.Family
	if fn.spare != nil || fn.spareStarting || fn.closed || !fn.live || fn.gen == nil ||
		(family != runtimes.Python && family != runtimes.Node) || (!fn.eager && fn.count == 0) {
		fn.mu.Unlock()
		return
	}
	gen := fn.gen
	fn.spareStarting = true
	fn.nextID++
	id := fn.nextID
	fn.mu.Unlock()

	w, err := fn.spawn(gen, id, true)
	fn.mu.Lock()
	fn.spareStarting = false
	if err != nil {
		fn.mu.Unlock()
		return
	}
	w.spare = true
	closed := fn.closed
	if !closed {
		fn.spare = w
	}
	fn.mu.Unlock()
	fn.eng.publish(WorkerStarted{At: now(), Function: fn.cfg.Name, Worker: id, PID: w.pid(), Generation: gen.n})
	if closed {
		w.kill()
	}
}

// adoptSpare turns the spare into a worker of gen when it was started the
// same way gen would start one; otherwise the stale spare is retired.
func (fn *function) adoptSpare(gen *generation) *worker {
	fn.mu.Lock()
	defer fn.mu.Unlock()
	sp := fn.spare
	if sp == nil {
		return nil
	}
	fn.spare = nil
	if !sp.alive() || !sameLaunch(sp.gen, gen) {
		sp.kill()
		return nil
	}
	sp.spare = false
	sp.gen = gen
	fn.count++
	return sp
}

// sameLaunch reports whether workers of a and b run the same command in the
// same task root, so a spare of one can serve the other.
func sameLaunch(a, b *generation) bool {
	return a.taskRoot == b.taskRoot && a.prep.Path == b.prep.Path && a.prep.Dir == b.prep.Dir &&
		slices.Equal(a.prep.Args, b.prep.Args) && slices.Equal(a.prep.Env, b.prep.Env)
}
