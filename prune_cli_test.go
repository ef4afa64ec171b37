package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDeployListsThenPrunesUndeclared drops a function from a deployed
// project file: `deploy` lists it as undeclared and leaves it (exit 0),
// `deploy --prune` deletes it, and the next deploy has nothing to say.
func TestDeployListsThenPrunesUndeclared(t *testing.T) {
	useMoto(t)
	dir := t.TempDir()
	for _, f := range []string{"functions/api/app.py", "functions/web/index.js"} {
		b, err := os.ReadFile(filepath.Join("testdata/sample", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(dir, "lambdev.yaml")
	write := func(functions string) {
		t.Helper()
		yaml := "app: trim\nstage: dev\nregion: us-east-1\nfunctions:\n" + functions
		if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const api = "  api: {handler: functions/api/app.handler, runtime: python3.12}\n"
	const web = "  web: {handler: functions/web/index.handler, runtime: nodejs22.x}\n"
	deploy := func(args ...string) map[string]string {
		t.Helper()
		out, errOut, code := cli(t, append([]string{"--ci", "deploy", "--json", "-f", file}, args...)...)
		if code != 0 {
			t.Fatalf("deploy %v: exit %d\nstdout %s\nstderr %s", args, code, out, errOut)
		}
		var s struct {
			Deployed bool `json:"deployed"`
			Report   struct {
				Functions []struct{ Function, Name, Action string } `json:"functions"`
			} `json:"report"`
		}
		if err := json.Unmarshal([]byte(out), &s); err != nil || !s.Deployed {
			t.Fatalf("deploy --json: %v\n%s", err, out)
		}
		got := map[string]string{}
		for _, f := range s.Report.Functions {
			got[f.Function] = f.Action
		}
		return got
	}
	want := func(got, want map[string]string) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("actions %v, want %v", got, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Fatalf("actions %v, want %v", got, want)
			}
		}
	}

	write(api + web)
	want(deploy(), map[string]string{"api": "create", "web": "create"})
	write(api)
	want(deploy(), map[string]string{"api": "unchanged", "web": "undeclared"})
	out, _, code := cli(t, "--ci", "deploy", "-f", file)
	if code != 0 || !strings.Contains(out, "trim-dev-web") || !strings.Contains(out, "lambdev deploy --prune") {
		t.Errorf("text report (exit %d) does not point at --prune for web:\n%s", code, out)
	}
	want(deploy("--prune"), map[string]string{"api": "unchanged", "web": "remove"})
	want(deploy(), map[string]string{"api": "unchanged"})

	out, errOut, code := cli(t, "remove", "--json", "-f", file)
	var removed struct {
		Removed  *bool `json:"removed"`
		Deployed *bool `json:"deployed"`
	}
	if err := json.Unmarshal([]byte(out), &removed); err != nil || code != 0 || removed.Removed == nil || !*removed.Removed || removed.Deployed != nil {
		t.Errorf("remove --json: exit %d, %v; want {\"removed\": true}\n%s%s", code, err, out, errOut)
	}
}
