package deploy

import (
	"context"
	"fmt"
	"maps"
	"math"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdev/lambdev/config"
)

// spec is the configuration a function should have in Lambda.
type spec struct {
	name, runtime, handler, role, description string
	arch                                      types.Architecture
	memory, timeout                           int32
	env                                       map[string]string
	tenancy                                   types.TenantIsolationMode // "" for none
	logging                                   types.LoggingConfig       // Lambda's default when undeclared
	logDeclared                               bool                      // the file declares logging
}

func newSpec(p *config.Project, t Target, role string) spec {
	f := t.Function
	s := spec{
		name: p.LambdaName(f), runtime: t.Runtime, handler: t.Handler, role: role,
		description: f.Description, arch: types.Architecture(f.Architecture),
		memory: int32(f.Memory), timeout: int32(math.Ceil(f.Timeout.Seconds())),
		env: map[string]string{},
	}
	if f.Role != "" {
		s.role = f.Role
	}
	s.logging, s.logDeclared = newLogging(f.Logging, s.name), f.Logging != nil
	if f.PerTenant() {
		s.tenancy = types.TenantIsolationModePerTenant
	}
	if s.runtime == "" {
		s.runtime = f.Runtime
	}
	if s.handler == "" {
		s.handler = f.LambdaHandler()
	}
	if s.arch == "" {
		s.arch = types.ArchitectureX8664
	}
	if s.memory <= 0 {
		s.memory = config.DefaultMemory
	}
	if s.timeout <= 0 {
		s.timeout = int32(config.DefaultTimeout.Seconds())
	}
	maps.Copy(s.env, f.Environment)
	maps.Copy(s.env, t.Environment)
	return s
}

// MaxEnvironmentSize is Lambda's quota on the total size of environment variables.
const MaxEnvironmentSize = 4 << 10

// checkEnv refuses environment variables over Lambda's 4 KB quota before any upload.
func (s spec) checkEnv() error {
	// Measured as Lambda measures it: the deployed variables (the bridge's
	// included, in cloud dev) as one JSON object.
	if n := config.EnvironmentSize(s.env); n > MaxEnvironmentSize {
		return fmt.Errorf("%s: environment variables total %d bytes, over Lambda's limit of %d", s.name, n, MaxEnvironmentSize)
	}
	return nil
}

// configChanges lists the configuration fields of cur that differ from s,
// excluding the architecture (changed through UpdateFunctionCode).
func (s spec) configChanges(cur *types.FunctionConfiguration) []string {
	var out []string
	add := func(differ bool, field string) {
		if differ {
			out = append(out, field)
		}
	}
	var env map[string]string
	if cur.Environment != nil {
		env = cur.Environment.Variables
	}
	add(string(cur.Runtime) != s.runtime, "runtime")
	add(aws.ToString(cur.Handler) != s.handler, "handler")
	add(aws.ToString(cur.Role) != s.role, "role")
	add(aws.ToInt32(cur.MemorySize) != s.memory, "memory")
	add(aws.ToInt32(cur.Timeout) != s.timeout, "timeout")
	add(aws.ToString(cur.Description) != s.description, "description")
	add(!maps.Equal(env, s.env) && len(env)+len(s.env) > 0, "environment")
	add(s.loggingChanged(cur.LoggingConfig), "logging")
	return out
}

// tenancyChange refuses a deployed function whose tenant isolation differs
// from s: Lambda fixes it when it creates the function.
func (s spec) tenancyChange(cur *types.FunctionConfiguration) error {
	var deployed types.TenantIsolationMode
	if cur.TenancyConfig != nil {
		deployed = cur.TenancyConfig.TenantIsolationMode
	}
	if deployed == s.tenancy {
		return nil
	}
	return fmt.Errorf("%s: %w (deployed: %s, declared: %s)", s.name, ErrTenancyChanged, tenancyName(deployed), tenancyName(s.tenancy))
}

func tenancyName(m types.TenantIsolationMode) string {
	if m == "" {
		return "none"
	}
	return string(m)
}

func currentArch(cur *types.FunctionConfiguration) types.Architecture {
	if len(cur.Architectures) == 0 {
		return types.ArchitectureX8664
	}
	return cur.Architectures[0]
}

func (s spec) create(a *Artifact, p *config.Project) *lambda.CreateFunctionInput {
	in := &lambda.CreateFunctionInput{
		FunctionName:  aws.String(s.name),
		Role:          aws.String(s.role),
		Runtime:       types.Runtime(s.runtime),
		Handler:       aws.String(s.handler),
		Code:          &types.FunctionCode{ZipFile: a.Zip},
		PackageType:   types.PackageTypeZip,
		Architectures: []types.Architecture{s.arch},
		MemorySize:    aws.Int32(s.memory),
		Timeout:       aws.Int32(s.timeout),
		Environment:   &types.Environment{Variables: s.env},
		Description:   aws.String(s.description),
		Tags:          map[string]string{TagApp: p.App, TagStage: p.Stage},
	}
	if s.tenancy != "" {
		in.TenancyConfig = &types.TenancyConfig{TenantIsolationMode: s.tenancy}
	}
	if s.logDeclared {
		in.LoggingConfig = s.loggingInput()
	}
	return in
}

func (s spec) updateConfig() *lambda.UpdateFunctionConfigurationInput {
	return &lambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String(s.name),
		Role:         aws.String(s.role),
		Runtime:      types.Runtime(s.runtime),
		Handler:      aws.String(s.handler),
		MemorySize:   aws.Int32(s.memory),
		Timeout:      aws.Int32(s.timeout),
		Environment:  &types.Environment{Variables: s.env},
		Description:  aws.String(s.description),
		// Always sent, so that a function whose file no longer declares
		// logging goes back to Lambda's default.
		LoggingConfig: s.loggingInput(),
	}
}

// createFunction creates the function, retrying while a role created by this
// deploy propagates, then waits until it is Active.
func (d *Deployer) createFunction(ctx context.Context, fn string, s spec, in *lambda.CreateFunctionInput, freshRole bool) (*types.FunctionConfiguration, error) {
	var out *lambda.CreateFunctionOutput
	limit := d.opts.RoleWait
	if !freshRole {
		limit = 0
	}
	err := retryFor(ctx, limit, isRoleNotAssumable, func() error {
		var err error
		out, err = d.lambda.CreateFunction(ctx, in)
		return explain("create function "+s.name, err)
	})
	if err != nil {
		return nil, err
	}
	d.progress(fn, StepWait, "waiting for %s to become active", s.name)
	got, err := lambda.NewFunctionActiveV2Waiter(d.lambda).WaitForOutput(ctx,
		&lambda.GetFunctionInput{FunctionName: aws.String(s.name)}, d.opts.WaitTimeout)
	if err != nil {
		return nil, explain("wait for "+s.name+" to become active", err)
	}
	if got.Configuration != nil {
		return got.Configuration, nil
	}
	return &types.FunctionConfiguration{FunctionArn: out.FunctionArn, CodeSha256: out.CodeSha256}, nil
}

// update runs one update call, retrying while another update is in progress,
// then waits until the function's last update succeeded.
func (d *Deployer) update(ctx context.Context, name, what string, call func() error) error {
	err := retryFor(ctx, d.opts.ConflictWait, isConflict, func() error {
		return explain(what+" "+name, call())
	})
	if err != nil {
		return err
	}
	_, err = lambda.NewFunctionUpdatedV2Waiter(d.lambda).WaitForOutput(ctx,
		&lambda.GetFunctionInput{FunctionName: aws.String(name)}, d.opts.WaitTimeout)
	return explain("wait for "+name+" to finish updating", err)
}

func changed(code bool, conf []string) Action {
	switch {
	case code && len(conf) > 0:
		return ActionUpdate
	case code:
		return ActionUpdateCode
	case len(conf) > 0:
		return ActionUpdateConfig
	}
	return ActionUnchanged
}

func tagsOf(out *lambda.GetFunctionOutput) map[string]string {
	if out.Tags == nil {
		return map[string]string{}
	}
	return out.Tags
}
