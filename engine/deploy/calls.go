package deploy

import (
	"context"
	"strings"
	"sync"

	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
)

// Call is one AWS API operation the Deployer made (counted once, however many
// times the SDK retried it).
type Call struct {
	// Service is the SDK service id, e.g. "Lambda" or "IAM".
	Service string
	// Operation is the API name, e.g. "UpdateFunctionCode".
	Operation string
	// Method is the HTTP method.
	Method string
}

// Mutating reports whether the call may change AWS state: any non-GET request,
// except the read operations of query protocols (IAM Get*/List*), which POST.
func (c Call) Mutating() bool {
	if c.Method == "GET" || c.Method == "HEAD" {
		return false
	}
	for _, read := range []string{"Get", "List", "Describe"} {
		if strings.HasPrefix(c.Operation, read) {
			return false
		}
	}
	return true
}

// CallLog records the API calls of a Deployer. It is safe for concurrent use.
type CallLog struct {
	mu    sync.Mutex
	calls []Call
}

// Calls returns a copy of the recorded calls in order.
func (l *CallLog) Calls() []Call {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Call(nil), l.calls...)
}

// Mutating returns the recorded calls that may have changed AWS state.
func (l *CallLog) Mutating() []Call {
	var out []Call
	for _, c := range l.Calls() {
		if c.Mutating() {
			out = append(out, c)
		}
	}
	return out
}

// Reset forgets the recorded calls.
func (l *CallLog) Reset() {
	l.mu.Lock()
	l.calls = nil
	l.mu.Unlock()
}

func (l *CallLog) add(c Call) {
	l.mu.Lock()
	l.calls = append(l.calls, c)
	l.mu.Unlock()
}

// middleware records each operation once, after serialization (so the HTTP
// method is known) and before the retry loop.
func (l *CallLog) middleware(stack *middleware.Stack) error {
	return stack.Build.Add(middleware.BuildMiddlewareFunc("lambdevCallLog",
		func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (
			middleware.BuildOutput, middleware.Metadata, error,
		) {
			c := Call{
				Service:   awsmiddleware.GetServiceID(ctx),
				Operation: awsmiddleware.GetOperationName(ctx),
			}
			if req, ok := in.Request.(*smithyhttp.Request); ok {
				c.Method = req.Method
			}
			l.add(c)
			return next.HandleBuild(ctx, in)
		}), middleware.After)
}
