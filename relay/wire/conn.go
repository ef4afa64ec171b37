package wire

import (
	"bytes"
	"context"
	"fmt"

	"github.com/coder/websocket"
)

// Conn sends and receives Messages over a WebSocket. Send is safe for
// concurrent use (a message's frames are never interleaved with
// another's); Recv must be called from one goroutine.
type Conn struct {
	ws   *websocket.Conn
	wmu  chan struct{} // write lock that honours contexts
	wbuf []byte        // guarded by wmu
	rbuf bytes.Buffer
	asm  Assembler
}

// NewConn wraps ws, setting its read limit to MaxFrame so an oversized
// frame closes the connection before it is buffered.
func NewConn(ws *websocket.Conn) *Conn {
	ws.SetReadLimit(MaxFrame)
	return &Conn{ws: ws, wmu: make(chan struct{}, 1)}
}

// WebSocket is the underlying connection.
func (c *Conn) WebSocket() *websocket.Conn { return c.ws }

// Send writes m as one or more binary frames. If ctx ends mid-write the
// connection is closed (a half-sent message cannot be taken back).
func (c *Conn) Send(ctx context.Context, m *Message) error {
	select {
	case c.wmu <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-c.wmu }()
	err := Frames(m, c.wbuf, func(b []byte) error {
		c.wbuf = b
		return c.ws.Write(ctx, websocket.MessageBinary, b)
	})
	if cap(c.wbuf) > 2*MaxFrame {
		c.wbuf = nil
	}
	if err != nil {
		return fmt.Errorf("send %s: %w", m.Type, err)
	}
	return nil
}

// Recv reads frames until a whole message has arrived and been validated.
// Any error leaves the stream unusable: the caller must close the conn. When
// ctx ends the connection is closed (coder/websocket's read contract), which
// is how callers bound silence.
func (c *Conn) Recv(ctx context.Context) (*Message, error) {
	for {
		typ, r, err := c.ws.Reader(ctx)
		if err != nil {
			return nil, err
		}
		if typ != websocket.MessageBinary {
			return nil, fmt.Errorf("%w: text WebSocket message", ErrInvalid)
		}
		c.rbuf.Reset()
		if _, err := c.rbuf.ReadFrom(r); err != nil {
			return nil, err
		}
		f, err := Decode(c.rbuf.Bytes())
		if err != nil {
			return nil, err
		}
		m, done, err := c.asm.Add(f)
		if err != nil || done {
			return m, err
		}
	}
}

// Close sends a Bye with reason and msg (best effort, bounded by ctx) and
// closes the WebSocket with a matching status.
func (c *Conn) Close(ctx context.Context, reason Reason, msg string) error {
	if reason != "" {
		_ = c.Send(ctx, &Message{Type: TypeBye, Bye: &Bye{Reason: reason, Message: msg}})
	}
	status := websocket.StatusNormalClosure
	switch reason {
	case ReasonUnauthorized, ReasonProtocol:
		status = websocket.StatusPolicyViolation
	case ReasonShutdown:
		status = websocket.StatusGoingAway
	}
	if len(msg) > 120 { // close reasons are limited to 123 bytes
		msg = msg[:120]
	}
	return c.ws.Close(status, msg)
}

// CloseNow drops the connection without a close handshake.
func (c *Conn) CloseNow() error { return c.ws.CloseNow() }
