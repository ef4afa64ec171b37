package tui

import (
	"strings"
	"time"

	"github.com/lambdev/lambdev/engine"
)

// historySize bounds the invocations kept in memory; older ones are dropped.
const historySize = 10000

// historyBytes bounds the payload and log bytes the history keeps; past it
// the oldest invocations lose their bodies (the rows stay, replay of them is
// refused), so many multi-MB payloads cannot grow the workbench unbounded.
const historyBytes = 256 << 20

// maxLiveLogs bounds the log lines kept for a running invocation; its
// Result.Logs replace them when it ends.
const maxLiveLogs = 500

// invocation is one row of the invocations pane.
type invocation struct {
	seq      uint64
	id       string
	function string
	source   engine.Source
	tenant   string // of a tenant-isolated function's invocation
	started  time.Time
	request  []byte
	cold     bool
	retry    int // an Event invocation's retry number (0: first attempt)
	running  bool
	result   *engine.Result
	rejected string // why it never reached a handler
	logs     []string
	preview  string // first bytes of the request, one line
	size     int    // request + response + log bytes counted against historyBytes
	evicted  bool   // bodies dropped to stay within historyBytes
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
		v.hay = strings.ToLower(v.function + "\x00" + v.id + "\x00" + v.tenant + "\x00" + v.preview)
	}
	return strings.Contains(v.hay, q) || strings.Contains(v.status(), q)
}

// history is a ring buffer of invocations, addressed by sequence number
// (1, 2, 3…: consecutive, so the newest-first index is arithmetic).
type history struct {
	buf    []*invocation
	start  int // position of the oldest entry
	n      int
	next   uint64 // seq the next entry gets
	byID   map[string]*invocation
	bytes  int // sum of the entries' size
	budget int // historyBytes, smaller in tests
	// evictFrom is the seq the next eviction scan starts at: every older
	// entry has already lost its bodies.
	evictFrom uint64
}

func newHistory(size int) *history {
	return &history{buf: make([]*invocation, size), next: 1, byID: map[string]*invocation{}, budget: historyBytes}
}

// account re-counts v's bodies after they changed, then drops the oldest
// entries' bodies while the history is over its byte budget.
func (h *history) account(v *invocation) {
	size := len(v.request)
	if v.result != nil {
		size += len(v.result.Payload) + len(v.result.Logs)
	}
	for _, l := range v.logs {
		size += len(l)
	}
	h.bytes += size - v.size
	v.size = size
	if h.evictFrom < h.oldestSeq() {
		h.evictFrom = h.oldestSeq()
	}
	for h.bytes > h.budget && h.evictFrom < h.newestSeq() {
		if old := h.bySeq(h.evictFrom); old != nil && !old.evicted && !old.running {
			h.bytes -= old.size
			old.size, old.evicted, old.request, old.logs = 0, true, nil, nil
			if old.result != nil {
				r := *old.result
				r.Payload, r.Logs = nil, nil
				old.result = &r
			}
		}
		h.evictFrom++
	}
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
		h.bytes -= old.size
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
	h.start, h.n, h.bytes = 0, 0, 0
	h.byID = map[string]*invocation{}
}
