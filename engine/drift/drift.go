// Package drift names every difference between where a function's code runs in
// development and the production environment it is declared for: the runtime
// swapped to the cloud-dev bridge, the local interpreter, CPU and environment,
// native libraries built for another glibc or architecture, runtime lifecycle,
// Lambda quotas and the configuration actually deployed.
//
// Rules are pure functions of their inputs: the engine gathers facts (host,
// launched interpreters, worker environments, observed invocations, deployed
// configuration) and drift turns them into Warnings. It imports only config.
package drift

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/lambdev/lambdev/config"
)

// Severity ranks a warning; --ci fails on SeverityError.
type Severity int

// Severities, from least to most serious.
const (
	SeverityInfo Severity = iota
	SeverityWarning
	SeverityError
)

// String returns "info", "warning" or "error".
func (s Severity) String() string {
	switch s {
	case SeverityInfo:
		return "info"
	case SeverityWarning:
		return "warning"
	case SeverityError:
		return "error"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// MarshalJSON encodes the severity as its name.
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON decodes a severity name written by MarshalJSON.
func (s *Severity) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return err
	}
	for _, v := range []Severity{SeverityInfo, SeverityWarning, SeverityError} {
		if v.String() == name {
			*s = v
			return nil
		}
	}
	return fmt.Errorf("drift: unknown severity %q", name)
}

// Warning is one named difference between dev and production.
type Warning struct {
	// Rule is the stable rule id (see Rules), e.g. "runtime-swap".
	Rule string `json:"rule"`
	// Severity is how serious the difference is.
	Severity Severity `json:"severity"`
	// Function is the lambdev function name.
	Function string `json:"function"`
	// Dev is the fact on the dev side.
	Dev string `json:"dev"`
	// Prod is the fact on the production side.
	Prod string `json:"prod"`
	// Hint is a one-line fix.
	Hint string `json:"hint"`
	// Silenced is true when the rule is listed in the function's drift.ignore.
	Silenced bool `json:"silenced,omitempty"`
	// File is the file concerned (relative to the code dir), when there is one.
	File string `json:"file,omitempty"`
}

// String renders the warning on one line for logs and headless output.
func (w Warning) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s", w.Severity, w.Rule, w.Function)
	if w.File != "" {
		fmt.Fprintf(&b, " %s", w.File)
	}
	fmt.Fprintf(&b, ": dev: %s; prod: %s", w.Dev, w.Prod)
	if w.Hint != "" {
		fmt.Fprintf(&b, " (%s)", w.Hint)
	}
	if w.Silenced {
		b.WriteString(" [silenced]")
	}
	return b.String()
}

// Mode is how the project is being run; it decides which rules apply.
type Mode string

// Modes, as in DESIGN.md "Modes".
const (
	// ModeLocal runs every function on this machine (lambdev dev).
	ModeLocal Mode = "local"
	// ModeCloudDev deploys live functions as the relay bridge (lambdev dev --aws).
	ModeCloudDev Mode = "cloud-dev"
	// ModeDeploy deploys every function as declared (lambdev deploy, --ci).
	ModeDeploy Mode = "deploy"
)

// Input is everything Check needs; zero-valued optional fields skip their rules.
type Input struct {
	// Project is the loaded project; required.
	Project *config.Project
	// Mode selects the rules that apply.
	Mode Mode
	// Host is the machine the code runs on in dev (DetectHost).
	Host Host
	// Now dates lifecycle rules; zero means time.Now().
	Now time.Time
	// Live overrides a function's declared dev flag (the TUI's live/deployed
	// toggle), as engine.Plan's live argument does; it may be nil.
	Live map[string]bool
	// Interpreters maps a function name to the interpreter version the engine
	// launched for it ("3.13.0", "v20.20.2"); functions absent are skipped.
	Interpreters map[string]string
	// WorkerEnv maps a function name to the KEY=VALUE list its worker got,
	// excluding what the launcher sets on purpose (the Lambda variables and its
	// own Prepared.Env); declared keys are subtracted here.
	WorkerEnv map[string][]string
	// Interpolated maps a function name to the environment keys whose values
	// came from ${env:…}/${ssm:…} interpolation; env-secret skips them.
	Interpolated map[string][]string
	// Deployed maps a function name to its configuration read back from AWS.
	Deployed map[string]DeployedConfig
}

// Check runs the static rules (including the native-code scan of each code
// directory) over every function, in order of function, rule and file.
func Check(in Input) []Warning {
	if in.Project == nil {
		return nil
	}
	if in.Now.IsZero() {
		in.Now = time.Now()
	}
	scans := map[string]*scan{}
	var out []Warning
	for _, f := range in.Project.Functions {
		dir := in.Project.CodeDir(f)
		sc, ok := scans[dir]
		if !ok {
			sc = scanDir(dir, defaultLimits)
			scans[dir] = sc
		}
		out = append(out, checkFunction(in, f, sc)...)
	}
	sortWarnings(out)
	return out
}

// checkFunction runs every static rule for one function.
func checkFunction(in Input, f *config.Function, sc *scan) []Warning {
	live := f.Dev
	if v, ok := in.Live[f.Name]; ok {
		live = v
	}
	runsHere := runsLocally(f) && (in.Mode == ModeLocal || (in.Mode == ModeCloudDev && live))
	var ws []Warning
	if in.Mode == ModeCloudDev && live {
		ws = append(ws, runtimeSwap(f)...)
	}
	if runsHere {
		if v, ok := in.Interpreters[f.Name]; ok {
			ws = append(ws, interpreterVersion(f, v)...)
		}
		ws = append(ws, architecture(f, in.Host, len(sc.elves) > 0)...)
		if env, ok := in.WorkerEnv[f.Name]; ok {
			ws = append(ws, envShellOnly(f, env)...)
		}
	}
	ws = append(ws, runtimeLifecycle(f, in.Now)...)
	ws = append(ws, nativeGlibc(f, sc, in.Host)...)
	ws = append(ws, nativeArch(f, sc)...)
	ws = append(ws, nativeOS(f, sc)...)
	ws = append(ws, packageSize(f, sc)...)
	ws = append(ws, envSecret(f, in.Interpolated[f.Name])...)
	if d, ok := in.Deployed[f.Name]; ok {
		ws = append(ws, deployedConfig(f, in.Mode == ModeCloudDev && live, d)...)
	}
	return silence(f, ws)
}

// runsLocally reports whether lambdev can run f's family on this machine at all
// (java, dotnet and ruby functions are never run locally).
func runsLocally(f *config.Function) bool {
	switch f.Kind {
	case config.FamilyPython, config.FamilyNode, config.FamilyGo, config.FamilyProvided:
		return true
	}
	return false
}

// silence stamps the function name and marks rules in f.Drift.Ignore.
func silence(f *config.Function, ws []Warning) []Warning {
	for i := range ws {
		ws[i].Function = f.Name
		ws[i].Silenced = slices.Contains(f.Drift.Ignore, ws[i].Rule)
	}
	return ws
}

// sortWarnings orders by function, rule and file, keeping each rule's own order.
func sortWarnings(ws []Warning) {
	sort.SliceStable(ws, func(i, j int) bool {
		a, b := ws[i], ws[j]
		if a.Function != b.Function {
			return a.Function < b.Function
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.File < b.File
	})
}

// Summary counts unsilenced warnings by severity.
func Summary(ws []Warning) (errors, warnings, infos int) {
	for _, w := range ws {
		if w.Silenced {
			continue
		}
		switch w.Severity {
		case SeverityError:
			errors++
		case SeverityWarning:
			warnings++
		default:
			infos++
		}
	}
	return errors, warnings, infos
}
