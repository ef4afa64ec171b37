package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/lambdev/lambdev/internal/testutil"
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

// startMoto starts the package's shared moto server.
func startMoto() (stop func()) {
	motoURL, stop, motoErr = testutil.StartMoto()
	return stop
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
	// Each test starts from an empty account: tests name their functions
	// after themselves, and go test -count=2 runs each twice on one server.
	// (t.Setenv below keeps these tests sequential, so no test is reset
	// under another's feet.)
	resp, err := http.Post(motoURL+"/moto-api/reset", "application/json", nil)
	if err != nil {
		t.Fatalf("reset moto: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("reset moto: %s", resp.Status)
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

// peekBody reads req's body and puts it back for the next client.
func peekBody(req *http.Request) ([]byte, error) {
	if req.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// editConfiguration lets edit change the Configuration of a GetFunction
// answer before the SDK reads it.
func editConfiguration(resp *http.Response, edit func(c map[string]any)) error {
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	var out map[string]map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return err
	}
	if c := out["Configuration"]; c != nil {
		edit(c)
		if body, err = json.Marshal(out); err != nil {
			return err
		}
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return nil
}
