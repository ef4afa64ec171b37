package drift

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/lambdev/lambdev/config"
)

// shellOnly maps each variable a worker may inherit from the developer's shell
// to what production has instead (lambda-spec.md §1.8).
var shellOnly = map[string]struct{ prod, hint string }{
	"AWS_PROFILE":                 {"not set: the SDK uses the execution role", "grant the execution role what your profile can do; test with `dev: false`"},
	"AWS_DEFAULT_PROFILE":         {"not set: the SDK uses the execution role", "grant the execution role what your profile can do; test with `dev: false`"},
	"AWS_CONFIG_FILE":             {"not set: no shared config file", "do not rely on ~/.aws settings in handler code"},
	"AWS_SHARED_CREDENTIALS_FILE": {"not set: no shared credentials file", "do not rely on ~/.aws credentials in handler code"},
	"AWS_ACCESS_KEY_ID":           {"set by Lambda to the execution role's credentials", "your own identity runs the code here; check the role's policy"},
	"AWS_SECRET_ACCESS_KEY":       {"set by Lambda to the execution role's credentials", "your own identity runs the code here; check the role's policy"},
	"AWS_SESSION_TOKEN":           {"set by Lambda to the execution role's credentials", "your own identity runs the code here; check the role's policy"},
	"PYTHONPATH":                  {"Lambda sets PYTHONPATH=/var/runtime", "vendor dependencies into the code dir instead of relying on PYTHONPATH"},
	"VIRTUAL_ENV":                 {"not set: no virtualenv, only the package and layers", "install dependencies into the code dir (pip install -t)"},
	"NODE_OPTIONS":                {"not set unless declared in environment", "declare NODE_OPTIONS under environment if the function needs it"},
	"NODE_PATH":                   {"Lambda sets NODE_PATH to /opt/nodejs/… and the runtime dir", "bundle dependencies into node_modules in the code dir"},
	"LD_LIBRARY_PATH":             {"Lambda sets LD_LIBRARY_PATH to /var/lang/lib:/lib64:/usr/lib64:…:/var/task/lib:/opt/lib", "ship shared libraries in the code dir's lib/ (on the production path)"},
}

// envShellOnly reports variables the local worker sees that production sets
// differently or not at all. It names variables, never values.
func envShellOnly(f *config.Function, env []string) []Warning {
	seen := map[string]bool{}
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if _, declared := f.Environment[k]; declared {
			continue
		}
		if _, ok := shellOnly[k]; ok {
			seen[k] = true
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	ws := make([]Warning, 0, len(keys))
	for _, k := range keys {
		s := shellOnly[k]
		ws = append(ws, Warning{
			Rule:     RuleEnvShellOnly,
			Severity: SeverityWarning,
			Dev:      k + " is inherited from your shell",
			Prod:     s.prod,
			Hint:     s.hint,
		})
	}
	return ws
}

var (
	accessKeyRE  = regexp.MustCompile(`\b(AKIA|ASIA)[A-Z0-9]{16}\b`)
	privateKeyRE = regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----`)
	urlPassRE    = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*://[^/:@\s]+:([^/@\s]+)@`)
	secretNameRE = regexp.MustCompile(`(?i)(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)`)
)

// envSecret reports declared environment values shaped like committed secrets.
// Keys listed in interpolated came from ${env:…} and are skipped; without that
// list the rule judges by shape alone: AWS access key ids, PEM private keys and
// URLs with a password always; a secret-like key name only with a literal,
// high-entropy value (≥ 16 chars, no spaces, mixed character classes). Values
// are never printed, only a redacted form.
func envSecret(f *config.Function, interpolated []string) []Warning {
	keys := make([]string, 0, len(f.Environment))
	for k := range f.Environment {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var ws []Warning
	for _, k := range keys {
		if slices.Contains(interpolated, k) {
			continue
		}
		kind, shown := secretShape(k, f.Environment[k])
		if kind == "" {
			continue
		}
		ws = append(ws, Warning{
			Rule:     RuleEnvSecret,
			Severity: SeverityWarning,
			Dev:      fmt.Sprintf("%s holds %s: %s", k, kind, shown),
			Prod:     "deployed as a plain environment variable, readable by anyone who can read the function",
			Hint:     fmt.Sprintf("use ${env:%s} and keep the value out of the project file, or Secrets Manager/SSM", k),
		})
	}
	return ws
}

// secretShape classifies a value and returns its redacted form, or "" if it looks harmless.
func secretShape(key, v string) (kind, redacted string) {
	switch {
	case accessKeyRE.MatchString(v):
		id := accessKeyRE.FindString(v)
		return "an AWS access key id", fmt.Sprintf("%s…%s (%d chars)", id[:4], id[len(id)-3:], len(id))
	case privateKeyRE.MatchString(v):
		return "a private key", fmt.Sprintf("%s… (%d chars)", privateKeyRE.FindString(v), len(v))
	case urlPassRE.MatchString(v):
		m := urlPassRE.FindStringSubmatchIndex(v)
		return "a URL with a password", v[:m[2]] + "***@…"
	case secretNameRE.MatchString(key) && highEntropy(v):
		return "a literal secret", fmt.Sprintf("<redacted> (%d chars)", len(v))
	}
	return "", ""
}

// highEntropy reports whether v looks like generated key material rather than
// a name, ARN, path or placeholder.
func highEntropy(v string) bool {
	if len(v) < 16 || strings.ContainsAny(v, " \t\n") || strings.HasPrefix(v, "arn:") ||
		strings.HasPrefix(v, "/") || strings.Contains(v, "://") || strings.Contains(v, "${") {
		return false
	}
	var lower, upper, digit bool
	counts := map[rune]int{}
	for _, r := range v {
		counts[r]++
		lower = lower || (r >= 'a' && r <= 'z')
		upper = upper || (r >= 'A' && r <= 'Z')
		digit = digit || (r >= '0' && r <= '9')
	}
	classes := 0
	for _, b := range []bool{lower, upper, digit} {
		if b {
			classes++
		}
	}
	return classes >= 2 && shannon(counts, len(v)) >= 3.5
}

// shannon is the entropy of a character distribution in bits per character.
func shannon(counts map[rune]int, n int) float64 {
	h := 0.0
	for _, c := range counts {
		p := float64(c) / float64(n)
		h -= p * math.Log2(p)
	}
	return h
}
