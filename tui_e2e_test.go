package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmuxSession drives the real lambdev binary in a real terminal.
type tmuxSession struct {
	t      *testing.T
	socket string
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (s *tmuxSession) screen() string { return s.tmux("capture-pane", "-p", "-t", "lambdev") }

// waitScreen polls the screen until ok holds; the bound only guards a hang.
func (s *tmuxSession) waitScreen(what string, ok func(string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		scr := s.screen()
		if ok(scr) {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("screen never showed %s:\n%s", what, scr)
		}
		time.Sleep(100 * time.Millisecond) // polling interval, not synchronisation
	}
}

// TestWorkbenchInTmux runs `lambdev dev` on the sample project in tmux at
// 100×30, invokes a function, toggles it to deployed, and quits.
func TestWorkbenchInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("LAMBDEV_REQUIRE_ALL") == "1" {
			t.Fatal("tmux is required (LAMBDEV_REQUIRE_ALL=1)")
		}
		t.Skip("tmux not installed")
	}
	bin := lambdevBinary(t)
	s := &tmuxSession{t: t, socket: "lambdev-e2e-" + filepath.Base(t.TempDir())}
	cache := t.TempDir()
	exited := filepath.Join(t.TempDir(), "exited")
	// XDG_CACHE_HOME isolates lambdev's session files; GOCACHE stays shared
	// so building the Go function does not start from an empty build cache.
	script := "XDG_CACHE_HOME=" + cache + " GOCACHE=" + goCache(t) + " NO_COLOR=1 " + bin + " dev -f " + sample + " --listen 127.0.0.1:0; echo $? > " + exited + "; sleep 60"
	s.tmux("new-session", "-d", "-s", "lambdev", "-x", "100", "-y", "30", script)
	t.Cleanup(func() { exec.Command("tmux", "-L", s.socket, "kill-server").Run() })

	s.waitScreen("every function ready", func(scr string) bool { return strings.Count(scr, " ready ") == 4 })
	s.tmux("send-keys", "-t", "lambdev", "i")
	scr := s.waitScreen("an ok invocation of api", func(scr string) bool {
		return strings.Contains(scr, "Invocations 1") && strings.Contains(scr, " ok ")
	})
	if !strings.Contains(scr, "LIVE     api") || !strings.Contains(scr, "python3.12 → provided.al2023 · bridge") {
		t.Errorf("api is not shown live on the bridge:\n%s", scr)
	}
	s.tmux("send-keys", "-t", "lambdev", "d")
	s.waitScreen("api toggled to deployed", func(scr string) bool {
		return strings.Contains(scr, "DEPLOYED api") && strings.Contains(scr, "python3.12 · as declared")
	})
	s.tmux("send-keys", "-t", "lambdev", "q")
	deadline := time.Now().Add(30 * time.Second)
	for {
		if b, err := os.ReadFile(exited); err == nil {
			if code := strings.TrimSpace(string(b)); code != "0" {
				t.Errorf("lambdev dev exited %s after q", code)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("lambdev dev did not exit after q:\n%s", s.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Workers run from this session's build dir (under its cache dir), which
	// tells them apart from other tests' workers.
	ps, _ := exec.Command("ps", "-eo", "pid,args").Output()
	for _, line := range strings.Split(string(ps), "\n") {
		if strings.Contains(line, filepath.Join(cache, "lambdev")) {
			t.Errorf("worker left behind after quitting: %s", line)
		}
	}
}
