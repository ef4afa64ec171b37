package runtimes

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
)

// nodeProbe prints node's real executable and version.
const nodeProbe = "console.log(process.execPath);console.log(process.versions.node)"

// nodeLauncher runs node handlers with the embedded bootstrap.cjs.
type nodeLauncher struct{}

// Prepare finds node for spec.Version (a major, e.g. "22") and writes the bootstrap.
func (nodeLauncher) Prepare(ctx context.Context, spec Spec) (*Prepared, error) {
	major := nodeMajor(spec.Version)
	p, err := findInterpreter(ctx, spec.CodeDir, nodeCandidates(major),
		func(v string) bool { return major == "" || nodeMajor(v) == major }, "-e", nodeProbe)
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", spec.Version, err)
	}
	dir, err := bootstrapDir(spec)
	if err != nil {
		return nil, err
	}
	script, err := writeFileAtomic(dir, "bootstrap.cjs", NodeBootstrap)
	if err != nil {
		return nil, err
	}
	return &Prepared{
		Path:        p.in.Path,
		Args:        []string{script},
		Dir:         spec.CodeDir,
		Interpreter: p.in,
	}, nil
}

// nodeMajor extracts the major version from "22", "22.x", "nodejs22.x" or "22.11.0".
func nodeMajor(v string) string {
	v = strings.TrimPrefix(strings.TrimPrefix(v, "nodejs"), "v")
	end := 0
	for end < len(v) && v[end] >= '0' && v[end] <= '9' {
		end++
	}
	return v[:end]
}

// nodeCandidates lists node on PATH, then nvm and asdf installs of the
// declared major; node on PATH is also the fallback (Matched=false).
func nodeCandidates(major string) []candidate {
	cands := []candidate{{cmd: "node", exact: true}}
	if major != "" {
		home := homeDir()
		for _, p := range managedInstalls(
			filepath.Join(envOr("NVM_DIR", filepath.Join(home, ".nvm")), "versions", "node", "v"+major+".*", "bin", "node"),
			filepath.Join(envOr("ASDF_DATA_DIR", filepath.Join(home, ".asdf")), "installs", "nodejs", major+".*", "bin", "node"),
		) {
			cands = append(cands, candidate{cmd: p, exact: true})
		}
	}
	return append(cands, candidate{cmd: "node"})
}
