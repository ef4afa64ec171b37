package deploy

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/lambdev/lambdev/config"
)

// GoArch maps a Lambda architecture to GOARCH.
func GoArch(arch string) (string, error) {
	switch arch {
	case "", config.ArchX86:
		return "amd64", nil
	case config.ArchARM:
		return "arm64", nil
	}
	return "", fmt.Errorf("unknown architecture %q (want %s or %s)", arch, config.ArchX86, config.ArchARM)
}

// BuildGo cross-compiles the Go package f.Handler (relative to p.Dir) into a
// static linux binary for f.Architecture and returns its bytes. The build is
// reproducible: no cgo, no VCS stamping, trimmed paths, empty build id.
func BuildGo(p *config.Project, f *config.Function, opts PackageOptions) ([]byte, error) {
	goarch, err := GoArch(f.Architecture)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", f.Name, err)
	}
	tmp, err := os.MkdirTemp("", "lambdev-build-")
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", f.Name, err)
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "bootstrap")
	goCmd := opts.GoCommand
	if goCmd == "" {
		goCmd = "go"
	}
	cmd := exec.Command(goCmd, "build", "-tags", "lambda.norpc", "-trimpath", "-buildvcs=false",
		"-ldflags=-s -w -buildid=", "-o", out, ".")
	// Built from its own directory, as the local runtime builds it, so a
	// function with its own go.mod below the project is its own module.
	cmd.Dir = filepath.Join(p.Dir, f.Handler)
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+goarch, "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("build %s (linux/%s): %w\n%s", f.Name, goarch, err,
			strings.TrimSpace(stderr.String()))
	}
	bin, err := os.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", f.Name, err)
	}
	return bin, nil
}

func goEntries(p *config.Project, f *config.Function, opts PackageOptions) ([]entry, error) {
	bin, err := BuildGo(p, f, opts)
	if err != nil {
		return nil, err
	}
	return []entry{{name: "bootstrap", data: bin, exec: true, size: int64(len(bin))}}, nil
}
