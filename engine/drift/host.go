package drift

import (
	"context"
	"debug/elf"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"time"
)

// Host is the machine function code runs on in dev.
type Host struct {
	// Arch is the CPU as Lambda names it: x86_64 or arm64 (else GOARCH).
	Arch string `json:"arch"`
	// OS is runtime.GOOS: linux, darwin, windows…
	OS string `json:"os"`
	// Glibc is the C library version ("2.36"); empty when not glibc (macOS, musl).
	Glibc string `json:"glibc,omitempty"`
}

// DetectHost describes this machine. Glibc is read from the version
// definitions of libc.so.6 (no cgo), falling back to `ldd --version`.
func DetectHost() Host {
	h := Host{Arch: LambdaArch(runtime.GOARCH), OS: runtime.GOOS}
	if h.OS == "linux" {
		h.Glibc = detectGlibc()
	}
	return h
}

// LambdaArch maps a GOARCH to Lambda's architecture name.
func LambdaArch(goarch string) string {
	switch goarch {
	case "amd64":
		return "x86_64"
	case "arm64":
		return "arm64"
	}
	return goarch
}

// libcCandidates are where distributions keep the glibc shared object.
var libcCandidates = []string{
	"/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6",
	"/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/aarch64-linux-gnu/libc.so.6",
	"/lib64/libc.so.6", "/usr/lib64/libc.so.6", "/lib/libc.so.6", "/usr/lib/libc.so.6",
}

func detectGlibc() string {
	paths := append([]string(nil), libcCandidates...)
	if more, err := filepath.Glob("/lib/*/libc.so.6"); err == nil {
		paths = append(paths, more...)
	}
	for _, p := range paths {
		if v := libcVersion(p); v != "" {
			return v
		}
	}
	return lddVersion()
}

// libcVersion returns the highest GLIBC_x.y version a libc.so.6 defines.
func libcVersion(path string) string {
	f, err := elf.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	defs, err := f.DynamicVersions()
	if err != nil {
		return ""
	}
	best := ""
	for _, d := range defs {
		if v, ok := glibcVersion(d.Name); ok && (best == "" || compareVersion(v, best) > 0) {
			best = v
		}
	}
	return best
}

var lddRE = regexp.MustCompile(`(?i)(?:glibc|gnu libc).*?(\d+\.\d+)`)

// lddVersion parses the first line of `ldd --version` ("ldd (Debian GLIBC 2.36-9) 2.36").
func lddVersion() string {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ldd", "--version").Output()
	if err != nil {
		return ""
	}
	if m := lddRE.FindSubmatch(out); m != nil {
		return string(m[1])
	}
	return ""
}
