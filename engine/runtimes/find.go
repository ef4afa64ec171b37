package runtimes

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// candidate is one place an interpreter may live.
type candidate struct {
	// cmd is a command name looked up on PATH, or an absolute path.
	cmd string
	// exact means the candidate is only acceptable when its version matches.
	exact bool
}

// findInterpreter probes candidates in order and returns the first exact
// one whose version matches, else the first working fallback (Matched=false).
// matches reports whether a probed version satisfies the declared one.
func findInterpreter(ctx context.Context, dir string, cands []candidate, matches func(string) bool, args ...string) (probed, error) {
	var problems []string
	for _, c := range resolveCandidates(cands, &problems) {
		p, err := probeInterpreter(ctx, dir, c.cmd, args...)
		if err != nil {
			if ctx.Err() != nil {
				return probed{}, ctx.Err()
			}
			problems = append(problems, err.Error())
			continue
		}
		p.in.Matched = matches(p.in.Version)
		if p.in.Matched || !c.exact {
			return p, nil
		}
	}
	names := make([]string, 0, len(cands))
	for _, c := range cands {
		if !c.exact || !filepath.IsAbs(c.cmd) {
			names = append(names, c.cmd)
		}
	}
	err := fmt.Errorf("%w: tried %s", ErrNoInterpreter, strings.Join(names, ", "))
	if len(problems) > 0 {
		err = fmt.Errorf("%w (%s)", err, strings.Join(problems, "; "))
	}
	return probed{}, err
}

// resolveCandidates looks each candidate up on PATH, dropping (and noting
// in problems, when it is not plain absence) those not found, and moves an
// exact candidate that is a version manager's shim after the other exact
// ones. A shim (pyenv, asdf, mise: an executable in a directory named shims)
// runs the manager to pick a version, and for a version the manager has not
// selected fails only after ~1 s; the installs behind it are candidates of
// their own, found without running anything. Probed first, a shim for
// python3.12 where pyenv selects 3.11 cost every session start 0.9 s.
func resolveCandidates(cands []candidate, problems *[]string) []candidate {
	var out, shims []candidate
	for _, c := range cands {
		path, err := exec.LookPath(c.cmd)
		if err != nil {
			if !errors.Is(err, exec.ErrNotFound) && !errors.Is(err, os.ErrNotExist) {
				*problems = append(*problems, err.Error())
			}
			continue
		}
		c.cmd = path
		if c.exact && filepath.Base(filepath.Dir(path)) == "shims" {
			shims = append(shims, c)
			continue
		}
		if !c.exact { // the fallbacks come after every exact candidate
			out, shims = append(out, shims...), nil
		}
		out = append(out, c)
	}
	return append(out, shims...)
}

// managedInstalls lists executables under version-manager directories that
// match glob patterns, newest version first. Each pattern's first '*' is
// where the version's remaining components are.
func managedInstalls(patterns ...string) []string {
	var found []string
	for _, p := range patterns {
		matches, _ := filepath.Glob(p)
		found = append(found, matches...)
	}
	sort.SliceStable(found, func(i, j int) bool {
		return versionLess(versionIn(found[j]), versionIn(found[i]))
	})
	return found
}

// versionIn extracts the first dotted number sequence (1.2.3) in s.
func versionIn(s string) string {
	start := strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' })
	for start >= 0 {
		end := start
		for end < len(s) && (s[end] == '.' || (s[end] >= '0' && s[end] <= '9')) {
			end++
		}
		v := strings.Trim(s[start:end], ".")
		if strings.Contains(v, ".") {
			return v
		}
		next := strings.IndexFunc(s[end:], func(r rune) bool { return r >= '0' && r <= '9' })
		if next < 0 {
			break
		}
		start = end + next
	}
	return ""
}

// versionLess compares dotted numeric versions component by component.
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, _ := strconv.Atoi(as[i])
		y, _ := strconv.Atoi(bs[i])
		if x != y {
			return x < y
		}
	}
	return len(as) < len(bs)
}

// homeDir returns $HOME, or "" when unknown.
func homeDir() string {
	h, _ := os.UserHomeDir()
	return h
}

// envOr returns the environment variable key, or def when it is unset.
func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
