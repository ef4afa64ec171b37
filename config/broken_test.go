package config

import (
	"errors"
	"path/filepath"
	"testing"
)

// brokenWant is every problem each testdata/broken file must produce, in
// order, as "line:col: [warning: ]msg". Written by hand: see its README.md.
var brokenWant = map[string][]string{
	"syntax.yaml": {
		"5:4: invalid YAML: did not find expected key",
	},
	"typos.yaml": {
		"2:1: unknown key `regoin` in the project file",
		"4:3: unknown key `memroy` in defaults",
		"9:5: unknown key `timout` in function `api`",
		"10:5: unknown key `enviroment` in function `api`",
		"14:7: unknown key `crs` in url",
		"19:14: unknown key `allowOrigin` in url.cors",
		"19:34: unknown key `maxage` in url.cors",
		"20:5: unknown key `colour` in function `web`",
	},
	"duplicates.yaml": {
		"3:1: duplicate key `stage` in the project file (first defined at line 2, col 1)",
		"9:5: duplicate key `memory` in function `api` (first defined at line 8, col 5)",
		"12:7: duplicate key `GREETING` in environment (first defined at line 11, col 7)",
		"13:3: duplicate key `api` in functions (first defined at line 5, col 3)",
	},
	"types.yaml": {
		"6:13: memory must be an integer number of MB (128–10240)",
		"7:14: timeout must be a duration like 30s or 1m, or a whole number of seconds (1s–900s)",
		"8:10: dev must be true or false",
		"9:10: url must be true, false or a mapping like {auth: none, cors: {...}}",
		"10:12: watch must be a list of strings",
		"11:18: concurrency must be an integer number of workers (1–1000)",
		`12:19: architecture must be x86_64 or arm64, got "amd64"`,
		"13:18: environment must be a mapping of keys to values",
		"15:14: handler must be a string",
		"16:14: runtime must be a string",
		"17:12: drift must be a mapping of keys to values",
	},
	"runtimes.yaml": {
		`5:14: unknown runtime "nodejs22"`,
		`8:14: unknown runtime "python4.0"`,
		"11:14: runtime python3.7 can no longer be used to create functions (blocked since 2024-01-09)",
		`13:14: handler "src/ok.handler": src/ok.js does not exist (nor .mjs, .cjs)`,
		"14:14: runtime nodejs12.x can no longer be used to create or update functions (retired)",
		`16:14: warning: bootstrap "bin/bootstrap" is not executable; Lambda will fail with Runtime.InvalidEntrypoint`,
		"17:14: runtime go1.x can no longer be used to create functions (blocked since 2024-02-08)",
		"18:19: architecture arm64 is not supported by runtime go1.x (x86_64 only)",
		"21:14: warning: runtime python3.9 is deprecated since 2025-12-15; Lambda blocks creating functions with it from 2027-07-29",
		"22:3: function `nothing` has no runtime",
	},
	"handlers.yaml": {
		`4:14: handler "src/missing.handler": src/missing.py does not exist`,
		`7:14: Python handler "src/ok" must be path/module.function`,
		`10:14: handler "../../functions/api/app.handler" points outside the project directory`,
		`13:14: handler "web/index.handler": web/index.js does not exist (nor .mjs, .cjs)`,
		`16:14: handler directory "src/lib" holds Go package lib, not package main`,
		`19:14: handler "src/lib/lib.go" is a Go file; point handler at its package directory`,
		`22:14: warning: bootstrap "bin/bootstrap" is not executable; Lambda will fail with Runtime.InvalidEntrypoint`,
		`25:14: handler "cmd/worker" does not exist`,
	},
	"names.yaml": {
		`1:6: app "hello world" may only contain letters, digits, - and _`,
		`2:8: stage "pr/42" may only contain letters, digits, - and _`,
		`4:3: function name "api.v1" may only contain letters, digits, - and _`,
		`7:3: deployed function name "hello world-pr/42-this-function-name-is-far-too-long-for-aws-lambda-to-accept-it" is 80 characters; Lambda allows at most 64`,
	},
	"environment.yaml": {
		"4:5: environment variable AWS_REGION is reserved by Lambda",
		"10:7: environment variable LAMBDA_TASK_ROOT is reserved by Lambda",
		`11:7: environment variable name "2FA_SECRET" is invalid`,
		`12:7: environment variable name "X" is invalid`,
		"13:14: environment variable LAMBDEV_BROKEN_TOKEN is not set",
		"14:14: unsupported variable reference ${vault:secret/api}",
		"15:7: environment variable EMPTY has no value",
		"16:15: environment variable NESTED must be a string, number or boolean",
	},
	"limits.yaml": {
		`2:9: region "eu-central" is not an AWS region name`,
		`3:8: relay must be an http(s) or ws(s) URL with a host, got "relay.example.com"`,
		"8:13: memory must be between 128 and 10240 MB, got 64",
		"9:14: timeout must be a whole number of seconds, got 1500ms",
		"10:18: concurrency must be between 1 and 1000, got 5000",
		`11:11: role must be an IAM role ARN like arn:aws:iam::123456789012:role/name, got "lambda-admin"`,
		"12:18: description is 300 characters; Lambda allows at most 256",
		`14:13: url.auth must be none or iam, got "AWS_IAM"`,
		`15:34: url.cors.allowMethods: "FETCH" is not an HTTP method`,
		"15:50: url.cors.maxAge must be between 0 and 86400 seconds, got 100000",
		"19:14: timeout must be between 1s and 900s (15m), got 901",
		"20:13: memory must be between 128 and 10240 MB, got 20480",
		"21:5: environment of function `big` is 4211 bytes as Lambda measures it (the variables as one JSON object); Lambda allows 4096 (4 KB)",
	},
}

func TestBrokenProjects(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "broken", "*.yaml"))
	must(t, err)
	if len(files) != len(brokenWant) {
		t.Errorf("%d broken files, %d expectations: keep them in step", len(files), len(brokenWant))
	}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			want, ok := brokenWant[name]
			if !ok {
				t.Fatalf("no expectations for %s", name)
			}
			p, err := Load(file, LoadOptions{Getenv: mapEnv(nil), Now: testNow})
			var errs *Errors
			if p != nil || !errors.As(err, &errs) {
				t.Fatalf("Load(%s) = %v, %v; want *Errors", name, p, err)
			}
			if errs.File != file || errs.List[0].File != file {
				t.Errorf("errors name %q, want the path as passed %q", errs.File, file)
			}
			sameLines(t, name, short(errs.List), want)
		})
	}
}
