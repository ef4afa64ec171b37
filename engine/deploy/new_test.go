package deploy

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"

	"github.com/lambdev/lambdev/config"
)

func TestNewNeedsRegionAndCredentials(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	hermeticAWSEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	if _, err := New(ctx, Options{}); !errors.Is(err, ErrNoRegion) || Hint(err) == "" {
		t.Fatalf("no region: err = %v", err)
	}
	d, err := New(ctx, Options{Region: "eu-west-1"})
	if err != nil || d.Region() != "eu-west-1" {
		t.Fatalf("project region fallback: %v", err)
	}
	t.Setenv("AWS_REGION", "us-west-2")
	if d, err := New(ctx, Options{Region: "eu-west-1"}); err != nil || d.Region() != "us-west-2" {
		t.Fatalf("AWS_REGION should win over the project region: %v", err)
	}
	hermeticAWSEnv(t)
	if _, err := New(ctx, Options{Region: "eu-west-1"}); !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("no credentials: err = %v", err)
	}
}

func TestExplain(t *testing.T) {
	api := func(code, msg string) error {
		return fmt.Errorf("operation error: %w", &smithy.GenericAPIError{Code: code, Message: msg})
	}
	cases := []struct {
		err  error
		want error
	}{
		{api("AccessDeniedException", "no"), ErrAccessDenied},
		{api("AccessDenied", "no"), ErrAccessDenied},
		{api("UnrecognizedClientException", "bad token"), ErrNoCredentials},
		{api("TooManyRequestsException", "slow down"), ErrThrottled},
		{api("Throttling", "Rate exceeded"), ErrThrottled},
		{api("ResourceConflictException", "An update is in progress"), ErrConflict},
		{api("InvalidParameterValueException", "The role defined for the function cannot be assumed by Lambda."), ErrRoleNotAssumable},
		{api("RequestEntityTooLargeException", "too big"), ErrTooLarge},
	}
	for _, c := range cases {
		got := explain("op", c.err)
		if !errors.Is(got, c.want) || Hint(got) == "" {
			t.Errorf("explain(%v) = %v, want %v", c.err, got, c.want)
		}
	}
	if got := explain("op", api("InvalidParameterValueException", "bad runtime")); Hint(got) != "" {
		t.Errorf("unknown cause got a hint: %v", got)
	}
}

func TestRoleName(t *testing.T) {
	p := &config.Project{App: "shop", Stage: "dev"}
	if got := RoleName(p); got != "lambdev-shop-dev-role" {
		t.Fatal(got)
	}
	long := &config.Project{App: "a-really-long-application-name-for-testing", Stage: "feature-branch-stage"}
	other := &config.Project{App: long.App, Stage: long.Stage + "2"}
	if n := RoleName(long); len(n) > 64 || n == RoleName(other) {
		t.Fatalf("long names: %q %q", n, RoleName(other))
	}
}

// TestDeployGo deploys the aws-lambda-go handler in testdata: the reproducible
// build means a second deploy changes nothing.
func TestDeployGo(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles Go")
	}
	d := newDeployer(t)
	p, f := goProject(t, config.ArchARM)
	p.App = "gofn"
	rep := deployOK(t, d, p)
	c := getFunction(t, d, p.LambdaName(f)).Configuration
	if c.Runtime != "provided.al2023" || aws.ToString(c.Handler) != "bootstrap" || c.Architectures[0] != "arm64" {
		t.Fatalf("runtime %s handler %s arch %v", c.Runtime, aws.ToString(c.Handler), c.Architectures)
	}
	if aws.ToString(c.CodeSha256) != rep.Results[0].CodeSha256 {
		t.Fatalf("CodeSha256 %s vs report %s", aws.ToString(c.CodeSha256), rep.Results[0].CodeSha256)
	}
	if rep := deployOK(t, d, p); rep.Results[0].Action != ActionUnchanged || len(d.Calls().Mutating()) != 0 {
		t.Fatalf("redeploy of an unchanged Go function: %v %v", rep.Results[0].Action, mutatingOps(d))
	}
}

// TestDeployBridgeTarget deploys a Python function the way cloud dev does: on
// provided.al2023 with another artifact and extra environment.
func TestDeployBridgeTarget(t *testing.T) {
	d := newDeployer(t)
	p := demoProject(t, "bridge")
	p.Functions = p.Functions[:1]
	api := p.Functions[0]
	stub := &config.Function{Name: "stub", Handler: "bin/bootstrap", Kind: config.FamilyProvided}
	writeTree(t, p.Dir, map[string]string{"bin/bootstrap": "#!/bin/sh\n"})
	plan := []Target{{
		Function: api, Runtime: config.BridgeRuntime, Handler: "bootstrap",
		Environment: map[string]string{"LAMBDEV_RELAY": "wss://relay.example/x"},
		Artifact:    PackageFunc(p, stub, PackageOptions{}),
	}}
	rep, err := d.Deploy(context.Background(), p, plan)
	if err != nil {
		t.Fatal(err)
	}
	c := getFunction(t, d, p.LambdaName(api)).Configuration
	want := map[string]string{"TABLE": "orders", "LAMBDEV_RELAY": "wss://relay.example/x"}
	if c.Runtime != "provided.al2023" || aws.ToString(c.Handler) != "bootstrap" ||
		!maps.Equal(c.Environment.Variables, want) || rep.Results[0].Runtime != "provided.al2023" {
		t.Fatalf("runtime %s handler %s env %v", c.Runtime, aws.ToString(c.Handler), c.Environment.Variables)
	}
	// Back to the declared runtime: code and configuration both change.
	rep = deployOK(t, d, p)
	if rep.Results[0].Action != ActionUpdate {
		t.Fatalf("action %s, want %s", rep.Results[0].Action, ActionUpdate)
	}
}

func TestEnvironmentLimit(t *testing.T) {
	p := demoProject(t, "env")
	api := p.Function("api")
	if err := newSpec(p, Target{Function: api}, "").checkEnv(); err != nil {
		t.Fatal(err)
	}
	big := Target{Function: api, Environment: map[string]string{"BIG": strings.Repeat("x", MaxEnvironmentSize)}}
	if err := newSpec(p, big, "").checkEnv(); err == nil {
		t.Fatal("4 KB environment accepted")
	}
	// Lambda measures the variables as JSON: 200 of 10+10 bytes are 4,000
	// bytes of names and values, but 5,201 bytes of JSON.
	many := map[string]string{}
	for i := range 200 {
		many[fmt.Sprintf("VAR_%06d", i)] = "vvvvvvvvvv"
	}
	if err := newSpec(p, Target{Function: api, Environment: many}, "").checkEnv(); err == nil || !strings.Contains(err.Error(), "bytes") {
		t.Errorf("200 variables of 5 KB as JSON: %v, want refused", err)
	}
}
