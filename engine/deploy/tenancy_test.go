package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"path"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdev/lambdev/config"
)

// tenancyKeeper sits between a Lambda client and moto, which drops
// TenancyConfig: it records the tenant isolation mode each CreateFunction
// request carried and, when moto's GetFunction answer has none, adds the mode
// the function was created with, as Lambda would report it.
type tenancyKeeper struct {
	next    lambda.HTTPClient
	mu      sync.Mutex
	created map[string]string // function name → TenantIsolationMode sent, "" for none
}

func (k *tenancyKeeper) Do(req *http.Request) (*http.Response, error) {
	dir, name := path.Split(req.URL.Path)
	switch {
	case req.Method == http.MethodPost && req.URL.Path == "/2015-03-31/functions":
		return k.create(req)
	case req.Method == http.MethodGet && dir == "/2015-03-31/functions/":
		return k.get(req, name)
	case req.Method == http.MethodDelete && dir == "/2015-03-31/functions/":
		k.mu.Lock()
		delete(k.created, name)
		k.mu.Unlock()
	}
	return k.next.Do(req)
}

func (k *tenancyKeeper) create(req *http.Request) (*http.Response, error) {
	body, err := peekBody(req)
	if err != nil {
		return nil, err
	}
	var in struct {
		FunctionName  string
		TenancyConfig *struct{ TenantIsolationMode string }
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, err
	}
	mode := ""
	if in.TenancyConfig != nil {
		mode = in.TenancyConfig.TenantIsolationMode
	}
	k.mu.Lock()
	k.created[in.FunctionName] = mode
	k.mu.Unlock()
	return k.next.Do(req)
}

func (k *tenancyKeeper) get(req *http.Request, name string) (*http.Response, error) {
	resp, err := k.next.Do(req)
	k.mu.Lock()
	mode := k.created[name]
	k.mu.Unlock()
	if err != nil || resp.StatusCode != http.StatusOK || mode == "" {
		return resp, err
	}
	err = editConfiguration(resp, func(c map[string]any) {
		if c["TenancyConfig"] == nil {
			c["TenancyConfig"] = map[string]string{"TenantIsolationMode": mode}
		}
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// createdTenancy returns the mode each CreateFunction request carried, by function name.
func (k *tenancyKeeper) createdTenancy() map[string]string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return maps.Clone(k.created)
}

// keepTenancy puts a tenancyKeeper in front of d's Lambda client.
func keepTenancy(d *Deployer) *tenancyKeeper {
	k := &tenancyKeeper{created: map[string]string{}}
	d.lambda = lambda.New(d.lambda.Options(), func(o *lambda.Options) {
		k.next, o.HTTPClient = o.HTTPClient, k
	})
	return k
}

// TestDeployTenancy creates a PER_TENANT function and one without tenancy, then
// flips both. moto 5.2.1 neither stores nor returns TenancyConfig, so the
// CreateFunction requests are checked as sent, and a tenancyKeeper reports a
// PER_TENANT function's mode on GetFunction as Lambda does. The flip from none
// to PER_TENANT needs no keeper: moto reports no tenancy, as Lambda would.
func TestDeployTenancy(t *testing.T) {
	d := newDeployer(t)
	keeper := keepTenancy(d)
	p := demoProject(t, "tenancy")
	api, worker := p.Function("api"), p.Function("worker")
	api.Tenancy = config.TenancyPerTenant

	rep := deployOK(t, d, p)
	wantActions(t, rep, map[string]Action{"api": ActionCreate, "worker": ActionCreate})
	want := map[string]string{p.LambdaName(api): "PER_TENANT", p.LambdaName(worker): ""}
	if got := keeper.createdTenancy(); !maps.Equal(got, want) {
		t.Fatalf("CreateFunction tenancy sent %v, want %v", got, want)
	}
	if got := getFunction(t, d, p.LambdaName(api)).Configuration.TenancyConfig; got == nil ||
		got.TenantIsolationMode != types.TenantIsolationModePerTenant {
		t.Fatalf("deployed api TenancyConfig %+v, want PER_TENANT", got)
	}

	t.Run("redeploy is idempotent", func(t *testing.T) {
		rep := deployOK(t, d, p)
		wantActions(t, rep, map[string]Action{"api": ActionUnchanged, "worker": ActionUnchanged})
		if ops := mutatingOps(d); len(ops) != 0 {
			t.Fatalf("mutating calls %v", ops)
		}
	})
	t.Run("changed tenancy fails without an update", func(t *testing.T) {
		api.Tenancy, api.Memory = "", 1024
		worker.Tenancy, worker.Memory = config.TenancyPerTenant, 1024
		d.Calls().Reset()
		rep, err := d.Deploy(context.Background(), p, Plan(p))
		var fe *FailedError
		if !errors.As(err, &fe) || fe.Failed != 2 || !errors.Is(err, ErrTenancyChanged) {
			t.Fatalf("err = %v, want 2 functions failed with ErrTenancyChanged", err)
		}
		wantActions(t, rep, map[string]Action{"api": ActionFailed, "worker": ActionFailed})
		wantErr := map[string]string{"api": "deployed: PER_TENANT, declared: none", "worker": "deployed: none, declared: PER_TENANT"}
		for _, r := range rep.Results {
			if !errors.Is(r.Err, ErrTenancyChanged) || !strings.Contains(r.Error, wantErr[r.Function]) ||
				r.Hint != Hint(ErrTenancyChanged) || r.Hint == "" {
				t.Errorf("%s: error %q hint %q, want ErrTenancyChanged with %q", r.Function, r.Error, r.Hint, wantErr[r.Function])
			}
		}
		if ops := mutatingOps(d); len(ops) != 0 {
			t.Fatalf("mutating calls %v", ops)
		}
		for _, f := range []*config.Function{api, worker} {
			if m := aws.ToInt32(getFunction(t, d, p.LambdaName(f)).Configuration.MemorySize); m == 1024 {
				t.Errorf("%s was updated (memory %d)", f.Name, m)
			}
		}
	})
}

func TestTenancyChange(t *testing.T) {
	perTenant := &types.TenancyConfig{TenantIsolationMode: types.TenantIsolationModePerTenant}
	for _, tc := range []struct {
		deployed *types.TenancyConfig
		declared string
		err      string // "" when the deployed function may be updated
	}{
		{nil, "", ""},
		{perTenant, config.TenancyPerTenant, ""},
		{nil, config.TenancyPerTenant, "fn: tenant isolation cannot change after a function is created (deployed: none, declared: PER_TENANT)"},
		{perTenant, "", "fn: tenant isolation cannot change after a function is created (deployed: PER_TENANT, declared: none)"},
	} {
		p := &config.Project{App: "a", Stage: "s"}
		s := newSpec(p, Target{Function: &config.Function{Name: "f", Tenancy: tc.declared}}, "role")
		s.name = "fn"
		err := s.tenancyChange(&types.FunctionConfiguration{TenancyConfig: tc.deployed})
		if tc.err == "" {
			if err != nil {
				t.Errorf("deployed %+v declared %q: %v", tc.deployed, tc.declared, err)
			}
			continue
		}
		if err == nil || err.Error() != tc.err || !errors.Is(err, ErrTenancyChanged) || Hint(err) == "" {
			t.Errorf("deployed %+v declared %q: err %v, want %q", tc.deployed, tc.declared, err, tc.err)
		}
	}
}

func TestCreateTenancy(t *testing.T) {
	p := &config.Project{App: "a", Stage: "s"}
	for declared, want := range map[string]*types.TenancyConfig{
		"":                      nil,
		config.TenancyPerTenant: {TenantIsolationMode: types.TenantIsolationModePerTenant},
	} {
		s := newSpec(p, Target{Function: &config.Function{Name: "f", Tenancy: declared}}, "role")
		got := s.create(&Artifact{}, p).TenancyConfig
		if (got == nil) != (want == nil) || got != nil && *got != *want {
			t.Errorf("tenancy %q: CreateFunction TenancyConfig %+v, want %+v", declared, got, want)
		}
	}
}
