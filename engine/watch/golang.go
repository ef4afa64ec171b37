package watch

import (
	"bufio"
	"bytes"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
)

// goModule is a go.mod's module path and its local replace directives.
type goModule struct {
	dir, path string
	replaces  map[string]string // import path prefix → absolute directory
}

// goDeps adds the package directories of the module (and its local replaces)
// that the package in pkgDir imports, transitively, plus go.mod and go.sum.
func (s *session) goDeps(pkgDir string, d *depSet) {
	mod := s.findModule(pkgDir)
	if mod == nil {
		return
	}
	d.files[filepath.Join(mod.dir, "go.mod")] = true
	d.files[filepath.Join(mod.dir, "go.sum")] = true
	queue := []string{pkgDir}
	for len(queue) > 0 {
		dir := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if d.dirs[dir] {
			continue
		}
		d.dirs[dir] = true
		for _, e := range s.list(dir) {
			name := e.Name()
			if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
				continue
			}
			for _, imp := range s.imports(filepath.Join(dir, name), parseGo) {
				if dep := mod.resolve(imp); dep != "" && !d.dirs[dep] {
					queue = append(queue, dep)
				}
			}
		}
	}
}

// resolve maps an import path to a directory of the module or of a local
// replace, or "" for anything else (the standard library, dependencies).
func (m *goModule) resolve(imp string) string {
	if dir, ok := underPrefix(imp, m.path, m.dir); ok {
		return dir
	}
	for prefix, dir := range m.replaces {
		if d, ok := underPrefix(imp, prefix, dir); ok {
			return d
		}
	}
	return ""
}

func underPrefix(imp, prefix, dir string) (string, bool) {
	if imp == prefix {
		return dir, true
	}
	if rest, ok := strings.CutPrefix(imp, prefix+"/"); ok {
		return filepath.Join(dir, filepath.FromSlash(rest)), true
	}
	return "", false
}

// findModule reads the nearest go.mod at or above dir.
func (s *session) findModule(dir string) *goModule {
	for {
		gomod := filepath.Join(dir, "go.mod")
		if s.isFile(gomod) {
			lines := s.imports(gomod, parseGoMod)
			if len(lines) == 0 {
				return nil
			}
			m := &goModule{dir: dir, path: lines[0], replaces: map[string]string{}}
			for _, r := range lines[1:] {
				from, to, _ := strings.Cut(r, "=>")
				if !filepath.IsAbs(to) {
					to = filepath.Join(dir, filepath.FromSlash(to))
				}
				m.replaces[from] = to
			}
			return m
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}

// parseGo returns a Go file's import paths.
func parseGo(path string, src []byte) []string {
	f, err := parser.ParseFile(token.NewFileSet(), path, src, parser.ImportsOnly)
	if err != nil && f == nil {
		return nil
	}
	var out []string
	for _, spec := range f.Imports {
		if p, err := strconv.Unquote(spec.Path.Value); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// parseGoMod returns the module path, then each local replace as "from=>dir".
func parseGoMod(_ string, src []byte) []string {
	var module string
	var replaces []string
	inBlock := false
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "//")
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
		case f[0] == "module" && len(f) > 1:
			module = strings.Trim(f[1], `"`)
		case f[0] == "replace" && len(f) > 1 && f[1] == "(":
			inBlock = true
		case inBlock && f[0] == ")":
			inBlock = false
		case f[0] == "replace" || inBlock:
			if f[0] == "replace" {
				f = f[1:]
			}
			if r, ok := localReplace(f); ok {
				replaces = append(replaces, r)
			}
		}
	}
	if module == "" {
		return nil
	}
	return append([]string{module}, replaces...)
}

// localReplace turns "old [v] => ./dir" into "old=>./dir"; remote targets
// (with a version) are not local code.
func localReplace(f []string) (string, bool) {
	for i, w := range f {
		if w == "=>" && i+1 < len(f) && i > 0 {
			to := f[i+1]
			if strings.HasPrefix(to, ".") || strings.HasPrefix(to, "/") {
				return f[0] + "=>" + to, true
			}
		}
	}
	return "", false
}
