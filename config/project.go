// Package config reads and validates a lambdev project file (lambdev.yaml) and
// holds the Lambda runtime catalog. It imports no other lambdev package.
package config

import (
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// DefaultFile is the project file name looked up in the working directory.
const DefaultFile = "lambdev.yaml"

// Defaults applied when neither the function nor the project's defaults set a value.
const (
	DefaultMemory       = 128
	DefaultTimeout      = 3 * time.Second
	DefaultArchitecture = "x86_64"
	DefaultConcurrency  = 10
	DefaultStage        = "dev"
	DefaultRegion       = "us-east-1"
)

// Project is a validated project file.
type Project struct {
	// File is the absolute path of the project file.
	File string
	// Dir is the absolute directory holding the project file; relative paths resolve against it.
	Dir string
	// App is the application name; it prefixes every deployed function name.
	App string
	// Stage is the effective stage (project file, then LAMBDEV_STAGE, then --stage).
	Stage string
	// Region is the AWS region for deploy and the ARNs shown locally.
	Region string
	// Relay is the URL of the relay hub for cloud dev, empty when unset.
	Relay string
	// Functions are sorted by Name.
	Functions []*Function
	// Warnings are problems that did not fail Load (deprecated runtime,
	// non-executable bootstrap…), in file order.
	Warnings []*Error
}

// Function returns the function called name, or nil.
func (p *Project) Function(name string) *Function {
	i := sort.Search(len(p.Functions), func(i int) bool { return p.Functions[i].Name >= name })
	if i < len(p.Functions) && p.Functions[i].Name == name {
		return p.Functions[i]
	}
	return nil
}

// Names returns the function names in order.
func (p *Project) Names() []string {
	out := make([]string, len(p.Functions))
	for i, f := range p.Functions {
		out[i] = f.Name
	}
	return out
}

// LambdaName is the deployed function name: app-stage-name.
func (p *Project) LambdaName(f *Function) string {
	return p.App + "-" + p.Stage + "-" + f.Name
}

// URLConfig is a function URL declaration.
type URLConfig struct {
	// Auth is "none" or "iam".
	Auth string
	// Cors is nil when CORS is not configured.
	Cors *CorsConfig
	// InvokeMode is InvokeBuffered (the default) or InvokeResponseStream,
	// Lambda's FunctionUrlConfig InvokeMode values.
	InvokeMode string
}

// Function URL invoke modes (lambda-spec.md §4.3): a BUFFERED URL answers
// once the function has returned; a RESPONSE_STREAM URL sends the response
// as the function writes it.
const (
	InvokeBuffered       = "BUFFERED"
	InvokeResponseStream = "RESPONSE_STREAM"
)

// CorsConfig mirrors the Lambda function URL CORS settings.
type CorsConfig struct {
	AllowCredentials bool
	AllowHeaders     []string
	AllowMethods     []string
	AllowOrigins     []string
	ExposeHeaders    []string
	MaxAge           int
}

// DriftConfig holds per-function drift settings.
type DriftConfig struct {
	// Ignore lists drift rule ids silenced for this function.
	Ignore []string
}

// Pos is a position in the project file.
type Pos struct {
	Line, Col int
}

// Function is one declared Lambda function with defaults applied.
type Function struct {
	// Name is the key under functions:.
	Name string
	// Handler is as written: Python path/module.func, Node path/file.export,
	// Go a package directory, provided a bootstrap path.
	Handler string
	// Runtime is a catalog identifier such as python3.12.
	Runtime string
	// URL is nil when the function has no function URL.
	URL *URLConfig
	// Dev is false when the function opts out of live development.
	Dev bool
	// Environment is the declared production environment.
	Environment map[string]string
	// Memory is in MB.
	Memory int
	// Timeout is the invocation deadline.
	Timeout time.Duration
	// Architecture is x86_64 or arm64.
	Architecture string
	// Concurrency caps local workers for this function.
	Concurrency int
	// Watch and Ignore are extra globs (relative to the project dir) for hot reload and packaging.
	Watch, Ignore []string
	// Description and Role are passed to deploy; Role empty means lambdev creates one.
	Description, Role string
	// Drift holds drift settings.
	Drift DriftConfig
	// Logging is the function's LoggingConfig; nil: Lambda's defaults (Text).
	Logging *LoggingConfig
	// Tenancy is TenancyPerTenant for a function with Lambda's tenant
	// isolation (every invocation names a tenant, and a tenant's execution
	// environments serve no other), empty otherwise.
	Tenancy string
	// Kind is set by the loader: the catalog family of Runtime, except that an
	// OS-only runtime (provided*) whose handler is a directory of Go code is FamilyGo.
	Kind string
	// Pos is where the function's key appears in the project file.
	Pos Pos
}

// TenancyPerTenant is Lambda's one TenantIsolationMode: each tenant gets
// execution environments of its own.
const TenancyPerTenant = "PER_TENANT"

// PerTenant reports whether the function isolates tenants.
func (f *Function) PerTenant() bool { return f.Tenancy == TenancyPerTenant }

// RuntimeInfo returns the catalog entry of the function's runtime.
func (f *Function) RuntimeInfo() (Runtime, bool) { return LookupRuntime(f.Runtime) }

// Family returns how the function runs locally: python, node, go or provided,
// or the catalog family (java, dotnet, ruby) lambdev cannot run locally.
func (f *Function) Family() string { return f.Kind }

// HandlerParts splits a Python or Node handler into the code directory (relative
// to the project dir), the module/file base name and the exported function name.
// For Go and provided handlers it returns the handler path as dir and empty names.
func (f *Function) HandlerParts() (dir, module, export string) {
	switch f.Family() {
	case FamilyPython, FamilyNode:
		h := filepath.ToSlash(f.Handler)
		dir, base := ".", h
		if i := strings.LastIndex(h, "/"); i >= 0 {
			dir, base = h[:i], h[i+1:]
		}
		if i := strings.LastIndex(base, "."); i >= 0 {
			return filepath.FromSlash(dir), base[:i], base[i+1:]
		}
		return filepath.FromSlash(dir), base, ""
	default:
		return filepath.FromSlash(f.Handler), "", ""
	}
}

// LambdaHandler is the handler string as Lambda sees it, relative to the code
// directory: module.func for Python and Node, "bootstrap" for OS-only runtimes.
func (f *Function) LambdaHandler() string {
	switch f.Family() {
	case FamilyPython, FamilyNode:
		_, m, e := f.HandlerParts()
		return m + "." + e
	default:
		return "bootstrap"
	}
}

// CodeDir is the absolute directory that is the function's task root.
// For provided functions it is the directory holding the bootstrap.
func (p *Project) CodeDir(f *Function) string {
	dir, _, _ := f.HandlerParts()
	if f.Family() == FamilyProvided {
		dir = filepath.Dir(dir)
	}
	return filepath.Join(p.Dir, dir)
}
