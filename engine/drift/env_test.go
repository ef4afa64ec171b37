package drift

import (
	"strings"
	"testing"
)

func TestEnvShellOnly(t *testing.T) {
	f := fn("f", "python3.12", "x86_64")
	f.Environment["NODE_OPTIONS"] = "--enable-source-maps" // declared: production has it too
	env := []string{
		"AWS_PROFILE=admin", "AWS_SECRET_ACCESS_KEY=hunter2hunter2", "PYTHONPATH=/home/me/lib",
		"NODE_OPTIONS=--inspect", "HOME=/home/me", "AWS_REGION=us-east-1", "VIRTUAL_ENV=/home/me/.venv",
		"AWS_PROFILE=admin", // duplicates are one warning
	}
	in := Input{Project: project(t.TempDir(), f), Mode: ModeLocal, WorkerEnv: map[string][]string{"f": env}}
	ws := only(Check(in), RuleEnvShellOnly)
	var names []string
	for _, w := range ws {
		names = append(names, strings.Fields(w.Dev)[0])
		if w.Severity != SeverityWarning {
			t.Errorf("severity %s", w.Severity)
		}
		if strings.Contains(w.Dev+w.Prod+w.Hint, "hunter2") || strings.Contains(w.Dev+w.Prod, "admin") {
			t.Errorf("value leaked: %v", w)
		}
	}
	if got := strings.Join(names, ","); got != "AWS_PROFILE,AWS_SECRET_ACCESS_KEY,PYTHONPATH,VIRTUAL_ENV" {
		t.Errorf("flagged %s", got)
	}

	in.WorkerEnv = map[string][]string{"f": {"HOME=/home/me", "PATH=/usr/bin"}}
	wantNone(t, only(Check(in), RuleEnvShellOnly))
	in.WorkerEnv, in.Mode = map[string][]string{"f": env}, ModeDeploy // nothing runs locally
	wantNone(t, only(Check(in), RuleEnvShellOnly))
}

func TestEnvSecret(t *testing.T) {
	tests := []struct {
		key, value string
		shown      string // redacted form expected in Dev; "" means not flagged
	}{
		{"ACCESS", "AKIAIOSFODNN7EXAMPLE", "AKIA…PLE (20 chars)"},
		{"CREDS", "id=ASIAZZZZZZZZZZZZZXYZ;x", "ASIA…XYZ (20 chars)"},
		{"KEY", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----… (68 chars)"},
		{"DATABASE_URL", "postgres://app:s3cr3tPa55@db.internal:5432/app", "postgres://app:***@…"},
		{"STRIPE_API_KEY", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "<redacted> (32 chars)"},
		{"GITHUB_TOKEN", "ghp_Xy7Qm2Lk9Rt4Vb8Nw3Zp6Ha1Jc5Ds0Fe", "<redacted> (36 chars)"},
		{"DB_PASSWORD", "short", ""}, // too short to judge
		{"SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:x", ""}, // a reference
		{"TOKEN_TABLE", "my-app-dev-tokens-table", ""},                               // a name
		{"API_KEY", "${env:API_KEY}", ""},                                            // unresolved reference
		{"API_KEY_PARAM", "/prod/app/api-key", ""},                                   // an SSM path
		{"LOG_LEVEL", "AbCdEfGh1234567890XyZ", ""},                                   // not a secret-like name
		{"DATABASE_URL2", "postgres://db.internal:5432/app", ""},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			f := fn("f", "python3.12", "x86_64")
			f.Environment[tt.key] = tt.value
			ws := only(Check(Input{Project: project(t.TempDir(), f), Mode: ModeDeploy}), RuleEnvSecret)
			if tt.shown == "" {
				wantNone(t, ws)
				return
			}
			w := wantOne(t, ws, SeverityWarning, tt.key, tt.shown)
			secret := tt.value[4 : len(tt.value)-3]
			if strings.Contains(w.String(), secret) {
				t.Errorf("secret leaked: %s", w)
			}
		})
	}
}

func TestEnvSecretInterpolatedSkipped(t *testing.T) {
	f := fn("f", "python3.12", "x86_64")
	f.Environment["AWS_KEY"] = "AKIAIOSFODNN7EXAMPLE"
	in := Input{Project: project(t.TempDir(), f), Mode: ModeDeploy, Interpolated: map[string][]string{"f": {"AWS_KEY"}}}
	wantNone(t, only(Check(in), RuleEnvSecret))
}
