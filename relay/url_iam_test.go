package relay

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// An AWS_IAM function URL answers unsigned requests 403, as AWS does; a
// request signed with SigV4 for lambda (header or presigned URL) reaches
// the handler, whose event names the caller's access key. Requests are
// signed with the SDK's own signer.
func TestIAMFunctionURLNeedsASignature(t *testing.T) {
	f := newGateway(t)
	url := f.gw.FunctionURL("private") + "p?q=1"
	creds := aws.Credentials{AccessKeyID: "AKIDLOCALTEST", SecretAccessKey: "secret"}
	emptyHash := hex.EncodeToString(func() []byte { h := sha256.Sum256(nil); return h[:] }())
	signed := func(service string) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, emptyHash, service, "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		return req
	}

	unsigned, _ := http.NewRequest(http.MethodGet, url, nil)
	for name, req := range map[string]*http.Request{"unsigned": unsigned, "signed for execute-api": signed("execute-api")} {
		resp, body := do(t, req)
		if resp.StatusCode != http.StatusForbidden || strings.TrimSpace(body) != `{"Message":"Forbidden"}` ||
			resp.Header.Get("X-Amzn-ErrorType") != "AccessDeniedException" || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %s %v; want 403 Forbidden", name, resp.StatusCode, body, resp.Header)
		}
	}

	toSign, _ := http.NewRequest(http.MethodGet, url, nil)
	presignedURL, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, toSign, emptyHash, "lambda", "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	presigned, _ := http.NewRequest(http.MethodGet, presignedURL, nil)
	for name, req := range map[string]*http.Request{"signed": signed("lambda"), "presigned": presigned} {
		resp, body := do(t, req)
		if resp.StatusCode != 201 {
			t.Errorf("%s: %d %s; want the handler's 201", name, resp.StatusCode, body)
			continue
		}
		var ev events.LambdaFunctionURLRequest
		if err := json.Unmarshal([]byte(body), &ev); err != nil {
			t.Fatal(err)
		}
		iam := ev.RequestContext.Authorizer
		if iam == nil || iam.IAM == nil || iam.IAM.AccessKey != "AKIDLOCALTEST" || ev.RequestContext.AccountID != "000000000000" {
			t.Errorf("%s: requestContext %+v; want the IAM authorizer with the caller's access key", name, ev.RequestContext)
		}
	}
}
