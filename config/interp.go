package config

import (
	"fmt"
	"strings"
)

// interpProblem is one failed ${...} reference in a string.
type interpProblem struct {
	msg, hint string
}

// interpolate expands ${env:NAME} and ${env:NAME, default} in s. "$${" is a
// literal "${". A variable that is set (even to "") is used; the default only
// applies when it is unset. Every failed reference is returned.
func interpolate(s string, getenv func(string) (string, bool)) (string, []interpProblem) {
	if !strings.Contains(s, "${") {
		return s, nil
	}
	var b strings.Builder
	var probs []interpProblem
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), probs
		}
		if i > 0 && s[i-1] == '$' {
			b.WriteString(s[:i-1])
			b.WriteString("${")
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			probs = append(probs, interpProblem{
				msg:  fmt.Sprintf("unterminated variable reference %q", s[i:]),
				hint: "write ${env:NAME} or ${env:NAME, default}; use $${ for a literal ${",
			})
			return b.String(), probs
		}
		if j := strings.Index(s[i+2:i+end], "${"); j >= 0 {
			probs = append(probs, interpProblem{
				msg:  fmt.Sprintf("nested ${…} is not supported: %q", s[i:]),
				hint: "a default is literal text: write ${env:NAME, value}, or set NAME to what you need",
			})
			return b.String(), probs
		}
		val, p := expandRef(s[i+2:i+end], getenv)
		if p != nil {
			probs = append(probs, *p)
		}
		b.WriteString(val)
		s = s[i+end+1:]
	}
}

// expandRef resolves the inside of one ${...}.
func expandRef(ref string, getenv func(string) (string, bool)) (string, *interpProblem) {
	src, rest, ok := strings.Cut(ref, ":")
	if !ok || strings.TrimSpace(src) != "env" {
		return "", &interpProblem{
			msg:  fmt.Sprintf("unsupported variable reference ${%s}", ref),
			hint: "only ${env:NAME} and ${env:NAME, default} are supported",
		}
	}
	name, def, hasDef := strings.Cut(rest, ",")
	name = strings.TrimSpace(name)
	if !validEnvRefName(name) {
		return "", &interpProblem{
			msg:  fmt.Sprintf("invalid environment variable name %q in ${%s}", name, ref),
			hint: "names are letters, digits and _, not starting with a digit",
		}
	}
	if v, ok := getenv(name); ok {
		return v, nil
	}
	if hasDef {
		return strings.TrimSpace(def), nil
	}
	return "", &interpProblem{
		msg:  fmt.Sprintf("environment variable %s is not set", name),
		hint: fmt.Sprintf("set %s, or give a default: ${env:%s, value}", name, name),
	}
}

func validEnvRefName(name string) bool {
	if name == "" || (name[0] >= '0' && name[0] <= '9') {
		return false
	}
	for _, c := range name {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
