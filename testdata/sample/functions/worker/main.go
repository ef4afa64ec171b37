// Command worker is the sample's Go function, built with aws-lambda-go.
package main

import (
	"context"
	"fmt"
	"runtime"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type job struct {
	Items []int `json:"items"`
}

type summary struct {
	Count     int    `json:"count"`
	Sum       int    `json:"sum"`
	RequestID string `json:"requestId"`
	Go        string `json:"go"`
}

func handle(ctx context.Context, j job) (summary, error) {
	lc, _ := lambdacontext.FromContext(ctx)
	s := summary{Count: len(j.Items), Go: runtime.Version()}
	if lc != nil {
		s.RequestID = lc.AwsRequestID
	}
	for _, n := range j.Items {
		if n < 0 {
			return summary{}, fmt.Errorf("negative item %d", n)
		}
		s.Sum += n
	}
	fmt.Printf("summed %d items\n", s.Count)
	return s, nil
}

func main() { lambda.Start(handle) }
