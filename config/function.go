package config

import (
	"time"

	"gopkg.in/yaml.v3"
)

// functionKeys are the keys a function (or defaults:) may set.
var functionKeys = []string{
	"handler", "runtime", "url", "dev", "environment", "memory", "timeout",
	"architecture", "concurrency", "watch", "ignore", "description", "role", "drift", "tenancy",
	"logging",
}

// field is one decoded setting: set when the key was present, bad when its
// value was rejected (already reported), pos where the value is.
type field[T any] struct {
	v        T
	set, bad bool
	pos      Pos
}

func (f *field[T]) put(v T, ok bool, p Pos) {
	f.set, f.pos = true, p
	if ok {
		f.v = v
	} else {
		f.bad = true
	}
}

// envVar is one environment entry and where its key is.
type envVar struct {
	val string
	pos Pos
}

// spec is a function's or the defaults' settings as written.
type spec struct {
	handler, runtime, arch, description, role field[string]
	tenancy                                   field[string]
	url                                       field[*URLConfig]
	dev                                       field[bool]
	env                                       field[map[string]envVar]
	memory, concurrency                       field[int]
	timeout                                   field[time.Duration]
	watch, ignore                             field[[]string]
	drift                                     field[DriftConfig]
	logging                                   field[*LoggingConfig]
}

// decodeSpec reads a function or defaults mapping; what names it in messages.
func (d *decoder) decodeSpec(n *yaml.Node, what string) spec {
	pairs, _ := d.mapping(n, what, functionKeys)
	var s spec
	for _, p := range pairs {
		d.decodeField(&s, p)
	}
	return s
}

func (d *decoder) decodeField(s *spec, p pair) {
	at := pos(p.v)
	switch p.key {
	case "handler":
		v, ok := d.str(p.v, "handler")
		s.handler.put(v, ok, at)
	case "runtime":
		v, ok := d.str(p.v, "runtime")
		s.runtime.put(v, ok, at)
	case "architecture":
		v, ok := d.architecture(p.v)
		s.arch.put(v, ok, at)
	case "description":
		v, ok := d.description(p.v)
		s.description.put(v, ok, at)
	case "role":
		v, ok := d.role(p.v)
		s.role.put(v, ok, at)
	case "url":
		v, ok := d.url(p.v)
		s.url.put(v, ok, at)
	case "dev":
		v, ok := d.boolean(p.v, "dev must be true or false")
		s.dev.put(v, ok, at)
	case "environment":
		v, ok := d.environment(p.v)
		s.env.put(v, ok, pos(p.k))
		s.env.v = v // keep the valid entries even when some were rejected
	case "memory":
		v, ok := d.memory(p.v)
		s.memory.put(v, ok, at)
	case "concurrency":
		v, ok := d.concurrency(p.v)
		s.concurrency.put(v, ok, at)
	case "timeout":
		v, ok := d.timeout(p.v)
		s.timeout.put(v, ok, at)
	case "watch", "ignore":
		v, ok := d.globs(p.v, p.key)
		if p.key == "watch" {
			s.watch.put(v, ok, at)
		} else {
			s.ignore.put(v, ok, at)
		}
	case "drift":
		v, ok := d.drift(p.v)
		s.drift.put(v, ok, at)
	case "tenancy":
		v, ok := d.tenancy(p.v)
		s.tenancy.put(v, ok, at)
	case "logging":
		v, ok := d.logging(p.v)
		s.logging.put(v, ok, at)
	}
}

func pick[T any](fn, def field[T]) field[T] {
	if fn.set {
		return fn
	}
	return def
}

// merge applies defaults under a function's own settings; environment
// merges key by key with the function's entries winning.
func merge(fn, def spec) spec {
	out := spec{
		handler: pick(fn.handler, def.handler), runtime: pick(fn.runtime, def.runtime),
		arch: pick(fn.arch, def.arch), description: pick(fn.description, def.description),
		role: pick(fn.role, def.role), url: pick(fn.url, def.url), dev: pick(fn.dev, def.dev),
		memory: pick(fn.memory, def.memory), concurrency: pick(fn.concurrency, def.concurrency),
		timeout: pick(fn.timeout, def.timeout), watch: pick(fn.watch, def.watch),
		ignore: pick(fn.ignore, def.ignore), drift: pick(fn.drift, def.drift),
		tenancy: pick(fn.tenancy, def.tenancy), logging: pick(fn.logging, def.logging),
	}
	out.env = pick(fn.env, def.env)
	if fn.env.set && def.env.set {
		env := make(map[string]envVar, len(def.env.v)+len(fn.env.v))
		for k, v := range def.env.v {
			env[k] = v
		}
		for k, v := range fn.env.v {
			env[k] = v
		}
		out.env.v, out.env.bad = env, fn.env.bad || def.env.bad
	}
	return out
}

// or returns the field's value, or builtin when it is unset or rejected.
func or[T any](f field[T], builtin T) T {
	if f.set && !f.bad {
		return f.v
	}
	return builtin
}

// build turns merged settings into a Function with built-in defaults applied.
// Kind is set later by the handler checks.
func build(name string, at Pos, s spec) *Function {
	env := make(map[string]string, len(s.env.v))
	for k, v := range s.env.v {
		env[k] = v.val
	}
	return &Function{
		Name:         name,
		Handler:      s.handler.v,
		Runtime:      s.runtime.v,
		URL:          or(s.url, nil),
		Dev:          or(s.dev, true),
		Environment:  env,
		Memory:       or(s.memory, DefaultMemory),
		Timeout:      or(s.timeout, DefaultTimeout),
		Architecture: or(s.arch, DefaultArchitecture),
		Concurrency:  or(s.concurrency, DefaultConcurrency),
		Watch:        or(s.watch, nil),
		Ignore:       or(s.ignore, nil),
		Description:  s.description.v,
		Role:         s.role.v,
		Drift:        or(s.drift, DriftConfig{}),
		Tenancy:      or(s.tenancy, ""),
		Logging:      or(s.logging, nil),
		Pos:          at,
	}
}
