package wire

import (
	"bytes"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the decoder, then to an assembler,
// and checks that whatever is accepted re-encodes to the same bytes and
// survives a split/reassemble round trip.
func FuzzDecode(f *testing.F) {
	seeds := []Message{
		{Type: TypeHello, Hello: &Hello{Role: RoleDev, App: "a", Stage: "s", Token: "t"}},
		{Type: TypePing, ID: "n"},
		{Type: TypeInvoke, ID: "r", Invoke: &Invoke{Function: "f", DeadlineMs: 1}, Payload: []byte(`{"x":1}`)},
		{Type: TypeError, ID: "r", Error: &Error{Type: "E", Message: "m"}, Payload: []byte(`{}`)},
		{Type: TypeBye, Bye: &Bye{Reason: ReasonReplaced}},
		{Type: TypeStreamCredit, ID: "r", Credit: &Credit{Bytes: 300}},
	}
	for i := range seeds {
		_ = Frames(&seeds[i], nil, func(b []byte) error { f.Add(append([]byte(nil), b...)); return nil })
	}
	f.Add(encode(Frame{Type: TypeResponse, ID: "r", Total: 3, Meta: []byte("{}"), Data: []byte("ab")}))
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := Decode(b)
		if err != nil {
			return
		}
		if re := fr.AppendEncode(nil); !bytes.Equal(re, b) {
			t.Fatalf("re-encoding differs:\n got %x\nwant %x", re, b)
		}
		var a Assembler
		m, done, err := a.Add(fr)
		if err != nil || !done {
			return
		}
		got, _ := roundTrip(t, m)
		if got.Type != m.Type || got.ID != m.ID || !bytes.Equal(got.Payload, m.Payload) {
			t.Fatalf("round trip changed the message: %+v → %+v", m, got)
		}
	})
}
