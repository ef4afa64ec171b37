package drift

import (
	"testing"
	"time"

	"github.com/lambdev/lambdev/config"
)

func TestObserve(t *testing.T) {
	tests := []struct {
		name string
		obs  Observation
		rule string // "" means no warning
		sev  Severity
		subs []string
	}{
		{"quiet", Observation{Duration: time.Second, MaxMemoryMB: 60, ResponseBytes: 1 << 20}, "", 0, nil},
		{"at 80% timeout", Observation{Duration: 2400 * time.Millisecond}, "", 0, nil},
		{"near timeout", Observation{Duration: 2700 * time.Millisecond}, RuleTimeoutNear, SeverityWarning, []string{"2.7s", "90 %", "timeout 3s"}},
		{"near memory", Observation{MaxMemoryMB: 120}, RuleMemoryNear, SeverityWarning, []string{"120 MB", "94 %", "memory 128 MB"}},
		{"memory unknown", Observation{MaxMemoryMB: 0}, "", 0, nil},
		{"response 6 MiB exactly", Observation{ResponseBytes: 6 << 20}, "", 0, nil},
		{"response too big", Observation{ResponseBytes: 7 << 20}, RuleResponseSize, SeverityError, []string{"7.0 MB", "6 MB"}},
		{"streamed 6 MiB", Observation{ResponseBytes: 6 << 20, Streamed: true}, "", 0, nil},
		// 3 MiB past the burst at 2 MiB/s: 1.5 s more, inside the 3 s timeout.
		{"streamed 9 MiB", Observation{ResponseBytes: 9 << 20, Streamed: true, Duration: time.Second},
			RuleResponseSize, SeverityInfo, []string{"9.0 MB", "1.5s more"}},
		// 6 MiB past it: 3 s more, with 0.5 s spent here: past the 3 s timeout.
		{"streamed 12 MiB", Observation{ResponseBytes: 12 << 20, Streamed: true, Duration: 500 * time.Millisecond},
			RuleResponseSize, SeverityWarning, []string{"12.0 MB", "3s more", "past the 3s timeout", "raise `timeout`"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fn("f", "python3.12", "x86_64")
			ws := Observe(f, tt.obs)
			if tt.rule == "" {
				wantNone(t, ws)
				return
			}
			w := wantOne(t, ws, tt.sev, tt.subs...)
			if w.Rule != tt.rule || w.Function != "f" {
				t.Errorf("got %v", w)
			}
		})
	}
}

// A streamed URL response from a function whose URL buffers: in Lambda the
// client would not get that status and those headers.
func TestObserveURLInvokeMode(t *testing.T) {
	streamed := Observation{ContentType: "application/vnd.awslambda.http-integration-response"}
	f := fn("f", "nodejs22.x", "x86_64")
	wantNone(t, Observe(f, streamed)) // no URL: nothing to say
	f.URL = &config.URLConfig{Auth: config.AuthNone, InvokeMode: config.InvokeBuffered}
	w := wantOne(t, Observe(f, streamed), SeverityWarning, "BUFFERED", "RESPONSE_STREAM")
	if w.Rule != RuleURLInvokeMode {
		t.Errorf("rule %s", w.Rule)
	}
	wantNone(t, Observe(f, Observation{ContentType: "application/json"}))
	f.URL.InvokeMode = config.InvokeResponseStream
	wantNone(t, Observe(f, streamed))
}

func TestObserveSilenced(t *testing.T) {
	f := fn("f", "python3.12", "x86_64")
	f.Drift.Ignore = []string{RuleResponseSize}
	ws := Observe(f, Observation{ResponseBytes: 7 << 20, Duration: 3 * time.Second})
	if len(ws) != 2 {
		t.Fatalf("got %v", ws)
	}
	if e, w, _ := Summary(ws); e != 0 || w != 1 {
		t.Errorf("Summary = %d errors, %d warnings; want 0, 1", e, w)
	}
}
