package relay

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/lambdev/lambdev/engine"
	"github.com/lambdev/lambdev/relay/wire"
)

// rawPeer dials the hub with the wire protocol directly, as a bridge would.
func rawPeer(t *testing.T, url string, hello *wire.Hello) (*wire.Conn, *wire.Message) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := wire.NewConn(ws)
	t.Cleanup(func() { _ = c.CloseNow() })
	if hello == nil {
		return c, nil
	}
	if err := c.Send(ctx, &wire.Message{Type: wire.TypeHello, Hello: hello}); err != nil {
		t.Fatal(err)
	}
	m, err := c.Recv(ctx)
	if err != nil {
		t.Fatalf("handshake: %v", err)
	}
	return c, m
}

func bridgeHello(token string) *wire.Hello {
	return &wire.Hello{Role: wire.RoleBridge, App: testApp, Stage: testStage, Token: token, Function: "echo"}
}

func invokeMsg(id string, payload []byte) *wire.Message {
	return &wire.Message{Type: wire.TypeInvoke, ID: id, Payload: payload,
		Invoke: &wire.Invoke{Function: "echo", DeadlineMs: time.Now().Add(time.Minute).UnixMilli(), RemainingMs: 60000}}
}

// barrierExec answers with the payload once n invocations are in flight at
// the same time, proving they were concurrent.
type barrierExec struct {
	n     int
	mu    sync.Mutex
	count int
	all   chan struct{}
}

func (b *barrierExec) Invoke(ctx context.Context, req engine.Request) (engine.Result, error) {
	b.mu.Lock()
	if b.count++; b.count == b.n {
		close(b.all)
	}
	b.mu.Unlock()
	select {
	case <-b.all:
	case <-ctx.Done():
		return engine.Result{}, ctx.Err()
	}
	return engine.Result{RequestID: req.RequestID, Outcome: engine.OutcomeOK, Payload: req.Payload, ContentType: "application/json"}, nil
}

// TestHubConcurrent sends 50 invocations at once, from 50 bridge
// connections, through one dev session; each gets its own answer once.
func TestHubConcurrent(t *testing.T) {
	const n = 50
	_, url := startHub(t, HubOptions{})
	ex := &barrierExec{n: n, all: make(chan struct{})}
	connectDev(t, url, testToken, ex, nil)
	var wg sync.WaitGroup
	for i := range n {
		c, m := rawPeer(t, url, bridgeHello(testToken))
		if m.Type != wire.TypeWelcome {
			t.Fatalf("bridge %d: got %s", i, m.Type)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("req-%d", i)
			payload := bytes.Repeat([]byte{byte('a' + i%26)}, 1000*i)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := c.Send(ctx, invokeMsg(id, payload)); err != nil {
				t.Error(err)
				return
			}
			ans, err := c.Recv(ctx)
			if err != nil || ans.Type != wire.TypeResponse || ans.ID != id || !bytes.Equal(ans.Payload, payload) {
				t.Errorf("bridge %d: %v %+v", i, err, ans)
			}
		}()
	}
	wg.Wait()
}

func TestHubRefusesBadPeers(t *testing.T) {
	_, url := startHub(t, HubOptions{HandshakeTimeout: 200 * time.Millisecond})
	tests := []struct {
		name  string
		hello *wire.Hello
	}{
		{"wrong token", bridgeHello("nope")},
		{"unknown stage", &wire.Hello{Role: wire.RoleBridge, App: testApp, Stage: "prod", Token: testToken, Function: "echo"}},
		{"dev with wrong token", &wire.Hello{Role: wire.RoleDev, App: testApp, Stage: testStage, Token: testToken + "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, m := rawPeer(t, url, tt.hello)
			if m.Type != wire.TypeBye || m.Bye.Reason != wire.ReasonUnauthorized {
				t.Fatalf("got %s %+v, want bye unauthorized", m.Type, m.Bye)
			}
			_, err := c.Recv(context.Background())
			if s := websocket.CloseStatus(err); s != websocket.StatusPolicyViolation {
				t.Errorf("close status %v (%v), want policy violation", s, err)
			}
		})
	}
	t.Run("oversized frame", func(t *testing.T) {
		c, _ := rawPeer(t, url, nil)
		ws := c.WebSocket()
		ctx := context.Background()
		_ = ws.Write(ctx, websocket.MessageBinary, make([]byte, wire.MaxFrame+1))
		_, _, err := ws.Read(ctx)
		if s := websocket.CloseStatus(err); s != websocket.StatusMessageTooBig {
			t.Errorf("close status %v (%v), want message too big", s, err)
		}
	})
	t.Run("garbage frame", func(t *testing.T) {
		c, _ := rawPeer(t, url, nil)
		_ = c.WebSocket().Write(context.Background(), websocket.MessageBinary, []byte("GET / HTTP/1.1\r\n\r\n"))
		m, err := c.Recv(context.Background())
		if err != nil || m.Type != wire.TypeBye || m.Bye.Reason != wire.ReasonProtocol {
			t.Errorf("got %v %+v, want bye protocol", err, m)
		}
	})
	t.Run("no hello", func(t *testing.T) {
		c, _ := rawPeer(t, url, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		// The hub's handshake timeout drops the connection (no bye: coder/websocket
		// closes a connection whose read context ends).
		if m, err := c.Recv(ctx); err == nil || ctx.Err() != nil {
			t.Errorf("got %+v %v, want the hub to drop a silent peer after its handshake timeout", m, err)
		}
	})
}

func TestHubNoDevSessionAndDuplicate(t *testing.T) {
	_, url := startHub(t, HubOptions{})
	c, _ := rawPeer(t, url, bridgeHello(testToken))
	ctx := context.Background()
	if err := c.Send(ctx, invokeMsg("r1", []byte(`{}`))); err != nil {
		t.Fatal(err)
	}
	m, err := c.Recv(ctx)
	if err != nil || m.Type != wire.TypeError || m.Error.Type != wire.ErrTypeNoDevSession || m.Error.Message != NoDevSessionMessage(testApp, testStage) {
		t.Fatalf("got %v %+v, want %s", err, m, wire.ErrTypeNoDevSession)
	}

	gate := make(chan struct{})
	defer close(gate)
	connectDev(t, url, testToken, executorFunc(func(ctx context.Context, req engine.Request) (engine.Result, error) {
		<-gate
		return engine.Result{Outcome: engine.OutcomeOK}, nil
	}), nil)
	for range 2 {
		if err := c.Send(ctx, invokeMsg("r2", []byte(`{}`))); err != nil {
			t.Fatal(err)
		}
	}
	m, err = c.Recv(ctx)
	if err != nil || m.Type != wire.TypeError || m.Error.Type != wire.ErrTypeDuplicate || m.ID != "r2" {
		t.Fatalf("got %v %+v, want %s for the second r2", err, m, wire.ErrTypeDuplicate)
	}
}

// executorFunc adapts a function to Executor.
type executorFunc func(context.Context, engine.Request) (engine.Result, error)

func (f executorFunc) Invoke(ctx context.Context, req engine.Request) (engine.Result, error) {
	return f(ctx, req)
}

func TestNewHubRejectsBadTokens(t *testing.T) {
	for _, tokens := range []map[string]string{{"app": "t"}, {"app/": "t"}, {"a/b/c": "t"}, {"a/b": ""}} {
		if _, err := NewHub(HubOptions{Tokens: tokens}); err == nil {
			t.Errorf("NewHub(%v) accepted", tokens)
		}
	}
}

// A public hub caps the connections still waiting to say hello: past
// MaxPending a new one is refused 503 before its upgrade, and a slot frees
// as soon as a waiting peer's handshake ends.
func TestHubCapsConnectionsAwaitingHello(t *testing.T) {
	_, url := startHub(t, HubOptions{MaxPending: 2})
	silent, _ := rawPeer(t, url, nil)
	rawPeer(t, url, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, resp, err := websocket.Dial(ctx, url, nil)
	if err == nil {
		ws.CloseNow()
		t.Fatal("a third connection awaiting its hello was accepted; want 503")
	}
	if resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("third connection: %v, response %+v; want 503", err, resp)
	}
	// One waiting peer says hello: once welcomed, its slot is free.
	if err := silent.Send(ctx, &wire.Message{Type: wire.TypeHello, Hello: bridgeHello(testToken)}); err != nil {
		t.Fatal(err)
	}
	if m, err := silent.Recv(ctx); err != nil || m.Type != wire.TypeWelcome {
		t.Fatalf("hello: %v %+v", err, m)
	}
	if _, m := rawPeer(t, url, bridgeHello(testToken)); m.Type != wire.TypeWelcome {
		t.Fatalf("after a slot freed: got %s", m.Type)
	}
}
