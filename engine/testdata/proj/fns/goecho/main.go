// Command goecho echoes its event with aws-lambda-go.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

func main() {
	lambda.Start(func(ctx context.Context, ev json.RawMessage) (map[string]any, error) {
		lc, _ := lambdacontext.FromContext(ctx)
		out := map[string]any{"event": ev, "requestId": lc.AwsRequestID, "arn": lc.InvokedFunctionArn}
		if lc.TenantID != "" {
			out["tenant"] = lc.TenantID
		}
		return out, nil
	})
}
