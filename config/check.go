package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// checkFunction checks what depends on several merged settings: the runtime,
// its architectures, the handler on disk and the environment size. It sets f.Kind.
func (d *decoder) checkFunction(p *Project, f *Function, s spec, now time.Time) {
	d.checkEnvSize(f, s)
	if f.PerTenant() && f.URL != nil {
		d.hintf(s.tenancy.pos, "invoke it through the Invoke API (or API Gateway) with a tenant id, or drop url:",
			"function `%s` has tenancy %s and a url: Lambda does not give function URLs to tenant-isolated functions", f.Name, f.Tenancy)
	}
	if !s.handler.set {
		d.hintf(f.Pos, "set handler: on the function (or under defaults:)", "function `%s` has no handler", f.Name)
	}
	if !s.runtime.set {
		d.hintf(f.Pos, "set runtime: on the function (or under defaults:), e.g. "+newestRuntime(FamilyPython, now),
			"function `%s` has no runtime", f.Name)
		return
	}
	if s.runtime.bad {
		return
	}
	rt, ok := LookupRuntime(f.Runtime)
	if !ok {
		d.hintf(s.runtime.pos, unknownRuntimeHint(f.Runtime, now), "unknown runtime %q", f.Runtime)
		return
	}
	f.Kind = rt.Family
	d.checkLifecycle(rt, s.runtime.pos, now)
	if s.arch.set && !s.arch.bad && !rt.SupportsArch(f.Architecture) {
		d.hintf(s.arch.pos, "use architecture: x86_64, or a newer runtime",
			"architecture %s is not supported by runtime %s (%s only)", f.Architecture, rt.ID, strings.Join(rt.Archs, ", "))
	}
	if s.handler.set && !s.handler.bad {
		d.checkHandler(p, f, rt, s.handler.pos)
	}
}

func (d *decoder) checkEnvSize(f *Function, s spec) {
	if size := EnvironmentSize(f.Environment); size > MaxEnvironment {
		d.hintf(s.env.pos, "move large values to SSM Parameter Store or Secrets Manager",
			"environment of function `%s` is %d bytes as Lambda measures it (the variables as one JSON object); Lambda allows %d (4 KB)",
			f.Name, size, MaxEnvironment)
	}
}

// EnvironmentSize is the size Lambda checks against its 4 KB environment
// quota: the variables as one compact JSON object, quotes, colons, commas
// and escapes included ("String measured: {…}" in its error).
func EnvironmentSize(env map[string]string) int {
	if len(env) == 0 {
		return 0
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(env); err != nil {
		return 0 // a map of strings always encodes
	}
	return b.Len() - 1 // Encode adds a newline
}

// checkLifecycle reports blocked runtimes as errors and deprecated or
// preview ones as warnings.
func (d *decoder) checkLifecycle(rt Runtime, at Pos, now time.Time) {
	lc := rt.Lifecycle(now)
	hint := ""
	if n := newestRuntime(rt.Family, now); n != "" {
		hint = "upgrade to " + n
	}
	switch lc.State {
	case UpdateBlocked:
		d.hintf(at, hint, "runtime %s can no longer be used to create or update functions (%s)", rt.ID, since("blocked", lc.Since))
	case CreateBlocked:
		d.hintf(at, hint, "runtime %s can no longer be used to create functions (%s)", rt.ID, since("blocked", lc.Since))
	case Deprecated:
		msg := fmt.Sprintf("runtime %s is deprecated since %s", rt.ID, lc.Since.Format(time.DateOnly))
		switch {
		case !rt.BlockCreate.IsZero():
			msg += fmt.Sprintf("; Lambda blocks creating functions with it from %s", rt.BlockCreate.Format(time.DateOnly))
		case !rt.BlockUpdate.IsZero():
			msg += fmt.Sprintf("; Lambda blocks updating functions with it from %s", rt.BlockUpdate.Format(time.DateOnly))
		}
		d.warnf(at, hint, "%s", msg)
	case Supported:
		if rt.Preview {
			d.warnf(at, "preview runtimes may change; for production use "+newestRuntime(rt.Family, now),
				"runtime %s is in public preview", rt.ID)
		}
	}
}

func since(what string, t time.Time) string {
	if t.IsZero() {
		return "retired"
	}
	return what + " since " + t.Format(time.DateOnly)
}

// newestRuntime is the newest supported, non-preview runtime of family at now.
func newestRuntime(family string, now time.Time) string {
	if family == FamilyGo {
		family = FamilyProvided
	}
	for _, r := range catalogSorted {
		if r.Family == family && !r.Preview && r.Lifecycle(now).State == Supported {
			return r.ID
		}
	}
	return ""
}

// usableRuntimes lists the ids of family (all families when empty) that can
// still be used to create functions at now.
func usableRuntimes(family string, now time.Time) []string {
	var ids []string
	for _, r := range catalogSorted {
		if (family == "" || r.Family == family) && r.Lifecycle(now).State <= Deprecated {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// digits returns the decimal digits in s: "nodejs22.x" → "22".
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// unknownRuntimeHint suggests a close identifier with the same version digits, else lists the usable ids
// of the family the name looks like, else all usable ids.
func unknownRuntimeHint(id string, now time.Time) string {
	if c := closest(id, RuntimeIDs()); c != "" && digits(c) == digits(id) {
		return fmt.Sprintf("did you mean `%s`?", c)
	}
	prefix := strings.TrimRight(strings.ToLower(id), "0123456789.x")
	family := ""
	for _, r := range catalogSorted {
		if prefix != "" && strings.HasPrefix(r.ID, prefix) {
			family = r.Family
			break
		}
	}
	if family == "" {
		return "supported runtimes: " + strings.Join(usableRuntimes("", now), ", ")
	}
	return fmt.Sprintf("supported %s runtimes: %s", family, strings.Join(usableRuntimes(family, now), ", "))
}
