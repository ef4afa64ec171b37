package runtimes

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// goVersions caches `go env GOVERSION` per go binary.
var goVersions memo[string]

// goLauncher builds Go handlers (aws-lambda-go) for the host and runs the binary.
type goLauncher struct{}

// Prepare runs go build in spec.GoPackage and returns the built bootstrap.
// A failed build returns a *BuildError carrying the compiler output; the
// previous binary, if any, is left in place.
func (goLauncher) Prepare(ctx context.Context, spec Spec) (*Prepared, error) {
	if spec.GoPackage == "" || spec.BuildDir == "" {
		return nil, fmt.Errorf("go %s: GoPackage and BuildDir are required", spec.Name)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("go: %w: go is not on PATH", ErrNoInterpreter)
	}
	version, err := goVersions.get(ctx, goBin, func(ctx context.Context) (string, error) {
		lines, err := probeLines(ctx, spec.GoPackage, goBin, "env", "GOVERSION")
		if err != nil {
			return "", err
		}
		return lines[0], nil
	})
	if err != nil {
		return nil, fmt.Errorf("go: %w", err)
	}
	start := time.Now()
	out, err := goBuild(ctx, goBin, spec)
	took := time.Since(start)
	if err != nil {
		return nil, err
	}
	return &Prepared{
		Path:        filepath.Join(spec.BuildDir, "bootstrap"),
		Dir:         spec.CodeDir,
		Interpreter: Interpreter{Path: goBin, Version: version, Matched: true},
		BuildOutput: out,
		BuildTime:   took,
	}, nil
}

// buildSlots bounds the go builds running at once in this process. An edit
// to a package that fifty Go functions import reloads all fifty together;
// fifty go processes compiling the same code at once (~100–300 MB each)
// could exhaust the machine's memory, for no gain over a few at a time
// sharing the build cache.
var buildSlots = make(chan struct{}, max(2, runtime.NumCPU()))

// acquireBuild waits for a build slot; release gives it back.
func acquireBuild(ctx context.Context) (release func(), err error) {
	select {
	case buildSlots <- struct{}{}:
		return func() { <-buildSlots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// goBuild builds into a fresh temporary directory and renames the result
// over BuildDir/bootstrap only on success, so a worker never execs a
// half-written binary. The previous binary is hard-linked there first: go
// build finds its target up to date from the build id in it and skips the
// link, and when it does build, it unlinks the target before writing, so
// the previous binary's inode is never touched. A no-op build of an
// aws-lambda-go handler took 2.1 s into an empty directory and 0.7 s so.
func goBuild(ctx context.Context, goBin string, spec Spec) (string, error) {
	if err := os.MkdirAll(spec.BuildDir, 0o755); err != nil {
		return "", fmt.Errorf("go build: %w", err)
	}
	tmp, err := os.MkdirTemp(spec.BuildDir, "build-")
	if err != nil {
		return "", fmt.Errorf("go build: %w", err)
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "bootstrap")
	_ = os.Link(filepath.Join(spec.BuildDir, "bootstrap"), bin) // none yet, or no links here: a full build
	release, err := acquireBuild(ctx)
	if err != nil {
		return "", fmt.Errorf("go build %s: %w", spec.GoPackage, err)
	}
	defer release()
	cmd := exec.CommandContext(ctx, goBin, "build", "-tags", "lambda.norpc", "-o", bin, ".")
	cmd.Dir = spec.GoPackage
	cmd.Env = hostBuildEnv(os.Environ())
	inOwnGroup(cmd)
	cmd.WaitDelay = 5 * time.Second
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("go build %s: %w", spec.GoPackage, ctx.Err())
		}
		return "", &BuildError{Package: spec.GoPackage, Output: output.String(), Err: err}
	}
	if err := os.Rename(bin, filepath.Join(spec.BuildDir, "bootstrap")); err != nil {
		return "", fmt.Errorf("go build: %w", err)
	}
	return output.String(), nil
}

// hostBuildEnv pins GOOS/GOARCH to the host (a deploy-oriented
// GOOS=linux GOARCH=arm64 in the shell must not leak into local builds);
// everything else, GOFLAGS included, passes through.
func hostBuildEnv(environ []string) []string {
	env := make([]string, 0, len(environ)+2)
	for _, kv := range environ {
		if strings.HasPrefix(kv, "GOOS=") || strings.HasPrefix(kv, "GOARCH=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH)
}
