package config

import (
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf16"
)

// checkHandler checks that the handler names code that exists under the
// project directory, and sets f.Kind from the runtime family and the handler.
func (d *decoder) checkHandler(p *Project, f *Function, rt Runtime, at Pos) {
	f.Kind = rt.Family
	h := f.Handler
	if h == "" {
		d.hintf(at, "e.g. functions/api/app.handler for def handler() in functions/api/app.py", "handler must not be empty")
		return
	}
	if !d.lambdaHandlerOK(h, rt.Family, at) {
		return
	}
	switch rt.Family {
	case FamilyJava, FamilyDotnet, FamilyRuby:
		return // accepted as declared; lambdev cannot run these locally
	}
	clean := path.Clean(filepath.ToSlash(h))
	if path.IsAbs(clean) || filepath.IsAbs(h) || clean == ".." || strings.HasPrefix(clean, "../") {
		d.hintf(at, "handler paths are relative to the directory holding "+filepath.Base(d.file),
			"handler %q points outside the project directory", h)
		return
	}
	switch rt.Family {
	case FamilyPython:
		d.checkPython(p, h, clean, at)
	case FamilyNode:
		d.checkNode(p, h, clean, at)
	case FamilyProvided, FamilyGo:
		f.Kind = d.checkBootstrap(p, h, clean, at)
	}
}

// MaxHandlerLen is the longest Handler Lambda accepts, in characters.
const MaxHandlerLen = 128

// lambdaHandlerOK checks the part of the handler Lambda receives against its
// Handler constraints, pattern [^\s]+ and at most 128 characters: for Python
// and Node the module.function after the directory, for Java, .NET and Ruby
// the whole handler. Go and provided functions deploy as "bootstrap".
func (d *decoder) lambdaHandlerOK(h, family string, at Pos) bool {
	sent := h
	switch family {
	case FamilyProvided, FamilyGo:
		return true
	case FamilyPython, FamilyNode:
		sent = path.Base(filepath.ToSlash(h))
	}
	if i := strings.IndexAny(sent, " \t\n\v\f\r"); i >= 0 {
		d.hintf(at, "Lambda's Handler matches [^\\s]+: remove the whitespace",
			"handler %q contains whitespace (%q)", h, sent[i:i+1])
		return false
	}
	if n := len(utf16.Encode([]rune(sent))); n > MaxHandlerLen {
		what := "handler"
		if sent != h {
			what = fmt.Sprintf("handler %q as Lambda receives it", sent)
		}
		d.hintf(at, "shorten the module and function names", "%s is %d characters; Lambda allows at most %d", what, n, MaxHandlerLen)
		return false
	}
	return true
}

// splitModule splits "dir/module.export" at the last dot of the last element.
func splitModule(clean string) (modPath, export string, ok bool) {
	slash := strings.LastIndex(clean, "/")
	dot := strings.LastIndex(clean, ".")
	if dot <= slash+1 || dot == len(clean)-1 {
		return "", "", false
	}
	return clean[:dot], clean[dot+1:], true
}

func (d *decoder) checkPython(p *Project, h, clean string, at Pos) {
	modPath, _, ok := splitModule(clean)
	if !ok {
		d.hintf(at, "e.g. functions/api/app.handler for def handler() in functions/api/app.py",
			"Python handler %q must be path/module.function", h)
		return
	}
	// Lambda imports "a.b" from a/b.py: dots in the module name are packages.
	dir, mod := path.Split(modPath)
	rel := dir + strings.ReplaceAll(mod, ".", "/")
	if isFile(p.Dir, rel+".py") || isFile(p.Dir, rel+"/__init__.py") {
		return
	}
	d.hintf(at, fmt.Sprintf("create %s.py (or the package %s/__init__.py)", rel, rel),
		"handler %q: %s.py does not exist", h, rel)
}

func (d *decoder) checkNode(p *Project, h, clean string, at Pos) {
	modPath, _, ok := splitModule(clean)
	if !ok {
		d.hintf(at, "e.g. functions/web/index.handler for export const handler in functions/web/index.mjs",
			"Node handler %q must be path/file.export", h)
		return
	}
	for _, ext := range []string{".js", ".mjs", ".cjs"} {
		if isFile(p.Dir, modPath+ext) {
			return
		}
	}
	hint := fmt.Sprintf("create %s.js, %[1]s.mjs or %[1]s.cjs", modPath)
	if isFile(p.Dir, modPath+".ts") || isFile(p.Dir, modPath+".mts") {
		hint = "lambdev runs JavaScript: compile the TypeScript to " + modPath + ".js first"
	}
	d.hintf(at, hint, "handler %q: %s.js does not exist (nor .mjs, .cjs)", h, modPath)
}

// checkBootstrap checks an OS-only handler: a directory holding a Go main
// package (Kind go) or an executable bootstrap file (Kind provided).
func (d *decoder) checkBootstrap(p *Project, h, clean string, at Pos) string {
	full := filepath.Join(p.Dir, filepath.FromSlash(clean))
	st, err := os.Stat(full)
	if err != nil {
		d.hintf(at, "point handler at a Go main package directory or at a bootstrap executable",
			"handler %q does not exist", h)
		return FamilyProvided
	}
	if st.IsDir() {
		d.checkGoMain(h, full, at)
		return FamilyGo
	}
	if strings.HasSuffix(clean, ".go") {
		d.hintf(at, fmt.Sprintf("use handler: %s", path.Dir(clean)),
			"handler %q is a Go file; point handler at its package directory", h)
		return FamilyGo
	}
	if st.Mode().Perm()&0o111 == 0 {
		d.warnf(at, "chmod +x "+clean, "bootstrap %q is not executable; Lambda will fail with Runtime.InvalidEntrypoint", h)
	}
	return FamilyProvided
}

// checkGoMain requires at least one non-test .go file in dir declaring package main.
func (d *decoder) checkGoMain(h, dir string, at Pos) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	var pkgs []string
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.PackageClauseOnly)
		if err != nil || f.Name == nil {
			continue
		}
		if f.Name.Name == "main" {
			return
		}
		pkgs = append(pkgs, f.Name.Name)
	}
	if len(pkgs) == 0 {
		d.hintf(at, "for a custom runtime point handler at the bootstrap executable; for Go, at the main package's directory",
			"handler directory %q has no .go files", h)
		return
	}
	d.hintf(at, "a Lambda Go handler is a main package calling lambda.Start",
		"handler directory %q holds Go package %s, not package main", h, pkgs[0])
}

func isFile(dir, rel string) bool {
	st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(rel)))
	return err == nil && st.Mode().IsRegular()
}
