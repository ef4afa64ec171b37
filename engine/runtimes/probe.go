package runtimes

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// probeTimeout bounds one interpreter probe; a pyenv shim takes ~0.3 s.
const probeTimeout = 30 * time.Second

// failureTTL is how long a failed probe is remembered. A missing or broken
// interpreter (a pyenv shim for a version that is not selected fails slowly,
// ~0.3–1 s) must not be probed again on every hot reload, but one installed
// later is still found.
const failureTTL = time.Minute

// memo caches the results of expensive lookups process-wide. Concurrent
// callers of one key share a single run; failures are kept for failureTTL.
type memo[T any] struct {
	mu sync.Mutex
	m  map[string]*memoEntry[T]
}

type memoEntry[T any] struct {
	done chan struct{}
	val  T
	err  error
	at   time.Time // when the run ended
}

// get returns the cached value for key, running fn once to compute it.
func (c *memo[T]) get(ctx context.Context, key string, fn func(context.Context) (T, error)) (T, error) {
	c.mu.Lock()
	if c.m == nil {
		c.m = make(map[string]*memoEntry[T])
	}
	e, ok := c.m[key]
	if ok && e.err != nil && !e.at.IsZero() && time.Since(e.at) > failureTTL {
		ok = false // a stale failure: try again
	}
	if !ok {
		e = &memoEntry[T]{done: make(chan struct{})}
		c.m[key] = e
		c.mu.Unlock()
		// The run outlives a cancelled first caller: others may be waiting.
		runCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), probeTimeout)
		val, err := fn(runCtx)
		timedOut := runCtx.Err() != nil // not a fact about the interpreter
		cancel()
		c.mu.Lock()
		e.val, e.err, e.at = val, err, time.Now()
		if timedOut {
			delete(c.m, key)
		}
		c.mu.Unlock()
		close(e.done)
		return e.val, e.err
	}
	c.mu.Unlock()
	select {
	case <-e.done:
		return e.val, e.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// probed is what a probe learnt: the interpreter and any further lines the
// probe program printed (the Python bytecode cache tag, for one).
type probed struct {
	in    Interpreter
	extra []string
}

// interpreters caches probes keyed by command path and working directory
// (version-manager shims pick a version from the directory they run in).
var interpreters memo[probed]

// probeLines runs path with args in dir and returns its stdout lines.
func probeLines(ctx context.Context, dir, path string, args ...string) ([]string, error) {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = dir
	inOwnGroup(cmd)
	cmd.WaitDelay = time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			return nil, fmt.Errorf("probe %s: %w", path, err)
		}
		return nil, fmt.Errorf("probe %s: %w: %s", path, err, msg)
	}
	return strings.Split(strings.TrimSpace(stdout.String()), "\n"), nil
}

// probeInterpreter runs an interpreter once to learn its real executable and
// version: the probe program prints the executable, the version, then
// anything else the launcher wants to know.
func probeInterpreter(ctx context.Context, dir, path string, args ...string) (probed, error) {
	key := path + "\x00" + dir
	return interpreters.get(ctx, key, func(ctx context.Context) (probed, error) {
		cacheDir, cacheKey := probeCacheDir(), probeCacheKey(path, args)
		if p, ok := loadProbe(cacheDir, cacheKey); ok {
			return p, nil
		}
		lines, err := probeLines(ctx, dir, path, args...)
		if err != nil {
			return probed{}, err
		}
		if len(lines) < 2 || lines[1] == "" {
			return probed{}, fmt.Errorf("probe %s: unexpected output %q", path, strings.Join(lines, "\n"))
		}
		real := strings.TrimSpace(lines[0])
		if real == "" {
			real = path
		}
		in := Interpreter{Path: real, Version: strings.TrimSpace(lines[1])}
		p := probed{in: in, extra: lines[2:]}
		storeProbe(cacheDir, cacheKey, p)
		return p, nil
	})
}
