package runtimeapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Reply bodies, as RIE renders them (lambda-spec.md §1.3).
const (
	bodyStatusOK         = `{"status":"OK"}`
	bodyInvalidRequestID = `{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}`
	bodyInvalidMode      = `{"errorMessage":"Invalid function response mode","errorType":"InvalidFunctionResponseMode"}`
	bodyTruncated        = `{"errorMessage":"HTTP request detected as truncated","errorType":"TruncatedHTTPRequest"}`
	bodyNotFound         = `{"errorMessage":"Not Found","errorType":"NotFound"}`
	bodyMethodNotAllowed = `{"errorMessage":"Method Not Allowed","errorType":"MethodNotAllowed"}`
)

var bodyTooLarge = `{"errorMessage":"Exceeded maximum allowed payload size (` +
	strconv.Itoa(MaxPayloadSize) + ` bytes).","errorType":"RequestEntityTooLarge"}`

// Error types the invoker sees when the platform, not the handler, fails.
const (
	unknownType     = "Runtime.Unknown"
	tooLargeType    = "Function.ResponseSizeTooLarge"
	invalidModeType = "Runtime.InvalidResponseModeHeader"
	truncatedType   = "Runtime.TruncatedResponse"
)

var jsonCT = []string{contentTypeJSON}

// writeJSON writes a JSON reply.
func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header()["Content-Type"] = jsonCT
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// writeRefusal answers a /response or /error that claim refused.
func writeRefusal(w http.ResponseWriter, status int, to string) {
	if status == http.StatusForbidden {
		writeForbidden(w, stateReady, to)
		return
	}
	writeJSON(w, http.StatusBadRequest, bodyInvalidRequestID)
}

// writeForbidden renders RIE's 403 InvalidStateTransition (§1.2).
func writeForbidden(w http.ResponseWriter, from, to string) {
	msg := "State transition from " + from + " to " + to +
		" failed for runtime. Error: State transition is not allowed"
	writeJSON(w, http.StatusForbidden, string(encodeError(msg, "InvalidStateTransition", nil)))
}

// wireError is a runtime's error body, parsed leniently: runtimes send
// stackTrace as strings (Python) or objects (aws-lambda-go), and older Node
// runtimes send "trace" instead (§1.4).
type wireError struct {
	Message    json.RawMessage `json:"errorMessage"`
	Type       json.RawMessage `json:"errorType"`
	StackTrace json.RawMessage `json:"stackTrace"`
	Trace      json.RawMessage `json:"trace"`
}

// errorAnswer turns an error report into the JSON the invoker gets. A JSON
// object carrying errorMessage or errorType is passed through as the runtime
// sent it, as Lambda does (Python's requestId and Node's trace reach the
// invoker); anything else becomes {"errorMessage","errorType","stackTrace"}.
// headerType is the Lambda-Runtime-Function-Error-Type value, maybe empty.
func errorAnswer(kind Kind, headerType string, body []byte) Answer {
	var we wireError
	var msg, typ string
	var stack json.RawMessage
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '{' && json.Unmarshal(trimmed, &we) == nil {
		if (!isNull(we.Message) || !isNull(we.Type)) && json.Valid(trimmed) {
			errType := headerType
			if errType == "" {
				errType = jsonText(we.Type)
			}
			if errType == "" {
				errType = unknownType
			}
			return Answer{Kind: kind, Body: trimmed, ContentType: contentTypeJSON, ErrorType: errType}
		}
		msg, typ = jsonText(we.Message), jsonText(we.Type)
		stack = we.StackTrace
		if isNull(stack) {
			stack = we.Trace
		}
	} else if len(trimmed) > 0 {
		msg = jsonText(trimmed)
	}
	if typ == "" {
		typ = headerType
	}
	if typ == "" {
		typ = unknownType
	}
	if msg == "" && len(trimmed) == 0 {
		msg = typ
	}
	errType := headerType
	if errType == "" {
		errType = typ
	}
	return Answer{Kind: kind, Body: encodeError(msg, typ, stack), ContentType: contentTypeJSON, ErrorType: errType}
}

// errorAnswerOf is a KindError answer made by the server itself.
func errorAnswerOf(typ, msg string) Answer {
	return Answer{Kind: KindError, Body: encodeError(msg, typ, nil), ContentType: contentTypeJSON, ErrorType: typ}
}

// trailerAnswer is the error a runtime reported in /response trailers:
// the body trailer is base64 of the error JSON (§1.6).
func trailerAnswer(typ, b64 string) Answer {
	body, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		body = []byte(b64)
	}
	return errorAnswer(KindError, typ, body)
}

// encodeError renders the error JSON with stackTrace kept raw.
func encodeError(msg, typ string, stack json.RawMessage) []byte {
	v := struct {
		Message    string          `json:"errorMessage"`
		Type       string          `json:"errorType"`
		StackTrace json.RawMessage `json:"stackTrace,omitempty"`
	}{msg, typ, nil}
	if !isNull(stack) {
		v.StackTrace = stack
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil { // only a stack that is not JSON can fail
		v.StackTrace = nil
		buf.Reset()
		_ = enc.Encode(v)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})
}

// jsonText is a JSON string's value, or any other JSON (or text) verbatim.
func jsonText(raw []byte) string {
	if isNull(raw) {
		return ""
	}
	var s string
	if raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		return s
	}
	return strings.ToValidUTF8(string(raw), "\uFFFD")
}

func isNull(raw []byte) bool {
	return len(raw) == 0 || string(raw) == "null"
}
