package deploy

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/lambdev/lambdev/config"
)

// Undeclared lists the functions an earlier deploy of the stage left that p
// no longer declares: named <app>-<stage>-*, tagged with the project's
// lambdev:app and lambdev:stage, and not among p's functions. Deploy leaves
// them in place (a function renamed or dropped from lambdev.yaml would
// otherwise keep serving, and billing, unseen); each comes back with
// ActionUndeclared, or ActionFailed when it could not be examined.
func (d *Deployer) Undeclared(ctx context.Context, p *config.Project) ([]Result, error) {
	names, err := d.stageFunctions(ctx, p)
	if err != nil {
		return nil, err
	}
	var left []stageName
	for _, n := range names {
		if !n.declared {
			left = append(left, n)
		}
	}
	out := make([]Result, len(left))
	d.each(len(left), func(i int) { out[i] = d.undeclared(ctx, p, left[i]) })
	return keepActed(out), nil
}

// undeclared examines one function named with the stage's prefix; a zero
// Result means it is not lambdev's (or is already gone).
func (d *Deployer) undeclared(ctx context.Context, p *config.Project, n stageName) Result {
	got, err := d.lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(n.name)})
	switch {
	case isNotFound(err):
		return Result{}
	case err != nil:
		return d.failed(Result{Function: n.function, Name: n.name}, explain("get function "+n.name, err))
	case !owned(tagsOf(got), p):
		return Result{}
	}
	c := got.Configuration
	return Result{Function: n.function, Name: n.name, Action: ActionUndeclared,
		ARN: aws.ToString(c.FunctionArn), Runtime: string(c.Runtime), CodeSha256: aws.ToString(c.CodeSha256)}
}

// Prune deletes what Undeclared finds, with their URLs, as Remove would: a
// function lambdev does not own is never touched. Each comes back with
// ActionRemove or ActionFailed; the error is a *FailedError if any failed.
func (d *Deployer) Prune(ctx context.Context, p *config.Project) ([]Result, error) {
	found, err := d.Undeclared(ctx, p)
	if err != nil {
		return nil, err
	}
	out := make([]Result, len(found))
	d.each(len(found), func(i int) {
		r := found[i]
		if r.Action != ActionUndeclared {
			out[i] = r
			return
		}
		out[i] = d.removeOne(ctx, p, stageName{function: r.Function, name: r.Name})
	})
	out = keepActed(out)
	rep := Report{Results: out}
	return out, rep.failure("prune")
}

// keepActed drops zero Results (functions that turned out not to be ours).
func keepActed(rs []Result) []Result {
	out := rs[:0]
	for _, r := range rs {
		if r.Action != "" {
			out = append(out, r)
		}
	}
	return out
}
