package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/smithy-go"
)

// Options configure a Deployer. The zero value is usable.
type Options struct {
	// Region is used when the AWS config chain (AWS_REGION, the profile) sets none;
	// pass the project's region.
	Region string
	// Profile selects a shared-config profile; empty means AWS_PROFILE or default.
	Profile string
	// Parallel bounds how many functions are deployed at once; 4 when 0.
	Parallel int
	// Progress receives progress events, one call at a time; nil discards them.
	Progress func(Progress)
	// Package tunes packaging of Targets without an Artifact func.
	Package PackageOptions
	// WaitTimeout bounds each wait for a function to become active or updated; 5 min when 0.
	WaitTimeout time.Duration
	// RoleWait bounds CreateFunction retries while a role created by this deploy
	// propagates through IAM; 90 s when 0.
	RoleWait time.Duration
	// ConflictWait bounds retries of updates refused because one is in progress; 2 min when 0.
	ConflictWait time.Duration
	// MaxAttempts is the SDK's attempts per call, retrying throttling; 8 when 0.
	MaxAttempts int
}

func (o *Options) defaults() {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.WaitTimeout, 5*time.Minute)
	def(&o.RoleWait, 90*time.Second)
	def(&o.ConflictWait, 2*time.Minute)
	if o.Parallel <= 0 {
		o.Parallel = 4
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
}

// Deployer deploys and removes a project's functions in one AWS account and region.
type Deployer struct {
	opts   Options
	region string
	lambda *lambda.Client
	iam    *iam.Client
	calls  *CallLog
	mu     sync.Mutex // serialises Progress calls
}

// New loads the standard AWS config chain (AWS_PROFILE, AWS_REGION,
// AWS_ENDPOINT_URL[_LAMBDA|_IAM], shared files, SSO, IMDS) and checks that
// credentials and a region are available.
func New(ctx context.Context, o Options) (*Deployer, error) {
	o.defaults()
	calls := &CallLog{}
	load := []func(*awsconfig.LoadOptions) error{
		awsconfig.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(so *retry.StandardOptions) {
				so.MaxAttempts = o.MaxAttempts
				so.RateLimiter = ratelimit.None
			})
		}),
	}
	if o.Profile != "" {
		load = append(load, awsconfig.WithSharedConfigProfile(o.Profile))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("load AWS config: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = o.Region
	}
	if cfg.Region == "" {
		return nil, ErrNoRegion
	}
	if cfg.Credentials == nil {
		return nil, ErrNoCredentials
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoCredentials, err)
	}
	cfg.APIOptions = append(cfg.APIOptions, calls.middleware)
	return &Deployer{
		opts: o, region: cfg.Region, calls: calls,
		lambda: lambda.NewFromConfig(cfg), iam: iam.NewFromConfig(cfg),
	}, nil
}

// Region is the AWS region the Deployer works in.
func (d *Deployer) Region() string { return d.region }

// Calls is the log of API operations made, for tests and --json diagnostics.
func (d *Deployer) Calls() *CallLog { return d.calls }

func (d *Deployer) progress(fn string, step Step, format string, args ...any) {
	if d.opts.Progress == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.opts.Progress(Progress{Function: fn, Step: step, Message: fmt.Sprintf(format, args...)})
}

// apiError is an AWS error explained in one sentence, matching its sentinel.
type apiError struct {
	sentinel error
	op       string
	err      error
}

func (e *apiError) Error() string {
	msg := e.err.Error()
	var ae smithy.APIError
	if errors.As(e.err, &ae) && ae.ErrorMessage() != "" {
		msg = ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return fmt.Sprintf("%s: %s: %s", e.op, e.sentinel, msg)
}

func (e *apiError) Unwrap() []error { return []error{e.sentinel, e.err} }

// explain wraps an SDK error from op with the sentinel of its known cause.
func explain(op string, err error) error {
	if err == nil {
		return nil
	}
	var s error
	var ae smithy.APIError
	code, msg := "", err.Error()
	if errors.As(err, &ae) {
		code, msg = ae.ErrorCode(), ae.ErrorMessage()
	}
	switch {
	case strings.Contains(code, "AccessDenied") || code == "UnauthorizedOperation":
		s = ErrAccessDenied
	case code == "UnrecognizedClientException" || code == "InvalidClientTokenId" ||
		strings.HasPrefix(code, "ExpiredToken") || strings.Contains(msg, "failed to retrieve credentials"):
		s = ErrNoCredentials
	case strings.Contains(code, "Throttl") || code == "TooManyRequestsException" || code == "RequestLimitExceeded":
		s = ErrThrottled
	case code == "ResourceConflictException":
		s = ErrConflict
	case code == "InvalidParameterValueException" && strings.Contains(msg, "cannot be assumed"):
		s = ErrRoleNotAssumable
	case code == "RequestEntityTooLargeException" || code == "CodeStorageExceededException":
		s = ErrTooLarge
	default:
		return fmt.Errorf("%s: %w", op, err)
	}
	return &apiError{sentinel: s, op: op, err: err}
}

// isNotFound reports an AWS "does not exist" error (Lambda or IAM).
func isNotFound(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	c := ae.ErrorCode()
	return c == "ResourceNotFoundException" || c == "NoSuchEntity" || c == "NoSuchEntityException"
}
