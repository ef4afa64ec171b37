// Command goecho is the benchmark's Go handler (aws-lambda-go): it echoes the
// event with a version marker that the hot-reload benchmark rewrites.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"
)

const version = "v0"

type reply struct {
	V     string          `json:"v"`
	Event json.RawMessage `json:"event"`
}

func handle(_ context.Context, ev json.RawMessage) (reply, error) {
	return reply{V: version, Event: ev}, nil
}

func main() { lambda.Start(handle) }
