// Command gohandler is a tiny aws-lambda-go function the runtimeapi tests run
// as a real worker process. The event's "op" picks a behaviour.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type event struct {
	Op      string          `json:"op"`
	Message string          `json:"message"`
	Size    int             `json:"size"`
	Data    json.RawMessage `json:"data"`
}

// echo reports what reached the handler through the Runtime API.
type echo struct {
	RequestID     string                        `json:"requestId"`
	FunctionARN   string                        `json:"functionArn"`
	DeadlineMs    int64                         `json:"deadlineMs"`
	TraceEnv      string                        `json:"traceEnv"`
	ClientContext *lambdacontext.ClientContext  `json:"clientContext"`
	Identity      lambdacontext.CognitoIdentity `json:"identity"`
	Data          json.RawMessage               `json:"data"`
}

// failingReader yields n bytes of 'x', then fails.
type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, errors.New(os.Getenv("FAIL_MESSAGE") + "stream broke")
	}
	k := min(len(p), r.n)
	copy(p, strings.Repeat("x", k))
	r.n -= k
	return k, nil
}

func handle(ctx context.Context, ev event) (any, error) {
	switch ev.Op {
	case "echo":
		lc, _ := lambdacontext.FromContext(ctx)
		dl, _ := ctx.Deadline()
		out := echo{TraceEnv: os.Getenv("_X_AMZN_TRACE_ID"), DeadlineMs: dl.UnixMilli(), Data: ev.Data}
		if lc != nil {
			out.RequestID, out.FunctionARN, out.Identity = lc.AwsRequestID, lc.InvokedFunctionArn, lc.Identity
			if lc.ClientContext.Client.InstallationID != "" || len(lc.ClientContext.Env) > 0 {
				out.ClientContext = &lc.ClientContext
			}
		}
		return out, nil
	case "error":
		return nil, errors.New(ev.Message)
	case "panic":
		panic(ev.Message)
	case "big":
		return strings.Repeat("x", ev.Size), nil
	case "sleep":
		<-ctx.Done()
		return nil, ctx.Err()
	case "failreader":
		return io.Reader(&failingReader{n: ev.Size}), nil
	case "exit":
		os.Exit(3)
	}
	return nil, errors.New("unknown op " + ev.Op)
}

func main() {
	lambda.Start(handle)
}
