package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// rieModule is the official AWS Lambda Runtime Interface Emulator.
const rieModule = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@latest"

// slsPackages are serverless-offline and the framework version it runs on.
var slsPackages = []string{"serverless@3", "serverless-offline@13"}

// tools are the binaries and directories the benchmarks use. A peer that
// could not be installed has its path empty and the reason in its *Skip field.
type tools struct {
	root      string // the lambdev repository
	work      string // temporary directory for this run
	cache     string // ~/.cache/lambdev-bench
	lambdev   string // built lambdev binary
	bootstrap string // the Go handler built for the RIE
	rie       string
	rieSkip   string
	sls       string // serverless.js
	slsSkip   string
	slsMods   string // node_modules holding serverless and serverless-offline
}

// run executes a command, returning its combined output on failure.
func run(ctx context.Context, dir string, env []string, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, lastLines(string(out), 12))
	}
	return nil
}

// setupTools builds lambdev and the Go handler and installs missing peers.
func setupTools(ctx context.Context, root string, peers bool, logf func(string, ...any)) (*tools, error) {
	t := &tools{root: root}
	var err error
	if t.work, err = os.MkdirTemp("", "lambdev-bench-"); err != nil {
		return nil, err
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	t.cache = filepath.Join(base, "lambdev-bench")
	t.lambdev = filepath.Join(t.work, "lambdev")
	logf("building lambdev")
	if err := run(ctx, root, nil, "go", "build", "-o", t.lambdev, "."); err != nil {
		return nil, err
	}
	if !peers {
		t.rieSkip, t.slsSkip = "not measured: lambdev-only run", "not measured: lambdev-only run"
		return t, nil
	}
	t.bootstrap = filepath.Join(t.work, "bootstrap")
	if err := run(ctx, root, nil, "go", "build", "-tags", "lambda.norpc", "-o", t.bootstrap, "./bench/testdata/proj/functions/goecho"); err != nil {
		return nil, err
	}
	t.ensureRIE(ctx, logf)
	t.ensureSLS(ctx, logf)
	return t, nil
}

// ensureRIE finds aws-lambda-rie on PATH or in the cache, or go-installs it.
func (t *tools) ensureRIE(ctx context.Context, logf func(string, ...any)) {
	if p, err := exec.LookPath("aws-lambda-rie"); err == nil {
		t.rie = p
		return
	}
	bin := filepath.Join(t.cache, "bin")
	if _, err := os.Stat(filepath.Join(bin, "aws-lambda-rie")); err == nil {
		t.rie = filepath.Join(bin, "aws-lambda-rie")
		return
	}
	logf("installing aws-lambda-rie into %s", bin)
	mod, err := os.MkdirTemp(t.work, "riemod-")
	if err == nil {
		err = run(ctx, mod, nil, "go", "mod", "init", "lambdevbench/rie")
	}
	if err == nil {
		ictx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		err = run(ictx, mod, []string{"GOFLAGS=-mod=mod", "GOBIN=" + bin}, "go", "install", rieModule)
	}
	if err != nil {
		t.rieSkip = "not measured: aws-lambda-rie could not be installed: " + firstLine(err.Error())
		return
	}
	t.rie = filepath.Join(bin, "aws-lambda-rie")
}

// ensureSLS npm-installs serverless@3 and serverless-offline@13 into the cache.
func (t *tools) ensureSLS(ctx context.Context, logf func(string, ...any)) {
	dir := filepath.Join(t.cache, "sls")
	t.slsMods = filepath.Join(dir, "node_modules")
	t.sls = filepath.Join(t.slsMods, "serverless", "bin", "serverless.js")
	_, e1 := os.Stat(t.sls)
	_, e2 := os.Stat(filepath.Join(t.slsMods, "serverless-offline", "package.json"))
	if e1 == nil && e2 == nil {
		return
	}
	skip := func(why string) { t.sls, t.slsSkip = "", "not measured: "+why }
	for _, tool := range []string{"node", "npm", "python3"} {
		if _, err := exec.LookPath(tool); err != nil {
			skip(tool + " is not on PATH")
			return
		}
	}
	logf("installing %s into %s (npm)", strings.Join(slsPackages, " "), dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		skip(err.Error())
		return
	}
	pkg := filepath.Join(dir, "package.json")
	if _, err := os.Stat(pkg); err != nil {
		_ = os.WriteFile(pkg, []byte(`{"name":"lambdev-bench-sls","private":true}`+"\n"), 0o644)
	}
	ictx, cancel := context.WithTimeout(ctx, 8*time.Minute)
	defer cancel()
	args := append([]string{"install", "--no-audit", "--no-fund"}, slsPackages...)
	if err := run(ictx, dir, nil, "npm", args...); err != nil {
		skip("npm install failed: " + firstLine(err.Error()))
	}
}

// copyProject copies the fixture project into a new directory of the run,
// with a go.mod for the Go handler (outside the repository it is no longer
// part of the lambdev module) and node_modules linked for serverless.
func (t *tools) copyProject(name string) (string, error) {
	src := filepath.Join(t.root, "bench", "testdata", "proj")
	dst := filepath.Join(t.work, name)
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			if d.Name() == "__pycache__" || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		return "", err
	}
	if err := t.goModule(filepath.Join(dst, "functions", "goecho")); err != nil {
		return "", err
	}
	if t.slsMods != "" {
		_ = os.Symlink(t.slsMods, filepath.Join(dst, "node_modules"))
	}
	return dst, nil
}

// goModule makes dir a module requiring the aws-lambda-go lambdev uses, with
// lambdev's go.sum, so it builds from the module cache without the network.
func (t *tools) goModule(dir string) error {
	sum, err := os.ReadFile(filepath.Join(t.root, "go.sum"))
	if err != nil {
		return err
	}
	gomod, err := os.ReadFile(filepath.Join(t.root, "go.mod"))
	if err != nil {
		return err
	}
	goLine, version := "go 1.26", "v1.55.1"
	for _, line := range strings.Split(string(gomod), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && f[0] == "go":
			goLine = line
		case len(f) >= 2 && f[0] == "github.com/aws/aws-lambda-go":
			version = f[1]
		}
	}
	mod := "module benchgoecho\n\n" + goLine + "\n\nrequire github.com/aws/aws-lambda-go " + version + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
