package relay

import (
	"fmt"
	"strings"
)

// ParseHubTokens parses stage tokens for HubOptions.Tokens from text such as
// a LAMBDEV_RELAY_TOKENS value or a tokens file: entries "app/stage=token"
// separated by commas or newlines; blank lines and lines starting with '#'
// are ignored. Every problem is reported, by entry number.
func ParseHubTokens(text string) (map[string]string, error) {
	tokens := map[string]string{}
	var problems []string
	entries := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == '\n' })
	for i, entry := range entries {
		entry = strings.TrimSpace(entry)
		if entry == "" || strings.HasPrefix(entry, "#") {
			continue
		}
		key, tok, ok := strings.Cut(entry, "=")
		key, tok = strings.TrimSpace(key), strings.TrimSpace(tok)
		if _, _, valid := splitStageKey(key); !ok || !valid || tok == "" {
			problems = append(problems, fmt.Sprintf("entry %d: want app/stage=token", i+1))
			continue
		}
		if _, dup := tokens[key]; dup {
			problems = append(problems, fmt.Sprintf("entry %d: %s given twice", i+1, key))
			continue
		}
		tokens[key] = tok
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("relay tokens: %s", strings.Join(problems, "; "))
	}
	if len(tokens) == 0 {
		return nil, fmt.Errorf("relay tokens: none given (want app/stage=token, …)")
	}
	return tokens, nil
}
