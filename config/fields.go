package config

import (
	"errors"
	"fmt"
	"math"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Lambda's limits on function settings.
const (
	MinMemory         = 128
	MaxMemory         = 10240
	MinTimeout        = time.Second
	MaxTimeout        = 900 * time.Second
	MaxConcurrency    = 1000
	MaxDescription    = 256
	MaxEnvironment    = 4096
	MaxLambdaNameLen  = 64
	maxCorsMaxAgeSecs = 86400
)

// rolePattern is the Role pattern of Lambda's CreateFunction API.
var rolePattern = regexp.MustCompile(`^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$`)

var archAliases = map[string]string{
	"amd64": ArchX86, "x86-64": ArchX86, "x64": ArchX86, "x86": ArchX86,
	"aarch64": ArchARM, "arm": ArchARM, "arm-64": ArchARM,
}

func (d *decoder) architecture(n *yaml.Node) (string, bool) {
	v, ok := d.str(n, "architecture")
	if !ok || v == ArchX86 || v == ArchARM {
		return v, ok
	}
	hint := "Lambda architectures are x86_64 and arm64"
	if a, found := archAliases[strings.ToLower(v)]; found {
		hint = fmt.Sprintf("did you mean `%s`?", a)
	}
	d.hintf(pos(n), hint, "architecture must be x86_64 or arm64, got %q", v)
	return "", false
}

// tenancy reads tenancy:, Lambda's TenancyConfig.TenantIsolationMode.
func (d *decoder) tenancy(n *yaml.Node) (string, bool) {
	v, ok := d.str(n, "tenancy")
	if !ok || v == TenancyPerTenant {
		return v, ok
	}
	hint := "PER_TENANT gives each tenant execution environments of its own; leave tenancy out for none"
	if strings.EqualFold(strings.ReplaceAll(v, "-", "_"), TenancyPerTenant) {
		hint = fmt.Sprintf("did you mean `%s`?", TenancyPerTenant)
	}
	d.hintf(pos(n), hint, "tenancy must be %s, got %q", TenancyPerTenant, v)
	return "", false
}

func (d *decoder) description(n *yaml.Node) (string, bool) {
	v, ok := d.str(n, "description")
	if ok && utf8.RuneCountInString(v) > MaxDescription {
		d.errorf(pos(n), "description is %d characters; Lambda allows at most %d",
			utf8.RuneCountInString(v), MaxDescription)
		return "", false
	}
	return v, ok
}

func (d *decoder) role(n *yaml.Node) (string, bool) {
	v, ok := d.str(n, "role")
	if ok && !rolePattern.MatchString(v) {
		d.hintf(pos(n), "leave role out and lambdev creates one",
			"role must be an IAM role ARN like arn:aws:iam::123456789012:role/name, got %q", v)
		return "", false
	}
	return v, ok
}

func (d *decoder) memory(n *yaml.Node) (int, bool) {
	return d.integer(n, intField{
		what: "memory", typeMsg: "memory must be an integer number of MB (128–10240)",
		lo: MinMemory, hi: MaxMemory, unit: " MB",
		hint: "Lambda gives a function 128 to 10240 MB of memory, e.g. memory: 1024",
	})
}

func (d *decoder) concurrency(n *yaml.Node) (int, bool) {
	return d.integer(n, intField{
		what: "concurrency", typeMsg: "concurrency must be an integer number of workers (1–1000)",
		lo: 1, hi: MaxConcurrency,
		hint: "concurrency is how many workers lambdev runs at once for the function, e.g. concurrency: 10",
	})
}

const timeoutMsg = "timeout must be a duration like 30s or 1m, or a whole number of seconds (1s–900s)"

// timeout reads a duration string or an integer number of seconds.
func (d *decoder) timeout(n *yaml.Node) (time.Duration, bool) {
	v, tag, ok := d.text(n)
	if !ok {
		if !d.reported(n) {
			d.errorf(pos(resolveOr(n)), timeoutMsg)
		}
		return 0, false
	}
	if d.leadingZero(n, "timeout", v, tag) {
		return 0, false
	}
	t, ok, huge := parseTimeout(v, tag)
	switch {
	case huge || ok && (t < MinTimeout || t > MaxTimeout):
		d.hintf(pos(n), "Lambda runs a function for 1 second to 15 minutes, e.g. timeout: 30s",
			"timeout must be between 1s and 900s (15m), got %s", v)
		return 0, false
	case !ok:
		d.errorf(pos(n), timeoutMsg)
		return 0, false
	}
	if t%time.Second != 0 {
		d.hintf(pos(n), "Lambda timeouts are whole seconds", "timeout must be a whole number of seconds, got %s", v)
		return 0, false
	}
	return t, true
}

// durationPattern matches what time.ParseDuration reads, whatever its size.
var durationPattern = regexp.MustCompile(`^[-+]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+$`)

// parseTimeout reads a timeout written as seconds or as a duration; huge is
// true for a well-formed one too large to represent.
func parseTimeout(v, tag string) (t time.Duration, ok, huge bool) {
	switch {
	case tag == "!!int" || tag == "!!float" && decimalPattern.MatchString(v):
		secs, err := strconv.ParseInt(strings.ReplaceAll(v, "_", ""), 0, 64)
		if err != nil {
			return 0, false, errors.Is(err, strconv.ErrRange)
		}
		if secs > math.MaxInt32 || secs < math.MinInt32 {
			return 0, false, true
		}
		return time.Duration(secs) * time.Second, true, false
	case tag == "!!str":
		t, err := time.ParseDuration(v)
		if err != nil {
			return 0, false, durationPattern.MatchString(v)
		}
		return t, true, false
	}
	return 0, false, false
}

// globs reads a list of path.Match patterns (see MatchGlob).
func (d *decoder) globs(n *yaml.Node, key string) ([]string, bool) {
	list, at, ok := d.strList(n, key)
	var out []string
	for i, g := range list {
		if !d.globInProject(at[i], key, g) {
			ok = false
			continue
		}
		if _, err := path.Match(g, ""); err != nil {
			d.hintf(at[i], "patterns use path.Match syntax: * ? [a-z] and \\ escapes",
				"%s pattern %q is malformed", key, g)
			ok = false
			continue
		}
		out = append(out, g)
	}
	return out, ok
}

// drivePattern matches a Windows absolute path: C:\ or C:/.
var drivePattern = regexp.MustCompile(`^[A-Za-z]:[/\\]`)

const globHint = `patterns are paths relative to the project directory (where lambdev.yaml is), e.g. "shared/**"`

// globInProject reports whether g can match a path: patterns are matched
// against slash-separated paths inside the project, so an empty pattern, an
// absolute one or one with a .. element never matches and is reported.
func (d *decoder) globInProject(at Pos, key, g string) bool {
	c := CleanGlob(g)
	switch {
	case c == "":
		d.hintf(at, "remove the entry; "+globHint, "%s pattern is empty", key)
	case strings.HasPrefix(c, "/") || drivePattern.MatchString(g):
		d.hintf(at, globHint, "%s pattern %q is an absolute path; it never matches", key, g)
	case contains(strings.Split(c, "/"), ".."):
		d.hintf(at, globHint+"; files outside it are never watched or packaged",
			"%s pattern %q has a .. element; it never matches", key, g)
	default:
		return true
	}
	return false
}

var driftIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// DriftRules are the drift rule ids drift.ignore may list. The rules live in
// engine/drift, which config may not import; its tests keep the two lists equal.
var DriftRules = []string{
	"runtime-swap", "interpreter-version", "architecture", "native-glibc",
	"native-arch", "native-os", "runtime-lifecycle", "package-size",
	"env-shell-only", "env-secret", "deployed-config", "timeout-near",
	"memory-near", "response-size", "url-invoke-mode",
}

func (d *decoder) drift(n *yaml.Node) (DriftConfig, bool) {
	pairs, ok := d.mapping(n, "drift", []string{"ignore"})
	var c DriftConfig
	for _, p := range pairs {
		ids, at, good := d.strList(p.v, "drift.ignore")
		ok = ok && good
		for i, id := range ids {
			if !driftIDPattern.MatchString(id) {
				d.errorf(at[i], "drift rule id %q is malformed", id)
				ok = false
				continue
			}
			if !contains(DriftRules, id) {
				hint := "drift rules: " + strings.Join(DriftRules, ", ")
				if c := closest(id, DriftRules); c != "" {
					hint = fmt.Sprintf("did you mean `%s`?", c)
				}
				d.hintf(at[i], hint, "unknown drift rule `%s` in drift.ignore", id)
				ok = false
				continue
			}
			c.Ignore = append(c.Ignore, id)
		}
	}
	return c, ok
}
