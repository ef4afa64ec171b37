package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// LoadOptions are the inputs to Load besides the file.
type LoadOptions struct {
	// Stage is the --stage flag; when set it wins over LAMBDEV_STAGE and the file.
	Stage string
	// Getenv looks up environment variables (LAMBDEV_STAGE and ${env:NAME});
	// nil means os.LookupEnv.
	Getenv func(string) (string, bool)
	// Now is the moment runtime lifecycle dates are checked against; zero means time.Now().
	Now time.Time
}

// StageEnv is the environment variable that overrides the file's stage.
const StageEnv = "LAMBDEV_STAGE"

// Find returns the path of the project file in dir or its nearest ancestor.
func Find(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("find %s: %w", DefaultFile, err)
	}
	for d := abs; ; {
		p := filepath.Join(d, DefaultFile)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no %s in %s or any parent directory: %w", DefaultFile, abs, fs.ErrNotExist)
		}
		d = parent
	}
}

// Load reads and validates the project file at path. On failure the error is
// an *Errors listing every problem (errors and warnings) with its position.
// On success warnings are on Project.Warnings. Error positions name the file
// as path was passed.
//
// Top-level keys: app (required), stage, region, relay, defaults (any
// function key) and functions (required). Keys starting with "x-" are
// ignored, so they can hold anchors for YAML merge keys (<<: *anchor).
// Every string scalar may use ${env:NAME} or ${env:NAME, default}; $${ is a
// literal ${. A function's own value beats defaults:, which beats the
// built-in default; environment maps merge key by key.
func Load(path string, opts LoadOptions) (*Project, error) {
	if opts.Getenv == nil {
		opts.Getenv = os.LookupEnv
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	d := newDecoder(path, opts.Getenv)
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	data, readErr := readFile(path)
	if readErr != nil {
		d.errs.List = append(d.errs.List, readErr)
		return nil, d.errs
	}
	p := &Project{File: abs, Dir: filepath.Dir(abs)}
	if root := d.parse(data); root != nil {
		d.project(p, root, opts)
	}
	d.errs.sort()
	if d.errs.HasErrors() {
		return nil, d.errs
	}
	p.Warnings = d.errs.List
	return p, nil
}

// parse returns the document's root node, or nil after reporting why not.
func (d *decoder) parse(data []byte) (root *yaml.Node) {
	defer func() {
		if r := recover(); r != nil {
			d.errorf(Pos{}, "YAML parser failed: %v", r)
			root = nil
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.hintf(Pos{Line: 1, Col: 1}, "start with app: and functions:", "project file is empty")
		} else {
			d.yamlError(err, data)
		}
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.hintf(pos(&extra), "remove the --- line and what follows it, or merge that document into the first",
			"only one YAML document is allowed in a project file")
	} else if !errors.Is(err, io.EOF) {
		d.yamlError(err, data)
	}
	if len(doc.Content) == 0 {
		d.hintf(Pos{Line: 1, Col: 1}, "start with app: and functions:", "project file is empty")
		return nil
	}
	d.checkTags(doc.Content[0])
	return doc.Content[0]
}

var yamlLineErr = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError turns "yaml: line N: msg" into a positioned problem. yaml.v3
// often names the line where the enclosing block began; the line reported is
// the first one at or after it where the document, cut there, fails with the
// same message (see problemLine). The column is the first non-blank
// character of that line.
func (d *decoder) yamlError(err error, data []byte) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	lines := bytes.SplitAfter(data, []byte("\n"))
	if at, ok := badByte(data); ok && isReaderError(msg) {
		d.errorf(at, "invalid YAML: %s", msg)
		return
	}
	line := 1 // yaml.v3 names no line for problems on the first line
	if m := yamlLineErr.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	line = problemLine(data, lines, line, msg)
	d.errorf(Pos{Line: line, Col: firstCol(lines, line)}, "invalid YAML: %s", msg)
}

// isReaderError reports whether yaml.v3 rejected the bytes themselves.
func isReaderError(msg string) bool {
	return strings.Contains(msg, "control characters") || strings.Contains(msg, "UTF-8") ||
		strings.Contains(msg, "UTF-16")
}

// badByte finds the first byte YAML cannot read: invalid UTF-8 or a control
// character other than tab, newline and carriage return.
func badByte(data []byte) (Pos, bool) {
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if (r == utf8.RuneError && size <= 1) || (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return Pos{Line: line, Col: col}, true
		}
		if r == '\n' {
			line, col = line+1, 0
		}
		col++
		i += size
	}
	return Pos{}, false
}

// maxRescanBytes bounds the input problemLine re-parses; Load never reads
// more than MaxFileSize, so this only guards other callers.
const maxRescanBytes = 4 * MaxFileSize

// problemLine returns the first line k ≥ from such that the document cut
// after line k fails with msg: where the problem really is. Once a cut
// fails with msg every longer cut does too, so a binary search finds k with
// O(log lines) parses of at most the whole file. If the whole file does not
// fail with msg (so there is nothing to search for) it returns from.
func problemLine(data []byte, lines [][]byte, from int, msg string) int {
	if from < 1 || from > len(lines) || len(data) > maxRescanBytes {
		return from
	}
	ends := make([]int, len(lines)+1) // ends[k] is the length of the first k lines
	for i, l := range lines {
		ends[i+1] = ends[i] + len(l)
	}
	failsAt := func(k int) bool { return failsWith(data[:ends[k]], msg) }
	lo, hi := from-1, len(lines)
	if !failsAt(hi) {
		return from
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if failsAt(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// failsWith reports whether decoding every document in data stops with msg.
func failsWith(data []byte, msg string) bool {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if err == nil {
			continue
		}
		return !errors.Is(err, io.EOF) && strings.HasSuffix(err.Error(), ": "+msg)
	}
}

func firstCol(lines [][]byte, line int) int {
	if line < 1 || line > len(lines) {
		return 1
	}
	l := lines[line-1]
	return len(l) - len(bytes.TrimLeft(l, " ")) + 1
}
