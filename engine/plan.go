package engine

import (
	"github.com/lambdev/lambdev/config"
)

// Mode is what a plan is computed for.
type Mode string

// Plan modes (DESIGN.md "Modes").
const (
	// ModeDev is live development: live functions are replaced in Lambda by the
	// relay bridge on provided.al2023 and their code runs on this machine.
	ModeDev Mode = "dev"
	// ModeDeploy deploys every function exactly as declared; nothing is swapped.
	ModeDeploy Mode = "deploy"
)

// ParseMode turns a --mode flag value into a Mode.
func ParseMode(s string) (Mode, bool) {
	switch Mode(s) {
	case ModeDev, ModeDeploy:
		return Mode(s), true
	}
	return "", false
}

// Side describes one runtime: the declared one or the one Lambda actually runs.
type Side struct {
	Runtime string `json:"runtime"`
	// OS is the catalog id (AL1, AL2, AL2023); OSName the display name.
	OS     string `json:"os"`
	OSName string `json:"osName"`
	Glibc  string `json:"glibc"`
	Arch   string `json:"architecture"`
}

// Row is one function's plan: what runs in Lambda and why.
type Row struct {
	Function   string `json:"function"`
	LambdaName string `json:"lambdaName"`
	// Live is true when invocations run on this machine (LIVE), false when
	// the function runs as declared (DEPLOYED).
	Live bool `json:"live"`
	// Bridge is true when Lambda runs the relay bridge instead of the code.
	Bridge    bool `json:"bridge"`
	Declared  Side `json:"declared"`
	Effective Side `json:"effective"`
	// Swapped is true when the effective runtime differs from the declared one.
	Swapped bool   `json:"swapped"`
	Reason  string `json:"reason"`
}

// Plan computes each function's effective runtime for mode. live overrides a
// function's declared dev flag (the TUI's live/deployed toggle); it may be nil.
// Plan is pure: same inputs, same rows, in the project's function order.
func Plan(p *config.Project, mode Mode, live map[string]bool) []Row {
	rows := make([]Row, 0, len(p.Functions))
	for _, f := range p.Functions {
		isLive := f.Dev
		overridden := false
		if v, ok := live[f.Name]; ok && v != f.Dev {
			isLive, overridden = v, true
		}
		rows = append(rows, planRow(p, f, mode, isLive, overridden))
	}
	return rows
}

func planRow(p *config.Project, f *config.Function, mode Mode, live, overridden bool) Row {
	declared := side(f.Runtime, f.Architecture)
	r := Row{
		Function:   f.Name,
		LambdaName: p.LambdaName(f),
		Declared:   declared,
		Effective:  declared,
	}
	switch {
	case mode == ModeDeploy:
		r.Reason = "deploy never swaps"
	case !live && overridden:
		r.Reason = "toggled to deployed"
	case !live:
		r.Reason = "dev: false"
	default:
		r.Live, r.Bridge = true, true
		r.Effective = side(config.BridgeRuntime, f.Architecture)
		r.Reason = "live: code runs on this machine"
		if overridden {
			r.Reason = "toggled to live: code runs on this machine"
		}
	}
	r.Swapped = r.Effective.Runtime != r.Declared.Runtime
	return r
}

func side(runtime, arch string) Side {
	s := Side{Runtime: runtime, Arch: arch}
	if rt, ok := config.LookupRuntime(runtime); ok {
		s.OS = rt.OS
		s.OSName = config.OSName(rt.OS)
		s.Glibc = rt.Glibc
	}
	return s
}
