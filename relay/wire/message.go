package wire

import (
	"encoding/json"
	"fmt"
	"regexp"
	"time"
)

// Role says what a connecting client is.
type Role string

// Roles.
const (
	RoleDev    Role = "dev"    // a lambdev dev session that executes invocations
	RoleBridge Role = "bridge" // a bridge running in a deployed Lambda function
)

// Hello opens every connection: who the client is and its stage's token.
type Hello struct {
	Role     Role   `json:"role"`
	App      string `json:"app"`
	Stage    string `json:"stage"`
	Token    string `json:"token"`
	Function string `json:"function,omitempty"` // bridges: the lambdev function name
	// StreamCredit: a dev session that honours Invoke.Window. The hub asks
	// no flow control of a dev session without it.
	StreamCredit bool `json:"streamCredit,omitempty"`
}

// Welcome accepts a Hello.
type Welcome struct {
	// PingIntervalMs is how often the hub pings; silence for three intervals
	// means the connection is dead.
	PingIntervalMs int64 `json:"pingIntervalMs"`
	// StreamCredit says the hub relays TypeStreamCredit, so a bridge may
	// ask for a flow-controlled stream (Invoke.Window). Older hubs omit it.
	StreamCredit bool `json:"streamCredit,omitempty"`
}

// Invoke is one invocation and its Lambda context; the payload is the event.
type Invoke struct {
	Function   string `json:"function"`
	DeadlineMs int64  `json:"deadlineMs"` // Unix epoch milliseconds, in the bridge's clock
	// RemainingMs is the time left when the bridge sent the invocation;
	// receivers use it rather than DeadlineMs so clock skew does not matter.
	RemainingMs     int64  `json:"remainingMs,omitempty"`
	InvokedARN      string `json:"invokedArn,omitempty"`
	TraceID         string `json:"traceId,omitempty"`
	ClientContext   string `json:"clientContext,omitempty"`
	CognitoIdentity string `json:"cognitoIdentity,omitempty"`
	TenantID        string `json:"tenantId,omitempty"` // of a tenant-isolated function
	ContentType     string `json:"contentType,omitempty"`
	// Stream asks for a streamed answer (TypeStreamStart, chunks, end): the
	// bridge of a RESPONSE_STREAM function URL sets it.
	Stream bool `json:"stream,omitempty"`
	// Window, on a streamed invoke, is how much of the answer (in PartCost
	// units) may be on its way, not yet credited by the bridge
	// (TypeStreamCredit): a client that stops reading then holds back its
	// own stream only. 0: no flow control.
	Window int64 `json:"window,omitempty"`
}

// Credit is TypeStreamCredit's metadata.
type Credit struct {
	Bytes int64 `json:"bytes"` // PartCost units passed on
}

// Flow control of streamed answers.
const (
	// PartOverhead is what a stream part costs beyond its payload, so a
	// window bounds the number of parts in flight as well as their bytes.
	PartOverhead = 256
	// MaxWindow caps Invoke.Window and a credit.
	MaxWindow = 64 << 20
)

// PartCost is what a TypeStreamStart or TypeStreamChunk with n payload
// bytes counts against a window.
func PartCost(n int) int64 { return int64(n) + PartOverhead }

// Deadline is DeadlineMs as a time.
func (i *Invoke) Deadline() time.Time { return time.UnixMilli(i.DeadlineMs) }

// Response is a handler's successful answer; the payload is its body.
type Response struct {
	ContentType string `json:"contentType,omitempty"`
}

// Error is a failed invocation: a handler error (the payload is the
// runtime's error JSON, kept verbatim) or a relay failure (Type "Relay.*",
// empty payload).
type Error struct {
	Type    string `json:"errorType"`
	Message string `json:"errorMessage"`
}

// Bye says why the sender is closing the connection.
type Bye struct {
	Reason  Reason `json:"reason"`
	Message string `json:"message,omitempty"`
}

// Message is a whole protocol message. Exactly the metadata field matching
// Type is set (none for ping and pong).
type Message struct {
	Type     Type
	ID       string
	Hello    *Hello
	Welcome  *Welcome
	Invoke   *Invoke
	Response *Response
	Error    *Error
	Bye      *Bye
	Credit   *Credit
	Payload  []byte
}

// meta returns the metadata value for m's type.
func (m *Message) meta() (any, bool) {
	switch m.Type {
	case TypeHello:
		return m.Hello, m.Hello != nil
	case TypeWelcome:
		return m.Welcome, m.Welcome != nil
	case TypeInvoke:
		return m.Invoke, m.Invoke != nil
	case TypeResponse, TypeStreamStart:
		return m.Response, m.Response != nil
	case TypeError:
		return m.Error, m.Error != nil
	case TypeBye:
		return m.Bye, m.Bye != nil
	case TypeStreamCredit:
		return m.Credit, m.Credit != nil
	}
	return nil, true
}

// setMeta decodes raw into a fresh metadata value for m's type.
func (m *Message) setMeta(raw []byte) error {
	var dst any
	switch m.Type {
	case TypeHello:
		m.Hello = &Hello{}
		dst = m.Hello
	case TypeWelcome:
		m.Welcome = &Welcome{}
		dst = m.Welcome
	case TypeInvoke:
		m.Invoke = &Invoke{}
		dst = m.Invoke
	case TypeResponse, TypeStreamStart:
		m.Response = &Response{}
		dst = m.Response
	case TypeError:
		m.Error = &Error{}
		dst = m.Error
	case TypeBye:
		m.Bye = &Bye{}
		dst = m.Bye
	case TypeStreamCredit:
		m.Credit = &Credit{}
		dst = m.Credit
	default:
		if len(raw) != 0 {
			return fmt.Errorf("%w: %s carries metadata", ErrInvalid, m.Type)
		}
		return nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return fmt.Errorf("%w: %s metadata: %v", ErrInvalid, m.Type, err)
	}
	return nil
}

// namePattern matches app, stage and function names (config's rule).
var namePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Field limits beyond the metadata cap.
const (
	maxToken   = 1024
	maxText    = 1024 // ARNs, trace ids, content types, error types
	maxMessage = 4096 // error and bye messages
)

// Validate checks m's fields for its type, and that its metadata encodes
// within MaxMeta (so anything accepted can be forwarded).
func (m *Message) Validate() error {
	_, err := m.encodeMeta()
	return err
}

// encodeMeta validates m and returns its JSON metadata.
func (m *Message) encodeMeta() ([]byte, error) {
	if err := m.validateFields(); err != nil {
		return nil, err
	}
	v, _ := m.meta()
	if v == nil {
		return nil, nil
	}
	meta, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("wire: encode %s metadata: %w", m.Type, err)
	}
	if len(meta) > MaxMeta {
		return nil, fmt.Errorf("%w: %s metadata is %d bytes encoded, over %d", ErrInvalid, m.Type, len(meta), MaxMeta)
	}
	return meta, nil
}

func (m *Message) validateFields() error {
	if _, ok := m.meta(); !ok {
		return fmt.Errorf("%w: %s without metadata", ErrInvalid, m.Type)
	}
	if err := checkID(m.Type, m.ID); err != nil {
		return err
	}
	if len(m.Payload) > MaxPayload {
		return fmt.Errorf("%w: payload of %d bytes exceeds the %d byte limit", ErrInvalid, len(m.Payload), MaxPayload)
	}
	switch m.Type {
	case TypeHello:
		return m.Hello.validate()
	case TypeWelcome:
		if m.Welcome.PingIntervalMs <= 0 || m.Welcome.PingIntervalMs > 3600_000 {
			return fmt.Errorf("%w: ping interval %dms", ErrInvalid, m.Welcome.PingIntervalMs)
		}
	case TypeInvoke:
		return m.Invoke.validate()
	case TypeResponse, TypeStreamStart:
		return checkLen("contentType", m.Response.ContentType, maxText)
	case TypeError:
		if m.Error.Type == "" {
			return fmt.Errorf("%w: error without errorType", ErrInvalid)
		}
		return firstErr(checkLen("errorType", m.Error.Type, maxText), checkLen("errorMessage", m.Error.Message, maxMessage))
	case TypeBye:
		if !m.Bye.Reason.known() {
			return fmt.Errorf("%w: unknown bye reason %q", ErrInvalid, m.Bye.Reason)
		}
		return checkLen("message", m.Bye.Message, maxMessage)
	case TypeStreamCredit:
		if m.Credit.Bytes <= 0 || m.Credit.Bytes > MaxWindow || len(m.Payload) != 0 {
			return fmt.Errorf("%w: credit of %d bytes (with %d payload bytes)", ErrInvalid, m.Credit.Bytes, len(m.Payload))
		}
	}
	return nil
}

func (h *Hello) validate() error {
	if h.Role != RoleDev && h.Role != RoleBridge {
		return fmt.Errorf("%w: unknown role %q", ErrInvalid, h.Role)
	}
	if !namePattern.MatchString(h.App) || !namePattern.MatchString(h.Stage) {
		return fmt.Errorf("%w: app %q or stage %q is not a valid name", ErrInvalid, h.App, h.Stage)
	}
	if h.Token == "" || len(h.Token) > maxToken {
		return fmt.Errorf("%w: token must be 1 to %d bytes", ErrInvalid, maxToken)
	}
	if h.Role == RoleBridge && !namePattern.MatchString(h.Function) {
		return fmt.Errorf("%w: bridge function %q is not a valid name", ErrInvalid, h.Function)
	}
	return nil
}

func (i *Invoke) validate() error {
	if !namePattern.MatchString(i.Function) {
		return fmt.Errorf("%w: function %q is not a valid name", ErrInvalid, i.Function)
	}
	if i.DeadlineMs <= 0 || i.RemainingMs < 0 {
		return fmt.Errorf("%w: invoke without a valid deadline", ErrInvalid)
	}
	if i.Window < 0 || i.Window > MaxWindow || (i.Window > 0 && !i.Stream) {
		return fmt.Errorf("%w: stream window %d (stream %v)", ErrInvalid, i.Window, i.Stream)
	}
	if i.Window > 0 && i.Window < 2*PartCost(DataPerFrame) {
		return fmt.Errorf("%w: stream window %d is below two whole parts", ErrInvalid, i.Window)
	}
	return firstErr(
		checkLen("invokedArn", i.InvokedARN, maxText),
		checkLen("traceId", i.TraceID, maxText),
		checkLen("contentType", i.ContentType, maxText),
		checkLen("tenantId", i.TenantID, maxText),
		checkLen("clientContext", i.ClientContext, maxMessage),
		checkLen("cognitoIdentity", i.CognitoIdentity, maxMessage),
	)
}

func checkLen(field, v string, limit int) error {
	if len(v) > limit {
		return fmt.Errorf("%w: %s longer than %d bytes", ErrInvalid, field, limit)
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
