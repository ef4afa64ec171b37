package engine

import (
	"bytes"
	"errors"
	"io"
	"os"
	"sync"
	"syscall"
	"time"
)

// maxLogLine caps one log line; longer lines are split.
const maxLogLine = 64 * 1024

// maxInvocationLogs caps the log bytes kept per invocation (the tail is kept).
const maxInvocationLogs = 1 << 20

// logSink receives complete lines from a worker's output.
type logSink func(line []byte)

// logPipe reads a worker's merged stdout/stderr. Reads happen only under mu,
// both in the background reader and in drain, so after drain returns every
// byte the runtime wrote before it answered has been attributed: a runtime's
// write() completes before its POST /response, and drain empties the pipe.
type logPipe struct {
	r    *os.File
	raw  syscall.RawConn
	mu   sync.Mutex
	sink logSink
	buf  []byte // partial line
	read []byte // read scratch
	done chan struct{}
}

func newLogPipe() (*logPipe, *os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	raw, err := r.SyscallConn()
	if err != nil {
		r.Close()
		w.Close()
		return nil, nil, err
	}
	return &logPipe{r: r, raw: raw, read: make([]byte, 32*1024), done: make(chan struct{})}, w, nil
}

// start begins the background reader; sink is called with mu held.
func (p *logPipe) start(sink logSink) {
	p.sink = sink
	go p.loop()
}

func (p *logPipe) loop() {
	defer close(p.done)
	for {
		eof := false
		err := p.raw.Read(func(fd uintptr) bool {
			p.mu.Lock()
			defer p.mu.Unlock()
			n, err := p.readLocked(int(fd))
			if errors.Is(err, syscall.EAGAIN) {
				return false // wait for readability
			}
			eof = n == 0 || err != nil
			return true
		})
		if eof || err != nil {
			p.mu.Lock()
			p.flushLocked()
			p.mu.Unlock()
			p.r.Close()
			return
		}
	}
}

// readLocked does one non-blocking read and emits complete lines.
func (p *logPipe) readLocked(fd int) (int, error) {
	n, err := syscall.Read(fd, p.read)
	if n > 0 {
		p.feedLocked(p.read[:n])
	}
	if n < 0 {
		n = 0
	}
	return n, err
}

func (p *logPipe) feedLocked(b []byte) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			p.buf = append(p.buf, b...)
			if len(p.buf) >= maxLogLine {
				p.flushLocked()
			}
			return
		}
		if len(p.buf) > 0 {
			p.buf = append(p.buf, b[:i]...)
			p.sink(p.buf)
			p.buf = p.buf[:0]
		} else {
			p.sink(b[:i])
		}
		b = b[i+1:]
	}
}

func (p *logPipe) flushLocked() {
	if len(p.buf) > 0 {
		p.sink(p.buf)
		p.buf = p.buf[:0]
	}
}

// drain reads everything currently in the pipe and flushes a partial line,
// so the output written so far is attributed before an invocation ends.
func (p *logPipe) drain() {
	select {
	case <-p.done:
		return
	default:
	}
	// Control, unlike Read, does not take the fd's read lock that the
	// background reader holds while it waits for readability.
	_ = p.raw.Control(func(fd uintptr) {
		p.mu.Lock()
		defer p.mu.Unlock()
		for {
			n, err := p.readLocked(int(fd))
			if n == 0 || err != nil {
				break
			}
		}
		p.flushLocked()
	})
}

// waitFor waits, at most d, for the writer side to close and all output to be
// consumed: after a crash, what the process wrote last belongs to its invocation.
// The bound matters because a child the handler spawned may hold the pipe open.
func (p *logPipe) waitFor(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-p.done:
	case <-t.C:
		p.drain()
	}
}

// tailBuffer keeps (at least) the last max bytes written to it. It lets the
// buffer grow to twice max before dropping the oldest bytes, so a handler
// that logs megabytes costs amortised O(1) per byte, not a copy per line;
// bytes() returns the last max. It is safe for concurrent use: a worker's
// log reader appends late lines while the invocation writes END/REPORT.
type tailBuffer struct {
	mu  sync.Mutex
	b   []byte
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	t.b = append(t.b, p...)
	if len(t.b) > 2*t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	t.mu.Unlock()
	return len(p), nil
}

// bytes returns a copy of the last max bytes written.
func (t *tailBuffer) bytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.b
	if over := len(b) - t.max; over > 0 {
		b = b[over:]
	}
	return bytes.Clone(b)
}

// reset drops everything written.
func (t *tailBuffer) reset() {
	t.mu.Lock()
	t.b = nil
	t.mu.Unlock()
}

var _ io.Writer = (*tailBuffer)(nil)
