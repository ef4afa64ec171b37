package drift

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/lambdev/lambdev/config"
)

// DeployedConfig is a function's configuration as AWS reports it; the deploy
// code fills it from GetFunction (Configuration.Runtime, Handler, MemorySize,
// Timeout, Architectures[0], keys of Environment.Variables).
type DeployedConfig struct {
	Runtime      string        `json:"runtime"`
	Handler      string        `json:"handler"`
	MemoryMB     int           `json:"memoryMB"`
	Timeout      time.Duration `json:"timeout"`
	Architecture string        `json:"architecture"`
	// EnvKeys are the environment variable names; values are never compared.
	EnvKeys []string `json:"envKeys"`
}

// Expected is the configuration lambdev deploys f with: as declared, or the
// relay bridge (provided.al2023, handler "bootstrap", declared architecture,
// memory and timeout) when bridged is true.
func Expected(f *config.Function, bridged bool) DeployedConfig {
	d := DeployedConfig{
		Runtime:      f.Runtime,
		Handler:      f.LambdaHandler(),
		MemoryMB:     f.Memory,
		Timeout:      f.Timeout,
		Architecture: f.Architecture,
	}
	if bridged {
		d.Runtime, d.Handler = config.BridgeRuntime, "bootstrap"
	}
	for k := range f.Environment {
		d.EnvKeys = append(d.EnvKeys, k)
	}
	sort.Strings(d.EnvKeys)
	return d
}

// deployedConfig reports each field where AWS differs from what lambdev deploys.
// A bridged function may carry extra (relay) variables; missing declared ones count.
func deployedConfig(f *config.Function, bridged bool, got DeployedConfig) []Warning {
	want := Expected(f, bridged)
	var ws []Warning
	add := func(field, want, got string) {
		if want == got {
			return
		}
		ws = append(ws, Warning{
			Rule:     RuleDeployedConfig,
			Severity: SeverityWarning,
			Dev:      fmt.Sprintf("%s: %s (lambdev.yaml)", field, want),
			Prod:     fmt.Sprintf("%s: %s (deployed)", field, got),
			Hint:     "redeploy (lambdev deploy) or update lambdev.yaml to match",
		})
	}
	add("runtime", want.Runtime, got.Runtime)
	add("handler", want.Handler, got.Handler)
	add("memory", fmt.Sprintf("%d MB", want.MemoryMB), fmt.Sprintf("%d MB", got.MemoryMB))
	add("timeout", want.Timeout.String(), got.Timeout.String())
	add("architecture", want.Architecture, got.Architecture)
	missing, extra := keyDiff(want.EnvKeys, got.EnvKeys)
	if bridged {
		extra = nil
	}
	if len(missing)+len(extra) > 0 {
		add("environment", envFact(want.EnvKeys, missing, "missing in AWS"), envFact(got.EnvKeys, extra, "not declared"))
	}
	return ws
}

// keyDiff returns keys in want but not got, and in got but not want.
func keyDiff(want, got []string) (missing, extra []string) {
	for _, k := range want {
		if !slices.Contains(got, k) {
			missing = append(missing, k)
		}
	}
	for _, k := range got {
		if !slices.Contains(want, k) {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return missing, extra
}

// envFact summarises a key set and the keys that differ.
func envFact(all, diff []string, what string) string {
	s := fmt.Sprintf("%d keys", len(all))
	if len(diff) > 0 {
		s += fmt.Sprintf(", %s %s", strings.Join(diff, ", "), what)
	}
	return s
}
