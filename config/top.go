package config

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// topKeys are the keys allowed at the top of a project file. Keys starting
// with "x-" are ignored, so they can hold YAML anchors for merge keys.
var topKeys = []string{"app", "stage", "region", "relay", "defaults", "functions"}

// namePattern is the charset of app, stage and function names.
var namePattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

const nameCharset = "letters, digits, - and _"

// nameBadRun is a run of characters namePattern does not allow.
var nameBadRun = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// nameHint suggests a valid spelling of a name: the deployed function name
// app-stage-function must match Lambda's FunctionName pattern.
func nameHint(name string) string {
	const why = "names become part of the deployed function name app-stage-function"
	if s := strings.Trim(nameBadRun.ReplaceAllString(name, "-"), "-"); s != "" {
		return fmt.Sprintf("%s: try `%s`", why, s)
	}
	return why + ": use " + nameCharset
}

// project decodes the root mapping into p.
func (d *decoder) project(p *Project, root *yaml.Node, opts LoadOptions) {
	root = resolveOr(root)
	if root.Kind != yaml.MappingNode {
		d.hintf(pos(root), "start with app: and functions:", "project file must be a mapping of keys to values")
		return
	}
	pairs, _ := d.mapping(root, "the project file", nil)
	top := map[string]pair{}
	for _, pr := range pairs {
		if strings.HasPrefix(pr.key, "x-") {
			continue
		}
		if !contains(topKeys, pr.key) {
			d.unknownKey(pr.k, "the project file", topKeys)
			continue
		}
		top[pr.key] = pr
	}
	d.app(p, root, top)
	d.stage(p, top, opts)
	d.region(p, top)
	d.relay(p, top)
	var defaults spec
	if pr, ok := top["defaults"]; ok {
		defaults = d.decodeSpec(pr.v, "defaults")
	}
	d.functions(p, root, top, defaults, opts)
}

func (d *decoder) app(p *Project, root *yaml.Node, top map[string]pair) {
	pr, ok := top["app"]
	if !ok {
		d.hintf(pos(root), "app names the application; it prefixes every deployed function name",
			"missing required key `app`")
		return
	}
	if v, ok := d.str(pr.v, "app"); ok {
		p.App = v
		if !namePattern.MatchString(v) {
			d.hintf(pos(pr.v), nameHint(v), "app %q may only contain %s", v, nameCharset)
		}
	}
}

// stage picks the file's stage, then LAMBDEV_STAGE, then --stage, and checks the winner.
func (d *decoder) stage(p *Project, top map[string]pair, opts LoadOptions) {
	p.Stage = DefaultStage
	at, from := Pos{}, ""
	if pr, ok := top["stage"]; ok {
		v, good := d.str(pr.v, "stage")
		if good {
			p.Stage, at, from = v, pos(pr.v), ""
		}
	}
	if v, ok := opts.Getenv(StageEnv); ok && v != "" {
		p.Stage, at, from = v, Pos{}, " (from "+StageEnv+")"
	}
	if opts.Stage != "" {
		p.Stage, at, from = opts.Stage, Pos{}, " (from --stage)"
	}
	if !namePattern.MatchString(p.Stage) {
		d.hintf(at, nameHint(p.Stage), "stage %q%s may only contain %s", p.Stage, from, nameCharset)
	}
}

// functions decodes, merges and checks every function.
func (d *decoder) functions(p *Project, root *yaml.Node, top map[string]pair, defaults spec, opts LoadOptions) {
	pr, ok := top["functions"]
	if !ok {
		d.hintf(pos(root), "declare at least one function under functions:", "missing required key `functions`")
		return
	}
	pairs, ok := d.mapping(pr.v, "functions", nil)
	if ok && len(pairs) == 0 {
		d.hintf(pos(pr.k), "declare at least one function under functions:", "functions must not be empty")
		return
	}
	for _, fp := range pairs {
		if v := resolveOr(fp.v); !isNull(v) && v.Kind != yaml.MappingNode {
			d.hintf(pos(v), functionHint(fp.key, v, opts.Now), "function `%s` must be a mapping of keys to values", fp.key)
			d.checkName(p, &Function{Name: fp.key, Pos: pos(fp.k)})
			continue
		}
		s := d.decodeSpec(fp.v, fmt.Sprintf("function `%s`", fp.key))
		m := merge(s, defaults)
		f := build(fp.key, pos(fp.k), m)
		d.checkName(p, f)
		d.checkFunction(p, f, m, opts.Now)
		p.Functions = append(p.Functions, f)
	}
	sort.Slice(p.Functions, func(i, j int) bool { return p.Functions[i].Name < p.Functions[j].Name })
}

// handlerLike matches a scalar that reads as a handler written in place of
// the function's mapping (f: functions/api/app.handler).
var handlerLike = regexp.MustCompile(`^[A-Za-z0-9_./-]+\.[A-Za-z0-9_$]+$`)

// functionHint shows the mapping form of a function written as something
// else, keeping a handler written in its place.
func functionHint(name string, v *yaml.Node, now time.Time) string {
	handler := "path/file.func"
	if v.Kind == yaml.ScalarNode && handlerLike.MatchString(v.Value) {
		handler = v.Value
	}
	return fmt.Sprintf("a function is a mapping of its settings: %s: {handler: %s, runtime: %s}",
		name, handler, newestRuntime(FamilyPython, now))
}

// checkName checks the function's key and the length of its deployed name
// (computed even when app or stage are themselves invalid).
func (d *decoder) checkName(p *Project, f *Function) {
	if !namePattern.MatchString(f.Name) {
		d.hintf(f.Pos, nameHint(f.Name), "function name %q may only contain %s", f.Name, nameCharset)
	}
	if n := p.LambdaName(f); p.App != "" && len(n) > MaxLambdaNameLen {
		d.hintf(f.Pos, "shorten the app, stage or function name",
			"deployed function name %q is %d characters; Lambda allows at most %d", n, len(n), MaxLambdaNameLen)
	}
}
