package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/internal/testutil"
)

const sample = "testdata/sample/lambdev.yaml"

// cli runs the CLI in-process and returns stdout, stderr and the exit code.
func cli(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return out.String(), errOut.String(), code
}

func TestPlanShowsTheSwapOnlyInDev(t *testing.T) {
	out, _, code := cli(t, "plan", "-f", sample, "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var plan planJSON
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		live           bool
		effective, os_ string
	}{
		"legacy": {false, "python3.11", "AL2"},
		"api":    {true, "provided.al2023", "AL2023"},
		"web":    {true, "provided.al2023", "AL2023"},
		"feed":   {true, "provided.al2023", "AL2023"},
		"worker": {true, "provided.al2023", "AL2023"},
	}
	for _, r := range plan.Functions {
		w := want[r.Function]
		if r.Live != w.live || r.Effective.Runtime != w.effective || r.Effective.OS != w.os_ {
			t.Errorf("%s: live %v effective %s on %s; want %v %s on %s", r.Function, r.Live, r.Effective.Runtime, r.Effective.OS, w.live, w.effective, w.os_)
		}
	}
	out, _, _ = cli(t, "plan", "-f", sample, "--mode", "deploy", "--json")
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatal(err)
	}
	for _, r := range plan.Functions {
		if r.Swapped || r.Bridge || r.Live {
			t.Errorf("deploy mode swapped %s: %+v", r.Function, r)
		}
	}
	text, _, _ := cli(t, "plan", "-f", sample)
	if !strings.Contains(text, "python3.12 → provided.al2023 (bridge)") || !strings.Contains(text, "AL2 glibc 2.26") {
		t.Errorf("plan table lacks the swap:\n%s", text)
	}
}

func TestBrokenProjectsExitTwoWithPositions(t *testing.T) {
	files, _ := filepath.Glob("testdata/broken/*.yaml")
	if len(files) == 0 {
		t.Fatal("no broken projects")
	}
	for _, f := range files {
		_, errOut, code := cli(t, "plan", "-f", f)
		if code != exitUsage {
			t.Errorf("%s: exit %d, want 2", f, code)
		}
		if !strings.Contains(errOut, filepath.Base(f)+":") {
			t.Errorf("%s: errors lack file:line:col:\n%s", f, errOut)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"nope"}, {"plan", "--mode", "sideways", "-f", sample}, {"deploy", "--mode", "dev", "-f", sample}, {"dev", "--ci", "-f", sample}, {"dev", "--headless", "--warm", "-1", "-f", sample}} {
		if _, _, code := cli(t, args...); code != exitUsage {
			t.Errorf("lambdev %v: exit %d, want 2", args, code)
		}
	}
	if out, _, code := cli(t, "version"); code != 0 || !strings.HasPrefix(out, "lambdev ") {
		t.Errorf("version: %d %q", code, out)
	}
}

func TestInvokeOnceRunsTheFunction(t *testing.T) {
	isolateCache(t) // no running session is found
	out, errOut, code := cli(t, "invoke", "api", "-f", sample, "--payload", `{"name":"Ada"}`)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, `"message": "hello, Ada!"`) || !strings.Contains(errOut, "greeting Ada") {
		t.Errorf("stdout %q stderr %q", out, errOut)
	}
	_, errOut, code = cli(t, "invoke", "worker", "-f", sample, "--payload", `{"items":[1,-2]}`)
	if code != exitFailure || !strings.Contains(errOut, "negative item -2") {
		t.Errorf("function error: exit %d stderr %q; want 1 naming the error", code, errOut)
	}
	// --json: one document on stdout, the error's payload and type in it.
	out, _, code = cli(t, "invoke", "worker", "-f", sample, "--json", "--payload", `{"items":[1,-2]}`)
	var doc struct {
		Payload                        map[string]string
		FunctionError, ErrorType, Logs string
	}
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&doc); err != nil || dec.More() || code != exitFailure ||
		doc.Payload["errorMessage"] != "negative item -2" || doc.FunctionError != "Unhandled" ||
		doc.ErrorType != doc.Payload["errorType"] || !strings.Contains(doc.Logs, "REPORT RequestId") {
		t.Errorf("invoke --json of a failing function: exit %d, %v, more documents %v:\n%s", code, err, dec.More(), out)
	}
}

// lambdev invoke passes --tenant-id to a tenant-isolated function, and
// refuses, as a usage error, to invoke one without it.
func TestInvokeOnceWithATenant(t *testing.T) {
	isolateCache(t)
	dir := t.TempDir()
	yaml := "app: tenants\nfunctions:\n  t:\n    handler: app.handler\n    runtime: python3.12\n    tenancy: PER_TENANT\n"
	code := "def handler(event, context):\n    return {'tenant': context.tenant_id}\n"
	for name, body := range map[string]string{"lambdev.yaml": yaml, "app.py": code} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(dir, "lambdev.yaml")
	out, errOut, exit := cli(t, "invoke", "t", "-f", file, "--tenant-id", "blue")
	if exit != 0 || !strings.Contains(out, `"tenant": "blue"`) {
		t.Errorf("--tenant-id blue: exit %d stdout %q stderr %q", exit, out, errOut)
	}
	_, errOut, exit = cli(t, "invoke", "t", "-f", file)
	if exit != exitUsage || !strings.Contains(errOut, "must name a tenant") {
		t.Errorf("no tenant: exit %d stderr %q, want 2 saying a tenant is needed", exit, errOut)
	}
}

// TestCIDeployAgainstMoto deploys the sample with --ci --json against a real
// moto server, then again (unchanged), then removes it.
func TestCIDeployAgainstMoto(t *testing.T) {
	url := useMoto(t)
	type summary struct {
		Deployed bool `json:"deployed"`
		Report   struct {
			Functions []struct {
				Function, Action, Runtime, URL string
			} `json:"functions"`
		} `json:"report"`
	}
	deployOnce := func() summary {
		out, errOut, code := cli(t, "--ci", "--json", "-f", sample)
		if code != 0 {
			t.Fatalf("deploy exit %d\nstdout %s\nstderr %s", code, out, errOut)
		}
		var s summary
		if err := json.Unmarshal([]byte(out), &s); err != nil {
			t.Fatalf("deploy --json output %q: %v", out, err)
		}
		return s
	}
	first := deployOnce()
	runtimes := map[string]string{}
	for _, f := range first.Report.Functions {
		runtimes[f.Function] = f.Runtime
		if f.Action != "create" {
			t.Errorf("first deploy of %s: %s, want create", f.Function, f.Action)
		}
	}
	wantRT := map[string]string{"legacy": "python3.11", "api": "python3.12", "web": "nodejs22.x", "feed": "nodejs22.x", "worker": "provided.al2023"}
	for fn, rt := range wantRT {
		if runtimes[fn] != rt {
			t.Errorf("%s deployed on %q, want the declared %s (deploy never swaps)", fn, runtimes[fn], rt)
		}
	}
	for _, f := range deployOnce().Report.Functions {
		if f.Action != "unchanged" {
			t.Errorf("second deploy of %s: %s, want unchanged", f.Function, f.Action)
		}
	}
	// Someone changes a deployed function by hand: check --deployed says so.
	if out, _, code := cli(t, "check", "--mode", "deploy", "--deployed", "--json", "-f", sample); code != 0 || strings.Contains(out, "deployed-config") {
		t.Errorf("check --deployed right after deploy: exit %d\n%s", code, out)
	}
	client := lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "")})
	if _, err := client.UpdateFunctionConfiguration(context.Background(), &lambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("hello-dev-api"), MemorySize: aws.Int32(1024)}); err != nil {
		t.Fatal(err)
	}
	out, _, _ := cli(t, "check", "--mode", "deploy", "--deployed", "--json", "-f", sample)
	var checked struct {
		Warnings []struct{ Rule, Function, Dev, Prod string } `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &checked); err != nil {
		t.Fatalf("check --json: %v\n%s", err, out)
	}
	found := false
	for _, w := range checked.Warnings {
		if w.Rule == "deployed-config" && w.Function == "api" && strings.Contains(w.Dev+w.Prod, "1024") {
			found = true
		}
	}
	if !found {
		t.Errorf("check --deployed did not report api's memory changed to 1024:\n%s", out)
	}
	if _, errOut, code := cli(t, "remove", "-f", sample); code != 0 {
		t.Errorf("remove exit %d: %s", code, errOut)
	}
}

// startMoto starts a moto server for the test, skipping when moto is
// missing (failing instead with LAMBDEV_REQUIRE_MOTO=1).
func startMoto(t *testing.T) string {
	t.Helper()
	url, stop, err := testutil.StartMoto()
	t.Cleanup(stop)
	if err != nil {
		if os.Getenv("LAMBDEV_REQUIRE_MOTO") == "1" {
			t.Fatalf("LAMBDEV_REQUIRE_MOTO=1 but moto is unavailable: %v", err)
		}
		t.Skipf("moto unavailable: %v", err)
	}
	return url
}

// useMoto starts a moto server and points this test's AWS config chain at
// it, hiding the developer's AWS files; it returns the endpoint.
func useMoto(t *testing.T) string {
	t.Helper()
	url := startMoto(t)
	for _, kv := range motoEnv(url) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	return url
}

// waitExit waits up to d for cmd to end; ok is false if it still runs.
func waitExit(cmd *exec.Cmd, d time.Duration) (err error, ok bool) {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err, true
	case <-time.After(d):
		return nil, false
	}
}

// motoEnv points the AWS config chain at moto with dummy credentials.
func motoEnv(url string) []string {
	return []string{"AWS_ENDPOINT_URL=" + url, "AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing",
		"AWS_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true"}
}

// A session file naming a dev session nobody answers for (it crashed, its pid
// was reused) must not strand invoke: nothing was delivered, so it runs once.
func TestInvokeFallsBackWhenTheSessionIsGone(t *testing.T) {
	isolateCache(t)
	p, err := config.Load(sample, config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := writeSessionFile(p, "http://127.0.0.1:1"); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := cli(t, "invoke", "api", "-f", sample, "--payload", `{"name":"Eve"}`)
	if code != 0 || !strings.Contains(out, "hello, Eve!") || !strings.Contains(errOut, "does not answer; running api once") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
}

// isolateCache gives the test its own user cache dir (session files) while
// keeping Go's build cache, which would otherwise move along with it.
func isolateCache(t *testing.T) {
	t.Helper()
	t.Setenv("GOCACHE", goCache(t))
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
}

// goCache is Go's build cache dir, handed to subprocesses that get their own
// XDG_CACHE_HOME so a Go function does not build from an empty cache.
func goCache(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// TestMain removes the binary lambdevBinary built.
func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// lambdevBinary builds the lambdev binary once for the tests that run it as
// a user would (in tmux, or as a subprocess).
func lambdevBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "lambdev-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "lambdev")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}
