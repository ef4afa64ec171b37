package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/relay"
)

// relayTokenEnv carries a dev session's token for its stage.
const relayTokenEnv = "LAMBDEV_RELAY_TOKEN"

func runRelay(g *globals, args []string) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		fmt.Fprintln(g.stderr, "Usage: lambdev relay serve [--listen ADDR] [--tokens FILE]\n\nRun `lambdev relay serve --help` for its flags.")
		return errHelp
	}
	if len(args) == 0 || args[0] != "serve" {
		return usageErr("usage: lambdev relay serve [--listen ADDR] [--tokens FILE]")
	}
	listen, tokensFile := relay.DefaultHubListen, ""
	rest, err := g.commandFlags("relay serve", "relay serve [--listen ADDR] [--tokens FILE]", args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&listen, "listen", listen, "hub address (127.0.0.1 unless you ask otherwise)")
		fs.StringVar(&tokensFile, "tokens", "", "file of app/stage=token lines (default: $LAMBDEV_RELAY_TOKENS)")
	})
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErr("relay serve takes no arguments, got %q", rest)
	}
	text := os.Getenv("LAMBDEV_RELAY_TOKENS")
	if tokensFile != "" {
		b, err := os.ReadFile(tokensFile)
		if err != nil {
			return usageErr("tokens: %v", err)
		}
		text = string(b)
	}
	tokens, err := relay.ParseHubTokens(text)
	if err != nil {
		return usageErr("tokens: %v", err)
	}
	if len(tokens) == 0 {
		return &cliError{code: exitUsage, err: errors.New("relay serve needs at least one stage token"),
			hint: "set LAMBDEV_RELAY_TOKENS=app/stage=TOKEN (or --tokens FILE)"}
	}
	logf := func(format string, a ...any) { fmt.Fprintf(g.stderr, format+"\n", a...) }
	hub, err := relay.NewHub(relay.HubOptions{Tokens: tokens, Logf: logf})
	if err != nil {
		return usageErr("%v", err)
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return failure(err, "pick another --listen address")
	}
	fmt.Fprintf(g.stdout, "lambdev relay: hub on ws://%s for %d stage(s)\n", ln.Addr(), len(tokens))
	srv := &http.Server{Handler: hub, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		hub.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return failure(err, "")
	}
	return nil
}

// connectRelay connects a dev session to the project's relay hub, when the
// project names one; status reports the connection state for display.
func connectRelay(ctx context.Context, p *config.Project, exec relay.Executor, logf func(string, ...any)) (*relay.Client, func() string, error) {
	if p.Relay == "" {
		return nil, nil, nil
	}
	if err := checkRelayToken(p); err != nil {
		return nil, nil, err
	}
	c, err := relay.Connect(ctx, relay.ClientOptions{URL: p.Relay, Token: os.Getenv(relayTokenEnv), App: p.App, Stage: p.Stage, Executor: exec, Logf: logf})
	if err != nil {
		return nil, nil, usageErr("relay: %v", err)
	}
	status := func() string {
		if err := c.Err(); err != nil && c.State() != relay.StateConnected {
			return c.State().String() + ": " + err.Error()
		}
		return c.State().String()
	}
	return c, status, nil
}

// checkRelayToken fails early when the project names a relay hub but the
// session has no token for it.
func checkRelayToken(p *config.Project) error {
	if p.Relay == "" || os.Getenv(relayTokenEnv) != "" {
		return nil
	}
	return &cliError{code: exitUsage, err: fmt.Errorf("the project names relay %s but %s is not set", p.Relay, relayTokenEnv),
		hint: "export " + relayTokenEnv + " with the token the hub has for " + p.App + "/" + p.Stage}
}
