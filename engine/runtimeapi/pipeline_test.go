package runtimeapi

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// tcpPair is a connected loopback pair: the server end wrapped in a
// holdConn, and the client end.
func tcpPair(t *testing.T) (*holdConn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return &holdConn{Conn: server}, client
}

// readAvailable is what one Read returns (a single writev of a few bytes
// arrives whole on loopback).
func readAvailable(t *testing.T, c net.Conn) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 64<<10)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return string(buf[:n])
}

func TestHoldConnSendsAHeldReplyWithTheNext(t *testing.T) {
	hc, client := tcpPair(t)
	hc.hold = true
	if n, err := hc.Write([]byte("202;")); n != 4 || err != nil {
		t.Fatalf("held Write = %d, %v", n, err)
	}
	if n, err := hc.Write([]byte("event")); n != 5 || err != nil {
		t.Fatalf("next Write = %d, %v (it reports its own bytes only)", n, err)
	}
	if got := readAvailable(t, client); got != "202;event" {
		t.Fatalf("the peer read %q in one read, want the held reply and the next together", got)
	}
	// Nothing is held any more: a plain write goes out alone.
	hc.Write([]byte("plain"))
	if got := readAvailable(t, client); got != "plain" {
		t.Fatalf("read %q, want %q", got, "plain")
	}
}

func TestHoldConnFlushesBeforeWaitingIdle(t *testing.T) {
	hc, client := tcpPair(t)
	hc.hold = true
	hc.Write([]byte("202"))
	// Active (a handler runs, net/http probes the conn): still held.
	connState(hc, http.StateActive)
	hc.SetReadDeadline(time.Now()) // returns at once
	if _, err := hc.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("probe read: %v", err)
	}
	if len(hc.held) == 0 {
		t.Fatal("a read while active sent the held reply")
	}
	// Idle, waiting for the next request: the client may be waiting for
	// the reply before it sends one.
	connState(hc, http.StateIdle)
	hc.SetReadDeadline(time.Now())
	hc.Read(make([]byte, 4096))
	if got := readAvailable(t, client); got != "202" {
		t.Fatalf("read %q, want the held reply sent before the idle read", got)
	}
}

func TestHoldConnFlushesOnClose(t *testing.T) {
	hc, client := tcpPair(t)
	hc.hold = true
	hc.Write([]byte("202"))
	hc.Close()
	got, err := io.ReadAll(client)
	if err != nil || string(got) != "202" {
		t.Fatalf("read %q, %v; want the held reply, then EOF", got, err)
	}
}

// TestPipelinedAnswerRidesWithTheNextEvent: with HeaderPipelined, the 202
// for an answer is not sent on its own but with the next event, in one
// write; without it, at once.
func TestPipelinedAnswerRidesWithTheNextEvent(t *testing.T) {
	srv, conn, first := rawFirstEvent(t, `{"n":1}`)
	post := func(id, header string) string {
		return "POST /2018-06-01/runtime/invocation/" + id + "/response HTTP/1.1\r\nHost: x\r\n" + header +
			"Content-Length: 4\r\n\r\n\"ok\""
	}

	io.WriteString(conn, post("req-1", HeaderPipelined+": 1\r\n")+rawNext)
	if r := await(t, first); r.err != nil || string(r.a.Body) != `"ok"` {
		t.Fatalf("first invocation: %v %q", r.err, r.a.Body)
	}
	conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if n, err := conn.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the 202 went out on its own (read %d, %v)", n, err)
	}
	second := invokeAsync(context.Background(), srv, invocation("req-2", `{"n":2}`))
	got := readAvailable(t, conn)
	br := bufio.NewReader(strings.NewReader(got))
	for i, want := range []string{"202", "200"} {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("reply %d in %q: %v", i, got, err)
		}
		b, _ := io.ReadAll(resp.Body)
		if !strings.HasPrefix(resp.Status, want) {
			t.Fatalf("reply %d = %s %q, want %s", i, resp.Status, b, want)
		}
		if want == "200" && (resp.Header.Get("Lambda-Runtime-Aws-Request-Id") != "req-2" || string(b) != `{"n":2}`) {
			t.Fatalf("event = %v %q", resp.Header, b)
		}
	}

	// Without the header the 202 comes at once, alone.
	io.WriteString(conn, post("req-2", ""))
	if r := await(t, second); r.err != nil {
		t.Fatal(r.err)
	}
	if got := readAvailable(t, conn); !strings.HasPrefix(got, "HTTP/1.1 202") || strings.Count(got, "HTTP/1.1") != 1 {
		t.Fatalf("unpipelined answer got %q, want its 202 alone", got)
	}
}

// TestPipelinedHeaderWithoutNextStillAnswers: a client that sends the
// header but waits for the 202 before asking for the next event (as a
// proxy between a pipelining runtime and the server does) still gets it.
func TestPipelinedHeaderWithoutNextStillAnswers(t *testing.T) {
	_, conn, first := rawFirstEvent(t, `{}`)
	io.WriteString(conn, "POST /2018-06-01/runtime/invocation/req-1/response HTTP/1.1\r\nHost: x\r\n"+
		HeaderPipelined+": 1\r\nContent-Length: 2\r\n\r\n{}")
	got := readAvailable(t, conn) // fails on its deadline if the 202 stays held
	if !strings.HasPrefix(got, "HTTP/1.1 202") {
		t.Fatalf("read %q, want the 202", got)
	}
	if r := await(t, first); r.err != nil || !bytes.Equal(r.a.Body, []byte(`{}`)) {
		t.Fatalf("invocation: %v %q", r.err, r.a.Body)
	}
}

const rawNext = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n"

// rawFirstEvent starts a server and takes its first invocation, req-1 with
// event, over a raw connection, as a runtime would.
func rawFirstEvent(t *testing.T, event string) (*Server, net.Conn, <-chan result) {
	t.Helper()
	srv := startServer(t)
	conn, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	first := invokeAsync(context.Background(), srv, invocation("req-1", event))
	io.WriteString(conn, rawNext)
	if got := readAvailable(t, conn); !strings.Contains(got, "req-1") {
		t.Fatalf("first /next: %q", got)
	}
	return srv, conn, first
}
