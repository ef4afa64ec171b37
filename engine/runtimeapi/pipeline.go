package runtimeapi

import (
	"context"
	"net"
	"net/http"
	"sync"
)

// HeaderPipelined marks an answer (POST …/response or …/error) whose
// runtime sent GET /next in the same write, without waiting for the 202:
// lambdev's own Python bootstrap does. The server then holds the 202 back
// and sends it with the next reply on that connection, so the runtime
// wakes once per invocation, for the 202 and its next event together,
// instead of twice. A runtime that waits for the 202 never sends this
// header; for it nothing changes. Nor can a proxy between a pipelining
// runtime and the server deadlock: a held reply goes out as soon as the
// connection, idle between requests, has to wait for more input (the
// GET /next did not come with the POST).
const HeaderPipelined = "Lambdev-Pipelined-Next"

// holdListener hands out holdConns.
type holdListener struct{ net.Listener }

func (l holdListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &holdConn{Conn: c}, nil
}

// holdConn can keep one reply back to go out with the next write, in the
// same system call; closing sends what it holds first. Writes happen under
// mu, so a held reply always precedes what follows it.
type holdConn struct {
	net.Conn

	mu   sync.Mutex
	hold bool   // the next Write is held
	held []byte // a held reply, not yet sent (its buffer is reused)
	idle bool   // between requests (http.StateIdle): a Read waits for the next one
}

type connKey struct{}

// connContext is http.Server.ConnContext: it lets a handler find its conn.
func connContext(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, c)
}

// connState is http.Server.ConnState: it tells a holdConn when it is idle.
func connState(c net.Conn, st http.ConnState) {
	if hc, ok := c.(*holdConn); ok {
		hc.mu.Lock()
		hc.idle = st == http.StateIdle
		hc.mu.Unlock()
	}
}

// holdReply makes the reply r's handler is writing go out with the next
// reply on its connection, when r's runtime pipelined its GET /next and the
// connection stays open after r.
func holdReply(r *http.Request) {
	if r.Close || r.Header.Get(HeaderPipelined) == "" {
		return
	}
	if c, ok := r.Context().Value(connKey{}).(*holdConn); ok {
		c.mu.Lock()
		c.hold = true
		c.mu.Unlock()
	}
}

func (c *holdConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.hold {
		c.hold = false
		c.held = append(c.held[:0], p...)
		return len(p), nil
	}
	if len(c.held) == 0 {
		return c.Conn.Write(p)
	}
	held := c.held
	c.held = held[:0]
	bufs := net.Buffers{held, p}
	n, err := bufs.WriteTo(c.Conn) // one writev
	return max(0, int(n)-len(held)), err
}

// Read sends a held reply first when the connection is idle: the server
// is about to wait for a request that the held reply's client may only
// send once it has the reply.
func (c *holdConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	if c.idle {
		c.flushLocked()
	}
	c.mu.Unlock()
	return c.Conn.Read(p)
}

func (c *holdConn) tryFlush() {
	if c.mu.TryLock() {
		c.flushLocked()
		c.mu.Unlock()
	}
}

// flushLocked sends a held reply now.
func (c *holdConn) flushLocked() {
	c.hold = false
	if len(c.held) > 0 {
		_, _ = c.Conn.Write(c.held)
		c.held = c.held[:0]
	}
}

// Close sends a held reply before closing. A Write blocked on a peer that
// does not read holds mu; closing must not wait for it (it ends it), and
// that Write was sending any held reply first anyway.
func (c *holdConn) Close() error {
	c.tryFlush()
	return c.Conn.Close()
}

// CloseWrite keeps net/http's graceful close (it half-closes TCP conns),
// after sending a held reply.
func (c *holdConn) CloseWrite() error {
	c.tryFlush()
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
