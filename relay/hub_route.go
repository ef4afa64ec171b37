package relay

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/lambdev/lambdev/relay/wire"
)

// peer is one connected bridge or dev session.
type peer struct {
	conn         *wire.Conn
	hello        wire.Hello
	key          string          // "app/stage"
	ctx          context.Context // ends when the peer is gone
	cancel       context.CancelFunc
	writeTimeout time.Duration
}

func newPeer(parent context.Context, c *wire.Conn, writeTimeout time.Duration) *peer {
	ctx, cancel := context.WithCancel(parent)
	return &peer{conn: c, ctx: ctx, cancel: cancel, writeTimeout: writeTimeout}
}

// send writes m within the write timeout; a failed write drops the peer.
func (p *peer) send(m *wire.Message) error {
	ctx, cancel := context.WithTimeout(p.ctx, p.writeTimeout)
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
	credit   bool // it honours stream windows (wire.Hello.StreamCredit)
	mu       sync.Mutex
	inflight map[string]*flight // request id → what waits for its answer
	gone     bool
}

// flight is an invocation a dev session owes an answer, and the bridge
// waiting for it.
type flight struct {
	bridge *peer
	// window is a streamed answer's flow-control window (0: none), and owed
	// the cost of the parts the dev session sent that the bridge has not
	// credited yet; owed never exceeds window.
	window, owed int64
	// parts carries a streamed answer, once started, to its own sender, in
	// order. With a window it never fills: a dev session keeping to the
	// window has at most window/PartOverhead parts on their way.
	parts chan *wire.Message
}

var (
	errDuplicate = errors.New("duplicate request id")
	errGone      = errors.New("dev session gone")
)

// track records that bridge b waits for request id, with the stream window
// granted to its answer.
func (d *devSession) track(id string, b *peer, window int64) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.gone:
		return errGone
	case d.inflight[id] != nil:
		return errDuplicate
	}
	d.inflight[id] = &flight{bridge: b, window: window}
	return nil
}

// take removes and returns the flight of id, if any.
func (d *devSession) take(id string) *flight {
	d.mu.Lock()
	defer d.mu.Unlock()
	f := d.inflight[id]
	delete(d.inflight, id)
	return f
}

// end marks d gone and returns what it still owed (streams among them must
// end in order, after their queued parts).
func (d *devSession) end() map[string]*flight {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.gone = true
	owed := d.inflight
	d.inflight = nil
	return owed
}

// forget drops the flights of a bridge that disconnected. A streamed answer
// under way stays until its end: its sender drains the rest unsent.
func (d *devSession) forget(b *peer) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for id, f := range d.inflight {
		if f.bridge == b && f.parts == nil {
			delete(d.inflight, id)
		}
	}
}

// streamPart accounts for a part of a streamed answer from the dev session
// and returns the queue it goes on, starting the stream (and its sender)
// with its first part; nil if nobody waits for it any more. An error means
// the dev session broke the protocol.
func (h *Hub) streamPart(d *devSession, m *wire.Message) (chan *wire.Message, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	f := d.inflight[m.ID]
	if f == nil || d.gone {
		return nil, nil
	}
	if start := m.Type == wire.TypeStreamStart; start != (f.parts == nil) {
		return nil, fmt.Errorf("%w: %s of %q out of order", wire.ErrInvalid, m.Type, m.ID)
	}
	if f.window > 0 {
		f.owed += wire.PartCost(len(m.Payload))
		if f.owed > f.window {
			return nil, fmt.Errorf("%w: the stream of %q has %d bytes in flight, over its %d byte window", wire.ErrInvalid, m.ID, f.owed, f.window)
		}
	}
	if f.parts == nil {
		n := streamQueue
		if f.window > 0 {
			n = int(f.window/wire.PartOverhead) + 2 // every part, and the end
		}
		f.parts = make(chan *wire.Message, n)
		h.wg.Add(1)
		go h.sendParts(d, m.ID, f)
	}
	return f.parts, nil
}

// sendParts is a stream's sender: it writes the parts to the bridge in
// order. Once the bridge is lost the rest is drained unsent, and the dev
// session credited for it, so its function does not wait on a window.
func (h *Hub) sendParts(d *devSession, id string, f *flight) {
	defer h.wg.Done()
	ok := true
	for m := range f.parts {
		ok = ok && f.bridge.send(m) == nil
		if ok || f.window == 0 || (m.Type != wire.TypeStreamStart && m.Type != wire.TypeStreamChunk) {
			continue
		}
		cost := wire.PartCost(len(m.Payload))
		d.mu.Lock()
		f.owed -= cost
		d.mu.Unlock()
		_ = d.send(&wire.Message{Type: wire.TypeStreamCredit, ID: id, Credit: &wire.Credit{Bytes: cost}})
	}
}

// credit passes a bridge's stream credit on to the dev session owing the
// stream; false means the bridge broke the protocol.
func (h *Hub) credit(b *peer, m *wire.Message) bool {
	d := h.dev(b.key)
	if d == nil {
		return true
	}
	d.mu.Lock()
	f := d.inflight[m.ID]
	if f == nil || f.bridge != b || f.window == 0 {
		d.mu.Unlock()
		return true // the stream ended meanwhile
	}
	if m.Credit.Bytes > f.owed {
		d.mu.Unlock()
		return false
	}
	f.owed -= m.Credit.Bytes
	d.mu.Unlock()
	h.goSend(d.peer, m)
	return true
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
	d := &devSession{peer: p, credit: p.hello.StreamCredit, inflight: map[string]*flight{}}
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
			switch f := d.take(m.ID); {
			case f != nil && f.parts != nil: // the end of a streamed answer, after its parts
				f.parts <- m
				close(f.parts)
			case f != nil:
				h.goSend(f.bridge, m)
			default:
				h.opts.Logf("relay hub: dropped the answer to %s: its bridge is gone", m.ID)
			}
		case wire.TypeStreamStart, wire.TypeStreamChunk:
			// Queued for the stream's own sender. Within its window the
			// queue has room; without one (an older dev session) a slow
			// bridge holds this loop back, and so the dev session.
			q, err := h.streamPart(d, m)
			if err != nil {
				h.dropOnError(p, err)
				return
			}
			if q != nil {
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
	for id, f := range d.end() {
		m := wire.Fail(id, wire.ErrTypeDevSessionLost, msg)
		if f.parts != nil {
			f.parts <- &m
			close(f.parts)
			continue
		}
		h.goSend(f.bridge, &m)
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
		case wire.TypeStreamCredit:
			if !h.credit(p, m) {
				h.dropOnError(p, fmt.Errorf("%w: credit of %d bytes for %q exceeds what is in flight", wire.ErrInvalid, m.Credit.Bytes, m.ID))
				return
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

// forward hands an invocation to the dev session, or fails it at once.
func (h *Hub) forward(b *peer, m *wire.Message) {
	d := h.dev(b.key)
	var err error
	if d != nil {
		m = d.windowed(m)
		err = d.track(m.ID, b, m.Invoke.Window)
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

// windowed returns the invoke as d gets it: with the bridge's stream window
// capped at maxStreamWindow, or none for a dev session that does not
// honour windows (a bridge that asked for one copes with either).
func (d *devSession) windowed(m *wire.Message) *wire.Message {
	w := m.Invoke.Window
	if !d.credit {
		w = 0
	}
	w = min(w, maxStreamWindow)
	if w == m.Invoke.Window {
		return m
	}
	inv := *m.Invoke
	inv.Window = w
	fwd := *m
	fwd.Invoke = &inv
	return &fwd
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
