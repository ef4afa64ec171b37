package deploy

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors callers can branch on with errors.Is. Errors returned by this
// package wrap one of them when the cause is known; Hint gives the advice to show.
var (
	// ErrNoCredentials means the AWS config chain found no credentials.
	ErrNoCredentials = errors.New("no AWS credentials found")
	// ErrNoRegion means neither the AWS config chain nor the project sets a region.
	ErrNoRegion = errors.New("no AWS region set")
	// ErrRoleNotAssumable means Lambda rejected the execution role.
	ErrRoleNotAssumable = errors.New("the execution role cannot be assumed by Lambda")
	// ErrConflict means another update of the function was still in progress.
	ErrConflict = errors.New("another update of the function is in progress")
	// ErrTooLarge means the package is over a Lambda size limit.
	ErrTooLarge = errors.New("package too large for Lambda")
	// ErrThrottled means AWS kept throttling after the SDK's retries.
	ErrThrottled = errors.New("AWS throttled the requests")
	// ErrAccessDenied means the credentials lack a permission the deploy needs.
	ErrAccessDenied = errors.New("access denied")
	// ErrNotOwned means a function with the deployed name exists but lambdev did not create it.
	ErrNotOwned = errors.New("function exists but is not managed by lambdev")
	// ErrTenancyChanged means the declared tenancy differs from the deployed
	// function's, which Lambda fixes when it creates the function.
	ErrTenancyChanged = errors.New("tenant isolation cannot change after a function is created")
)

// hints in priority order: the first sentinel an error wraps picks the hint.
var hints = []struct {
	err  error
	hint string
}{
	{ErrNoCredentials, "configure credentials: set AWS_PROFILE, run `aws configure` or `aws sso login`, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"},
	{ErrNoRegion, "set region: in lambdev.yaml or export AWS_REGION"},
	{ErrRoleNotAssumable, "a new IAM role can take a minute to propagate: run the deploy again; if you set role:, check its trust policy allows lambda.amazonaws.com"},
	{ErrConflict, "the function was still updating; wait a moment and deploy again"},
	{ErrTooLarge, "add ignore globs for files Lambda does not need, trim dependencies, or move them into a layer"},
	{ErrThrottled, "AWS is rate-limiting this account; deploy again in a minute or lower the deploy parallelism"},
	{ErrAccessDenied, "the credentials need lambda:* on the stage's functions and iam:CreateRole/AttachRolePolicy/PassRole on lambdev-* roles"},
	{ErrNotOwned, "rename the function or tag the existing one with lambdev:app and lambdev:stage to let lambdev manage it"},
	{ErrTenancyChanged, "delete the function (`aws lambda delete-function`, or `lambdev remove` for the whole stage) and deploy again to recreate it with the new tenancy"},
}

// Hint returns advice for the first known cause wrapped in err, or "".
func Hint(err error) string {
	for _, h := range hints {
		if errors.Is(err, h.err) {
			return h.hint
		}
	}
	return ""
}

// SizeError reports a package over a Lambda size limit. It matches ErrTooLarge.
type SizeError struct {
	// Function is the function name in the project.
	Function string
	// Unzipped is true when the unzipped limit was exceeded, false for the zipped one.
	Unzipped bool
	// Size and Limit are in bytes.
	Size, Limit int64
}

func (e *SizeError) Error() string {
	kind := "zipped (direct upload)"
	if e.Unzipped {
		kind = "unzipped"
	}
	return fmt.Sprintf("%s: package is %s %s, over Lambda's %s limit of %s",
		e.Function, mb(e.Size), kind, kind, mb(e.Limit))
}

// Is makes a SizeError match ErrTooLarge.
func (e *SizeError) Is(target error) bool { return target == ErrTooLarge }

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

// FailedError is returned by Deploy and Remove when some functions failed; the
// Report holds the per-function errors too.
type FailedError struct {
	// Op is "deploy" or "remove".
	Op string
	// Failed and Total count functions.
	Failed, Total int
	// Errs are the individual failures.
	Errs []error
}

func (e *FailedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d of %d functions failed", e.Op, e.Failed, e.Total)
	for _, err := range e.Errs {
		b.WriteString("\n  ")
		b.WriteString(strings.ReplaceAll(err.Error(), "\n", "\n    "))
	}
	return b.String()
}

// Unwrap exposes the individual failures to errors.Is and errors.As.
func (e *FailedError) Unwrap() []error { return e.Errs }

func isRoleNotAssumable(err error) bool { return errors.Is(err, ErrRoleNotAssumable) }

func isConflict(err error) bool { return errors.Is(err, ErrConflict) }
