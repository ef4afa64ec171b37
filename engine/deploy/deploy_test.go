package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdev/lambdev/config"
)

// demoProject is a two-function project (Python on arm64, Node on x86_64) in a
// temp dir, named app/test so each test has its own AWS resources.
func demoProject(t *testing.T, app string) *config.Project {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"api/app.py":      "def handler(event, context):\n    return {'ok': True}\n",
		"worker/jobs.js":  "exports.run = async () => 'done';\n",
		"worker/lib/x.js": "module.exports = 1;\n",
	})
	api := &config.Function{Name: "api", Handler: "api/app.handler", Runtime: "python3.12",
		Kind: config.FamilyPython, Architecture: config.ArchARM, Memory: 256, Timeout: 10 * time.Second,
		Environment: map[string]string{"TABLE": "orders"}, Description: "the API"}
	worker := &config.Function{Name: "worker", Handler: "worker/jobs.run", Runtime: "nodejs22.x",
		Kind: config.FamilyNode, Architecture: config.ArchX86, Memory: 128, Timeout: 3 * time.Second}
	return &config.Project{Dir: dir, App: app, Stage: "test", Region: "us-east-1",
		Functions: []*config.Function{api, worker}}
}

func deployOK(t *testing.T, d *Deployer, p *config.Project) *Report {
	t.Helper()
	d.Calls().Reset()
	rep, err := d.Deploy(context.Background(), p, Plan(p))
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	return rep
}

func actions(rep *Report) map[string]Action {
	m := map[string]Action{}
	for _, r := range rep.Results {
		m[r.Function] = r.Action
	}
	return m
}

func wantActions(t *testing.T, rep *Report, want map[string]Action) {
	t.Helper()
	if got := actions(rep); !maps.Equal(got, want) {
		t.Fatalf("actions %v, want %v", got, want)
	}
}

func mutatingOps(d *Deployer) []string {
	var ops []string
	for _, c := range d.Calls().Mutating() {
		ops = append(ops, c.Operation)
	}
	return ops
}

func getFunction(t *testing.T, d *Deployer, name string) *lambda.GetFunctionOutput {
	t.Helper()
	out, err := d.lambda.GetFunction(context.Background(), &lambda.GetFunctionInput{FunctionName: aws.String(name)})
	if err != nil {
		t.Fatalf("get %s: %v", name, err)
	}
	return out
}

func TestDeployLifecycle(t *testing.T) {
	d := newDeployer(t)
	p := demoProject(t, "life")
	api := p.Function("api")

	rep := deployOK(t, d, p)
	wantActions(t, rep, map[string]Action{"api": ActionCreate, "worker": ActionCreate})
	if rep.RoleAction != ActionCreate || rep.Role == "" {
		t.Fatalf("role %q action %q", rep.Role, rep.RoleAction)
	}
	checkCreated(t, d, p, rep)
	checkRole(t, d, p)

	t.Run("unchanged", func(t *testing.T) {
		rep := deployOK(t, d, p)
		wantActions(t, rep, map[string]Action{"api": ActionUnchanged, "worker": ActionUnchanged})
		if ops := mutatingOps(d); len(ops) != 0 {
			t.Fatalf("second deploy made mutating calls: %v", ops)
		}
	})
	t.Run("code change", func(t *testing.T) {
		writeTree(t, p.Dir, map[string]string{"api/app.py": "def handler(event, context):\n    return 2\n"})
		rep := deployOK(t, d, p)
		wantActions(t, rep, map[string]Action{"api": ActionUpdateCode, "worker": ActionUnchanged})
		if ops := mutatingOps(d); !slices.Equal(ops, []string{"UpdateFunctionCode"}) {
			t.Fatalf("mutating calls %v", ops)
		}
		a := mustPackage(t, p, api)
		if got := aws.ToString(getFunction(t, d, p.LambdaName(api)).Configuration.CodeSha256); got != a.Sha256 {
			t.Fatalf("CodeSha256 %s, want %s", got, a.Sha256)
		}
	})
	t.Run("config change", func(t *testing.T) {
		api.Memory, api.Environment = 512, map[string]string{"TABLE": "orders", "DEBUG": "1"}
		rep := deployOK(t, d, p)
		wantActions(t, rep, map[string]Action{"api": ActionUpdateConfig, "worker": ActionUnchanged})
		if ops := mutatingOps(d); !slices.Equal(ops, []string{"UpdateFunctionConfiguration"}) {
			t.Fatalf("mutating calls %v", ops)
		}
		cfg := getFunction(t, d, p.LambdaName(api)).Configuration
		if aws.ToInt32(cfg.MemorySize) != 512 || cfg.Environment.Variables["DEBUG"] != "1" {
			t.Fatalf("memory %d env %v", aws.ToInt32(cfg.MemorySize), cfg.Environment.Variables)
		}
		if r := rep.Results[0]; !slices.Equal(r.Changes, []string{"memory", "environment"}) {
			t.Fatalf("changes %v", r.Changes)
		}
	})
}

func checkCreated(t *testing.T, d *Deployer, p *config.Project, rep *Report) {
	t.Helper()
	api := p.Function("api")
	out := getFunction(t, d, "life-test-api")
	c := out.Configuration
	got := []any{c.Runtime, aws.ToString(c.Handler), c.Architectures[0], aws.ToInt32(c.MemorySize),
		aws.ToInt32(c.Timeout), aws.ToString(c.Description), aws.ToString(c.Role)}
	want := []any{types.RuntimePython312, "app.handler", types.ArchitectureArm64, int32(256),
		int32(10), "the API", rep.Role}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("configuration field %d = %v, want %v", i, got[i], want[i])
		}
	}
	if !maps.Equal(c.Environment.Variables, api.Environment) {
		t.Errorf("environment %v", c.Environment.Variables)
	}
	if out.Tags[TagApp] != "life" || out.Tags[TagStage] != "test" {
		t.Errorf("tags %v", out.Tags)
	}
	a := mustPackage(t, p, api)
	if aws.ToString(c.CodeSha256) != a.Sha256 || rep.Results[0].CodeSha256 != a.Sha256 {
		t.Errorf("CodeSha256 %s (report %s), want %s", aws.ToString(c.CodeSha256), rep.Results[0].CodeSha256, a.Sha256)
	}
	if w := getFunction(t, d, "life-test-worker").Configuration; aws.ToString(w.Handler) != "jobs.run" ||
		w.Runtime != types.RuntimeNodejs22x || w.Architectures[0] != types.ArchitectureX8664 {
		t.Errorf("worker handler %s runtime %s arch %v", aws.ToString(w.Handler), w.Runtime, w.Architectures)
	}
}

func checkRole(t *testing.T, d *Deployer, p *config.Project) {
	t.Helper()
	ctx := context.Background()
	role, err := d.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(RoleName(p))})
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := url.QueryUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument))
	var trust struct {
		Statement []struct {
			Effect, Action string
			Principal      struct{ Service string }
		}
	}
	if err := json.Unmarshal([]byte(doc), &trust); err != nil || len(trust.Statement) != 1 ||
		trust.Statement[0].Principal.Service != "lambda.amazonaws.com" || trust.Statement[0].Action != "sts:AssumeRole" {
		t.Fatalf("trust policy %s (%v)", doc, err)
	}
	att, err := d.iam.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: role.Role.RoleName})
	if err != nil || len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyArn) != BasicExecutionPolicy("us-east-1") {
		t.Fatalf("attached policies %+v (%v)", att, err)
	}
	if tags := iamTags(role.Role.Tags); !owned(tags, p) {
		t.Fatalf("role tags %v", tags)
	}
}

func TestDeployPartialFailure(t *testing.T) {
	d := newDeployer(t)
	p := demoProject(t, "partial")
	p.Function("worker").Role = "arn:aws:iam::123456789012:role/does-not-exist"
	broken := &config.Function{Name: "broken", Handler: "x/y.z", Runtime: "python3.12", Kind: config.FamilyPython}
	p.Functions = append([]*config.Function{broken}, p.Functions...)
	plan := Plan(p)
	plan[0].Artifact = func() (*Artifact, error) { return nil, errors.New("artifact exploded") }

	rep, err := d.Deploy(context.Background(), p, plan)
	var fe *FailedError
	if !errors.As(err, &fe) || fe.Failed != 2 || fe.Total != 3 {
		t.Fatalf("err = %v", err)
	}
	if !errors.Is(err, ErrRoleNotAssumable) {
		t.Fatalf("err does not wrap ErrRoleNotAssumable: %v", err)
	}
	wantActions(t, rep, map[string]Action{"broken": ActionFailed, "api": ActionCreate, "worker": ActionFailed})
	for _, r := range rep.Results {
		if r.Action == ActionFailed && (r.Error == "" || r.Err == nil) {
			t.Errorf("%s failed without an error", r.Function)
		}
	}
	if w := rep.Results[2]; !strings.Contains(w.Error, "cannot be assumed") || w.Hint == "" {
		t.Errorf("worker error %q hint %q", w.Error, w.Hint)
	}
	getFunction(t, d, "partial-test-api")
}

func TestDeployRefusesUnownedFunction(t *testing.T) {
	d := newDeployer(t)
	p := demoProject(t, "unowned")
	p.Functions = p.Functions[:1]
	rep := deployOK(t, d, p)
	_, err := d.lambda.UntagResource(context.Background(), &lambda.UntagResourceInput{
		Resource: aws.String(rep.Results[0].ARN), TagKeys: []string{TagApp, TagStage},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Deploy(context.Background(), p, Plan(p))
	if !errors.Is(err, ErrNotOwned) {
		t.Fatalf("err = %v, want ErrNotOwned", err)
	}
}
