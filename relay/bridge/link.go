package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/lambdev/lambdev/relay/wire"
)

// Bridge timing.
const (
	dialTimeout = 3 * time.Second
	// staleAfter caps how long a link may be silent before it is probed
	// with a ping ahead of an invocation; a link that missed one of the
	// hub's pings (the sandbox was frozen) is probed sooner.
	staleAfter = 2 * time.Second
	// probeTimeout bounds that ping; a dead link is then replaced.
	probeTimeout = 500 * time.Millisecond
	// streamWindow is the flow-control window a streamed answer gets when
	// the hub relays credits: how much may be on its way to this bridge
	// (in wire.PartCost units) before it passed the earlier parts on.
	streamWindow = 1 << 20
)

// link is one authenticated WebSocket to the hub, reused across warm
// invocations. Its reader goroutine answers pings and hands answers over.
type link struct {
	conn *wire.Conn
	// answers holds responses, errors and stream parts, in arrival order.
	// With a window it has room for two windows' worth of parts (a stale
	// stream's and the current one's), so the reader never waits on it.
	answers  chan *wire.Message
	window   int64 // a streamed answer's window; 0 when the hub relays no credits
	pongs    chan struct{}
	dead     chan struct{} // closed when the reader stops
	err      error         // why; set before dead closes
	lastRecv atomic.Int64  // unix nanoseconds of the last fresh frame received
	stale    time.Duration // silence after which alive probes
	pings    pingClock     // tells a fresh hub ping from one a freeze held up (reader only)
	born     time.Time     // the local clock pings are read against
}

// pingClock tells a fresh hub ping from a held-up one. The hub stamps each
// ping with its own clock (ms); the difference between the local clock at
// reading and that stamp is constant for pings read as they arrive, plus
// jitter, and grows by the time a ping waited unread. After Lambda thaws a
// frozen sandbox the bridge reads, at once, the pings sent while it was
// frozen, and then learns the hub closed the link meanwhile: those pings
// must not make the link look alive, or an invocation goes out on it and
// is lost.
//
// Both clocks start at the welcome: the hub's pinger just after sending it,
// the link's as it reads it, so the difference starts near 0 (the one-way
// latency); a sandbox frozen before it read any ping still has a reference.
type pingClock struct {
	best int64 // the smallest local-minus-hub difference seen, ms
}

// fresh reports whether a ping stamped with the hub's clock and read at
// localMs (ms on the link's clock) was read within slackMs of being sent,
// judged against the quickest ping so far. A ping without a stamp (an older
// hub) counts as fresh, as every frame did before. Misjudging a fresh ping
// costs a probe before the next invocation; misjudging a held-up one as
// fresh would lose it.
func (c *pingClock) fresh(stamp string, localMs, slackMs int64) bool {
	hubMs, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil {
		return true
	}
	d := localMs - hubMs
	c.best = min(c.best, d)
	return d-c.best <= slackMs
}

// errUnauthorized is the hub refusing the bridge's stage or token.
var errUnauthorized = errors.New("the relay hub refused this app/stage or token")

// dial connects and authenticates a link.
func dial(ctx context.Context, cfg *config) (*link, error) {
	ctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, cfg.url, &websocket.DialOptions{CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return nil, err
	}
	conn := wire.NewConn(ws)
	hello := &wire.Message{Type: wire.TypeHello, Hello: &wire.Hello{
		Role: wire.RoleBridge, App: cfg.app, Stage: cfg.stage, Token: cfg.token, Function: cfg.function}}
	if err := conn.Send(ctx, hello); err != nil {
		_ = conn.CloseNow()
		return nil, err
	}
	m, err := conn.Recv(ctx)
	if err == nil && m.Type != wire.TypeWelcome {
		err = fmt.Errorf("hub answered %s, want welcome", m.Type)
		if m.Type == wire.TypeBye && m.Bye.Reason == wire.ReasonUnauthorized {
			err = errUnauthorized
		}
	}
	if err != nil {
		_ = conn.CloseNow()
		return nil, err
	}
	l := &link{conn: conn, answers: make(chan *wire.Message, 4), pongs: make(chan struct{}, 1), dead: make(chan struct{}),
		stale: min(staleAfter, time.Duration(m.Welcome.PingIntervalMs)*time.Millisecond)}
	if m.Welcome.StreamCredit {
		l.window = streamWindow
		l.answers = make(chan *wire.Message, 2*streamWindow/wire.PartOverhead+4)
	}
	l.lastRecv.Store(time.Now().UnixNano())
	l.born = time.Now()
	go l.read()
	return l, nil
}

// read dispatches incoming messages until the connection ends.
func (l *link) read() {
	defer close(l.dead)
	for {
		m, err := l.conn.Recv(context.Background())
		if err != nil {
			l.err = err
			_ = l.conn.CloseNow()
			return
		}
		now := time.Now()
		if m.Type != wire.TypePing || l.pings.fresh(m.ID, now.Sub(l.born).Milliseconds(), l.stale.Milliseconds()) {
			l.lastRecv.Store(now.UnixNano())
		}
		switch m.Type {
		case wire.TypeResponse, wire.TypeError, wire.TypeStreamStart, wire.TypeStreamChunk:
			l.answers <- m // at most one invocation is waiting; stale ones are skipped
		case wire.TypePing:
			go func() { _ = l.send(context.Background(), &wire.Message{Type: wire.TypePong, ID: m.ID}) }()
		case wire.TypePong:
			select {
			case l.pongs <- struct{}{}:
			default:
			}
		case wire.TypeBye:
			l.err = fmt.Errorf("hub closed the connection (%s): %s", m.Bye.Reason, m.Bye.Message)
			_ = l.conn.CloseNow()
			return
		}
	}
}

func (l *link) send(ctx context.Context, m *wire.Message) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return l.conn.Send(ctx, m)
}

// alive reports whether the link still works, probing it if it was silent
// for a while (after a freeze the hub may have dropped it).
func (l *link) alive(ctx context.Context) bool {
	select {
	case <-l.dead:
		return false
	default:
	}
	if time.Since(time.Unix(0, l.lastRecv.Load())) < l.stale {
		return true
	}
	select {
	case <-l.pongs: // drain an old pong
	default:
	}
	if l.send(ctx, &wire.Message{Type: wire.TypePing, ID: "probe"}) != nil {
		return false
	}
	t := time.NewTimer(probeTimeout)
	defer t.Stop()
	select {
	case <-l.pongs:
		return true
	case <-l.dead:
	case <-t.C:
	case <-ctx.Done():
	}
	_ = l.conn.CloseNow()
	return false
}

// roundTrip sends one invocation and waits for its answer, the link's end,
// or ctx. sent reports whether the invoke was fully written.
func (l *link) roundTrip(ctx context.Context, m *wire.Message) (ans *wire.Message, sent bool, err error) {
	if err := l.send(ctx, m); err != nil {
		_ = l.conn.CloseNow()
		return nil, false, err
	}
	ans, err = l.await(ctx, m.ID)
	return ans, true, err
}

// await returns the next message for request id (an answer, or a part of a
// streamed one), or why none will come.
func (l *link) await(ctx context.Context, id string) (*wire.Message, error) {
	for {
		select {
		case a := <-l.answers:
			if a.ID == id {
				return a, nil
			}
		case <-l.dead:
			// Answers that arrived just before the end are still queued.
			select {
			case a := <-l.answers:
				if a.ID == id {
					return a, nil
				}
			default:
			}
			return nil, l.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// redact removes the token from URLs in error text.
func redact(err error, cfg *config) string {
	return strings.ReplaceAll(err.Error(), cfg.token, "…")
}
