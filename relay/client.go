package relay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/lambdev/lambdev/engine"
	"github.com/lambdev/lambdev/relay/wire"
)

// Executor runs relayed invocations; *engine.Engine implements it.
type Executor interface {
	Invoke(ctx context.Context, req engine.Request) (engine.Result, error)
}

// State is a Client's connection state, for the TUI status bar.
type State int

// Client states.
const (
	StateConnecting   State = iota // dialling or handshaking
	StateConnected                 // welcomed by the hub; invocations flow
	StateDisconnected              // down; retrying after a backoff unless stopped
)

// String names the state.
func (s State) String() string {
	switch s {
	case StateConnecting:
		return "connecting"
	case StateConnected:
		return "connected"
	case StateDisconnected:
		return "disconnected"
	}
	return "unknown"
}

// Client defaults.
const (
	defaultMinBackoff = 250 * time.Millisecond
	defaultMaxBackoff = 30 * time.Second
	clientDialTimeout = 10 * time.Second
	answerTimeout     = 30 * time.Second
)

// ClientOptions configures a dev session's connection to a hub.
type ClientOptions struct {
	// URL is the hub (config.Project.Relay): ws://, wss://, http:// or https://.
	URL string
	// Token is the stage's token; App and Stage name the stage.
	Token, App, Stage string
	// Executor runs the invocations (the engine).
	Executor Executor
	// Logf receives one line per notable event; nil discards them.
	Logf func(format string, args ...any)
	// OnState, if set, is called on every state change with the state and
	// the error that caused it (nil when none). It runs on the client's
	// goroutine and must not block.
	OnState func(State, error)
	// HTTPClient dials the hub; nil means http.DefaultClient.
	HTTPClient *http.Client
	// MinBackoff and MaxBackoff bound reconnect delays (250ms, 30s).
	MinBackoff, MaxBackoff time.Duration
}

// ErrReplaced means a newer dev session for the same stage took over; the
// client stops rather than take the stage back.
var ErrReplaced = errors.New("a newer lambdev dev session took over this stage")

// ErrUnauthorized means the hub refused the stage or token.
var ErrUnauthorized = errors.New("the relay hub refused the app/stage or token")

// Client is a dev session's connection to the hub. It reconnects with
// backoff and executes relayed invocations through the Executor.
type Client struct {
	opts   ClientOptions
	url    string
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	mu       sync.Mutex
	state    State
	err      error
	inflight map[string]*relayStream // request ids executing now (with their stream, if streamed)
}

// Connect validates opts and starts connecting in the background; it does
// not wait for the hub. Stop the client with Close (or by ending ctx).
func Connect(ctx context.Context, opts ClientOptions) (*Client, error) {
	u, err := hubURL(opts.URL)
	if err != nil {
		return nil, err
	}
	hello := wire.Hello{Role: wire.RoleDev, App: opts.App, Stage: opts.Stage, Token: opts.Token, StreamCredit: true}
	if err := (&wire.Message{Type: wire.TypeHello, Hello: &hello}).Validate(); err != nil {
		return nil, fmt.Errorf("relay client: %w", err)
	}
	if opts.Executor == nil {
		return nil, errors.New("relay client: no executor")
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = defaultMinBackoff
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = max(defaultMaxBackoff, opts.MinBackoff)
	}
	c := &Client{opts: opts, url: u, done: make(chan struct{}), inflight: map[string]*relayStream{}}
	c.ctx, c.cancel = context.WithCancel(ctx)
	go c.run()
	return c, nil
}

// hubURL turns a relay URL into the WebSocket URL to dial.
func hubURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("relay URL %q: %w", raw, err)
	}
	switch u.Scheme {
	case "ws", "wss":
	case "http":
		u.Scheme = "ws"
	case "https":
		u.Scheme = "wss"
	default:
		return "", fmt.Errorf("relay URL %q: scheme must be ws, wss, http or https", raw)
	}
	if u.Host == "" {
		return "", fmt.Errorf("relay URL %q has no host", raw)
	}
	return u.String(), nil
}

// State is the current connection state.
func (c *Client) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// Err is why the client last left StateConnected (nil if it never did).
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Done is closed once the client has stopped for good: after Close, when
// ctx ended, or after ErrReplaced.
func (c *Client) Done() <-chan struct{} { return c.done }

// Close says goodbye to the hub and stops reconnecting. Invocations still
// executing finish in the engine; their answers are dropped.
func (c *Client) Close() error {
	c.cancel()
	<-c.done
	return nil
}

func (c *Client) setState(s State, err error) {
	c.mu.Lock()
	changed := c.state != s || err != nil
	c.state = s
	if err != nil {
		c.err = err
	}
	c.mu.Unlock()
	if changed && c.opts.OnState != nil {
		c.opts.OnState(s, err)
	}
}

// run connects, serves, and reconnects with exponential backoff.
func (c *Client) run() {
	defer close(c.done)
	backoff := c.opts.MinBackoff
	for {
		connected, err := c.session()
		if c.ctx.Err() != nil {
			c.setState(StateDisconnected, nil)
			return
		}
		c.setState(StateDisconnected, err)
		if errors.Is(err, ErrReplaced) {
			c.opts.Logf("relay: %v; not reconnecting", err)
			return
		}
		if connected {
			backoff = c.opts.MinBackoff
		}
		c.opts.Logf("relay: disconnected from %s: %v; retrying in %s", c.url, err, backoff)
		t := time.NewTimer(backoff)
		select {
		case <-c.ctx.Done():
			t.Stop()
			c.setState(StateDisconnected, nil)
			return
		case <-t.C:
		}
		backoff = min(2*backoff, c.opts.MaxBackoff)
	}
}
