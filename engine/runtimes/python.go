package runtimes

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// pythonProbe prints the real executable behind a command (resolving pyenv
// shims, which cost ~30 ms or more per start) and its version.
const pythonProbe = "import sys;print(sys.executable);print(sys.version.split()[0]);" +
	"print(sys.implementation.cache_tag or '')"

// pythonLauncher runs python handlers with the embedded bootstrap.py.
type pythonLauncher struct{}

// Prepare finds an interpreter for spec.Version and writes the bootstrap.
func (pythonLauncher) Prepare(ctx context.Context, spec Spec) (*Prepared, error) {
	p, err := findInterpreter(ctx, spec.CodeDir, pythonCandidates(spec.Version),
		pythonMatches(spec.Version), "-c", pythonProbe)
	if err != nil {
		return nil, fmt.Errorf("python %s: %w", spec.Version, err)
	}
	dir, err := bootstrapDir(spec)
	if err != nil {
		return nil, err
	}
	script, err := writeFileAtomic(dir, pythonModule+".py", PythonBootstrap)
	if err != nil {
		return nil, err
	}
	if len(p.extra) > 0 {
		precompile(ctx, p.in.Path, script, p.extra[0])
	}
	// No -I/-E/-s: user code must see PYTHONPATH, site-packages and .pth
	// files as it would with a plain "python". The bootstrap itself puts
	// LAMBDA_TASK_ROOT first on sys.path and line-buffers stdio.
	return &Prepared{
		Path:        p.in.Path,
		Args:        []string{"-c", pythonLaunch(filepath.Dir(script))},
		Dir:         spec.CodeDir,
		Interpreter: p.in,
	}, nil
}

// pythonModule is the bootstrap's module name (file lambdev_bootstrap.py).
const pythonModule = "lambdev_bootstrap"

// pythonLaunch is the -c program that imports the bootstrap from dir, so its
// bytecode is cached in dir/__pycache__ instead of being compiled at every
// start, and runs it. The bootstrap then replaces sys.path[0] (the empty
// entry -c puts there) with the task root.
func pythonLaunch(dir string) string {
	lit, _ := json.Marshal(dir) // a JSON string is a valid Python literal
	return "import sys;sys.path.insert(0," + string(lit) + ");import " + pythonModule +
		";sys.path.pop(0);" + pythonModule + ".main()"
}

// precompile writes the bootstrap's bytecode unless an up-to-date .pyc for
// this interpreter (cache tag, e.g. cpython-311) exists. Workers would write
// it themselves, but not under PYTHONDONTWRITEBYTECODE, which a developer's
// shell may set; reading a cached .pyc is unaffected by it. Failure only
// costs start-up time, so it is ignored.
func precompile(ctx context.Context, python, script, tag string) {
	if tag == "" {
		return
	}
	pyc := filepath.Join(filepath.Dir(script), "__pycache__", pythonModule+"."+tag+".pyc")
	src, err := os.Stat(script)
	if err != nil {
		return
	}
	if fi, err := os.Stat(pyc); err == nil && !fi.ModTime().Before(src.ModTime()) {
		return
	}
	cmd := exec.CommandContext(ctx, python, "-c", "import py_compile,sys;py_compile.compile(sys.argv[1])", script)
	inOwnGroup(cmd)
	_ = cmd.Run()
}

// pythonMatches reports whether a full version (3.11.7) is the declared one (3.11).
func pythonMatches(declared string) func(string) bool {
	return func(v string) bool {
		return declared == "" || v == declared || strings.HasPrefix(v, declared+".")
	}
}

// pythonCandidates lists where to look for python<version>: PATH first,
// then pyenv, asdf and uv installs, then plain python3 as a fallback.
func pythonCandidates(version string) []candidate {
	var cands []candidate
	if version != "" {
		exe := "python" + version
		cands = append(cands, candidate{cmd: exe, exact: true})
		home := homeDir()
		for _, p := range managedInstalls(
			filepath.Join(envOr("PYENV_ROOT", filepath.Join(home, ".pyenv")), "versions", version+".*", "bin", exe),
			filepath.Join(envOr("ASDF_DATA_DIR", filepath.Join(home, ".asdf")), "installs", "python", version+".*", "bin", exe),
			filepath.Join(home, ".local", "share", "uv", "python", "cpython-"+version+".*", "bin", exe),
		) {
			cands = append(cands, candidate{cmd: p, exact: true})
		}
	}
	return append(cands, candidate{cmd: "python3"}, candidate{cmd: "python"})
}
