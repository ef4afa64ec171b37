package drift_test

import (
	"fmt"
	"os"
	"time"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine/drift"
)

// Example shows how `lambdev check` runs the static rules and how the engine
// runs the per-invocation ones.
func Example() {
	f := &config.Function{
		Name: "api", Runtime: "python3.11", Kind: config.FamilyPython, Handler: "handler.main",
		Dev: true, Memory: 128, Timeout: 3 * time.Second, Architecture: "x86_64",
		Drift: config.DriftConfig{Ignore: []string{drift.RuleEnvShellOnly}},
	}
	dir, _ := os.MkdirTemp("", "drift-example")
	defer os.RemoveAll(dir)
	p := &config.Project{Dir: dir, App: "shop", Stage: "dev", Functions: []*config.Function{f}}

	ws := drift.Check(drift.Input{
		Project:      p,
		Mode:         drift.ModeCloudDev,
		Host:         drift.Host{Arch: "x86_64", OS: "linux", Glibc: "2.36"}, // drift.DetectHost()
		Now:          time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC),
		Interpreters: map[string]string{"api": "3.13.0"},             // FunctionPrepared.Version
		WorkerEnv:    map[string][]string{"api": {"AWS_PROFILE=me"}}, // inherited, not launcher-set
	})
	ws = append(ws, drift.Observe(f, drift.Observation{Duration: 2900 * time.Millisecond})...)
	for _, w := range ws {
		fmt.Println(w)
	}
	errs, warns, infos := drift.Summary(ws)
	fmt.Println(errs, warns, infos)
	// Output:
	// warning env-shell-only api: dev: AWS_PROFILE is inherited from your shell; prod: not set: the SDK uses the execution role (grant the execution role what your profile can do; test with `dev: false`) [silenced]
	// warning interpreter-version api: dev: python 3.13.0 runs the code; prod: python3.11 is python 3.11 (install python 3.11 locally (uv python install, pyenv) or change runtime)
	// warning runtime-swap api: dev: Lambda runs the relay bridge on provided.al2023 (AL2023, glibc 2.34); prod: declared python3.11 (AL2, glibc 2.26) (set `dev: false` to test it on its real runtime)
	// warning timeout-near api: dev: took 2.9s here (97 % of the timeout); prod: timeout 3s; Lambda's CPU share scales with memory (128 MB) (raise `timeout` or speed the handler up; Lambda may be slower than this machine)
	// 0 3 0
}
