package runtimeapi

import (
	"io"
	"net/http"
	"sync"
)

// MaxStreamedPayload is the response limit of a streaming invocation: 200 MiB
// (lambda-spec.md §3, "Streaming"; it was 20 MiB at launch).
const MaxStreamedPayload = 200 << 20

// Stream receives the response of a streaming invocation (InvokeWithResponseStream,
// a RESPONSE_STREAM function URL) as the runtime sends it. Lambda streams any
// /response body in that mode, chunked or not (lambda-spec.md §1.6: aws-lambda-go
// never sets the streaming mode header), so every runtime's answer reaches the
// Stream; a runtime's /error does not, and comes back in the Answer as usual.
//
// Its methods are called from the runtime's /response request, one at a time,
// and never after Invoke has returned.
type Stream interface {
	// Open is called once, before the first Write, with the Content-Type the
	// runtime posted (empty if it sent none).
	Open(contentType string)
	// Write passes on the next part of the body. After an error (the client
	// went away) Write is not called again; the body is still read to its end,
	// as the function runs on whether or not anyone listens.
	Write(p []byte) (int, error)
}

// streamGuard keeps a Stream from being called once its Invoke has returned:
// an invocation aborted at its deadline may still have a /response being read.
type streamGuard struct {
	mu     sync.Mutex
	dst    Stream
	closed bool // Invoke returned
	failed bool // dst.Write failed
}

func (g *streamGuard) open(contentType string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.closed {
		g.dst.Open(contentType)
	}
}

func (g *streamGuard) write(p []byte) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed || g.failed {
		return
	}
	if _, err := g.dst.Write(p); err != nil {
		g.failed = true
	}
}

// close waits for a Write in progress, then refuses every later call.
func (g *streamGuard) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}

// streamChunk is how much of a streamed body is read before it is passed on:
// a runtime's small writes arrive as they were flushed, larger ones in pieces.
const streamChunk = 32 << 10

// streamResponse passes c's /response body to its Stream as it arrives, up to
// MaxStreamedPayload, and ends c with the body's size or the error the
// runtime reported in its trailers (§1.6).
func (s *Server) streamResponse(w http.ResponseWriter, r *http.Request, c *call) {
	ct := r.Header.Get("Content-Type")
	c.stream.open(ct)
	buf := make([]byte, streamChunk)
	var n int64
	for {
		k, err := r.Body.Read(buf)
		if k > 0 {
			n += int64(k)
			if n > MaxStreamedPayload {
				res := oversize(r.Body, n, MaxStreamedPayload)
				res.done(s, w, c)
				return
			}
			c.stream.write(buf[:k])
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			bodyResult{err: err}.done(s, w, c)
			return
		}
	}
	a := Answer{Kind: KindResponse, ContentType: ct}
	if et := r.Trailer.Get(headerErrorType); et != "" {
		a = trailerAnswer(et, r.Trailer.Get(headerErrorBody))
	}
	a.Streamed = n
	s.accept(w, r, c, a)
}
