package runtimes_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lambdev/lambdev/engine/runtimes"
)

// TestPythonBootstrapLeanAndFaithfulJSON runs testdata/pycheck/check_bootstrap.py
// under each Python the launcher picks for 3.11, 3.12 and 3.13: importing the
// bootstrap must not import json, re, socket or logging (each cold start
// pays for them), and its _json-built loads/to_json must agree with the json
// module on results and error messages, with and without ASCII escaping; and
// its pipelined POST + GET /next must survive a server that closes after the POST.
func TestPythonBootstrapLeanAndFaithfulJSON(t *testing.T) {
	requireTool(t, "python3")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "lambdev_bootstrap.py"), runtimes.PythonBootstrap, 0o644); err != nil {
		t.Fatal(err)
	}
	check := testdata(t, "pycheck", "check_bootstrap.py")
	seen := map[string]bool{}
	for _, version := range []string{"3.11", "3.12", "3.13"} {
		spec := pythonSpec(t, "app.echo")
		spec.Runtime, spec.Version = "python"+version, version
		python := prepare(t, spec).Path
		if seen[python] {
			continue
		}
		seen[python] = true
		for _, execEnv := range []string{"AWS_Lambda_python3.11", "AWS_Lambda_python3.12"} {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			cmd := exec.CommandContext(ctx, python, "-I", "-S", check, dir)
			cmd.Env = append(os.Environ(), "AWS_EXECUTION_ENV="+execEnv)
			out, err := cmd.CombinedOutput()
			cancel()
			if err != nil || !strings.Contains(string(out), "equivalent on") || !strings.Contains(string(out), "survives a close") {
				t.Errorf("%s with %s: %v\n%s", python, execEnv, err, out)
			}
		}
	}
}
