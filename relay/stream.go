package relay

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/aws/smithy-go/eventstream"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine"
)

// invokeStreamPrefix is InvokeWithResponseStream's path (lambda-spec.md §3):
// POST /2021-11-15/functions/{name}/response-streaming-invocations.
const (
	invokeStreamPrefix = "/2021-11-15/functions/"
	invokeStreamSuffix = "/response-streaming-invocations"
)

// defaultStreamType is a streamed response's Content-Type when the runtime
// set none, as in Lambda's runtimes.
const defaultStreamType = "application/octet-stream"

// maxPrelude bounds the JSON prelude of a streamed function URL response
// (API Gateway's documentation: within the first 16 KB).
const maxPrelude = 16 << 10

// serveInvokeStream implements InvokeWithResponseStream: the response is an
// AWS event stream of PayloadChunk events as the function writes, then one
// InvokeComplete that carries the error, if any, and the log tail.
func (g *Gateway) serveInvokeStream(w http.ResponseWriter, r *http.Request) {
	req, ok := g.invokeRequest(w, r, invokeStreamPrefix, invokeStreamSuffix, "InvokeWithResponseStream")
	if !ok {
		return
	}
	switch mode := r.Header.Get("X-Amz-Invocation-Type"); mode {
	case "", "RequestResponse":
	case "DryRun":
		if g.check(w, req) {
			w.WriteHeader(http.StatusNoContent)
		}
		return
	default:
		writeAWSError(w, http.StatusBadRequest, "InvalidParameterValueException",
			"1 validation error detected: Value '"+mode+"' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [RequestResponse, DryRun]")
		return
	}
	req.RequestID = engine.NewRequestID()
	es := &eventStream{out: newStreamWriter(w, req.RequestID, g.timeout(req.Function)), enc: eventstream.NewEncoder()}
	defer es.out.done()
	req.Stream = es
	res, err := g.inv.Invoke(r.Context(), req)
	if err != nil {
		if es.out.started {
			panic(http.ErrAbortHandler)
		}
		g.writeEngineError(w, req, err)
		return
	}
	es.Open(res.ContentType) // nothing was streamed: the headers go now
	complete := struct {
		ErrorCode    string `json:",omitempty"`
		ErrorDetails string `json:",omitempty"`
		LogResult    string `json:",omitempty"`
	}{}
	if res.Error != nil {
		// [inferred] The error's type and message, as the Invoke API's
		// X-Amz-Function-Error / body pair would carry them.
		complete.ErrorCode, complete.ErrorDetails = res.Error.Type, res.Error.Message
	}
	if r.Header.Get("X-Amz-Log-Type") == "Tail" {
		complete.LogResult = base64.StdEncoding.EncodeToString(logTail(res.Logs))
	}
	body, _ := json.Marshal(complete)
	_ = es.event("InvokeComplete", "application/json", body)
}

// eventStream writes a streaming invocation's response as AWS event stream
// messages (the encoding the SDKs' InvokeWithResponseStream reads).
type eventStream struct {
	out *streamWriter
	enc *eventstream.Encoder
	buf bytes.Buffer // one message, reused
}

// Open sends the headers: the function's content type is the response's
// Content-Type, which the SDKs report as ResponseStreamContentType.
func (s *eventStream) Open(contentType string) {
	if s.out.started {
		return
	}
	if contentType == "" {
		contentType = defaultStreamType
	}
	s.out.w.Header().Set("X-Amz-Executed-Version", "$LATEST")
	s.out.start(http.StatusOK, contentType)
}

func (s *eventStream) Write(p []byte) (int, error) {
	if err := s.event("PayloadChunk", defaultStreamType, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (s *eventStream) event(typ, contentType string, payload []byte) error {
	var msg eventstream.Message
	msg.Headers.Set(":message-type", eventstream.StringValue("event"))
	msg.Headers.Set(":event-type", eventstream.StringValue(typ))
	msg.Headers.Set(":content-type", eventstream.StringValue(contentType))
	msg.Payload = payload
	s.buf.Reset()
	if err := s.enc.Encode(&s.buf, msg); err != nil {
		return err
	}
	_, err := s.out.write(s.buf.Bytes())
	return err
}

// streamURL serves a RESPONSE_STREAM function URL: the body goes to the
// client as the function writes it. A response of the http-integration type
// starts with its status and headers (a JSON prelude, then eight NUL bytes);
// any other response is sent as it is, with status 200 and its content type
// [inferred: Lambda does not map a buffered-style {"statusCode",…} object
// in this mode]. An error after the first byte cuts the connection, so the
// client sees an incomplete response rather than a clean end.
func (g *Gateway) streamURL(w http.ResponseWriter, r *http.Request, req engine.Request) {
	us := &urlStream{out: newStreamWriter(w, req.RequestID, g.timeout(req.Function))}
	defer us.out.done()
	req.Stream = us
	res, err := g.inv.Invoke(r.Context(), req)
	ok := err == nil && res.Outcome == engine.OutcomeOK && us.bad == nil
	switch {
	case us.out.started && !ok:
		panic(http.ErrAbortHandler)
	case us.out.started:
	case !ok || us.integration:
		// Nothing went out: a failure, or a prelude that never ended.
		w.Header().Set("X-Amzn-RequestId", req.RequestID)
		http.Error(w, "Internal Server Error", http.StatusBadGateway)
	default: // an empty response
		us.Open(res.ContentType)
		us.out.start(http.StatusOK, us.contentType)
	}
}

// urlStream is the Stream of a RESPONSE_STREAM function URL.
type urlStream struct {
	out         *streamWriter
	contentType string
	integration bool
	prelude     []byte // an http-integration prelude read so far
	bad         error  // the prelude is malformed
}

func (s *urlStream) Open(contentType string) {
	if contentType == "" {
		contentType = defaultStreamType
	}
	s.contentType, s.integration = contentType, contentType == httpIntegration
}

func (s *urlStream) Write(p []byte) (int, error) {
	if !s.integration || s.out.started {
		s.out.start(http.StatusOK, s.contentType)
		return s.out.write(p)
	}
	s.prelude = append(s.prelude, p...)
	meta, body, found := bytes.Cut(s.prelude, preludeEnd)
	if !found {
		if len(s.prelude) > maxPrelude {
			s.bad = errors.New("the streamed response's prelude is not ended by eight NUL bytes within 16 KiB")
			return 0, s.bad
		}
		return len(p), nil
	}
	m, err := parsePrelude(meta)
	if err != nil {
		s.bad = err
		return 0, err
	}
	if !finalStatus(m.StatusCode) {
		s.bad = errors.New("the streamed response's statusCode is not a final status (200–599)")
		return 0, s.bad
	}
	h := s.out.w.Header()
	setResponseHeaders(h, m.Headers, m.Cookies)
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = defaultStreamType
	}
	s.out.start(m.StatusCode, ct)
	if len(body) > 0 {
		if _, err := s.out.write(body); err != nil {
			return 0, err
		}
	}
	s.prelude = nil
	return len(p), nil
}

// streamWriter sends a streamed HTTP response: each write is flushed at once,
// under a write deadline of the function's timeout, so a client that stops
// reading holds the function no longer than Lambda would.
type streamWriter struct {
	w         http.ResponseWriter
	requestID string
	rc        *http.ResponseController
	timeout   time.Duration
	started   bool
}

func newStreamWriter(w http.ResponseWriter, requestID string, timeout time.Duration) *streamWriter {
	return &streamWriter{w: w, requestID: requestID, rc: http.NewResponseController(w), timeout: timeout}
}

func (s *streamWriter) start(status int, contentType string) {
	if s.started {
		return
	}
	s.started = true
	s.w.Header().Set("X-Amzn-RequestId", s.requestID)
	s.w.Header().Set("Content-Type", contentType)
	s.w.WriteHeader(status)
	_ = s.rc.Flush()
}

func (s *streamWriter) write(p []byte) (int, error) {
	_ = s.rc.SetWriteDeadline(time.Now().Add(s.timeout))
	n, err := s.w.Write(p)
	if err == nil {
		err = s.rc.Flush()
	}
	return n, err
}

// done lifts the write deadline, which would otherwise outlive this
// response on a kept-alive connection.
func (s *streamWriter) done() { _ = s.rc.SetWriteDeadline(time.Time{}) }

// timeout is the function's configured timeout (the stream's write deadline).
func (g *Gateway) timeout(name string) time.Duration {
	if f := g.inv.Project().Function(name); f != nil && f.Timeout > 0 {
		return f.Timeout
	}
	return config.DefaultTimeout
}

// logTail is the last 4 KB of an invocation's log, as X-Amz-Log-Result and
// LogResult carry it.
func logTail(logs []byte) []byte {
	if len(logs) > maxTail {
		return logs[len(logs)-maxTail:]
	}
	return logs
}
