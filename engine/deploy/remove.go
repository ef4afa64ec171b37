package deploy

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/lambdev/lambdev/config"
)

// Remove deletes the stage's functions (those declared in p, and any other
// function named <app>-<stage>-* left by earlier deploys), their URLs, and the
// execution role lambdev created. Only resources tagged with the project's
// lambdev:app and lambdev:stage are touched; a declared function that exists
// untagged is reported as failed. The role is kept if any deletion failed.
func (d *Deployer) Remove(ctx context.Context, p *config.Project) (*Report, error) {
	rep := &Report{App: p.App, Stage: p.Stage, Region: d.region}
	names, err := d.stageFunctions(ctx, p)
	if err != nil {
		return rep, err
	}
	rep.Results = make([]Result, len(names))
	d.each(len(names), func(i int) { rep.Results[i] = d.removeOne(ctx, p, names[i]) })
	rep.Results = keepActed(rep.Results) // undeclared functions that are not ours are dropped
	if err := rep.failure("remove"); err != nil {
		return rep, err
	}
	deleted, err := d.removeRole(ctx, p)
	if deleted {
		rep.Role, rep.RoleAction = RoleName(p), ActionRemove
	}
	return rep, err
}

// stageName is a function to remove: its project name (or, when no longer
// declared, its deployed name without the stage prefix) and its deployed name.
type stageName struct {
	function, name string
	declared       bool
}

// stageFunctions lists the declared functions plus deployed ones named with
// the stage's prefix, sorted by deployed name.
func (d *Deployer) stageFunctions(ctx context.Context, p *config.Project) ([]stageName, error) {
	seen := map[string]bool{}
	var out []stageName
	for _, f := range p.Functions {
		n := p.LambdaName(f)
		seen[n] = true
		out = append(out, stageName{f.Name, n, true})
	}
	prefix := p.App + "-" + p.Stage + "-"
	pages := lambda.NewListFunctionsPaginator(d.lambda, &lambda.ListFunctionsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, explain("list functions", err)
		}
		for _, fc := range page.Functions {
			n := aws.ToString(fc.FunctionName)
			if strings.HasPrefix(n, prefix) && !seen[n] {
				seen[n] = true
				out = append(out, stageName{strings.TrimPrefix(n, prefix), n, false})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// removeOne deletes one function and its URL if lambdev owns it. It returns a
// zero Result for an undeclared function lambdev does not own.
func (d *Deployer) removeOne(ctx context.Context, p *config.Project, n stageName) Result {
	res := Result{Function: n.function, Name: n.name}
	got, err := d.lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(n.name)})
	switch {
	case isNotFound(err):
		res.Action = ActionAbsent
		return res
	case err != nil:
		return d.failed(res, explain("get function "+n.name, err))
	case !owned(tagsOf(got), p):
		if !n.declared {
			return Result{}
		}
		return d.failed(res, fmt.Errorf("%s: %w; not removing it", n.name, ErrNotOwned))
	}
	res.ARN = aws.ToString(got.Configuration.FunctionArn)
	d.progress(n.function, StepRemove, "deleting %s", n.name)
	_, err = d.lambda.DeleteFunctionUrlConfig(ctx, &lambda.DeleteFunctionUrlConfigInput{FunctionName: aws.String(n.name)})
	if err != nil && !isNotFound(err) {
		return d.failed(res, explain("delete function URL of "+n.name, err))
	}
	_, err = d.lambda.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String(n.name)})
	if err != nil && !isNotFound(err) {
		return d.failed(res, explain("delete function "+n.name, err))
	}
	res.Action = ActionRemove
	return res
}
