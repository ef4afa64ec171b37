package config

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// reservedEnv are the variables Lambda sets and users cannot (lambda-spec.md §1.8).
var reservedEnv = map[string]bool{
	"_HANDLER":                        true,
	"_X_AMZN_TRACE_ID":                true,
	"AWS_REGION":                      true,
	"AWS_DEFAULT_REGION":              true,
	"AWS_EXECUTION_ENV":               true,
	"AWS_LAMBDA_FUNCTION_NAME":        true,
	"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": true,
	"AWS_LAMBDA_FUNCTION_VERSION":     true,
	"AWS_LAMBDA_INITIALIZATION_TYPE":  true,
	"AWS_LAMBDA_LOG_GROUP_NAME":       true,
	"AWS_LAMBDA_LOG_STREAM_NAME":      true,
	"AWS_LAMBDA_RUNTIME_API":          true,
	"AWS_LAMBDA_MAX_CONCURRENCY":      true,
	"AWS_ACCESS_KEY":                  true,
	"AWS_ACCESS_KEY_ID":               true,
	"AWS_SECRET_ACCESS_KEY":           true,
	"AWS_SESSION_TOKEN":               true,
	"LAMBDA_TASK_ROOT":                true,
	"LAMBDA_RUNTIME_DIR":              true,
}

// IsReservedEnv reports whether Lambda reserves the environment variable name.
// Other AWS_LAMBDA_* names (AWS_LAMBDA_EXEC_WRAPPER, AWS_LAMBDA_LOG_LEVEL…) are the user's.
func IsReservedEnv(name string) bool { return reservedEnv[name] }

// envNamePattern is Lambda's pattern for environment variable names.
var envNamePattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]+$`)

// environment reads a map of variable names to scalar values. Numbers and
// booleans keep the text as written. The valid entries are returned even
// when some are rejected.
func (d *decoder) environment(n *yaml.Node) (map[string]envVar, bool) {
	if v := resolveOr(n); !isNull(v) && v.Kind != yaml.MappingNode {
		d.hintf(pos(v), "write the variables as a mapping: "+envExample(v), "environment must be a mapping of keys to values")
		return nil, false
	}
	pairs, ok := d.mapping(n, "environment", nil)
	env := make(map[string]envVar, len(pairs))
	for _, p := range pairs {
		if !d.envName(p) {
			ok = false
			continue
		}
		v := resolveOr(p.v)
		if isNull(v) {
			d.hintf(pos(p.k), `write `+p.key+`: "" for an empty value`,
				"environment variable %s has no value", p.key)
			ok = false
			continue
		}
		if v.Kind != yaml.ScalarNode {
			d.errorf(pos(v), "environment variable %s must be a string, number or boolean", p.key)
			ok = false
			continue
		}
		val, _, good := d.text(v)
		if !good {
			ok = false
			continue
		}
		env[p.key] = envVar{val: val, pos: pos(p.k)}
	}
	return env, ok
}

func (d *decoder) envName(p pair) bool {
	switch {
	case IsReservedEnv(p.key):
		d.hintf(pos(p.k), "Lambda sets it for every function; remove it",
			"environment variable %s is reserved by Lambda", p.key)
		return false
	case !envNamePattern.MatchString(p.key):
		d.hintf(pos(p.k), "names start with a letter and use letters, digits and _ (at least 2 characters)",
			"environment variable name %q is invalid", p.key)
		return false
	}
	return true
}

// envWordPattern matches what reads as a variable name in NAME=value; names
// Lambda rejects are reported once the entry is a mapping key.
var envWordPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// maxEnvExample bounds how many entries envExample rewrites.
const maxEnvExample = 3

// envExample rewrites a list of NAME=value entries (environment: [A=1]) as
// the mapping it should be, or gives a generic example.
func envExample(v *yaml.Node) string {
	var parts []string
	if v.Kind == yaml.SequenceNode {
		for _, item := range v.Content {
			name, val, found := strings.Cut(item.Value, "=")
			if item.Kind != yaml.ScalarNode || !found || !envWordPattern.MatchString(name) {
				parts = nil
				break
			}
			parts = append(parts, fmt.Sprintf("%s: %q", name, val))
		}
	}
	if len(parts) == 0 {
		return `environment: {NAME: "value"}`
	}
	if len(parts) > maxEnvExample {
		parts = append(parts[:maxEnvExample], "…")
	}
	return "environment: {" + strings.Join(parts, ", ") + "}"
}
