package deploy

import (
	"encoding/json"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdev/lambdev/config"
)

// wireLogging is a LoggingConfig as it travels in Lambda's JSON.
type wireLogging struct {
	LogFormat           string `json:",omitempty"`
	ApplicationLogLevel string `json:",omitempty"`
	SystemLogLevel      string `json:",omitempty"`
	LogGroup            string `json:",omitempty"`
}

// sentLogging is the LoggingConfig of one CreateFunction ("create") or
// UpdateFunctionConfiguration ("update") request as the SDK sent it; nil
// when the request had none.
type sentLogging struct {
	Op, Function string
	Logging      *wireLogging
}

func (s sentLogging) String() string {
	if s.Logging == nil {
		return s.Op + " " + s.Function + " <none>"
	}
	return s.Op + " " + s.Function + " " + strings.Join([]string{s.Logging.LogFormat,
		s.Logging.ApplicationLogLevel, s.Logging.SystemLogLevel, s.Logging.LogGroup}, "|")
}

// loggingKeeper sits between a Lambda client and moto, which accepts
// LoggingConfig on CreateFunction and UpdateFunctionConfiguration but neither
// stores nor returns it. It records the LoggingConfig of each such request
// and, when moto's GetFunction answer has none, adds what Lambda would report:
// for every function created through it, Text in /aws/lambda/<name> unless
// requests said otherwise, and INFO for a JSON level never set. An update
// changes the fields it names. What Lambda does with the levels of a function
// switched back to Text is not documented; the keeper keeps them, the harder
// case for the comparison, which must ignore them.
type loggingKeeper struct {
	next     lambda.HTTPClient
	mu       sync.Mutex
	sent     []sentLogging
	deployed map[string]wireLogging // function name → what GetFunction reports
}

func (k *loggingKeeper) Do(req *http.Request) (*http.Response, error) {
	dir, name := path.Split(req.URL.Path)
	switch {
	case req.Method == http.MethodPost && req.URL.Path == "/2015-03-31/functions":
		return k.record(req, "create", "")
	case req.Method == http.MethodPut && path.Base(req.URL.Path) == "configuration":
		return k.record(req, "update", path.Base(dir))
	case req.Method == http.MethodGet && dir == "/2015-03-31/functions/":
		return k.get(req, name)
	case req.Method == http.MethodDelete && dir == "/2015-03-31/functions/":
		k.mu.Lock()
		delete(k.deployed, name)
		k.mu.Unlock()
	}
	return k.next.Do(req)
}

// record notes the request's LoggingConfig and passes the request on; name
// is the function's, or "" to read it from the body.
func (k *loggingKeeper) record(req *http.Request, op, name string) (*http.Response, error) {
	body, err := peekBody(req)
	if err != nil {
		return nil, err
	}
	var in struct {
		FunctionName  string
		LoggingConfig *wireLogging
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, err
	}
	if name == "" {
		name = in.FunctionName
	}
	resp, err := k.next.Do(req)
	if err != nil || resp.StatusCode/100 != 2 {
		return resp, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.sent = append(k.sent, sentLogging{op, name, in.LoggingConfig})
	l, ok := k.deployed[name]
	if !ok {
		l = wireLogging{LogFormat: "Text", LogGroup: "/aws/lambda/" + name}
	}
	if c := in.LoggingConfig; c != nil {
		l.LogFormat = cmpOr(c.LogFormat, l.LogFormat)
		l.LogGroup = cmpOr(c.LogGroup, l.LogGroup)
		l.ApplicationLogLevel = cmpOr(c.ApplicationLogLevel, l.ApplicationLogLevel)
		l.SystemLogLevel = cmpOr(c.SystemLogLevel, l.SystemLogLevel)
	}
	if l.LogFormat == "JSON" {
		l.ApplicationLogLevel = cmpOr(l.ApplicationLogLevel, "INFO")
		l.SystemLogLevel = cmpOr(l.SystemLogLevel, "INFO")
	}
	k.deployed[name] = l
	return resp, nil
}

func (k *loggingKeeper) get(req *http.Request, name string) (*http.Response, error) {
	resp, err := k.next.Do(req)
	k.mu.Lock()
	l, ok := k.deployed[name]
	k.mu.Unlock()
	if err != nil || resp.StatusCode != http.StatusOK || !ok {
		return resp, err
	}
	err = editConfiguration(resp, func(c map[string]any) {
		if c["LoggingConfig"] == nil {
			c["LoggingConfig"] = l
		}
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// take returns the requests recorded since the last take.
func (k *loggingKeeper) take() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []string
	for _, s := range k.sent {
		out = append(out, s.String())
	}
	k.sent = nil
	slices.Sort(out)
	return out
}

// keepLogging puts a loggingKeeper in front of d's Lambda client.
func keepLogging(d *Deployer) *loggingKeeper {
	k := &loggingKeeper{deployed: map[string]wireLogging{}}
	d.lambda = lambda.New(d.lambda.Options(), func(o *lambda.Options) {
		k.next, o.HTTPClient = o.HTTPClient, k
	})
	return k
}

func cmpOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func deployedLoggingOf(t *testing.T, d *Deployer, name string) wireLogging {
	t.Helper()
	l := getFunction(t, d, name).Configuration.LoggingConfig
	if l == nil {
		t.Fatalf("GetFunction %s reports no LoggingConfig", name)
	}
	return wireLogging{string(l.LogFormat), string(l.ApplicationLogLevel), string(l.SystemLogLevel), aws.ToString(l.LogGroup)}
}

// TestDeployLogging creates a JSON-logging function beside one that declares
// no logging, then changes and removes its logging. moto 5.2.1 drops
// LoggingConfig, so the requests are checked as the SDK sent them and a
// loggingKeeper answers GetFunction as Lambda would.
func TestDeployLogging(t *testing.T) {
	d := newDeployer(t)
	keeper := keepLogging(d)
	p := demoProject(t, "logs")
	api, worker := p.Function("api"), p.Function("worker")
	api.Logging = &config.LoggingConfig{Format: config.LogFormatJSON, ApplicationLevel: "DEBUG",
		SystemLevel: "WARN", LogGroup: "/lambdev/shared"}
	apiName, workerName := p.LambdaName(api), p.LambdaName(worker)

	rep := deployOK(t, d, p)
	wantActions(t, rep, map[string]Action{"api": ActionCreate, "worker": ActionCreate})
	wantSent(t, keeper, "create "+apiName+" JSON|DEBUG|WARN|/lambdev/shared", "create "+workerName+" <none>")
	if got, want := deployedLoggingOf(t, d, apiName), (wireLogging{"JSON", "DEBUG", "WARN", "/lambdev/shared"}); got != want {
		t.Fatalf("deployed api logging %+v, want %+v", got, want)
	}

	steps := []struct {
		name    string
		change  func()
		actions map[string]Action
		sent    []string    // the logging of the requests sent
		api     wireLogging // api's logging after the step
	}{
		{"redeploy is idempotent", func() {}, unchanged(), nil,
			wireLogging{"JSON", "DEBUG", "WARN", "/lambdev/shared"}},
		{"declaring the default changes nothing", func() {
			worker.Logging = &config.LoggingConfig{Format: config.LogFormatText}
		}, unchanged(), nil, wireLogging{"JSON", "DEBUG", "WARN", "/lambdev/shared"}},
		{"a level updates", func() { api.Logging.ApplicationLevel = "ERROR" },
			map[string]Action{"api": ActionUpdateConfig, "worker": ActionUnchanged},
			[]string{"update " + apiName + " JSON|ERROR|WARN|/lambdev/shared"},
			wireLogging{"JSON", "ERROR", "WARN", "/lambdev/shared"}},
		{"undeclared levels are Lambda's INFO", func() { api.Logging.ApplicationLevel, api.Logging.SystemLevel = "", "" },
			map[string]Action{"api": ActionUpdateConfig, "worker": ActionUnchanged},
			[]string{"update " + apiName + " JSON|INFO|INFO|/lambdev/shared"},
			wireLogging{"JSON", "INFO", "INFO", "/lambdev/shared"}},
		{"the log group updates", func() { api.Logging.LogGroup = "" },
			map[string]Action{"api": ActionUpdateConfig, "worker": ActionUnchanged},
			[]string{"update " + apiName + " JSON|INFO|INFO|/aws/lambda/" + apiName},
			wireLogging{"JSON", "INFO", "INFO", "/aws/lambda/" + apiName}},
		{"a log group again", func() { api.Logging.LogGroup = "/lambdev/shared" },
			map[string]Action{"api": ActionUpdateConfig, "worker": ActionUnchanged},
			[]string{"update " + apiName + " JSON|INFO|INFO|/lambdev/shared"},
			wireLogging{"JSON", "INFO", "INFO", "/lambdev/shared"}},
		{"removed logging is Text again", func() { api.Logging = nil },
			map[string]Action{"api": ActionUpdateConfig, "worker": ActionUnchanged},
			[]string{"update " + apiName + " Text|||/aws/lambda/" + apiName},
			// the keeper keeps the levels (see loggingKeeper); Text ignores them
			wireLogging{"Text", "INFO", "INFO", "/aws/lambda/" + apiName}},
		{"redeploy after removal is idempotent", func() {}, unchanged(), nil,
			wireLogging{"Text", "INFO", "INFO", "/aws/lambda/" + apiName}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.change()
			rep := deployOK(t, d, p)
			wantActions(t, rep, st.actions)
			wantSent(t, keeper, st.sent...)
			if st.actions["api"] == ActionUnchanged {
				if ops := mutatingOps(d); len(ops) != 0 {
					t.Fatalf("mutating calls %v", ops)
				}
			} else if r := rep.Results[0]; !slices.Equal(r.Changes, []string{"logging"}) {
				t.Fatalf("api changes %v, want [logging]", r.Changes)
			}
			if got := deployedLoggingOf(t, d, apiName); got != st.api {
				t.Fatalf("deployed api logging %+v, want %+v", got, st.api)
			}
		})
	}
}

func unchanged() map[string]Action {
	return map[string]Action{"api": ActionUnchanged, "worker": ActionUnchanged}
}

func wantSent(t *testing.T, k *loggingKeeper, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := k.take(); !slices.Equal(got, want) {
		t.Fatalf("LoggingConfig sent %q, want %q", got, want)
	}
}

func TestLoggingChanged(t *testing.T) {
	const group = "/aws/lambda/fn"
	jsonLogs := func(app, sys, group string) *types.LoggingConfig {
		return &types.LoggingConfig{LogFormat: types.LogFormatJson, ApplicationLogLevel: types.ApplicationLogLevel(app),
			SystemLogLevel: types.SystemLogLevel(sys), LogGroup: aws.String(group)}
	}
	text := func(group string) *types.LoggingConfig {
		return &types.LoggingConfig{LogFormat: types.LogFormatText, LogGroup: aws.String(group)}
	}
	declJSON := func(app, sys, group string) *config.LoggingConfig {
		return &config.LoggingConfig{Format: config.LogFormatJSON, ApplicationLevel: app, SystemLevel: sys, LogGroup: group}
	}
	for _, tc := range []struct {
		name     string
		deployed *types.LoggingConfig
		declared *config.LoggingConfig
		changed  bool
	}{
		{"nil is Lambda's default", nil, nil, false},
		{"GetFunction's default", text(group), nil, false},
		{"declared Text", text(group), &config.LoggingConfig{Format: config.LogFormatText}, false},
		{"empty format is Text", &types.LoggingConfig{}, nil, false},
		{"JSON to nothing", jsonLogs("INFO", "INFO", group), nil, true},
		{"nothing to JSON", nil, declJSON("", "", ""), true},
		{"JSON's default levels", jsonLogs("INFO", "INFO", group), declJSON("", "", ""), false},
		{"unreported levels are INFO", jsonLogs("", "", group), declJSON("INFO", "INFO", ""), false},
		{"application level", jsonLogs("INFO", "INFO", group), declJSON("DEBUG", "", ""), true},
		{"system level", jsonLogs("DEBUG", "INFO", group), declJSON("DEBUG", "WARN", ""), true},
		{"same levels", jsonLogs("DEBUG", "WARN", group), declJSON("DEBUG", "WARN", ""), false},
		{"log group", jsonLogs("INFO", "INFO", group), declJSON("", "", "/shared"), true},
		{"same log group", jsonLogs("INFO", "INFO", "/shared"), declJSON("", "", "/shared"), false},
		{"Text log group", text(group), &config.LoggingConfig{Format: config.LogFormatText, LogGroup: "/shared"}, true},
		{"back to the default group", text("/shared"), nil, true},
		{"Text ignores stale levels", &types.LoggingConfig{LogFormat: types.LogFormatText, ApplicationLogLevel: "DEBUG",
			SystemLogLevel: "WARN", LogGroup: aws.String(group)}, nil, false},
	} {
		p := &config.Project{App: "a", Stage: "s"}
		s := newSpec(p, Target{Function: &config.Function{Name: "f", Logging: tc.declared}}, "role")
		s.name = "fn"
		s.logging = newLogging(tc.declared, s.name)
		got := slices.Contains(s.configChanges(&types.FunctionConfiguration{LoggingConfig: tc.deployed}), "logging")
		if got != tc.changed {
			t.Errorf("%s: logging changed = %v, want %v", tc.name, got, tc.changed)
		}
	}
}

func TestLoggingRequests(t *testing.T) {
	p := &config.Project{App: "a", Stage: "s"}
	text := &types.LoggingConfig{LogFormat: types.LogFormatText, LogGroup: aws.String("/aws/lambda/a-s-f")}
	for _, tc := range []struct {
		declared       *config.LoggingConfig
		create, update *types.LoggingConfig
	}{
		{nil, nil, text},
		{&config.LoggingConfig{Format: config.LogFormatText}, text, text},
		{&config.LoggingConfig{Format: config.LogFormatJSON, ApplicationLevel: "TRACE", SystemLevel: "DEBUG", LogGroup: "/g"},
			&types.LoggingConfig{LogFormat: types.LogFormatJson, ApplicationLogLevel: "TRACE", SystemLogLevel: "DEBUG", LogGroup: aws.String("/g")},
			&types.LoggingConfig{LogFormat: types.LogFormatJson, ApplicationLogLevel: "TRACE", SystemLogLevel: "DEBUG", LogGroup: aws.String("/g")}},
		{&config.LoggingConfig{Format: config.LogFormatJSON},
			&types.LoggingConfig{LogFormat: types.LogFormatJson, ApplicationLogLevel: "INFO", SystemLogLevel: "INFO", LogGroup: aws.String("/aws/lambda/a-s-f")},
			&types.LoggingConfig{LogFormat: types.LogFormatJson, ApplicationLogLevel: "INFO", SystemLogLevel: "INFO", LogGroup: aws.String("/aws/lambda/a-s-f")}},
	} {
		s := newSpec(p, Target{Function: &config.Function{Name: "f", Logging: tc.declared}}, "role")
		if got := s.create(&Artifact{}, p).LoggingConfig; !sameLoggingConfig(got, tc.create) {
			t.Errorf("logging %+v: CreateFunction LoggingConfig %s, want %s", tc.declared, show(got), show(tc.create))
		}
		if got := s.updateConfig().LoggingConfig; !sameLoggingConfig(got, tc.update) {
			t.Errorf("logging %+v: UpdateFunctionConfiguration LoggingConfig %s, want %s", tc.declared, show(got), show(tc.update))
		}
	}
}

func sameLoggingConfig(a, b *types.LoggingConfig) bool {
	return show(a) == show(b)
}

func show(l *types.LoggingConfig) string {
	if l == nil {
		return "<none>"
	}
	return strings.Join([]string{string(l.LogFormat), string(l.ApplicationLogLevel), string(l.SystemLogLevel), aws.ToString(l.LogGroup)}, "|")
}
