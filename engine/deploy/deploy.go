package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdev/lambdev/config"
)

// roleInfo is the stage role shared by functions without a declared role.
type roleInfo struct {
	arn   string
	fresh bool // created by this deploy: IAM may not have propagated yet
	err   error
}

// Deploy makes each Target's function in AWS match its declaration, creating
// the stage role first when a function declares none. Functions deploy in
// parallel; a failure in one does not stop the others. Deploy returns the full
// report and, when some functions failed, a *FailedError. A project that is
// already deployed as declared causes no mutating call.
func (d *Deployer) Deploy(ctx context.Context, p *config.Project, plan []Target) (*Report, error) {
	rep := &Report{App: p.App, Stage: p.Stage, Region: d.region, Results: make([]Result, len(plan))}
	var role roleInfo
	if needsRole(plan) {
		role.arn, role.fresh, role.err = d.ensureRole(ctx, p)
		switch {
		case role.err != nil:
			rep.Role, rep.RoleAction = RoleName(p), ActionFailed // its error is on each function
		case role.fresh:
			rep.Role, rep.RoleAction = role.arn, ActionCreate
		default:
			rep.Role, rep.RoleAction = role.arn, ActionUnchanged
		}
	}
	d.each(len(plan), func(i int) { rep.Results[i] = d.deployOne(ctx, p, plan[i], role) })
	return rep, rep.failure("deploy")
}

// each runs fn(0..n-1) concurrently, at most Options.Parallel at a time.
func (d *Deployer) each(n int, fn func(i int)) {
	sem := make(chan struct{}, d.opts.Parallel)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			fn(i)
		}()
	}
	wg.Wait()
}

func needsRole(plan []Target) bool {
	for _, t := range plan {
		if t.Function != nil && t.Function.Role == "" {
			return true
		}
	}
	return false
}

// deployOne deploys one target and turns its outcome into a Result.
func (d *Deployer) deployOne(ctx context.Context, p *config.Project, t Target, role roleInfo) Result {
	if t.Function == nil {
		return d.failed(Result{Action: ActionFailed}, errors.New("deploy: target without a function"))
	}
	f := t.Function
	res := Result{Function: f.Name, Name: p.LambdaName(f)}
	if f.Role == "" && role.err != nil {
		return d.failed(res, role.err)
	}
	s := newSpec(p, t, role.arn)
	res.Runtime = s.runtime
	if err := s.checkEnv(); err != nil {
		return d.failed(res, err)
	}
	d.progress(f.Name, StepPackage, "packaging %s", f.Name)
	art, err := artifact(p, t, d.opts.Package)
	if err != nil {
		return d.failed(res, err)
	}
	cur, err := d.syncFunction(ctx, p, s, art, role.fresh && f.Role == "", &res)
	if err != nil {
		return d.failed(res, err)
	}
	res.ARN, res.CodeSha256 = aws.ToString(cur.FunctionArn), aws.ToString(cur.CodeSha256)
	url, urlChanges, err := d.syncURL(ctx, f, s.name)
	if err != nil {
		return d.failed(res, err)
	}
	res.URL = url
	if len(urlChanges) > 0 {
		res.Changes = append(res.Changes, urlChanges...)
		if res.Action == ActionUnchanged {
			res.Action = ActionUpdateURL
		}
	}
	d.progress(f.Name, StepDone, "%s %s", res.Action, s.name)
	return res
}

func (d *Deployer) failed(res Result, err error) Result {
	res.Action, res.Err, res.Error, res.Hint = ActionFailed, err, err.Error(), Hint(err)
	d.progress(res.Function, StepFailed, "%v", err)
	return res
}

func artifact(p *config.Project, t Target, opts PackageOptions) (*Artifact, error) {
	if t.Artifact != nil {
		return t.Artifact()
	}
	return Package(p, t.Function, opts)
}

// syncFunction creates the function or updates what differs, recording the
// action and changes in res, and returns the resulting configuration.
func (d *Deployer) syncFunction(ctx context.Context, p *config.Project, s spec, art *Artifact, freshRole bool, res *Result) (*types.FunctionConfiguration, error) {
	got, err := d.lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(s.name)})
	if isNotFound(err) {
		d.progress(res.Function, StepCreate, "creating %s (%s, %s, %s)", s.name, s.runtime, s.arch, size(art))
		res.Action = ActionCreate
		return d.createFunction(ctx, res.Function, s, s.create(art, p), freshRole)
	}
	if err != nil {
		return nil, explain("get function "+s.name, err)
	}
	if !owned(tagsOf(got), p) {
		return nil, fmt.Errorf("%s: %w (it lacks the tags %s=%s, %s=%s)", s.name, ErrNotOwned, TagApp, p.App, TagStage, p.Stage)
	}
	cur := got.Configuration
	if err := s.tenancyChange(cur); err != nil {
		return nil, err
	}
	codeChanged := aws.ToString(cur.CodeSha256) != art.Sha256 || currentArch(cur) != s.arch
	conf := s.configChanges(cur)
	if codeChanged {
		res.Changes = append(res.Changes, "code")
		d.progress(res.Function, StepUpdateCode, "updating code of %s (%s)", s.name, size(art))
		err := d.update(ctx, s.name, "update code of", func() error {
			out, err := d.lambda.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{
				FunctionName: aws.String(s.name), ZipFile: art.Zip, Architectures: []types.Architecture{s.arch},
			})
			if err == nil {
				cur.CodeSha256 = out.CodeSha256
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	if len(conf) > 0 {
		res.Changes = append(res.Changes, conf...)
		d.progress(res.Function, StepUpdateConf, "updating %s of %s", strings.Join(conf, ", "), s.name)
		err := d.update(ctx, s.name, "update configuration of", func() error {
			_, err := d.lambda.UpdateFunctionConfiguration(ctx, s.updateConfig())
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	res.Action = changed(codeChanged, conf)
	return cur, nil
}

func size(a *Artifact) string {
	return fmt.Sprintf("%d files, %s zipped", a.Files, mb(int64(len(a.Zip))))
}
