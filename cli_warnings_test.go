package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A project file warning (here a deprecated runtime) reaches `check --json`
// as structured data, since stderr's lines are not read by a JSON reader,
// and is printed once, with one "warning:", in text.
func TestCheckReportsProjectFileWarnings(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.js"), []byte("exports.handler = async () => 1;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "lambdev.yaml")
	yaml := "app: warn\nstage: dev\nregion: us-east-1\nfunctions:\n  old: {handler: index.handler, runtime: nodejs20.x}\n"
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := cli(t, "check", "--mode", "deploy", "--json", "-f", file)
	var doc struct {
		ConfigWarnings []configProblem `json:"configWarnings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 || errOut != "" {
		t.Fatalf("check --json: exit %d, %v\nstdout %s\nstderr %s", code, err, out, errOut)
	}
	if len(doc.ConfigWarnings) != 1 {
		t.Fatalf("configWarnings %+v, want the deprecated runtime", doc.ConfigWarnings)
	}
	w := doc.ConfigWarnings[0]
	if w.File != file || w.Line != 5 || w.Col == 0 || !strings.Contains(w.Message, "nodejs20.x is deprecated") || w.Hint == "" {
		t.Errorf("config warning %+v, want the runtime's position, message and hint", w)
	}

	out, errOut, _ = cli(t, "check", "--mode", "deploy", "-f", file)
	if strings.Count(errOut, "warning:") != 1 || !strings.HasPrefix(errOut, file+":5:") || !strings.Contains(out, "1 project file warning(s)") {
		t.Errorf("text check: stdout %q stderr %q; want the warning once, at its position, and counted", out, errOut)
	}
}

// Every command answers --help with its usage and exit 0, as the README
// promises ("--help on each").
func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands {
		_, errOut, code := cli(t, c.name, "--help")
		if code != 0 || !strings.Contains(errOut, "Usage: lambdev "+c.name) {
			t.Errorf("%s --help: exit %d, stderr %q; want 0 and its usage", c.name, code, errOut)
		}
	}
	out, _, code := cli(t, "version", "--json")
	var v struct{ Version string }
	if err := json.Unmarshal([]byte(out), &v); err != nil || code != 0 || v.Version == "" {
		t.Errorf("version --json: exit %d, %q (%v)", code, out, err)
	}
}

// A bad project file under --json gives each problem as data: position,
// message and hint, not one string with the hints folded in.
func TestJSONConfigErrorsAreStructured(t *testing.T) {
	file := filepath.Join(t.TempDir(), "lambdev.yaml")
	yaml := "app: x\nfunctions:\n  g: {handler: a.b, runtime: python3.12, memory: 5}\n"
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := cli(t, "plan", "--json", "-f", file)
	var doc struct {
		Error    string
		Problems []configProblem
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != exitUsage || len(doc.Problems) != 2 {
		t.Fatalf("plan --json of a bad file: exit %d, %v, %+v\n%s", code, err, doc, out)
	}
	mem := doc.Problems[1]
	if mem.File != file || mem.Line != 3 || mem.Col == 0 || !strings.HasPrefix(mem.Message, "memory must be between 128 and 10240 MB") ||
		mem.Hint == "" || mem.Warning || strings.Contains(mem.Message, "hint") {
		t.Errorf("memory problem %+v, want its position, message and hint apart", mem)
	}
}
