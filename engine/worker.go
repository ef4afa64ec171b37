package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/lambdev/lambdev/engine/runtimeapi"
)

// errWorkerExited is the cancel cause when a worker process ends mid-invocation.
var errWorkerExited = errors.New("worker exited")

// worker is one runtime process with its own Runtime API, serving one
// invocation at a time, as a Lambda execution environment does.
type worker struct {
	id    int
	fn    *function
	gen   *generation
	api   *runtimeapi.Server
	cmd   *exec.Cmd
	logs  *logPipe
	start time.Time

	exited  chan struct{} // closed when the process has been reaped
	exitErr error         // set before exited closes
	retired atomic.Bool   // killed or failed: never handed another invocation
	hold    *os.File      // a spare's go-ahead pipe, nil once released
	spare   bool          // held and not counted in fn.count (guarded by fn.mu)
	begun   bool          // an invocation has begun (used by the one running it)
	tenant  string        // the tenant it serves, of a tenant-isolated function (guarded by fn.mu)

	mu      sync.Mutex
	cur     *running // invocation in flight, nil when idle
	last    *running // last invocation, for late log lines
	cancel  context.CancelCauseFunc
	initLog tailBuffer // lines written before the first invocation
	status  *os.File   // /proc/PID/status, for peak RSS
	rss     int        // last peak RSS read, MB
	rssAt   time.Time  // when rss was read
	idleAt  time.Time
}

// running is the per-invocation state a worker attributes logs to.
type running struct {
	req  *Request
	id   string
	logs tailBuffer
}

// spawn starts a worker process for gen; it does not wait for init.
// A held worker (a spare) loads its runtime and then waits on stdin for
// unhold before it imports the handler.
func (fn *function) spawn(gen *generation, id int, hold bool) (*worker, error) {
	api, err := runtimeapi.Listen("127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("runtime api for %s: %w", fn.cfg.Name, err)
	}
	lp, w, err := newLogPipe()
	if err != nil {
		api.Close()
		return nil, fmt.Errorf("log pipe for %s: %w", fn.cfg.Name, err)
	}
	cmd := exec.Command(gen.prep.Path, gen.prep.Args...)
	cmd.Dir = gen.prep.Dir
	cmd.Env = append(fn.env(gen, api.Addr()), gen.prep.Env...)
	cmd.Stdout, cmd.Stderr = w, w
	cmd.SysProcAttr = workerProcAttr()
	wk := &worker{id: id, fn: fn, gen: gen, api: api, cmd: cmd, logs: lp, exited: make(chan struct{})}
	wk.initLog.max = 64 * 1024
	if !hold {
		fn.logInitStart(&wk.initLog)
	}
	var holdR *os.File
	if hold {
		if holdR, wk.hold, err = os.Pipe(); err != nil {
			w.Close()
			lp.r.Close()
			api.Close()
			return nil, fmt.Errorf("hold pipe for %s: %w", fn.cfg.Name, err)
		}
		cmd.Stdin = holdR
		cmd.Env = append(cmd.Env, "LAMBDEV_HOLD=1")
	}
	fn.eng.lifeMu.RLock()
	defer fn.eng.lifeMu.RUnlock()
	if fn.eng.closing {
		w.Close()
		lp.r.Close()
		api.Close()
		if holdR != nil {
			holdR.Close()
			wk.hold.Close()
		}
		return nil, ErrClosed
	}
	startedAt := time.Now()
	err = cmd.Start()
	w.Close()
	if holdR != nil {
		holdR.Close()
	}
	if err != nil {
		lp.r.Close()
		api.Close()
		if wk.hold != nil {
			wk.hold.Close()
		}
		return nil, fmt.Errorf("start %s: %w", fn.cfg.Name, err)
	}
	wk.start = startedAt
	fn.eng.workers.Add(1)
	fn.mu.Lock()
	if fn.all == nil {
		fn.all = map[*worker]struct{}{}
	}
	fn.all[wk] = struct{}{}
	fn.mu.Unlock()
	wk.status, _ = os.Open("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/status")
	lp.start(wk.logLine)
	go wk.reap()
	return wk, nil
}

// reap waits for the process, records why it ended and cancels any invocation.
func (wk *worker) reap() {
	err := wk.cmd.Wait()
	if err == nil {
		err = errors.New("exit status 0")
	}
	wk.mu.Lock()
	wk.exitErr = err
	cancel := wk.cancel
	wk.mu.Unlock()
	close(wk.exited)
	if cancel != nil {
		cancel(errWorkerExited)
	}
	wk.api.Close()
	if wk.status != nil {
		wk.status.Close()
	}
	wk.fn.workerGone(wk)
}

// logLine attributes one output line (called with the log pipe's lock held).
func (wk *worker) logLine(line []byte) {
	if !wk.fn.logs.keeps(line) {
		return
	}
	wk.mu.Lock()
	r := wk.cur
	if r == nil {
		r = wk.last
	}
	id := ""
	if r != nil {
		id = r.id
		r.logs.Write(line)
		r.logs.Write([]byte{'\n'})
	} else {
		wk.initLog.Write(line)
		wk.initLog.Write([]byte{'\n'})
	}
	wk.mu.Unlock()
	wk.fn.eng.logLine(wk.fn.cfg.Name, id, line)
}

// attach makes r the invocation output is attributed to; lines the worker
// wrote while no invocation ran (a pre-warmed init) are moved into r first.
// start writes r's START line after them: the invocation's own attach does,
// not the one before a cold start's init, whose output comes first.
func (wk *worker) attach(r *running, cancel context.CancelCauseFunc, start bool) {
	wk.mu.Lock()
	if init := wk.initLog.bytes(); len(init) > 0 {
		r.logs.Write(init)
		wk.initLog.reset()
	}
	if start {
		wk.fn.logStart(r)
	}
	wk.cur, wk.cancel = r, cancel
	wk.mu.Unlock()
}

// begin attaches r for its invocation, after its START line. On a worker's
// first invocation it first reads what the runtime wrote before it asked
// for its first event: its init output, which must precede START.
func (wk *worker) begin(r *running, cancel context.CancelCauseFunc) {
	if !wk.begun {
		wk.begun = true
		wk.logs.drain()
	}
	wk.attach(r, cancel, true)
}

// detach ends attribution to r; late lines still go to it until the next attach.
func (wk *worker) detach(r *running) {
	wk.mu.Lock()
	wk.cur, wk.last, wk.cancel = nil, r, nil
	wk.mu.Unlock()
}

// waitReady waits for the runtime's first /next. It returns the init error
// answer when the runtime reported one, or an error when it died or hung.
func (wk *worker) waitReady(ctx context.Context) (*runtimeapi.Answer, error) {
	select {
	case <-wk.api.Ready():
		return nil, nil
	case a := <-wk.api.InitError():
		return &a, nil
	case <-wk.exited:
		select {
		case a := <-wk.api.InitError():
			return &a, nil
		default:
		}
		return nil, fmt.Errorf("Runtime exited with error: %v", wk.exitErr)
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// peakRSS reads the process's peak resident set size in MB (VmHWM). The
// peak only grows, so a reading less than rssEvery old is reused: a warm
// invocation does not pay a /proc read every time.
func (wk *worker) peakRSS() int {
	if wk.status == nil {
		return 0
	}
	if now := time.Now(); now.Sub(wk.rssAt) >= rssEvery {
		wk.rss, wk.rssAt = readVmHWM(wk.status), now
	}
	return wk.rss
}

// rssEvery bounds how often a worker's peak RSS is read from /proc.
const rssEvery = 100 * time.Millisecond

func readVmHWM(status *os.File) int {
	var buf [2048]byte
	n, _ := status.ReadAt(buf[:], 0)
	b := buf[:n]
	i := bytes.Index(b, []byte("VmHWM:"))
	if i < 0 {
		return 0
	}
	b = bytes.TrimSpace(b[i+6:])
	j := bytes.IndexByte(b, ' ')
	if j < 0 {
		return 0
	}
	kb, err := strconv.Atoi(string(b[:j]))
	if err != nil {
		return 0
	}
	return (kb + 1023) / 1024
}

// unhold lets a spare import its handler and start taking invocations; its
// start time becomes now, so init duration counts from the go-ahead.
func (wk *worker) unhold() {
	if wk.hold != nil {
		wk.start = time.Now()
		wk.fn.logInitStart(&wk.initLog)
		_, _ = wk.hold.Write([]byte{1})
		wk.hold.Close()
		wk.hold = nil
	}
}

// kill ends the worker's whole process group.
func (wk *worker) kill() {
	wk.retired.Store(true)
	if wk.cmd.Process != nil {
		_ = syscall.Kill(-wk.cmd.Process.Pid, syscall.SIGKILL)
	}
}

// alive reports whether the process is still running.
func (wk *worker) alive() bool {
	if wk.retired.Load() {
		return false
	}
	select {
	case <-wk.exited:
		return false
	default:
		return true
	}
}

// pid returns the worker's process id.
func (wk *worker) pid() int { return wk.cmd.Process.Pid }
