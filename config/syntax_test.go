package config

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// misindented is a project whose environment holds n variables with values
// of size bytes, then a line indented one space short, then one more
// variable. It returns the file and the mis-indented line's number.
func misindented(n, size int) (string, int) {
	var b strings.Builder
	b.WriteString(fn + "    environment:\n")
	for i := range n {
		fmt.Fprintf(&b, "      V%05d: %q\n", i, strings.Repeat("v", size))
	}
	b.WriteString("     BAD: x\n      OK: y\n")
	return b.String(), 6 + n + 1
}

// TestSyntaxErrorLineInLongFile: the syntax error is found on its own line
// however many lines come before it (the search once gave up past 1000
// lines and named the line where the block began).
func TestSyntaxErrorLineInLongFile(t *testing.T) {
	src, line := misindented(3000, 10)
	_, errs := load(t, src, nil, "app.py")
	sameLines(t, "problems", short(errs.List),
		[]string{fmt.Sprintf("%d:6: invalid YAML: did not find expected key", line)})
}

// TestSyntaxErrorSearchIsNotQuadratic: locating a syntax error near the end
// of a file just under MaxFileSize costs a few parses of the file, not one
// per line (it re-parsed every prefix: 17 s for 1.8 MB). The budget is in
// units of one parse of the whole file, so it holds on slow machines and
// under -race: the old search needed ~450 of them here.
func TestSyntaxErrorSearchIsNotQuadratic(t *testing.T) {
	src, line := misindented(900, 1100)
	if len(src) > MaxFileSize || len(src) < MaxFileSize*9/10 {
		t.Fatalf("file is %d bytes; want just under %d", len(src), MaxFileSize)
	}
	start := time.Now()
	var n yaml.Node
	if yaml.Unmarshal([]byte(src), &n) == nil {
		t.Fatal("the file parses")
	}
	onePass := time.Since(start)
	start = time.Now()
	_, errs := load(t, src, nil, "app.py")
	d := time.Since(start)
	t.Logf("Load took %s, %.1f parses of the whole file", d, float64(d)/float64(onePass))
	if d > 60*onePass {
		t.Errorf("Load took %s, %.0f parses of the whole file", d, float64(d)/float64(onePass))
	}
	sameLines(t, "problems", short(errs.List),
		[]string{fmt.Sprintf("%d:6: invalid YAML: did not find expected key", line)})
}
