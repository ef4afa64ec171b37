package runtimes_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/lambdev/lambdev/engine/runtimeapi"
)

// TestLargePayloads sends events and returns responses of up to ~6 MB, which
// the Runtime API serves with chunked or long bodies.
func TestLargePayloads(t *testing.T) {
	starts := map[string]func(testing.TB, string) *worker{"python": startPython, "node": startNode}
	handlers := map[string]string{"python": "app.big", "node": "cjs.big"}
	for name, start := range starts {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := start(t, handlers[name])
			for _, n := range []int{0, 3000, 70000, 1 << 20, 5 << 20} {
				event := `{"size":` + itoa(n) + `,"fill":"` + strings.Repeat("y", n) + `"}`
				a := w.invoke(t, invocation(event))
				var got struct {
					Len int    `json:"len"`
					Pad string `json:"pad"`
				}
				if a.Kind != runtimeapi.KindResponse {
					t.Fatalf("size %d: %v %.200s", n, a.Kind, a.Body)
				}
				if err := json.Unmarshal(a.Body, &got); err != nil || got.Len != len(event) || len(got.Pad) != n {
					t.Fatalf("size %d: len %d pad %d err %v", n, got.Len, len(got.Pad), err)
				}
			}
		})
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestRuntimeAPIGoneExitsQuietly closes the Runtime API under a waiting
// worker: it must exit 1 with one line, not a stack trace.
func TestRuntimeAPIGoneExitsQuietly(t *testing.T) {
	for _, f := range benchFamilies[:2] {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			requireTool(t, f.tool)
			spec := f.spec(t)
			w := spawn(t, spec, prepare(t, spec), false) // no proxy: srv.Close must reach the worker
			w.ready(t)
			w.invoke(t, invocation(`{}`))
			w.srv.Close()
			code := w.exitCode(t, "after the Runtime API closed")
			out := w.out.String()
			if code != 1 || !strings.Contains(out, "lambdev runtime: Runtime API unreachable") ||
				strings.Contains(out, "Traceback") || strings.Contains(out, "    at ") {
				t.Errorf("exit %d, output:\n%s", code, out)
			}
		})
	}
}
