package relay

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// boto3Script invokes the gateway the way a Python user would, and prints
// what boto3 parsed: status, FunctionError, payload, and the error code of an
// unknown function.
const boto3Script = `
import base64, json, sys
import boto3
c = boto3.client("lambda", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id="x", aws_secret_access_key="x")
r = c.invoke(FunctionName="echo", Payload=json.dumps({"from": "boto3"}), LogType="Tail")
print(r["StatusCode"], json.loads(r["Payload"].read())["event"]["from"],
      "echo handler called" in base64.b64decode(r["LogResult"]).decode())
r = c.invoke(FunctionName="fail", Payload=b"{}")
print(r["StatusCode"], r.get("FunctionError"), json.loads(r["Payload"].read())["errorType"])
try:
    c.invoke(FunctionName="missing")
except c.exceptions.ResourceNotFoundException as e:
    print("ResourceNotFoundException")
`

// requireBoto3 skips when boto3 is missing, unless LAMBDEV_REQUIRE_ALL=1.
func requireBoto3(t *testing.T) {
	t.Helper()
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		if os.Getenv("LAMBDEV_REQUIRE_ALL") == "1" {
			t.Fatal("boto3 is required (LAMBDEV_REQUIRE_ALL=1)")
		}
		t.Skip("boto3 not installed")
	}
}

// TestBoto3AndAWSCLI drives the gateway with the real boto3 and AWS CLI
// (both on this machine's Python), as users point them at it.
func TestBoto3AndAWSCLI(t *testing.T) {
	f := newGateway(t)
	requireBoto3(t)
	out, err := exec.Command("python3", "-c", boto3Script, f.gw.Endpoint()).CombinedOutput()
	if err != nil {
		t.Fatalf("boto3: %v\n%s", err, out)
	}
	want := "200 boto3 True\n200 Unhandled KeyError\nResourceNotFoundException\n"
	if string(out) != want {
		t.Errorf("boto3 saw:\n%s\nwant:\n%s", out, want)
	}
	if _, err := exec.LookPath("aws"); err != nil {
		return // the CLI is optional; boto3 above is the same botocore
	}
	outFile := t.TempDir() + "/out.json"
	cmd := exec.Command("aws", "lambda", "invoke", "--endpoint-url", f.gw.Endpoint(), "--region", "us-east-1",
		"--function-name", "echo", "--payload", `{"from":"cli"}`, outFile)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=x")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), `"StatusCode": 200`) {
		t.Fatalf("aws lambda invoke: %v\n%s", err, out)
	}
	body, _ := os.ReadFile(outFile)
	if !strings.Contains(string(body), `"from": "cli"`) {
		t.Errorf("aws lambda invoke wrote %s", body)
	}
}
