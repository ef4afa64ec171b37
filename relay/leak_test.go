package relay

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lambdev/lambdev/engine"
	"github.com/lambdev/lambdev/internal/testutil"
	"github.com/lambdev/lambdev/relay/wire"
)

// A hub runs for as long as a stage is deployed: every session that comes
// and goes (a dev session, bridges that invoke and hang up, a peer it
// refuses) must give back its goroutines and descriptors, on both ends.
// After two warm-up rounds, three more must leave the counts where the
// warm-up left them.
func TestHubSessionsLeakNothing(t *testing.T) {
	_, url := startHub(t, HubOptions{})
	echo := executorFunc(func(_ context.Context, req engine.Request) (engine.Result, error) {
		return engine.Result{RequestID: req.RequestID, Outcome: engine.OutcomeOK, Payload: req.Payload, ContentType: "application/json"}, nil
	})
	ctx := context.Background()
	round := func(r int) {
		dev := connectDev(t, url, testToken, echo, nil)
		for i := range 4 {
			c, m := rawPeer(t, url, bridgeHello(testToken))
			if m.Type != wire.TypeWelcome {
				t.Fatalf("bridge: got %s", m.Type)
			}
			id := fmt.Sprintf("r%d-%d", r, i)
			if err := c.Send(ctx, invokeMsg(id, []byte(`{"n":1}`))); err != nil {
				t.Fatal(err)
			}
			if ans, err := c.Recv(ctx); err != nil || ans.Type != wire.TypeResponse || ans.ID != id {
				t.Fatalf("bridge %s: %v %+v", id, err, ans)
			}
			_ = c.CloseNow()
		}
		c, m := rawPeer(t, url, bridgeHello("wrong"))
		if m.Type != wire.TypeBye {
			t.Fatalf("a wrong token got %s", m.Type)
		}
		_ = c.CloseNow()
		if err := dev.Close(); err != nil {
			t.Fatal(err)
		}
	}
	round(0)
	round(1)
	base := testutil.Baseline(t, 300*time.Millisecond)
	for r := 2; r < 5; r++ {
		round(r)
	}
	testutil.CheckReleased(t, base, 5*time.Second)
}

// The gateway serves a dev session's every client: connections that come
// and go, answered or refused, must give back what they took. Each request
// here comes on its own connection.
func TestGatewayConnectionsLeakNothing(t *testing.T) {
	f := newGateway(t)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	round := func() {
		for _, c := range []struct {
			method, url, body string
			status            int
		}{
			{http.MethodPost, f.gw.Endpoint() + invokePrefix + "echo/invocations", `{"a":1}`, http.StatusOK},
			{http.MethodPost, f.gw.Endpoint() + invokePrefix + "fail/invocations", `{}`, http.StatusOK},
			{http.MethodPost, f.gw.Endpoint() + invokePrefix + "missing/invocations", `{}`, http.StatusNotFound},
			{http.MethodPost, f.gw.Endpoint() + invokePrefix + "echo/invocations", `{"bad`, http.StatusBadRequest},
			{http.MethodGet, f.gw.FunctionURL("web") + "x?y=1", ``, 201},
			{http.MethodGet, f.gw.FunctionURL("nope"), ``, http.StatusForbidden},
		} {
			req, err := http.NewRequest(c.method, c.url, strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.status {
				t.Fatalf("%s %s: status %d, want %d", c.method, c.url, resp.StatusCode, c.status)
			}
		}
	}
	round()
	round()
	base := testutil.Baseline(t, 300*time.Millisecond)
	for range 5 {
		round()
	}
	testutil.CheckReleased(t, base, 5*time.Second)
}
