package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/lambdev/lambdev/relay/wire"
)

// streamEnv, set by the deployer for a function whose URL streams
// (invokeMode RESPONSE_STREAM), makes the bridge ask for streamed answers.
const streamEnv = "LAMBDEV_STREAM"

func streamingFromEnv() bool { return os.Getenv(streamEnv) == "1" }

// Runtime API error fields (lambda-spec.md §1.4, §1.6): the type is a header
// of /error and, with the body, a trailer of a streamed /response.
const (
	trailerErrorType = "Lambda-Runtime-Function-Error-Type"
	trailerErrorBody = "Lambda-Runtime-Function-Error-Body"
)

// streamPost is one streamed /response: a chunked body fed as the parts of
// the relayed answer arrive, ended cleanly or with the error in trailers.
type streamPost struct {
	pw   *io.PipeWriter
	req  *http.Request
	done chan error // the POST's outcome
}

// stream starts the streamed /response of invocation id (§1.6).
func (r *runtimeAPI) stream(id, contentType string) (*streamPost, error) {
	pr, pw := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, r.base+"invocation/"+id+"/response", pr)
	if err != nil {
		return nil, err
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	req.ContentLength = -1
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Lambda-Runtime-Function-Response-Mode", "streaming")
	req.Trailer = http.Header{trailerErrorType: nil, trailerErrorBody: nil}
	sp := &streamPost{pw: pw, req: req, done: make(chan error, 1)}
	go func() {
		resp, err := r.client.Do(req)
		if err == nil {
			reply, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			if resp.StatusCode != http.StatusAccepted {
				err = fmt.Errorf("status %d: %s", resp.StatusCode, reply)
			}
		}
		if err != nil {
			err = fmt.Errorf("runtime api streamed response: %w", err)
			_ = pr.CloseWithError(err) // unblock a writer
		}
		sp.done <- err
	}()
	return sp, nil
}

// write sends one part of the body as it arrived.
func (sp *streamPost) write(p []byte) error {
	_, err := sp.pw.Write(p)
	return err
}

// finish ends the body, with fail (a TypeError) in its trailers unless nil,
// and returns the POST's outcome.
func (sp *streamPost) finish(fail *wire.Message) error {
	if fail != nil {
		sp.req.Trailer.Set(trailerErrorType, fail.Error.Type)
		sp.req.Trailer.Set(trailerErrorBody, base64.StdEncoding.EncodeToString(errorBody(fail)))
	}
	_ = sp.pw.Close()
	return <-sp.done
}

// relayStream passes a streamed answer, begun with start, on to the Runtime
// API as its parts arrive, until its end, an error, or the link's loss.
func (b *bridge) relayStream(rt *runtimeAPI, inv *invocation, start *wire.Message) error {
	ctx, cancel := context.WithDeadline(context.Background(), inv.deadline)
	defer cancel()
	sp, err := rt.stream(inv.id, start.Response.ContentType)
	if err != nil {
		return err
	}
	l := b.link
	defer l.keepAlive()()
	credit := l.creditor(inv.id, wire.PartCost(0)) // the start, passed on
	for {
		m, err := l.await(ctx, inv.id)
		if err != nil {
			b.drop()
			fail := wire.Fail(inv.id, wire.ErrTypeConnectionLost, fmt.Sprintf(
				"lost the connection to the lambdev relay for app %s stage %s during a streamed response: %s",
				b.cfg.app, b.cfg.stage, redact(err, b.cfg)))
			return sp.finish(&fail)
		}
		switch m.Type {
		case wire.TypeStreamChunk:
			if err := sp.write(m.Payload); err != nil {
				return <-sp.done // the POST failed; its error says why
			}
			credit(wire.PartCost(len(m.Payload)))
		case wire.TypeResponse:
			return sp.finish(nil)
		case wire.TypeError:
			return sp.finish(m)
		}
	}
}

// creditor returns what credits the hub with the parts of request id's
// stream as they are passed on, a quarter window at a time (nothing when
// the link has no window); first is already owed.
func (l *link) creditor(id string, first int64) func(cost int64) {
	if l.window == 0 {
		return func(int64) {}
	}
	owed := first
	return func(cost int64) {
		if owed += cost; owed >= l.window/4 {
			_ = l.send(context.Background(), &wire.Message{Type: wire.TypeStreamCredit, ID: id, Credit: &wire.Credit{Bytes: owed}})
			owed = 0
		}
	}
}

// keepAlive pings the hub until the returned stop is called. Behind a hub
// that relays no credits (an older one), a client slow to read a stream
// makes the bridge stop reading its link (the parts wait their turn), so it
// answers none of the hub's pings; without its own, the hub would take the
// silence for a dead link and drop it mid-stream. Within a window the
// reader never waits, and these pings only add to the hub's.
func (l *link) keepAlive() (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(l.stale)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				_ = l.send(context.Background(), &wire.Message{Type: wire.TypePing, ID: "stream"})
			case <-done:
				return
			case <-l.dead:
				return
			}
		}
	}()
	return func() { close(done) }
}
