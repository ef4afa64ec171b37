package wire

import "fmt"

// DataPerFrame is how much payload a frame carries at most, leaving room
// for the header, the ID and (on the first frame) the metadata.
const DataPerFrame = MaxFrame - headerSize - MaxID - MaxMeta

// Frames validates m and splits it into frames, calling emit with each
// encoded frame in order. buf is reused between calls and may be nil.
func Frames(m *Message, buf []byte, emit func([]byte) error) error {
	meta, err := m.encodeMeta()
	if err != nil {
		return err
	}
	f := Frame{Type: m.Type, ID: m.ID, Total: uint32(len(m.Payload)), Meta: meta}
	rest := m.Payload
	for {
		n := min(len(rest), DataPerFrame)
		f.Data, rest = rest[:n], rest[n:]
		f.Final = len(rest) == 0
		buf = f.AppendEncode(buf[:0])
		if err := emit(buf); err != nil {
			return err
		}
		if f.Final {
			return nil
		}
		f.Seq++
		f.Total, f.Meta = 0, nil
	}
}

// Assembler rebuilds messages from frames. A sender finishes one message's
// frames before starting the next, so at most one message is partial.
// The zero value is ready to use; it is not safe for concurrent use.
type Assembler struct {
	cur     *Message
	total   int
	nextSeq uint32
}

// Add consumes one decoded frame. It returns the message when f completes
// one; any error means the stream is broken and the connection must close.
func (a *Assembler) Add(f Frame) (*Message, bool, error) {
	if f.Seq == 0 {
		if a.cur != nil {
			return nil, false, fmt.Errorf("%w: new %s before %s %q finished", ErrInvalid, f.Type, a.cur.Type, a.cur.ID)
		}
		m := &Message{Type: f.Type, ID: f.ID}
		if err := m.setMeta(f.Meta); err != nil {
			return nil, false, err
		}
		a.cur, a.total, a.nextSeq = m, int(f.Total), 0
		if a.total > 0 {
			m.Payload = make([]byte, 0, a.total)
		}
	} else if a.cur == nil || f.Type != a.cur.Type || f.ID != a.cur.ID {
		return nil, false, fmt.Errorf("%w: continuation %d of %s %q matches no message in progress", ErrInvalid, f.Seq, f.Type, f.ID)
	}
	if f.Seq != a.nextSeq {
		return nil, false, fmt.Errorf("%w: frame %d of %q, want %d", ErrInvalid, f.Seq, f.ID, a.nextSeq)
	}
	m := a.cur
	if !f.Final && len(f.Data) == 0 {
		return nil, false, fmt.Errorf("%w: empty continuation frame %d of %q", ErrInvalid, f.Seq, f.ID)
	}
	if len(m.Payload)+len(f.Data) > a.total {
		return nil, false, fmt.Errorf("%w: %q carries more than its declared %d bytes", ErrInvalid, f.ID, a.total)
	}
	m.Payload = append(m.Payload, f.Data...)
	a.nextSeq++
	if (len(m.Payload) == a.total) != f.Final {
		return nil, false, fmt.Errorf("%w: %q has %d of %d bytes at frame %d (final=%v)", ErrInvalid, f.ID, len(m.Payload), a.total, f.Seq, f.Final)
	}
	if !f.Final {
		return nil, false, nil
	}
	a.cur = nil
	if err := m.Validate(); err != nil {
		return nil, false, err
	}
	return m, true, nil
}
