package config

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// URL auth types as written in lambdev.yaml.
const (
	AuthNone = "none"
	AuthIAM  = "iam"
)

var urlKeys = []string{"auth", "cors", "invokeMode"}

// corsMethods are the HTTP methods Lambda's Cors.AllowMethods can hold: its
// items are at most 6 characters, so not OPTIONS (Lambda answers preflight
// requests itself).
var corsMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "*"}

// Limits of Lambda's Cors type (API_Cors): items per list and characters per item.
const (
	maxCorsMethods    = 6
	maxCorsMethodLen  = 6
	maxCorsItems      = 100 // allowHeaders, allowOrigins, exposeHeaders
	maxCorsHeaderLen  = 1024
	maxCorsOriginLen  = 253
	corsOriginExample = "origins look like https://www.example.com, or * for any"
)

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
		case "allowHeaders", "exposeHeaders":
			var list []string
			list, good = d.corsList(p.v, "url.cors."+p.key, maxCorsItems, 0, maxCorsHeaderLen, "")
			if p.key == "allowHeaders" {
				c.AllowHeaders = list
			} else {
				c.ExposeHeaders = list
			}
		case "allowMethods":
			c.AllowMethods, good = d.corsMethods(p.v)
		case "allowOrigins":
			c.AllowOrigins, good = d.corsList(p.v, "url.cors.allowOrigins", maxCorsItems, 1, maxCorsOriginLen, corsOriginExample)
		case "maxAge":
			c.MaxAge, good = d.maxAge(p.v)
		}
		ok = ok && good
	}
	return c, ok
}

// corsList reads a url.cors list and checks it against Lambda's Cors limits:
// at most maxItems entries of minLen to maxLen characters each.
func (d *decoder) corsList(n *yaml.Node, what string, maxItems, minLen, maxLen int, hint string) ([]string, bool) {
	list, at, ok := d.strList(n, what)
	if len(list) > maxItems {
		d.hintf(pos(resolveOr(n)), fmt.Sprintf("Lambda's function URL CORS settings allow at most %d", maxItems),
			"%s has %d entries; Lambda allows at most %d", what, len(list), maxItems)
		ok = false
	}
	var out []string
	for i, s := range list {
		switch n := utf8.RuneCountInString(s); {
		case n < minLen:
			d.hintf(at[i], hint, "%s entries must not be empty", what)
		case n > maxLen:
			d.hintf(at[i], hint, "%s entry is %d characters; Lambda allows at most %d", what, n, maxLen)
		default:
			out = append(out, s)
			continue
		}
		ok = false
	}
	return out, ok
}

func (d *decoder) corsMethods(n *yaml.Node) ([]string, bool) {
	list, at, ok := d.strList(n, "url.cors.allowMethods")
	if len(list) > maxCorsMethods {
		d.hintf(pos(resolveOr(n)), `list each method once, or write ["*"]`,
			"url.cors.allowMethods has %d entries; Lambda allows at most %d", len(list), maxCorsMethods)
		ok = false
	}
	var out []string
	for i, m := range list {
		up := strings.ToUpper(m)
		switch {
		case up == "OPTIONS":
			d.hintf(at[i], "remove it: Lambda answers CORS preflight (OPTIONS) requests itself",
				"url.cors.allowMethods: %q is longer than the %d characters Lambda allows", m, maxCorsMethodLen)
		case !contains(corsMethods, up):
			d.hintf(at[i], "one of "+strings.Join(corsMethods, ", "),
				"url.cors.allowMethods: %q is not an HTTP method", m)
		default:
			out = append(out, up)
			continue
		}
		ok = false
	}
	return out, ok
}

func (d *decoder) maxAge(n *yaml.Node) (int, bool) {
	return d.integer(n, intField{
		what:    "url.cors.maxAge",
		typeMsg: fmt.Sprintf("url.cors.maxAge must be an integer number of seconds (0–%d)", maxCorsMaxAgeSecs),
		lo:      0, hi: maxCorsMaxAgeSecs, unit: " seconds",
		hint: "browsers may cache a preflight answer for at most a day (86400 seconds)",
	})
}
