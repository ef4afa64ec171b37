package runtimeapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Invocation is an event handed to the runtime.
type Invocation struct {
	RequestID       string    // → Lambda-Runtime-Aws-Request-Id; required
	Payload         []byte    // the raw event
	ContentType     string    // default application/json
	Deadline        time.Time // → Lambda-Runtime-Deadline-Ms (epoch ms); required
	FunctionARN     string    // → Lambda-Runtime-Invoked-Function-Arn
	TraceID         string    // → Lambda-Runtime-Trace-Id
	ClientContext   string    // → Lambda-Runtime-Client-Context (omitted when empty)
	CognitoIdentity string    // → Lambda-Runtime-Cognito-Identity (omitted when empty)
	TenantID        string    // → Lambda-Runtime-Aws-Tenant-Id (omitted when empty)
	// Stream, when set, makes this a streaming invocation: the /response
	// body goes to it as it arrives instead of into Answer.Body.
	Stream Stream
}

// Kind says how the runtime answered.
type Kind int

// Kinds of answer.
const (
	KindResponse  Kind = iota // POST /response
	KindError                 // POST /error, or an error reported in /response trailers
	KindInitError             // POST /init/error
	KindTooLarge              // the body exceeded MaxPayloadSize
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case KindResponse:
		return "response"
	case KindError:
		return "error"
	case KindInitError:
		return "initerror"
	case KindTooLarge:
		return "toolarge"
	}
	return "unknown"
}

// Answer is the runtime's reply to one invocation.
type Answer struct {
	Kind Kind
	// Body is the response body, or the error JSON
	// ({"errorMessage","errorType","stackTrace"}) for every other kind.
	Body        []byte
	ContentType string
	// ErrorType comes from the Lambda-Runtime-Function-Error-Type header or
	// trailer, else the body's errorType; empty for KindResponse.
	ErrorType string
	// Delivered is when /next handed the event to the runtime (zero if never).
	Delivered time.Time
	// Streamed counts the response bytes passed to Invocation.Stream; Body is
	// then empty for KindResponse.
	Streamed int64
}

// call is one invocation's state inside the server; fields other than inv
// and done are guarded by Server.mu.
type call struct {
	inv       Invocation
	done      chan Answer  // cap 1; receives exactly one answer
	delivered time.Time    // non-zero once /next handed it out
	answering bool         // a /response or /error for it is being read
	stream    *streamGuard // nil unless inv.Stream is set
}

// ErrInvalidInvocation means Invoke was given an unusable Invocation.
var ErrInvalidInvocation = errors.New("runtimeapi: invalid invocation")

// Invoke hands inv to the runtime's current or next /next and waits for its
// answer. It returns ctx.Err() when ctx ends first; the invocation is then
// aborted and a late answer for it is refused with 400 InvalidRequestID. On
// abort the returned Answer has only Delivered set (zero if the runtime
// never took the event), so the caller can tell whether a retry is safe.
func (s *Server) Invoke(ctx context.Context, inv Invocation) (Answer, error) {
	if inv.RequestID == "" || strings.IndexByte(inv.RequestID, '/') >= 0 {
		return Answer{}, fmt.Errorf("%w: request ID %q must be non-empty without '/'", ErrInvalidInvocation, inv.RequestID)
	}
	if inv.Deadline.IsZero() {
		return Answer{}, fmt.Errorf("%w: deadline is required", ErrInvalidInvocation)
	}
	c := &call{inv: inv, done: make(chan Answer, 1)}
	if inv.Stream != nil {
		c.stream = &streamGuard{dst: inv.Stream}
		defer c.stream.close()
	}
	s.mu.Lock()
	switch {
	case s.isClosed():
		s.mu.Unlock()
		return Answer{}, ErrClosed
	case s.initErr != nil:
		a := *s.initErr
		s.mu.Unlock()
		return a, nil
	case s.cur != nil:
		s.mu.Unlock()
		return Answer{}, ErrBusy
	}
	s.cur = c
	s.enqueueLocked(c)
	s.mu.Unlock()

	select {
	case a := <-c.done:
		return a, nil
	case <-ctx.Done():
		return s.abort(c, ctx.Err())
	case <-s.closed:
		return s.abort(c, ErrClosed)
	}
}

// enqueueLocked puts c in the queue, dropping a stale call an earlier abort
// left there. Every send happens under s.mu, so it never blocks.
func (s *Server) enqueueLocked(c *call) {
	select {
	case s.queue <- c:
	default:
		select {
		case <-s.queue:
		default:
		}
		s.queue <- c
	}
}

// abort ends c without an answer, unless one raced in first.
func (s *Server) abort(c *call, err error) (Answer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur != c { // finished concurrently: its answer is already buffered
		return <-c.done, nil
	}
	s.cur = nil
	s.lastID = c.inv.RequestID
	// Delivered tells the caller whether the runtime ever saw the event.
	return Answer{Delivered: c.delivered}, err
}

// finish delivers a to c's Invoke if c is still the current invocation.
func (s *Server) finish(c *call, a Answer) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur != c {
		return false
	}
	s.finishLocked(c, a)
	return true
}

func (s *Server) finishLocked(c *call, a Answer) {
	s.cur = nil
	s.lastID = c.inv.RequestID
	a.Delivered = c.delivered
	c.done <- a
}

// claim returns the in-flight call with request ID id and marks it as being
// answered, or the HTTP status to refuse with: 400 InvalidRequestID for a
// wrong, already answered or aborted ID (§1.3), 403 InvalidStateTransition
// when no invocation is in flight and id was never seen (§1.3 "wrong state").
func (s *Server) claim(id string) (*call, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cur
	switch {
	case c != nil && !c.delivered.IsZero():
		if c.inv.RequestID != id || c.answering {
			return nil, http.StatusBadRequest
		}
		c.answering = true
		return c, 0
	case id == s.lastID:
		return nil, http.StatusBadRequest
	default:
		return nil, http.StatusForbidden
	}
}

func (s *Server) isClosed() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
}
