package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"time"

	"github.com/fsnotify/fsnotify"
)

// pending is the batch being collected: each path maps to whether its first
// event in this batch was a creation (so a file created and gone again before
// the flush, like an editor's temp file, is not reported).
type pending struct {
	paths       map[string]bool
	since, last time.Time
	overflow    bool
}

func (p *pending) mark(path string, created bool) {
	now := time.Now()
	if len(p.paths) == 0 && !p.overflow {
		p.since = now
	}
	p.last = now
	if _, ok := p.paths[path]; !ok {
		p.paths[path] = created
	}
}

func (p *pending) empty() bool { return len(p.paths) == 0 && !p.overflow }

// run is the watcher's only goroutine: it owns the pending batch, the timer
// and the batch not yet received.
func (w *Watcher) run() {
	defer close(w.exited)
	defer close(w.errs)
	defer close(w.batches)
	p := &pending{paths: map[string]bool{}}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	armed := false
	var ready *Batch
	for {
		var out chan Batch
		if ready != nil {
			out = w.batches
		}
		select {
		case <-w.done:
			timer.Stop()
			return
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			w.handle(ev, p)
		case err, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			w.fsError(err, p)
		case <-timer.C:
			armed = false
			ready = w.due(p, ready, timer, &armed)
		case <-w.wake: // resumed: flush what was held after a quiet period
			timer.Stop()
			armed = false
			if !p.empty() {
				p.last = time.Now()
			}
		case out <- w.deref(ready):
			ready = nil
		}
		if !armed && !p.empty() {
			timer.Reset(min(w.opts.Quiet, w.opts.MaxWait))
			armed = true
		}
	}
}

func (w *Watcher) deref(b *Batch) Batch {
	if b == nil {
		return Batch{}
	}
	return *b
}

// due runs when the timer fires: it re-arms until the batch is due, holds it
// while paused, and otherwise flushes it into ready (merging with a batch the
// reader has not taken yet).
func (w *Watcher) due(p *pending, ready *Batch, timer *time.Timer, armed *bool) *Batch {
	if p.empty() {
		return ready
	}
	now := time.Now()
	at := p.last.Add(w.opts.Quiet)
	if limit := p.since.Add(w.opts.MaxWait); limit.Before(at) {
		at = limit
	}
	if now.Before(at) {
		timer.Reset(at.Sub(now))
		*armed = true
		return ready
	}
	if w.Paused() {
		w.hook("held")
		*armed = true // wait for Resume, not the timer
		return ready
	}
	b := flush(p)
	if ready == nil {
		return &b
	}
	ready.Paths = mergeSorted(ready.Paths, b.Paths)
	ready.At, ready.Overflow = b.At, ready.Overflow || b.Overflow
	return ready
}

// flush turns the pending set into a batch and empties it. Paths created in
// this batch that are gone again are dropped, and so are directories that
// still exist (their files are listed instead).
func flush(p *pending) Batch {
	b := Batch{At: time.Now(), Overflow: p.overflow}
	for path, created := range p.paths {
		fi, err := os.Lstat(path)
		switch {
		case err != nil && created:
			continue
		case err == nil && fi.IsDir():
			continue
		}
		b.Paths = append(b.Paths, path)
	}
	sort.Strings(b.Paths)
	p.paths, p.overflow = map[string]bool{}, false
	return b
}

// handle applies one fsnotify event: new directories and symlinks are walked
// (reporting the files already in them), removed ones dropped, and every
// project path the event names is marked.
func (w *Watcher) handle(ev fsnotify.Event, p *pending) {
	t := w.tree
	logicals := t.logical(ev.Name)
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		if t.known(ev.Name, logicals) {
			t.drop(ev.Name, logicals)
		}
	}
	if len(logicals) == 0 {
		return
	}
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Lstat(ev.Name); err == nil && (fi.IsDir() || fi.Mode()&fs.ModeSymlink != 0) {
			it := []item{{ev.Name, logicals[0]}}
			found := func(real string) {
				for _, l := range t.logical(real) {
					p.mark(l, true)
				}
			}
			if fi.IsDir() {
				t.walk(it, nil, false, found)
			} else {
				t.walk(nil, it, false, found)
			}
			return
		}
	}
	for _, l := range logicals {
		p.mark(l, ev.Has(fsnotify.Create))
	}
}

// fsError handles an fsnotify error: an overflow marks the batch and rescans
// the tree for directories created meanwhile; others are passed on.
func (w *Watcher) fsError(err error, p *pending) {
	if !errors.Is(err, fsnotify.ErrEventOverflow) {
		w.sendErr(fmt.Errorf("watch %s: %w", w.tree.root, err))
		return
	}
	if p.empty() {
		p.since = time.Now()
	}
	p.overflow, p.last = true, time.Now()
	w.sendErr(fmt.Errorf("watch %s: %w; treating everything as changed", w.tree.root, err))
	w.tree.walk([]item{{w.tree.aliases[0].real, w.tree.root}}, nil, true, func(string) {})
}

func (w *Watcher) hook(step string) {
	if w.opts.hook != nil {
		w.opts.hook(step)
	}
}

// mergeSorted merges two sorted, deduped lists.
func mergeSorted(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0] < b[0]:
			out, a = append(out, a[0]), a[1:]
		case a[0] > b[0]:
			out, b = append(out, b[0]), b[1:]
		default:
			out, a, b = append(out, a[0]), a[1:], b[1:]
		}
	}
	return append(append(out, a...), b...)
}
