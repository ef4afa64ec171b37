package config

import (
	"strings"
	"testing"
)

func TestHandlers(t *testing.T) {
	tests := []struct {
		name, runtime, handler string
		files                  []string
		kind                   string
		// want is every problem at the handler (4:14) or runtime (5:14).
		want []string
		hint string
	}{
		{name: "python module", runtime: "python3.12", handler: "src/app.handler", files: []string{"src/app.py"}, kind: FamilyPython},
		{name: "python package", runtime: "python3.12", handler: "src/app.handler", files: []string{"src/app/__init__.py"}, kind: FamilyPython},
		{name: "python dotted module", runtime: "python3.12", handler: "pkg.mod.handler", files: []string{"pkg/mod.py"}, kind: FamilyPython},
		{name: "python missing", runtime: "python3.12", handler: "src/app.handler", kind: FamilyPython,
			want: []string{`4:14: handler "src/app.handler": src/app.py does not exist`},
			hint: "create src/app.py (or the package src/app/__init__.py)"},
		{name: "python no function", runtime: "python3.12", handler: "src/app", kind: FamilyPython,
			want: []string{`4:14: Python handler "src/app" must be path/module.function`}},
		{name: "python trailing dot", runtime: "python3.12", handler: "app.", kind: FamilyPython,
			want: []string{`4:14: Python handler "app." must be path/module.function`}},
		{name: "python dir is not a module", runtime: "python3.12", handler: "src/app.handler", files: []string{"src/app.py/"}, kind: FamilyPython,
			want: []string{`4:14: handler "src/app.handler": src/app.py does not exist`}},
		{name: "escapes project", runtime: "python3.12", handler: "../shared/app.handler", kind: FamilyPython,
			want: []string{`4:14: handler "../shared/app.handler" points outside the project directory`}},
		{name: "escapes after clean", runtime: "nodejs22.x", handler: "a/../../x.handler", kind: FamilyNode,
			want: []string{`4:14: handler "a/../../x.handler" points outside the project directory`}},
		{name: "absolute", runtime: "nodejs22.x", handler: "/etc/x.handler", kind: FamilyNode,
			want: []string{`4:14: handler "/etc/x.handler" points outside the project directory`}},
		{name: "node js", runtime: "nodejs22.x", handler: "web/index.handler", files: []string{"web/index.js"}, kind: FamilyNode},
		{name: "node mjs", runtime: "nodejs24.x", handler: "web/index.handler", files: []string{"web/index.mjs"}, kind: FamilyNode},
		{name: "node cjs", runtime: "nodejs24.x", handler: "web/index.handler", files: []string{"web/index.cjs"}, kind: FamilyNode},
		{name: "node missing", runtime: "nodejs22.x", handler: "web/index.handler", kind: FamilyNode,
			want: []string{`4:14: handler "web/index.handler": web/index.js does not exist (nor .mjs, .cjs)`},
			hint: "create web/index.js, web/index.mjs or web/index.cjs"},
		{name: "node typescript only", runtime: "nodejs22.x", handler: "web/index.handler", files: []string{"web/index.ts"}, kind: FamilyNode,
			want: []string{`4:14: handler "web/index.handler": web/index.js does not exist (nor .mjs, .cjs)`},
			hint: "lambdev runs JavaScript: compile the TypeScript to web/index.js first"},
		{name: "go main package", runtime: "provided.al2023", handler: "cmd/worker",
			files: []string{"cmd/worker/main.go=package main\n", "cmd/worker/x_test.go=package other\n"}, kind: FamilyGo},
		{name: "go wrong package", runtime: "provided.al2023", handler: "cmd/worker",
			files: []string{"cmd/worker/lib.go=// doc\npackage worker\n"}, kind: FamilyGo,
			want: []string{`4:14: handler directory "cmd/worker" holds Go package worker, not package main`}},
		{name: "dir without go", runtime: "provided.al2023", handler: "cmd/worker", files: []string{"cmd/worker/README"}, kind: FamilyGo,
			want: []string{`4:14: handler directory "cmd/worker" has no .go files`}},
		{name: "go file not dir", runtime: "provided.al2023", handler: "cmd/worker/main.go", files: []string{"cmd/worker/main.go=package main"}, kind: FamilyGo,
			want: []string{`4:14: handler "cmd/worker/main.go" is a Go file; point handler at its package directory`},
			hint: "use handler: cmd/worker"},
		{name: "bootstrap executable", runtime: "provided.al2023", handler: "bin/bootstrap", files: []string{"+x bin/bootstrap"}, kind: FamilyProvided},
		{name: "bootstrap missing", runtime: "provided.al2023", handler: "bin/bootstrap", kind: FamilyProvided,
			want: []string{`4:14: handler "bin/bootstrap" does not exist`}},
		{name: "java accepted as declared", runtime: "java21", handler: "example.Handler::handleRequest", kind: FamilyJava},
		{name: "dotnet accepted", runtime: "dotnet10", handler: "Asm::Ns.Fn::Handle", kind: FamilyDotnet},
		{name: "ruby accepted", runtime: "ruby3.4", handler: "function.handler", kind: FamilyRuby},
		{name: "empty handler", runtime: "python3.12", handler: `""`, kind: FamilyPython,
			want: []string{"4:14: handler must not be empty"}},
		// Lambda's Handler is [^\s]+, at most 128 characters, checked on what it receives.
		{name: "python space", runtime: "python3.12", handler: `"app.handler x"`, files: []string{"app.py"}, kind: FamilyPython,
			want: []string{`4:14: handler "app.handler x" contains whitespace (" ")`}, hint: `Lambda's Handler matches [^\s]+: remove the whitespace`},
		{name: "python space after dir", runtime: "python3.12", handler: `"functions/api/app.handler x"`, files: []string{"functions/api/app.py"}, kind: FamilyPython,
			want: []string{`4:14: handler "functions/api/app.handler x" contains whitespace (" ")`}},
		{name: "node tab", runtime: "nodejs22.x", handler: `"index.\thandler"`, files: []string{"index.js"}, kind: FamilyNode,
			want: []string{`4:14: handler "index.\thandler" contains whitespace ("\t")`}},
		{name: "ruby space", runtime: "ruby3.4", handler: `"function.handler x"`, kind: FamilyRuby,
			want: []string{`4:14: handler "function.handler x" contains whitespace (" ")`}},
		{name: "space in the directory is not sent", runtime: "python3.12", handler: `"my src/app.handler"`, files: []string{"my src/app.py"}, kind: FamilyPython},
		{name: "python 128 characters", runtime: "python3.12", handler: "src/" + strings.Repeat("m", 120) + ".handler",
			files: []string{"src/" + strings.Repeat("m", 120) + ".py"}, kind: FamilyPython},
		{name: "python 204 characters", runtime: "python3.12", handler: strings.Repeat("m", 196) + ".handler",
			files: []string{strings.Repeat("m", 196) + ".py"}, kind: FamilyPython,
			want: []string{`4:14: handler is 204 characters; Lambda allows at most 128`}, hint: "shorten the module and function names"},
		{name: "node long after dir", runtime: "nodejs22.x", handler: "web/index." + strings.Repeat("h", 130), files: []string{"web/index.js"}, kind: FamilyNode,
			want: []string{`4:14: handler "index.` + strings.Repeat("h", 130) + `" as Lambda receives it is 136 characters; Lambda allows at most 128`}},
		{name: "java long", runtime: "java21", handler: "example.Handler::" + strings.Repeat("h", 112), kind: FamilyJava,
			want: []string{`4:14: handler is 129 characters; Lambda allows at most 128`}},
		{name: "bootstrap path is not sent", runtime: "provided.al2023", handler: strings.Repeat("d", 130) + "/bootstrap",
			files: []string{"+x " + strings.Repeat("d", 130) + "/bootstrap"}, kind: FamilyProvided},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yaml := "app: a\nfunctions:\n  f:\n    handler: " + tt.handler + "\n    runtime: " + tt.runtime + "\n"
			p, errs := load(t, yaml, nil, tt.files...)
			sameLines(t, "problems", short(errs.List), tt.want)
			if tt.hint != "" && (len(errs.List) == 0 || errs.List[0].Hint != tt.hint) {
				t.Errorf("hint: got %v, want %q", errs.List, tt.hint)
			}
			if p != nil && p.Functions[0].Kind != tt.kind {
				t.Errorf("kind = %q, want %q", p.Functions[0].Kind, tt.kind)
			}
		})
	}
}

// TestEveryProblemAtOnce checks that validation never stops at the first problem.
func TestEveryProblemAtOnce(t *testing.T) {
	yaml := `app: a
regoin: us-east-1
functions:
  one:
    handler: missing.handler
    runtime: python3.99
    memory: lots
  two:
    handler: web/index.handler
    runtime: nodejs22.x
    timeout: 20m
    environment: {AWS_REGION: x}
`
	_, errs := load(t, yaml, nil)
	sameLines(t, "problems", short(errs.List), []string{
		"2:1: unknown key `regoin` in the project file",
		`6:14: unknown runtime "python3.99"`,
		"7:13: memory must be an integer number of MB (128–10240)",
		`9:14: handler "web/index.handler": web/index.js does not exist (nor .mjs, .cjs)`,
		"11:14: timeout must be between 1s and 900s (15m), got 20m",
		"12:19: environment variable AWS_REGION is reserved by Lambda",
	})
}
