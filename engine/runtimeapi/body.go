package runtimeapi

import (
	"io"
	"net/http"
	"strconv"
)

// drainLimit bounds how much of an oversize body is read (and discarded) to
// report its true size and let the client see the 413 on a clean connection.
const drainLimit = 64 << 20

// bodyResult says how reading a request body went.
type bodyResult struct {
	err      error // the body was cut short (the runtime hung up)
	tooLarge bool  // the body exceeded MaxPayloadSize
	size     int64 // the body's size when tooLarge
	exact    bool  // size is exact, not a lower bound
	limit    int64 // the limit it exceeded: MaxPayloadSize, or MaxStreamedPayload
}

// readBody reads r's body, holding at most MaxPayloadSize+1 bytes in memory.
// Reading to EOF also fills r.Trailer.
func readBody(r *http.Request) ([]byte, bodyResult) {
	if n := r.ContentLength; n > MaxPayloadSize {
		return nil, bodyResult{tooLarge: true, size: n, exact: true, limit: MaxPayloadSize}
	}
	size := 512
	if n := r.ContentLength; n >= 0 {
		size = int(n) + 1 // +1: room to see EOF without growing
	}
	b := make([]byte, 0, size)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		end := min(cap(b), MaxPayloadSize+1)
		n, err := r.Body.Read(b[len(b):end])
		b = b[:len(b)+n]
		if len(b) > MaxPayloadSize {
			return nil, oversize(r.Body, int64(len(b)), MaxPayloadSize)
		}
		if err == io.EOF {
			return b, bodyResult{}
		}
		if err != nil {
			return b, bodyResult{err: err}
		}
	}
}

// oversize discards up to drainLimit more bytes to learn the body's size.
func oversize(body io.Reader, seen, limit int64) bodyResult {
	n, err := io.Copy(io.Discard, io.LimitReader(body, drainLimit))
	return bodyResult{tooLarge: true, size: seen + n, exact: err == nil && n < drainLimit, limit: limit}
}

// done ends c and writes the reply when reading the body failed; it reports
// whether it did so.
func (res bodyResult) done(s *Server, w http.ResponseWriter, c *call) bool {
	switch {
	case res.tooLarge:
		s.finish(c, tooLargeAnswer(res.size, res.exact, res.limit))
		writeJSON(w, http.StatusRequestEntityTooLarge, bodyTooLarge)
	case res.err != nil:
		s.finish(c, errorAnswerOf(truncatedType, "Runtime response was truncated: "+res.err.Error()))
		writeJSON(w, http.StatusBadRequest, bodyTruncated)
	default:
		return false
	}
	return true
}

// tooLargeAnswer is what the invoker gets for an oversize response (§1.3).
func tooLargeAnswer(size int64, exact bool, limit int64) Answer {
	n := strconv.FormatInt(size, 10)
	if !exact {
		n = "more than " + n
	}
	msg := "Response payload size (" + n + " bytes) exceeded maximum allowed payload size (" +
		strconv.FormatInt(limit, 10) + " bytes)."
	a := errorAnswerOf(tooLargeType, msg)
	a.Kind = KindTooLarge
	return a
}
