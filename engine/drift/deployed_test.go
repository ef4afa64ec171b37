package drift

import (
	"strings"
	"testing"
	"time"
)

func TestDeployedConfig(t *testing.T) {
	f := fn("api", "python3.11", "x86_64")
	f.Environment = map[string]string{"TABLE": "t", "STAGE": "dev"}
	asDeclared := DeployedConfig{
		Runtime: "python3.11", Handler: "handler.main", MemoryMB: 128, Timeout: 3 * time.Second,
		Architecture: "x86_64", EnvKeys: []string{"STAGE", "TABLE"},
	}
	tests := []struct {
		name   string
		mode   Mode
		live   bool
		mutate func(*DeployedConfig)
		fields []string // Dev prefixes of expected warnings, in order
	}{
		{"matches", ModeDeploy, true, func(*DeployedConfig) {}, nil},
		{"memory and timeout", ModeDeploy, true, func(d *DeployedConfig) { d.MemoryMB, d.Timeout = 256, 10*time.Second }, []string{"memory: 128 MB", "timeout: 3s"}},
		{"runtime and arch", ModeDeploy, true, func(d *DeployedConfig) { d.Runtime, d.Architecture = "python3.12", "arm64" }, []string{"runtime: python3.11", "architecture: x86_64"}},
		{"env keys", ModeDeploy, true, func(d *DeployedConfig) { d.EnvKeys = []string{"TABLE", "OLD"} }, []string{"environment: 2 keys, STAGE missing in AWS"}},
		{"bridge expected but declared deployed", ModeCloudDev, true, func(*DeployedConfig) {}, []string{"runtime: provided.al2023", "handler: bootstrap"}},
		{"dev false in cloud dev is declared", ModeCloudDev, false, func(*DeployedConfig) {}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := asDeclared
			d.EnvKeys = append([]string(nil), asDeclared.EnvKeys...)
			tt.mutate(&d)
			f.Dev = tt.live
			in := Input{Project: project(t.TempDir(), f), Mode: tt.mode, Deployed: map[string]DeployedConfig{"api": d}}
			ws := only(Check(in), RuleDeployedConfig)
			if len(ws) != len(tt.fields) {
				t.Fatalf("got %v, want %v", ws, tt.fields)
			}
			for i, w := range ws {
				if !strings.HasPrefix(w.Dev, tt.fields[i]) || w.Severity != SeverityWarning {
					t.Errorf("warning %d = %v, want Dev prefix %q", i, w, tt.fields[i])
				}
			}
		})
	}
}

func TestDeployedBridgeMayAddEnv(t *testing.T) {
	f := fn("api", "python3.11", "x86_64")
	f.Environment = map[string]string{"TABLE": "t"}
	d := Expected(f, true)
	d.EnvKeys = append(d.EnvKeys, "LAMBDEV_RELAY_URL")
	in := Input{Project: project(t.TempDir(), f), Mode: ModeCloudDev, Deployed: map[string]DeployedConfig{"api": d}}
	wantNone(t, only(Check(in), RuleDeployedConfig))
}
