// Command gostream streams its response the way aws-lambda-go does for a
// handler that returns an io.Reader. The event (or, for a function URL, the
// query string) picks a behaviour:
//   - op=fifo: "one\n", then whatever the test writes into the FIFO at fifo,
//     so the test decides when the second part exists;
//   - op=fail: "partial", then a read error (sent in the stream's trailers);
//   - op=error: a plain handler error, before anything is streamed;
//   - op=bytes: size zero bytes, for the streaming benchmark;
//   - op=noprelude, op=badprelude: an http-integration response whose
//     prelude never ends (20 KiB without the eight NULs), or is not JSON;
//   - op=framing: a prelude whose headers would misframe the body
//     (Content-Length: 3 before 26 bytes, Transfer-Encoding, Connection);
//   - op=informational: a prelude with the status 103.
//
// Called through a function URL it answers with aws-lambda-go's
// LambdaFunctionURLStreamingResponse (status 201 and an X-Streamed header).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

type params struct {
	Op   string `json:"op"`
	FIFO string `json:"fifo"`
	Size int64  `json:"size"`
}

// zeros yields n zero bytes. Its fields are unexported on purpose:
// aws-lambda-go streams a returned io.Reader only if it marshals to {}.
type zeros struct{ n int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	k := min(int64(len(p)), z.n)
	clear(p[:k])
	z.n -= k
	return int(k), nil
}

// fifo opens its path on the first Read: opening blocks until the test
// opens the other end to write.
type fifo struct {
	path string
	f    *os.File
}

func (r *fifo) Read(p []byte) (int, error) {
	if r.f == nil {
		f, err := os.Open(r.path)
		if err != nil {
			return 0, err
		}
		r.f = f
	}
	n, err := r.f.Read(p)
	if err == io.EOF {
		_ = r.f.Close()
	}
	return n, err
}

type failing struct{ sent bool }

func (r *failing) Read(p []byte) (int, error) {
	if !r.sent {
		r.sent = true
		return copy(p, "partial"), nil
	}
	return 0, errors.New("the source went away")
}

// integration is a body sent as a function URL streaming response, whatever
// it holds (aws-lambda-go posts a reader's ContentType()).
type integration struct{ r io.Reader }

func (i *integration) Read(p []byte) (int, error) { return i.r.Read(p) }
func (i *integration) ContentType() string {
	return "application/vnd.awslambda.http-integration-response"
}

func handle(_ context.Context, raw json.RawMessage) (any, error) {
	var url events.LambdaFunctionURLRequest
	_ = json.Unmarshal(raw, &url)
	var p params
	if url.RequestContext.HTTP.Method != "" {
		p = params{Op: url.QueryStringParameters["op"], FIFO: url.QueryStringParameters["fifo"]}
	} else if err := json.Unmarshal(raw, &p); err != nil {
		return nil, err
	}
	var body io.Reader
	switch p.Op {
	case "fifo":
		body = io.MultiReader(strings.NewReader("one\n"), &fifo{path: p.FIFO})
	case "fail":
		body = &failing{}
	case "error":
		return nil, errors.New("refused before streaming")
	case "bytes":
		body = &zeros{n: p.Size}
	case "noprelude":
		return &integration{strings.NewReader(`{"statusCode":200,"x":"` + strings.Repeat("y", 20<<10))}, nil
	case "badprelude":
		return &integration{strings.NewReader("not json\x00\x00\x00\x00\x00\x00\x00\x00body")}, nil
	case "framing":
		return &integration{strings.NewReader(`{"statusCode":200,"headers":{"Content-Length":"3","Transfer-Encoding":"identity",` +
			`"Connection":"close","X-Kept":"yes"}}` + "\x00\x00\x00\x00\x00\x00\x00\x00" + "streamed past three bytes\n")}, nil
	case "informational":
		return &integration{strings.NewReader(`{"statusCode":103}` + "\x00\x00\x00\x00\x00\x00\x00\x00" + "body")}, nil
	default:
		return nil, errors.New("unknown op " + p.Op)
	}
	if url.RequestContext.HTTP.Method != "" {
		return &events.LambdaFunctionURLStreamingResponse{
			StatusCode: 201,
			Headers:    map[string]string{"Content-Type": "text/plain", "X-Streamed": "yes"},
			Body:       body,
		}, nil
	}
	return body, nil
}

func main() { lambda.Start(handle) }
