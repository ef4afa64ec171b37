package relay

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine"
)

// streamFixture is a real engine running testdata/stream's aws-lambda-go
// and Node handlers behind a real gateway.
type streamFixture struct {
	gw  *Gateway
	eng *engine.Engine
}

// sdk is a fresh Lambda client for one streamed call. One client per stream:
// aws-sdk-go-v2's restjson1 protocol (smithy-go 1.28.9) gives a client one
// event-stream codec with a shared payload buffer, so two of its streams
// race (the race detector caught one finishing as the next began).
func (f *streamFixture) sdk() *lambda.Client {
	return lambda.New(lambda.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(f.gw.Endpoint()),
		Credentials:  aws.AnonymousCredentials{},
	})
}

var (
	streamOnce sync.Once
	streamFix  *streamFixture
	streamErr  error
)

func newStreamGateway(t *testing.T) *streamFixture {
	t.Helper()
	streamOnce.Do(func() {
		p, err := config.Load("testdata/stream/lambdev.yaml", config.LoadOptions{})
		if err != nil {
			streamErr = err
			return
		}
		eng, err := engine.New(p, engine.Options{BuildDir: filepath.Join(os.TempDir(), "lambdev-stream-test")})
		if err != nil {
			streamErr = err
			return
		}
		gw := NewGateway(eng)
		if err := gw.Listen("127.0.0.1:0"); err != nil {
			streamErr = err
			return
		}
		go gw.Serve()
		streamFix = &streamFixture{gw: gw, eng: eng}
	})
	if streamErr != nil {
		t.Fatal(streamErr)
	}
	return streamFix
}

// mkfifo makes a FIFO the handler reads its second part from: the test
// writes it once it has seen the first part arrive.
func mkfifo(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "part2")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// feed writes s into the FIFO (opening blocks until the handler reads it).
func feed(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// nextEvent reads one event of an InvokeWithResponseStream answer.
func nextEvent(t *testing.T, ch <-chan types.InvokeWithResponseStreamResponseEvent) types.InvokeWithResponseStreamResponseEvent {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatal("the event stream ended early")
		}
		return ev
	case <-time.After(30 * time.Second):
		t.Fatal("no event within 30s")
	}
	return nil
}

// The real SDK's InvokeWithResponseStream reads the response as it is
// written: the first chunk arrives while the handler is still blocked on
// the FIFO, then the rest, then InvokeComplete with the log tail. Go's
// handler returns an io.Reader (aws-lambda-go); Node's is wrapped in
// awslambda.streamifyResponse.
func TestInvokeWithResponseStreamSDK(t *testing.T) {
	for _, fn := range []string{"gostream", "nodestream"} {
		t.Run(fn, func(t *testing.T) { testInvokeWithResponseStream(t, fn) })
	}
}

func testInvokeWithResponseStream(t *testing.T, fn string) {
	f := newStreamGateway(t)
	path := mkfifo(t)
	sub := f.eng.Subscribe(1 << 10)
	defer sub.Close()
	out, err := f.sdk().InvokeWithResponseStream(context.Background(), &lambda.InvokeWithResponseStreamInput{
		FunctionName: aws.String(fn),
		Payload:      []byte(`{"op":"fifo","fifo":"` + path + `"}`),
		LogType:      types.LogTypeTail,
	})
	if err != nil {
		t.Fatal(err)
	}
	stream := out.GetStream()
	defer stream.Close()
	if out.StatusCode != 200 || aws.ToString(out.ResponseStreamContentType) != "application/octet-stream" || aws.ToString(out.ExecutedVersion) != "$LATEST" {
		t.Errorf("status %d, content type %q, version %q", out.StatusCode, aws.ToString(out.ResponseStreamContentType), aws.ToString(out.ExecutedVersion))
	}
	first, ok := nextEvent(t, stream.Events()).(*types.InvokeWithResponseStreamResponseEventMemberPayloadChunk)
	if !ok || string(first.Value.Payload) != "one\n" {
		t.Fatalf("first event %#v, want the chunk \"one\\n\"", first)
	}
	feed(t, path, "two\n")
	var rest strings.Builder
	for {
		switch ev := nextEvent(t, stream.Events()).(type) {
		case *types.InvokeWithResponseStreamResponseEventMemberPayloadChunk:
			rest.Write(ev.Value.Payload)
			continue
		case *types.InvokeWithResponseStreamResponseEventMemberInvokeComplete:
			if ev.Value.ErrorCode != nil || ev.Value.ErrorDetails != nil {
				t.Errorf("InvokeComplete reports an error: %q %q", aws.ToString(ev.Value.ErrorCode), aws.ToString(ev.Value.ErrorDetails))
			}
			logs, err := base64.StdEncoding.DecodeString(aws.ToString(ev.Value.LogResult))
			if err != nil || !strings.Contains(string(logs), "REPORT RequestId: ") {
				t.Errorf("LogResult %q (%v), want the log tail", logs, err)
			}
		default:
			t.Fatalf("unexpected event %#v", ev)
		}
		break
	}
	if rest.String() != "two\n" {
		t.Errorf("after the first chunk the stream carried %q, want \"two\\n\"", rest.String())
	}
	if err := stream.Err(); err != nil {
		t.Errorf("stream error: %v", err)
	}
	// The engine's record of it: the bytes streamed, and their start kept.
	timeout := time.After(30 * time.Second)
	for {
		select {
		case ev := <-sub.C:
			fin, ok := ev.(engine.InvocationFinished)
			if !ok || fin.Result.Function != fn {
				continue
			}
			if fin.Result.Outcome != engine.OutcomeOK || fin.Result.Streamed != 8 || string(fin.Result.Payload) != "one\ntwo\n" {
				t.Errorf("InvocationFinished: %s, streamed %d, payload %q", fin.Result.Outcome, fin.Result.Streamed, fin.Result.Payload)
			}
			return
		case <-timeout:
			t.Fatal("no InvocationFinished within 30s")
		}
	}
}

// Errors reach InvokeComplete: one reported in the trailers after bytes were
// streamed, and a handler error before any.
func TestInvokeWithResponseStreamErrors(t *testing.T) {
	f := newStreamGateway(t)
	for _, tc := range []struct {
		op, streamed, details string
	}{
		{"fail", "partial", "the source went away"},
		{"error", "", "refused before streaming"},
	} {
		out, err := f.sdk().InvokeWithResponseStream(context.Background(), &lambda.InvokeWithResponseStreamInput{
			FunctionName: aws.String("gostream"),
			Payload:      []byte(`{"op":"` + tc.op + `"}`),
		})
		if err != nil {
			t.Fatalf("%s: %v", tc.op, err)
		}
		var got strings.Builder
		var complete *types.InvokeWithResponseStreamCompleteEvent
		for ev := range out.GetStream().Events() {
			switch ev := ev.(type) {
			case *types.InvokeWithResponseStreamResponseEventMemberPayloadChunk:
				got.Write(ev.Value.Payload)
			case *types.InvokeWithResponseStreamResponseEventMemberInvokeComplete:
				complete = &ev.Value
			}
		}
		if got.String() != tc.streamed {
			t.Errorf("%s: streamed %q, want %q", tc.op, got.String(), tc.streamed)
		}
		if complete == nil || aws.ToString(complete.ErrorCode) == "" || !strings.Contains(aws.ToString(complete.ErrorDetails), tc.details) {
			t.Errorf("%s: InvokeComplete %+v, want an error code and details naming %q", tc.op, complete, tc.details)
		}
	}
}

func TestInvokeWithResponseStreamRefusals(t *testing.T) {
	f := newStreamGateway(t)
	ctx := context.Background()
	_, err := f.sdk().InvokeWithResponseStream(ctx, &lambda.InvokeWithResponseStreamInput{FunctionName: aws.String("missing")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("unknown function: %v, want ResourceNotFoundException", err)
	}
	out, err := f.sdk().InvokeWithResponseStream(ctx, &lambda.InvokeWithResponseStreamInput{
		FunctionName: aws.String("gostream"), InvocationType: types.ResponseStreamingInvocationTypeDryRun,
	})
	if err != nil || out.StatusCode != http.StatusNoContent {
		t.Errorf("DryRun: %v %+v, want 204", err, out)
	}
	req, _ := http.NewRequest(http.MethodPost, f.gw.Endpoint()+"/2021-11-15/functions/gostream/response-streaming-invocations", strings.NewReader(`{}`))
	req.Header.Set("X-Amz-Invocation-Type", "Event")
	resp, body := do(t, req)
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("X-Amzn-ErrorType") != "InvalidParameterValueException" {
		t.Errorf("Event: %d %s, want 400 InvalidParameterValueException", resp.StatusCode, body)
	}
}

// A RESPONSE_STREAM function URL sends the prelude's status and headers and
// then each part of the body as the handler writes it: aws-lambda-go's
// LambdaFunctionURLStreamingResponse, and Node's awslambda.HttpResponseStream.
func TestFunctionURLStreams(t *testing.T) {
	for _, fn := range []string{"gourl", "nodeurl"} {
		t.Run(fn, func(t *testing.T) { testFunctionURLStreams(t, fn) })
	}
}

func testFunctionURLStreams(t *testing.T, fn string) {
	f := newStreamGateway(t)
	path := mkfifo(t)
	resp, err := http.Get(f.gw.FunctionURL(fn) + "?op=fifo&fifo=" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 201 || resp.Header.Get("X-Streamed") != "yes" || resp.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("status %d headers %v, want the prelude's 201 and headers", resp.StatusCode, resp.Header)
	}
	first := make([]byte, 4)
	if _, err := io.ReadFull(resp.Body, first); err != nil || string(first) != "one\n" {
		t.Fatalf("first part %q (%v)", first, err)
	}
	feed(t, path, "two\n")
	rest, err := io.ReadAll(resp.Body)
	if err != nil || string(rest) != "two\n" {
		t.Errorf("rest %q (%v), want \"two\\n\" and a clean end", rest, err)
	}
}

// An error after the first byte cuts the response short, so the client
// cannot take a partial body for a whole one; an error before it is a 502.
func TestFunctionURLStreamErrors(t *testing.T) {
	f := newStreamGateway(t)
	resp, err := http.Get(f.gw.FunctionURL("gourl") + "?op=fail")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 || string(body) != "partial" || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("mid-stream error: status %d, body %q, read error %v; want 201, \"partial\", unexpected EOF", resp.StatusCode, body, err)
	}
	// An error before the first byte, and preludes a client must never see.
	for _, op := range []string{"error", "noprelude", "badprelude", "informational"} {
		resp, err = http.Get(f.gw.FunctionURL("gourl") + "?op=" + op)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadGateway || strings.Contains(string(body), "yyy") || strings.Contains(string(body), "not json") {
			t.Errorf("%s: status %d %q, want a bare 502", op, resp.StatusCode, body)
		}
	}
}

// The gateway frames a streamed body itself: a prelude's Content-Length,
// Transfer-Encoding or Connection header cannot cut it short.
func TestFunctionURLStreamFraming(t *testing.T) {
	f := newStreamGateway(t)
	resp, err := http.Get(f.gw.FunctionURL("gourl") + "?op=framing")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(body) != "streamed past three bytes\n" || resp.StatusCode != 200 || resp.Header.Get("X-Kept") != "yes" {
		t.Errorf("status %d, X-Kept %q, body %q (%v); want 200, yes, the whole body", resp.StatusCode, resp.Header.Get("X-Kept"), body, err)
	}
}

// boto3StreamScript reads InvokeWithResponseStream the way a Python user would.
const boto3StreamScript = `
import sys
import boto3
c = boto3.client("lambda", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id="x", aws_secret_access_key="x")
r = c.invoke_with_response_stream(FunctionName="gostream", Payload=b'{"op":"fail"}')
print(r["StatusCode"], r["ResponseStreamContentType"])
for ev in r["EventStream"]:
    if "PayloadChunk" in ev:
        print("chunk", ev["PayloadChunk"]["Payload"].decode())
    if "InvokeComplete" in ev:
        print("complete", ev["InvokeComplete"].get("ErrorDetails"))
`

// boto3 (botocore's own event stream parser) reads the same stream.
func TestInvokeWithResponseStreamBoto3(t *testing.T) {
	f := newStreamGateway(t)
	requireBoto3(t)
	out, err := exec.Command("python3", "-c", boto3StreamScript, f.gw.Endpoint()).CombinedOutput()
	if err != nil {
		t.Fatalf("boto3: %v\n%s", err, out)
	}
	want := "200 application/octet-stream\nchunk partial\ncomplete the source went away\n"
	if string(out) != want {
		t.Errorf("boto3 saw:\n%s\nwant:\n%s", out, want)
	}
}
