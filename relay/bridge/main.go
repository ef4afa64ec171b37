// Command bridge is lambdev's cloud relay stub: deployed as a function's
// bootstrap (provided.al2023), it forwards every invocation over one reused,
// authenticated WebSocket to the relay hub, where the developer's lambdev dev
// session runs it locally, and returns that answer to Lambda. When no dev
// session is connected it fails the invocation at once, naming the app and
// stage, instead of waiting for the function timeout.
//
// Build: CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -tags lambda.norpc -o bootstrap ./relay/bridge
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/url"
	"os"
	"strings"

	"github.com/lambdev/lambdev/relay/wire"
)

// config is the bridge's environment.
type config struct {
	url, token, app, stage, function string
	stream                           bool // ask for streamed answers (LAMBDEV_STREAM=1)
}

// configFromEnv reads the LAMBDEV_* variables the deployer sets.
func configFromEnv() (*config, error) {
	cfg := &config{
		url: os.Getenv("LAMBDEV_RELAY_URL"), token: os.Getenv("LAMBDEV_RELAY_TOKEN"),
		app: os.Getenv("LAMBDEV_APP"), stage: os.Getenv("LAMBDEV_STAGE"), function: os.Getenv("LAMBDEV_FUNCTION"),
		stream: streamingFromEnv(),
	}
	var missing []string
	for _, v := range []struct{ name, val string }{
		{"LAMBDEV_RELAY_URL", cfg.url}, {"LAMBDEV_RELAY_TOKEN", cfg.token}, {"LAMBDEV_APP", cfg.app},
		{"LAMBDEV_STAGE", cfg.stage}, {"LAMBDEV_FUNCTION", cfg.function},
	} {
		if v.val == "" {
			missing = append(missing, v.name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the lambdev bridge needs %s in its environment", strings.Join(missing, ", "))
	}
	u, err := url.Parse(cfg.url)
	if err != nil {
		return nil, fmt.Errorf("LAMBDEV_RELAY_URL: %w", err)
	}
	switch u.Scheme {
	case "http":
		u.Scheme = "ws"
	case "https":
		u.Scheme = "wss"
	case "ws", "wss":
	default:
		return nil, fmt.Errorf("LAMBDEV_RELAY_URL %q: scheme must be ws, wss, http or https", cfg.url)
	}
	cfg.url = u.String()
	return cfg, nil
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("lambdev-bridge: ")
	api := os.Getenv("AWS_LAMBDA_RUNTIME_API")
	if api == "" {
		log.Fatal("AWS_LAMBDA_RUNTIME_API is not set: run me as a Lambda bootstrap")
	}
	rt := newRuntimeAPI(api)
	cfg, err := configFromEnv()
	if err != nil {
		if perr := rt.initError(wire.ErrTypeConfig, err.Error()); perr != nil {
			log.Print(perr)
		}
		log.Fatal(err)
	}
	b := &bridge{cfg: cfg}
	b.warm(context.Background())
	for {
		inv, err := rt.next(context.Background())
		if err != nil {
			log.Fatal(err)
		}
		switch ans := b.forward(inv); ans.Type {
		case wire.TypeStreamStart:
			err = b.relayStream(rt, inv, ans)
		case wire.TypeResponse, wire.TypeError:
			err = rt.answer(inv.id, ans)
		default: // a part of a stream that never started: the hub broke the protocol
			fail := wire.Fail(inv.id, wire.ErrTypeConnectionLost, "the lambdev relay sent "+ans.Type.String()+" before the stream's start")
			b.drop()
			err = rt.answer(inv.id, &fail)
		}
		if err != nil {
			log.Fatal(err)
		}
	}
}

// bridge forwards invocations over a link it keeps between invocations.
type bridge struct {
	cfg  *config
	link *link
}

// warm dials during init so the first invocation finds a link; failure is
// not fatal (the hub may be down now and up by the first invocation).
func (b *bridge) warm(ctx context.Context) {
	l, err := dial(ctx, b.cfg)
	if err != nil {
		log.Printf("relay hub not reachable during init: %s", redact(err, b.cfg))
		return
	}
	b.link = l
}

// forward relays one invocation and returns the answer to post.
func (b *bridge) forward(inv *invocation) *wire.Message {
	ctx, cancel := context.WithDeadline(context.Background(), inv.deadline)
	defer cancel()
	m := inv.invokeMessage(b.cfg.function)
	m.Invoke.Stream = b.cfg.stream
	if err := m.Validate(); err != nil {
		fail := wire.Fail(inv.id, wire.ErrTypeInvalid, "the lambdev relay cannot carry this invocation: "+err.Error())
		return &fail
	}
	for attempt := 0; ; attempt++ {
		if b.link == nil || !b.link.alive(ctx) {
			l, err := dial(ctx, b.cfg)
			if err != nil {
				b.link = nil
				return b.unreachable(inv.id, err)
			}
			b.link = l
		}
		m.Invoke.Window = 0
		if m.Invoke.Stream {
			m.Invoke.Window = b.link.window
		}
		ans, sent, err := b.link.roundTrip(ctx, m)
		if err == nil {
			return ans
		}
		b.link = nil
		// An invoke that never fully left can be retried once on a fresh
		// link; once sent, it may be executing, so the answer is a failure
		// rather than a second execution.
		if !sent && attempt == 0 && ctx.Err() == nil {
			continue
		}
		fail := wire.Fail(inv.id, wire.ErrTypeConnectionLost, fmt.Sprintf(
			"lost the connection to the lambdev relay for app %s stage %s during the invocation: %s",
			b.cfg.app, b.cfg.stage, redact(err, b.cfg)))
		return &fail
	}
}

// drop closes the link, which a broken stream leaves unusable.
func (b *bridge) drop() {
	if b.link != nil {
		_ = b.link.conn.CloseNow()
		b.link = nil
	}
}

func (b *bridge) unreachable(id string, err error) *wire.Message {
	msg := fmt.Sprintf("cannot reach the lambdev relay hub for app %s stage %s: %s", b.cfg.app, b.cfg.stage, redact(err, b.cfg))
	if errors.Is(err, errUnauthorized) {
		msg = fmt.Sprintf("the lambdev relay hub refused app %s stage %s: check LAMBDEV_RELAY_TOKEN", b.cfg.app, b.cfg.stage)
	}
	fail := wire.Fail(id, wire.ErrTypeUnreachable, msg)
	return &fail
}
