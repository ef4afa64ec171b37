package relay

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/lambdev/lambdev/engine"
	"github.com/lambdev/lambdev/engine/runtimeapi"
	"github.com/lambdev/lambdev/relay/wire"
)

// streamInvoke is a streamed invoke asking for a flow-control window.
func streamInvoke(id string, window int64) *wire.Message {
	m := invokeMsg(id, []byte(`{}`))
	m.Invoke.Stream, m.Invoke.Window = true, window
	return m
}

// A stream's window holds back that stream only. A bridge that credits
// nothing gets the parts that fit the window and no more, while the same
// dev session answers another invocation; once credited, the rest follows
// in order.
func TestHubHoldsAStreamToItsWindow(t *testing.T) {
	const (
		parts    = 100
		partSize = 32 << 10
		window   = maxStreamWindow
	)
	_, url := startHub(t, HubOptions{})
	part := bytes.Repeat([]byte("w"), partSize)
	connectDev(t, url, testToken, executorFunc(func(ctx context.Context, req engine.Request) (engine.Result, error) {
		if req.Stream == nil { // the other invocation: an echo
			return engine.Result{RequestID: req.RequestID, Outcome: engine.OutcomeOK, Payload: req.Payload}, nil
		}
		req.Stream.Open("text/plain")
		for i := range parts {
			if _, err := req.Stream.Write(append([]byte(strconv.Itoa(i%10)), part[1:]...)); err != nil {
				return engine.Result{}, err
			}
		}
		return engine.Result{RequestID: req.RequestID, Outcome: engine.OutcomeOK, Streamed: parts * partSize}, nil
	}), nil)
	bridge, _ := rawPeer(t, url, bridgeHello(testToken))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := bridge.Send(ctx, streamInvoke("held", window)); err != nil {
		t.Fatal(err)
	}
	recv := func() *wire.Message {
		t.Helper()
		m, err := bridge.Recv(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if m := recv(); m.Type != wire.TypeStreamStart {
		t.Fatalf("first message %s, want stream-start", m.Type)
	}
	owed := wire.PartCost(0)
	fit := int((window - owed) / wire.PartCost(partSize))
	for i := range fit {
		if m := recv(); m.Type != wire.TypeStreamChunk || len(m.Payload) != partSize || m.Payload[0] != byte('0'+i%10) {
			t.Fatalf("part %d: %s of %d bytes", i, m.Type, len(m.Payload))
		}
		owed += wire.PartCost(partSize)
	}
	// The function has more to write, but the window is full: the next
	// message must be the answer to another invocation, not a part.
	if err := bridge.Send(ctx, invokeMsg("other", []byte(`{"n":1}`))); err != nil {
		t.Fatal(err)
	}
	if m := recv(); m.ID != "other" || m.Type != wire.TypeResponse || string(m.Payload) != `{"n":1}` {
		t.Fatalf("got %s for %q while the stream's window was full, want the other invocation's answer", m.Type, m.ID)
	}
	got := fit
	for {
		if owed > window/2 {
			if err := bridge.Send(ctx, &wire.Message{Type: wire.TypeStreamCredit, ID: "held", Credit: &wire.Credit{Bytes: owed}}); err != nil {
				t.Fatal(err)
			}
			owed = 0
		}
		m := recv()
		if m.Type == wire.TypeResponse {
			break
		}
		if m.Type != wire.TypeStreamChunk || m.Payload[0] != byte('0'+got%10) {
			t.Fatalf("part %d: %s %q…", got, m.Type, m.Payload[:1])
		}
		got++
		owed += wire.PartCost(len(m.Payload))
	}
	if got != parts {
		t.Errorf("%d parts arrived, want %d", got, parts)
	}
}

// The hub passes a bridge's window on only to a dev session that honours
// windows, capped at its own, and drops a dev session that overruns one
// (the bridge's invocation then fails as the session's loss).
func TestHubPolicesStreamWindows(t *testing.T) {
	_, url := startHub(t, HubOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	bridge, _ := rawPeer(t, url, bridgeHello(testToken))
	forwarded := func(dev *wire.Conn, id string, window int64) *wire.Message {
		t.Helper()
		if err := bridge.Send(ctx, streamInvoke(id, window)); err != nil {
			t.Fatal(err)
		}
		m, err := dev.Recv(ctx)
		if err != nil || m.Type != wire.TypeInvoke || m.ID != id {
			t.Fatalf("dev session got %v %+v, want invoke %s", err, m, id)
		}
		return m
	}

	old, _ := rawPeer(t, url, &wire.Hello{Role: wire.RoleDev, App: testApp, Stage: testStage, Token: testToken})
	if m := forwarded(old, "old", wire.MaxWindow); m.Invoke.Window != 0 {
		t.Errorf("a dev session without stream credit got window %d, want 0", m.Invoke.Window)
	}
	_ = old.CloseNow()
	// The old session's invocation fails as it goes; that answer is not
	// what this test is about.
	if m, err := bridge.Recv(ctx); err != nil || m.ID != "old" {
		t.Fatalf("got %v %+v, want the old session's failure", err, m)
	}

	dev, _ := rawPeer(t, url, &wire.Hello{Role: wire.RoleDev, App: testApp, Stage: testStage, Token: testToken, StreamCredit: true})
	m := forwarded(dev, "over", wire.MaxWindow)
	if m.Invoke.Window != maxStreamWindow {
		t.Fatalf("window %d, want the hub's cap %d", m.Invoke.Window, maxStreamWindow)
	}
	if err := dev.Send(ctx, &wire.Message{Type: wire.TypeStreamStart, ID: "over", Response: &wire.Response{}}); err != nil {
		t.Fatal(err)
	}
	part := make([]byte, wire.DataPerFrame)
	sent := wire.PartCost(0)
	for sent <= maxStreamWindow {
		if err := dev.Send(ctx, &wire.Message{Type: wire.TypeStreamChunk, ID: "over", Payload: part}); err != nil {
			break // the hub may close before the last part is written
		}
		sent += wire.PartCost(len(part))
	}
	for {
		m, err := dev.Recv(ctx)
		if err != nil {
			t.Fatalf("the dev session was not told why it was dropped: %v", err)
		}
		if m.Type == wire.TypeBye {
			if m.Bye.Reason != wire.ReasonProtocol {
				t.Errorf("bye %s (%s), want protocol", m.Bye.Reason, m.Bye.Message)
			}
			break
		}
	}
	var types []string
	for {
		m, err := bridge.Recv(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if m.Type == wire.TypeError {
			if m.Error.Type != wire.ErrTypeDevSessionLost {
				t.Errorf("the stream ended with %s, want %s", m.Error.Type, wire.ErrTypeDevSessionLost)
			}
			break
		}
		types = append(types, m.Type.String())
	}
	if len(types) == 0 || types[0] != "stream-start" || len(types) > int(maxStreamWindow/wire.PartCost(len(part)))+1 {
		t.Errorf("the bridge got %v before the failure: want the start and only the parts within the window", types)
	}
}

// A bridge crediting more than the dev session sent it is dropped: credit
// it never owed would let a dev session overrun the hub.
func TestHubDropsABridgeThatOverCredits(t *testing.T) {
	_, url := startHub(t, HubOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dev, _ := rawPeer(t, url, &wire.Hello{Role: wire.RoleDev, App: testApp, Stage: testStage, Token: testToken, StreamCredit: true})
	bridge, _ := rawPeer(t, url, bridgeHello(testToken))
	if err := bridge.Send(ctx, streamInvoke("credit", maxStreamWindow)); err != nil {
		t.Fatal(err)
	}
	if m, err := dev.Recv(ctx); err != nil || m.Type != wire.TypeInvoke {
		t.Fatalf("dev session got %v %+v", err, m)
	}
	if err := dev.Send(ctx, &wire.Message{Type: wire.TypeStreamStart, ID: "credit", Response: &wire.Response{}}); err != nil {
		t.Fatal(err)
	}
	if m, err := bridge.Recv(ctx); err != nil || m.Type != wire.TypeStreamStart {
		t.Fatalf("bridge got %v %+v", err, m)
	}
	// The start is owed; crediting it is fine and reaches the dev session.
	if err := bridge.Send(ctx, &wire.Message{Type: wire.TypeStreamCredit, ID: "credit", Credit: &wire.Credit{Bytes: wire.PartCost(0)}}); err != nil {
		t.Fatal(err)
	}
	if m, err := dev.Recv(ctx); err != nil || m.Type != wire.TypeStreamCredit || m.Credit.Bytes != wire.PartCost(0) {
		t.Fatalf("dev session got %v %+v, want the credit", err, m)
	}
	if err := bridge.Send(ctx, &wire.Message{Type: wire.TypeStreamCredit, ID: "credit", Credit: &wire.Credit{Bytes: 1}}); err != nil {
		t.Fatal(err)
	}
	m, err := bridge.Recv(ctx)
	if err != nil || m.Type != wire.TypeBye || m.Bye.Reason != wire.ReasonProtocol {
		t.Fatalf("bridge got %v %+v, want a protocol bye", err, m)
	}
}

// scriptedHub is a hub played by the test: it welcomes a bridge with
// credits on or off, answers each streamed invoke with a start and parts
// of partSize bytes up to size, then the end, and records what the bridge
// sent back.
type scriptedHub struct {
	credit   bool
	partSize int
	size     int

	windows chan int64 // Invoke.Window of each invoke
	credits atomic.Int64
}

func (h *scriptedHub) serve(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	conn := wire.NewConn(ws)
	defer conn.CloseNow()
	ctx := r.Context()
	if _, err := conn.Recv(ctx); err != nil { // hello
		return
	}
	_ = conn.Send(ctx, &wire.Message{Type: wire.TypeWelcome, Welcome: &wire.Welcome{PingIntervalMs: 60000, StreamCredit: h.credit}})
	for {
		m, err := conn.Recv(ctx)
		if err != nil {
			return
		}
		switch m.Type {
		case wire.TypeStreamCredit:
			h.credits.Add(m.Credit.Bytes)
		case wire.TypeInvoke:
			h.windows <- m.Invoke.Window
			_ = conn.Send(ctx, &wire.Message{Type: wire.TypeStreamStart, ID: m.ID, Response: &wire.Response{ContentType: "text/plain"}})
			part := bytes.Repeat([]byte("p"), h.partSize)
			for sent := 0; sent < h.size; sent += h.partSize {
				_ = conn.Send(ctx, &wire.Message{Type: wire.TypeStreamChunk, ID: m.ID, Payload: part})
			}
			_ = conn.Send(ctx, &wire.Message{Type: wire.TypeResponse, ID: m.ID, Response: &wire.Response{}})
		}
	}
}

// The real bridge asks for a window only from a hub whose welcome says it
// relays credits, and credits what it passed on to Lambda; behind an older
// hub it asks for none and sends no credit frame it would not know.
func TestBridgeNegotiatesStreamCredit(t *testing.T) {
	bin := buildBridge(t)
	const partSize, size = 32 << 10, 2 << 20
	for _, credit := range []bool{true, false} {
		h := &scriptedHub{credit: credit, partSize: partSize, size: size, windows: make(chan int64, 1)}
		srv := httptest.NewServer(http.HandlerFunc(h.serve))
		b := startBridge(t, bin, "ws"+strings.TrimPrefix(srv.URL, "http"), testToken, "gourl", "LAMBDEV_STREAM=1")
		b.ready(t)
		s := newPartsStream()
		done := b.invokeStreaming("negotiated-"+strconv.FormatBool(credit), []byte(`{}`), s)
		var got int
		for got < size {
			got += len(awaitPart(t, s.parts))
		}
		ans := <-done
		window := <-h.windows
		parts := int64(size / partSize)
		passed := wire.PartCost(0) + parts*wire.PartCost(partSize)
		// The last credit may still be on its way to the scripted hub.
		for end := time.Now().Add(5 * time.Second); credit && h.credits.Load() < passed-window/4 && time.Now().Before(end); {
			time.Sleep(10 * time.Millisecond) // polling a condition
		}
		srv.Close()
		if ans.Kind != runtimeapi.KindResponse || got != size {
			t.Fatalf("credit %v: %s after %d of %d bytes", credit, ans.Kind, got, size)
		}
		// The bridge credits a quarter window at a time: all but the last
		// quarter of what it passed on has been credited by the end.
		switch c := h.credits.Load(); {
		case credit && window != 1<<20:
			t.Errorf("behind a crediting hub the bridge asked for window %d, want 1 MiB", window)
		case credit && (c > passed || c < passed-window/4):
			t.Errorf("the bridge credited %d of the %d it passed on", c, passed)
		case !credit && (window != 0 || c != 0):
			t.Errorf("behind an older hub the bridge asked for window %d and credited %d, want neither", window, c)
		}
	}
}
