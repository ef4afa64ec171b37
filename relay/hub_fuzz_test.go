package relay

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/lambdev/lambdev/engine"
	"github.com/lambdev/lambdev/relay/wire"
)

// fuzzFrame builds the frame one 4-byte op of a FuzzHubPeers script asks
// for: a message type, one of four ids, and a size that sets its payload,
// window or credit. The frames are well formed, so the hub's routing, not
// the decoder (FuzzDecode's job), meets them.
func fuzzFrame(op []byte) *wire.Message {
	ids := []string{"a", "b", "c", "d"}
	m := &wire.Message{Type: wire.Type(1 + op[1]%11), ID: ids[op[2]%4]}
	n := int(op[3])
	payload := bytes.Repeat([]byte{'x'}, n*37)
	switch m.Type {
	case wire.TypeHello:
		m.Hello = &wire.Hello{Role: wire.RoleBridge, App: testApp, Stage: testStage, Token: testToken, Function: "echo"}
	case wire.TypeWelcome:
		m.Welcome = &wire.Welcome{PingIntervalMs: int64(n)}
	case wire.TypeInvoke:
		m.Invoke = &wire.Invoke{Function: "echo", DeadlineMs: time.Now().Add(time.Minute).UnixMilli(), RemainingMs: 60000,
			Stream: n%2 == 1, Window: int64(n) * 1024}
		m.Payload = []byte(`{"n":1}`)
	case wire.TypeResponse, wire.TypeStreamStart:
		m.Response = &wire.Response{ContentType: "application/json"}
		m.Payload = payload
	case wire.TypeStreamChunk:
		m.Payload = payload
	case wire.TypeError:
		m.Error = &wire.Error{Type: "Fuzz", Message: "fuzz"}
	case wire.TypeBye:
		m.Bye = &wire.Bye{Reason: wire.ReasonProtocol}
	case wire.TypeStreamCredit:
		m.Credit = &wire.Credit{Bytes: int64(n)*1000 - 500}
	}
	return m
}

// FuzzHubPeers plays a script of well-formed frames, in any order, from a
// dev session and a bridge that the hub has welcomed: answers to
// invocations never made, chunks of streams never started, credits never
// owed, hellos after the handshake, ids reused. Whatever the script, the
// hub must not crash, and once both peers are gone it must still relay an
// invocation between a fresh dev session and a fresh bridge.
func FuzzHubPeers(f *testing.F) {
	for _, seed := range [][]byte{
		{1, 2, 0, 1, 0, 3, 0, 0},                // bridge invokes a; dev answers a
		{1, 2, 0, 1, 0, 3, 0, 0, 0, 3, 0, 0},    // dev answers a twice
		{0, 3, 1, 9},                            // dev answers an invocation never made
		{1, 2, 2, 3, 0, 8, 2, 10, 0, 9, 2, 200}, // a streamed invoke, its start, a chunk
		{1, 10, 3, 255, 1, 10, 3, 255},          // a bridge credits what it was never sent
		{0, 0, 0, 0, 1, 0, 0, 0},                // hellos after the handshake
		{1, 2, 0, 1, 1, 2, 0, 1, 1, 7, 0, 0},    // a reused id, then bye
		{1, 2, 1, 7, 0, 8, 1, 0, 1, 10, 1, 3, 0, 9, 1, 255, 0, 9, 1, 255, 0, 9, 1, 255}, // a window overrun
	} {
		f.Add(seed)
	}
	echo := executorFunc(func(_ context.Context, req engine.Request) (engine.Result, error) {
		return engine.Result{RequestID: req.RequestID, Outcome: engine.OutcomeOK, Payload: req.Payload, ContentType: "application/json"}, nil
	})
	f.Fuzz(func(t *testing.T, script []byte) {
		if len(script) > 4*64 {
			t.Skip("scripts of up to 64 frames")
		}
		_, url := startHub(t, HubOptions{Logf: func(string, ...any) {}})
		hello := func(role wire.Role) *wire.Conn {
			h := bridgeHello(testToken)
			h.Role, h.StreamCredit = role, true
			if role == wire.RoleDev {
				h.Function = ""
			}
			c, m := rawPeer(t, url, h)
			if m.Type != wire.TypeWelcome {
				t.Fatalf("%s: got %s", role, m.Type)
			}
			go func() { // read whatever the hub sends until it hangs up
				for {
					if _, err := c.Recv(context.Background()); err != nil {
						return
					}
				}
			}()
			return c
		}
		peers := []*wire.Conn{hello(wire.RoleDev), hello(wire.RoleBridge)}
		for op := script; len(op) >= 4; op = op[4:] {
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			_ = peers[op[0]%2].Send(ctx, fuzzFrame(op)) // the hub may have hung up already
			cancel()
		}
		for _, c := range peers {
			_ = c.CloseNow()
		}

		connectDev(t, url, testToken, echo, nil)
		c, m := rawPeer(t, url, bridgeHello(testToken))
		if m.Type != wire.TypeWelcome {
			t.Fatalf("a fresh bridge got %s", m.Type)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := c.Send(ctx, invokeMsg("fresh", []byte(`{"ok":1}`))); err != nil {
			t.Fatal(err)
		}
		if ans, err := c.Recv(ctx); err != nil || ans.Type != wire.TypeResponse || ans.ID != "fresh" || string(ans.Payload) != `{"ok":1}` {
			t.Fatalf("after the script, a fresh pair: %v %+v", err, ans)
		}
	})
}
