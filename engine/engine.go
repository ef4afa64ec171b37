// Package engine runs a lambdev project's functions on this machine behind a
// faithful Lambda Runtime API: it plans effective runtimes, starts and reuses
// workers, enforces deadlines, captures logs and publishes typed events.
package engine

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine/drift"
	"github.com/lambdev/lambdev/engine/runtimes"
	"github.com/lambdev/lambdev/engine/watch"
)

// Options tune an Engine.
type Options struct {
	// BuildDir holds build outputs (Go binaries, bootstraps); default: the user cache dir.
	BuildDir string
	// IdleTimeout retires warm workers unused for this long. A function
	// Start warmed keeps one; the others go back to none, as Lambda
	// reclaims an idle execution environment.
	IdleTimeout time.Duration
	// Warm is how many functions, the first in the project file, Start
	// gives a warm worker. The others are prepared (built, interpreter
	// probed) and start their first worker on their first invocation, so a
	// project of hundreds of functions does not start hundreds of
	// processes. 0 means DefaultWarm; a negative value warms none.
	Warm int
	// InitTimeout bounds a runtime's init phase (Lambda: 10 s on demand).
	InitTimeout time.Duration
	// Load are the options the project was loaded with, reused when the
	// project file is edited while dev runs.
	Load config.LoadOptions
	// Watch tunes hot reload's debounce; the zero value uses watch's defaults.
	Watch watch.Options
	// Cloud is true in cloud dev (dev --aws): live functions run behind the bridge.
	Cloud bool
	// Passthrough lists host environment variables handed to workers (credentials, PATH…);
	// nil means DefaultPassthrough.
	Passthrough []string
	// RetryDelays are the waits before each retry of a failed Event
	// invocation (InvokeAsync); nil means Lambda's: one minute, then two.
	RetryDelays []time.Duration
	// AsyncQueueBytes caps the payload bytes of Event invocations queued,
	// running or waiting for a retry; 0 means DefaultAsyncQueueBytes.
	AsyncQueueBytes int64
}

// DefaultPassthrough are the host variables workers see besides the Lambda
// environment: what a handler needs to reach AWS with the developer's credentials.
var DefaultPassthrough = []string{
	"PATH", "HOME", "USER", "TMPDIR",
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_ENDPOINT_URL",
}

// DefaultWarm is how many functions a session warms up front: a typical
// project's every function, without letting a large one start hundreds of
// interpreters (~10 MiB each for Python) before anything is invoked.
const DefaultWarm = 32

// Engine owns a project's functions, workers and event stream.
type Engine struct {
	st      atomic.Pointer[state]
	opts    Options
	events  bus
	ctx     context.Context
	stop    context.CancelCauseFunc
	workers sync.WaitGroup // one per live worker process
	closeMu sync.Once
	reaper  chan struct{}

	// asyncBytes are the payload bytes of Event invocations not yet done.
	asyncBytes atomic.Int64

	// inflight counts invocations inside Invoke; peak is its high-water
	// mark since the last ConcurrencyPeak call.
	inflight, peak atomic.Int32
	// overlap holds one signal when an invocation started while another
	// was in flight (see Overlaps).
	overlap chan struct{}

	// lifeMu orders Close against starting work: once closing is set no
	// worker process or background task starts, so Close can wait for all.
	lifeMu  sync.RWMutex
	closing bool
	bg      sync.WaitGroup // reloads, warm-ups and spares running in the background

	retireMu sync.Mutex
	retired  []*function // functions removed or replaced by project edits

	hostOnce  sync.Once
	hostFacts drift.Host
	hot       hot
}

// New prepares an engine for p; no process starts until Start or Invoke.
func New(p *config.Project, opts Options) (*Engine, error) {
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 5 * time.Minute
	}
	if opts.InitTimeout <= 0 {
		opts.InitTimeout = 10 * time.Second
	}
	if opts.Passthrough == nil {
		opts.Passthrough = DefaultPassthrough
	}
	if opts.RetryDelays == nil {
		opts.RetryDelays = LambdaRetryDelays
	}
	if opts.AsyncQueueBytes <= 0 {
		opts.AsyncQueueBytes = DefaultAsyncQueueBytes
	}
	switch {
	case opts.Warm == 0:
		opts.Warm = DefaultWarm
	case opts.Warm < 0:
		opts.Warm = 0
	}
	if opts.BuildDir == "" {
		dir, err := defaultBuildDir(p)
		if err != nil {
			return nil, err
		}
		opts.BuildDir = dir
	}
	ctx, stop := context.WithCancelCause(context.Background())
	e := &Engine{opts: opts, ctx: ctx, stop: stop, reaper: make(chan struct{}), overlap: make(chan struct{}, 1)}
	st := &state{project: p, fns: map[string]*function{}}
	order := fileOrder(p)
	for _, f := range p.Functions {
		st.fns[f.Name] = e.newFunction(p, f, order[f.Name])
	}
	e.st.Store(st)
	go e.reapLoop()
	return e, nil
}

// state is the project the engine runs and its functions; a project file
// edit swaps in a new state, keeping the functions that did not change.
type state struct {
	project *config.Project
	fns     map[string]*function
}

func (e *Engine) state() *state { return e.st.Load() }

func (e *Engine) fn(name string) *function { return e.state().fns[name] }

// fileOrder ranks p's functions as the project file lists them
// (p.Functions is sorted by name); functions without a position come last,
// by name.
func fileOrder(p *config.Project) map[string]int {
	fs := slices.Clone(p.Functions)
	slices.SortStableFunc(fs, func(a, b *config.Function) int {
		if (a.Pos.Line == 0) != (b.Pos.Line == 0) {
			return cmp.Compare(b.Pos.Line, a.Pos.Line) // positioned ones first
		}
		return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Col, b.Pos.Col))
	})
	rank := make(map[string]int, len(fs))
	for i, f := range fs {
		rank[f.Name] = i
	}
	return rank
}

// newFunction makes the function f, the index-th of p in the file.
func (e *Engine) newFunction(p *config.Project, f *config.Function, index int) *function {
	fn := &function{eng: e, project: p, cfg: f, timeout: f.Timeout, spec: specFor(p, f, e.opts.BuildDir), live: f.Dev,
		arn: functionARN(p, f), eager: index < e.opts.Warm, logs: logPolicyFor(f.Logging)}
	fn.launcher, fn.prepErr = runtimes.For(f.Family())
	if fn.prepErr != nil {
		fn.prepErr = fmt.Errorf("%w: %v", ErrNotRunnable, fn.prepErr)
	}
	fn.baseEnv = lambdaEnv(p, f, fn.spec.Handler, passthroughEnv(e.opts.Passthrough))
	return fn
}

func defaultBuildDir(p *config.Project) (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	sum := sha256.Sum256([]byte(p.Dir))
	dir := filepath.Join(base, "lambdev", hex.EncodeToString(sum[:6]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("build dir: %w", err)
	}
	return dir, nil
}

func specFor(p *config.Project, f *config.Function, buildDir string) runtimes.Spec {
	s := runtimes.Spec{
		Name:       f.Name,
		LambdaName: p.LambdaName(f),
		Family:     f.Family(),
		Runtime:    f.Runtime,
		CodeDir:    p.CodeDir(f),
		Handler:    f.LambdaHandler(),
		BuildDir:   filepath.Join(buildDir, f.Name),
	}
	if rt, ok := config.LookupRuntime(f.Runtime); ok {
		s.Version = rt.Version
	}
	switch s.Family {
	case runtimes.Go:
		s.GoPackage = filepath.Join(p.Dir, f.Handler)
	case runtimes.Provided:
		s.Bootstrap = filepath.Join(p.Dir, f.Handler)
	}
	return s
}

func passthroughEnv(keys []string) []string {
	var env []string
	for _, k := range keys {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// Project returns the project the engine runs.
func (e *Engine) Project() *config.Project { return e.state().project }

// Subscribe returns a stream of events with a bounded buffer; a full buffer
// drops events (counted) rather than slowing any invocation.
func (e *Engine) Subscribe(buffer int) *Subscription { return e.events.subscribe(buffer) }

func (e *Engine) publish(ev Event) { e.events.publish(ev) }

func (e *Engine) logLine(fn, requestID string, line []byte) {
	if e.events.active() {
		e.publish(LogLine{At: now(), Function: fn, RequestID: requestID, Line: string(line)})
	}
}

// Start prepares every function (in parallel, bounded) and starts one warm
// worker for each of the first Options.Warm, publishing state events: the
// others end "idle", with no worker until invoked. Failures are reported as
// events; Start returns when every function has been tried or ctx ends.
func (e *Engine) Start(ctx context.Context) {
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	st := e.state()
	for _, f := range st.project.Functions {
		fn := st.fns[f.Name]
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			fn.warm(ctx, fn.eager)
		}()
	}
	wg.Wait()
	if ctx.Err() == nil {
		e.CheckDrift()
	}
}

// Close stops every worker and waits for their processes to be reaped.
func (e *Engine) Close() error {
	e.closeMu.Do(func() {
		e.lifeMu.Lock()
		e.closing = true
		e.lifeMu.Unlock()
		e.stop(ErrClosed)
		close(e.reaper)
		for _, fn := range e.allFunctions() {
			fn.mu.Lock()
			fn.closed = true
			fn.broadcastLocked()
			fn.idle = nil
			fn.mu.Unlock()
		}
		killAll(e)
		e.bg.Wait()
		killAll(e) // anything a background task started before it saw closing
		e.workers.Wait()
		e.events.closeAll()
	})
	return nil
}

// background runs f on its own goroutine unless the engine is closing;
// Close waits for it.
func (e *Engine) background(f func()) {
	e.lifeMu.RLock()
	defer e.lifeMu.RUnlock()
	if e.closing {
		return
	}
	e.bg.Add(1)
	go func() {
		defer e.bg.Done()
		f()
	}()
}

func (e *Engine) reapLoop() {
	t := time.NewTicker(e.opts.IdleTimeout / 4)
	defer t.Stop()
	for {
		select {
		case <-e.reaper:
			return
		case <-t.C:
			cutoff := time.Now().Add(-e.opts.IdleTimeout)
			for _, fn := range e.state().fns {
				fn.reapIdle(cutoff)
			}
		}
	}
}

// describeError turns a preparation error into state and detail.
func describeError(err error) (FunctionState, string) {
	var be *runtimes.BuildError
	switch {
	case errors.As(err, &be):
		return StateBuildFailed, strings.TrimSpace(be.Output)
	case errors.Is(err, ErrNotRunnable):
		return StateUnsupported, err.Error()
	}
	return StateInitFailed, err.Error()
}

func now() At { return At{Time: time.Now()} }
