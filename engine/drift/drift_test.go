package drift

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSeverityJSON(t *testing.T) {
	w := Warning{Rule: RuleNativeGlibc, Severity: SeverityError, Function: "f", Dev: "d", Prod: "p", Hint: "h", File: "x.so"}
	b, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"rule":"native-glibc","severity":"error","function":"f","dev":"d","prod":"p","hint":"h","file":"x.so"}`
	if string(b) != want {
		t.Errorf("json = %s\nwant   %s", b, want)
	}
	var back Warning
	if err := json.Unmarshal(b, &back); err != nil || back != w {
		t.Errorf("round trip = %+v, %v", back, err)
	}
	var s Severity
	if err := json.Unmarshal([]byte(`"fatal"`), &s); err == nil {
		t.Error("unknown severity accepted")
	}
	for sev, name := range map[Severity]string{SeverityInfo: "info", SeverityWarning: "warning", SeverityError: "error"} {
		if sev.String() != name {
			t.Errorf("%d.String() = %s", sev, sev)
		}
	}
}

// mixed is a project that trips several rules in two functions.
func mixed(t *testing.T) Input {
	t.Helper()
	a := fn("a", "python3.9", "x86_64")
	a.Environment["AWS_KEY"] = "AKIAIOSFODNN7EXAMPLE"
	b := fn("b", "python3.11", "x86_64")
	b.Drift.Ignore = []string{RuleRuntimeSwap, RuleEnvShellOnly}
	return Input{
		Project:   project(t.TempDir(), b, a), // unsorted on purpose
		Mode:      ModeCloudDev,
		Host:      Host{Arch: "arm64", OS: "darwin"},
		Now:       time.Date(2027, 8, 1, 0, 0, 0, 0, time.UTC),
		WorkerEnv: map[string][]string{"a": {"AWS_PROFILE=x"}, "b": {"AWS_PROFILE=x"}},
	}
}

func TestCheckOrderAndSilencing(t *testing.T) {
	ws := Check(mixed(t))
	var got []string
	for _, w := range ws {
		s := w.Function + ":" + w.Rule
		if w.Silenced {
			s += "(silenced)"
		}
		got = append(got, s)
	}
	want := "a:architecture a:env-secret a:env-shell-only a:runtime-lifecycle a:runtime-swap " +
		"b:architecture b:env-shell-only(silenced) b:runtime-lifecycle b:runtime-swap(silenced)"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
	// Errors: both lifecycles (create blocked 2027-07-29). Warnings: a's swap, secret and
	// shell env. Infos: two architecture (no native code).
	if e, w, i := Summary(ws); e != 2 || w != 3 || i != 2 {
		t.Errorf("Summary = %d/%d/%d, want 2/3/2", e, w, i)
	}
}

func TestSilencedErrorsNeverCount(t *testing.T) {
	in := mixed(t)
	for _, f := range in.Project.Functions {
		f.Drift.Ignore = append(f.Drift.Ignore, RuleRuntimeLifecycle)
	}
	if e, _, _ := Summary(Check(in)); e != 0 {
		t.Errorf("silenced lifecycle errors counted: %d", e)
	}
}

func TestCheckSharedCodeDirScannedOnce(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "handler.py"), []byte("def main(e, c): pass\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	in := Input{Project: project(dir, fn("a", "python3.12", "x86_64"), fn("b", "python3.12", "x86_64")), Mode: ModeDeploy}
	if ws := Check(in); len(ws) != 0 {
		t.Errorf("clean project: %v", ws)
	}
	if Check(Input{}) != nil {
		t.Error("nil project should give no warnings")
	}
}

func TestWarningString(t *testing.T) {
	w := Warning{Rule: RuleNativeArch, Severity: SeverityError, Function: "f", File: "a.so", Dev: "d", Prod: "p", Hint: "h", Silenced: true}
	if got, want := w.String(), "error native-arch f a.so: dev: d; prod: p (h) [silenced]"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestRuleIDsMatchDocTable(t *testing.T) {
	src, err := os.ReadFile("rules.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range Rules {
		if !strings.Contains(string(src), "//\t"+r+" ") {
			t.Errorf("rule %s missing from the rules.go table", r)
		}
	}
}
