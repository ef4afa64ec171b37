package config

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// coreTags are the explicit YAML tags a project file may use, with the node
// kind each one needs: the plain core schema, nothing that decodes or builds
// objects (!!binary, !!timestamp, !!python/…, local !tags).
var coreTags = map[string]yaml.Kind{
	"!!str": yaml.ScalarNode, "!!int": yaml.ScalarNode, "!!float": yaml.ScalarNode,
	"!!bool": yaml.ScalarNode, "!!null": yaml.ScalarNode,
	"!!map": yaml.MappingNode, "!!seq": yaml.SequenceNode,
}

const tagHint = "remove the tag: lambdev reads plain YAML (explicit tags allowed: !!str, !!int, !!float, !!bool, !!null, !!map, !!seq)"

// checkTags reports every explicitly tagged node whose tag is outside the
// core schema or does not fit its value, and marks it so the fields reading
// it add no second error. Aliases are not followed: their targets are in the
// tree already.
func (d *decoder) checkTags(n *yaml.Node) {
	if n == nil || n.Kind == yaml.AliasNode {
		return
	}
	if n.Style&yaml.TaggedStyle != 0 {
		if msg, hint := badTag(n); msg != "" {
			d.hintf(pos(n), hint, "%s", msg)
			d.badTag[n] = true
		}
	}
	for _, c := range n.Content {
		d.checkTags(c)
	}
}

// badTag says what is wrong with an explicitly tagged node, or "" when nothing is.
func badTag(n *yaml.Node) (msg, hint string) {
	kind, ok := coreTags[n.Tag]
	switch {
	case n.Tag == "!!binary":
		return "YAML tag !!binary is not supported", "write the value as plain text; lambdev does not decode base64"
	case !ok:
		return fmt.Sprintf("YAML tag %s is not supported", n.Tag), tagHint
	case n.Kind != kind:
		return fmt.Sprintf("YAML tag %s does not fit this %s", n.Tag, kindName(n.Kind)), tagHint
	case n.Kind == yaml.ScalarNode && !fitsTag(n.Tag, n.Value):
		return fmt.Sprintf("%q is not a valid %s value", n.Value, n.Tag), tagHint
	}
	return "", ""
}

// fitsTag reports whether a scalar's text is a value of the core tag.
func fitsTag(tag, v string) bool {
	switch tag {
	case "!!int":
		_, err := strconv.ParseInt(strings.ReplaceAll(v, "_", ""), 0, 64)
		return err == nil
	case "!!float":
		switch strings.ToLower(strings.TrimLeft(v, "+-")) {
		case ".inf", ".nan":
			return true
		}
		_, err := strconv.ParseFloat(strings.ReplaceAll(v, "_", ""), 64)
		return err == nil
	case "!!bool":
		switch strings.ToLower(v) {
		case "true", "false":
			return true
		}
		return false
	case "!!null":
		switch v {
		case "", "~", "null", "Null", "NULL":
			return true
		}
		return false
	}
	return true
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	}
	return "scalar"
}
