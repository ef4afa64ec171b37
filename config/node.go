package config

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// decoder walks a project file's YAML nodes, collecting every problem.
type decoder struct {
	file   string
	getenv func(string) (string, bool)
	errs   *Errors
	seen   map[string]bool
	// badTag holds the nodes whose YAML tag was rejected (see checkTags).
	badTag map[*yaml.Node]bool
}

func newDecoder(file string, getenv func(string) (string, bool)) *decoder {
	return &decoder{
		file:   file,
		getenv: getenv,
		errs:   &Errors{File: file},
		seen:   map[string]bool{},
		badTag: map[*yaml.Node]bool{},
	}
}

func pos(n *yaml.Node) Pos {
	if n == nil {
		return Pos{}
	}
	return Pos{Line: n.Line, Col: n.Column}
}

// problem records one error or warning; the same message at the same position
// is kept once (a value from defaults: is checked for every function using it).
func (d *decoder) problem(p Pos, warn bool, hint, msg string) {
	key := fmt.Sprintf("%d:%d:%t:%s", p.Line, p.Col, warn, msg)
	if d.seen[key] {
		return
	}
	d.seen[key] = true
	d.errs.List = append(d.errs.List, &Error{
		File: d.file, Line: p.Line, Col: p.Col, Msg: msg, Hint: hint, Warning: warn,
	})
}

func (d *decoder) errorf(p Pos, format string, args ...any) {
	d.problem(p, false, "", fmt.Sprintf(format, args...))
}

func (d *decoder) hintf(p Pos, hint, format string, args ...any) {
	d.problem(p, false, hint, fmt.Sprintf(format, args...))
}

func (d *decoder) warnf(p Pos, hint, format string, args ...any) {
	d.problem(p, true, hint, fmt.Sprintf(format, args...))
}

// maxAliasDepth bounds alias chains.
const maxAliasDepth = 16

// resolve follows aliases to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxAliasDepth; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// pair is one mapping entry; k is the key node, v the resolved value node.
type pair struct {
	key  string
	k, v *yaml.Node
}

// mapping returns n's entries, reporting a non-mapping n, non-string keys,
// duplicate keys and, when known is non-nil, unknown keys. A null n is an
// empty mapping. Merge keys (<<: *anchor) are honoured; explicit keys win.
// ok is false when n is not a mapping.
func (d *decoder) mapping(n *yaml.Node, what string, known []string) (pairs []pair, ok bool) {
	return d.mappingOnce(n, what, known, map[*yaml.Node]bool{})
}

// mappingOnce is mapping; merged records the mappings already walked for this
// mapping's merge keys, so each is read once (no cycles, no blow-up from
// <<: [*a, *a] chains).
func (d *decoder) mappingOnce(n *yaml.Node, what string, known []string, merged map[*yaml.Node]bool) ([]pair, bool) {
	n = resolve(n)
	if isNull(n) {
		return nil, true
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(pos(n), "%s must be a mapping of keys to values", what)
		return nil, false
	}
	merged[n] = true
	var pairs, inherited []pair
	var mergeKey *yaml.Node
	first := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			if mergeKey != nil {
				d.hintf(pos(k), "merge several mappings with one key: <<: [*a, *b]",
					"duplicate key `<<` in %s (first defined at line %d, col %d)", what, mergeKey.Line, mergeKey.Column)
				continue
			}
			mergeKey = k
			inherited = append(inherited, d.mergePairs(n.Content[i+1], what, known, merged)...)
			continue
		}
		if k.Kind != yaml.ScalarNode || isNull(k) {
			d.errorf(pos(k), "keys in %s must be strings", what)
			continue
		}
		if prev, dup := first[k.Value]; dup {
			d.hintf(pos(k), "remove one of them", "duplicate key `%s` in %s (first defined at line %d, col %d)",
				k.Value, what, prev.Line, prev.Column)
			continue
		}
		first[k.Value] = k
		if known != nil && !contains(known, k.Value) {
			d.unknownKey(k, what, known)
			continue
		}
		pairs = append(pairs, pair{key: k.Value, k: k, v: v})
	}
	for _, p := range inherited {
		if _, explicit := first[p.key]; !explicit {
			first[p.key] = p.k
			pairs = append(pairs, p)
		}
	}
	return pairs, true
}

// mergeHint is the hint for a merge key whose value is not a mapping.
const mergeHint = "anchor a mapping (x-common: &common {memory: 512}) and merge it with <<: *common, or several with <<: [*a, *b]"

// mergePairs returns the entries a merge key brings in: one mapping or a
// sequence of mappings (usually aliases), earlier ones winning. v is the
// value as written. Mappings already merged are skipped; anything else is
// reported where it is written.
func (d *decoder) mergePairs(v *yaml.Node, what string, known []string, merged map[*yaml.Node]bool) []pair {
	srcs := []*yaml.Node{v}
	if r := resolve(v); r != nil && r.Kind == yaml.SequenceNode {
		srcs = r.Content
	}
	var out []pair
	for _, s := range srcs {
		r := resolve(s)
		if r == nil || r.Kind != yaml.MappingNode {
			d.hintf(pos(s), mergeHint, "a merge key (`<<`) in %s needs a mapping or a list of mappings, got %s", what, nodeKind(r))
			continue
		}
		if merged[r] {
			continue
		}
		ps, _ := d.mappingOnce(r, what, known, merged)
		out = append(out, ps...)
	}
	return out
}

// nodeKind names what a node holds, for messages: "a list", "null", "the number 5"…
func nodeKind(n *yaml.Node) string {
	switch {
	case n == nil:
		return "an alias that names nothing"
	case isNull(n):
		return "null"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind != yaml.ScalarNode:
		return "a YAML document"
	}
	switch n.ShortTag() {
	case "!!int", "!!float":
		return "the number " + n.Value
	case "!!bool":
		return "the boolean " + n.Value
	}
	return fmt.Sprintf("the string %q", n.Value)
}

func (d *decoder) unknownKey(k *yaml.Node, what string, known []string) {
	hint := "known keys: " + strings.Join(known, ", ")
	if s := closest(k.Value, known); s != "" {
		hint = fmt.Sprintf("did you mean `%s`?", s)
	}
	d.hintf(pos(k), hint, "unknown key `%s` in %s", k.Value, what)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// closest returns the candidate nearest to s when it is close enough to be a
// likely typo, else "".
func closest(s string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		d := levenshtein(strings.ToLower(s), strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	limit := 2
	if len(s) <= 4 {
		limit = 1
	}
	if len(s) >= 10 {
		limit = 3
	}
	if bestD < 0 || bestD > limit {
		return ""
	}
	return best
}

// levenshtein is the edit distance between a and b, in bytes. Inputs longer
// than 64 bytes are never typos of a known key and are not compared.
func levenshtein(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 20
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
