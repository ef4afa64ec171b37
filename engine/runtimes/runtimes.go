// Package runtimes starts Lambda runtimes locally: one launcher per family
// (python, node, go, provided) behind one interface. A launcher prepares a
// function once (probe the interpreter, build Go code, write the embedded
// bootstrap) and then describes the command each worker process runs.
package runtimes

import (
	"context"
	"fmt"
	"time"
)

// Spec is what a launcher needs to know about a function. The engine builds
// it from config; this package imports no other lambdev package.
type Spec struct {
	// Name is the lambdev function name; LambdaName the deployed one (app-stage-name).
	Name, LambdaName string
	// Family is python, node, go or provided.
	Family string
	// Runtime is the declared runtime identifier, e.g. python3.11.
	Runtime string
	// Version is the declared language version, e.g. "3.11" or "22"; empty for OS-only runtimes.
	Version string
	// CodeDir is the absolute task root (LAMBDA_TASK_ROOT).
	CodeDir string
	// Handler is the Lambda handler string (_HANDLER): module.func for python,
	// file.export for node, "bootstrap" for go and provided.
	Handler string
	// Bootstrap is the absolute path of the bootstrap executable (family provided only).
	Bootstrap string
	// GoPackage is the absolute directory of the Go main package (family go only).
	GoPackage string
	// BuildDir is a private directory the launcher may write build outputs to.
	BuildDir string
}

// Prepared is a function ready to start workers from.
type Prepared struct {
	// Path and Args are the worker command (Args excludes the program name).
	Path string
	Args []string
	// Dir is the working directory (the task root).
	Dir string
	// Env is extra environment the launcher needs (KEY=VALUE), added after the Lambda env.
	Env []string
	// Interpreter describes what actually runs the code.
	Interpreter Interpreter
	// BuildOutput holds compiler output (go), empty otherwise.
	BuildOutput string
	// BuildTime is how long preparation took (go build), zero otherwise.
	BuildTime time.Duration
}

// Interpreter records the local program that executes a function.
type Interpreter struct {
	// Path is the resolved executable (not a shim).
	Path string
	// Version is the language version it reports, e.g. "3.11.7", "20.20.2", "go1.26.8".
	Version string
	// Matched is false when no interpreter for the declared version was found and a
	// default one was used instead.
	Matched bool
}

// Launcher prepares functions of one family.
type Launcher interface {
	// Prepare resolves the interpreter (or builds the binary) for spec.
	// Build failures return an error that carries the compiler output.
	Prepare(ctx context.Context, spec Spec) (*Prepared, error)
}

// Family names, matching config's.
const (
	Python   = "python"
	Node     = "node"
	Go       = "go"
	Provided = "provided"
)

// For returns the launcher for a runtime family. Families lambdev cannot run
// locally (java, dotnet, ruby) yield an error wrapping ErrNotLocal.
func For(family string) (Launcher, error) {
	switch family {
	case Python:
		return pythonLauncher{}, nil
	case Node:
		return nodeLauncher{}, nil
	case Go:
		return goLauncher{}, nil
	case Provided:
		return providedLauncher{}, nil
	case "java", "dotnet", "ruby":
		return nil, fmt.Errorf("%w: lambdev cannot run %s functions on this machine", ErrNotLocal, family)
	default:
		return nil, fmt.Errorf("%w: unknown runtime family %q", ErrNotLocal, family)
	}
}
