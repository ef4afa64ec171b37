package runtimeapi

import (
	"bytes"
	"context"
	"log"
	"net"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// panicLog fails the fuzz run when net/http reports a recovered handler
// panic (it recovers them and only logs).
type panicLog struct{ panics atomic.Int32 }

func (p *panicLog) Write(b []byte) (int, error) {
	if bytes.Contains(b, []byte("panic")) && !bytes.Contains(b, []byte("ErrAbortHandler")) {
		p.panics.Add(1)
	}
	return len(b), nil
}

// FuzzRuntimeAnswer sends arbitrary bytes, as a runtime's connection, to the
// Runtime API while an invocation waits for its answer ("{id}" in them is
// replaced with its request id). Whatever they are, the server must not
// panic, the invocation must end without an error (by them, or by a proper
// /response sent after them), and the server must serve the next
// invocation.
func FuzzRuntimeAnswer(f *testing.F) {
	for _, seed := range []string{
		"POST /2018-06-01/runtime/invocation/{id}/response HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok",
		"POST /2018-06-01/runtime/invocation/{id}/response HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTrailer: Lambda-Runtime-Function-Error-Type\r\n\r\n2\r\nok\r\n0\r\nLambda-Runtime-Function-Error-Type: E\r\n\r\n",
		"POST /2018-06-01/runtime/invocation/{id}/response HTTP/1.1\r\nHost: x\r\nLambda-Runtime-Function-Response-Mode: streaming\r\nTransfer-Encoding: chunked\r\n\r\n5\r\npart1\r\n",
		"POST /2018-06-01/runtime/invocation/{id}/error HTTP/1.1\r\nHost: x\r\nLambda-Runtime-Function-Error-Type: Boom\r\nContent-Length: 15\r\n\r\n{\"errorType\":1}",
		"POST /2018-06-01/runtime/invocation/{id}/error HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\nshort",
		"POST /2018-06-01/runtime/init/error HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
		"POST /2018-06-01/runtime/invocation/{id}/response HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nokPOST /2018-06-01/runtime/invocation/{id}/response HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
		"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /2018-06-01/runtime/invocation/other/response HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
		"\x00\xff garbage",
	} {
		f.Add([]byte(seed))
	}
	srv, err := Listen("127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	defer srv.Close()
	var logged panicLog
	srv.hs.ErrorLog = log.New(&logged, "", 0)
	var seq atomic.Int64
	f.Fuzz(func(t *testing.T, raw []byte) {
		rc := newRawClient(t, srv)
		rc.c.Timeout = 5 * time.Second // a hang is a finding, not a stuck fuzzer
		id := "fuzz-" + strconv.FormatInt(seq.Add(1), 10)
		ch := begin(t, srv, rc, id)
		conn, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		_, _ = conn.Write(bytes.ReplaceAll(raw, []byte("{id}"), []byte(id)))
		// Read what the server says until it stops or closes; the
		// invocation is settled either way before the connection goes.
		_ = conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		var sink [4096]byte
		for {
			if _, err := conn.Read(sink[:]); err != nil {
				break
			}
		}
		conn.Close()
		select {
		case r := <-ch:
			if r.err != nil {
				t.Fatalf("Invoke ended with %v", r.err)
			}
		default:
			// Not ended by the bytes: a proper answer must still end it.
			if status, body := rc.post("invocation/"+id+"/response", "ok"); status != 202 {
				// The bytes began an answer the server still holds (a
				// streamed body cut short ends when its connection does).
				if r := await(t, ch); r.err != nil {
					t.Fatalf("Invoke ended with %v after %d %s", r.err, status, body)
				}
				break
			}
			if r := await(t, ch); r.err != nil || r.a.Kind != KindResponse || string(r.a.Body) != "ok" {
				t.Fatalf("after a proper /response: %v %+v", r.err, r.a)
			}
		}
		if n := logged.panics.Load(); n > 0 {
			t.Fatalf("%d handler panic(s) logged", n)
		}
		// The next invocation is served.
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		next := invokeAsync(ctx, srv, invocation(id+"-next", `{}`))
		if status, h, _ := rc.next(); status != 200 || h.Get("Lambda-Runtime-Aws-Request-Id") != id+"-next" {
			t.Fatalf("next invocation: /next = %d %v", status, h)
		}
		if status, _ := rc.post("invocation/"+id+"-next/response", "{}"); status != 202 {
			t.Fatalf("next invocation: /response = %d", status)
		}
		await(t, next)
	})
}
