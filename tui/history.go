package tui

import (
	"strings"
	"time"

	"github.com/lambdev/lambdev/engine"
)

// historySize bounds the invocations kept in memory; older ones are dropped.
const historySize = 10000

// maxLiveLogs bounds the log lines kept for a running invocation; its
// Result.Logs replace them when it ends.
const maxLiveLogs = 500

// invocation is one row of the invocations pane.
type invocation struct {
	seq      uint64
	id       string
	function string
	source   engine.Source
	started  time.Time
	request  []byte
	cold     bool
	running  bool
	result   *engine.Result
	rejected string // why it never reached a handler
	logs     []string
	preview  string // first bytes of the request, one line
	hay      string // lower-cased text the filter searches
}

// status is the one-word outcome shown in the list.
func (v *invocation) status() string {
	switch {
	case v.rejected != "":
		return "rejected"
	case v.result != nil:
		return string(v.result.Outcome)
	}
	return "running"
}

// matches reports whether q (lower case) occurs in the invocation's function,
// status, request id or request preview.
func (v *invocation) matches(q string) bool {
	if q == "" {
		return true
	}
	if v.hay == "" {
		v.hay = strings.ToLower(v.function + "\x00" + v.id + "\x00" + v.preview)
	}
	return strings.Contains(v.hay, q) || strings.Contains(v.status(), q)
}

// history is a ring buffer of invocations, addressed by sequence number
// (1, 2, 3…: consecutive, so the newest-first index is arithmetic).
type history struct {
	buf   []*invocation
	start int // position of the oldest entry
	n     int
	next  uint64 // seq the next entry gets
	byID  map[string]*invocation
}

func newHistory(size int) *history {
	return &history{buf: make([]*invocation, size), next: 1, byID: map[string]*invocation{}}
}

func (h *history) len() int { return h.n }

// newestSeq is the seq of the newest entry (0 when empty).
func (h *history) newestSeq() uint64 {
	if h.n == 0 {
		return 0
	}
	return h.next - 1
}

// oldestSeq is the seq of the oldest entry kept.
func (h *history) oldestSeq() uint64 { return h.next - uint64(h.n) }

// add appends v, evicting the oldest entry when full, and returns it.
func (h *history) add(v *invocation) *invocation {
	v.seq = h.next
	h.next++
	if h.n == len(h.buf) {
		old := h.buf[h.start]
		if h.byID[old.id] == old {
			delete(h.byID, old.id)
		}
		h.buf[h.start] = v
		h.start = (h.start + 1) % len(h.buf)
	} else {
		h.buf[(h.start+h.n)%len(h.buf)] = v
		h.n++
	}
	if v.id != "" {
		h.byID[v.id] = v
	}
	return v
}

// bySeq returns the entry with seq s, or nil when it is gone.
func (h *history) bySeq(s uint64) *invocation {
	if h.n == 0 || s < h.oldestSeq() || s > h.newestSeq() {
		return nil
	}
	return h.buf[(h.start+int(s-h.oldestSeq()))%len(h.buf)]
}

// lookup finds an entry by request id.
func (h *history) lookup(id string) *invocation { return h.byID[id] }

// reset forgets every entry; sequence numbers keep growing.
func (h *history) reset() {
	clear(h.buf)
	h.start, h.n = 0, 0
	h.byID = map[string]*invocation{}
}
