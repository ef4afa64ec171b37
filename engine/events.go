package engine

import (
	"sync"
	"sync/atomic"
	"time"
)

// Event is something that happened in the engine. Events carry data, never
// pre-rendered text; the TUI and the headless printer render them.
type Event interface {
	// When is the time the event happened.
	When() time.Time
}

// At is embedded in every event to carry its time.
type At struct{ Time time.Time }

// When reports the event's time.
func (a At) When() time.Time { return a.Time }

// FunctionState is the lifecycle state of a function's workers.
type FunctionState string

// Function states shown in the functions pane.
const (
	StateStarting    FunctionState = "starting"
	StateReady       FunctionState = "ready"
	StateIdle        FunctionState = "idle"
	StateReloading   FunctionState = "reloading"
	StateBuildFailed FunctionState = "build failed"
	StateInitFailed  FunctionState = "init failed"
	StateUnsupported FunctionState = "unsupported"
)

// FunctionStateChanged reports a function's new state; Detail holds compiler
// output or an init error body when there is one.
type FunctionStateChanged struct {
	At
	Function string
	State    FunctionState
	Detail   string
}

// FunctionPrepared reports the local interpreter chosen for a function.
type FunctionPrepared struct {
	At
	Function    string
	Interpreter string
	Version     string
	Matched     bool
	BuildTime   time.Duration
}

// WorkerStarted reports a new worker process.
type WorkerStarted struct {
	At
	Function   string
	Worker     int
	PID        int
	Generation int
	// Tenant is the tenant the worker serves, of a tenant-isolated function.
	Tenant string
}

// WorkerStopped reports a worker process that ended, and why.
type WorkerStopped struct {
	At
	Function string
	Worker   int
	PID      int
	Reason   string
}

// InvocationStarted reports an invocation handed to a worker.
type InvocationStarted struct {
	At
	RequestID string
	Function  string
	Source    Source
	Payload   []byte
	Cold      bool
	// TenantID is the invocation's tenant, of a tenant-isolated function.
	TenantID string
	// Retry is the retry number of an Event invocation (0: first attempt);
	// a retry keeps the request id of its first attempt.
	Retry int
}

// AsyncAttemptFailed reports an attempt of an Event invocation that failed
// (a function error, timeout, crash or init failure). Lambda runs it again
// RetryIn later, or, when RetryIn is 0, has no attempt left and drops it.
type AsyncAttemptFailed struct {
	At
	RequestID string
	Function  string
	Attempt   int // 1, 2 or 3
	Outcome   Outcome
	RetryIn   time.Duration
}

// LogLine is one line a worker wrote, attributed to the invocation running
// when it was written (RequestID empty for lines outside any invocation).
type LogLine struct {
	At
	Function  string
	RequestID string
	Line      string
}

// InvocationFinished reports how an invocation ended.
type InvocationFinished struct {
	At
	Request Request
	Result  Result
}

// subscriber is one consumer of the event stream.
type subscriber struct {
	ch      chan Event
	dropped atomic.Int64
}

// bus fans events out to subscribers without ever blocking the publisher.
type bus struct {
	mu   sync.RWMutex
	subs map[*subscriber]struct{}
}

// Subscription is a bounded stream of engine events.
type Subscription struct {
	C   <-chan Event
	sub *subscriber
	bus *bus
}

// Dropped counts events this subscriber missed because its buffer was full.
func (s *Subscription) Dropped() int64 { return s.sub.dropped.Load() }

// Close stops delivery and closes C.
func (s *Subscription) Close() {
	s.bus.mu.Lock()
	if _, ok := s.bus.subs[s.sub]; ok {
		delete(s.bus.subs, s.sub)
		close(s.sub.ch)
	}
	s.bus.mu.Unlock()
}

func (b *bus) subscribe(buffer int) *Subscription {
	if buffer < 1 {
		buffer = 1
	}
	s := &subscriber{ch: make(chan Event, buffer)}
	b.mu.Lock()
	if b.subs == nil {
		b.subs = map[*subscriber]struct{}{}
	}
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	return &Subscription{C: s.ch, sub: s, bus: b}
}

func (b *bus) publish(e Event) {
	b.mu.RLock()
	for s := range b.subs {
		select {
		case s.ch <- e:
		default:
			s.dropped.Add(1)
		}
	}
	b.mu.RUnlock()
}

func (b *bus) active() bool {
	b.mu.RLock()
	n := len(b.subs)
	b.mu.RUnlock()
	return n > 0
}

func (b *bus) closeAll() {
	b.mu.Lock()
	for s := range b.subs {
		close(s.ch)
	}
	b.subs = nil
	b.mu.Unlock()
}
