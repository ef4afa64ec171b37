package runtimeapi

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"testing"
)

// BenchmarkInvoke is the whole hot path: Invoke → /next → the real
// aws-lambda-go echo handler → /response → Answer.
func BenchmarkInvoke(b *testing.B) {
	srv := startServer(b)
	startWorker(b, srv)
	<-srv.Ready()
	inv := invocation("bench", `{"op":"echo","data":{"hello":"world"}}`)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		a, err := srv.Invoke(ctx, inv)
		if err != nil || a.Kind != KindResponse {
			b.Fatalf("%v %v %s", err, a.Kind, a.Body)
		}
	}
}

// BenchmarkInvokeRawRuntime drives Invoke against a minimal net/http runtime
// loop in-process, isolating the server's cost from aws-lambda-go's.
func BenchmarkInvokeRawRuntime(b *testing.B) {
	srv := startServer(b)
	go rawRuntimeLoop(srv.Addr())
	inv := invocation("bench", `{"hello":"world"}`)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if a, err := srv.Invoke(ctx, inv); err != nil || a.Kind != KindResponse {
			b.Fatalf("%v %v", err, a.Kind)
		}
	}
}

// rawRuntimeLoop echoes events until the server goes away.
func rawRuntimeLoop(addr string) {
	c := &http.Client{Transport: &http.Transport{}}
	base := "http://" + addr + "/2018-06-01/runtime/invocation/"
	for {
		resp, err := c.Get(base + "next")
		if err != nil {
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		id := resp.Header.Get("Lambda-Runtime-Aws-Request-Id")
		resp, err = c.Post(base+id+"/response", "application/json", bytes.NewReader(body))
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// BenchmarkLoopbackFloor is one plain keep-alive net/http round trip on
// loopback: the floor an Invoke (two round trips) is measured against.
func BenchmarkLoopbackFloor(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	payload := []byte(`{"hello":"world"}`)
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = w.Write(payload)
	})}
	go func() { _ = hs.Serve(ln) }()
	b.Cleanup(func() { _ = hs.Close() })
	c := &http.Client{Transport: &http.Transport{}}
	url := "http://" + ln.Addr().String() + "/"
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		resp, err := c.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
