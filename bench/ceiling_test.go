package main

import (
	"bytes"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBareAPICountsOnlyTheEcho checks the ceiling's Runtime API over HTTP: a
// /next event carries the headers a runtime needs, and only the echo
// handler's exact reply counts as an answer.
func TestBareAPICountsOnlyTheEcho(t *testing.T) {
	a, err := startBareAPI()
	if err != nil {
		t.Fatal(err)
	}
	defer a.srv.Close()
	a.open()
	base := "http://" + a.addr + "/2018-06-01/runtime/"
	res, err := http.Get(base + "invocation/next")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	id := res.Header.Get("Lambda-Runtime-Aws-Request-Id")
	if res.StatusCode != 200 || !bytes.Equal(body, payload) || id == "" ||
		res.Header.Get("Lambda-Runtime-Deadline-Ms") == "" || res.Header.Get("Lambda-Runtime-Invoked-Function-Arn") == "" {
		t.Fatalf("/next = %d %q, headers %v", res.StatusCode, body, res.Header)
	}
	post := func(route, body string) {
		t.Helper()
		res, err := http.Post(base+route, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusAccepted {
			t.Fatalf("POST %s = %d, want 202", route, res.StatusCode)
		}
	}
	post("invocation/"+id+"/response", `{"v":"v0","event":{"k":"v"}}`)
	post("invocation/"+id+"/response", `{"v":"v1","event":{"k":"v"}}`)
	post("invocation/"+id+"/error", `{"errorMessage":"boom","errorType":"E"}`)
	if got, bad := a.answered.Load(), a.wrong.Load(); got != 1 || bad != 2 {
		t.Errorf("answered %d, wrong %d; want 1 and 2", got, bad)
	}
	if first := a.firstBad.Load(); first == nil || !strings.Contains(*first, `v1`) {
		t.Errorf("first wrong answer = %v, want the v1 reply", first)
	}
}

// TestCeilingRunsRealWorkers runs the ceiling with two real aws-lambda-go
// workers: they answer the bare API's events with the echo, and their CPU
// is accounted under their command name.
func TestCeilingRunsRealWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the Go handler")
	}
	root, err := repoRoot()
	if err != nil {
		t.Skip(err)
	}
	tl := &tools{work: t.TempDir()}
	tl.bootstrap = filepath.Join(tl.work, "bootstrap")
	build := exec.Command("go", "build", "-tags", "lambda.norpc", "-o", tl.bootstrap, "./bench/testdata/proj/functions/goecho")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	c, err := startCeiling(tl, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer c.stop()
	c.round(50*time.Millisecond, 300*time.Millisecond)
	s := c.series
	if len(s.rates) != 1 || s.rates[0] <= 0 || s.errors != 0 || s.first != nil {
		t.Fatalf("rates %v, errors %d (%v); want one positive rate and no error", s.rates, s.errors, s.first)
	}
	if _, ok := s.cpu.procs["bootstrap"]; !ok || s.cpu.self != "Runtime API" {
		t.Errorf("CPU split %+v lacks the workers (bootstrap) or names this process wrongly", s.cpu)
	}
}
