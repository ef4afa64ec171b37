package engine

import (
	"testing"

	"github.com/lambdev/lambdev/config"
)

// A function's ARN names its region's partition, as Lambda's does in China
// and GovCloud (the handler sees it as invoked_function_arn).
func TestFunctionARNPartition(t *testing.T) {
	f := &config.Function{Name: "api"}
	for region, want := range map[string]string{
		"us-east-1":     "arn:aws:lambda:us-east-1:" + LocalAccountID + ":function:shop-dev-api",
		"cn-north-1":    "arn:aws-cn:lambda:cn-north-1:" + LocalAccountID + ":function:shop-dev-api",
		"us-gov-west-1": "arn:aws-us-gov:lambda:us-gov-west-1:" + LocalAccountID + ":function:shop-dev-api",
	} {
		p := &config.Project{App: "shop", Stage: "dev", Region: region, Functions: []*config.Function{f}}
		if got := functionARN(p, f); got != want {
			t.Errorf("%s: %s, want %s", region, got, want)
		}
	}
}
