package config

import (
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode"
)

// relaySchemes are the schemes relay: may use; the relay client dials
// http(s) URLs as ws(s).
var relaySchemes = []string{"ws", "wss", "http", "https"}

const relayExample = "e.g. wss://relay.example.com"

// relay reads relay:, the URL of the relay hub. A URL that cannot be dialled
// is an error; one that sends the token unencrypted to another machine is a warning.
func (d *decoder) relay(p *Project, top map[string]pair) {
	pr, ok := top["relay"]
	if !ok || isNull(resolve(pr.v)) {
		return
	}
	v, ok := d.str(pr.v, "relay")
	if !ok {
		return
	}
	at := pos(pr.v)
	u, err := url.Parse(v)
	if err != nil || u.Hostname() == "" || !contains(relaySchemes, u.Scheme) {
		d.hintf(at, relayExample, "relay must be an http(s) or ws(s) URL with a host, got %q", v)
		return
	}
	if strings.ContainsFunc(v, unicode.IsSpace) {
		d.hintf(at, "remove it, or percent-encode a space as %20",
			"relay URL %q must not contain white space", v)
		return
	}
	if port := u.Port(); port != "" || strings.HasSuffix(u.Host, ":") {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			d.hintf(at, "ports are 1 to 65535; leave the port out for the scheme's default",
				"relay port %q is out of range in %q", port, v)
			return
		}
	}
	if (u.Scheme == "ws" || u.Scheme == "http") && !isLoopback(u.Hostname()) {
		d.warnf(at, "use wss:// (TLS) unless the hub is on this machine",
			"relay %q is not encrypted: the relay token and every payload cross the network in clear", v)
	}
	p.Relay = v
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
