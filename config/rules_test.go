package config

import (
	"fmt"
	"strings"
	"testing"
)

// fn is a minimal valid project with one Python function f; cases append
// lines to it (line 6 onwards, indented four spaces for function keys).
const fn = `app: a
functions:
  f:
    handler: app.handler
    runtime: python3.12
`

type ruleCase struct {
	name  string
	yaml  string
	files []string
	env   map[string]string
	// want is every problem, in order, as "line:col: [warning: ]msg".
	want []string
	// hints must each be the Hint of some problem.
	hints []string
}

func runRules(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			files := append([]string{"app.py"}, tc.files...)
			_, errs := load(t, tc.yaml, tc.env, files...)
			sameLines(t, "problems", short(errs.List), tc.want)
			for _, h := range tc.hints {
				found := false
				for _, e := range errs.List {
					found = found || e.Hint == h
				}
				if !found {
					t.Errorf("no problem has hint %q; got:\n%s", h, errs.Error())
				}
			}
		})
	}
}

func TestSyntaxAndStructure(t *testing.T) {
	runRules(t, []ruleCase{
		{name: "valid", yaml: fn},
		{name: "bad indentation", yaml: "app: a\nfunctions:\n  f:\n    handler: x\n   runtime: y\n",
			want: []string{"5:4: invalid YAML: did not find expected key"}},
		{name: "tab", yaml: "app: a\nfunctions:\n\tf: {}\n",
			want: []string{"3:1: invalid YAML: found character that cannot start any token"}},
		{name: "error on line 1", yaml: "app: a: b\nfunctions: {}\n",
			want: []string{"1:1: invalid YAML: mapping values are not allowed in this context"}},
		{name: "control character", yaml: "app: a\nfunctions:\n  f: \x01\n",
			want: []string{"3:6: invalid YAML: control characters are not allowed"}},
		{name: "invalid UTF-8", yaml: "app: a\nfunctions:\n  f: {handler: \"\xff\"}\n",
			want: []string{"3:17: invalid YAML: invalid leading UTF-8 octet"}},
		{name: "empty file", yaml: "", want: []string{"1:1: project file is empty"}},
		{name: "comment only", yaml: "# nothing\n", want: []string{"1:1: project file is empty"}},
		{name: "root is a list", yaml: "- a\n", want: []string{"1:1: project file must be a mapping of keys to values"}},
		{name: "two documents", yaml: fn + "---\napp: b\n",
			want: []string{"6:1: only one YAML document is allowed in a project file"}},
		{name: "missing app and functions", yaml: "stage: dev\n",
			want: []string{"1:1: missing required key `app`", "1:1: missing required key `functions`"}},
		{name: "empty functions", yaml: "app: a\nfunctions: {}\n", want: []string{"2:1: functions must not be empty"}},
		{name: "functions not a mapping", yaml: "app: a\nfunctions: [f]\n",
			want: []string{"2:12: functions must be a mapping of keys to values"}},
		{name: "unknown top-level key with suggestion", yaml: "app: a\nfuntions:\n  f: {}\n",
			want:  []string{"1:1: missing required key `functions`", "2:1: unknown key `funtions` in the project file"},
			hints: []string{"did you mean `functions`?"}},
		{name: "unknown key without suggestion", yaml: fn + "    colour: blue\n",
			want:  []string{"6:5: unknown key `colour` in function `f`"},
			hints: []string{"known keys: " + strings.Join(functionKeys, ", ")}},
		{name: "unknown function key with suggestion", yaml: fn + "    timout: 30s\n",
			want: []string{"6:5: unknown key `timout` in function `f`"}, hints: []string{"did you mean `timeout`?"}},
		{name: "duplicate key", yaml: fn + "    memory: 256\n    memory: 512\n",
			want: []string{"7:5: duplicate key `memory` in function `f` (first defined at line 6, col 5)"}},
		{name: "duplicate top-level key", yaml: fn + "app: b\n",
			want: []string{"6:1: duplicate key `app` in the project file (first defined at line 1, col 1)"}},
		{name: "duplicate function", yaml: fn + "  f:\n    handler: app.handler\n",
			want: []string{"6:3: duplicate key `f` in functions (first defined at line 3, col 3)"}},
		{name: "non-string key", yaml: fn + "    [a]: 1\n", want: []string{"6:5: keys in function `f` must be strings"}},
		{name: "x- keys and merge keys", yaml: "x-common: &c\n  memory: 512\n  runtime: python3.12\napp: a\n" +
			"functions:\n  f:\n    <<: *c\n    handler: app.handler\n    memory: 1024\n"},
		{name: "merge key with a number", yaml: "app: a\nfunctions:\n  g:\n    <<: 5\n    handler: app.handler\n    runtime: python3.12\n",
			want:  []string{"4:9: a merge key (`<<`) in function `g` needs a mapping or a list of mappings, got the number 5"},
			hints: []string{mergeHint}},
		{name: "merge key with an alias to a string", yaml: "x-a: &a text\napp: a\nfunctions:\n  g:\n    <<: [*a]\n" +
			"    handler: app.handler\n    runtime: python3.12\n",
			want: []string{"5:10: a merge key (`<<`) in function `g` needs a mapping or a list of mappings, got the string \"text\""}},
		{name: "merge key with null and a nested list", yaml: fn + "    <<: [~, [a]]\n",
			want: []string{
				"6:10: a merge key (`<<`) in function `f` needs a mapping or a list of mappings, got null",
				"6:13: a merge key (`<<`) in function `f` needs a mapping or a list of mappings, got a list",
			}},
		{name: "merge key in the project file", yaml: "<<: 5\n" + fn,
			want: []string{"1:5: a merge key (`<<`) in the project file needs a mapping or a list of mappings, got the number 5"}},
		{name: "function is not a mapping", yaml: "app: a\nfunctions:\n  f: yes\n",
			want:  []string{"3:6: function `f` must be a mapping of keys to values"},
			hints: []string{"a function is a mapping of its settings: f: {handler: path/file.func, runtime: python3.14}"}},
		{name: "function is a handler", yaml: "app: a\nfunctions:\n  f: functions/api/app.handler\n",
			want:  []string{"3:6: function `f` must be a mapping of keys to values"},
			hints: []string{"a function is a mapping of its settings: f: {handler: functions/api/app.handler, runtime: python3.14}"}},
		{name: "function is a list", yaml: "app: a\nfunctions:\n  f: [a, b]\n  g!: [c]\n",
			want: []string{
				"3:6: function `f` must be a mapping of keys to values",
				`4:3: function name "g!" may only contain letters, digits, - and _`,
				"4:7: function `g!` must be a mapping of keys to values",
			},
			hints: []string{"a function is a mapping of its settings: f: {handler: path/file.func, runtime: python3.14}"}},
		{name: "function is null", yaml: "app: a\nfunctions:\n  f:\n",
			want: []string{"3:3: function `f` has no handler", "3:3: function `f` has no runtime"}},
	})
}

func TestFieldTypesAndRanges(t *testing.T) {
	runRules(t, []ruleCase{
		{name: "memory not a number", yaml: fn + "    memory: lots\n",
			want: []string{"6:13: memory must be an integer number of MB (128–10240)"}},
		{name: "memory float", yaml: fn + "    memory: 256.5\n",
			want: []string{"6:13: memory must be an integer number of MB (128–10240)"}},
		{name: "memory quoted", yaml: fn + "    memory: \"256\"\n",
			want: []string{"6:13: memory must be an integer number of MB (128–10240)"}},
		{name: "memory too small", yaml: fn + "    memory: 64\n", want: []string{"6:13: memory must be between 128 and 10240 MB, got 64"}},
		{name: "memory too large", yaml: fn + "    memory: 10241\n", want: []string{"6:13: memory must be between 128 and 10240 MB, got 10241"}},
		{name: "memory huge", yaml: fn + "    memory: 99999999999999999999\n",
			want: []string{"6:13: memory must be between 128 and 10240 MB, got 99999999999999999999"}},
		{name: "timeout word", yaml: fn + "    timeout: soon\n", want: []string{"6:14: " + timeoutMsg}},
		{name: "timeout list", yaml: fn + "    timeout: [1]\n", want: []string{"6:14: " + timeoutMsg}},
		{name: "timeout too long", yaml: fn + "    timeout: 16m\n", want: []string{"6:14: timeout must be between 1s and 900s (15m), got 16m"}},
		{name: "timeout zero", yaml: fn + "    timeout: 0\n", want: []string{"6:14: timeout must be between 1s and 900s (15m), got 0"}},
		{name: "timeout fraction", yaml: fn + "    timeout: 1500ms\n", want: []string{"6:14: timeout must be a whole number of seconds, got 1500ms"}},
		{name: "architecture alias", yaml: fn + "    architecture: aarch64\n",
			want: []string{`6:19: architecture must be x86_64 or arm64, got "aarch64"`}, hints: []string{"did you mean `arm64`?"}},
		{name: "concurrency zero", yaml: fn + "    concurrency: 0\n", want: []string{"6:18: concurrency must be between 1 and 1000, got 0"}},
		{name: "concurrency word", yaml: fn + "    concurrency: many\n",
			want: []string{"6:18: concurrency must be an integer number of workers (1–1000)"}},
		{name: "dev yes", yaml: fn + "    dev: yes\n", want: []string{"6:10: dev must be true or false"}},
		{name: "description too long", yaml: fn + "    description: " + strings.Repeat("é", 257) + "\n",
			want: []string{"6:18: description is 257 characters; Lambda allows at most 256"}},
		{name: "role malformed", yaml: fn + "    role: admin\n",
			want: []string{`6:11: role must be an IAM role ARN like arn:aws:iam::123456789012:role/name, got "admin"`}},
		{name: "role ok", yaml: fn + "    role: arn:aws:iam::123456789012:role/service-role/my-role\n"},
		{name: "handler not a string", yaml: "app: a\nfunctions:\n  f:\n    handler: [x]\n    runtime: python3.12\n",
			want: []string{"4:14: handler must be a string"}},
		{name: "bad globs", yaml: fn + "    watch: [\"src/**\", \"[a-\"]\n    ignore: \"*.tmp\"\n",
			want: []string{`6:23: watch pattern "[a-" is malformed`, "7:13: ignore must be a list of strings"}},
		{name: "drift ignore", yaml: fn + "    drift: {ignore: [runtime-swap, \"bad id!\"], other: 1}\n",
			want: []string{`6:36: drift rule id "bad id!" is malformed`, "6:48: unknown key `other` in drift"}},
		{name: "relay", yaml: "relay: not a url\n" + fn,
			want: []string{`1:8: relay must be an http(s) or ws(s) URL with a host, got "not a url"`}},
	})
}

func TestURLConfig(t *testing.T) {
	runRules(t, []ruleCase{
		{name: "url maybe", yaml: fn + "    url: maybe\n",
			want: []string{"6:10: url must be true, false or a mapping like {auth: none, cors: {...}}"}},
		{name: "auth", yaml: fn + "    url: {auth: AWS_IAM}\n",
			want: []string{`6:17: url.auth must be none or iam, got "AWS_IAM"`}, hints: []string{"did you mean `iam`?"}},
		{name: "cors", yaml: fn + "    url:\n      cors: {allowMethods: [GET, FETCH], maxAge: 90000, allowCredential: true}\n",
			want: []string{
				`7:34: url.cors.allowMethods: "FETCH" is not an HTTP method`,
				"7:50: url.cors.maxAge must be between 0 and 86400 seconds, got 90000",
				"7:57: unknown key `allowCredential` in url.cors",
			},
			hints: []string{"did you mean `allowCredentials`?"}},
		{name: "cors not a mapping", yaml: fn + "    url: {cors: true}\n", want: []string{"6:17: url.cors must be a mapping of keys to values"}},
		{name: "invokeMode lower case", yaml: fn + "    url: {invokeMode: response_stream}\n",
			want:  []string{`6:23: url.invokeMode must be BUFFERED or RESPONSE_STREAM, got "response_stream"`},
			hints: []string{"did you mean `RESPONSE_STREAM`?"}},
		{name: "invokeMode stream", yaml: fn + "    url:\n      invokeMode: stream\n",
			want:  []string{`7:19: url.invokeMode must be BUFFERED or RESPONSE_STREAM, got "stream"`},
			hints: []string{"did you mean `RESPONSE_STREAM`?"}},
		{name: "invokeMode streaming", yaml: fn + "    url: {auth: iam, invokeMode: streaming}\n",
			want:  []string{`6:34: url.invokeMode must be BUFFERED or RESPONSE_STREAM, got "streaming"`},
			hints: []string{"did you mean `RESPONSE_STREAM`?"}},
		{name: "invokeMode buffered", yaml: fn + "    url: {invokeMode: Buffered}\n",
			want:  []string{`6:23: url.invokeMode must be BUFFERED or RESPONSE_STREAM, got "Buffered"`},
			hints: []string{"did you mean `BUFFERED`?"}},
		{name: "invokeMode unknown word", yaml: fn + "    url: {invokeMode: chunked}\n",
			want: []string{`6:23: url.invokeMode must be BUFFERED or RESPONSE_STREAM, got "chunked"`},
			hints: []string{"BUFFERED: the response is sent once the function returns (6 MB); " +
				"RESPONSE_STREAM: it is sent as the function writes it"}},
		{name: "invokeMode not a string", yaml: fn + "    url: {invokeMode: [RESPONSE_STREAM]}\n",
			want: []string{"6:23: url.invokeMode must be a string"}},
		{name: "invokeMode empty", yaml: fn + "    url:\n      invokeMode:\n",
			want: []string{"7:18: url.invokeMode must be a string"}},
		{name: "invokeMode from a missing variable", yaml: fn + "    url: {invokeMode: \"${env:MODE}\"}\n",
			want: []string{"6:23: environment variable MODE is not set"}},
		{name: "invokeMode typo in key", yaml: fn + "    url: {invokemode: RESPONSE_STREAM}\n",
			want: []string{"6:11: unknown key `invokemode` in url"}, hints: []string{"did you mean `invokeMode`?"}},
		{name: "unknown url key lists invokeMode", yaml: fn + "    url: {streaming: true}\n",
			want: []string{"6:11: unknown key `streaming` in url"}, hints: []string{"known keys: auth, cors, invokeMode"}},
		{name: "invokeMode with other problems", yaml: fn + "    url: {auth: AWS_IAM, invokeMode: STREAM, cors: {maxAge: -1}}\n",
			want: []string{
				`6:17: url.auth must be none or iam, got "AWS_IAM"`,
				`6:38: url.invokeMode must be BUFFERED or RESPONSE_STREAM, got "STREAM"`,
				"6:61: url.cors.maxAge must be between 0 and 86400 seconds, got -1",
			}},
	})
}

// TestURLInvokeMode checks the invoke mode each accepted url form yields.
func TestURLInvokeMode(t *testing.T) {
	for _, tc := range []struct {
		name, url string
		env       map[string]string
		want      string
	}{
		{name: "url true", url: "true", want: InvokeBuffered},
		{name: "mapping without invokeMode", url: "{auth: iam}", want: InvokeBuffered},
		{name: "empty mapping", url: "{}", want: InvokeBuffered},
		{name: "BUFFERED", url: "{invokeMode: BUFFERED}", want: InvokeBuffered},
		{name: "RESPONSE_STREAM", url: "{auth: none, invokeMode: RESPONSE_STREAM}", want: InvokeResponseStream},
		{name: "quoted", url: `{invokeMode: "RESPONSE_STREAM"}`, want: InvokeResponseStream},
		{name: "from the environment", url: "{invokeMode: \"${env:MODE, BUFFERED}\"}",
			env: map[string]string{"MODE": "RESPONSE_STREAM"}, want: InvokeResponseStream},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, errs := load(t, fn+"    url: "+tc.url+"\n", tc.env, "app.py")
			if p == nil {
				t.Fatalf("Load failed:\n%v", errs)
			}
			u := p.Function("f").URL
			if u == nil || u.InvokeMode != tc.want {
				t.Fatalf("url = %+v, want InvokeMode %s", u, tc.want)
			}
		})
	}
}

func TestTenancy(t *testing.T) {
	runRules(t, []ruleCase{
		{name: "PER_TENANT", yaml: fn + "    tenancy: PER_TENANT\n"},
		{name: "lower case", yaml: fn + "    tenancy: per-tenant\n",
			want:  []string{`6:14: tenancy must be PER_TENANT, got "per-tenant"`},
			hints: []string{"did you mean `PER_TENANT`?"}},
		{name: "unknown mode", yaml: fn + "    tenancy: shared\n",
			want: []string{`6:14: tenancy must be PER_TENANT, got "shared"`}},
		{name: "with a url", yaml: fn + "    tenancy: PER_TENANT\n    url: true\n",
			want: []string{"6:14: function `f` has tenancy PER_TENANT and a url: Lambda does not give function URLs to tenant-isolated functions"}},
		{name: "url from defaults", yaml: "app: a\ndefaults: {url: true}\nfunctions:\n  f:\n    handler: app.handler\n    runtime: python3.12\n    tenancy: PER_TENANT\n",
			want: []string{"7:14: function `f` has tenancy PER_TENANT and a url: Lambda does not give function URLs to tenant-isolated functions"}},
	})
	for _, tc := range []struct {
		yaml string
		want bool
	}{
		{fn, false},
		{fn + "    tenancy: PER_TENANT\n", true},
		{"app: a\ndefaults: {tenancy: PER_TENANT}\nfunctions:\n  f:\n    handler: app.handler\n    runtime: python3.12\n", true},
	} {
		p, errs := load(t, tc.yaml, nil, "app.py")
		if p == nil {
			t.Fatalf("Load failed:\n%v", errs)
		}
		if got := p.Function("f").PerTenant(); got != tc.want {
			t.Errorf("PerTenant() = %v, want %v for\n%s", got, tc.want, tc.yaml)
		}
	}
}

func TestLoggingRules(t *testing.T) {
	runRules(t, []ruleCase{
		{name: "JSON with levels", yaml: fn + "    logging: {format: JSON, applicationLogLevel: DEBUG, systemLogLevel: WARN, logGroup: /aws/lambda/shared}\n"},
		{name: "Text", yaml: fn + "    logging: {format: Text}\n"},
		{name: "format case", yaml: fn + "    logging: {format: json}\n",
			want:  []string{`6:23: logging.format must be Text or JSON, got "json"`},
			hints: []string{"did you mean `JSON`?"}},
		{name: "levels need JSON", yaml: fn + "    logging:\n      applicationLogLevel: INFO\n",
			want:  []string{"7:7: logging.applicationLogLevel needs format: JSON: Lambda filters log levels only in JSON logs"},
			hints: []string{"add format: JSON, or drop applicationLogLevel"}},
		{name: "unknown level", yaml: fn + "    logging: {format: JSON, systemLogLevel: ERROR}\n",
			want: []string{`6:45: logging.systemLogLevel must be one of DEBUG, INFO, WARN, got "ERROR"`}},
		{name: "bad log group", yaml: fn + "    logging: {logGroup: \"my group\"}\n",
			want: []string{`6:25: logging.logGroup "my group" is not a CloudWatch log group name`}},
		{name: "unknown key", yaml: fn + "    logging: {level: INFO}\n",
			want: []string{"6:15: unknown key `level` in logging"}},
	})
	p, errs := load(t, "app: a\ndefaults: {logging: {format: JSON, applicationLogLevel: warn}}\nfunctions:\n  f:\n    handler: app.handler\n    runtime: python3.12\n", nil, "app.py")
	if p == nil {
		t.Fatalf("Load failed:\n%v", errs)
	}
	if l := p.Function("f").Logging; !l.JSON() || l.ApplicationLevel != "WARN" {
		t.Errorf("logging from defaults = %+v, want JSON at WARN", l)
	}
}

func TestNames(t *testing.T) {
	long := strings.Repeat("x", 60)
	runRules(t, []ruleCase{
		{name: "function name charset", yaml: "app: a\nfunctions:\n  my.fn:\n    handler: app.handler\n    runtime: python3.12\n",
			want: []string{`3:3: function name "my.fn" may only contain letters, digits, - and _`}},
		{name: "app charset", yaml: "app: my app\nstage: \"pr/1\"\nfunctions:\n  f:\n    handler: app.handler\n    runtime: python3.12\n",
			want: []string{`1:6: app "my app" may only contain letters, digits, - and _`,
				`2:8: stage "pr/1" may only contain letters, digits, - and _`}},
		{name: "deployed name too long", yaml: "app: a\nfunctions:\n  " + long + ":\n    handler: app.handler\n    runtime: python3.12\n",
			want: []string{`3:3: deployed function name "a-dev-` + long + `" is 66 characters; Lambda allows at most 64`}},
		{name: "stage from env is checked", yaml: fn, env: map[string]string{StageEnv: "a b"},
			want: []string{`0:0: stage "a b" (from LAMBDEV_STAGE) may only contain letters, digits, - and _`}},
	})
}

func TestEnvironmentRules(t *testing.T) {
	big := strings.Repeat("v", 4090)
	runRules(t, []ruleCase{
		{name: "reserved and invalid names", yaml: fn + "    environment:\n      AWS_REGION: eu\n      _HANDLER: x\n      1BAD: x\n      A: x\n      AWS_LAMBDA_EXEC_WRAPPER: /opt/w\n",
			want: []string{
				"7:7: environment variable AWS_REGION is reserved by Lambda",
				"8:7: environment variable _HANDLER is reserved by Lambda",
				`9:7: environment variable name "1BAD" is invalid`,
				`10:7: environment variable name "A" is invalid`,
			}},
		{name: "values must be scalars", yaml: fn + "    environment:\n      EMPTY:\n      LIST: [1]\n      OK: \"\"\n",
			want: []string{
				"7:7: environment variable EMPTY has no value",
				"8:13: environment variable LIST must be a string, number or boolean",
			},
			hints: []string{`write EMPTY: "" for an empty value`}},
		{name: "environment not a mapping", yaml: fn + "    environment: [A=1]\n",
			want:  []string{"6:18: environment must be a mapping of keys to values"},
			hints: []string{`write the variables as a mapping: environment: {A: "1"}`}},
		{name: "environment as a long list", yaml: fn + "    environment: [AB=1, CD=x=y, EF=, GH=2]\n",
			want:  []string{"6:18: environment must be a mapping of keys to values"},
			hints: []string{`write the variables as a mapping: environment: {AB: "1", CD: "x=y", EF: "", …}`}},
		{name: "environment as a string", yaml: fn + "    environment: A=1 B=2\n",
			want:  []string{"6:18: environment must be a mapping of keys to values"},
			hints: []string{`write the variables as a mapping: environment: {NAME: "value"}`}},
		{name: "too big", yaml: fn + "    environment:\n      BIG: " + big + "\n      SMALL: abc\n",
			want: []string{"6:5: environment of function `f` is 4114 bytes as Lambda measures it (the variables as one JSON object); Lambda allows 4096 (4 KB)"}},
		{name: "interpolation failures", yaml: fn + "    environment:\n      A1: ${env:NOPE}\n      A2: \"${vault:x}\"\n      A3: \"${env:X\"\n      A4: ${env:}\n",
			want: []string{
				"7:11: environment variable NOPE is not set",
				"8:11: unsupported variable reference ${vault:x}",
				`9:11: unterminated variable reference "${env:X"`,
				`10:11: invalid environment variable name "" in ${env:}`,
			},
			hints: []string{"set NOPE, or give a default: ${env:NOPE, value}"}},
		{name: "interpolated memory must still be valid", yaml: fn + "    memory: ${env:MEM}\n",
			env: map[string]string{"MEM": "lots"}, want: []string{"6:13: memory must be an integer number of MB (128–10240)"}},
		{name: "missing variable in handler", yaml: "app: a\nfunctions:\n  f:\n    handler: ${env:H}\n    runtime: python3.12\n",
			want: []string{"4:14: environment variable H is not set"}},
	})
}

func TestRuntimeRules(t *testing.T) {
	runRules(t, []ruleCase{
		{name: "typo", yaml: "app: a\nfunctions:\n  f:\n    handler: app.handler\n    runtime: nodejs22\n",
			want: []string{`5:14: unknown runtime "nodejs22"`}, hints: []string{"did you mean `nodejs22.x`?"}},
		{name: "family list", yaml: "app: a\nfunctions:\n  f:\n    handler: app.handler\n    runtime: ruby9\n",
			want:  []string{`5:14: unknown runtime "ruby9"`},
			hints: []string{"supported ruby runtimes: ruby4.0, ruby3.4, ruby3.3, ruby3.2"}},
		{name: "no family", yaml: "app: a\nfunctions:\n  f:\n    handler: app.handler\n    runtime: cobol\n",
			want: []string{`5:14: unknown runtime "cobol"`}},
		{name: "create blocked", yaml: "app: a\nfunctions:\n  f:\n    handler: app.handler\n    runtime: python3.7\n",
			want:  []string{"5:14: runtime python3.7 can no longer be used to create functions (blocked since 2024-01-09)"},
			hints: []string{"upgrade to python3.14"}},
		{name: "update blocked retired", yaml: "app: a\nfunctions:\n  f:\n    handler: app.handler\n    runtime: nodejs12.x\n",
			files: []string{"app.js"},
			want:  []string{"5:14: runtime nodejs12.x can no longer be used to create or update functions (retired)"}},
		{name: "deprecated warns", yaml: "app: a\nfunctions:\n  f:\n    handler: app.handler\n    runtime: python3.9\n",
			want: []string{"5:14: warning: runtime python3.9 is deprecated since 2025-12-15; Lambda blocks creating functions with it from 2027-07-29"}},
		{name: "preview warns", yaml: "app: a\nfunctions:\n  f:\n    handler: app.handler\n    runtime: python3.15\n",
			want: []string{"5:14: warning: runtime python3.15 is in public preview"}},
		{name: "arm64 on AL1", yaml: "app: a\nfunctions:\n  f:\n    handler: bootstrap\n    runtime: provided\n    architecture: arm64\n",
			files: []string{"+x bootstrap"},
			want: []string{
				"5:14: runtime provided can no longer be used to create functions (blocked since 2024-02-08)",
				"6:19: architecture arm64 is not supported by runtime provided (x86_64 only)",
			},
			hints: []string{"upgrade to provided.al2023"}},
		{name: "missing handler and runtime", yaml: "app: a\nfunctions:\n  f:\n    memory: 256\n",
			want: []string{"3:3: function `f` has no handler", "3:3: function `f` has no runtime"}},
	})
}

func TestDefaultsReportedOnce(t *testing.T) {
	runRules(t, []ruleCase{
		{name: "bad default once", yaml: "app: a\ndefaults:\n  memory: lots\n  runtime: python3.9\n  memorry: 1\nfunctions:\n" +
			"  f:\n    handler: app.handler\n  g:\n    handler: app.handler\n",
			want: []string{
				"3:11: memory must be an integer number of MB (128–10240)",
				"4:12: warning: runtime python3.9 is deprecated since 2025-12-15; Lambda blocks creating functions with it from 2027-07-29",
				"5:3: unknown key `memorry` in defaults",
			}},
		{name: "arch from defaults against each runtime", yaml: "app: a\ndefaults:\n  architecture: arm64\nfunctions:\n" +
			"  f:\n    handler: app.handler\n    runtime: python3.12\n  g:\n    handler: g\n    runtime: go1.x\n",
			files: []string{"g/main.go=package main"},
			want: []string{
				"3:17: architecture arm64 is not supported by runtime go1.x (x86_64 only)",
				"10:14: runtime go1.x can no longer be used to create functions (blocked since 2024-02-08)",
			}},
	})
}

// TestMergeKeysAreReadOnce guards against exponential work from merge keys
// that list the same anchors again and again, and against self-merges.
func TestMergeKeysAreReadOnce(t *testing.T) {
	var b strings.Builder
	b.WriteString("x-0: &a0 {memory: 256, <<: *a0}\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, "x-%d: &a%d {<<: [*a%d, *a%d, *a%d, *a%d]}\n", i, i, i-1, i-1, i-1, i-1)
	}
	b.WriteString("app: a\nfunctions:\n  f:\n    <<: *a12\n    handler: app.handler\n    runtime: python3.12\n")
	p, errs := load(t, b.String(), nil, "app.py")
	if p == nil {
		t.Fatal(errs)
	}
	if p.Functions[0].Memory != 256 {
		t.Errorf("merged memory = %d", p.Functions[0].Memory)
	}
}

func TestDeprecatedWithoutCreateBlockDate(t *testing.T) {
	// java25 has no published block-create date: the warning names the update block.
	r, _ := LookupRuntime("java25")
	d := newDecoder("f", mapEnv(nil))
	d.checkLifecycle(r, Pos{Line: 1, Col: 1}, day("2029-07-01"))
	sameLines(t, "problems", short(d.errs.List), []string{
		"1:1: warning: runtime java25 is deprecated since 2029-06-30; Lambda blocks updating functions with it from 2029-08-31",
	})
}

// TestLeadingZeroIntegers: yaml.v3 reads 0256 as octal (174) and 0900 as a
// float, so a leading zero on any integer field is an error at the value,
// written or interpolated, with the number meant in the hint.
func TestLeadingZeroIntegers(t *testing.T) {
	const octal = "; YAML reads a number with a leading zero as octal"
	runRules(t, []ruleCase{
		{name: "memory octal", yaml: fn + "    memory: 0256\n",
			want: []string{"6:13: memory must not have a leading zero, got 0256"}, hints: []string{"write 256" + octal}},
		{name: "memory not octal", yaml: fn + "    memory: 0900\n",
			want: []string{"6:13: memory must not have a leading zero, got 0900"}, hints: []string{"write 900" + octal}},
		{name: "memory interpolated", yaml: fn + "    memory: ${env:MEM}\n", env: map[string]string{"MEM": "0256"},
			want: []string{"6:13: memory must not have a leading zero, got 0256"}, hints: []string{"write 256" + octal}},
		{name: "timeout octal", yaml: fn + "    timeout: 030\n",
			want: []string{"6:14: timeout must not have a leading zero, got 030"}, hints: []string{"write 30" + octal}},
		{name: "timeout not octal", yaml: fn + "    timeout: 0900\n",
			want: []string{"6:14: timeout must not have a leading zero, got 0900"}},
		{name: "timeout interpolated", yaml: fn + "    timeout: ${env:T}\n", env: map[string]string{"T": "030"},
			want: []string{"6:14: timeout must not have a leading zero, got 030"}},
		{name: "concurrency", yaml: fn + "    concurrency: 010\n",
			want: []string{"6:18: concurrency must not have a leading zero, got 010"}, hints: []string{"write 10" + octal}},
		{name: "maxAge", yaml: fn + "    url: {cors: {maxAge: 0_300}}\n",
			want: []string{"6:26: url.cors.maxAge must not have a leading zero, got 0_300"}, hints: []string{"write 300" + octal}},
		{name: "maxAge zeros", yaml: fn + "    url: {cors: {maxAge: 00}}\n",
			want: []string{"6:26: url.cors.maxAge must not have a leading zero, got 00"}, hints: []string{"write 0" + octal}},
		{name: "zero and plain numbers still read", yaml: fn + "    memory: 256\n    timeout: 30\n    url: {cors: {maxAge: 0}}\n"},
		{name: "duration text is decimal", yaml: fn + "    timeout: 030s\n"},
		{name: "quoted is a string, not a number", yaml: fn + "    memory: \"0256\"\n",
			want: []string{"6:13: memory must be an integer number of MB (128–10240)"}},
	})
}

// TestYAMLTags: an explicit tag outside the plain core schema is an error
// at the tag (it was ignored: !!binary YWJj gave the text YWJj, and
// !!python/object or local !tags passed); core tags that fit the value and
// the field are allowed.
func TestYAMLTags(t *testing.T) {
	runRules(t, []ruleCase{
		{name: "binary app", yaml: "app: !!binary YWJj\nfunctions:\n  f: {handler: app.handler, runtime: python3.12}\n",
			want:  []string{"1:6: YAML tag !!binary is not supported"},
			hints: []string{"write the value as plain text; lambdev does not decode base64"}},
		{name: "binary env value", yaml: fn + "    environment:\n      KEY: !!binary c2VjcmV0\n",
			want: []string{"7:12: YAML tag !!binary is not supported"}},
		{name: "python object", yaml: fn + "    description: !!python/object:os.system echo\n",
			want: []string{"6:18: YAML tag !!python/object:os.system is not supported"}, hints: []string{tagHint}},
		{name: "local tag", yaml: fn + "    memory: !custom 256\n",
			want: []string{"6:13: YAML tag !custom is not supported"}},
		{name: "document tag", yaml: "--- !foo\n" + fn,
			want: []string{"1:5: YAML tag !foo is not supported"}},
		{name: "tagged key", yaml: fn + "    !k memory: 256\n",
			want: []string{"6:5: YAML tag !k is not supported"}},
		{name: "timestamp", yaml: fn + "    environment: {WHEN: !!timestamp 2001-12-14}\n",
			want: []string{"6:25: YAML tag !!timestamp is not supported"}},
		{name: "core tag on the wrong kind", yaml: fn + "    watch: !!map [a]\n",
			want: []string{"6:12: YAML tag !!map does not fit this list"}},
		{name: "core tag on a value it does not fit", yaml: fn + "    description: !!int many\n",
			want: []string{`6:18: "many" is not a valid !!int value`}},
		{name: "str on an integer field", yaml: fn + "    memory: !!str 256\n",
			want: []string{"6:13: memory must be an integer number of MB (128–10240)"}},
		{name: "core tags that fit", yaml: "app: !!str a\nrelay: !!null\nfunctions: !!map\n  f: !!map\n    handler: !!str app.handler\n" +
			"    runtime: python3.12\n    memory: !!int 256\n    dev: !!bool true\n    watch: !!seq [\"*.py\"]\n" +
			"    environment: {NUM: !!float 1.5, STR: !!str 1}\n"},
	})
}

// TestDuplicateMergeKey: a second `<<` in one mapping is a duplicate key like
// any other (the first used to win silently).
func TestDuplicateMergeKey(t *testing.T) {
	const anchors = "x-a: &a {memory: 256}\nx-b: &b {memory: 512, timeout: 10}\n"
	runRules(t, []ruleCase{
		{name: "two merge keys", yaml: anchors + fn + "    <<: *a\n    <<: *b\n",
			want:  []string{"9:5: duplicate key `<<` in function `f` (first defined at line 8, col 5)"},
			hints: []string{"merge several mappings with one key: <<: [*a, *b]"}},
		{name: "in an anchored mapping, as any duplicate there", yaml: anchors + "x-c: &c {<<: *a, <<: *b}\n" + fn + "    <<: *c\n" +
			"  g:\n    <<: *c\n    handler: app.handler\n    runtime: python3.12\n",
			want: []string{
				"3:18: duplicate key `<<` in function `f` (first defined at line 3, col 10)",
				"3:18: duplicate key `<<` in function `g` (first defined at line 3, col 10)",
			}},
		{name: "one merge key with a list", yaml: anchors + fn + "    <<: [*a, *b]\n"},
	})
}

// TestEnvironmentSizeAsLambdaMeasuresIt: Lambda measures the 4 KB quota on
// the variables as one JSON object ("exceeded the 4KB limit. String
// measured: {…}"), not on the sum of names and values: 200 variables
// VAR_000000: vvvvvvvvvv are 4000 bytes of names and values but 5201 of JSON.
func TestEnvironmentSizeAsLambdaMeasuresIt(t *testing.T) {
	var many strings.Builder
	for i := range 200 {
		fmt.Fprintf(&many, "      VAR_%06d: vvvvvvvvvv\n", i)
	}
	// {"BIG":"…"} is 10 bytes around the value.
	exact := "      BIG: " + strings.Repeat("x", MaxEnvironment-10) + "\n"
	over := "      BIG: " + strings.Repeat("x", MaxEnvironment-11) + "\"\n" // an escaped quote is 2 bytes
	const msg = " bytes as Lambda measures it (the variables as one JSON object); Lambda allows 4096 (4 KB)"
	runRules(t, []ruleCase{
		{name: "200 small variables", yaml: fn + "    environment:\n" + many.String(),
			want: []string{"6:5: environment of function `f` is 5201" + msg}},
		{name: "exactly 4096", yaml: fn + "    environment:\n" + exact},
		{name: "escapes count", yaml: fn + "    environment:\n" + over,
			want: []string{"6:5: environment of function `f` is 4097" + msg}},
	})
	if n := EnvironmentSize(map[string]string{"A": "<&>", "B": "é"}); n != len(`{"A":"<&>","B":"é"}`) {
		t.Errorf("EnvironmentSize = %d; HTML characters are not escaped and UTF-8 is bytes", n)
	}
}

// TestNestedInterpolation: a ${…} inside another one is an error (it became
// literal text: "${env:X, ${env:Y, z}}" gave "${env:Y, z}" with X unset).
func TestNestedInterpolation(t *testing.T) {
	const msg = `nested ${…} is not supported: "${env:X, ${env:Y, z}}"`
	runRules(t, []ruleCase{
		{name: "in a default", yaml: fn + "    description: \"${env:X, ${env:Y, z}}\"\n",
			want:  []string{"6:18: " + msg},
			hints: []string{"a default is literal text: write ${env:NAME, value}, or set NAME to what you need"}},
		{name: "even when the outer variable is set", yaml: fn + "    description: \"${env:X, ${env:Y, z}}\"\n",
			env: map[string]string{"X": "x", "Y": "y"}, want: []string{"6:18: " + msg}},
		{name: "after text, in an environment value", yaml: fn + "    environment:\n      URL: \"http://${env:X, ${env:Y, z}}/\"\n",
			want: []string{`7:12: nested ${…} is not supported: "${env:X, ${env:Y, z}}/"`}},
		{name: "side by side is fine", yaml: fn + "    description: \"${env:X, a}${env:Y, b}\"\n"},
	})
}

// TestCorsLimits: Lambda's Cors type, as documented in the Lambda API
// reference (https://docs.aws.amazon.com/lambda/latest/dg/API_Cors.html):
// AllowMethods at most 6 items of at most 6 characters; AllowOrigins at most
// 100 items of 1–253 characters; AllowHeaders and ExposeHeaders at most 100
// items of at most 1024 characters; MaxAge 0–86400. These were accepted and
// only failed at deploy (OPTIONS, 7 characters, was even in the method list).
func TestCorsLimits(t *testing.T) {
	list := func(n int, item string) string {
		items := make([]string, n)
		for i := range items {
			items[i] = fmt.Sprintf("%q", fmt.Sprintf(item, i))
		}
		return "[" + strings.Join(items, ", ") + "]"
	}
	cors := func(key, val string) string { return fn + "    url:\n      cors:\n        " + key + ": " + val + "\n" }
	long := func(n int) string { return fmt.Sprintf("%q", strings.Repeat("h", n)) }
	runRules(t, []ruleCase{
		{name: "OPTIONS", yaml: cors("allowMethods", "[GET, OPTIONS]"),
			want:  []string{`8:29: url.cors.allowMethods: "OPTIONS" is longer than the 6 characters Lambda allows`},
			hints: []string{"remove it: Lambda answers CORS preflight (OPTIONS) requests itself"}},
		{name: "seven methods", yaml: cors("allowMethods", "[GET, POST, PUT, PATCH, DELETE, HEAD, \"*\"]"),
			want: []string{"8:23: url.cors.allowMethods has 7 entries; Lambda allows at most 6"}},
		{name: "six methods", yaml: cors("allowMethods", "[GET, POST, PUT, PATCH, DELETE, HEAD]")},
		{name: "101 origins", yaml: cors("allowOrigins", list(101, "https://o%d.example.com")),
			want: []string{"8:23: url.cors.allowOrigins has 101 entries; Lambda allows at most 100"}},
		{name: "100 origins", yaml: cors("allowOrigins", list(100, "https://o%d.example.com"))},
		{name: "empty origin", yaml: cors("allowOrigins", `["https://a.example.com", ""]`),
			want:  []string{"8:49: url.cors.allowOrigins entries must not be empty"},
			hints: []string{"origins look like https://www.example.com, or * for any"}},
		{name: "origin of 254", yaml: cors("allowOrigins", "["+long(254)+"]"),
			want: []string{"8:24: url.cors.allowOrigins entry is 254 characters; Lambda allows at most 253"}},
		{name: "origin of 253", yaml: cors("allowOrigins", "["+long(253)+"]")},
		{name: "101 headers", yaml: cors("allowHeaders", list(101, "X-H%d")),
			want: []string{"8:23: url.cors.allowHeaders has 101 entries; Lambda allows at most 100"}},
		{name: "header of 1025", yaml: cors("exposeHeaders", "["+long(1025)+"]"),
			want: []string{"8:25: url.cors.exposeHeaders entry is 1025 characters; Lambda allows at most 1024"}},
		{name: "101 expose headers", yaml: cors("exposeHeaders", list(101, "X-H%d")),
			want: []string{"8:24: url.cors.exposeHeaders has 101 entries; Lambda allows at most 100"}},
		{name: "headers at the limits", yaml: cors("allowHeaders", "["+long(1024)+"]") + "        exposeHeaders: " + list(100, "X-H%d") + "\n"},
		{name: "maxAge over a day", yaml: cors("maxAge", "86401"),
			want: []string{"8:17: url.cors.maxAge must be between 0 and 86400 seconds, got 86401"}},
		{name: "maxAge a day", yaml: cors("maxAge", "86400")},
	})
}

// TestMessagesSayWhatIsWrong: an integer too large is out of range, not "not
// an integer" (2147483648 overflowed a 32-bit parse), and the common errors
// say what to do.
func TestMessagesSayWhatIsWrong(t *testing.T) {
	runRules(t, []ruleCase{
		{name: "memory past 32 bits", yaml: fn + "    memory: 2147483648\n",
			want:  []string{"6:13: memory must be between 128 and 10240 MB, got 2147483648"},
			hints: []string{"Lambda gives a function 128 to 10240 MB of memory, e.g. memory: 1024"}},
		{name: "memory negative", yaml: fn + "    memory: -5\n",
			want: []string{"6:13: memory must be between 128 and 10240 MB, got -5"}},
		{name: "timeout hours past int64", yaml: fn + "    timeout: 99999999999h\n",
			want:  []string{"6:14: timeout must be between 1s and 900s (15m), got 99999999999h"},
			hints: []string{"Lambda runs a function for 1 second to 15 minutes, e.g. timeout: 30s"}},
		{name: "timeout seconds past 32 bits", yaml: fn + "    timeout: 4294967296\n",
			want: []string{"6:14: timeout must be between 1s and 900s (15m), got 4294967296"}},
		{name: "timeout seconds past 64 bits", yaml: fn + "    timeout: 99999999999999999999\n",
			want: []string{"6:14: timeout must be between 1s and 900s (15m), got 99999999999999999999"}},
		{name: "timeout unit only", yaml: fn + "    timeout: s\n", want: []string{"6:14: " + timeoutMsg}},
		{name: "concurrency past 32 bits", yaml: fn + "    concurrency: 2147483648\n",
			want:  []string{"6:18: concurrency must be between 1 and 1000, got 2147483648"},
			hints: []string{"concurrency is how many workers lambdev runs at once for the function, e.g. concurrency: 10"}},
		{name: "maxAge past 32 bits", yaml: fn + "    url: {cors: {maxAge: 2147483648}}\n",
			want:  []string{"6:26: url.cors.maxAge must be between 0 and 86400 seconds, got 2147483648"},
			hints: []string{"browsers may cache a preflight answer for at most a day (86400 seconds)"}},
		{name: "name characters", yaml: "app: my app\nstage: pr/42\nfunctions:\n  f.v1:\n    handler: app.handler\n    runtime: python3.12\n",
			want: []string{
				`1:6: app "my app" may only contain letters, digits, - and _`,
				`2:8: stage "pr/42" may only contain letters, digits, - and _`,
				`4:3: function name "f.v1" may only contain letters, digits, - and _`,
			},
			hints: []string{
				"names become part of the deployed function name app-stage-function: try `my-app`",
				"names become part of the deployed function name app-stage-function: try `pr-42`",
				"names become part of the deployed function name app-stage-function: try `f-v1`",
			}},
		{name: "name with nothing to keep", yaml: "app: \"..\"\nfunctions:\n  f: {handler: app.handler, runtime: python3.12}\n",
			want:  []string{`1:6: app ".." may only contain letters, digits, - and _`},
			hints: []string{"names become part of the deployed function name app-stage-function: use letters, digits, - and _"}},
		{name: "must be a string", yaml: fn + "    description: [a, b]\n",
			want:  []string{"6:18: description must be a string"},
			hints: []string{"write one value on the line, quoted if it holds characters YAML treats specially (: # [ { ,)"}},
		{name: "two documents", yaml: fn + "---\napp: b\n",
			want:  []string{"6:1: only one YAML document is allowed in a project file"},
			hints: []string{"remove the --- line and what follows it, or merge that document into the first"}},
	})
}

// TestDriftIgnoreIDs: drift.ignore names rules; an unknown id silenced
// nothing and was accepted.
func TestDriftIgnoreIDs(t *testing.T) {
	runRules(t, []ruleCase{
		{name: "typo", yaml: fn + "    drift: {ignore: [runtime-swap, runtme-swap]}\n",
			want:  []string{"6:36: unknown drift rule `runtme-swap` in drift.ignore"},
			hints: []string{"did you mean `runtime-swap`?"}},
		{name: "nothing close", yaml: "app: a\ndefaults:\n  drift:\n    ignore:\n      - typo\nfunctions:\n  f: {handler: app.handler, runtime: python3.12}\n",
			want:  []string{"5:9: unknown drift rule `typo` in drift.ignore"},
			hints: []string{"drift rules: " + strings.Join(DriftRules, ", ")}},
		{name: "every rule", yaml: fn + "    drift: {ignore: [" + strings.Join(DriftRules, ", ") + "]}\n"},
	})
}

func TestRegions(t *testing.T) {
	var cases []ruleCase
	for _, r := range []string{
		"us-east-1", "ap-southeast-5", "mx-central-1", "il-central-1", "us-gov-west-1", "cn-north-1",
		"cn-northwest-1", "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1", "eusc-de-east-1",
	} {
		cases = append(cases, ruleCase{name: r, yaml: "region: " + r + "\n" + fn})
	}
	notRegion := func(r, hint string) ruleCase {
		return ruleCase{name: r, yaml: "region: \"" + r + "\"\n" + fn,
			want: []string{fmt.Sprintf("1:9: region %q is not an AWS region name", r)}, hints: []string{hint}}
	}
	const examples = "regions look like us-east-1, eu-west-2, us-gov-west-1 or cn-north-1"
	cases = append(cases,
		notRegion("xx-fake-1", examples),
		notRegion("us-east", "did you mean `us-east-1`?"),
		notRegion("US-EAST-1", "did you mean `us-east-1`?"),
		notRegion("us-east-1a", "did you mean `us-east-1`?"),
		notRegion("us-east-0", "did you mean `us-east-1`?"),
		notRegion("us-isoz-east-1", "did you mean `us-iso-east-1`?"),
		notRegion("us east 1", "did you mean `us-east-1`?"),
		notRegion("useast1", "did you mean `us-east-1`?"),
		notRegion("ohio", examples),
		notRegion("", examples),
		ruleCase{name: "unknown but well formed", yaml: "region: ap-southeast-9\n" + fn,
			want:  []string{`1:9: warning: region "ap-southeast-9" is not one lambdev knows`},
			hints: []string{"did you mean `ap-southeast-1`?"}},
		ruleCase{name: "unknown area", yaml: "region: kr-east-5\n" + fn,
			want:  []string{`1:9: warning: region "kr-east-5" is not one lambdev knows`},
			hints: []string{"if it is a region newer than lambdev, ignore this warning"}},
	)
	runRules(t, cases)
}

func TestKnownRegionsAreWellFormed(t *testing.T) {
	for _, r := range knownRegions {
		if !regionPattern.MatchString(r) {
			t.Errorf("known region %q does not match regionPattern", r)
		}
	}
}

func TestUnknownRegionIsKept(t *testing.T) {
	p, errs := load(t, "region: ap-southeast-9\n"+fn, nil, "app.py")
	if p == nil || p.Region != "ap-southeast-9" {
		t.Fatalf("project %+v, problems %v; want it loaded with region ap-southeast-9", p, errs)
	}
}

func TestRelayURL(t *testing.T) {
	var cases []ruleCase
	for _, u := range []string{
		"wss://relay.example.com", "wss://relay.example.com:8443/hub", "https://relay.example.com",
		"ws://127.0.0.1:3200", "ws://localhost:1", "ws://[::1]:65535", "http://dev.localhost/",
	} {
		cases = append(cases, ruleCase{name: u, yaml: "relay: \"" + u + "\"\n" + fn})
	}
	bad := func(u, msg, hint string) ruleCase {
		return ruleCase{name: u, yaml: "relay: \"" + u + "\"\n" + fn, want: []string{"1:8: " + msg}, hints: []string{hint}}
	}
	const notURL = "relay must be an http(s) or ws(s) URL with a host, got %q"
	const portHint = "ports are 1 to 65535; leave the port out for the scheme's default"
	cases = append(cases,
		bad("wss://host:99999", `relay port "99999" is out of range in "wss://host:99999"`, portHint),
		bad("wss://host:0", `relay port "0" is out of range in "wss://host:0"`, portHint),
		bad("wss://host:", `relay port "" is out of range in "wss://host:"`, portHint),
		bad("ws://host/ path", `relay URL "ws://host/ path" must not contain white space`,
			"remove it, or percent-encode a space as %20"),
		bad("wss://host/hub?stage=a b", `relay URL "wss://host/hub?stage=a b" must not contain white space`,
			"remove it, or percent-encode a space as %20"),
		bad("ftp://host", fmt.Sprintf(notURL, "ftp://host"), "e.g. wss://relay.example.com"),
		bad("wss://:443", fmt.Sprintf(notURL, "wss://:443"), "e.g. wss://relay.example.com"),
		bad("wss://host:abc", fmt.Sprintf(notURL, "wss://host:abc"), "e.g. wss://relay.example.com"),
		ruleCase{name: "ws to another machine", yaml: "relay: ws://relay.example.com\n" + fn,
			want:  []string{`1:8: warning: relay "ws://relay.example.com" is not encrypted: the relay token and every payload cross the network in clear`},
			hints: []string{"use wss:// (TLS) unless the hub is on this machine"}},
		ruleCase{name: "http to another machine", yaml: "relay: http://10.0.0.2:3200\n" + fn,
			want: []string{`1:8: warning: relay "http://10.0.0.2:3200" is not encrypted: the relay token and every payload cross the network in clear`}},
	)
	runRules(t, cases)
}

func TestGlobsThatNeverMatch(t *testing.T) {
	const hint = `patterns are paths relative to the project directory (where lambdev.yaml is), e.g. "shared/**"`
	runRules(t, []ruleCase{
		{name: "relative globs", yaml: fn + "    watch: [\"shared/**\", \"./lib/\", \"*.json\", \"..data\"]\n    ignore: [\"**/*.tmp\"]\n"},
		{name: "outside the project", yaml: fn + "    watch: [\"../../etc/**\", \"/etc/passwd\", \"src/../lib\"]\n",
			want: []string{
				`6:13: watch pattern "../../etc/**" has a .. element; it never matches`,
				`6:29: watch pattern "/etc/passwd" is an absolute path; it never matches`,
				`6:44: watch pattern "src/../lib" has a .. element; it never matches`,
			},
			hints: []string{hint, hint + "; files outside it are never watched or packaged"}},
		{name: "windows absolute", yaml: fn + "    ignore: ['C:\\tmp\\*', \"d:/x\"]\n",
			want: []string{
				`6:14: ignore pattern "C:\\tmp\\*" is an absolute path; it never matches`,
				`6:26: ignore pattern "d:/x" is an absolute path; it never matches`,
			}},
		{name: "empty", yaml: fn + "    ignore: [\"\", \" \", \"./\", \"/\"]\n",
			want: []string{
				"6:14: ignore pattern is empty",
				"6:18: ignore pattern is empty",
				"6:23: ignore pattern is empty",
				"6:29: ignore pattern is empty",
			},
			hints: []string{"remove the entry; " + hint}},
		{name: "in defaults", yaml: "app: a\ndefaults:\n  watch: [..]\nfunctions:\n  f:\n    handler: app.handler\n    runtime: python3.12\n",
			want: []string{`3:11: watch pattern ".." has a .. element; it never matches`}},
	})
}
