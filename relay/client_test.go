package relay

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/lambdev/lambdev/engine"
	"github.com/lambdev/lambdev/relay/wire"
)

// echoExec answers every invocation with its payload.
var echoExec = executorFunc(func(_ context.Context, req engine.Request) (engine.Result, error) {
	return engine.Result{RequestID: req.RequestID, Outcome: engine.OutcomeOK, Payload: req.Payload}, nil
})

// stateLog records a client's state changes.
type stateLog struct {
	states chan State
	errs   chan error
}

func newStateLog() *stateLog {
	return &stateLog{states: make(chan State, 64), errs: make(chan error, 64)}
}

func (l *stateLog) record(s State, err error) {
	l.states <- s
	if err != nil {
		l.errs <- err
	}
}

func (l *stateLog) waitErr(t *testing.T, want error) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case err := <-l.errs:
			if errors.Is(err, want) {
				return
			}
		case <-timeout:
			t.Fatalf("client never reported %v", want)
		}
	}
}

func connectLogged(t *testing.T, url, token string, ex Executor, hc *http.Client) (*Client, *stateLog) {
	t.Helper()
	log := newStateLog()
	c, err := Connect(context.Background(), ClientOptions{URL: url, Token: token, App: testApp, Stage: testStage,
		Executor: ex, HTTPClient: hc, Logf: t.Logf, OnState: log.record, MinBackoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c, log
}

// roundTripRaw sends one invocation as a raw bridge and returns the answer.
func roundTripRaw(t *testing.T, url, id string) *wire.Message {
	t.Helper()
	c, _ := rawPeer(t, url, bridgeHello(testToken))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Send(ctx, invokeMsg(id, []byte(`{"id":"`+id+`"}`))); err != nil {
		t.Fatal(err)
	}
	m, err := c.Recv(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestClientReplacedByNewerSession(t *testing.T) {
	_, url := startHub(t, HubOptions{})
	old, oldLog := connectLogged(t, url, testToken, executorFunc(func(context.Context, engine.Request) (engine.Result, error) {
		t.Error("the replaced session executed an invocation")
		return engine.Result{}, nil
	}), nil)
	waitState(t, oldLog.states, StateConnected)
	connectDev(t, url, testToken, echoExec, nil)
	oldLog.waitErr(t, ErrReplaced)
	select {
	case <-old.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the replaced client kept running")
	}
	if old.State() != StateDisconnected {
		t.Errorf("replaced client is %s", old.State())
	}
	if m := roundTripRaw(t, url, "after-replace"); m.Type != wire.TypeResponse {
		t.Errorf("after replacement: %s %+v", m.Type, m.Error)
	}
}

func TestClientUnauthorized(t *testing.T) {
	_, url := startHub(t, HubOptions{})
	var calls atomic.Int64
	c, log := connectLogged(t, url, "wrong", executorFunc(func(context.Context, engine.Request) (engine.Result, error) {
		calls.Add(1)
		return engine.Result{}, nil
	}), nil)
	log.waitErr(t, ErrUnauthorized)
	if s := c.State(); s == StateConnected {
		t.Errorf("state %s with a wrong token", s)
	}
	if m := roundTripRaw(t, url, "r"); m.Type != wire.TypeError || m.Error.Type != wire.ErrTypeNoDevSession {
		t.Errorf("a refused dev session received invocations: %s %+v", m.Type, m.Error)
	}
	if calls.Load() != 0 {
		t.Error("executor called")
	}
}

func TestClientReconnects(t *testing.T) {
	_, url := startHub(t, HubOptions{})
	var tracker connTracker
	_, log := connectLogged(t, url, testToken, echoExec, tracker.client())
	waitState(t, log.states, StateConnected)
	tracker.cut()
	waitState(t, log.states, StateDisconnected)
	waitState(t, log.states, StateConnected)
	if m := roundTripRaw(t, url, "after-reconnect"); m.Type != wire.TypeResponse || string(m.Payload) != `{"id":"after-reconnect"}` {
		t.Errorf("after reconnecting: %s %+v %s", m.Type, m.Error, m.Payload)
	}
}

// TestClientDedupesRedelivery has a scripted hub deliver the same request
// id twice while the first is executing: it runs once and is answered once.
func TestClientDedupesRedelivery(t *testing.T) {
	gate := make(chan struct{})
	var calls atomic.Int64
	ex := executorFunc(func(_ context.Context, req engine.Request) (engine.Result, error) {
		calls.Add(1)
		<-gate
		return engine.Result{Outcome: engine.OutcomeOK, Payload: req.Payload}, nil
	})
	script := make(chan *wire.Conn, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		c := wire.NewConn(ws)
		if m, err := c.Recv(r.Context()); err != nil || m.Type != wire.TypeHello {
			return
		}
		_ = c.Send(r.Context(), &wire.Message{Type: wire.TypeWelcome, Welcome: &wire.Welcome{PingIntervalMs: 10000}})
		script <- c
		<-r.Context().Done()
	}))
	defer srv.Close()
	c, _ := connectLogged(t, "http"+strings.TrimPrefix(srv.URL, "http"), testToken, ex, nil)
	hub := <-script
	defer hub.CloseNow()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, m := range []*wire.Message{invokeMsg("dup", []byte(`1`)), invokeMsg("dup", []byte(`1`)), {Type: wire.TypePing, ID: "p"}} {
		if err := hub.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if m, err := hub.Recv(ctx); err != nil || m.Type != wire.TypePong {
		t.Fatalf("want pong, got %v %+v", err, m)
	}
	c.mu.Lock()
	inflight := len(c.inflight)
	c.mu.Unlock()
	if inflight != 1 {
		t.Errorf("%d invocations in flight after a redelivery, want 1", inflight)
	}
	close(gate)
	if m, err := hub.Recv(ctx); err != nil || m.Type != wire.TypeResponse || m.ID != "dup" {
		t.Fatalf("want the answer, got %v %+v", err, m)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("executed %d times, want once", n)
	}
}

func TestConnectValidates(t *testing.T) {
	ok := ClientOptions{URL: "wss://relay.example.com", Token: "t", App: "a", Stage: "s", Executor: echoExec}
	tests := []struct {
		name string
		edit func(*ClientOptions)
	}{
		{"scheme", func(o *ClientOptions) { o.URL = "ftp://x" }},
		{"no host", func(o *ClientOptions) { o.URL = "ws:///path" }},
		{"bad app", func(o *ClientOptions) { o.App = "a b" }},
		{"no token", func(o *ClientOptions) { o.Token = "" }},
		{"no executor", func(o *ClientOptions) { o.Executor = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ok
			tt.edit(&o)
			if c, err := Connect(context.Background(), o); err == nil {
				_ = c.Close()
				t.Error("accepted")
			}
		})
	}
}
