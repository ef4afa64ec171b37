package runtimes_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestNodePipelinesItsAnswerWithNext plays the Runtime API on raw TCP: the
// Node bootstrap must send an invocation's answer, marked
// Lambdev-Pipelined-Next, and its next GET /next without waiting for the
// 202; and when the 202 says Connection: close (the server answers nothing
// after it on that connection), send the GET again on a new connection.
func TestNodePipelinesItsAnswerWithNext(t *testing.T) {
	requireTool(t, "node")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	spec := nodeSpec(t, "cjs.handler")
	p := prepare(t, spec)
	p.Env = append(p.Env, "AWS_LAMBDA_RUNTIME_API="+ln.Addr().String())
	w := spawnProcess(t, spec, p)

	type conn struct {
		c net.Conn
		r *bufio.Reader
	}
	accept := func() conn {
		t.Helper()
		c, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return conn{c, bufio.NewReader(c)}
	}
	// read reads the next request; the deadline only guards a hang.
	read := func(c conn, want string) (*http.Request, string) {
		t.Helper()
		c.c.SetReadDeadline(time.Now().Add(waitLimit))
		r, err := http.ReadRequest(c.r)
		if err != nil {
			t.Fatalf("waiting for %s: %v; output:\n%s", want, err, w.out.String())
		}
		body, _ := io.ReadAll(r.Body)
		if got := r.Method + " " + r.URL.Path; !strings.HasSuffix(got, want) {
			t.Fatalf("got %s, want %s", got, want)
		}
		return r, string(body)
	}
	event := func(c conn, id, payload string) {
		t.Helper()
		fmt.Fprintf(c.c, "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: %s\r\nLambda-Runtime-Deadline-Ms: 9999999999999\r\n"+
			"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", id, len(payload), payload)
	}

	c1 := accept()
	read(c1, "GET /2018-06-01/runtime/invocation/next")
	event(c1, "e1", `{"n":1}`)
	post, body := read(c1, "POST /2018-06-01/runtime/invocation/e1/response")
	if post.Header.Get("Lambdev-Pipelined-Next") != "1" || !strings.Contains(body, `"event":{"n":1}`) {
		t.Errorf("answer to e1: header %q, body %s", post.Header.Get("Lambdev-Pipelined-Next"), body)
	}
	// Read before the 202 is sent: a bootstrap waiting for it never sends this.
	read(c1, "GET /2018-06-01/runtime/invocation/next")
	io.WriteString(c1.c, "HTTP/1.1 202 Accepted\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
	c1.c.Close()

	c2 := accept()
	read(c2, "GET /2018-06-01/runtime/invocation/next")
	event(c2, "e2", `{"n":2}`)
	if _, body := read(c2, "POST /2018-06-01/runtime/invocation/e2/response"); !strings.Contains(body, `"event":{"n":2}`) {
		t.Errorf("answer to e2: %s", body)
	}
	read(c2, "GET /2018-06-01/runtime/invocation/next")
}
