package wire

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// roundTrip splits m into frames and reassembles them.
func roundTrip(t *testing.T, m *Message) (*Message, int) {
	t.Helper()
	var a Assembler
	var got *Message
	frames := 0
	err := Frames(m, nil, func(b []byte) error {
		frames++
		if len(b) > MaxFrame {
			t.Fatalf("frame %d is %d bytes, over MaxFrame", frames, len(b))
		}
		f, err := Decode(b)
		if err != nil {
			return err
		}
		msg, done, err := a.Add(f)
		if done {
			got = msg
		}
		return err
	})
	if err != nil {
		t.Fatalf("round trip %s: %v", m.Type, err)
	}
	if got == nil {
		t.Fatalf("round trip %s: no message assembled", m.Type)
	}
	return got, frames
}

func TestRoundTrip(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), (5<<20)/16)
	tests := []struct {
		name   string
		msg    Message
		frames int
	}{
		{"hello", Message{Type: TypeHello, Hello: &Hello{Role: RoleBridge, App: "hello", Stage: "dev", Token: "t", Function: "api"}}, 1},
		{"welcome", Message{Type: TypeWelcome, Welcome: &Welcome{PingIntervalMs: 5000}}, 1},
		{"ping", Message{Type: TypePing, ID: "n1"}, 1},
		{"bye", Message{Type: TypeBye, Bye: &Bye{Reason: ReasonReplaced, Message: "newer session"}}, 1},
		{"empty invoke", Message{Type: TypeInvoke, ID: "r1", Invoke: &Invoke{Function: "api", DeadlineMs: 1}}, 1},
		{"invoke", Message{Type: TypeInvoke, ID: "8476a536-e9f4-11e8", Invoke: &Invoke{
			Function: "api", DeadlineMs: 1700000000000, TraceID: "Root=1-2-3", TenantID: "blue", ClientContext: `{"custom":{}}`,
			CognitoIdentity: `{"cognitoIdentityId":"x"}`, InvokedARN: "arn:aws:lambda:us-east-1:1:function:a"},
			Payload: []byte(`{"a":1}`)}, 1},
		{"5 MB response", Message{Type: TypeResponse, ID: "r2", Response: &Response{ContentType: "application/json"}, Payload: big},
			(len(big) + DataPerFrame - 1) / DataPerFrame},
		{"max payload", Message{Type: TypeResponse, ID: "r3", Response: &Response{}, Payload: make([]byte, MaxPayload)},
			(MaxPayload + DataPerFrame - 1) / DataPerFrame},
		{"error", Message{Type: TypeError, ID: "r4", Error: &Error{Type: "ValidationError", Message: "bad"}, Payload: []byte(`{"errorType":"ValidationError"}`)}, 1},
		{"streamed invoke", Message{Type: TypeInvoke, ID: "r5", Invoke: &Invoke{Function: "api", DeadlineMs: 1, Stream: true}}, 1},
		{"stream start", Message{Type: TypeStreamStart, ID: "r5", Response: &Response{ContentType: "text/event-stream"}}, 1},
		{"stream chunk", Message{Type: TypeStreamChunk, ID: "r5", Payload: []byte("data: 1\n\n")}, 1},
		{"flow-controlled invoke", Message{Type: TypeInvoke, ID: "r6", Invoke: &Invoke{Function: "api", DeadlineMs: 1, Stream: true, Window: 1 << 20}}, 1},
		{"stream credit", Message{Type: TypeStreamCredit, ID: "r6", Credit: &Credit{Bytes: PartCost(9)}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, frames := roundTrip(t, &tt.msg)
			if frames != tt.frames {
				t.Errorf("%d frames, want %d", frames, tt.frames)
			}
			if got.Type != tt.msg.Type || got.ID != tt.msg.ID || !bytes.Equal(got.Payload, tt.msg.Payload) {
				t.Errorf("got %s %q (%d bytes), want %s %q (%d bytes)", got.Type, got.ID, len(got.Payload), tt.msg.Type, tt.msg.ID, len(tt.msg.Payload))
			}
			if tt.msg.Invoke != nil && *got.Invoke != *tt.msg.Invoke {
				t.Errorf("invoke %+v, want %+v", *got.Invoke, *tt.msg.Invoke)
			}
		})
	}
}

func TestValidateRejects(t *testing.T) {
	long := strings.Repeat("x", 200)
	tests := []struct {
		name string
		msg  Message
	}{
		{"hello without meta", Message{Type: TypeHello}},
		{"unknown role", Message{Type: TypeHello, Hello: &Hello{Role: "admin", App: "a", Stage: "s", Token: "t"}}},
		{"bad app", Message{Type: TypeHello, Hello: &Hello{Role: RoleDev, App: "a/b", Stage: "s", Token: "t"}}},
		{"empty token", Message{Type: TypeHello, Hello: &Hello{Role: RoleDev, App: "a", Stage: "s"}}},
		{"bridge without function", Message{Type: TypeHello, Hello: &Hello{Role: RoleBridge, App: "a", Stage: "s", Token: "t"}}},
		{"invoke without id", Message{Type: TypeInvoke, Invoke: &Invoke{Function: "f", DeadlineMs: 1}}},
		{"invoke without deadline", Message{Type: TypeInvoke, ID: "r", Invoke: &Invoke{Function: "f"}}},
		{"id with slash", Message{Type: TypeInvoke, ID: "a/b", Invoke: &Invoke{Function: "f", DeadlineMs: 1}}},
		{"id too long", Message{Type: TypeInvoke, ID: long, Invoke: &Invoke{Function: "f", DeadlineMs: 1}}},
		{"hello with id", Message{Type: TypeWelcome, ID: "r", Welcome: &Welcome{PingIntervalMs: 1}}},
		{"error without type", Message{Type: TypeError, ID: "r", Error: &Error{Message: "m"}}},
		{"unknown bye reason", Message{Type: TypeBye, Bye: &Bye{Reason: "bored"}}},
		{"payload too large", Message{Type: TypeResponse, ID: "r", Response: &Response{}, Payload: make([]byte, MaxPayload+1)}},
		{"stream start without meta", Message{Type: TypeStreamStart, ID: "r"}},
		{"stream chunk without id", Message{Type: TypeStreamChunk, Payload: []byte("x")}},
		{"window without stream", Message{Type: TypeInvoke, ID: "r", Invoke: &Invoke{Function: "f", DeadlineMs: 1, Window: 1 << 20}}},
		{"negative window", Message{Type: TypeInvoke, ID: "r", Invoke: &Invoke{Function: "f", DeadlineMs: 1, Stream: true, Window: -1}}},
		{"window under two parts", Message{Type: TypeInvoke, ID: "r", Invoke: &Invoke{Function: "f", DeadlineMs: 1, Stream: true, Window: PartCost(DataPerFrame)}}},
		{"window too large", Message{Type: TypeInvoke, ID: "r", Invoke: &Invoke{Function: "f", DeadlineMs: 1, Stream: true, Window: MaxWindow + 1}}},
		{"credit without meta", Message{Type: TypeStreamCredit, ID: "r"}},
		{"credit without id", Message{Type: TypeStreamCredit, Credit: &Credit{Bytes: 1}}},
		{"zero credit", Message{Type: TypeStreamCredit, ID: "r", Credit: &Credit{}}},
		{"credit too large", Message{Type: TypeStreamCredit, ID: "r", Credit: &Credit{Bytes: MaxWindow + 1}}},
		{"credit with payload", Message{Type: TypeStreamCredit, ID: "r", Credit: &Credit{Bytes: 1}, Payload: []byte("x")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Frames(&tt.msg, nil, func([]byte) error { return nil })
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("Frames = %v, want ErrInvalid", err)
			}
		})
	}
}

// encode is a test helper building one raw frame.
func encode(f Frame) []byte { return f.AppendEncode(nil) }

func TestDecodeRejects(t *testing.T) {
	ok := encode(Frame{Type: TypePing, Final: true})
	tests := []struct {
		name string
		b    []byte
	}{
		{"short", ok[:headerSize-1]},
		{"version", append([]byte{2}, ok[1:]...)},
		{"unknown type", append([]byte{Version, 99}, ok[2:]...)},
		{"unknown flag", append([]byte{Version, byte(TypePing), 3}, ok[3:]...)},
		{"id length past end", append([]byte{Version, byte(TypePing), 1, 20}, ok[4:]...)},
		{"oversized", append(encode(Frame{Type: TypeResponse, ID: "r", Final: true, Total: MaxFrame}), make([]byte, MaxFrame)...)},
		{"continuation with meta", encode(Frame{Type: TypeResponse, ID: "r", Seq: 1, Meta: []byte("{}")})},
		{"total over limit", encode(Frame{Type: TypeResponse, ID: "r", Total: MaxPayload + 1})},
		{"ping with data", encode(Frame{Type: TypePing, Final: true, Total: 1, Data: []byte("x")})},
		{"multi-frame hello", encode(Frame{Type: TypeHello, Meta: []byte("{}")})},
		{"response without id", encode(Frame{Type: TypeResponse, Final: true, Meta: []byte("{}")})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Decode(tt.b); !errors.Is(err, ErrInvalid) {
				t.Errorf("Decode = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestAssemblerRejects(t *testing.T) {
	meta := []byte(`{}`)
	first := Frame{Type: TypeResponse, ID: "r", Total: 4, Meta: meta, Data: []byte("ab")}
	tests := []struct {
		name   string
		frames []Frame
	}{
		{"interleaved", []Frame{first, {Type: TypeResponse, ID: "s", Total: 1, Meta: meta}}},
		{"wrong id", []Frame{first, {Type: TypeResponse, ID: "s", Seq: 1, Final: true, Data: []byte("cd")}}},
		{"skipped seq", []Frame{first, {Type: TypeResponse, ID: "r", Seq: 2, Final: true, Data: []byte("cd")}}},
		{"over total", []Frame{first, {Type: TypeResponse, ID: "r", Seq: 1, Final: true, Data: []byte("cde")}}},
		{"final early", []Frame{first, {Type: TypeResponse, ID: "r", Seq: 1, Final: true, Data: []byte("c")}}},
		{"not final at total", []Frame{first, {Type: TypeResponse, ID: "r", Seq: 1, Data: []byte("cd")}}},
		{"empty continuation", []Frame{first, {Type: TypeResponse, ID: "r", Seq: 1}}},
		{"orphan continuation", []Frame{{Type: TypeResponse, ID: "r", Seq: 1, Final: true, Data: []byte("x")}}},
		{"bad meta json", []Frame{{Type: TypeResponse, ID: "r", Final: true, Meta: []byte("{")}}},
		{"invalid message", []Frame{{Type: TypeInvoke, ID: "r", Final: true, Meta: []byte(`{"function":"f"}`)}}},
		{"ping meta", []Frame{{Type: TypePing, Final: true, Meta: meta}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a Assembler
			var err error
			for _, f := range tt.frames {
				if f, err = Decode(encode(f)); err != nil {
					break
				}
				if _, _, err = a.Add(f); err != nil {
					break
				}
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("got %v, want ErrInvalid", err)
			}
		})
	}
}
