package relay

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/lambdev/lambdev/engine"
	"github.com/lambdev/lambdev/relay/wire"
)

// session dials the hub, handshakes, and serves until the connection ends.
// connected reports whether the hub welcomed it.
func (c *Client) session() (connected bool, err error) {
	c.setState(StateConnecting, nil)
	conn, interval, err := c.dial()
	if err != nil {
		return false, err
	}
	defer conn.CloseNow()
	gone := make(chan struct{}) // closed when this session ends
	defer close(gone)
	c.setState(StateConnected, nil)
	c.opts.Logf("relay: connected to %s as %s/%s", c.url, c.opts.App, c.opts.Stage)
	for {
		ctx, cancel := context.WithTimeout(c.ctx, 3*interval)
		m, err := conn.Recv(ctx)
		cancel()
		if c.ctx.Err() != nil {
			bye, cancel := context.WithTimeout(context.Background(), time.Second)
			_ = conn.Close(bye, wire.ReasonShutdown, "lambdev dev is shutting down")
			cancel()
			return true, nil
		}
		if err != nil {
			if errors.Is(err, wire.ErrInvalid) {
				_ = conn.Close(context.Background(), wire.ReasonProtocol, err.Error())
			}
			return true, err
		}
		switch m.Type {
		case wire.TypeInvoke:
			c.start(conn, gone, m)
		case wire.TypeStreamCredit:
			c.credit(m.ID, m.Credit.Bytes)
		case wire.TypePing:
			go func() { _ = c.send(conn, &wire.Message{Type: wire.TypePong, ID: m.ID}) }()
		case wire.TypePong:
		case wire.TypeBye:
			return true, byeError(m.Bye)
		default:
			_ = conn.Close(context.Background(), wire.ReasonProtocol, "unexpected "+m.Type.String())
			return true, fmt.Errorf("relay hub sent an unexpected %s", m.Type)
		}
	}
}

// dial connects and exchanges hello/welcome; it returns the hub's ping interval.
func (c *Client) dial() (*wire.Conn, time.Duration, error) {
	ctx, cancel := context.WithTimeout(c.ctx, clientDialTimeout)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, c.url, &websocket.DialOptions{
		HTTPClient:      c.opts.HTTPClient,
		CompressionMode: websocket.CompressionDisabled,
	})
	if err != nil {
		return nil, 0, fmt.Errorf("dial %s: %w", c.url, err)
	}
	conn := wire.NewConn(ws)
	hello := &wire.Message{Type: wire.TypeHello, Hello: &wire.Hello{
		Role: wire.RoleDev, App: c.opts.App, Stage: c.opts.Stage, Token: c.opts.Token, StreamCredit: true}}
	m, err := handshake(ctx, conn, hello)
	if err != nil {
		_ = conn.CloseNow()
		return nil, 0, err
	}
	return conn, time.Duration(m.Welcome.PingIntervalMs) * time.Millisecond, nil
}

// handshake sends hello and waits for the hub's welcome.
func handshake(ctx context.Context, conn *wire.Conn, hello *wire.Message) (*wire.Message, error) {
	if err := conn.Send(ctx, hello); err != nil {
		return nil, err
	}
	m, err := conn.Recv(ctx)
	switch {
	case err != nil:
		return nil, fmt.Errorf("relay handshake: %w", err)
	case m.Type == wire.TypeBye:
		return nil, byeError(m.Bye)
	case m.Type != wire.TypeWelcome:
		return nil, fmt.Errorf("relay handshake: hub sent %s, want welcome", m.Type)
	}
	return m, nil
}

// byeError turns the hub's goodbye into an error.
func byeError(b *wire.Bye) error {
	switch b.Reason {
	case wire.ReasonReplaced:
		return ErrReplaced
	case wire.ReasonUnauthorized:
		return ErrUnauthorized
	}
	return fmt.Errorf("relay hub closed the connection (%s): %s", b.Reason, b.Message)
}

func (c *Client) send(conn *wire.Conn, m *wire.Message) error {
	ctx, cancel := context.WithTimeout(context.Background(), answerTimeout)
	defer cancel()
	return conn.Send(ctx, m)
}

// start executes m unless an invocation with its request id is already
// executing here, in which case that one's answer stands for both. gone
// closes when the session on conn ends.
func (c *Client) start(conn *wire.Conn, gone <-chan struct{}, m *wire.Message) {
	var rs *relayStream
	if m.Invoke.Stream {
		rs = &relayStream{c: c, conn: conn, gone: gone, id: m.ID, window: m.Invoke.Window, credited: make(chan struct{}, 1)}
	}
	c.mu.Lock()
	_, dup := c.inflight[m.ID]
	if !dup {
		c.inflight[m.ID] = rs
	}
	c.mu.Unlock()
	if dup {
		c.opts.Logf("relay: ignored a second delivery of %s, already executing", m.ID)
		return
	}
	go func() {
		defer func() {
			c.mu.Lock()
			delete(c.inflight, m.ID)
			c.mu.Unlock()
		}()
		answer := c.execute(m, rs)
		if err := c.send(conn, &answer); err != nil {
			c.opts.Logf("relay: the answer to %s was lost: %v", m.ID, err)
		}
	}()
}

// credit lets more of id's streamed answer go.
func (c *Client) credit(id string, n int64) {
	c.mu.Lock()
	rs := c.inflight[id]
	c.mu.Unlock()
	if rs != nil {
		rs.grant(n)
	}
}

// execute runs one relayed invocation through the executor. An invocation
// that asks for a streamed answer (rs) sends its parts as the function
// writes them; the returned message then ends the stream.
func (c *Client) execute(m *wire.Message, rs *relayStream) wire.Message {
	inv := m.Invoke
	deadline := inv.Deadline()
	if inv.RemainingMs > 0 {
		deadline = time.Now().Add(time.Duration(inv.RemainingMs) * time.Millisecond)
	}
	req := engine.Request{
		Function: inv.Function, Payload: m.Payload, RequestID: m.ID,
		ClientContext: inv.ClientContext, CognitoIdentity: inv.CognitoIdentity,
		TraceID: inv.TraceID, TenantID: inv.TenantID, Deadline: deadline, Source: engine.SourceRelay,
	}
	ctx, cancel := context.WithDeadline(c.ctx, deadline)
	defer cancel()
	if rs != nil {
		rs.ctx = ctx
		req.Stream = rs
	}
	res, err := c.opts.Executor.Invoke(ctx, req)
	if err != nil {
		return c.refusal(m.ID, inv.Function, err)
	}
	switch {
	case rs != nil && rs.started && res.Outcome == engine.OutcomeOK:
		return wire.Message{Type: wire.TypeResponse, ID: m.ID, Response: &wire.Response{}} // the end
	case rs != nil && !rs.started && res.Streamed > 0:
		return wire.Fail(m.ID, wire.ErrTypeConnectionLost, "the start of the streamed answer could not be relayed")
	}
	if res.Outcome == engine.OutcomeOK {
		return wire.Message{Type: wire.TypeResponse, ID: m.ID,
			Response: &wire.Response{ContentType: res.ContentType}, Payload: res.Payload}
	}
	typ, msg := "Runtime.Unknown", string(res.Outcome)
	if res.Error != nil {
		typ, msg = res.Error.Type, res.Error.Message
	}
	ans := wire.Fail(m.ID, clip(typ, 1024), msg)
	ans.Payload = res.Payload
	return ans
}

// refusal answers an invocation the engine would not run.
func (c *Client) refusal(id, fn string, err error) wire.Message {
	switch {
	case errors.Is(err, engine.ErrFunctionNotFound):
		return wire.Fail(id, wire.ErrTypeFunctionNotFound,
			fmt.Sprintf("function %s is not in the lambdev project for app %s stage %s", fn, c.opts.App, c.opts.Stage))
	case errors.Is(err, engine.ErrPayloadTooLarge):
		return wire.Fail(id, wire.ErrTypePayloadTooLarge, err.Error())
	case errors.Is(err, engine.ErrTenant):
		return wire.Fail(id, wire.ErrTypeInvalid, err.Error())
	}
	return wire.Fail(id, wire.ErrTypeEngine, "lambdev dev could not run the invocation: "+err.Error())
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// relayStream sends a streamed answer's parts to the hub as the function
// writes them: TypeStreamStart, then TypeStreamChunks. With a window
// (wire.Invoke.Window) a part goes only once the bridge has credited enough
// of the earlier ones, so a client that stops reading holds back this
// function's writes, as in Lambda, and nothing else on the connection.
type relayStream struct {
	c       *Client
	conn    *wire.Conn
	gone    <-chan struct{} // the session on conn ended
	ctx     context.Context // the invocation's; set before the function runs
	id      string
	window  int64 // 0: no flow control
	started bool

	mu       sync.Mutex
	inFlight int64         // the cost of the parts sent and not yet credited
	credited chan struct{} // cap 1: a credit arrived
}

func (s *relayStream) Open(contentType string) {
	m := &wire.Message{Type: wire.TypeStreamStart, ID: s.id, Response: &wire.Response{ContentType: clip(contentType, 1024)}}
	err := s.reserve(wire.PartCost(0))
	if err == nil {
		err = s.c.send(s.conn, m)
	}
	if err != nil {
		s.c.opts.Logf("relay: the stream of %s was lost: %v", s.id, err)
		return
	}
	s.started = true
}

func (s *relayStream) Write(p []byte) (int, error) {
	if !s.started {
		return 0, errStreamLost
	}
	n := 0
	for len(p) > 0 {
		part := p[:min(len(p), wire.DataPerFrame)]
		if err := s.reserve(wire.PartCost(len(part))); err != nil {
			return n, err
		}
		if err := s.c.send(s.conn, &wire.Message{Type: wire.TypeStreamChunk, ID: s.id, Payload: part}); err != nil {
			return n, err
		}
		n += len(part)
		p = p[len(part):]
	}
	return n, nil
}

// reserve waits until a part costing cost fits the window, and counts it.
func (s *relayStream) reserve(cost int64) error {
	if s.window == 0 {
		return nil
	}
	for {
		s.mu.Lock()
		if s.inFlight+cost <= s.window {
			s.inFlight += cost
			s.mu.Unlock()
			return nil
		}
		s.mu.Unlock()
		select {
		case <-s.credited:
		case <-s.gone:
			return errStreamGone
		case <-s.ctx.Done():
			return fmt.Errorf("relay: the stream's client read nothing more before the deadline: %w", s.ctx.Err())
		}
	}
}

// grant takes n credited bytes off what is in flight.
func (s *relayStream) grant(n int64) {
	s.mu.Lock()
	s.inFlight = max(0, s.inFlight-n) // a hub over-crediting cannot widen the window
	s.mu.Unlock()
	select {
	case s.credited <- struct{}{}:
	default:
	}
}

var (
	errStreamLost = errors.New("relay: the stream's start was lost")
	errStreamGone = errors.New("relay: the connection to the hub ended during the stream")
)
