package runtimeapi

import (
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// MaxPayloadSize is the Runtime API body limit: 6 MiB + 100 bytes, as RIE
// enforces it (lambda-spec.md §1.3).
const MaxPayloadSize = 6*1024*1024 + 100

// Sentinel errors returned by Invoke.
var (
	// ErrBusy means Invoke was called while another invocation was pending.
	ErrBusy = errors.New("runtimeapi: an invocation is already in progress")
	// ErrClosed means the server was closed.
	ErrClosed = errors.New("runtimeapi: server closed")
)

// Server is the Runtime API endpoint of one worker sandbox. It hands one
// invocation at a time to the runtime process and collects its answer.
type Server struct {
	ln net.Listener
	hs *http.Server

	queue    chan *call    // cap 1: the invocation waiting for /next (maybe a stale, aborted one)
	ready    chan struct{} // closed on the first /next
	initErrs chan Answer   // cap 1: an /init/error report
	closed   chan struct{}

	readyOnce sync.Once
	closeOnce sync.Once

	mu      sync.Mutex
	cur     *call   // queued or in flight; nil when idle
	lastID  string  // request ID of the last invocation that ended
	initErr *Answer // sticky: every Invoke after /init/error gets it
	started bool    // the runtime has called /next: init is over
}

// Listen binds addr (typically "127.0.0.1:0") and starts serving the Runtime API.
func Listen(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		ln:       ln,
		queue:    make(chan *call, 1),
		ready:    make(chan struct{}),
		initErrs: make(chan Answer, 1),
		closed:   make(chan struct{}),
	}
	s.hs = &http.Server{
		Handler: s,
		// Headers must arrive promptly; bodies and the long-poll /next
		// response have no deadline (lambda-spec.md §1.2: no timeout on /next).
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       5 * time.Minute,
		// aws-lambda-go sends an X-Ray cause header of up to 1 MiB (§1.4).
		MaxHeaderBytes: 2 << 20,
		ConnContext:    connContext,
		ConnState:      connState,
	}
	go func() { _ = s.hs.Serve(holdListener{ln}) }()
	return s, nil
}

// Addr is the bound host:port, the value for AWS_LAMBDA_RUNTIME_API (no scheme).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Ready is closed when the runtime first calls /next, i.e. its init is done.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// InitError receives the runtime's /init/error report, if it sends one.
func (s *Server) InitError() <-chan Answer { return s.initErrs }

// Close stops serving and drops every connection; blocked /next calls and
// pending Invoke calls end.
func (s *Server) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.closed)
		err = s.hs.Close()
	})
	return err
}

// Runtime API paths (lambda-spec.md §1.1).
const (
	pathPrefix       = "/2018-06-01/runtime/"
	pathNext         = "invocation/next"
	pathInitError    = "init/error"
	pathInvocation   = "invocation/"
	suffixResponse   = "/response"
	suffixError      = "/error"
	headerErrorType  = "Lambda-Runtime-Function-Error-Type"
	headerErrorBody  = "Lambda-Runtime-Function-Error-Body"
	headerRespMode   = "Lambda-Runtime-Function-Response-Mode"
	streamingMode    = "streaming"
	contentTypeJSON  = "application/json"
	stateReady       = "Ready"
	stateInitError   = "InitError"
	stateResponse    = "InvocationResponse"
	stateErrResponse = "InvocationErrorResponse"
)

// ServeHTTP routes Runtime API requests.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, pathPrefix)
	if !ok {
		writeJSON(w, http.StatusNotFound, bodyNotFound)
		return
	}
	switch {
	case rest == pathNext:
		if allow(w, r, http.MethodGet) {
			s.handleNext(w, r)
		}
	case rest == pathInitError:
		if allow(w, r, http.MethodPost) {
			s.handleInitError(w, r)
		}
	case strings.HasPrefix(rest, pathInvocation):
		s.routeInvocation(w, r, rest[len(pathInvocation):])
	default:
		writeJSON(w, http.StatusNotFound, bodyNotFound)
	}
}

// routeInvocation handles "{id}/response" and "{id}/error".
func (s *Server) routeInvocation(w http.ResponseWriter, r *http.Request, rest string) {
	var id string
	var isError bool
	if v, ok := strings.CutSuffix(rest, suffixResponse); ok {
		id = v
	} else if v, ok := strings.CutSuffix(rest, suffixError); ok {
		id, isError = v, true
	}
	if id == "" || strings.IndexByte(id, '/') >= 0 {
		writeJSON(w, http.StatusNotFound, bodyNotFound)
		return
	}
	if !allow(w, r, http.MethodPost) {
		return
	}
	if isError {
		s.handleError(w, r, id)
	} else {
		s.handleResponse(w, r, id)
	}
}

// allow answers 405 unless r uses method.
func allow(w http.ResponseWriter, r *http.Request, method string) bool {
	if r.Method == method {
		return true
	}
	w.Header().Set("Allow", method)
	writeJSON(w, http.StatusMethodNotAllowed, bodyMethodNotAllowed)
	return false
}
