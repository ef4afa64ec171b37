package relay

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/lambdev/lambdev/engine"
)

// FuzzURLResponse feeds arbitrary handler output to the function URL
// response mapping, served by a real HTTP server to a real client. A
// handler's answer is hostile input: whatever it returns, the client must
// get one well-framed HTTP response (no malformed header, no truncated or
// overlong body) and the server must not panic.
func FuzzURLResponse(f *testing.F) {
	for _, seed := range []struct {
		payload   string
		streaming bool
	}{
		{`{"statusCode":201,"headers":{"X-A":"b"},"cookies":["a=1"],"body":"hi"}`, false},
		{`"plain string"`, false},
		{`{"no":"statusCode"}`, false},
		{`not json`, false},
		{`{"statusCode":200,"body":"aGk=","isBase64Encoded":true}`, false},
		{`{"statusCode":200,"headers":{"Content-Length":"5"},"body":"longer than five"}`, false},
		{`{"statusCode":200,"headers":{"Content-Length":"500"},"body":"short"}`, false},
		{`{"statusCode":200,"headers":{"Transfer-Encoding":"chunked"},"body":"x"}`, false},
		{`{"statusCode":200,"headers":{"X-Bad":"a\r\nInjected: yes"},"body":"x"}`, false},
		{`{"statusCode":200,"headers":{"Bad Name\r\n":"v"},"body":"x"}`, false},
		{`{"statusCode":101,"body":"upgrade?"}`, false},
		{`{"statusCode":103,"body":"early hints"}`, false},
		{`{"statusCode":204,"body":"no content allowed"}`, false},
		{`{"statusCode":304,"body":"not modified"}`, false},
		{`{"statusCode":200,"headers":{"Connection":"close"},"body":"x"}`, false},
		{"{\"statusCode\":200,\"headers\":{\"Content-Length\":\"3\"}}\x00\x00\x00\x00\x00\x00\x00\x00streamed body", true},
		{"{\"statusCode\":100}\x00\x00\x00\x00\x00\x00\x00\x00x", true},
		{"no prelude end", true},
	} {
		f.Add([]byte(seed.payload), seed.streaming)
	}
	var current struct {
		payload   []byte
		streaming bool
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res := engine.Result{Payload: current.payload, ContentType: "application/json"}
		if current.streaming {
			res.ContentType = httpIntegration
		}
		writeURLResponse(w, res)
	}))
	defer srv.Close()
	// Every response gets a fresh connection: one the server left in a bad
	// state must not hide behind the next input.
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	f.Fuzz(func(t *testing.T, payload []byte, streaming bool) {
		current.payload, current.streaming = payload, streaming
		resp, err := client.Get(srv.URL)
		if err != nil {
			t.Fatalf("GET: %v", err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("status %d: body: %v (read %q)", resp.StatusCode, err, body)
		}
		if resp.StatusCode < 200 || resp.StatusCode > 599 {
			t.Fatalf("final status %d", resp.StatusCode)
		}
		if resp.ContentLength >= 0 && int64(len(body)) != resp.ContentLength {
			t.Fatalf("Content-Length %d, body %d bytes", resp.ContentLength, len(body))
		}
		for k, vs := range resp.Header {
			for _, v := range vs {
				if bytes.ContainsAny([]byte(k+v), "\r\n") {
					t.Fatalf("header %q: %q carries a line break", k, v)
				}
			}
		}
	})
}
