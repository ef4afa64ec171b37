package relay

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// FuzzFunctionURLRequest sends arbitrary requests (method, path and query,
// content type, body) to a function URL whose real Python handler echoes
// the payload format 2.0 event it got. Whatever the request, the handler
// must get it whole: the body byte for byte (base64 when it is not text),
// the method and the query string.
func FuzzFunctionURLRequest(f *testing.F) {
	for _, s := range []struct{ method, pathQuery, contentType, body string }{
		{"POST", "a/b?x=1&x=2", "application/json", `{"k":1}`},
		{"PUT", "bin", "application/octet-stream", "\x00\x01\x02"},
		{"POST", "", "text/plain; charset=utf-8", "caf\xc3\xa9"},
		{"POST", "latin1", "text/plain; charset=iso-8859-1", "caf\xe9"},
		{"POST", "none", "", "\xff\xfe binary without a type"},
		{"GET", "q?a=%20b&c", "", ""},
		{"PATCH", "%E2%82%AC/x", "application/x-www-form-urlencoded", "a=1&b=%FF"},
		{"DELETE", "?", "application/json; charset", "{}"},
	} {
		f.Add(s.method, s.pathQuery, s.contentType, []byte(s.body))
	}
	fx := newGateway(f)
	f.Fuzz(func(t *testing.T, method, pathQuery, contentType string, body []byte) {
		req, err := http.NewRequest(method, fx.gw.FunctionURL("web")+pathQuery, bytes.NewReader(body))
		if err != nil || req.URL.Opaque != "" || !sendableHeaderValue(contentType) ||
			strings.ContainsFunc(req.URL.RequestURI(), func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
			t.Skip("not a request a client can send") // net/http's client does not escape a query
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Skipf("the client refused it: %v", err) // e.g. a method that is not a token
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("status %d: body: %v", resp.StatusCode, err)
		}
		if resp.StatusCode != 201 {
			t.Fatalf("%s %s: status %d %q", method, pathQuery, resp.StatusCode, out)
		}
		var ev events.LambdaFunctionURLRequest
		if err := json.Unmarshal(out, &ev); err != nil {
			t.Fatalf("the handler's echo %q: %v", out, err)
		}
		got := []byte(ev.Body)
		if ev.IsBase64Encoded {
			if got, err = base64.StdEncoding.DecodeString(ev.Body); err != nil {
				t.Fatalf("isBase64Encoded body %q: %v", ev.Body, err)
			}
		}
		if !bytes.Equal(got, body) {
			t.Fatalf("content type %q: sent %q, the handler got %q (base64 %v)", contentType, body, got, ev.IsBase64Encoded)
		}
		if ev.RequestContext.HTTP.Method != req.Method || ev.RawQueryString != req.URL.RawQuery {
			t.Fatalf("sent %s ?%s, the handler got %s ?%s", req.Method, req.URL.RawQuery, ev.RequestContext.HTTP.Method, ev.RawQueryString)
		}
	})
}
