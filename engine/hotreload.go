package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/lambdev/lambdev/engine/watch"
)

// FilesChanged reports one debounced batch of saved files and the live
// functions it reloads.
type FilesChanged struct {
	At
	Paths     []string
	Functions []string
	// ProjectFile is true when lambdev.yaml itself changed.
	ProjectFile bool
}

// WatchFailed reports a watcher problem (e.g. the OS watch limit); what is
// already watched keeps working.
type WatchFailed struct {
	At
	Err  string
	Hint string
}

// WatchToggled reports hot reload paused or resumed.
type WatchToggled struct {
	At
	On bool
}

// hot holds the engine's watcher.
type hot struct {
	mu sync.Mutex
	w  *watch.Watcher
	ix *watch.Index
}

// Watch starts hot reload: it watches the project tree and reloads the live
// functions each batch of changes affects (their own code, the shared code
// they import, their watch globs). Deployed functions are not reloaded.
func (e *Engine) Watch(ctx context.Context) error {
	opts := e.opts.Watch
	if opts.Quiet == 0 {
		// An editor's save (write, rename, chmod) lands within a few ms; a
		// shorter quiet period than watch's default is most of save→reload.
		opts.Quiet = 20 * time.Millisecond
	}
	w, err := watch.New(e.Project().Dir, opts)
	if err != nil {
		return err
	}
	e.hot.mu.Lock()
	e.hot.w, e.hot.ix = w, watch.NewIndex()
	e.hot.mu.Unlock()
	go e.watchLoop(ctx, w)
	e.publish(WatchToggled{At: now(), On: true})
	return nil
}

// SetWatching pauses or resumes hot reload.
func (e *Engine) SetWatching(on bool) error {
	e.hot.mu.Lock()
	w := e.hot.w
	e.hot.mu.Unlock()
	if w == nil {
		return errors.New("hot reload is not running")
	}
	if on {
		w.Resume()
	} else {
		w.Pause()
	}
	e.publish(WatchToggled{At: now(), On: on})
	return nil
}

func (e *Engine) watchLoop(ctx context.Context, w *watch.Watcher) {
	defer w.Close()
	for {
		select {
		case <-ctx.Done():
			return
		case <-e.ctx.Done():
			return
		case err, ok := <-w.Errors():
			if !ok {
				return
			}
			ev := WatchFailed{At: now(), Err: err.Error()}
			var le *watch.LimitError
			if errors.As(err, &le) {
				ev.Hint = le.Hint()
			}
			e.publish(ev)
		case b, ok := <-w.Batches():
			if !ok {
				return
			}
			e.applyBatch(ctx, b)
		}
	}
}

// applyBatch reloads the live functions a batch affects.
func (e *Engine) applyBatch(ctx context.Context, b watch.Batch) {
	ev := FilesChanged{At: now(), Paths: b.Paths}
	for _, p := range b.Paths {
		if watch.IsProjectFile(e.Project(), p) {
			ev.ProjectFile = true
		}
	}
	dropBytecode(b.Paths)
	var reloaded map[string]bool
	if ev.ProjectFile {
		reloaded = e.reloadProject(ctx)
	}
	st := e.state()
	var names []string
	if b.Overflow {
		e.hot.ix.Forget()
		names = st.project.Names()
	} else {
		names = e.hot.ix.Affected(st.project, b.Paths)
	}
	for _, n := range names {
		if reloaded[n] {
			continue // already restarting with its new configuration
		}
		fn := st.fns[n]
		fn.mu.Lock()
		live := fn.live
		fn.mu.Unlock()
		if live {
			ev.Functions = append(ev.Functions, n)
			e.background(func() { fn.reload(ctx) })
		}
	}
	e.publish(ev)
}

// dropBytecode removes the cached bytecode of changed Python files. CPython
// validates a .pyc by the source's size and mtime in whole seconds, so an
// edit that keeps the size within the same second would otherwise be
// imported from the stale cache by the new worker.
func dropBytecode(paths []string) {
	for _, p := range paths {
		if !strings.HasSuffix(p, ".py") {
			continue
		}
		dir, file := filepath.Split(p)
		stale, _ := filepath.Glob(filepath.Join(dir, "__pycache__", strings.TrimSuffix(file, ".py")+".*.pyc"))
		for _, pyc := range stale {
			_ = os.Remove(pyc)
		}
	}
}
