package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine/drift"
	"github.com/lambdev/lambdev/engine/runtimes"
)

// generation is one prepared build of a function's code. A reload makes a new
// generation; workers of older generations finish their invocation and exit.
type generation struct {
	n        int
	prep     *runtimes.Prepared
	taskRoot string // LAMBDA_TASK_ROOT: the source tree, or a frozen copy
}

// function owns one function's workers.
type function struct {
	eng      *Engine
	project  *config.Project
	cfg      *config.Function
	spec     runtimes.Spec
	launcher runtimes.Launcher
	baseEnv  []string
	arn      string // the ARN invocations see
	timeout  time.Duration
	logs     logPolicy

	mu            sync.Mutex
	gen           *generation
	prepErr       error         // last preparation failure
	preparing     chan struct{} // non-nil while a preparation runs; closed when done
	idle          []*worker     // warm workers of the current generation, most recent last
	spare         *worker       // a held worker ready for the next reload (spare.go)
	spareStarting bool
	reloading     int // reloads under way (control.go)
	all           map[*worker]struct{}
	count         int           // live workers, idle or busy or starting
	changed       chan struct{} // closed and replaced whenever a worker frees up or goes
	nextID        int
	closed        bool
	stats         FunctionStats
	live          bool // live (hot reload) or deployed (frozen build)
	eager         bool // warmed at start and kept warm (Options.Warm)
	// staticDrift and observed are the function's drift warnings.
	staticDrift []drift.Warning
	observed    map[string]drift.Warning
	state       FunctionState // latest published state
	detail      string
}

// FunctionStats are counters shown in the functions pane.
type FunctionStats struct {
	Invocations  int
	Errors       int
	LastDuration time.Duration
	Workers      int
	Idle         int
}

// prepared returns the current generation, preparing the first one if needed.
func (fn *function) prepared(ctx context.Context) (*generation, error) {
	for {
		fn.mu.Lock()
		if fn.gen != nil {
			g := fn.gen
			fn.mu.Unlock()
			return g, nil
		}
		if fn.preparing == nil {
			if fn.prepErr != nil {
				err := fn.prepErr
				fn.mu.Unlock()
				return nil, err
			}
			fn.startPrepareLocked()
		}
		wait := fn.preparing
		fn.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		}
	}
}

// prepare builds a new generation (go build, interpreter probe) and waits
// for it. On failure the previous generation, if any, keeps serving.
func (fn *function) prepare() (*generation, error) {
	fn.mu.Lock()
	wait := fn.preparing
	if wait == nil {
		wait = fn.startPrepareLocked()
	}
	fn.mu.Unlock()
	<-wait
	fn.mu.Lock()
	defer fn.mu.Unlock()
	return fn.gen, fn.prepErr
}

// startPrepareLocked starts a preparation on the engine's context (a caller
// going away must not cancel a build others wait for) and returns the
// channel closed when it ends.
func (fn *function) startPrepareLocked() chan struct{} {
	done := make(chan struct{})
	fn.preparing = done
	live, n := fn.live, 1
	if fn.gen != nil {
		n = fn.gen.n + 1
	}
	go func() {
		spec, err := fn.genSpec(live, n)
		var prep *runtimes.Prepared
		if err == nil {
			prep, err = fn.launcher.Prepare(fn.eng.ctx, spec)
		}
		fn.mu.Lock()
		defer fn.mu.Unlock()
		defer close(done)
		fn.preparing = nil
		if err != nil {
			fn.prepErr = err
			return
		}
		fn.prepErr = nil
		fn.gen = &generation{n: n, prep: prep, taskRoot: spec.CodeDir}
		for _, w := range fn.idle { // old warm workers are retired
			w.kill()
		}
		fn.idle = nil
	}()
	return done
}

// acquire returns a worker for one invocation: a warm one, a new one when
// under the concurrency limit (cold), or the next one freed.
// While a reload is under way (reloading > 0) a caller finding no warm worker
// waits for the reload's own new worker rather than cold-starting another,
// unless it is that reload (self).
//
// tenant is the invocation's tenant (tenant.go): a tenant-isolated function
// gives it only a worker of its own or one no tenant has used, and at the
// concurrency limit retires another tenant's idle worker to start one.
func (fn *function) acquire(ctx context.Context, self bool, tenant string) (*worker, bool, error) {
	gen, err := fn.prepared(ctx)
	if err != nil {
		return nil, false, err
	}
	fn.mu.Lock()
	for {
		if fn.closed {
			fn.mu.Unlock()
			return nil, false, ErrClosed
		}
		if fn.gen != nil {
			gen = fn.gen
		}
		if w := fn.takeIdleLocked(gen, tenant); w != nil {
			fn.mu.Unlock()
			return w, false, nil
		}
		if fn.count >= fn.cfg.Concurrency && tenant != "" && fn.evictOtherTenantLocked() {
			// Its exit frees a slot (workerGone broadcasts): wait for it below.
		} else if fn.count < fn.cfg.Concurrency && (self || fn.reloading == 0) {
			fn.count++
			fn.nextID++
			id := fn.nextID
			fn.mu.Unlock()
			w, err := fn.spawn(gen, id, false)
			if err != nil {
				fn.mu.Lock()
				fn.count--
				fn.broadcastLocked()
				fn.mu.Unlock()
				return nil, false, err
			}
			w.tenant = tenant
			fn.eng.publish(WorkerStarted{At: now(), Function: fn.cfg.Name, Worker: id, PID: w.pid(), Generation: gen.n, Tenant: tenant})
			return w, true, nil
		}
		wait := fn.changedLocked()
		fn.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, false, context.Cause(ctx)
		}
		fn.mu.Lock()
	}
}

// release returns a worker after an invocation; stale or dead ones are retired.
func (fn *function) release(w *worker) {
	fn.mu.Lock()
	if !fn.closed && w.alive() && w.gen == fn.gen {
		w.idleAt = time.Now()
		fn.idle = append(fn.idle, w)
		fn.broadcastLocked()
		fn.mu.Unlock()
		return
	}
	fn.mu.Unlock()
	w.kill()
}

// workerGone is called once a worker process has been reaped.
func (fn *function) workerGone(w *worker) {
	fn.mu.Lock()
	if w.spare {
		if fn.spare == w {
			fn.spare = nil
		}
	} else {
		fn.count--
	}
	delete(fn.all, w)
	for i, iw := range fn.idle {
		if iw == w {
			fn.idle = append(fn.idle[:i], fn.idle[i+1:]...)
			break
		}
	}
	fn.broadcastLocked()
	fn.mu.Unlock()
	reason := "exited"
	if w.exitErr != nil {
		reason = w.exitErr.Error()
	}
	fn.eng.publish(WorkerStopped{At: now(), Function: fn.cfg.Name, Worker: w.id, PID: w.pid(), Reason: reason})
	fn.eng.workers.Done()
}

func (fn *function) changedLocked() chan struct{} {
	if fn.changed == nil {
		fn.changed = make(chan struct{})
	}
	return fn.changed
}

func (fn *function) broadcastLocked() {
	if fn.changed != nil {
		close(fn.changed)
		fn.changed = nil
	}
}

// reapIdle retires warm workers idle since before cutoff. A function Start
// warmed keeps one; another left with no worker at all goes back to idle,
// and its spare, loaded when it was last edited, goes too.
func (fn *function) reapIdle(cutoff time.Time) {
	keep := 0
	if fn.eager {
		keep = 1
	}
	fn.mu.Lock()
	busy := fn.count - len(fn.idle)
	reaped := 0
	for len(fn.idle) > keep && fn.idle[0].idleAt.Before(cutoff) {
		fn.idle[0].kill()
		fn.idle = fn.idle[1:]
		reaped++
	}
	idle := reaped > 0 && len(fn.idle) == 0 && busy == 0 && fn.state == StateReady
	if idle && fn.spare != nil {
		fn.spare.kill()
	}
	fn.mu.Unlock()
	if idle {
		fn.setState(StateIdle, "")
	}
}

// env is the Lambda environment of a worker (lambda-spec.md §1.8).
func (fn *function) env(gen *generation, runtimeAPI string) []string {
	env := make([]string, 0, len(fn.baseEnv)+3)
	env = append(env, fn.baseEnv...)
	return append(env,
		"LAMBDA_TASK_ROOT="+gen.taskRoot,
		"AWS_LAMBDA_RUNTIME_API="+runtimeAPI,
		"AWS_LAMBDA_LOG_STREAM_NAME="+logStreamName(),
	)
}

func logStreamName() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return time.Now().UTC().Format("2006/01/02") + "/[$LATEST]" + hex.EncodeToString(b[:])
}

// lambdaEnv builds the static part of a function's worker environment.
func lambdaEnv(p *config.Project, f *config.Function, handler string, passthrough []string) []string {
	name := p.LambdaName(f)
	logGroup := "/aws/lambda/" + name
	if f.Logging != nil && f.Logging.LogGroup != "" {
		logGroup = f.Logging.LogGroup
	}
	env := []string{
		"_HANDLER=" + handler,
		"AWS_LAMBDA_FUNCTION_NAME=" + name,
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + strconv.Itoa(f.Memory),
		"AWS_LAMBDA_LOG_GROUP_NAME=" + logGroup,
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
		"AWS_REGION=" + p.Region,
		"AWS_DEFAULT_REGION=" + p.Region,
		"TZ=:UTC",
		"LANG=en_US.UTF-8",
	}
	if rt, ok := config.LookupRuntime(f.Runtime); ok && rt.Family != config.FamilyProvided {
		env = append(env, "AWS_EXECUTION_ENV=AWS_Lambda_"+f.Runtime)
	}
	if f.Logging.JSON() {
		// Lambda tells the runtime its log format and application log
		// level; the managed runtimes then log JSON records and filter them.
		level := f.Logging.ApplicationLevel
		if level == "" {
			level = defaultApplicationLogLevel
		}
		env = append(env, "AWS_LAMBDA_LOG_FORMAT=JSON", "AWS_LAMBDA_LOG_LEVEL="+level)
	}
	env = append(env, passthrough...)
	if _, set := f.Environment["GOMAXPROCS"]; f.Family() == config.FamilyGo && !set {
		env = append(env, "GOMAXPROCS="+strconv.Itoa(lambdaCPUs(f.Memory)))
	}
	for k, v := range f.Environment {
		env = append(env, k+"="+v)
	}
	return env
}

// defaultApplicationLogLevel is the application log level of a JSON-logging
// function that declares none. [inferred] from Lambda's console, which
// shows INFO for such a function.
const defaultApplicationLogLevel = "INFO"

// lambdaCPUs is how many vCPUs Lambda gives a function of memory MB: CPU
// is allocated in proportion to memory, one full vCPU at 1,769 MB, up to 6 at
// 10,240 MB. A Go worker runs with that GOMAXPROCS, as it sees in Lambda;
// on a laptop this also spares the scheduler work (measured by the bench).
func lambdaCPUs(memory int) int {
	n := (memory + 1768) / 1769
	return max(1, min(n, 6))
}

// functionARN is the ARN a local function is invoked as.
func functionARN(p *config.Project, f *config.Function) string {
	return fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", config.Partition(p.Region), p.Region, LocalAccountID, p.LambdaName(f))
}

// LocalAccountID is the account id used in local ARNs.
const LocalAccountID = "000000000000"

// warm prepares the function and, when start is set, starts one worker so
// the first invocation is warm; without it the function ends idle, its
// first invocation starting a worker. What happens is published as events.
// It returns the failure detail, empty when the function is ready or idle
// (or the engine is stopping).
func (fn *function) warm(ctx context.Context, start bool) string {
	fn.setState(StateStarting, "")
	gen, err := fn.prepared(ctx)
	if ctx.Err() != nil {
		return "" // shutting down: nothing worth reporting
	}
	if err != nil {
		return fn.fail(err)
	}
	fn.eng.publish(preparedEvent(fn.cfg.Name, gen))
	if !start {
		fn.setState(StateIdle, "")
		return ""
	}
	w, err := fn.adoptSpare(gen), error(nil)
	if w != nil {
		w.unhold()
	} else {
		w, _, err = fn.acquire(ctx, true, "")
	}
	if err != nil {
		if ctx.Err() != nil {
			return ""
		}
		return fn.fail(err)
	}
	defer fn.release(w)
	ictx, cancel := context.WithTimeout(ctx, fn.eng.opts.InitTimeout)
	ans, err := w.waitReady(ictx)
	cancel()
	switch {
	case ctx.Err() != nil:
		return ""
	case ans != nil:
		w.kill()
		fn.setState(StateInitFailed, string(ans.Body))
		return string(ans.Body)
	case err != nil:
		w.kill()
		fn.setState(StateInitFailed, err.Error())
		return err.Error()
	}
	fn.initSucceeded(w, nil)
	fn.setState(StateReady, "")
	return ""
}

// fail publishes a preparation failure and returns its detail.
func (fn *function) fail(err error) string {
	st, detail := describeError(err)
	fn.setState(st, detail)
	return detail
}

func preparedEvent(name string, gen *generation) FunctionPrepared {
	in := gen.prep.Interpreter
	return FunctionPrepared{At: now(), Function: name, Interpreter: in.Path, Version: in.Version, Matched: in.Matched, BuildTime: gen.prep.BuildTime}
}

// killAll ends every worker of every function.
func killAll(e *Engine) {
	for _, fn := range e.allFunctions() {
		fn.mu.Lock()
		for w := range fn.all {
			w.kill()
		}
		fn.mu.Unlock()
	}
}
