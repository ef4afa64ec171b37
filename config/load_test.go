package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const sampleYAML = `app: hello
stage: dev
region: us-east-1
defaults:
  memory: 256
  timeout: 10s
functions:
  legacy:
    handler: functions/legacy/app.handler
    runtime: python3.11
    url: true
    dev: false
  api:
    handler: functions/api/app.handler
    runtime: python3.12
    url: { auth: none }
    environment: { GREETING: "${env:GREETING, hello}" }
  web:
    handler: functions/web/index.handler
    runtime: nodejs22.x
  worker:
    handler: functions/worker
    runtime: provided.al2023
    architecture: x86_64
`

var sampleFiles = []string{
	"functions/legacy/app.py", "functions/api/app.py", "functions/web/index.mjs",
	"functions/worker/main.go=package main\n",
}

func TestLoadSample(t *testing.T) {
	p, errs := load(t, sampleYAML, nil, sampleFiles...)
	if p == nil {
		t.Fatalf("Load failed:\n%v", errs)
	}
	if p.App != "hello" || p.Stage != "dev" || p.Region != "us-east-1" || len(p.Warnings) != 0 {
		t.Errorf("project = %+v", p)
	}
	if got := p.Names(); !reflect.DeepEqual(got, []string{"api", "legacy", "web", "worker"}) {
		t.Errorf("names = %v", got)
	}
	api := p.Function("api")
	want := &Function{
		Name: "api", Handler: "functions/api/app.handler", Runtime: "python3.12",
		URL: &URLConfig{Auth: AuthNone, InvokeMode: InvokeBuffered}, Dev: true, Environment: map[string]string{"GREETING": "hello"},
		Memory: 256, Timeout: 10 * time.Second, Architecture: ArchX86, Concurrency: DefaultConcurrency,
		Kind: FamilyPython, Pos: Pos{Line: 13, Col: 3},
	}
	if !reflect.DeepEqual(api, want) {
		t.Errorf("api =\n %+v\nwant\n %+v", api, want)
	}
	kinds := map[string]string{"legacy": FamilyPython, "web": FamilyNode, "worker": FamilyGo}
	for name, kind := range kinds {
		if f := p.Function(name); f.Kind != kind || f.Family() != kind {
			t.Errorf("%s kind = %q, want %q", name, f.Kind, kind)
		}
	}
	if l := p.Function("legacy"); l.Dev || l.URL == nil || l.URL.Auth != AuthNone {
		t.Errorf("legacy = %+v", l)
	}
	if got := p.CodeDir(p.Function("web")); got != filepath.Join(p.Dir, "functions", "web") {
		t.Errorf("CodeDir(web) = %s", got)
	}
	if p.File != filepath.Join(p.Dir, DefaultFile) || !filepath.IsAbs(p.File) {
		t.Errorf("File = %s, Dir = %s", p.File, p.Dir)
	}
}

func TestDefaultsMerge(t *testing.T) {
	yaml := `app: a
defaults:
  runtime: python3.12
  memory: 512
  timeout: 60
  environment: {SHARED: one, OVER: default}
  watch: ["lib/**"]
functions:
  f:
    handler: app.handler
    timeout: 1m30s
    environment: {OVER: mine, OWN: 2}
  g:
    handler: app.handler
    memory: 1024
    environment: {}
`
	p, errs := load(t, yaml, nil, "app.py")
	if p == nil {
		t.Fatal(errs)
	}
	f, g := p.Function("f"), p.Function("g")
	if f.Runtime != "python3.12" || f.Memory != 512 || f.Timeout != 90*time.Second || g.Timeout != time.Minute || g.Memory != 1024 {
		t.Errorf("f = %+v\ng = %+v", f, g)
	}
	if want := map[string]string{"SHARED": "one", "OVER": "mine", "OWN": "2"}; !reflect.DeepEqual(f.Environment, want) {
		t.Errorf("f env = %v, want %v", f.Environment, want)
	}
	if want := map[string]string{"SHARED": "one", "OVER": "default"}; !reflect.DeepEqual(g.Environment, want) {
		t.Errorf("g env = %v, want %v", g.Environment, want)
	}
	if !reflect.DeepEqual(g.Watch, []string{"lib/**"}) {
		t.Errorf("g watch = %v", g.Watch)
	}
}

func TestBuiltinDefaults(t *testing.T) {
	p, errs := load(t, fn, nil, "app.py")
	if p == nil {
		t.Fatal(errs)
	}
	f := p.Functions[0]
	if f.Memory != DefaultMemory || f.Timeout != DefaultTimeout || f.Architecture != DefaultArchitecture ||
		f.Concurrency != DefaultConcurrency || !f.Dev || f.URL != nil || p.Stage != DefaultStage || p.Region != DefaultRegion {
		t.Errorf("defaults not applied: %+v %+v", p, f)
	}
}

func TestInterpolation(t *testing.T) {
	yaml := fn + `    memory: ${env:MEM}
    description: "${env:UNSET, fallback, with comma} and $${env:LITERAL}"
    environment:
      EMPTY: ${env:EMPTY, not used}
      PORT: 8080
      ON: true
      MIXED: "${env:HOST}:${env:PORT, 80}"
`
	env := map[string]string{"MEM": "2048", "EMPTY": "", "HOST": "localhost"}
	p, errs := load(t, yaml, env, "app.py")
	if p == nil {
		t.Fatal(errs)
	}
	f := p.Functions[0]
	if f.Memory != 2048 || f.Description != "fallback, with comma and ${env:LITERAL}" {
		t.Errorf("memory %d description %q", f.Memory, f.Description)
	}
	want := map[string]string{"EMPTY": "", "PORT": "8080", "ON": "true", "MIXED": "localhost:80"}
	if !reflect.DeepEqual(f.Environment, want) {
		t.Errorf("env = %v, want %v", f.Environment, want)
	}
}

func TestStagePrecedence(t *testing.T) {
	yaml := "stage: file\n" + fn
	tests := []struct {
		env, flag, want string
	}{
		{"", "", "file"},
		{"envstage", "", "envstage"},
		{"envstage", "flagstage", "flagstage"},
		{"", "flagstage", "flagstage"},
	}
	for _, tt := range tests {
		env := map[string]string{}
		if tt.env != "" {
			env[StageEnv] = tt.env
		}
		p, err := Load(writeProject(t, yaml, "app.py"), LoadOptions{Stage: tt.flag, Getenv: mapEnv(env), Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		if p.Stage != tt.want {
			t.Errorf("env %q flag %q: stage %q, want %q", tt.env, tt.flag, p.Stage, tt.want)
		}
	}
}

func TestWarningsDoNotFail(t *testing.T) {
	yaml := "app: a\nfunctions:\n  f:\n    handler: bin/bootstrap\n    runtime: provided.al2\n"
	p, errs := load(t, yaml, nil, "bin/bootstrap")
	if p == nil {
		t.Fatal(errs)
	}
	sameLines(t, "warnings", short(p.Warnings), []string{
		"4:14: warning: bootstrap \"bin/bootstrap\" is not executable; Lambda will fail with Runtime.InvalidEntrypoint",
		"5:14: warning: runtime provided.al2 is deprecated since 2026-07-31; Lambda blocks creating functions with it from 2027-07-29",
	})
	if p.Functions[0].Kind != FamilyProvided {
		t.Errorf("kind = %s", p.Functions[0].Kind)
	}
}

func TestErrorFormat(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	must(t, os.WriteFile(DefaultFile, []byte(fn+"    timout: 3\n"), 0o644))
	must(t, os.WriteFile("app.py", nil, 0o644))
	_, err := Load(DefaultFile, LoadOptions{Now: testNow})
	want := "lambdev.yaml:6:5: unknown key `timout` in function `f`\n    hint: did you mean `timeout`?"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
	w := &Error{File: "x.yaml", Line: 2, Col: 3, Msg: "m", Warning: true}
	if w.Error() != "x.yaml:2:3: warning: m" {
		t.Errorf("warning format = %q", w.Error())
	}
	if s := (&Error{File: "x.yaml", Msg: "m"}).Error(); s != "x.yaml: m" {
		t.Errorf("position-less format = %q", s)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"), LoadOptions{})
	var errs *Errors
	if !errors.As(err, &errs) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %#v, want *Errors wrapping fs.ErrNotExist", err)
	}
	if !strings.Contains(err.Error(), "cannot read project file") {
		t.Errorf("err = %v", err)
	}
}

func TestFind(t *testing.T) {
	file := writeProject(t, fn, "a/b/c/")
	root := filepath.Dir(file)
	for _, dir := range []string{root, filepath.Join(root, "a", "b", "c")} {
		got, err := Find(dir)
		if err != nil || got != file {
			t.Errorf("Find(%s) = %s, %v; want %s", dir, got, err, file)
		}
	}
	if _, err := Find(t.TempDir()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Find in empty dir: %v", err)
	}
}

func TestClosest(t *testing.T) {
	keys := []string{"timeout", "memory", "handler", "environment", "url"}
	tests := map[string]string{
		"timout": "timeout", "Memory": "memory", "enviroment": "environment", "envirnoment": "environment",
		"uri": "url", "handle": "handler", "colour": "", "xyz": "", "": "",
	}
	for in, want := range tests {
		if got := closest(in, keys); got != want {
			t.Errorf("closest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestErrorsHelpers(t *testing.T) {
	cause := fs.ErrPermission
	errs := &Errors{File: "f", List: []*Error{
		{File: "f", Line: 1, Col: 1, Msg: "w", Warning: true},
		{File: "f", Line: 2, Col: 1, Msg: "e", Err: cause},
	}}
	if !errs.HasErrors() || len(errs.Warnings()) != 1 || !errors.Is(errs, cause) {
		t.Errorf("HasErrors %v, Warnings %v, Is %v", errs.HasErrors(), errs.Warnings(), errors.Is(errs, cause))
	}
	if got, want := errs.Error(), "f:1:1: warning: w\nf:2:1: e"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
