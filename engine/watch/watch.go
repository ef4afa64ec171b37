// Package watch watches a project tree for hot reload and maps changed paths
// to the functions they affect.
//
// A Watcher turns raw file events into debounced Batches: a batch is sent once
// the tree has been quiet for Options.Quiet (or after Options.MaxWait of
// non-stop changes), so one save, an editor's write-and-rename dance or a git
// checkout of thousands of files is one batch. Affected then says which
// functions a batch touches, following Python, Node and Go imports into shared
// code.
package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Defaults for Options.
const (
	DefaultQuiet   = 40 * time.Millisecond
	DefaultMaxWait = time.Second
)

// Options tunes a Watcher. The zero value uses the defaults.
type Options struct {
	// Ignore are project ignore globs relative to the root (see MatchGlob),
	// on top of IgnoredDirs and IgnoredFiles.
	Ignore []string
	// Quiet is how long the tree must stay unchanged before a batch is sent.
	Quiet time.Duration
	// MaxWait bounds how long a never-ending burst delays a batch.
	MaxWait time.Duration

	// hook, set by tests, is told about internal steps ("held" when a
	// batch is due while paused).
	hook func(string)
	// wrapAdd, set by tests, wraps the OS watch call (to simulate limits).
	wrapAdd func(func(string) error) func(string) error
}

// Batch is one debounced set of changes.
type Batch struct {
	// Paths are the changed files (created, written, removed or renamed),
	// absolute, as seen under the root (through symlinks), deduped and sorted.
	// A removed or renamed directory is listed itself.
	Paths []string
	// At is when the batch was flushed.
	At time.Time
	// Overflow is set when the OS dropped events: Paths may be incomplete,
	// so treat everything as changed.
	Overflow bool
}

// Watcher watches a project tree recursively and sends debounced batches.
// While paused it holds changes and reports them in one batch on Resume.
type Watcher struct {
	fs      *fsnotify.Watcher
	tree    *tree
	opts    Options
	batches chan Batch
	errs    chan error
	wake    chan struct{}
	done    chan struct{}
	exited  chan struct{}
	paused  atomic.Bool
	close   sync.Once
	dropped atomic.Int64
}

// New watches root and everything below it that is not ignored. Errors from
// individual directories (a watch limit) are sent on Errors, not returned.
func New(root string, opts Options) (*Watcher, error) {
	if opts.Quiet <= 0 {
		opts.Quiet = DefaultQuiet
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = DefaultMaxWait
	}
	abs, real, err := resolveRoot(root)
	if err != nil {
		return nil, err
	}
	fw, err := fsnotify.NewBufferedWatcher(4096)
	if err != nil {
		if isLimit(err) {
			return nil, &LimitError{Dir: abs, Err: err}
		}
		return nil, fmt.Errorf("watch %s: %w", abs, err)
	}
	w := &Watcher{
		fs: fw, opts: opts,
		batches: make(chan Batch, 1), errs: make(chan error, 16),
		wake: make(chan struct{}, 1), done: make(chan struct{}), exited: make(chan struct{}),
	}
	add := fw.Add
	if opts.wrapAdd != nil {
		add = opts.wrapAdd(add)
	}
	w.tree = &tree{
		root: abs, ig: newIgnorer(opts.Ignore), add: add, rm: fw.Remove,
		onLimit: func(e *LimitError) { w.sendErr(e) }, watched: map[string]watchKind{},
		aliases: []alias{{real: real, logical: abs}},
	}
	w.tree.walk([]item{{real, abs}}, nil, false, func(string) {})
	go w.run()
	return w, nil
}

// resolveRoot returns root as an absolute path and with symlinks resolved.
func resolveRoot(root string) (abs, real string, err error) {
	if abs, err = filepath.Abs(root); err != nil {
		return "", "", fmt.Errorf("watch %s: %w", root, err)
	}
	if real, err = filepath.EvalSymlinks(abs); err != nil {
		return "", "", fmt.Errorf("watch %s: %w", abs, err)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", "", fmt.Errorf("watch %s: %w", abs, err)
	}
	if !fi.IsDir() {
		return "", "", fmt.Errorf("watch %s: %w", abs, errNotDir)
	}
	return abs, real, nil
}

// Batches delivers debounced changes; it is closed by Close. A slow reader
// never loses changes: batches not yet received are merged.
func (w *Watcher) Batches() <-chan Batch { return w.batches }

// Errors delivers problems that do not stop the watcher (a watch limit, an
// event overflow). It is buffered; errors beyond the buffer are dropped.
func (w *Watcher) Errors() <-chan error { return w.errs }

// Pause holds batches until Resume; changes keep being collected.
func (w *Watcher) Pause() { w.paused.Store(true) }

// Resume sends the changes collected while paused as one batch, after a
// quiet period.
func (w *Watcher) Resume() {
	if w.paused.Swap(false) {
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}

// Paused reports whether the watcher is paused.
func (w *Watcher) Paused() bool { return w.paused.Load() }

// Close stops watching and closes Batches and Errors. Changes not yet sent
// are dropped.
func (w *Watcher) Close() error {
	var err error
	w.close.Do(func() {
		close(w.done)
		err = w.fs.Close()
		<-w.exited
	})
	return err
}

// sendErr sends without blocking; a full buffer drops (and counts) the error.
func (w *Watcher) sendErr(err error) {
	select {
	case w.errs <- err:
	default:
		w.dropped.Add(1)
	}
}

// watchedDirs lists the real directories with an OS watch (for tests).
func (w *Watcher) watchedDirs() []string { return w.tree.watchedDirs() }
