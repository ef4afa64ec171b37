package relay

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine"
)

// invokePrefix is the Invoke API's path (lambda-spec.md §3).
const invokePrefix = "/2015-03-31/functions/"

// maxTail is how much of the log X-Amz-Log-Result carries: the last 4 KB.
const maxTail = 4096

// functionRef matches what Invoke accepts as FunctionName: a name, a partial
// ARN or a full ARN, each with an optional qualifier (lambda-spec.md §3).
var functionRef = regexp.MustCompile(`^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$`)

// parseFunctionRef splits a FunctionName into the function's name and its
// qualifier, or reports that functionRef rejects it. A plain name (the usual
// case) is recognised without the regexp: with no colon, only its name group
// can match, and the whole string must be made of that group's characters.
func parseFunctionRef(ref string) (name, qualifier string, ok bool) {
	plain := ref != ""
	for i := 0; plain && i < len(ref); i++ {
		c := ref[i]
		plain = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.'
	}
	if plain {
		return ref, "", true
	}
	m := functionRef.FindStringSubmatch(ref)
	if m == nil {
		return "", "", false
	}
	return m[7], m[9], true
}

// serveInvoke implements POST /2015-03-31/functions/{name}/invocations.
func (g *Gateway) serveInvoke(w http.ResponseWriter, r *http.Request) {
	req, ok := g.invokeRequest(w, r, invokePrefix, "/invocations", "Invoke")
	if !ok {
		return
	}
	mode := r.Header.Get("X-Amz-Invocation-Type")
	switch mode {
	case "", "RequestResponse":
		g.invokeSync(w, r, req)
	case "Event":
		req.Async = true
		id, err := g.inv.InvokeAsync(req)
		if err != nil {
			g.writeEngineError(w, req, err)
			return
		}
		w.Header().Set("X-Amzn-RequestId", id)
		w.WriteHeader(http.StatusAccepted)
	case "DryRun":
		if g.check(w, req) {
			w.WriteHeader(http.StatusNoContent)
		}
	default:
		writeAWSError(w, http.StatusBadRequest, "InvalidParameterValueException",
			"1 validation error detected: Value '"+mode+"' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]")
	}
}

// invokeRequest reads the request of an Invoke-like operation at
// prefix{FunctionName}suffix, or answers the AWS error and reports false.
func (g *Gateway) invokeRequest(w http.ResponseWriter, r *http.Request, prefix, suffix, op string) (engine.Request, bool) {
	ref, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, prefix), suffix)
	if !ok || strings.Contains(ref, "/") {
		writeAWSError(w, http.StatusNotFound, "UnknownOperationException", "Unknown operation "+r.Method+" "+r.URL.Path)
		return engine.Request{}, false
	}
	if r.Method != http.MethodPost {
		writeAWSError(w, http.StatusMethodNotAllowed, "UnknownOperationException", op+" requires POST")
		return engine.Request{}, false
	}
	req, status, typ, msg := g.parseInvoke(r, ref)
	if status != 0 {
		writeAWSError(w, status, typ, msg)
		return engine.Request{}, false
	}
	return req, true
}

// parseInvoke validates an Invoke request; status is non-zero on failure.
func (g *Gateway) parseInvoke(r *http.Request, ref string) (engine.Request, int, string, string) {
	var req engine.Request
	name, qualifier, ok := g.resolve(ref)
	if q := r.URL.Query().Get("Qualifier"); q != "" {
		qualifier = q
	}
	if !ok || (qualifier != "" && qualifier != "$LATEST") {
		return req, http.StatusNotFound, "ResourceNotFoundException", "Function not found: " + g.arn(ref, qualifier)
	}
	if lt := r.Header.Get("X-Amz-Log-Type"); lt != "" && lt != "None" && lt != "Tail" {
		return req, http.StatusBadRequest, "InvalidParameterValueException", "Invalid log type: " + lt
	}
	req = engine.Request{Function: name, Source: engine.SourceAPI}
	if cc := r.Header.Get("X-Amz-Client-Context"); cc != "" {
		dec, err := base64.StdEncoding.DecodeString(cc)
		if err != nil || !json.Valid(dec) {
			return req, http.StatusBadRequest, "InvalidParameterValueException", "Client context must be a valid Base64-encoded JSON object."
		}
		req.ClientContext = string(dec)
	}
	req.TraceID = r.Header.Get("X-Amzn-Trace-Id")
	req.TenantID = r.Header.Get("X-Amz-Tenant-Id")
	body, err := io.ReadAll(io.LimitReader(r.Body, engine.MaxSyncPayload+1))
	if err != nil {
		return req, http.StatusBadRequest, "InvalidRequestContentException", "Could not read request body: " + err.Error()
	}
	if len(body) > engine.MaxSyncPayload {
		return req, http.StatusRequestEntityTooLarge, "RequestTooLargeException",
			fmt.Sprintf("Request must be smaller than %d bytes for the InvokeFunction operation", engine.MaxSyncPayload)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	} else if !json.Valid(body) {
		return req, http.StatusBadRequest, "InvalidRequestContentException",
			"Could not parse request body into json: Could not parse payload into json: Unexpected character: was expecting a JSON value"
	}
	req.Payload = body
	return req, 0, "", ""
}

// check validates req with the engine and writes the error if it fails.
func (g *Gateway) check(w http.ResponseWriter, req engine.Request) bool {
	if err := g.inv.Check(req); err != nil {
		g.writeEngineError(w, req, err)
		return false
	}
	return true
}

func (g *Gateway) invokeSync(w http.ResponseWriter, r *http.Request, req engine.Request) {
	res, err := g.inv.Invoke(r.Context(), req)
	if err != nil {
		g.writeEngineError(w, req, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-RequestId", res.RequestID)
	h.Set("X-Amz-Executed-Version", "$LATEST")
	if res.Outcome != engine.OutcomeOK {
		h.Set("X-Amz-Function-Error", "Unhandled")
	}
	if r.Header.Get("X-Amz-Log-Type") == "Tail" {
		h.Set("X-Amz-Log-Result", base64.StdEncoding.EncodeToString(logTail(res.Logs)))
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(res.Payload)
}

// writeEngineError maps an engine refusal to the AWS error Invoke returns.
func (g *Gateway) writeEngineError(w http.ResponseWriter, req engine.Request, err error) {
	switch {
	case errors.Is(err, engine.ErrFunctionNotFound):
		writeAWSError(w, http.StatusNotFound, "ResourceNotFoundException", "Function not found: "+g.arn(req.Function, ""))
	case errors.Is(err, engine.ErrPayloadTooLarge):
		limit := engine.MaxSyncPayload
		if req.Async {
			limit = engine.MaxAsyncPayload
		}
		writeAWSError(w, http.StatusRequestEntityTooLarge, "RequestTooLargeException",
			fmt.Sprintf("Request must be smaller than %d bytes for the InvokeFunction operation", limit))
	case errors.Is(err, engine.ErrTenant):
		writeAWSError(w, http.StatusBadRequest, "InvalidParameterValueException", strings.TrimPrefix(err.Error(), engine.ErrTenant.Error()+": "))
	case errors.Is(err, engine.ErrAsyncQueueFull):
		writeAWSError(w, http.StatusTooManyRequests, "TooManyRequestsException", "Rate Exceeded.")
	case errors.Is(err, engine.ErrClosed):
		writeAWSError(w, http.StatusServiceUnavailable, "ServiceException", "lambdev is shutting down")
	default:
		writeAWSError(w, http.StatusInternalServerError, "ServiceException", err.Error())
	}
}

// resolve maps a FunctionName (name, Lambda name, or ARN) to a project function.
func (g *Gateway) resolve(ref string) (name, qualifier string, ok bool) {
	name, qualifier, ok = parseFunctionRef(ref)
	if !ok {
		return "", "", false
	}
	p := g.inv.Project()
	if p.Function(name) != nil {
		return name, qualifier, true
	}
	prefix := p.App + "-" + p.Stage + "-"
	if short, cut := strings.CutPrefix(name, prefix); cut && p.Function(short) != nil {
		return short, qualifier, true
	}
	return name, qualifier, false
}

// arn names a function reference in an error as Lambda does: as an ARN,
// its qualifier (in ref, or given apart) once.
func (g *Gateway) arn(ref, qualifier string) string {
	if strings.HasPrefix(ref, "arn:") {
		return ref
	}
	if name, _, ok := parseFunctionRef(ref); ok {
		ref = name
	}
	p := g.inv.Project()
	arn := "arn:" + config.Partition(p.Region) + ":lambda:" + p.Region + ":" + engine.LocalAccountID + ":function:" + ref
	if qualifier != "" {
		arn += ":" + qualifier
	}
	return arn
}

// writeAWSError writes an AWS restJson1 error: the type in X-Amzn-ErrorType
// and the body {"Type":"User","Message":…} as Lambda sends it.
func writeAWSError(w http.ResponseWriter, status int, typ, msg string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-ErrorType", typ)
	kind := "User"
	if status >= 500 {
		kind = "Service"
	}
	body, _ := json.Marshal(map[string]string{"Type": kind, "Message": msg})
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
