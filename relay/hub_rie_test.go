package relay

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lambdev/lambdev/relay/wire"
)

// findRIE locates aws-lambda-rie on PATH or in GOPATH/bin (where go install
// puts it); the test skips without it unless LAMBDEV_REQUIRE_RIE=1.
func findRIE(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("aws-lambda-rie"); err == nil {
		return p
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := filepath.Join(strings.TrimSpace(string(out)), "bin", "aws-lambda-rie")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("LAMBDEV_REQUIRE_RIE") == "1" {
		t.Fatal("aws-lambda-rie not found (LAMBDEV_REQUIRE_RIE=1)")
	}
	t.Skip("aws-lambda-rie not installed: GOFLAGS=-mod=mod go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@latest")
	return ""
}

// freeAddr returns a loopback address nothing listens on right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startRIE runs the bridge as RIE's bootstrap and returns the invoke URL.
func startRIE(t *testing.T, rie, bin, url string) string {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(rie, "--runtime-interface-emulator-address", addr, "--runtime-api-address", freeAddr(t), bin)
	cmd.Env = []string{"LAMBDEV_RELAY_URL=" + url, "LAMBDEV_RELAY_TOKEN=" + testToken,
		"LAMBDEV_APP=" + testApp, "LAMBDEV_STAGE=" + testStage, "LAMBDEV_FUNCTION=echo", "AWS_LAMBDA_FUNCTION_TIMEOUT=60"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // RIE's runtime child dies with it
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	out := &syncBuffer{}
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			out.Write(append(sc.Bytes(), '\n'))
			if strings.Contains(sc.Text(), "(rapid) exec") {
				close(started)
			}
		}
	}()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		_ = pw.Close()
		if t.Failed() {
			t.Logf("RIE output:\n%s", out.String())
		}
	})
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatalf("RIE did not start:\n%s", out.String())
	}
	return "http://" + addr + "/2015-03-31/functions/function/invocations"
}

// postRIE invokes through RIE, retrying only while its listener comes up.
func postRIE(t *testing.T, url string, body []byte) ([]byte, time.Duration) {
	t.Helper()
	for attempt := 0; ; attempt++ {
		start := time.Now()
		resp, err := http.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			if errors.Is(err, syscall.ECONNREFUSED) && attempt < 100 {
				time.Sleep(20 * time.Millisecond) // polling RIE's listener, bounded
				continue
			}
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("RIE: %d %v %s", resp.StatusCode, err, b)
		}
		return b, time.Since(start)
	}
}

// TestBridgeUnderRIE runs the bridge under the official AWS Runtime
// Interface Emulator instead of lambdev's Runtime API.
func TestBridgeUnderRIE(t *testing.T) {
	rie := findRIE(t)
	requirePython(t)
	bin := buildBridge(t)
	_, url := startHub(t, HubOptions{})
	invokeURL := startRIE(t, rie, bin, url)

	body, took := postRIE(t, invokeURL, []byte(`{}`))
	var fail struct{ ErrorType, ErrorMessage string }
	if err := json.Unmarshal(body, &fail); err != nil || fail.ErrorType != wire.ErrTypeNoDevSession {
		t.Fatalf("without a dev session: %s (%v)", body, err)
	}
	if took > time.Second {
		t.Errorf("no-dev-session answer took %s under RIE", took)
	}

	connectDev(t, url, testToken, newTestEngine(t), nil)
	body, _ = postRIE(t, invokeURL, []byte(`{"via":"rie"}`))
	var e echoed
	if err := json.Unmarshal(body, &e); err != nil || !sameJSON(e.Event, []byte(`{"via":"rie"}`)) || e.RequestID == "" {
		t.Fatalf("echo through RIE: %s (%v)", body, err)
	}
}
