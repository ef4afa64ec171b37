package relay

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine"
)

// httpIntegration is the content type of a streamed function URL response:
// a JSON prelude, eight NUL bytes, then the body (lambda-spec.md §1.6).
const httpIntegration = "application/vnd.awslambda.http-integration-response"

// urlEvent is the payload format 2.0 event: aws-lambda-go's type plus the
// routeKey field real events carry (lambda-spec.md §4.1).
type urlEvent struct {
	events.LambdaFunctionURLRequest
	RouteKey string `json:"routeKey"`
}

// serveURL handles /fn/NAME/rest-of-path.
func (g *Gateway) serveURL(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, urlPrefix)
	name, path, _ := strings.Cut(rest, "/")
	g.serveFunctionURL(w, r, name, "/"+path)
}

// urlJSONError answers as a function URL refuses a request: a JSON body
// {"Message": msg}, typed as JSON (http.Error would call it text/plain).
func urlJSONError(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "{\"Message\":%q}", msg)
}

func (g *Gateway) serveFunctionURL(w http.ResponseWriter, r *http.Request, name, path string) {
	f := g.inv.Project().Function(name)
	if f == nil || f.URL == nil {
		urlJSONError(w, http.StatusForbidden, "Forbidden")
		return
	}
	if cors := f.URL.Cors; cors != nil && writeCORS(w, r, cors) {
		return
	}
	var keyID string
	if f.URL.Auth == config.AuthIAM {
		var signed bool
		if keyID, signed = sigV4KeyID(r); !signed {
			w.Header().Set("X-Amzn-ErrorType", "AccessDeniedException")
			urlJSONError(w, http.StatusForbidden, "Forbidden")
			return
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, engine.MaxSyncPayload+1))
	if err != nil || len(body) > engine.MaxSyncPayload {
		urlJSONError(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
		return
	}
	req := engine.Request{Function: name, Source: engine.SourceURL, RequestID: engine.NewRequestID()}
	ev := urlEventFor(r, path, body, req.RequestID, g.inv.Project(), f)
	if f.URL.Auth == config.AuthIAM {
		// Who signed is not knowable here without AWS: the access key is
		// the caller's own, the rest of the identity stays empty.
		ev.RequestContext.AccountID = engine.LocalAccountID
		ev.RequestContext.Authorizer = &events.LambdaFunctionURLRequestContextAuthorizerDescription{
			IAM: &events.LambdaFunctionURLRequestContextAuthorizerIAMDescription{AccessKey: keyID, AccountID: engine.LocalAccountID},
		}
	}
	req.Payload, err = json.Marshal(ev)
	if err != nil || len(req.Payload) > engine.MaxSyncPayload {
		urlJSONError(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
		return
	}
	if f.URL.InvokeMode == config.InvokeResponseStream {
		g.streamURL(w, r, req)
		return
	}
	res, err := g.inv.Invoke(r.Context(), req)
	if err != nil || res.Outcome != engine.OutcomeOK {
		w.Header().Set("X-Amzn-RequestId", req.RequestID)
		http.Error(w, "Internal Server Error", http.StatusBadGateway)
		return
	}
	w.Header().Set("X-Amzn-RequestId", res.RequestID)
	writeURLResponse(w, res)
}

// sigV4KeyID returns the access key id of a request signed with SigV4 for
// the lambda service, in its Authorization header or as a presigned URL.
// AWS answers an unsigned request to an AWS_IAM function URL 403; locally
// the signature cannot be verified (the caller's secret is not known), so
// a request that carries one for lambda is let through.
func sigV4KeyID(r *http.Request) (string, bool) {
	const algorithm = "AWS4-HMAC-SHA256"
	var credential string
	if auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), algorithm+" "); ok {
		signature := false
		for _, part := range strings.Split(auth, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			switch k {
			case "Credential":
				credential = v
			case "Signature":
				signature = v != ""
			}
		}
		if !signature {
			return "", false
		}
	} else if q := r.URL.Query(); q.Get("X-Amz-Algorithm") == algorithm && q.Get("X-Amz-Signature") != "" {
		credential = q.Get("X-Amz-Credential")
	}
	// Credential: KEYID/YYYYMMDD/region/service/aws4_request
	scope := strings.Split(credential, "/")
	if len(scope) != 5 || scope[0] == "" || scope[3] != "lambda" || scope[4] != "aws4_request" {
		return "", false
	}
	return scope[0], true
}

// urlEventFor builds the payload format 2.0 event for an HTTP request.
func urlEventFor(r *http.Request, path string, body []byte, requestID string, p *config.Project, f *config.Function) urlEvent {
	headers := map[string]string{}
	var cookies []string
	for k, vs := range r.Header {
		lk := strings.ToLower(k)
		if lk == "cookie" {
			for _, v := range vs {
				for _, c := range strings.Split(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						cookies = append(cookies, c)
					}
				}
			}
			continue
		}
		headers[lk] = strings.Join(vs, ",")
	}
	host := r.Host
	headers["host"] = host
	var query map[string]string
	if q := r.URL.Query(); len(q) > 0 {
		query = make(map[string]string, len(q))
		for k, vs := range q {
			query[k] = strings.Join(vs, ",")
		}
	}
	now := time.Now().UTC()
	ev := urlEvent{RouteKey: "$default"}
	ev.Version = "2.0"
	ev.RawPath = path
	ev.RawQueryString = r.URL.RawQuery
	ev.Cookies = cookies
	ev.Headers = headers
	ev.QueryStringParameters = query
	ev.RequestContext = events.LambdaFunctionURLRequestContext{
		AccountID:    "anonymous",
		RequestID:    requestID,
		APIID:        f.Name,
		DomainName:   host,
		DomainPrefix: f.Name,
		Time:         now.Format("02/Jan/2006:15:04:05 -0700"),
		TimeEpoch:    now.UnixMilli(),
		HTTP: events.LambdaFunctionURLRequestContextHTTPDescription{
			Method:    r.Method,
			Path:      path,
			Protocol:  r.Proto,
			SourceIP:  sourceIP(r.RemoteAddr),
			UserAgent: r.UserAgent(),
		},
	}
	if len(body) > 0 {
		// A JSON string cannot carry bytes that are not UTF-8: such a body
		// goes base64 whatever its type says, so it reaches the handler whole.
		if isText(r.Header.Get("Content-Type")) && utf8.Valid(body) {
			ev.Body = string(body)
		} else {
			ev.Body = base64.StdEncoding.EncodeToString(body)
			ev.IsBase64Encoded = true
		}
	}
	return ev
}

func sourceIP(remote string) string {
	if h, _, err := net.SplitHostPort(remote); err == nil {
		return h
	}
	return remote
}

// isText reports whether a request body is passed as text rather than base64.
func isText(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return contentType == ""
	}
	switch {
	case strings.HasPrefix(mt, "text/"), strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	switch mt {
	case "application/json", "application/xml", "application/javascript", "application/x-www-form-urlencoded", "application/graphql":
		return true
	}
	return false
}

// writeURLResponse maps a function's result to the HTTP response (lambda-spec.md §4.2).
func writeURLResponse(w http.ResponseWriter, res engine.Result) {
	payload := res.Payload
	if res.ContentType == httpIntegration {
		writeStreamed(w, payload)
		return
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(payload, &probe) == nil {
		if _, ok := probe["statusCode"]; ok {
			var out events.LambdaFunctionURLResponse
			if json.Unmarshal(payload, &out) != nil {
				http.Error(w, "Internal Server Error", http.StatusBadGateway)
				return
			}
			writeStructured(w, out)
			return
		}
	} else if !json.Valid(payload) {
		http.Error(w, "Internal Server Error", http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(payload)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(payload)
}

func writeStructured(w http.ResponseWriter, out events.LambdaFunctionURLResponse) {
	status := out.StatusCode
	if !finalStatus(status) {
		http.Error(w, "Internal Server Error", http.StatusBadGateway)
		return
	}
	body := []byte(out.Body)
	if out.IsBase64Encoded {
		dec, err := base64.StdEncoding.DecodeString(out.Body)
		if err != nil {
			http.Error(w, "Internal Server Error", http.StatusBadGateway)
			return
		}
		body = dec
	}
	h := w.Header()
	setResponseHeaders(h, out.Headers, out.Cookies)
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	if status != http.StatusNoContent && status != http.StatusNotModified {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// finalStatus reports whether a handler's statusCode can answer a request:
// an informational 1xx cannot, nor can anything outside 100–599.
func finalStatus(code int) bool { return code >= 200 && code <= 599 }

// setResponseHeaders copies a handler's headers and cookies to h, except
// the headers that frame the HTTP message: the gateway frames the body it
// sends, so a handler's Content-Length or Transfer-Encoding cannot truncate
// it or leave a client waiting, nor a hop-by-hop header (RFC 9110 §7.6.1)
// steer the connection.
func setResponseHeaders(h http.Header, headers map[string]string, cookies []string) {
	keys := make([]string, 0, len(headers))
	for k := range headers {
		keys = append(keys, k)
	}
	sort.Strings(keys) // names that differ only in case: the same one wins every time
	for _, k := range keys {
		switch http.CanonicalHeaderKey(k) {
		case "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade",
			"Te", "Trailer", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization":
			continue
		}
		h.Set(k, headers[k])
	}
	for _, c := range cookies {
		h.Add("Set-Cookie", c)
	}
}

// writeStreamed splits a streamed response's prelude from its body.
func writeStreamed(w http.ResponseWriter, payload []byte) {
	prelude, body, ok := bytes.Cut(payload, preludeEnd)
	meta, err := parsePrelude(prelude)
	if !ok || err != nil {
		http.Error(w, "Internal Server Error", http.StatusBadGateway)
		return
	}
	writeStructured(w, events.LambdaFunctionURLResponse{StatusCode: meta.StatusCode, Headers: meta.Headers, Cookies: meta.Cookies, Body: string(body)})
}

// urlPrelude is what opens a streamed function URL response, before the
// eight NUL bytes that end it (lambda-spec.md §1.6).
type urlPrelude struct {
	StatusCode int               `json:"statusCode"`
	Headers    map[string]string `json:"headers"`
	Cookies    []string          `json:"cookies"`
}

// preludeEnd separates a prelude from the body.
var preludeEnd = make([]byte, 8)

// parsePrelude reads a prelude's JSON; a missing status is 200.
func parsePrelude(b []byte) (urlPrelude, error) {
	var m urlPrelude
	if err := json.Unmarshal(b, &m); err != nil {
		return m, err
	}
	if m.StatusCode == 0 {
		m.StatusCode = http.StatusOK
	}
	return m, nil
}

// writeCORS applies a function URL's CORS settings; it returns true when it
// answered a preflight request itself.
func writeCORS(w http.ResponseWriter, r *http.Request, c *config.CorsConfig) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || !allowed(c.AllowOrigins, origin) {
		return false
	}
	h := w.Header()
	if contains(c.AllowOrigins, "*") && !c.AllowCredentials {
		h.Set("Access-Control-Allow-Origin", "*")
	} else {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
	}
	if c.AllowCredentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if len(c.ExposeHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(c.ExposeHeaders, ","))
	}
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
		return false
	}
	if len(c.AllowMethods) > 0 {
		h.Set("Access-Control-Allow-Methods", strings.Join(c.AllowMethods, ","))
	}
	if len(c.AllowHeaders) > 0 {
		h.Set("Access-Control-Allow-Headers", strings.Join(c.AllowHeaders, ","))
	}
	if c.MaxAge > 0 {
		h.Set("Access-Control-Max-Age", strconv.Itoa(c.MaxAge))
	}
	w.WriteHeader(http.StatusOK)
	return true
}

func allowed(list []string, origin string) bool { return contains(list, "*") || contains(list, origin) }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
