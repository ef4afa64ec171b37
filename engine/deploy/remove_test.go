package deploy

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdev/lambdev/config"
)

func TestRemove(t *testing.T) {
	d := newDeployer(t)
	ctx := context.Background()
	p := demoProject(t, "gone")
	p.Function("api").URL = &config.URLConfig{Auth: "none"}
	orphan := &config.Function{Name: "old", Handler: "api/app.handler", Runtime: "python3.12", Kind: config.FamilyPython}
	p.Functions = append(p.Functions, orphan)
	deployOK(t, d, p)
	p.Functions = p.Functions[:2] // "old" is no longer declared but still deployed

	// A function with the stage's prefix that lambdev did not create must survive.
	a := mustPackage(t, p, p.Function("api"))
	role := deployOK(t, d, p).Role
	_, err := d.lambda.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("gone-test-manual"), Role: aws.String(role), Runtime: "python3.12",
		Handler: aws.String("app.handler"), Code: &types.FunctionCode{ZipFile: a.Zip},
	})
	if err != nil {
		t.Fatal(err)
	}

	rep, err := d.Remove(ctx, p)
	if err != nil {
		t.Fatalf("remove: %v", err)
	}
	wantActions(t, rep, map[string]Action{"api": ActionRemove, "worker": ActionRemove, "old": ActionRemove})
	if len(rep.Results) != 3 || rep.Results[1].Name != "gone-test-old" || rep.RoleAction != ActionRemove {
		t.Fatalf("report %+v", rep)
	}
	for _, n := range []string{"gone-test-api", "gone-test-worker", "gone-test-old"} {
		if _, err := d.lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(n)}); !isNotFound(err) {
			t.Errorf("%s still exists: %v", n, err)
		}
	}
	_, err = d.lambda.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String("gone-test-api")})
	if !isNotFound(err) {
		t.Errorf("URL still exists: %v", err)
	}
	if _, err := d.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(RoleName(p))}); !isNotFound(err) {
		t.Errorf("role still exists: %v", err)
	}
	getFunction(t, d, "gone-test-manual")

	rep, err = d.Remove(ctx, p)
	if err != nil {
		t.Fatalf("second remove: %v", err)
	}
	wantActions(t, rep, map[string]Action{"api": ActionAbsent, "worker": ActionAbsent})
}
