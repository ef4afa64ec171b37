// Package testutil holds helpers several packages' tests share: a real moto
// server (an AWS emulator) started on a free loopback port, and counts of
// the descriptors and goroutines a leak would grow.
package testutil

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"time"
)

// StartMoto starts `python3 -m moto.server` on a free 127.0.0.1 port and waits
// until it answers. It returns the endpoint URL and a func that stops it; err
// says why moto is unavailable (python3 cannot import it, or it did not start).
func StartMoto() (url string, stop func(), err error) {
	stop = func() {}
	if out, err := exec.Command("python3", "-c", "import moto").CombinedOutput(); err != nil {
		return "", stop, fmt.Errorf("python3 cannot import moto (%v: %s); install it with `pip install 'moto[server]'`", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", stop, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	logf, err := os.CreateTemp("", "lambdev-moto-*.log")
	if err != nil {
		return "", stop, err
	}
	cmd := exec.Command("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	// moto loads AWS managed policies (AWSLambdaBasicExecutionRole) only when asked.
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return "", stop, err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	stop = func() {
		cmd.Process.Kill()
		<-exited
		logf.Close()
		os.Remove(logf.Name())
	}
	url = fmt.Sprintf("http://127.0.0.1:%d", port)
	if err := WaitHTTP(url+"/moto-api/", exited, 60*time.Second); err != nil {
		log, _ := os.ReadFile(logf.Name())
		return "", stop, fmt.Errorf("moto server did not start: %v\n%s", err, log)
	}
	return url, stop, nil
}

// WaitHTTP polls url until it answers, exited closes or the bound passes.
func WaitHTTP(url string, exited <-chan struct{}, bound time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(bound)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for time.Now().Before(deadline) {
		if resp, err := client.Get(url); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("process exited")
		case <-tick.C:
		}
	}
	return fmt.Errorf("no answer from %s within %v", url, bound)
}
