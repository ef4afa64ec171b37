package runtimes

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotLocal is wrapped by For when a family has no local launcher.
var ErrNotLocal = errors.New("runtime family not runnable locally")

// ErrNoInterpreter is wrapped when no interpreter for a family is on PATH.
var ErrNoInterpreter = errors.New("interpreter not found")

// BuildError is a failed build of a function's code (go build). Output holds
// the compiler's combined output, ready to show to the user.
type BuildError struct {
	// Package is the directory that was built.
	Package string
	// Output is the compiler output.
	Output string
	// Err is the underlying exec error (exit status, or a start failure).
	Err error
}

// Error returns a one-line summary followed by the compiler output.
func (e *BuildError) Error() string {
	out := strings.TrimRight(e.Output, "\n")
	if out == "" {
		return fmt.Sprintf("go build %s: %v", e.Package, e.Err)
	}
	return fmt.Sprintf("go build %s: %v\n%s", e.Package, e.Err, out)
}

// Unwrap returns the underlying exec error.
func (e *BuildError) Unwrap() error { return e.Err }

// InvalidEntrypointError is a custom runtime whose bootstrap is missing or not
// executable; Lambda reports this as Runtime.InvalidEntrypoint.
type InvalidEntrypointError struct {
	// Path is the bootstrap that was looked for.
	Path string
	// Reason says what is wrong with it.
	Reason string
}

// ErrorType is the Lambda error type this failure is reported as.
func (e *InvalidEntrypointError) ErrorType() string { return "Runtime.InvalidEntrypoint" }

// Error describes the failure in Lambda's words.
func (e *InvalidEntrypointError) Error() string {
	return fmt.Sprintf("Runtime.InvalidEntrypoint: bootstrap %s: %s", e.Path, e.Reason)
}
