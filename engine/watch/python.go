package watch

import (
	"bytes"
	"path/filepath"
	"strings"

	"github.com/lambdev/lambdev/config"
)

// pythonDeps follows the handler module's imports. Absolute imports resolve
// against the code dir and each directory above it up to the project dir
// (shared packages on the path); relative ones against the importing file.
func (s *session) pythonDeps(f *config.Function, codeDir string, d *depSet) {
	_, module, _ := f.HandlerParts()
	var roots []string
	for dir := codeDir; within(dir, s.p.Dir); dir = filepath.Dir(dir) {
		roots = append(roots, dir)
		if dir == s.p.Dir {
			break
		}
	}
	entry := filepath.Join(codeDir, filepath.FromSlash(strings.ReplaceAll(module, ".", "/")))
	s.follow(d, []string{entry + ".py", filepath.Join(entry, "__init__.py")}, func(file string) []string {
		var out []string
		for _, imp := range s.imports(file, parsePython) {
			out = append(out, pythonCandidates(imp, filepath.Dir(file), roots)...)
		}
		return out
	})
}

// pythonCandidates lists the files an import may load. imp is a dotted module
// ("shared.util", "..pkg.mod", ".") optionally followed by ":name" for a
// name imported from it, which may be a submodule.
func pythonCandidates(imp, dir string, roots []string) []string {
	mod, name, _ := strings.Cut(imp, ":")
	rest := strings.TrimLeft(mod, ".")
	if dots := len(mod) - len(rest); dots > 0 {
		base := dir
		for range dots - 1 {
			base = filepath.Dir(base)
		}
		roots = []string{base}
	}
	var out []string
	for _, root := range roots {
		p := root
		parts := strings.FieldsFunc(rest, func(r rune) bool { return r == '.' })
		for i, part := range parts {
			p = filepath.Join(p, part)
			if i < len(parts)-1 {
				out = append(out, filepath.Join(p, "__init__.py")) // parent packages run first
			}
		}
		if name != "" {
			p = filepath.Join(p, name)
		}
		out = append(out, p+".py", filepath.Join(p, "__init__.py"))
	}
	return out
}

// parsePython scans import statements cheaply: "import a.b, c as d",
// "from x.y import a, (b, c)", "from . import m", "from ..pkg import n".
// Statements may be indented (inside try: or functions) or span lines in
// parentheses or after a backslash.
func parsePython(_ string, src []byte) []string {
	var out []string
	for _, stmt := range pythonStatements(src) {
		switch {
		case strings.HasPrefix(stmt, "import "):
			for _, m := range strings.Split(stmt[len("import "):], ",") {
				if m = firstField(m); m != "" {
					out = append(out, m)
				}
			}
		case strings.HasPrefix(stmt, "from "):
			mod, names, ok := strings.Cut(stmt[len("from "):], " import ")
			if mod = strings.TrimSpace(mod); !ok || mod == "" {
				continue
			}
			out = append(out, mod)
			names = strings.NewReplacer("(", " ", ")", " ").Replace(names)
			for _, n := range strings.Split(names, ",") {
				if n = firstField(n); n != "" && n != "*" {
					out = append(out, mod+":"+n)
				}
			}
		}
	}
	return out
}

// pythonStatements returns the trimmed logical lines that start with import
// or from, with comments removed and continuations joined.
func pythonStatements(src []byte) []string {
	var out []string
	var cur strings.Builder
	open := false // inside an unclosed "(" or after a "\"
	for _, raw := range bytes.Split(src, []byte("\n")) {
		line := string(raw)
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if !open && !strings.HasPrefix(line, "import ") && !strings.HasPrefix(line, "from ") {
			continue
		}
		cont := strings.HasSuffix(line, "\\")
		cur.WriteString(strings.TrimSuffix(line, "\\"))
		cur.WriteByte(' ')
		s := cur.String()
		open = cont || strings.Count(s, "(") > strings.Count(s, ")")
		if !open {
			for _, part := range strings.Split(s, ";") {
				out = append(out, strings.Join(strings.Fields(part), " "))
			}
			cur.Reset()
		}
	}
	return out
}

// firstField is the module or name before any " as alias".
func firstField(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}
