package deploy

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdev/lambdev/config"
)

// TestUndeclaredAndPrune drops a function from a deployed project: deploy
// lists it and leaves it, Prune deletes it, and neither touches a function
// with the stage's prefix that lambdev did not create, nor one of another
// stage whose name the prefix also matches ("test-b" under "test").
func TestUndeclaredAndPrune(t *testing.T) {
	d := newDeployer(t)
	ctx := context.Background()
	p := demoProject(t, "trim")
	p.Function("worker").URL = &config.URLConfig{Auth: "none"}
	// Progress names the project's functions, never their deployed names
	// (the create's wait once said trim-test-api).
	var named []string
	d.opts.Progress = func(pr Progress) { named = append(named, pr.Function) }
	role := deployOK(t, d, p).Role
	d.opts.Progress = nil
	for _, fn := range named {
		if fn != "" && p.Function(fn) == nil {
			t.Errorf("progress line for %q, which is not a function of the project", fn)
		}
	}

	other := demoProject(t, "trim")
	other.Stage = "test-b"
	deployOK(t, d, other)
	a := mustPackage(t, p, p.Function("api"))
	if _, err := d.lambda.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("trim-test-manual"), Role: aws.String(role), Runtime: "python3.12",
		Handler: aws.String("app.handler"), Code: &types.FunctionCode{ZipFile: a.Zip},
	}); err != nil {
		t.Fatal(err)
	}

	none, err := d.Undeclared(ctx, p)
	if err != nil || len(none) != 0 {
		t.Fatalf("Undeclared of the project as deployed = %+v, %v; want none", none, err)
	}

	p.Functions = p.Functions[:1] // "worker" is dropped from the file
	found, err := d.Undeclared(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].Function != "worker" || found[0].Name != "trim-test-worker" ||
		found[0].Action != ActionUndeclared || found[0].ARN == "" || found[0].Runtime != "nodejs22.x" {
		t.Fatalf("Undeclared = %+v, want trim-test-worker alone", found)
	}
	getFunction(t, d, "trim-test-worker") // listed, not deleted

	pruned, err := d.Prune(ctx, p)
	if err != nil {
		t.Fatalf("prune: %v", err)
	}
	if len(pruned) != 1 || pruned[0].Name != "trim-test-worker" || pruned[0].Action != ActionRemove {
		t.Fatalf("Prune = %+v, want trim-test-worker removed", pruned)
	}
	if _, err := d.lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("trim-test-worker")}); !isNotFound(err) {
		t.Errorf("trim-test-worker still exists: %v", err)
	}
	if _, err := d.lambda.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String("trim-test-worker")}); !isNotFound(err) {
		t.Errorf("its URL still exists: %v", err)
	}
	for _, n := range []string{"trim-test-api", "trim-test-manual", "trim-test-b-api", "trim-test-b-worker"} {
		getFunction(t, d, n)
	}
	if again, err := d.Prune(ctx, p); err != nil || len(again) != 0 {
		t.Errorf("second Prune = %+v, %v; want nothing left to do", again, err)
	}
}
