package main

import (
	"bufio"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lambdev/lambdev/config"
)

// `lambdev dev --headless | head -1`: once nobody reads its output, the
// session's next write fails and it stops as on SIGTERM: exit 0, no worker
// left, no session file left (README QA pass: SIGPIPE killed it, exit 141,
// leaving its session file behind).
func TestHeadlessStopsWhenItsReaderGoes(t *testing.T) {
	bin := lambdevBinary(t)
	project, err := filepath.Abs(sample)
	if err != nil {
		t.Fatal(err)
	}
	p, err := config.Load(project, config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "dev", "--headless", "-f", project, "--listen", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+cache, "GOCACHE="+goCache(t))
	cmd.Stdout = w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(r)
	var endpoint string
	for ready := 0; ready < len(p.Functions) && sc.Scan(); {
		line := sc.Text()
		if i := strings.Index(line, "gateway http://"); i >= 0 && endpoint == "" {
			endpoint = strings.Fields(line[i+len("gateway "):])[0]
		}
		if strings.HasSuffix(line, " ready") {
			ready++
		}
	}
	workers := childPIDs(t, cmd.Process.Pid)
	if endpoint == "" || len(workers) == 0 {
		t.Fatalf("endpoint %q, %d workers: the session did not start", endpoint, len(workers))
	}
	r.Close() // the reader goes away; the next event's line cannot be written

	resp, err := http.Post(endpoint+"/2015-03-31/functions/api/invocations", "application/json", strings.NewReader(`{}`))
	if err == nil {
		resp.Body.Close()
	}
	if err, ok := waitExit(cmd, 30*time.Second); !ok {
		t.Fatal("the session still runs 30 s after its reader went away")
	} else if err != nil {
		t.Fatalf("the session ended with %v, want exit 0", err)
	}
	for _, pid := range workers {
		if err := syscall.Kill(pid, 0); err == nil {
			t.Errorf("worker %d outlived its session", pid)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(cache, "lambdev", "sessions", "*.json")); len(left) > 0 {
		t.Errorf("session file left behind: %v", left)
	}
}
