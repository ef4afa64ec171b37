package relay

import (
	"context"
	"fmt"
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
