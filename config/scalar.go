package config

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// text returns a scalar's value after ${env:} interpolation and the YAML tag
// the value stands for (an interpolated "256" counts as an integer). ok is
// false when n is not a non-null scalar, when its YAML tag was rejected or
// when interpolation failed; only the interpolation failure is reported here.
func (d *decoder) text(n *yaml.Node) (val, tag string, ok bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode || isNull(n) || d.badTag[n] {
		return "", "", false
	}
	tag = n.ShortTag()
	if tag != "!!str" || !strings.Contains(n.Value, "${") {
		return n.Value, tag, true
	}
	val, probs := interpolate(n.Value, d.getenv)
	for _, p := range probs {
		d.hintf(pos(n), p.hint, "%s", p.msg)
	}
	if len(probs) > 0 {
		return "", "", false
	}
	return val, resolvedTag(val), true
}

// resolvedTag is the tag a plain scalar with this text would get, limited to
// the kinds lambdev's fields distinguish.
func resolvedTag(s string) string {
	if _, err := strconv.ParseInt(s, 10, 64); err == nil {
		return "!!int"
	}
	if s == "true" || s == "false" {
		return "!!bool"
	}
	return "!!str"
}

// reported reports, for a node text rejected, whether its problem is already
// recorded (a rejected YAML tag, a failed interpolation), so callers do not
// add a misleading "wrong type" error.
func (d *decoder) reported(n *yaml.Node) bool {
	n = resolve(n)
	return n != nil && (d.badTag[n] ||
		n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" && strings.Contains(n.Value, "${"))
}

// str reads a string field; any non-null scalar is taken as written.
func (d *decoder) str(n *yaml.Node, what string) (string, bool) {
	v, _, ok := d.text(n)
	if !ok && !d.reported(n) {
		d.hintf(pos(resolveOr(n)), "write one value on the line, quoted if it holds characters YAML treats specially (: # [ { ,)",
			"%s must be a string", what)
	}
	return v, ok
}

// leadingZeroPattern matches a decimal integer written with a leading zero,
// which yaml.v3 reads as octal (0256 is 174) or, with an 8 or 9 in it, as a float.
var leadingZeroPattern = regexp.MustCompile(`^[-+]?0[0-9_]+$`)

// decimalPattern matches a decimal integer of any size.
var decimalPattern = regexp.MustCompile(`^[-+]?[0-9][0-9_]*$`)

// leadingZero reports, for a number (not a quoted string) read from a YAML
// scalar or ${env:} value, that it has a leading zero. what names the field.
func (d *decoder) leadingZero(n *yaml.Node, what, v, tag string) bool {
	if tag == "!!str" || !leadingZeroPattern.MatchString(v) {
		return false
	}
	sign, digits := "", v
	if v[0] == '-' || v[0] == '+' {
		sign, digits = v[:1], v[1:]
	}
	digits = strings.TrimLeft(strings.ReplaceAll(digits, "_", ""), "0")
	if digits == "" {
		sign, digits = "", "0"
	}
	d.hintf(pos(resolveOr(n)), "write "+sign+digits+"; YAML reads a number with a leading zero as octal",
		"%s must not have a leading zero, got %s", what, v)
	return true
}

// intField describes an integer setting: its name, the whole error for a
// value that is not an integer, and the range Lambda allows with the unit
// and hint given when a value is outside it.
type intField struct {
	what, typeMsg string
	lo, hi        int
	unit, hint    string
}

// integer reads an integer setting and checks its range. An integer too big
// for any machine word is out of range, not "not an integer".
func (d *decoder) integer(n *yaml.Node, f intField) (int, bool) {
	v, tag, ok := d.text(n)
	if !ok {
		if !d.reported(n) {
			d.errorf(pos(resolveOr(n)), "%s", f.typeMsg)
		}
		return 0, false
	}
	if d.leadingZero(n, f.what, v, tag) {
		return 0, false
	}
	if tag == "!!float" && decimalPattern.MatchString(v) {
		tag = "!!int" // yaml.v3 tags integers beyond 64 bits as floats
	}
	if tag != "!!int" {
		d.errorf(pos(resolveOr(n)), "%s", f.typeMsg)
		return 0, false
	}
	i, err := strconv.ParseInt(strings.ReplaceAll(v, "_", ""), 0, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		d.errorf(pos(resolveOr(n)), "%s", f.typeMsg)
		return 0, false
	}
	if err != nil || i < int64(f.lo) || i > int64(f.hi) {
		d.hintf(pos(resolveOr(n)), f.hint, "%s must be between %d and %d%s, got %s", f.what, f.lo, f.hi, f.unit, v)
		return 0, false
	}
	return int(i), true
}

// boolean reads a true/false field; msg is the whole error for anything else.
func (d *decoder) boolean(n *yaml.Node, msg string) (bool, bool) {
	v, tag, ok := d.text(n)
	if !ok {
		if !d.reported(n) {
			d.errorf(pos(resolveOr(n)), "%s", msg)
		}
		return false, false
	}
	if tag == "!!bool" {
		switch strings.ToLower(v) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	d.errorf(pos(resolveOr(n)), "%s", msg)
	return false, false
}

// strList reads a sequence of strings; at holds each accepted entry's position.
func (d *decoder) strList(n *yaml.Node, what string) (list []string, at []Pos, ok bool) {
	n = resolveOr(n)
	if isNull(n) {
		return nil, nil, true
	}
	if n.Kind != yaml.SequenceNode {
		d.hintf(pos(n), "write a YAML list, e.g. [\"a\", \"b\"]", "%s must be a list of strings", what)
		return nil, nil, false
	}
	ok = true
	for _, item := range n.Content {
		s, good := d.str(item, what+" entries")
		ok = ok && good
		if good {
			list = append(list, s)
			at = append(at, pos(resolveOr(item)))
		}
	}
	return list, at, ok
}

// resolveOr resolves aliases, returning n itself if the chain is broken.
func resolveOr(n *yaml.Node) *yaml.Node {
	if r := resolve(n); r != nil {
		return r
	}
	return n
}
