package relay

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/lambdev/lambdev/engine"
	"github.com/lambdev/lambdev/engine/runtimeapi"
	"github.com/lambdev/lambdev/relay/wire"
)

// partsStream is a runtimeapi.Stream standing in for Lambda's streaming
// client: it hands each part to the test as it arrives.
type partsStream struct {
	mu    sync.Mutex
	ct    string
	body  strings.Builder
	parts chan string
}

func newPartsStream() *partsStream { return &partsStream{parts: make(chan string, 256)} }

func (s *partsStream) Open(ct string) {
	s.mu.Lock()
	s.ct = ct
	s.mu.Unlock()
}

func (s *partsStream) Write(p []byte) (int, error) {
	s.mu.Lock()
	s.body.Write(p)
	s.mu.Unlock()
	s.parts <- string(p)
	return len(p), nil
}

func (s *partsStream) got() (string, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ct, s.body.String()
}

// invokeStreaming invokes through the bridge's Runtime API as Lambda does
// for a RESPONSE_STREAM URL, in the background.
func (b *bridgeProc) invokeStreaming(id string, payload []byte, s runtimeapi.Stream) <-chan runtimeapi.Answer {
	done := make(chan runtimeapi.Answer, 1)
	go func() {
		ans, _ := b.api.Invoke(context.Background(), runtimeapi.Invocation{
			RequestID: id, Payload: payload, Deadline: time.Now().Add(30 * time.Second),
			FunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:streamtest-dev-nodestream",
			Stream:      s,
		})
		done <- ans
	}()
	return done
}

func awaitPart(t *testing.T, parts <-chan string) string {
	t.Helper()
	select {
	case p := <-parts:
		return p
	case <-time.After(30 * time.Second):
		t.Fatal("no streamed part within 30s")
	}
	return ""
}

// A deployed bridge whose function URL streams (LAMBDEV_STREAM=1) passes the
// dev session's answer on as it is written: the first part reaches Lambda's
// side while the local handler still waits on the FIFO, through the hub.
func TestBridgeStreams(t *testing.T) {
	f := newStreamGateway(t) // its engine runs the streaming handlers
	bin := buildBridge(t)
	_, url := startHub(t, HubOptions{})
	connectDev(t, url, testToken, f.eng, nil)

	t.Run("progressive", func(t *testing.T) {
		b := startBridge(t, bin, url, testToken, "nodestream", "LAMBDEV_STREAM=1")
		b.ready(t)
		path := mkfifo(t)
		s := newPartsStream()
		done := b.invokeStreaming("stream-relay-1", []byte(`{"fifo":"`+path+`"}`), s)
		if p := awaitPart(t, s.parts); p != "one\n" {
			t.Fatalf("first part %q, want \"one\\n\"", p)
		}
		feed(t, path, "two\n")
		var ans runtimeapi.Answer
		select {
		case ans = <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("the streamed invocation did not end")
		}
		ct, body := s.got()
		if ans.Kind != runtimeapi.KindResponse || ans.Streamed != 8 || body != "one\ntwo\n" || ct != "application/octet-stream" {
			t.Errorf("answer %+v (%s), streamed %q as %q", ans, ans.Body, body, ct)
		}
	})
	t.Run("error after the first part", func(t *testing.T) {
		b := startBridge(t, bin, url, testToken, "gostream", "LAMBDEV_STREAM=1")
		b.ready(t)
		s := newPartsStream()
		ans := <-b.invokeStreaming("stream-relay-2", []byte(`{"op":"fail"}`), s)
		_, body := s.got()
		if body != "partial" || ans.Kind != runtimeapi.KindError || !strings.Contains(string(ans.Body), "the source went away") {
			t.Errorf("streamed %q, answer %s %s: %s", body, ans.Kind, ans.ErrorType, ans.Body)
		}
	})
	t.Run("without LAMBDEV_STREAM the answer is buffered", func(t *testing.T) {
		b := startBridge(t, bin, url, testToken, "gostream")
		b.ready(t)
		ans, _, _ := b.invoke(t, []byte(`{"op":"fail"}`), 30*time.Second)
		if ans.Kind != runtimeapi.KindError || !strings.Contains(string(ans.Body), "the source went away") {
			t.Errorf("answer %s %s: %s", ans.Kind, ans.ErrorType, ans.Body)
		}
	})
}

// The hub keeps a streamed answer's parts in order, and ends it after them:
// a dev session streams 300 parts to a bridge speaking the wire protocol.
func TestHubStreamsInOrder(t *testing.T) {
	const parts = 300
	_, url := startHub(t, HubOptions{})
	connectDev(t, url, testToken, executorFunc(func(ctx context.Context, req engine.Request) (engine.Result, error) {
		if req.Stream == nil {
			return engine.Result{}, errors.New("the invocation was not streamed")
		}
		req.Stream.Open("text/plain")
		for i := range parts {
			if _, err := req.Stream.Write([]byte(strconv.Itoa(i) + ",")); err != nil {
				return engine.Result{}, err
			}
		}
		return engine.Result{RequestID: req.RequestID, Outcome: engine.OutcomeOK, Payload: []byte("preview"), Streamed: 1}, nil
	}), nil)
	bridge, _ := rawPeer(t, url, bridgeHello(testToken))
	m := invokeMsg("ordered", []byte(`{}`))
	m.Invoke.Stream = true
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := bridge.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	recv := func() *wire.Message {
		got, err := bridge.Recv(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != "ordered" {
			t.Fatalf("message for %q", got.ID)
		}
		return got
	}
	if start := recv(); start.Type != wire.TypeStreamStart || start.Response.ContentType != "text/plain" {
		t.Fatalf("first message %s %+v, want stream-start text/plain", start.Type, start.Response)
	}
	for i := range parts {
		if c := recv(); c.Type != wire.TypeStreamChunk || string(c.Payload) != strconv.Itoa(i)+"," {
			t.Fatalf("part %d: %s %q", i, c.Type, c.Payload)
		}
	}
	if end := recv(); end.Type != wire.TypeResponse || len(end.Payload) != 0 {
		t.Errorf("end: %s with %q, want an empty response", end.Type, end.Payload)
	}
}

// A bridge that is sent a stream's part before its start (a broken hub)
// fails the invocation as a lost connection, and serves the next one on a
// fresh link, rather than crashing on a message it cannot post.
func TestBridgeRejectsAPartBeforeTheStart(t *testing.T) {
	bin := buildBridge(t)
	var dials atomic.Int32
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
		dials.Add(1)
		_ = conn.Send(ctx, &wire.Message{Type: wire.TypeWelcome, Welcome: &wire.Welcome{PingIntervalMs: 60000}})
		for {
			m, err := conn.Recv(ctx)
			if err != nil {
				return
			}
			if m.Type == wire.TypeInvoke {
				_ = conn.Send(ctx, &wire.Message{Type: wire.TypeStreamChunk, ID: m.ID, Payload: []byte("orphan")})
			}
		}
	}))
	defer hub.Close()
	b := startBridge(t, bin, "ws"+strings.TrimPrefix(hub.URL, "http"), testToken, "gourl", "LAMBDEV_STREAM=1")
	b.ready(t)
	for i := range 2 {
		ans, _, _ := b.invoke(t, []byte(`{}`), 10*time.Second)
		if ans.Kind != runtimeapi.KindError || ans.ErrorType != wire.ErrTypeConnectionLost || !strings.Contains(string(ans.Body), "before the stream's start") {
			t.Errorf("invocation %d: %s %s: %s", i, ans.Kind, ans.ErrorType, ans.Body)
		}
	}
	if n := dials.Load(); n != 2 {
		t.Errorf("the bridge dialled %d times, want 2 (the broken link dropped once)", n)
	}
}

// A dev session lost mid-stream: the bridge gets the parts already sent,
// then Relay.DevSessionLost, in that order (the failure goes through the
// stream's queue, behind its parts).
func TestHubEndsAStreamWhenTheDevSessionGoes(t *testing.T) {
	_, url := startHub(t, HubOptions{})
	sent := make(chan struct{})
	var tracker connTracker
	connectDev(t, url, testToken, executorFunc(func(ctx context.Context, req engine.Request) (engine.Result, error) {
		req.Stream.Open("text/plain")
		if _, err := req.Stream.Write([]byte("part")); err != nil {
			return engine.Result{}, err
		}
		close(sent)
		<-ctx.Done() // still running when its session is cut
		return engine.Result{}, ctx.Err()
	}), tracker.client())
	bridge, _ := rawPeer(t, url, bridgeHello(testToken))
	m := invokeMsg("lost", []byte(`{}`))
	m.Invoke.Stream = true
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := bridge.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	var got []string
	for len(got) < 3 {
		msg, err := bridge.Recv(ctx)
		if err != nil {
			t.Fatalf("after %v: %v", got, err)
		}
		desc := msg.Type.String()
		switch msg.Type {
		case wire.TypeStreamChunk:
			desc += ":" + string(msg.Payload)
			<-sent
			tracker.cut() // the part arrived: now the session goes
		case wire.TypeError:
			desc += ":" + msg.Error.Type
		}
		got = append(got, desc)
	}
	want := []string{"stream-start", "stream-chunk:part", "error:" + wire.ErrTypeDevSessionLost}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("bridge got %v, want %v", got, want)
	}
}

// gateStream is Lambda's side of a stream whose client stops reading: its
// first Write waits for the gate, so the bridge's writes back up.
type gateStream struct {
	gate chan struct{}
	once sync.Once
	n    atomic.Int64
}

func (s *gateStream) Open(string) {}
func (s *gateStream) Write(p []byte) (int, error) {
	s.once.Do(func() { <-s.gate })
	s.n.Add(int64(len(p)))
	return len(p), nil
}

// A client that stops reading a long stream holds back that stream only.
// The bridge keeps reading its link (the window bounds what waits there),
// so the hub's writes to it never time out and its pings are answered;
// the dev session, held to the window, answers other invocations. With the
// hub pinging every 250 ms and giving up on a write after 1 s, a second
// bridge's invocation completes while the window is full, the client then
// stays stalled for 3 s more, and then reads on: all 64 MiB arrive.
func TestBridgeStreamSurvivesAStalledClient(t *testing.T) {
	f := newStreamGateway(t)
	bin := buildBridge(t)
	hub, url := startHub(t, HubOptions{PingInterval: 250 * time.Millisecond, WriteTimeout: time.Second})
	connectDev(t, url, testToken, f.eng, nil)
	b := startBridge(t, bin, url, testToken, "gostream", "LAMBDEV_STREAM=1")
	other := startBridge(t, bin, url, testToken, "gourl")
	b.ready(t)
	other.ready(t)
	const size = 64 << 20
	s := &gateStream{gate: make(chan struct{})}
	done := b.invokeStreaming("stalled", []byte(`{"op":"bytes","size":`+strconv.Itoa(size)+`}`), s)
	full := time.Now().Add(30 * time.Second)
	for hub.owed(testApp+"/"+testStage, "stalled") <= maxStreamWindow-wire.PartCost(wire.DataPerFrame) {
		if time.Now().After(full) {
			t.Fatalf("the stream's window never filled (%d bytes owed)", hub.owed(testApp+"/"+testStage, "stalled"))
		}
		time.Sleep(10 * time.Millisecond) // polling a condition
	}
	ans, _, _ := other.invoke(t, []byte(`{"op":"bytes","size":5}`), 10*time.Second)
	if ans.Kind != runtimeapi.KindResponse || len(ans.Body) != 5 {
		t.Fatalf("another invocation while the stream was held: %s %s (%q)", ans.Kind, ans.ErrorType, ans.Body)
	}
	time.AfterFunc(3*time.Second, func() { close(s.gate) }) // the stall under test, not a synchronisation
	select {
	case ans := <-done:
		if ans.Kind != runtimeapi.KindResponse || s.n.Load() != size {
			t.Errorf("answer %s %s (%s) after %d of %d bytes", ans.Kind, ans.ErrorType, ans.Body, s.n.Load(), size)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the stream did not end within 60s")
	}
}

// owed is how much of request id's stream the dev session of key sent that
// its bridge has not credited yet.
func (h *Hub) owed(key, id string) int64 {
	d := h.dev(key)
	if d == nil {
		return 0
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if f := d.inflight[id]; f != nil {
		return f.owed
	}
	return 0
}
