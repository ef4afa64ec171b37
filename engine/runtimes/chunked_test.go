package runtimes_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lambdev/lambdev/engine/runtimes"
)

// TestChunkedEvent serves /next with a chunked body (as a Runtime API that
// streams the event would) and checks both bootstraps decode it. runtimeapi
// always sends Content-Length, so this needs a hand-made peer.
func TestChunkedEvent(t *testing.T) {
	specs := map[string]func(testing.TB, string) runtimes.Spec{"python": pythonSpec, "node": nodeSpec}
	handlers := map[string]string{"python": "app.echo", "node": "esm.handler"}
	tools := map[string]string{"python": "python3", "node": "node"}
	for name, mk := range specs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			requireTool(t, tools[name])
			got := make(chan string, 1)
			done := make(chan struct{})
			served := false
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch {
				case strings.HasSuffix(r.URL.Path, "/invocation/next") && !served:
					served = true
					w.Header().Set("Lambda-Runtime-Aws-Request-Id", "chunked-1")
					w.Header().Set("Lambda-Runtime-Deadline-Ms", "9999999999999")
					w.Header().Set("Content-Type", "application/json")
					io.WriteString(w, `{"part":"`)
					w.(http.Flusher).Flush()
					io.WriteString(w, strings.Repeat("z", 100000)+`"}`)
				case strings.HasSuffix(r.URL.Path, "/invocation/next"):
					<-done // park the runtime until the test ends
				default:
					body, _ := io.ReadAll(r.Body)
					w.WriteHeader(http.StatusAccepted)
					io.WriteString(w, `{"status":"OK"}`)
					got <- r.URL.Path + " " + string(body)
				}
			}))
			t.Cleanup(srv.Close)
			t.Cleanup(func() { close(done) })
			spec := mk(t, handlers[name])
			p := prepare(t, spec)
			p.Env = append(p.Env, "AWS_LAMBDA_RUNTIME_API="+srv.Listener.Addr().String())
			w := spawnProcess(t, spec, p)
			select {
			case s := <-got:
				path, body, _ := strings.Cut(s, " ")
				if !strings.HasSuffix(path, "/invocation/chunked-1/response") || !strings.Contains(body, strings.Repeat("z", 100000)) {
					t.Errorf("got %s %.80s", path, body)
				}
			case <-time.After(waitLimit):
				t.Fatalf("no response; output:\n%s", w.out.String())
			}
		})
	}
}
