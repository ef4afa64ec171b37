// Command gofn is a test handler built with the real aws-lambda-go.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type reply struct {
	Event     json.RawMessage `json:"event"`
	RequestID string          `json:"requestId"`
	ARN       string          `json:"arn"`
	Function  string          `json:"function"`
}

func handle(ctx context.Context, event json.RawMessage) (reply, error) {
	lc, _ := lambdacontext.FromContext(ctx)
	if string(event) == `"fail"` {
		return reply{}, errors.New("go handler failed")
	}
	return reply{Event: event, RequestID: lc.AwsRequestID, ARN: lc.InvokedFunctionArn, Function: os.Getenv("AWS_LAMBDA_FUNCTION_NAME")}, nil
}

func main() { lambda.Start(handle) }
