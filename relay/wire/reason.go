package wire

// Reason says why a connection is being closed.
type Reason string

// Bye reasons.
const (
	ReasonUnauthorized Reason = "unauthorized" // unknown app/stage or wrong token
	ReasonReplaced     Reason = "replaced"     // a newer dev session took over the stage
	ReasonProtocol     Reason = "protocol"     // the peer sent an invalid frame
	ReasonShutdown     Reason = "shutdown"     // the sender is shutting down
	ReasonTimeout      Reason = "timeout"      // the peer was silent too long
)

func (r Reason) known() bool {
	switch r {
	case ReasonUnauthorized, ReasonReplaced, ReasonProtocol, ReasonShutdown, ReasonTimeout:
		return true
	}
	return false
}

// Relay error types, reported to Lambda as the invocation's errorType when
// the relay itself (not the handler) failed.
const (
	// ErrTypeNoDevSession: no lambdev dev session is connected for the stage.
	ErrTypeNoDevSession = "Relay.NoDevSession"
	// ErrTypeDevSessionLost: the dev session went away mid-invocation.
	ErrTypeDevSessionLost = "Relay.DevSessionLost"
	// ErrTypeUnreachable: the bridge could not reach or authenticate with the hub.
	ErrTypeUnreachable = "Relay.Unreachable"
	// ErrTypeConnectionLost: the bridge's hub connection broke mid-invocation.
	ErrTypeConnectionLost = "Relay.ConnectionLost"
	// ErrTypeDuplicate: an invocation with this request ID is already in flight.
	ErrTypeDuplicate = "Relay.DuplicateRequest"
	// ErrTypeFunctionNotFound: the dev session's project has no such function.
	ErrTypeFunctionNotFound = "Relay.FunctionNotFound"
	// ErrTypePayloadTooLarge: the event exceeds the engine's limit.
	ErrTypePayloadTooLarge = "Relay.PayloadTooLarge"
	// ErrTypeEngine: the engine refused the invocation (e.g. shutting down).
	ErrTypeEngine = "Relay.EngineUnavailable"
	// ErrTypeInvalid: the invocation cannot be relayed (a field or the
	// payload is over the protocol's limits).
	ErrTypeInvalid = "Relay.InvalidInvocation"
	// ErrTypeConfig: the bridge's environment is incomplete.
	ErrTypeConfig = "Relay.ConfigInvalid"
)

// Fail builds the TypeError message for request id.
func Fail(id, errType, msg string) Message {
	if len(msg) > maxMessage {
		msg = msg[:maxMessage]
	}
	return Message{Type: TypeError, ID: id, Error: &Error{Type: errType, Message: msg}}
}
