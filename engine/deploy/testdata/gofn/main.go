// Command gofn is a tiny Lambda handler used by the deploy tests.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

type event struct {
	Name string `json:"name"`
}

func handle(_ context.Context, e event) (string, error) {
	return "hello " + e.Name, nil
}

func main() { lambda.Start(handle) }
