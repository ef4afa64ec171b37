package watch

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lambdev/lambdev/config"
)

// fixture is a small project: Python functions a, b, c sharing packages,
// Node functions web and web2, and a Go function worker in a module.
var fixture = map[string]string{
	"lambdev.yaml":                 "app: t\n",
	"functions/a/app.py":           "import json\nfrom shared.util import x  # comment\nfrom lib import helpers\ntry:\n    import shared.gone\nexcept ImportError:\n    pass\n",
	"functions/a/lib/x.py":         "",
	"functions/b/app.py":           "import os, sys as system\n",
	"functions/b/README.md":        "",
	"functions/c/app.py":           "from pkgs.common import (\n    tools,\n    other as o,\n)\n",
	"shared/__init__.py":           "",
	"shared/util.py":               "from .fmt import f\nfrom . import consts\nx = 1\n",
	"shared/fmt.py":                "",
	"shared/consts.py":             "",
	"shared/unused.py":             "",
	"pkgs/common/tools.py":         "",
	"functions/web/index.mjs":      "import { a } from '../../lib/x.js'\nimport {\n  b,\n} from \"../../lib/side.mjs\"\nexport * from '../../lib/re'\n",
	"functions/web2/index.js":      "const l = require('./local')\n",
	"functions/web2/local.js":      "",
	"lib/x.js":                     "const y = require('./y')\n",
	"lib/y.js":                     "module.exports = () => import('./z')\n",
	"lib/z/index.js":               "",
	"lib/side.mjs":                 "",
	"lib/re.cjs":                   "",
	"lib/unused.js":                "require('lodash')\n",
	"go.mod":                       "module example.com/proj\n\ngo 1.22\n\nreplace example.com/ext => ./third/ext\n",
	"functions/worker/main.go":     "package main\n\nimport (\n\t\"fmt\"\n\t\"example.com/proj/internal/store\"\n\tx \"example.com/ext/x\"\n)\n",
	"internal/store/store.go":      "package store\n\nimport \"example.com/proj/internal/codec\"\n",
	"internal/store/store_test.go": "package store\n\nimport \"example.com/proj/internal/other\"\n",
	"internal/codec/codec.go":      "package codec\n",
	"internal/other/other.go":      "package other\n",
	"third/ext/x/x.go":             "package x\n",
	"templates/email/x.html":       "",
}

func fixtureProject(t testing.TB) *config.Project {
	t.Helper()
	root, _ := tempRoot(t)
	for rel, content := range fixture {
		write(t, filepath.Join(root, filepath.FromSlash(rel)), content)
	}
	py := func(name string) *config.Function {
		return &config.Function{Name: name, Handler: "functions/" + name + "/app.handler",
			Runtime: "python3.12", Kind: config.FamilyPython}
	}
	b := py("b")
	b.Watch = []string{"templates/**/*.html"}
	b.Ignore = []string{"*.md", "functions/b/fixtures"}
	return &config.Project{
		File: filepath.Join(root, "lambdev.yaml"), Dir: root,
		Functions: []*config.Function{
			py("a"), b, py("c"),
			{Name: "web", Handler: "functions/web/index.handler", Runtime: "nodejs22.x", Kind: config.FamilyNode},
			{Name: "web2", Handler: "functions/web2/index.handler", Runtime: "nodejs22.x", Kind: config.FamilyNode},
			{Name: "worker", Handler: "functions/worker", Runtime: "provided.al2023", Kind: config.FamilyGo},
		},
	}
}

func TestAffected(t *testing.T) {
	p := fixtureProject(t)
	for _, tc := range []struct {
		name  string
		paths []string
		want  string
	}{
		{"handler file", []string{"functions/a/app.py"}, "a"},
		{"file in code dir", []string{"functions/a/lib/x.py"}, "a"},
		{"code dir removed", []string{"functions/web2"}, "web2"},
		{"parent of code dirs removed", []string{"functions"}, "a b c web web2 worker"},
		{"shared module, from-import", []string{"shared/util.py"}, "a"},
		{"shared package init", []string{"shared/__init__.py"}, "a"},
		{"relative from-import", []string{"shared/fmt.py"}, "a"},
		{"relative from . import", []string{"shared/consts.py"}, "a"},
		{"deleted imported module", []string{"shared/gone.py"}, "a"},
		{"shared module nobody imports", []string{"shared/unused.py"}, ""},
		{"parenthesised multi-line import", []string{"pkgs/common/tools.py"}, "c"},
		{"namespace package gains init", []string{"pkgs/common/__init__.py"}, "c"},
		{"node import from", []string{"lib/x.js"}, "web"},
		{"node multi-line import", []string{"lib/side.mjs"}, "web"},
		{"node export from, .cjs", []string{"lib/re.cjs"}, "web"},
		{"node require chain", []string{"lib/y.js"}, "web"},
		{"node dynamic import of index", []string{"lib/z/index.js"}, "web"},
		{"node file nobody imports", []string{"lib/unused.js"}, ""},
		{"go package imported", []string{"internal/store/store.go"}, "worker"},
		{"go package imported transitively", []string{"internal/codec/codec.go"}, "worker"},
		{"new file in imported go package", []string{"internal/codec/new.go"}, "worker"},
		{"go package only a test imports", []string{"internal/other/other.go"}, ""},
		{"go local replace", []string{"third/ext/x/x.go"}, "worker"},
		{"go.mod", []string{"go.mod"}, "worker"},
		{"watch glob", []string{"templates/email/x.html"}, "b"},
		{"watch glob miss", []string{"templates/email/x.txt"}, ""},
		{"ignore glob without slash", []string{"functions/b/README.md"}, ""},
		{"ignore glob on a dir", []string{"functions/b/fixtures/event.json"}, ""},
		{"project file", []string{"lambdev.yaml"}, ""},
		{"outside the project", []string{"/elsewhere/shared/util.py"}, ""},
		{"several paths", []string{"shared/util.py", "lib/x.js", "functions/b/app.py"}, "a b web"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var abs []string
			for _, rel := range tc.paths {
				if !filepath.IsAbs(rel) {
					rel = filepath.Join(p.Dir, filepath.FromSlash(rel))
				}
				abs = append(abs, rel)
			}
			got := strings.Join(NewIndex().Affected(p, abs), " ")
			if got != tc.want {
				t.Errorf("Affected(%v) = %q, want %q", tc.paths, got, tc.want)
			}
		})
	}
}

func TestAffectedSeesEditedImports(t *testing.T) {
	p := fixtureProject(t)
	ix := NewIndex()
	unused := filepath.Join(p.Dir, "shared", "unused.py")
	if got := ix.Affected(p, []string{unused}); len(got) != 0 {
		t.Fatalf("before: %v", got)
	}
	app := filepath.Join(p.Dir, "functions", "b", "app.py")
	write(t, app, "import shared.unused\n")
	later := time.Now().Add(time.Minute) // a distinct mtime even on coarse clocks
	must(t, os.Chtimes(app, later, later))
	if got := ix.Affected(p, []string{app}); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("editing b's handler: %v", got)
	}
	if got := ix.Affected(p, []string{unused}); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("after editing b's imports: %v", got)
	}

	// A change the Index was not told about is seen after Forget.
	write(t, app, "import os\n")
	must(t, os.Chtimes(app, later.Add(time.Minute), later.Add(time.Minute)))
	ix.Forget()
	if got := ix.Affected(p, []string{unused}); len(got) != 0 {
		t.Fatalf("after Forget: %v", got)
	}
}

func TestAffectedIsSafeConcurrently(t *testing.T) {
	p := fixtureProject(t)
	ix := NewIndex()
	paths := []string{filepath.Join(p.Dir, "shared", "util.py"), filepath.Join(p.Dir, "lib", "x.js")}
	done := make(chan []string, 4)
	for range 4 {
		go func() { done <- ix.Affected(p, paths) }()
	}
	for range 4 {
		if got := <-done; !slices.Equal(got, []string{"a", "web"}) {
			t.Errorf("Affected = %v", got)
		}
	}
}

func TestIsProjectFile(t *testing.T) {
	p := &config.Project{File: "/p/lambdev.yaml", Dir: "/p"}
	for path, want := range map[string]bool{
		"/p/lambdev.yaml": true, "/p/./lambdev.yaml": true,
		"/p/sub/lambdev.yaml": false, "/p/lambdev.yml": false,
	} {
		if got := IsProjectFile(p, path); got != want {
			t.Errorf("IsProjectFile(%s) = %v", path, got)
		}
	}
}

func TestParsePython(t *testing.T) {
	src := "import a.b, c as d\nfrom x.y import (m,\n  n as o)  # tail\n" +
		"from . import s; import t\nfrom ..up import *\nif True:\n    import lazy\n" +
		"from long \\\n  import cont\n# import commented\n"
	want := []string{"a.b", "c", "x.y", "x.y:m", "x.y:n", ".", ".:s", "t", "..up", "lazy", "long", "long:cont"}
	if got := parsePython("", []byte(src)); !slices.Equal(got, want) {
		t.Errorf("parsePython:\n got %q\nwant %q", got, want)
	}
}

func TestParseNode(t *testing.T) {
	src := "import a from './a'\nimport {\n x,\n y } from '../b.js'\nimport './side'\n" +
		"const c = require( \"./c\" )\nawait import('./d.mjs')\nexport { e } from './e'\n" +
		"import fs from 'node:fs'\nrequire('lodash')\n"
	want := []string{"./a", "../b.js", "./side", "./c", "./d.mjs", "./e"}
	if got := parseNode("", []byte(src)); !slices.Equal(got, want) {
		t.Errorf("parseNode:\n got %q\nwant %q", got, want)
	}
}

func TestParseGoMod(t *testing.T) {
	src := "module example.com/m // comment\n\nreplace (\n\texample.com/a => ../a\n\texample.com/b v1.0.0 => example.com/c v1.1.0\n)\nreplace example.com/d v1.2.3 => /abs/d\n"
	want := []string{"example.com/m", "example.com/a=>../a", "example.com/d=>/abs/d"}
	if got := parseGoMod("", []byte(src)); !slices.Equal(got, want) {
		t.Errorf("parseGoMod:\n got %q\nwant %q", got, want)
	}
}
