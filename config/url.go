package config

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// URL auth types as written in lambdev.yaml.
const (
	AuthNone = "none"
	AuthIAM  = "iam"
)

var urlKeys = []string{"auth", "cors", "invokeMode"}

var corsMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "*"}

// url reads `url: true|false` or `url: {auth, cors, invokeMode}`.
func (d *decoder) url(n *yaml.Node) (*URLConfig, bool) {
	n = resolveOr(n)
	if n.Kind == yaml.MappingNode {
		return d.urlMapping(n)
	}
	on, ok := d.boolean(n, "url must be true, false or a mapping like {auth: none, cors: {...}}")
	if !ok || !on {
		return nil, ok
	}
	return &URLConfig{Auth: AuthNone, InvokeMode: InvokeBuffered}, true
}

func (d *decoder) urlMapping(n *yaml.Node) (*URLConfig, bool) {
	pairs, ok := d.mapping(n, "url", urlKeys)
	u := &URLConfig{Auth: AuthNone, InvokeMode: InvokeBuffered}
	for _, p := range pairs {
		switch p.key {
		case "auth":
			a, good := d.auth(p.v)
			ok = ok && good
			u.Auth = a
		case "cors":
			c, good := d.cors(p.v)
			ok = ok && good
			u.Cors = c
		case "invokeMode":
			m, good := d.invokeMode(p.v)
			ok = ok && good
			u.InvokeMode = m
		}
	}
	return u, ok
}

func (d *decoder) auth(n *yaml.Node) (string, bool) {
	v, ok := d.str(n, "url.auth")
	if !ok || v == AuthNone || v == AuthIAM {
		return v, ok
	}
	hint := "none: public URL; iam: callers sign requests with SigV4"
	switch strings.ToLower(v) {
	case "none":
		hint = "did you mean `none`?"
	case "aws_iam", "iam":
		hint = "did you mean `iam`?"
	}
	d.hintf(pos(n), hint, "url.auth must be none or iam, got %q", v)
	return AuthNone, false
}

// invokeModeAliases are spellings people reach for, mapped to the Lambda value.
var invokeModeAliases = map[string]string{
	"buffered": InvokeBuffered, "buffer": InvokeBuffered,
	"response_stream": InvokeResponseStream, "response-stream": InvokeResponseStream,
	"responsestream": InvokeResponseStream, "stream": InvokeResponseStream,
	"streaming": InvokeResponseStream, "streamed": InvokeResponseStream,
}

// invokeMode reads url.invokeMode, written as Lambda spells it.
func (d *decoder) invokeMode(n *yaml.Node) (string, bool) {
	v, ok := d.str(n, "url.invokeMode")
	if !ok || v == InvokeBuffered || v == InvokeResponseStream {
		return v, ok
	}
	hint := "BUFFERED: the response is sent once the function returns (6 MB); " +
		"RESPONSE_STREAM: it is sent as the function writes it"
	if m, found := invokeModeAliases[strings.ToLower(v)]; found {
		hint = fmt.Sprintf("did you mean `%s`?", m)
	}
	d.hintf(pos(n), hint, "url.invokeMode must be BUFFERED or RESPONSE_STREAM, got %q", v)
	return InvokeBuffered, false
}

var corsKeys = []string{"allowCredentials", "allowHeaders", "allowMethods", "allowOrigins", "exposeHeaders", "maxAge"}

func (d *decoder) cors(n *yaml.Node) (*CorsConfig, bool) {
	pairs, ok := d.mapping(n, "url.cors", corsKeys)
	c := &CorsConfig{}
	for _, p := range pairs {
		good := true
		switch p.key {
		case "allowCredentials":
			c.AllowCredentials, good = d.boolean(p.v, "url.cors.allowCredentials must be true or false")
		case "allowHeaders":
			c.AllowHeaders, _, good = d.strList(p.v, "url.cors.allowHeaders")
		case "allowMethods":
			c.AllowMethods, good = d.corsMethods(p.v)
		case "allowOrigins":
			c.AllowOrigins, _, good = d.strList(p.v, "url.cors.allowOrigins")
		case "exposeHeaders":
			c.ExposeHeaders, _, good = d.strList(p.v, "url.cors.exposeHeaders")
		case "maxAge":
			c.MaxAge, good = d.maxAge(p.v)
		}
		ok = ok && good
	}
	return c, ok
}

func (d *decoder) corsMethods(n *yaml.Node) ([]string, bool) {
	list, at, ok := d.strList(n, "url.cors.allowMethods")
	var out []string
	for i, m := range list {
		if !contains(corsMethods, strings.ToUpper(m)) {
			d.hintf(at[i], "one of "+strings.Join(corsMethods, ", "),
				"url.cors.allowMethods: %q is not an HTTP method", m)
			ok = false
			continue
		}
		out = append(out, strings.ToUpper(m))
	}
	return out, ok
}

func (d *decoder) maxAge(n *yaml.Node) (int, bool) {
	msg := fmt.Sprintf("url.cors.maxAge must be an integer number of seconds (0–%d)", maxCorsMaxAgeSecs)
	v, ok := d.integer(n, "url.cors.maxAge", msg)
	if ok && (v < 0 || v > maxCorsMaxAgeSecs) {
		d.errorf(pos(n), "url.cors.maxAge must be between 0 and %d seconds, got %d", maxCorsMaxAgeSecs, v)
		return 0, false
	}
	return v, ok
}
