package watch

import (
	"path/filepath"
	"regexp"
	"strings"

	"github.com/lambdev/lambdev/config"
)

// nodeExts are the extensions Node tries for an extensionless relative import.
var nodeExts = []string{".js", ".mjs", ".cjs", ".json"}

// nodeImport matches require('x'), import('x'), import x from 'x',
// import {a,\n b} from "x", import 'x' and export … from 'x'.
var nodeImport = regexp.MustCompile(
	`\b(?:require|import)\s*\(\s*['"]([^'"\n]+)['"]\s*\)` +
		`|\b(?:import|export)\s[^'";()]*?\bfrom\s*['"]([^'"\n]+)['"]` +
		`|\bimport\s*['"]([^'"\n]+)['"]`)

// nodeDeps follows the handler file's relative imports transitively.
// Bare specifiers (packages) resolve into node_modules, which is not watched.
func (s *session) nodeDeps(f *config.Function, codeDir string, d *depSet) {
	_, module, _ := f.HandlerParts()
	base := filepath.Join(codeDir, filepath.FromSlash(module))
	var entries []string
	for _, ext := range nodeExts[:3] {
		entries = append(entries, base+ext)
	}
	s.follow(d, entries, func(file string) []string {
		if filepath.Ext(file) == ".json" {
			return nil
		}
		var out []string
		for _, spec := range s.imports(file, parseNode) {
			out = append(out, nodeCandidates(filepath.Dir(file), spec)...)
		}
		return out
	})
}

// nodeCandidates lists the files a relative specifier may load: the path
// itself, with each extension, and as a directory (index files, package.json).
func nodeCandidates(dir, spec string) []string {
	p := filepath.Join(dir, filepath.FromSlash(spec))
	out := []string{p}
	for _, ext := range nodeExts {
		out = append(out, p+ext)
	}
	for _, ext := range nodeExts {
		out = append(out, filepath.Join(p, "index"+ext))
	}
	return append(out, filepath.Join(p, "package.json"))
}

// parseNode returns the relative specifiers a JavaScript file imports.
func parseNode(_ string, src []byte) []string {
	var out []string
	for _, m := range nodeImport.FindAllSubmatch(src, -1) {
		for _, g := range m[1:] {
			spec := string(g)
			if strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../") || spec == "." || spec == ".." {
				out = append(out, spec)
			}
		}
	}
	return out
}
