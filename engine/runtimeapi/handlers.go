package runtimeapi

import (
	"net/http"
	"strconv"
	"time"
)

// handleNext serves GET /runtime/invocation/next: it blocks until an
// invocation is queued (lambda-spec.md §1.2). Called again while an
// invocation is in flight, it re-delivers that invocation, as RIE does (its
// Running state accepts Ready and re-renders the current event).
func (s *Server) handleNext(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.initErr != nil {
		s.mu.Unlock()
		writeForbidden(w, stateInitError, stateReady)
		return
	}
	s.started = true
	c := s.cur
	inFlight := c != nil && !c.delivered.IsZero()
	s.mu.Unlock()
	s.readyOnce.Do(func() { close(s.ready) })
	if inFlight {
		writeEvent(w, &c.inv)
		return
	}
	for {
		select {
		case c := <-s.queue:
			s.mu.Lock()
			if c != s.cur { // aborted before delivery
				s.mu.Unlock()
				continue
			}
			c.delivered = time.Now()
			s.mu.Unlock()
			writeEvent(w, &c.inv)
			return
		case <-r.Context().Done():
			return // the runtime hung up
		case <-s.closed:
			panic(http.ErrAbortHandler) // drop the connection without a reply
		}
	}
}

// Headers /next sets (lambda-spec.md §1.2), in canonical form.
const (
	hdrRequestID       = "Lambda-Runtime-Aws-Request-Id"
	hdrDeadline        = "Lambda-Runtime-Deadline-Ms"
	hdrFunctionARN     = "Lambda-Runtime-Invoked-Function-Arn"
	hdrTraceID         = "Lambda-Runtime-Trace-Id"
	hdrClientContext   = "Lambda-Runtime-Client-Context"
	hdrCognitoIdentity = "Lambda-Runtime-Cognito-Identity"
	hdrTenantID        = "Lambda-Runtime-Aws-Tenant-Id"
)

// writeEvent renders inv as a /next reply. The header values share one
// backing array to save allocations on the hot path.
func writeEvent(w http.ResponseWriter, inv *Invocation) {
	ct := inv.ContentType
	if ct == "" {
		ct = contentTypeJSON
	}
	v := [...]string{
		ct,
		inv.RequestID,
		strconv.FormatInt(inv.Deadline.UnixMilli(), 10),
		inv.FunctionARN,
		inv.TraceID,
		inv.ClientContext,
		inv.CognitoIdentity,
		strconv.Itoa(len(inv.Payload)),
		inv.TenantID,
	}
	vals := v[:]
	h := w.Header()
	h["Content-Type"] = vals[0:1:1]
	h[hdrRequestID] = vals[1:2:2]
	h[hdrDeadline] = vals[2:3:3]
	h[hdrFunctionARN] = vals[3:4:4]
	h[hdrTraceID] = vals[4:5:5]
	if inv.ClientContext != "" {
		h[hdrClientContext] = vals[5:6:6]
	}
	if inv.CognitoIdentity != "" {
		h[hdrCognitoIdentity] = vals[6:7:7]
	}
	if inv.TenantID != "" {
		h[hdrTenantID] = vals[8:9:9]
	}
	h["Content-Length"] = vals[7:8:8]
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(inv.Payload)
}

// handleResponse serves POST /runtime/invocation/{id}/response (§1.3),
// including errors reported in HTTP trailers (§1.6).
func (s *Server) handleResponse(w http.ResponseWriter, r *http.Request, id string) {
	c, status := s.claim(id)
	if c == nil {
		writeRefusal(w, status, stateResponse)
		return
	}
	if mode := r.Header.Get(headerRespMode); mode != "" && mode != streamingMode {
		s.finish(c, errorAnswerOf(invalidModeType, "Invalid function response mode"))
		writeJSON(w, http.StatusBadRequest, bodyInvalidMode)
		return
	}
	if c.stream != nil {
		s.streamResponse(w, r, c)
		return
	}
	body, res := readBody(r)
	if res.done(s, w, c) {
		return
	}
	a := Answer{Kind: KindResponse, Body: body, ContentType: r.Header.Get("Content-Type")}
	if et := r.Trailer.Get(headerErrorType); et != "" {
		a = trailerAnswer(et, r.Trailer.Get(headerErrorBody))
	}
	s.accept(w, r, c, a)
}

// handleError serves POST /runtime/invocation/{id}/error (§1.4).
func (s *Server) handleError(w http.ResponseWriter, r *http.Request, id string) {
	c, status := s.claim(id)
	if c == nil {
		writeRefusal(w, status, stateErrResponse)
		return
	}
	body, res := readBody(r)
	if res.done(s, w, c) {
		return
	}
	s.accept(w, r, c, errorAnswer(KindError, r.Header.Get(headerErrorType), body))
}

// accept ends c with a and answers 202 (held for the next reply when r's
// runtime pipelined its /next), or 400 if c was aborted meanwhile.
func (s *Server) accept(w http.ResponseWriter, r *http.Request, c *call, a Answer) {
	if !s.finish(c, a) {
		writeJSON(w, http.StatusBadRequest, bodyInvalidRequestID)
		return
	}
	holdReply(r)
	writeJSON(w, http.StatusAccepted, bodyStatusOK)
}

// handleInitError serves POST /runtime/init/error (§1.5). The report goes to
// the pending Invoke, is kept for every later Invoke, and is sent on
// InitError(). After init (the first /next) it is refused with 403, as RIE's
// state machine does.
func (s *Server) handleInitError(w http.ResponseWriter, r *http.Request) {
	if from, ok := s.initAllowed(); !ok {
		writeForbidden(w, from, stateInitError)
		return
	}
	body, res := readBody(r)
	if res.tooLarge {
		writeJSON(w, http.StatusRequestEntityTooLarge, bodyTooLarge)
		return
	}
	a := errorAnswer(KindInitError, r.Header.Get(headerErrorType), body)
	s.mu.Lock()
	if s.started || s.initErr != nil {
		from := s.stateLocked()
		s.mu.Unlock()
		writeForbidden(w, from, stateInitError)
		return
	}
	s.initErr = &a
	if c := s.cur; c != nil {
		s.finishLocked(c, a)
	}
	s.mu.Unlock()
	select {
	case s.initErrs <- a:
	default:
	}
	writeJSON(w, http.StatusAccepted, bodyStatusOK)
}

// initAllowed reports whether /init/error is still acceptable, and if not
// the state the runtime is in.
func (s *Server) initAllowed() (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stateLocked(), !s.started && s.initErr == nil
}

func (s *Server) stateLocked() string {
	if s.initErr != nil {
		return stateInitError
	}
	if s.started {
		return stateReady
	}
	return "Started"
}
