package engine

import (
	"errors"
	"time"

	"github.com/lambdev/lambdev/engine/runtimeapi"
)

// Payload limits, as Lambda enforces them (lambda-spec.md §3, §1.3).
const (
	// MaxSyncPayload is the RequestResponse request and response limit: 6 MiB.
	MaxSyncPayload = 6 * 1024 * 1024
	// MaxAsyncPayload is the Event invocation request limit: 1 MB since Oct 2025.
	MaxAsyncPayload = 1024 * 1024
	// MaxRuntimePayload is the Runtime API body limit (RIE: 6 MiB + 100 bytes).
	MaxRuntimePayload = 6*1024*1024 + 100
)

// Sentinel errors callers branch on. They describe why an invocation never
// reached a handler; handler failures are reported in Result.Error instead.
var (
	ErrFunctionNotFound = errors.New("function not found")
	ErrPayloadTooLarge  = errors.New("request payload too large")
	ErrNotRunnable      = errors.New("function cannot run locally")
	ErrClosed           = errors.New("engine closed")
	// ErrAsyncQueueFull refuses an Event invocation while the ones not yet
	// done hold Options.AsyncQueueBytes of payload.
	ErrAsyncQueueFull = errors.New("too many Event invocations queued")
	// ErrTenant refuses an invocation whose tenant id does not fit the
	// function: missing for a tenant-isolated one (tenancy: PER_TENANT),
	// present for another, or not a valid tenant id.
	ErrTenant = errors.New("invalid tenant id")
)

// Source says where an invocation came from.
type Source string

// Invocation sources.
const (
	SourceAPI   Source = "api"   // local Invoke API
	SourceURL   Source = "url"   // local function URL
	SourceRelay Source = "relay" // relayed from a cloud bridge
	SourceCLI   Source = "cli"   // lambdev invoke / TUI
)

// Request is one invocation entering the engine.
type Request struct {
	// Function is the lambdev function name (the key under functions:).
	Function string
	// Payload is the event bytes given to the handler.
	Payload []byte
	// Async marks an Event invocation (1 MB limit, caller does not wait).
	Async bool
	// RequestID is used when set (relayed invocations keep Lambda's); otherwise generated.
	RequestID string
	// ClientContext is the decoded client context JSON, if any.
	ClientContext string
	// CognitoIdentity is the Cognito identity JSON, if any.
	CognitoIdentity string
	// TenantID names the tenant of a tenant-isolated function's invocation
	// (X-Amz-Tenant-Id); it must be empty for any other function.
	TenantID string
	// TraceID is the X-Ray trace header; generated when empty.
	TraceID string
	// Deadline overrides the function timeout when non-zero (relayed invocations).
	Deadline time.Time
	// Source says where it came from.
	Source Source
	// Retry numbers an Event invocation's retries (InvokeAsync): 0 for its
	// first attempt, 1 and 2 for Lambda's.
	Retry int
	// Stream, when set, makes this a streaming invocation (InvokeWithResponseStream,
	// a RESPONSE_STREAM function URL): the response goes to it as the function
	// writes it, up to MaxStreamedPayload. It is not called after Invoke returns.
	Stream ResponseStream
}

// ResponseStream receives a streaming invocation's response body.
type ResponseStream interface {
	// Open is called once, before the first Write, with the response's
	// Content-Type as the runtime sent it (empty if none).
	Open(contentType string)
	// Write passes on the next part of the body; after an error it is not
	// called again, and the function runs on.
	Write(p []byte) (int, error)
}

// MaxStreamedPayload is a streamed response's limit: 200 MiB (lambda-spec.md §3).
const MaxStreamedPayload = runtimeapi.MaxStreamedPayload

// streamPreview is how much of a streamed response Result.Payload keeps, for
// the TUI and the event stream.
const streamPreview = 64 << 10

// Outcome classifies how an invocation ended.
type Outcome string

// Outcomes; every invocation ends with exactly one.
const (
	OutcomeOK        Outcome = "ok"
	OutcomeError     Outcome = "error"     // the handler reported an error
	OutcomeTimeout   Outcome = "timeout"   // killed at the deadline
	OutcomeCrash     Outcome = "crash"     // the worker exited mid-invocation
	OutcomeInitError Outcome = "initerror" // the runtime failed to initialise
	OutcomeTooLarge  Outcome = "toolarge"  // the response exceeded the payload limit
)

// FunctionError is Lambda's error shape as returned to invokers.
type FunctionError struct {
	Type    string `json:"errorType,omitempty"`
	Message string `json:"errorMessage"`
	// StackTrace is kept raw: runtimes send strings or objects.
	Trace []byte `json:"-"`
}

// Result is how an invocation ended.
type Result struct {
	RequestID string
	Function  string
	Outcome   Outcome
	// Payload is the response body on success, or the error JSON body otherwise.
	Payload []byte
	// ContentType is the runtime's response content type.
	ContentType string
	// Streamed counts the response bytes passed to Request.Stream. Payload
	// then holds their first 64 KiB on success, or the error JSON.
	Streamed int64
	// Error is set for every outcome but OutcomeOK.
	Error *FunctionError
	// Logs are the invocation's log lines including START/END/REPORT, newline-terminated.
	Logs []byte
	// Cold is true when the invocation started a new worker.
	Cold bool
	// InitDuration is the worker's init time on a cold start.
	InitDuration time.Duration
	// Duration is handler time: delivery to the runtime until its answer.
	Duration time.Duration
	// MaxMemoryMB is the worker's peak RSS in MB.
	MaxMemoryMB int
	// Started and Finished are wall-clock times.
	Started, Finished time.Time
}
