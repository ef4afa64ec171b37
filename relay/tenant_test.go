package relay

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// A tenant-isolated function (tenancy: PER_TENANT) through the Invoke API
// with the real aws-sdk-go-v2 client: X-Amz-Tenant-Id reaches the handler's
// context.tenant_id, on Invoke and InvokeWithResponseStream; a missing
// tenant, or one given to a function without tenant isolation, is Lambda's
// InvalidParameterValueException (its tenant isolation troubleshooting page).
func TestInvokeWithATenant(t *testing.T) {
	f := newGateway(t)
	ctx := context.Background()
	out, err := f.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("tenants"), TenantId: aws.String("blue"), Payload: []byte(`{"n":1}`)})
	if err != nil || out.FunctionError != nil {
		t.Fatalf("invoke as blue: %v %v", err, out)
	}
	var got struct{ Tenant string }
	if err := json.Unmarshal(out.Payload, &got); err != nil || got.Tenant != "blue" {
		t.Errorf("handler saw tenant %q in %s", got.Tenant, out.Payload)
	}

	sc := lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.gw.Endpoint()), Credentials: aws.AnonymousCredentials{}})
	stream, err := sc.InvokeWithResponseStream(ctx, &lambda.InvokeWithResponseStreamInput{
		FunctionName: aws.String("tenants"), TenantId: aws.String("green"), Payload: []byte(`{}`)})
	if err != nil {
		t.Fatalf("InvokeWithResponseStream as green: %v", err)
	}
	var body []byte
	for ev := range stream.GetStream().Events() {
		if c, ok := ev.(*types.InvokeWithResponseStreamResponseEventMemberPayloadChunk); ok {
			body = append(body, c.Value.Payload...)
		}
	}
	_ = stream.GetStream().Close()
	if !strings.Contains(string(body), `"tenant": "green"`) {
		t.Errorf("streamed answer %s, want tenant green", body)
	}

	async, err := f.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("tenants"), TenantId: aws.String("blue"), InvocationType: types.InvocationTypeEvent})
	if err != nil || async.StatusCode != 202 {
		t.Errorf("Event invocation as blue: %v %v", err, async)
	}

	for _, tc := range []struct {
		name, fn string
		tenant   *string
		mode     types.InvocationType
		want     string
	}{
		{"no tenant", "tenants", nil, "", "must name a tenant"},
		{"no tenant, DryRun", "tenants", nil, types.InvocationTypeDryRun, "must name a tenant"},
		{"no tenant, Event", "tenants", nil, types.InvocationTypeEvent, "must name a tenant"},
		{"a tenant for a shared function", "echo", aws.String("blue"), "", "does not have tenant isolation"},
		{"a tenant id Lambda refuses", "tenants", aws.String("blue;green"), "", "must be 1 to 256"},
	} {
		_, err := f.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(tc.fn), TenantId: tc.tenant, InvocationType: tc.mode, Payload: []byte(`{}`)})
		var ip *types.InvalidParameterValueException
		if !errors.As(err, &ip) || !strings.Contains(ip.ErrorMessage(), tc.want) {
			t.Errorf("%s: %v, want InvalidParameterValueException saying %q", tc.name, err, tc.want)
		}
	}
}

// boto3 and the AWS CLI pass a tenant as users write it.
func TestTenantWithBoto3AndAWSCLI(t *testing.T) {
	f := newGateway(t)
	requireBoto3(t)
	script := `
import json, sys
import boto3
c = boto3.client("lambda", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id="x", aws_secret_access_key="x")
r = c.invoke(FunctionName="tenants", TenantId="blue", Payload=b"{}")
print(json.loads(r["Payload"].read())["tenant"])
try:
    c.invoke(FunctionName="tenants", Payload=b"{}")
except c.exceptions.InvalidParameterValueException:
    print("InvalidParameterValueException")
`
	out, err := exec.Command("python3", "-c", script, f.gw.Endpoint()).CombinedOutput()
	if err != nil || string(out) != "blue\nInvalidParameterValueException\n" {
		t.Errorf("boto3: %v\n%s", err, out)
	}
	if _, err := exec.LookPath("aws"); err != nil {
		return
	}
	outFile := t.TempDir() + "/out.json"
	cmd := exec.Command("aws", "lambda", "invoke", "--endpoint-url", f.gw.Endpoint(), "--region", "us-east-1",
		"--function-name", "tenants", "--tenant-id", "red", outFile)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=x")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("aws lambda invoke --tenant-id: %v\n%s", err, out)
	}
	if body, _ := os.ReadFile(outFile); !strings.Contains(string(body), `"tenant": "red"`) {
		t.Errorf("aws lambda invoke --tenant-id wrote %s", body)
	}
}
