package deploy

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// motoURL is the endpoint of the moto server shared by the package's tests, or
// "" when moto could not be started; motoErr then says why.
var (
	motoURL string
	motoErr error
)

func TestMain(m *testing.M) {
	flag.Parse()
	stop := func() {}
	if !testing.Short() {
		stop = startMoto()
	}
	code := m.Run()
	stop()
	os.Exit(code)
}

// startMoto starts `python3 -m moto.server` on a free port and waits until it
// answers. It returns a func that stops it.
func startMoto() (stop func()) {
	stop = func() {}
	if out, err := exec.Command("python3", "-c", "import moto").CombinedOutput(); err != nil {
		motoErr = fmt.Errorf("python3 cannot import moto (%v: %s); install it with `pip install 'moto[server]'`", err, out)
		return stop
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		motoErr = err
		return stop
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	logf, err := os.CreateTemp("", "lambdev-moto-*.log")
	if err != nil {
		motoErr = err
		return stop
	}
	cmd := exec.Command("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	// moto loads AWS managed policies (AWSLambdaBasicExecutionRole) only when asked.
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		motoErr = err
		return stop
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	stop = func() {
		cmd.Process.Kill()
		<-exited
		logf.Close()
		os.Remove(logf.Name())
	}
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	if err := waitHTTP(url+"/moto-api/", exited, 60*time.Second); err != nil {
		log, _ := os.ReadFile(logf.Name())
		motoErr = fmt.Errorf("moto server did not start: %v\n%s", err, log)
		return stop
	}
	motoURL = url
	return stop
}

// waitHTTP polls url until it answers, the process exits or the bound passes.
func waitHTTP(url string, exited <-chan struct{}, bound time.Duration) error {
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
			return fmt.Errorf("moto exited")
		case <-tick.C:
		}
	}
	return fmt.Errorf("no answer from %s within %v", url, bound)
}

// useMoto points the AWS config chain at the shared moto server with dummy
// credentials, or skips the test (fails it with LAMBDEV_REQUIRE_MOTO=1).
func useMoto(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping AWS test against moto in -short mode")
	}
	if motoURL == "" {
		if os.Getenv("LAMBDEV_REQUIRE_MOTO") == "1" {
			t.Fatalf("LAMBDEV_REQUIRE_MOTO=1 but moto is unavailable: %v", motoErr)
		}
		t.Skipf("skipping AWS test: %v", motoErr)
	}
	hermeticAWSEnv(t)
	t.Setenv("AWS_ENDPOINT_URL", motoURL)
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_REGION", "us-east-1")
}

// hermeticAWSEnv hides the developer's AWS configuration and disables IMDS, so
// a test never reaches a real account or the metadata address.
func hermeticAWSEnv(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION",
		"AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL",
		"AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL_IAM", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_WEB_IDENTITY_TOKEN_FILE"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// newDeployer returns a Deployer against moto with fast waits.
func newDeployer(t *testing.T) *Deployer {
	t.Helper()
	useMoto(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := New(ctx, Options{WaitTimeout: 30 * time.Second, RoleWait: 5 * time.Second, ConflictWait: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return d
}
