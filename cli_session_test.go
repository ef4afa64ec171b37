package main

import (
	"os"
	"os/exec"
	"testing"

	"github.com/lambdev/lambdev/config"
)

// A second dev session of a project takes the session file while it runs
// and, when it stops, gives it back to the first if that one still runs, so
// `lambdev invoke` keeps reaching a live session (README QA pass: it fell
// back to running the function once).
func TestSessionFileReturnsToTheDisplacedSession(t *testing.T) {
	isolateCache(t)
	p, err := config.Load(sample, config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	first := exec.Command("sleep", "60") // stands in for the first session's process
	if err := first.Start(); err != nil {
		t.Skip("no sleep:", err)
	}
	defer func() { _ = first.Process.Kill(); _ = first.Wait() }()
	if err := saveSession(p, sessionInfo{PID: first.Process.Pid, Endpoint: "http://127.0.0.1:3105", Project: p.File, Stage: p.Stage}); err != nil {
		t.Fatal(err)
	}

	displaced, err := writeSessionFile(p, "http://127.0.0.1:3114")
	if err != nil || displaced == nil || displaced.PID != first.Process.Pid || displaced.Endpoint != "http://127.0.0.1:3105" {
		t.Fatalf("writeSessionFile displaced %+v, %v; want the first session", displaced, err)
	}
	if s, ok := readSession(p); !ok || s.PID != os.Getpid() || s.Endpoint != "http://127.0.0.1:3114" {
		t.Fatalf("while the second runs, the file names %+v (%v); want the second", s, ok)
	}
	removeSessionFile(p, "http://127.0.0.1:3114", displaced)
	if s, ok := readSession(p); !ok || s.PID != first.Process.Pid || s.Endpoint != "http://127.0.0.1:3105" {
		t.Fatalf("after the second stops, the file names %+v (%v); want the first again", s, ok)
	}

	// The first has stopped meanwhile: the file goes.
	displaced, _ = writeSessionFile(p, "http://127.0.0.1:3114")
	_ = first.Process.Kill()
	_ = first.Wait()
	removeSessionFile(p, "http://127.0.0.1:3114", displaced)
	if _, err := os.Stat(sessionPath(p)); !os.IsNotExist(err) {
		t.Errorf("session file left behind for a stopped session: %v", err)
	}
}
