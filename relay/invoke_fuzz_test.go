package relay

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// sendableHeaderValue reports whether net/http's client sends v as a header
// value: RFC 9110 field-value bytes, no controls but tab.
func sendableHeaderValue(v string) bool {
	return !strings.ContainsFunc(v, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f })
}

// FuzzInvokeAPI sends arbitrary Invoke requests (function name, qualifier,
// invocation and log types, client context, tenant, body) to the local
// Invoke API in front of real Python workers. Every request is hostile
// input: each must get the answer Lambda's shapes allow (lambda-spec.md §3)
// and never a service error, a malformed error, or a broken connection.
func FuzzInvokeAPI(f *testing.F) {
	cc := base64.StdEncoding.EncodeToString([]byte(`{"custom":{"k":"v"}}`))
	for _, s := range []struct{ fn, qualifier, invType, logType, clientContext, tenant, body string }{
		{"echo", "", "", "", "", "", `{"a":1}`},
		{"echo", "$LATEST", "RequestResponse", "Tail", cc, "", `[1,2]`},
		{"gwtest-dev-echo", "", "Event", "None", "", "", `{}`},
		{"arn:aws:lambda:us-east-1:000000000000:function:echo:$LATEST", "", "DryRun", "", "", "", ``},
		{"fail", "", "", "Tail", "", "", `{}`},
		{"tenants", "", "", "", "", "blue", `{}`},
		{"tenants", "", "", "", "", "", `{}`},
		{"echo", "", "", "", "", "red", `{}`},
		{"echo", "v1", "", "", "", "", `{}`},
		{"missing", "", "", "", "", "", `{}`},
		{"echo", "", "Sometimes", "", "", "", `{}`},
		{"echo", "", "", "Head", "", "", `{}`},
		{"echo", "", "", "", "bm90IGpzb24=", "", `{}`},
		{"echo", "", "", "", "%%%", "", `{}`},
		{"echo", "", "", "", "", "", `{"unterminated`},
		{"arn:aws:lambda:us-east-1:000000000000:function:", "", "", "", "", "", `{}`},
		{"a/b", "", "", "", "", "", `{}`},
		{"..", "", "", "", "", "", `{}`},
	} {
		f.Add(s.fn, s.qualifier, s.invType, s.logType, s.clientContext, s.tenant, []byte(s.body))
	}
	fx := newGateway(f)
	f.Fuzz(func(t *testing.T, fn, qualifier, invType, logType, clientContext, tenant string, body []byte) {
		target := fx.gw.Endpoint() + invokePrefix + url.PathEscape(fn) + "/invocations"
		if qualifier != "" {
			target += "?Qualifier=" + url.QueryEscape(qualifier)
		}
		req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
		if err != nil {
			t.Skip("not a request a client can send")
		}
		for k, v := range map[string]string{"X-Amz-Invocation-Type": invType, "X-Amz-Log-Type": logType,
			"X-Amz-Client-Context": clientContext, "X-Amz-Tenant-Id": tenant} {
			if v != "" {
				if !sendableHeaderValue(v) {
					t.Skip("not a header value a client can send")
				}
				req.Header.Set(k, v)
			}
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("POST %s: %v", target, err)
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("status %d: body: %v", resp.StatusCode, err)
		}
		switch {
		case resp.StatusCode == http.StatusOK:
			if !json.Valid(out) {
				t.Fatalf("200 with a body that is not JSON: %q", out)
			}
			if tail := resp.Header.Get("X-Amz-Log-Result"); tail != "" {
				if _, err := base64.StdEncoding.DecodeString(tail); err != nil {
					t.Fatalf("X-Amz-Log-Result is not base64: %v", err)
				}
			}
		case resp.StatusCode == http.StatusAccepted || resp.StatusCode == http.StatusNoContent:
		case resp.StatusCode >= 400 && resp.StatusCode < 500:
			var e struct{ Type, Message string }
			if resp.Header.Get("X-Amzn-ErrorType") == "" || json.Unmarshal(out, &e) != nil || e.Type != "User" || e.Message == "" {
				t.Fatalf("status %d: malformed AWS error: type %q body %q", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), out)
			}
		default:
			t.Fatalf("status %d %s: %q", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), out)
		}
	})
}
