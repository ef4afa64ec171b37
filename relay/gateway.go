// Package relay is how invocations reach the engine: the local gateway (the
// Lambda Invoke API and function URLs on 127.0.0.1) and the cloud relay.
package relay

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine"
)

// Invoker is what the gateway needs from the engine.
type Invoker interface {
	Invoke(ctx context.Context, req engine.Request) (engine.Result, error)
	// InvokeAsync queues an Event invocation (retried as Lambda does) and
	// returns its request id.
	InvokeAsync(req engine.Request) (string, error)
	Check(req engine.Request) error
	Project() *config.Project
}

// DefaultListen is the gateway's default address.
const DefaultListen = "127.0.0.1:3100"

// urlPrefix is the path prefix of local function URLs: /fn/NAME/...
const urlPrefix = "/fn/"

// Gateway serves the Lambda Invoke API and function URLs for one engine.
type Gateway struct {
	inv Invoker
	srv *http.Server
	ln  net.Listener
}

// NewGateway returns a gateway for inv; call Listen then Serve.
func NewGateway(inv Invoker) *Gateway {
	g := &Gateway{inv: inv}
	g.srv = &http.Server{
		Handler:           g,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	return g
}

// Listen binds addr (default 127.0.0.1:3100; port 0 picks a free one).
func (g *Gateway) Listen(addr string) error {
	if addr == "" {
		addr = DefaultListen
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	g.ln = ln
	return nil
}

// Addr is the bound host:port.
func (g *Gateway) Addr() string { return g.ln.Addr().String() }

// Endpoint is the base URL SDKs use as their endpoint.
func (g *Gateway) Endpoint() string { return "http://" + g.Addr() }

// FunctionURL is the local URL of a url: function.
func (g *Gateway) FunctionURL(name string) string { return g.Endpoint() + urlPrefix + name + "/" }

// Serve serves until Shutdown; it returns nil after a clean shutdown.
func (g *Gateway) Serve() error {
	err := g.srv.Serve(g.ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting requests and waits for in-flight ones until ctx
// ends. Event invocations belong to the engine, which stops them on Close.
func (g *Gateway) Shutdown(ctx context.Context) error {
	return g.srv.Shutdown(ctx)
}

// ServeHTTP routes Invoke API and function URL requests.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasPrefix(r.URL.Path, invokePrefix):
		g.serveInvoke(w, r)
	case strings.HasPrefix(r.URL.Path, invokeStreamPrefix):
		g.serveInvokeStream(w, r)
	case strings.HasPrefix(r.URL.Path, urlPrefix):
		g.serveURL(w, r)
	default:
		if name, ok := hostFunction(r.Host); ok {
			g.serveFunctionURL(w, r, name, r.URL.Path)
			return
		}
		writeAWSError(w, http.StatusNotFound, "UnknownOperationException", "Unknown operation "+r.Method+" "+r.URL.Path)
	}
}

// hostFunction recognises NAME.lambda-url.* hosts, so a function URL can be
// reached as http://NAME.lambda-url.localhost:PORT/ as well as by path.
func hostFunction(host string) (string, bool) {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	name, rest, ok := strings.Cut(host, ".lambda-url.")
	return name, ok && rest != "" && name != ""
}
