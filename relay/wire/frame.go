// Package wire is the relay protocol: typed, versioned, size-limited frames
// carried as binary WebSocket messages between bridges, the hub and dev
// sessions. A logical Message (an invocation, its answer, a handshake…) is
// split into frames of at most MaxFrame bytes and reassembled, with every
// frame validated before any of it is used.
package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Version is the protocol version every frame carries in its first byte.
const Version = 1

// Size limits. A frame is one WebSocket message; payloads are chunked.
const (
	// MaxFrame is the largest encoded frame (and the WebSocket read limit).
	MaxFrame = 256 << 10
	// MaxPayload caps a reassembled payload: Lambda's 6 MiB Runtime API
	// limit plus RIE's 100 bytes of slack (engine.MaxRuntimePayload).
	MaxPayload = 6<<20 + 100
	// MaxMeta caps a message's JSON metadata.
	MaxMeta = 16 << 10
	// MaxID caps a request ID.
	MaxID = 128
	// headerSize is the fixed part of a frame.
	headerSize = 16
)

// Type says what a frame carries.
type Type uint8

// Frame types. Numbers are part of the protocol: never reuse one.
const (
	TypeHello    Type = 1 // client → hub: role, app, stage, token
	TypeWelcome  Type = 2 // hub → client: accepted
	TypeInvoke   Type = 3 // bridge → hub → dev: one invocation
	TypeResponse Type = 4 // dev → hub → bridge: the handler's result
	TypeError    Type = 5 // an invocation failed (handler or relay)
	TypePing     Type = 6 // keep-alive probe; answered by TypePong
	TypePong     Type = 7 // keep-alive answer
	TypeBye      Type = 8 // the sender is closing the connection, with a reason
	// A streamed answer (an Invoke with Stream set): one TypeStreamStart with
	// the response's content type, TypeStreamChunk payloads in order, then a
	// TypeResponse (empty payload: the end) or a TypeError (the error that
	// ended it, reported in the Runtime API's trailers).
	TypeStreamStart Type = 9  // dev → hub → bridge
	TypeStreamChunk Type = 10 // dev → hub → bridge
	// TypeStreamCredit lets more of a flow-controlled stream (Invoke.Window)
	// go: the bridge passed on parts costing Credit.Bytes (see PartCost).
	TypeStreamCredit Type = 11 // bridge → hub → dev
)

// String names the type.
func (t Type) String() string {
	switch t {
	case TypeHello:
		return "hello"
	case TypeWelcome:
		return "welcome"
	case TypeInvoke:
		return "invoke"
	case TypeResponse:
		return "response"
	case TypeError:
		return "error"
	case TypePing:
		return "ping"
	case TypePong:
		return "pong"
	case TypeBye:
		return "bye"
	case TypeStreamStart:
		return "stream-start"
	case TypeStreamChunk:
		return "stream-chunk"
	case TypeStreamCredit:
		return "stream-credit"
	}
	return fmt.Sprintf("type(%d)", uint8(t))
}

// known reports whether t is a defined type.
func (t Type) known() bool { return t >= TypeHello && t <= TypeStreamCredit }

// carriesRequest reports whether messages of type t belong to an invocation
// (and so need a request ID and may carry a payload).
func (t Type) carriesRequest() bool {
	switch t {
	case TypeInvoke, TypeResponse, TypeError, TypeStreamStart, TypeStreamChunk, TypeStreamCredit:
		return true
	}
	return false
}

// flagFinal marks the last frame of a message.
const flagFinal = 1

// ErrInvalid wraps every decoding and validation failure.
var ErrInvalid = errors.New("wire: invalid frame")

// Frame is one chunk of a message.
//
// Layout (big-endian): version u8 | type u8 | flags u8 | idLen u8 |
// seq u32 | total u32 | metaLen u32 | id | meta | data. Total and meta are
// set on the first frame (Seq 0) only: total is the whole payload's length.
type Frame struct {
	Type  Type
	ID    string
	Seq   uint32
	Final bool
	Total uint32 // payload length of the whole message; Seq 0 only
	Meta  []byte // JSON metadata; Seq 0 only
	Data  []byte // this frame's slice of the payload
}

// AppendEncode appends f's encoding to b.
func (f *Frame) AppendEncode(b []byte) []byte {
	var flags byte
	if f.Final {
		flags = flagFinal
	}
	b = append(b, Version, byte(f.Type), flags, byte(len(f.ID)))
	b = binary.BigEndian.AppendUint32(b, f.Seq)
	b = binary.BigEndian.AppendUint32(b, f.Total)
	b = binary.BigEndian.AppendUint32(b, uint32(len(f.Meta)))
	b = append(b, f.ID...)
	b = append(b, f.Meta...)
	return append(b, f.Data...)
}

// Size is f's encoded length.
func (f *Frame) Size() int { return headerSize + len(f.ID) + len(f.Meta) + len(f.Data) }

// Decode parses and validates one frame. The returned frame's Meta and Data
// alias b.
func Decode(b []byte) (Frame, error) {
	var f Frame
	if len(b) < headerSize {
		return f, fmt.Errorf("%w: %d bytes is shorter than the %d byte header", ErrInvalid, len(b), headerSize)
	}
	if len(b) > MaxFrame {
		return f, fmt.Errorf("%w: %d bytes exceeds the %d byte frame limit", ErrInvalid, len(b), MaxFrame)
	}
	if b[0] != Version {
		return f, fmt.Errorf("%w: protocol version %d, want %d", ErrInvalid, b[0], Version)
	}
	f.Type = Type(b[1])
	if !f.Type.known() {
		return f, fmt.Errorf("%w: unknown type %d", ErrInvalid, b[1])
	}
	if b[2]&^flagFinal != 0 {
		return f, fmt.Errorf("%w: unknown flags %#x", ErrInvalid, b[2])
	}
	f.Final = b[2]&flagFinal != 0
	idLen := int(b[3])
	f.Seq = binary.BigEndian.Uint32(b[4:])
	f.Total = binary.BigEndian.Uint32(b[8:])
	metaLen := binary.BigEndian.Uint32(b[12:])
	if idLen > MaxID || metaLen > MaxMeta || uint64(headerSize+idLen)+uint64(metaLen) > uint64(len(b)) {
		return f, fmt.Errorf("%w: id (%d) or metadata (%d) length out of bounds", ErrInvalid, idLen, metaLen)
	}
	rest := b[headerSize:]
	f.ID, rest = string(rest[:idLen]), rest[idLen:]
	f.Meta, f.Data = rest[:metaLen:metaLen], rest[metaLen:]
	return f, f.check()
}

// check validates the fields that do not depend on earlier frames.
func (f *Frame) check() error {
	if err := checkID(f.Type, f.ID); err != nil {
		return err
	}
	if f.Seq > 0 && (f.Total != 0 || len(f.Meta) != 0) {
		return fmt.Errorf("%w: continuation frame %d carries a total or metadata", ErrInvalid, f.Seq)
	}
	if f.Seq == 0 && f.Total > MaxPayload {
		return fmt.Errorf("%w: payload of %d bytes exceeds the %d byte limit", ErrInvalid, f.Total, MaxPayload)
	}
	if !f.Type.carriesRequest() && (f.Seq != 0 || !f.Final || f.Total != 0 || len(f.Data) != 0) {
		return fmt.Errorf("%w: %s must be a single frame without payload", ErrInvalid, f.Type)
	}
	return nil
}

// checkID validates a request ID: required for invocation messages, absent
// otherwise (pings may carry one as a nonce); printable ASCII without '/'.
func checkID(t Type, id string) error {
	if id == "" {
		if t.carriesRequest() {
			return fmt.Errorf("%w: %s without a request id", ErrInvalid, t)
		}
		return nil
	}
	if !t.carriesRequest() && t != TypePing && t != TypePong {
		return fmt.Errorf("%w: %s must not carry a request id", ErrInvalid, t)
	}
	if len(id) > MaxID {
		return fmt.Errorf("%w: request id longer than %d bytes", ErrInvalid, MaxID)
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c >= 0x7f || c == '/' {
			return fmt.Errorf("%w: request id has byte %#x at %d", ErrInvalid, c, i)
		}
	}
	return nil
}
