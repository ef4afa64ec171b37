package relay

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/lambdev/lambdev/relay/wire"
)

// peer is one connected bridge or dev session.
type peer struct {
	conn   *wire.Conn
	hello  wire.Hello
	key    string          // "app/stage"
	ctx    context.Context // ends when the peer is gone
	cancel context.CancelFunc
}

func newPeer(parent context.Context, c *wire.Conn) *peer {
	ctx, cancel := context.WithCancel(parent)
	return &peer{conn: c, ctx: ctx, cancel: cancel}
}

// send writes m within hubWriteTimeout; a failed write drops the peer.
func (p *peer) send(m *wire.Message) error {
	ctx, cancel := context.WithTimeout(p.ctx, hubWriteTimeout)
	defer cancel()
	err := p.conn.Send(ctx, m)
	if err != nil {
		p.cancel()
		_ = p.conn.CloseNow()
	}
	return err
}

// devSession is the dev peer of a stage and the invocations it owes answers.
type devSession struct {
	*peer
	mu       sync.Mutex
	inflight map[string]*peer              // request id → the bridge waiting for it
	streams  map[string]chan *wire.Message // request id → its streamed answer's parts, in order
	gone     bool
}

var (
	errDuplicate = errors.New("duplicate request id")
	errGone      = errors.New("dev session gone")
)

// track records that bridge b waits for request id.
func (d *devSession) track(id string, b *peer) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.gone:
		return errGone
	case d.inflight[id] != nil:
		return errDuplicate
	}
	d.inflight[id] = b
	return nil
}

// take removes and returns the bridge waiting for id, if any.
func (d *devSession) take(id string) *peer {
	d.mu.Lock()
	defer d.mu.Unlock()
	b := d.inflight[id]
	delete(d.inflight, id)
	return b
}

// end marks d gone and returns what it still owed, and the streams it had
// under way (which must end in order, after their queued parts).
func (d *devSession) end() (map[string]*peer, map[string]chan *wire.Message) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.gone = true
	owed, streams := d.inflight, d.streams
	d.inflight, d.streams = nil, nil
	return owed, streams
}

// streamOf returns the queue of id's streamed answer, starting it (and its
// sender to bridge b) on the first part; nil if nobody waits for id.
func (h *Hub) streamOf(d *devSession, id string, start bool) chan *wire.Message {
	d.mu.Lock()
	defer d.mu.Unlock()
	if q := d.streams[id]; q != nil || !start {
		return q
	}
	b := d.inflight[id]
	if b == nil || d.gone {
		return nil
	}
	if d.streams == nil {
		d.streams = map[string]chan *wire.Message{}
	}
	q := make(chan *wire.Message, streamQueue)
	d.streams[id] = q
	h.wg.Add(1)
	go func() { // one sender per stream keeps its parts in order
		defer h.wg.Done()
		ok := true
		for m := range q {
			ok = ok && b.send(m) == nil // a lost bridge: the rest is drained unsent
		}
	}()
	return q
}

// endStream removes id's stream queue, if any, for its last message.
func (d *devSession) endStream(id string) chan *wire.Message {
	d.mu.Lock()
	defer d.mu.Unlock()
	q := d.streams[id]
	delete(d.streams, id)
	return q
}

// forget drops the entries of a bridge that disconnected.
func (d *devSession) forget(b *peer) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for id, w := range d.inflight {
		if w == b {
			delete(d.inflight, id)
		}
	}
}

// recv reads p's next message; silence for three ping intervals closes p.
func (h *Hub) recv(p *peer) (*wire.Message, error) {
	ctx, cancel := context.WithTimeout(p.ctx, 3*h.opts.PingInterval)
	defer cancel()
	return p.conn.Recv(ctx)
}

// register makes p its stage's dev session, replacing (and saying bye to)
// any older one.
func (h *Hub) register(p *peer) *devSession {
	d := &devSession{peer: p, inflight: map[string]*peer{}}
	h.mu.Lock()
	old := h.devs[p.key]
	h.devs[p.key] = d
	h.mu.Unlock()
	if old != nil {
		h.opts.Logf("relay hub: a newer dev session replaces the one for %s", p.key)
		h.wg.Add(1) // within this ServeHTTP's slot
		go func() {
			defer h.wg.Done()
			_ = old.conn.Close(old.ctx, wire.ReasonReplaced, "a newer lambdev dev session connected for "+p.key)
		}()
	}
	h.opts.Logf("relay hub: dev session connected for %s", p.key)
	return d
}

// serveDev relays the dev session's answers to the waiting bridges.
func (h *Hub) serveDev(d *devSession) {
	p := d.peer
	for {
		m, err := h.recv(p)
		if err != nil {
			h.dropOnError(p, err)
			return
		}
		switch m.Type {
		case wire.TypeResponse, wire.TypeError:
			b := d.take(m.ID)
			switch q := d.endStream(m.ID); {
			case q != nil: // the end of a streamed answer, after its parts
				q <- m
				close(q)
			case b != nil:
				h.goSend(b, m)
			default:
				h.opts.Logf("relay hub: dropped the answer to %s: its bridge is gone", m.ID)
			}
		case wire.TypeStreamStart, wire.TypeStreamChunk:
			// Queued for the stream's own sender: a slow bridge holds this
			// loop back (and so the dev session), as Lambda's client holds
			// back a streaming function.
			if q := h.streamOf(d, m.ID, m.Type == wire.TypeStreamStart); q != nil {
				q <- m
			}
		case wire.TypePing:
			_ = p.send(&wire.Message{Type: wire.TypePong, ID: m.ID})
		case wire.TypePong:
		case wire.TypeBye:
			return
		default:
			_ = p.conn.Close(p.ctx, wire.ReasonProtocol, "unexpected "+m.Type.String())
			return
		}
	}
}

// endDev unregisters d and fails every invocation it still owed.
func (h *Hub) endDev(d *devSession) {
	h.mu.Lock()
	if h.devs[d.key] == d {
		delete(h.devs, d.key)
	}
	h.mu.Unlock()
	d.cancel()
	h.opts.Logf("relay hub: dev session for %s disconnected", d.key)
	msg := fmt.Sprintf("the lambdev dev session for app %s stage %s disconnected during the invocation", d.hello.App, d.hello.Stage)
	owed, streams := d.end()
	for id, b := range owed {
		m := wire.Fail(id, wire.ErrTypeDevSessionLost, msg)
		if q := streams[id]; q != nil {
			q <- &m
			close(q)
			delete(streams, id)
			continue
		}
		h.goSend(b, &m)
	}
	for _, q := range streams { // their bridges are gone
		close(q)
	}
}

// serveBridge relays p's invocations to its stage's dev session.
func (h *Hub) serveBridge(p *peer) {
	defer func() {
		if d := h.dev(p.key); d != nil {
			d.forget(p)
		}
	}()
	for {
		m, err := h.recv(p)
		if err != nil {
			h.opts.Logf("relay hub: bridge for %s (%s) disconnected: %v", p.key, p.hello.Function, err)
			h.dropOnError(p, err)
			return
		}
		switch m.Type {
		case wire.TypeInvoke:
			h.forward(p, m)
		case wire.TypePing:
			_ = p.send(&wire.Message{Type: wire.TypePong, ID: m.ID})
		case wire.TypePong:
		case wire.TypeBye:
			return
		default:
			_ = p.conn.Close(p.ctx, wire.ReasonProtocol, "unexpected "+m.Type.String())
			return
		}
	}
}

// forward hands an invocation to the dev session, or fails it at once.
func (h *Hub) forward(b *peer, m *wire.Message) {
	d := h.dev(b.key)
	var err error
	if d != nil {
		err = d.track(m.ID, b)
	}
	switch {
	case d == nil || errors.Is(err, errGone):
		fail := wire.Fail(m.ID, wire.ErrTypeNoDevSession, NoDevSessionMessage(b.hello.App, b.hello.Stage))
		_ = b.send(&fail)
		return
	case err != nil:
		fail := wire.Fail(m.ID, wire.ErrTypeDuplicate, "an invocation with request id "+m.ID+" is already in flight")
		_ = b.send(&fail)
		return
	}
	if d.send(m) != nil && d.take(m.ID) != nil {
		fail := wire.Fail(m.ID, wire.ErrTypeDevSessionLost, "could not reach the lambdev dev session for "+b.key)
		_ = b.send(&fail)
	}
}

// NoDevSessionMessage is the error message a bridge reports when no dev
// session is connected for its stage.
func NoDevSessionMessage(app, stage string) string {
	return fmt.Sprintf("lambdev dev is not running for app %s stage %s", app, stage)
}

func (h *Hub) dev(key string) *devSession {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.devs[key]
}

// goSend writes m to p without blocking the caller's read loop.
func (h *Hub) goSend(p *peer, m *wire.Message) {
	h.wg.Add(1) // the caller's own wg slot is held, so Close cannot be waiting at zero
	go func() {
		defer h.wg.Done()
		_ = p.send(m)
	}()
}

// dropOnError tells a peer that broke the protocol why it is dropped.
func (h *Hub) dropOnError(p *peer, err error) {
	if errors.Is(err, wire.ErrInvalid) {
		h.opts.Logf("relay hub: %s for %s broke the protocol: %v", p.hello.Role, p.key, err)
		_ = p.conn.Close(p.ctx, wire.ReasonProtocol, err.Error())
	}
}

// describe renders what a handshake got instead of a hello.
func describe(m *wire.Message, err error) string {
	if err != nil {
		return err.Error()
	}
	return "got " + m.Type.String()
}

// splitStageKey parses "app/stage".
func splitStageKey(key string) (app, stage string, ok bool) {
	app, stage, ok = strings.Cut(key, "/")
	return app, stage, ok && app != "" && stage != "" && !strings.Contains(stage, "/")
}
