package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/lambdev/lambdev/config"
)

// TestCloudDevDeploysBridgesAgainstMoto runs `lambdev dev --aws --headless`
// against moto: live functions must be deployed as the bridge on
// provided.al2023 with their declared architecture and the relay settings,
// the dev: false function exactly as declared; then the local session runs.
func TestCloudDevDeploysBridgesAgainstMoto(t *testing.T) {
	url := startMoto(t)
	dir := t.TempDir()
	bin := lambdevBinary(t)
	project := filepath.Join(dir, "lambdev.yaml")
	yaml, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(yaml), "region: us-east-1", "region: us-east-1\nrelay: ws://127.0.0.1:1", 1)
	if out, err := exec.Command("cp", "-r", "testdata/sample/functions", dir).CombinedOutput(); err != nil {
		t.Fatalf("copy the sample: %v\n%s", err, out)
	}
	if err := os.WriteFile(project, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "dev", "--aws", "--headless", "-f", project, "--listen", "127.0.0.1:0")
	cmd.Env = append(append(os.Environ(), motoEnv(url)...), "LAMBDEV_RELAY_TOKEN=tok",
		"XDG_CACHE_HOME="+t.TempDir(), "GOCACHE="+goCache(t))
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(stdout)
	var seen []string
	for sc.Scan() {
		seen = append(seen, sc.Text())
		if strings.HasPrefix(sc.Text(), "lambdev dev: gateway ") {
			break
		}
	}
	if len(seen) == 0 || !strings.HasPrefix(seen[len(seen)-1], "lambdev dev: gateway ") {
		t.Fatalf("dev --aws never started its local session:\n%s", strings.Join(seen, "\n"))
	}
	go func() {
		for sc.Scan() {
		}
	}()
	client := lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "")})
	want := map[string]string{"api": "provided.al2023", "web": "provided.al2023", "worker": "provided.al2023", "legacy": "python3.11"}
	for fn, rt := range want {
		out, err := client.GetFunction(context.Background(), &lambda.GetFunctionInput{FunctionName: aws.String("hello-dev-" + fn)})
		if err != nil {
			t.Errorf("%s: %v", fn, err)
			continue
		}
		c := out.Configuration
		if string(c.Runtime) != rt {
			t.Errorf("%s deployed on %s, want %s", fn, c.Runtime, rt)
		}
		env := map[string]string{}
		if c.Environment != nil {
			env = c.Environment.Variables
		}
		bridged := fn != "legacy"
		if bridged != (env["LAMBDEV_RELAY_URL"] == "ws://127.0.0.1:1" && env["LAMBDEV_FUNCTION"] == fn) {
			t.Errorf("%s: relay env %v (bridged %v)", fn, env, bridged)
		}
		if bridged && aws.ToString(c.Handler) != "bootstrap" {
			t.Errorf("%s: handler %s, want bootstrap", fn, aws.ToString(c.Handler))
		}
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err, ok := waitExit(cmd, 30*time.Second); !ok {
		t.Error("dev --aws did not exit within 30s of SIGTERM")
	} else if err != nil {
		t.Errorf("dev --aws did not exit cleanly on SIGTERM: %v", err)
	}
}

// A live function whose URL streams gets a bridge that asks for streamed
// answers (LAMBDEV_STREAM=1); the others get none.
func TestCloudTargetsStreamingBridge(t *testing.T) {
	p, err := config.Load("relay/testdata/stream/lambdev.yaml", config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range cloudTargets(p, ".") {
		want := map[string]string{"gourl": "1", "nodeurl": "1"}[tg.Function.Name]
		if got := tg.Environment["LAMBDEV_STREAM"]; got != want || tg.Runtime != config.BridgeRuntime {
			t.Errorf("%s: LAMBDEV_STREAM=%q on %s, want %q on the bridge", tg.Function.Name, got, tg.Runtime, want)
		}
	}
}
