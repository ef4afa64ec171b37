package relay

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine"
)

// gatewayFixture is a real engine behind a real gateway on 127.0.0.1.
type gatewayFixture struct {
	gw     *Gateway
	eng    *engine.Engine
	client *lambda.Client
}

var (
	fixtureOnce sync.Once
	fixture     *gatewayFixture
	fixtureErr  error
)

// TestMain shares one engine and gateway across the package's gateway tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if fixture != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = fixture.gw.Shutdown(ctx)
		cancel()
	}
	os.Exit(code)
}

func newGateway(t testing.TB) *gatewayFixture {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		if os.Getenv("LAMBDEV_REQUIRE_ALL") == "1" {
			t.Fatal("python3 is required")
		}
		t.Skip("python3 not on PATH")
	}
	fixtureOnce.Do(func() {
		p, err := config.Load("testdata/gateway/lambdev.yaml", config.LoadOptions{})
		if err != nil {
			fixtureErr = err
			return
		}
		eng, err := engine.New(p, engine.Options{BuildDir: os.TempDir() + "/lambdev-gateway-test"})
		if err != nil {
			fixtureErr = err
			return
		}
		gw := NewGateway(eng)
		if err := gw.Listen("127.0.0.1:0"); err != nil {
			fixtureErr = err
			return
		}
		go gw.Serve()
		client := lambda.New(lambda.Options{
			Region:       "us-east-1",
			BaseEndpoint: aws.String(gw.Endpoint()),
			Credentials:  aws.AnonymousCredentials{},
		})
		fixture = &gatewayFixture{gw: gw, eng: eng, client: client}
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixture
}

func TestInvokeWithTheRealSDK(t *testing.T) {
	f := newGateway(t)
	out, err := f.client.Invoke(context.Background(), &lambda.InvokeInput{
		FunctionName: aws.String("echo"),
		Payload:      []byte(`{"hello":"sdk"}`),
		LogType:      types.LogTypeTail,
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.StatusCode != 200 || out.FunctionError != nil || aws.ToString(out.ExecutedVersion) != "$LATEST" {
		t.Errorf("status %d function error %v version %v", out.StatusCode, out.FunctionError, out.ExecutedVersion)
	}
	var body struct {
		Event map[string]string `json:"event"`
	}
	if err := json.Unmarshal(out.Payload, &body); err != nil || body.Event["hello"] != "sdk" {
		t.Errorf("payload %s", out.Payload)
	}
	logs, err := base64.StdEncoding.DecodeString(aws.ToString(out.LogResult))
	if err != nil || !strings.Contains(string(logs), "echo handler called") || !strings.Contains(string(logs), "REPORT RequestId: ") {
		t.Errorf("log tail %q (%v)", logs, err)
	}
}

func TestInvokeByLambdaNameAndARN(t *testing.T) {
	f := newGateway(t)
	for _, name := range []string{"gwtest-dev-echo", "arn:aws:lambda:us-east-1:000000000000:function:gwtest-dev-echo", "echo:$LATEST"} {
		out, err := f.client.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String(name), Payload: []byte(`{}`)})
		if err != nil || out.FunctionError != nil {
			t.Errorf("%s: %v %v", name, err, out)
		}
	}
}

func TestInvokeErrorsAreTypedAWSErrors(t *testing.T) {
	f := newGateway(t)
	ctx := context.Background()
	_, err := f.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("missing")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) || !strings.Contains(nf.ErrorMessage(), "Function not found") {
		t.Errorf("unknown function: %v, want ResourceNotFoundException", err)
	}
	// Lambda names the missing version once: …:function:echo:prod.
	_, err = f.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("echo:prod")})
	if !errors.As(err, &nf) || nf.ErrorMessage() != "Function not found: arn:aws:lambda:us-east-1:000000000000:function:echo:prod" {
		t.Errorf("unknown qualifier: %v, want ResourceNotFoundException naming …:function:echo:prod", err)
	}
	big := []byte(`"` + strings.Repeat("a", engine.MaxSyncPayload) + `"`)
	_, err = f.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("echo"), Payload: big})
	var tl *types.RequestTooLargeException
	if !errors.As(err, &tl) {
		t.Errorf("7 MB payload: %v, want RequestTooLargeException", err)
	}
	_, err = f.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("echo"), Payload: []byte(`{not json`)})
	var ic *types.InvalidRequestContentException
	if !errors.As(err, &ic) {
		t.Errorf("invalid JSON: %v, want InvalidRequestContentException", err)
	}
	asyncBig := []byte(`"` + strings.Repeat("a", engine.MaxAsyncPayload) + `"`)
	_, err = f.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("echo"), Payload: asyncBig, InvocationType: types.InvocationTypeEvent})
	if !errors.As(err, &tl) {
		t.Errorf("1 MB+ Event payload: %v, want RequestTooLargeException", err)
	}
}

func TestHandlerErrorIsUnhandled(t *testing.T) {
	f := newGateway(t)
	out, err := f.client.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String("fail"), Payload: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	if out.StatusCode != 200 || aws.ToString(out.FunctionError) != "Unhandled" {
		t.Errorf("status %d function error %v; want 200 Unhandled (lambda-spec.md §3)", out.StatusCode, out.FunctionError)
	}
	var fe struct{ ErrorType, ErrorMessage string }
	if err := json.Unmarshal(out.Payload, &fe); err != nil || fe.ErrorType != "KeyError" {
		t.Errorf("error body %s", out.Payload)
	}
}

func TestEventAndDryRun(t *testing.T) {
	f := newGateway(t)
	ctx := context.Background()
	sub := f.eng.Subscribe(1 << 10)
	out, err := f.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("echo"), InvocationType: types.InvocationTypeEvent, Payload: []byte(`{"async":1}`)})
	if err != nil || out.StatusCode != 202 {
		t.Fatalf("Event: %v status %v, want 202", err, out)
	}
	// The 202 names the request id the function then runs with.
	id, _ := middleware.GetRequestIDMetadata(out.ResultMetadata)
	if id == "" {
		t.Error("Event: no X-Amzn-RequestId")
	}
	timeout := time.After(60 * time.Second)
	for done := false; !done; {
		select {
		case ev := <-sub.C:
			if fin, ok := ev.(engine.InvocationFinished); ok && string(fin.Request.Payload) == `{"async":1}` {
				if fin.Result.RequestID != id || fin.Result.Outcome != engine.OutcomeOK {
					t.Errorf("the Event ran as %s (%s); the 202 said %s", fin.Result.RequestID, fin.Result.Outcome, id)
				}
				done = true
			}
		case <-timeout:
			t.Fatal("the Event invocation did not run within 60s")
		}
	}
	out, err = f.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("echo"), InvocationType: types.InvocationTypeDryRun})
	if err != nil || out.StatusCode != 204 {
		t.Errorf("DryRun: %v status %v, want 204", err, out)
	}
}

func TestClientContextReachesHandler(t *testing.T) {
	f := newGateway(t)
	cc := base64.StdEncoding.EncodeToString([]byte(`{"custom":{"k":"v"},"env":{},"client":{}}`))
	out, err := f.client.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String("echo"), ClientContext: aws.String(cc), Payload: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Custom map[string]string `json:"custom"`
	}
	if err := json.Unmarshal(out.Payload, &body); err != nil || body.Custom["k"] != "v" {
		t.Errorf("client context custom not seen by handler: %s", out.Payload)
	}
}

func get(t *testing.T, method, url, body string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return do(t, req)
}

// do sends req and returns the response and its body.
func do(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestFunctionURLEventAndStructuredResponse(t *testing.T) {
	f := newGateway(t)
	resp, body := get(t, http.MethodPost, f.gw.FunctionURL("web")+"a/b?x=1&x=2&y=3", `{"k":1}`,
		map[string]string{"Content-Type": "application/json", "Cookie": "c1=v1; c2=v2", "X-Custom": "yes"})
	if resp.StatusCode != 201 || resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("X-Echo") != "1" {
		t.Fatalf("status %d headers %v body %s", resp.StatusCode, resp.Header, body)
	}
	if got := resp.Header.Values("Set-Cookie"); len(got) != 2 || got[0] != "a=1; Path=/" {
		t.Errorf("Set-Cookie %q, want one header per cookie", got)
	}
	var ev events.LambdaFunctionURLRequest
	if err := json.Unmarshal([]byte(body), &ev); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	if ev.Version != "2.0" || ev.RawPath != "/a/b" || ev.RawQueryString != "x=1&x=2&y=3" || ev.Body != `{"k":1}` || ev.IsBase64Encoded {
		t.Errorf("event %+v", ev)
	}
	if ev.QueryStringParameters["x"] != "1,2" || ev.Headers["x-custom"] != "yes" || len(ev.Cookies) != 2 || ev.Cookies[1] != "c2=v2" {
		t.Errorf("query %v headers %v cookies %v", ev.QueryStringParameters, ev.Headers, ev.Cookies)
	}
	if ev.RequestContext.HTTP.Method != "POST" || ev.RequestContext.HTTP.Path != "/a/b" || ev.RequestContext.HTTP.SourceIP != "127.0.0.1" {
		t.Errorf("requestContext %+v", ev.RequestContext)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(body), &raw); err != nil || raw["routeKey"] != "$default" {
		t.Errorf("event lacks routeKey $default: %s", body)
	}
}

func TestFunctionURLBinaryBodyAndPlainJSON(t *testing.T) {
	f := newGateway(t)
	resp, body := get(t, http.MethodPut, f.gw.FunctionURL("web")+"bin", "\x00\x01\x02", map[string]string{"Content-Type": "application/octet-stream"})
	var ev events.LambdaFunctionURLRequest
	if err := json.Unmarshal([]byte(body), &ev); err != nil || !ev.IsBase64Encoded || ev.Body != "AAEC" || resp.StatusCode != 201 {
		t.Errorf("binary body: status %d event %+v", resp.StatusCode, ev)
	}
	// A response without statusCode is sent as-is with 200 application/json (lambda-spec.md §4.2).
	resp, body = get(t, http.MethodGet, f.gw.FunctionURL("plain"), "", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" || body != `"Hello, world!"` {
		t.Errorf("plain JSON: %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

func TestFunctionURLErrorsAndMissing(t *testing.T) {
	f := newGateway(t)
	if resp, _ := get(t, http.MethodGet, f.gw.FunctionURL("failurl"), "", nil); resp.StatusCode != http.StatusBadGateway {
		t.Errorf("handler error: status %d, want 502", resp.StatusCode)
	}
	if resp, _ := get(t, http.MethodGet, f.gw.FunctionURL("echo"), "", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("function without url: status %d, want 403", resp.StatusCode)
	}
	if resp, _ := get(t, http.MethodGet, f.gw.Endpoint()+"/nowhere", "", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: status %d, want 404", resp.StatusCode)
	}
}

// parseFunctionRef's plain-name shortcut must agree with the FunctionName
// pattern itself on every input, plain or not.
func TestParseFunctionRefMatchesPattern(t *testing.T) {
	refs := []string{
		"echo", "my-fn_v2.1", "A", "-", ".", "_", "", "a b", "a/b", "é", "a:b", "echo:$LATEST", "echo:prod",
		"123456789012:function:echo", "function:echo", "us-east-1:123456789012:function:echo:1",
		"arn:aws:lambda:us-east-1:123456789012:function:echo", "arn:aws:lambda:us-east-1:123456789012:function:echo:$LATEST",
		"arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:echo", "arn:aws:lambda:::function:echo", "echo:", ":echo",
		"echo\n", "echo%20", "ech*o",
	}
	for _, ref := range refs {
		name, qualifier, ok := parseFunctionRef(ref)
		m := functionRef.FindStringSubmatch(ref)
		if ok != (m != nil) || ok && (name != m[7] || qualifier != m[9]) {
			t.Errorf("parseFunctionRef(%q) = %q %q %v; the pattern gives %q", ref, name, qualifier, ok, m)
		}
	}
}
