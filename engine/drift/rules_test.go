package drift

import (
	"slices"
	"testing"

	"github.com/lambdev/lambdev/config"
)

func TestRuntimeSwap(t *testing.T) {
	tests := []struct {
		name    string
		runtime string
		mode    Mode
		dev     bool
		want    int // -1 none, else severity
		subs    []string
	}{
		{"AL2 python bridged", "python3.11", ModeCloudDev, true, int(SeverityWarning), []string{"provided.al2023", "AL2023", "2.34", "python3.11 (AL2, glibc 2.26)", "dev: false"}},
		{"AL2 node bridged", "nodejs18.x", ModeCloudDev, true, int(SeverityWarning), []string{"AL2"}},
		{"AL2 provided bridged", "provided.al2", ModeCloudDev, true, int(SeverityWarning), nil},
		{"java17 AL2 bridged", "java17", ModeCloudDev, true, int(SeverityWarning), nil},
		{"AL2023 python bridged", "python3.12", ModeCloudDev, true, int(SeverityInfo), []string{"only the runtime id"}},
		{"bridge runtime itself", "provided.al2023", ModeCloudDev, true, -1, nil},
		{"dev false", "python3.11", ModeCloudDev, false, -1, nil},
		{"local mode", "python3.11", ModeLocal, true, -1, nil},
		{"deploy mode", "python3.11", ModeDeploy, true, -1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fn("f", tt.runtime, "x86_64")
			f.Dev = tt.dev
			ws := only(Check(Input{Project: project(t.TempDir(), f), Mode: tt.mode}), RuleRuntimeSwap)
			if tt.want < 0 {
				wantNone(t, ws)
				return
			}
			wantOne(t, ws, Severity(tt.want), tt.subs...)
		})
	}
}

func TestRuntimeSwapLiveToggle(t *testing.T) {
	f := fn("f", "python3.11", "x86_64")
	f.Dev = false
	in := Input{Project: project(t.TempDir(), f), Mode: ModeCloudDev, Live: map[string]bool{"f": true}}
	wantOne(t, only(Check(in), RuleRuntimeSwap), SeverityWarning)
}

func TestInterpreterVersion(t *testing.T) {
	tests := []struct {
		runtime, launched string
		flagged           bool
	}{
		{"python3.11", "3.13.0", true},
		{"python3.11", "3.11.9", false},
		{"python3.11", "Python 3.11.2", false},
		{"python3.9", "3.10.1", true},
		{"nodejs22.x", "20.20.2", true},
		{"nodejs22.x", "v22.11.0", false},
		{"nodejs20.x", "v20.20.2", false},
		{"provided.al2023", "go1.26.8", false}, // compiled: nothing to compare
		{"python3.12", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.runtime+"/"+tt.launched, func(t *testing.T) {
			f := fn("f", tt.runtime, "x86_64")
			in := Input{Project: project(t.TempDir(), f), Mode: ModeLocal, Interpreters: map[string]string{"f": tt.launched}}
			ws := only(Check(in), RuleInterpreterVersion)
			if !tt.flagged {
				wantNone(t, ws)
				return
			}
			wantOne(t, ws, SeverityWarning, tt.runtime)
		})
	}
}

func TestInterpreterVersionSkippedWhenNotLocal(t *testing.T) {
	f := fn("f", "python3.11", "x86_64")
	interp := map[string]string{"f": "3.13.0"}
	wantNone(t, only(Check(Input{Project: project(t.TempDir(), f), Mode: ModeDeploy, Interpreters: interp}), RuleInterpreterVersion))
	f.Dev = false // cloud dev runs a dev:false function in AWS
	wantNone(t, only(Check(Input{Project: project(t.TempDir(), f), Mode: ModeCloudDev, Interpreters: interp}), RuleInterpreterVersion))
	// …but local mode runs it here.
	wantOne(t, only(Check(Input{Project: project(t.TempDir(), f), Mode: ModeLocal, Interpreters: interp}), RuleInterpreterVersion), SeverityWarning)
}

func TestArchitectureWithoutNativeCode(t *testing.T) {
	tests := []struct {
		host, declared string
		flagged        bool
	}{
		{"arm64", "x86_64", true},
		{"x86_64", "arm64", true},
		{"x86_64", "x86_64", false},
		{"", "x86_64", false},
	}
	for _, tt := range tests {
		t.Run(tt.host+"->"+tt.declared, func(t *testing.T) {
			f := fn("f", "python3.12", tt.declared)
			in := Input{Project: project(t.TempDir(), f), Mode: ModeLocal, Host: Host{Arch: tt.host}}
			ws := only(Check(in), RuleArchitecture)
			if !tt.flagged {
				wantNone(t, ws)
				return
			}
			wantOne(t, ws, SeverityInfo, tt.host, tt.declared)
		})
	}
}

func TestLambdaArch(t *testing.T) {
	for in, want := range map[string]string{"amd64": "x86_64", "arm64": "arm64", "riscv64": "riscv64"} {
		if got := LambdaArch(in); got != want {
			t.Errorf("LambdaArch(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestRuntimeLifecycle(t *testing.T) {
	tests := []struct {
		runtime, now string
		want         int // -1 none
		subs         []string
	}{
		{"python3.13", "2026-11-25", -1, nil},
		{"python3.11", "2026-11-25", -1, nil},
		{"python3.11", "2027-04-15", int(SeverityWarning), []string{"deprecated 2027-06-30"}},
		{"python3.9", "2026-11-25", int(SeverityWarning), []string{"deprecated 2025-12-15", "2027-08-31", "move to python3.14"}},
		{"python3.9", "2027-06-01", int(SeverityWarning), []string{"creating functions blocked from 2027-07-29"}},
		{"python3.9", "2027-08-01", int(SeverityError), []string{"blocked since 2027-07-29", "2027-08-31"}},
		{"python3.9", "2027-09-01", int(SeverityError), []string{"updates blocked since 2027-08-31"}},
		{"python3.6", "2026-11-25", int(SeverityError), []string{"(retired)"}},
		{"python3.15", "2026-11-25", int(SeverityInfo), []string{"preview"}},
		{"nodejs18.x", "2026-11-25", int(SeverityWarning), []string{"move to nodejs24.x"}},
		{"go1.x", "2026-11-25", int(SeverityError), []string{"since 2024-02-08", "move to provided.al2023"}},
		{"provided.al2", "2026-11-25", int(SeverityWarning), []string{"move to provided.al2023"}},
	}
	for _, tt := range tests {
		t.Run(tt.runtime+"@"+tt.now, func(t *testing.T) {
			f := fn("f", tt.runtime, "x86_64")
			in := Input{Project: project(t.TempDir(), f), Mode: ModeDeploy, Now: day(t, tt.now)}
			ws := only(Check(in), RuleRuntimeLifecycle)
			if tt.want < 0 {
				wantNone(t, ws)
				return
			}
			wantOne(t, ws, Severity(tt.want), tt.subs...)
		})
	}
}

func TestKnownRule(t *testing.T) {
	for _, r := range Rules {
		if !KnownRule(r) {
			t.Errorf("KnownRule(%s) = false", r)
		}
	}
	if KnownRule("no-such-rule") {
		t.Error("KnownRule accepted an unknown id")
	}
}

func TestLocalRulesSkipFamiliesThatNeverRunLocally(t *testing.T) {
	f := fn("f", "java21", "x86_64")
	in := Input{Project: project(t.TempDir(), f), Mode: ModeLocal, Host: Host{Arch: "arm64", OS: "darwin"},
		WorkerEnv: map[string][]string{"f": {"AWS_PROFILE=x"}}}
	wantNone(t, Check(in))
	g := fn("g", "python3.12", "x86_64")
	in.Project = project(t.TempDir(), g)
	wantOne(t, Check(in)[:1], SeverityInfo, "code runs on arm64 darwin")
}

// TestConfigKnowsEveryRule: config validates drift.ignore against its own
// list (it may not import this package); keep it equal to Rules.
func TestConfigKnowsEveryRule(t *testing.T) {
	if !slices.Equal(config.DriftRules, Rules) {
		t.Errorf("config.DriftRules = %v\nwant Rules = %v", config.DriftRules, Rules)
	}
}
