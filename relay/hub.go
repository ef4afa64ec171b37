package relay

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/lambdev/lambdev/relay/wire"
)

// DefaultHubListen is the hub's default address: loopback only. Expose it
// beyond the machine deliberately (a TLS-terminating proxy in front).
const DefaultHubListen = "127.0.0.1:3200"

// Hub defaults.
const (
	defaultPingInterval     = 10 * time.Second
	defaultHandshakeTimeout = 10 * time.Second
	defaultWriteTimeout     = 30 * time.Second
	defaultMaxPending       = 1024
	// streamQueue is how many parts of one streamed answer without flow
	// control (an older dev session's) may wait for a slow bridge before
	// the dev session's reader waits too.
	streamQueue = 16
	// maxStreamWindow caps the flow-control window the hub grants a dev
	// session for one streamed answer (a bridge may ask for more).
	maxStreamWindow = 1 << 20
)

// HubOptions configures a Hub.
type HubOptions struct {
	// Tokens maps "app/stage" to that stage's shared token; any other stage
	// is refused.
	Tokens map[string]string
	// PingInterval is how often the hub pings each peer (default 10s); a
	// peer silent for three intervals is disconnected.
	PingInterval time.Duration
	// HandshakeTimeout bounds the wait for a peer's hello (default 10s).
	HandshakeTimeout time.Duration
	// WriteTimeout bounds each message written to a peer (default 30s); a
	// peer that takes longer is dropped.
	WriteTimeout time.Duration
	// MaxPending caps the connections still waiting to say hello (default
	// 1024): past it a new one is answered 503 before its upgrade, so a
	// flood of silent connections to a public hub holds at most that many
	// sockets and goroutines until their handshake timeout. The default
	// leaves room for a burst of cold bridges as large as Lambda's default
	// account concurrency (1,000), each of which waits one round trip
	// between its upgrade and its hello.
	MaxPending int
	// Logf receives one line per notable event; nil discards them.
	Logf func(format string, args ...any)
}

// Hub is the relay's WebSocket server: bridges in deployed functions and
// lambdev dev sessions connect to it, and it routes each invocation to the
// dev session of its app/stage. It implements http.Handler.
type Hub struct {
	opts   HubOptions
	tokens map[string][32]byte // "app/stage" → sha256(token)

	ctx    context.Context // ends at Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // ServeHTTP calls and forwarding goroutines

	mu      sync.Mutex
	devs    map[string]*devSession // "app/stage" → the current dev session
	peers   map[*peer]struct{}
	pending int // connections accepted that have not finished their handshake
	closed  bool
}

// NewHub returns a hub accepting the stages in opts.Tokens.
func NewHub(opts HubOptions) (*Hub, error) {
	if opts.PingInterval <= 0 {
		opts.PingInterval = defaultPingInterval
	}
	if opts.HandshakeTimeout <= 0 {
		opts.HandshakeTimeout = defaultHandshakeTimeout
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = defaultWriteTimeout
	}
	if opts.MaxPending <= 0 {
		opts.MaxPending = defaultMaxPending
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	h := &Hub{opts: opts, tokens: map[string][32]byte{}, devs: map[string]*devSession{}, peers: map[*peer]struct{}{}}
	for key, tok := range opts.Tokens {
		app, stage, ok := splitStageKey(key)
		if !ok || tok == "" {
			return nil, fmt.Errorf("relay hub: token key %q must be app/stage with a non-empty token", key)
		}
		h.tokens[app+"/"+stage] = sha256.Sum256([]byte(tok))
	}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	return h, nil
}

// ServeHTTP upgrades the request to a WebSocket and serves one peer until it
// disconnects or the hub closes.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.enter() {
		http.Error(w, "relay hub is shutting down", http.StatusServiceUnavailable)
		return
	}
	defer h.wg.Done()
	helloed, ok := h.admit()
	if !ok {
		h.opts.Logf("relay hub: refused %s: %d connections are already waiting for their hello", r.RemoteAddr, h.opts.MaxPending)
		http.Error(w, "relay hub: too many connections waiting for their hello", http.StatusServiceUnavailable)
		return
	}
	defer helloed()
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		h.opts.Logf("relay hub: upgrade from %s: %v", r.RemoteAddr, err)
		return
	}
	p := newPeer(h.ctx, wire.NewConn(ws), h.opts.WriteTimeout)
	if !h.addPeer(p) {
		_ = p.conn.Close(p.ctx, wire.ReasonShutdown, "relay hub is shutting down")
		return
	}
	defer h.removePeer(p)
	hello, ok := h.handshake(p)
	helloed()
	if !ok {
		return
	}
	p.hello, p.key = *hello, hello.App+"/"+hello.Stage
	var d *devSession
	if hello.Role == wire.RoleDev {
		// Registered before the welcome, so a welcomed dev session is routable.
		d = h.register(p)
		defer h.endDev(d)
	}
	welcome := &wire.Message{Type: wire.TypeWelcome, Welcome: &wire.Welcome{
		PingIntervalMs: h.opts.PingInterval.Milliseconds(), StreamCredit: true}}
	if p.send(welcome) != nil {
		return
	}
	go h.pinger(p)
	if d != nil {
		h.serveDev(d)
	} else {
		h.serveBridge(p)
	}
}

// handshake reads the peer's hello and checks its token.
func (h *Hub) handshake(p *peer) (*wire.Hello, bool) {
	ctx, cancel := context.WithTimeout(p.ctx, h.opts.HandshakeTimeout)
	m, err := p.conn.Recv(ctx)
	cancel()
	if err != nil || m.Type != wire.TypeHello {
		h.opts.Logf("relay hub: no hello: %v", describe(m, err))
		_ = p.conn.Close(p.ctx, wire.ReasonProtocol, "expected hello")
		return nil, false
	}
	if !h.authorized(m.Hello) {
		h.opts.Logf("relay hub: refused %s for %s/%s: unknown stage or wrong token", m.Hello.Role, m.Hello.App, m.Hello.Stage)
		_ = p.conn.Close(p.ctx, wire.ReasonUnauthorized, "unknown app/stage or wrong token")
		return nil, false
	}
	return m.Hello, true
}

// authorized compares token digests in constant time. Unknown stages and
// wrong tokens get the same answer, so stages cannot be enumerated.
func (h *Hub) authorized(hello *wire.Hello) bool {
	want, known := h.tokens[hello.App+"/"+hello.Stage]
	got := sha256.Sum256([]byte(hello.Token))
	match := subtle.ConstantTimeCompare(got[:], want[:]) == 1
	return known && match
}

// Close disconnects every peer (failing in-flight invocations to their
// bridges) and waits for the hub's goroutines. Serve the hub from an
// http.Server and shut that down first, or alongside.
func (h *Hub) Close() error {
	h.mu.Lock()
	h.closed = true
	peers := make([]*peer, 0, len(h.peers))
	for p := range h.peers {
		peers = append(peers, p)
	}
	h.mu.Unlock()
	var wg sync.WaitGroup
	for _, p := range peers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			_ = p.conn.Close(ctx, wire.ReasonShutdown, "relay hub is shutting down")
		}()
	}
	wg.Wait()
	h.cancel()
	h.wg.Wait()
	return nil
}

// enter counts a goroutine that must finish before Close returns.
func (h *Hub) enter() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.wg.Add(1)
	return true
}

// admit counts in a connection that has yet to say hello, unless
// MaxPending are already waiting. helloed counts it out; calls after the
// first do nothing.
func (h *Hub) admit() (helloed func(), ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.pending >= h.opts.MaxPending {
		return nil, false
	}
	h.pending++
	counted := true
	return func() {
		if counted {
			counted = false
			h.mu.Lock()
			h.pending--
			h.mu.Unlock()
		}
	}, true
}

func (h *Hub) addPeer(p *peer) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.peers[p] = struct{}{}
	return true
}

func (h *Hub) removePeer(p *peer) {
	h.mu.Lock()
	delete(h.peers, p)
	h.mu.Unlock()
	p.cancel()
	_ = p.conn.CloseNow()
}

// pinger pings p every interval until p ends; p's read timeout does the rest.
// Each ping carries the milliseconds since the pinger started: a bridge
// thawed after a freeze reads pings that waited in its socket buffer, and
// tells them from fresh ones by that clock (bridge link.go).
func (h *Hub) pinger(p *peer) {
	t := time.NewTicker(h.opts.PingInterval)
	defer t.Stop()
	start := time.Now()
	for {
		select {
		case <-p.ctx.Done():
			return
		case <-t.C:
			ms := strconv.FormatInt(time.Since(start).Milliseconds(), 10)
			if p.send(&wire.Message{Type: wire.TypePing, ID: ms}) != nil {
				return
			}
		}
	}
}
