package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/lambdev/lambdev/relay/wire"
)

func TestConfigFromEnv(t *testing.T) {
	full := map[string]string{
		"LAMBDEV_RELAY_URL": "https://relay.example.com/hub", "LAMBDEV_RELAY_TOKEN": "t",
		"LAMBDEV_APP": "hello", "LAMBDEV_STAGE": "dev", "LAMBDEV_FUNCTION": "api",
	}
	tests := []struct {
		name    string
		edit    map[string]string
		wantURL string
		wantErr string
	}{
		{"https becomes wss", nil, "wss://relay.example.com/hub", ""},
		{"http becomes ws", map[string]string{"LAMBDEV_RELAY_URL": "http://127.0.0.1:3200"}, "ws://127.0.0.1:3200", ""},
		{"missing names every variable", map[string]string{"LAMBDEV_APP": "", "LAMBDEV_RELAY_TOKEN": ""}, "", "LAMBDEV_RELAY_TOKEN, LAMBDEV_APP"},
		{"bad scheme", map[string]string{"LAMBDEV_RELAY_URL": "ftp://x"}, "", "scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range full {
				t.Setenv(k, v)
			}
			for k, v := range tt.edit {
				t.Setenv(k, v)
			}
			cfg, err := configFromEnv()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want it to mention %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || cfg.url != tt.wantURL {
				t.Fatalf("url %q err %v, want %q", cfg.url, err, tt.wantURL)
			}
		})
	}
}

func TestErrorBody(t *testing.T) {
	handler := wire.Fail("r", "ValidationError", "bad")
	handler.Payload = []byte(`{"errorType":"ValidationError","errorMessage":"bad","stackTrace":["  File \"app.py\""]}`)
	if got := errorBody(&handler); string(got) != string(handler.Payload) {
		t.Errorf("handler error body rewritten: %s", got)
	}
	relay := wire.Fail("r", wire.ErrTypeNoDevSession, "lambdev dev is not running")
	if got := string(errorBody(&relay)); got != `{"errorType":"Relay.NoDevSession","errorMessage":"lambdev dev is not running"}` {
		t.Errorf("relay error body %s", got)
	}
}

// TestDependencies keeps the stub small: it speaks the wire protocol and
// nothing of lambdev's engine or config.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/lambdev/lambdev/") && dep != "github.com/lambdev/lambdev/relay/wire" && dep != "github.com/lambdev/lambdev/relay/bridge" {
			t.Errorf("the bridge imports %s", dep)
		}
	}
}

// The hub stamps its pings with its clock; a ping read long after it was
// sent (the sandbox was frozen) must not pass for a sign of a live link.
func TestPingClockTellsHeldUpPings(t *testing.T) {
	const slack = 100 // ms
	var c pingClock
	for _, p := range []struct {
		stamp string
		local int64
		fresh bool
	}{
		{"100", 103, true},  // 3 ms on the way
		{"200", 290, true},  // 90 ms of jitter: within the slack
		{"300", 301, true},  // 1 ms
		{"400", 650, false}, // read 249 ms late
		// Frozen from 450 to 1,000: the pings sent meanwhile are read at once.
		{"500", 1000, false},
		{"600", 1000, false},
		{"900", 1000, true}, // sent just before the thaw
		{"", 1001, true},    // an older hub's unstamped ping
	} {
		if got := c.fresh(p.stamp, p.local, slack); got != p.fresh {
			t.Errorf("ping %q read at %d: fresh %v, want %v", p.stamp, p.local, got, p.fresh)
		}
	}
	// Frozen before reading any ping: the welcome is the reference.
	var first pingClock
	if first.fresh("100", 5000, slack) {
		t.Error("a first ping read 4.9 s late passed for fresh")
	}
}
