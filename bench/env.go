package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// loadAvg is the 1, 5 and 15 minute load average.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// cpuModel is the first "model name" of /proc/cpuinfo.
func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

// output runs a command and returns its first output line, or "?".
func output(dir, name string, args ...string) string {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "?"
	}
	return firstLine(string(out))
}

// npmVersion reads a package's version from node_modules.
func npmVersion(mods, pkg string) string {
	b, err := os.ReadFile(filepath.Join(mods, pkg, "package.json"))
	if err != nil {
		return "?"
	}
	var v struct{ Version string }
	_ = json.Unmarshal(b, &v)
	return v.Version
}

// rieVersion is the module version go install recorded in the binary.
func rieVersion(path string) string {
	out, err := exec.Command("go", "version", "-m", path).Output()
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[0] == "mod" {
			return f[2]
		}
	}
	return "?"
}

// environment describes the machine and the versions measured.
func environment(t *tools, cfg settings) []string {
	mode := "default"
	switch {
	case !cfg.peers:
		mode = "smoke (lambdev only)"
	case cfg.invokes < 400:
		mode = "-quick"
	}
	rev := output(t.root, "git", "rev-parse", "--short", "HEAD")
	if output(t.root, "git", "status", "--porcelain", "--untracked-files=no") != "" {
		rev += " plus the work tree's uncommitted changes"
	}
	h := []string{
		fmt.Sprintf("Run: %s, mode %s; lambdev %s, built from the work tree.", time.Now().UTC().Format("2006-01-02 15:04 MST"), mode, rev),
		fmt.Sprintf("Machine: %s, %d cores, %s/%s; load average (1/5/15 min) at the start: %s.",
			cpuModel(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, loadAvg()),
		fmt.Sprintf("Tools: %s, %s, node %s.", output(t.root, "go", "version"), output(t.root, "python3", "--version"),
			output(t.root, "node", "--version")),
	}
	if t.rie != "" {
		h = append(h, fmt.Sprintf("RIE: aws-lambda-rie %s (%s).", rieVersion(t.rie), rieModule))
	} else {
		h = append(h, "RIE: "+t.rieSkip)
	}
	if t.sls != "" {
		h = append(h, fmt.Sprintf("serverless-offline %s on serverless %s (%s).", npmVersion(t.slsMods, "serverless-offline"),
			npmVersion(t.slsMods, "serverless"), filepath.Dir(t.slsMods)))
	} else {
		h = append(h, "serverless-offline: "+t.slsSkip)
	}
	return h
}
