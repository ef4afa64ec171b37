package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/lambdev/lambdev/relay/wire"
)

// runtimeAPI is a minimal Lambda Runtime API client (2018-06-01).
//
// The bridge talks to the Runtime API itself instead of using aws-lambda-go's
// lambda.Start, because it must forward answers byte for byte and
// lambda.Start cannot:
//   - errors: lambda.Start re-serialises every error as
//     messages.InvokeResponse_Error. Returning that type keeps errorType and
//     errorMessage, but its stackTrace is []{path,line,label}, so Python's
//     and Node's string stack traces (and any other field) would be lost;
//   - responses: the only raw-bytes path (a lambda.Handler) is reported as
//     application/octet-stream, and the json.RawMessage path re-scans every
//     payload (5 MB events cost milliseconds) and cannot carry the handler's
//     own content type.
//
// The protocol is small (next, response, error, init/error), and owning it
// keeps the stub tiny and static (CGO_ENABLED=0; -tags lambda.norpc is
// accepted and has nothing to remove).
type runtimeAPI struct {
	base   string
	client *http.Client
}

func newRuntimeAPI(addr string) *runtimeAPI {
	// No timeout: /next blocks while the sandbox waits (and is frozen).
	return &runtimeAPI{base: "http://" + addr + "/2018-06-01/runtime/", client: &http.Client{}}
}

// invocation is one event from /next.
type invocation struct {
	id       string
	payload  []byte
	deadline time.Time
	header   http.Header
}

// next blocks until Lambda hands over the next event.
func (r *runtimeAPI) next(ctx context.Context) (*invocation, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.base+"invocation/next", nil)
	if err != nil {
		return nil, err
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("runtime api next: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, wire.MaxPayload+1))
	if err != nil {
		return nil, fmt.Errorf("runtime api next: read event: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("runtime api next: status %d: %s", resp.StatusCode, body)
	}
	inv := &invocation{id: resp.Header.Get("Lambda-Runtime-Aws-Request-Id"), payload: body, header: resp.Header}
	ms, err := strconv.ParseInt(resp.Header.Get("Lambda-Runtime-Deadline-Ms"), 10, 64)
	if err != nil || ms <= 0 {
		ms = time.Now().Add(3 * time.Second).UnixMilli() // Lambda always sends one
	}
	inv.deadline = time.UnixMilli(ms)
	return inv, nil
}

// invokeMessage is the relay invoke for inv.
func (inv *invocation) invokeMessage(function string) *wire.Message {
	h := inv.header
	return &wire.Message{Type: wire.TypeInvoke, ID: inv.id, Payload: inv.payload, Invoke: &wire.Invoke{
		Function:        function,
		DeadlineMs:      inv.deadline.UnixMilli(),
		RemainingMs:     max(time.Until(inv.deadline).Milliseconds(), 1),
		InvokedARN:      h.Get("Lambda-Runtime-Invoked-Function-Arn"),
		TraceID:         h.Get("Lambda-Runtime-Trace-Id"),
		ClientContext:   h.Get("Lambda-Runtime-Client-Context"),
		CognitoIdentity: h.Get("Lambda-Runtime-Cognito-Identity"),
		TenantID:        h.Get("Lambda-Runtime-Aws-Tenant-Id"),
		ContentType:     h.Get("Content-Type"),
	}}
}

// answer posts the relay's answer for id: a response, or an error whose
// body is the handler's error JSON verbatim (or one built from the type and
// message when the relay itself failed).
func (r *runtimeAPI) answer(id string, m *wire.Message) error {
	if m.Type == wire.TypeResponse {
		ct := m.Response.ContentType
		if ct == "" {
			ct = "application/json"
		}
		return r.post("invocation/"+id+"/response", ct, "", m.Payload)
	}
	return r.post("invocation/"+id+"/error", "application/json", m.Error.Type, errorBody(m))
}

// initError reports a failed start; Lambda serves it to the first invoke.
func (r *runtimeAPI) initError(errType, msg string) error {
	m := wire.Fail("init", errType, msg)
	return r.post("init/error", "application/json", errType, errorBody(&m))
}

func errorBody(m *wire.Message) []byte {
	if len(m.Payload) > 0 && json.Valid(m.Payload) {
		return m.Payload
	}
	b, _ := json.Marshal(m.Error)
	return b
}

func (r *runtimeAPI) post(path, contentType, errType string, body []byte) error {
	req, err := http.NewRequest(http.MethodPost, r.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", contentType)
	if errType != "" {
		req.Header.Set(trailerErrorType, errType)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return fmt.Errorf("runtime api %s: %w", path, err)
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("runtime api %s: status %d: %s", path, resp.StatusCode, reply)
	}
	return nil
}
