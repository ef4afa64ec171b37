package engine

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
)

type tenantAnswer struct {
	Tenant string   `json:"tenant"`
	PID    int      `json:"pid"`
	Served []string `json:"served"`
}

func invokeTenant(t *testing.T, e *Engine, tenant string) tenantAnswer {
	t.Helper()
	res, err := e.Invoke(context.Background(), Request{Function: "tenants", Payload: []byte(`{}`), TenantID: tenant})
	if err != nil || res.Outcome != OutcomeOK {
		t.Fatalf("invoke as %q: %v %s %s", tenant, err, res.Outcome, res.Payload)
	}
	var a tenantAnswer
	if err := json.Unmarshal(res.Payload, &a); err != nil {
		t.Fatalf("answer %s: %v", res.Payload, err)
	}
	if a.Tenant != tenant {
		t.Errorf("context.tenant_id = %q, want %q (Lambda-Runtime-Aws-Tenant-Id)", a.Tenant, tenant)
	}
	return a
}

// A tenant-isolated function's workers never serve two tenants: each
// worker's module state holds one tenant's invocations only, a tenant
// comes back to its own warm worker, and at the concurrency limit (2) a
// new tenant's worker replaces the idle worker used longest ago.
func TestTenantIsolation(t *testing.T) {
	requireInterpreter(t, "python3")
	e, _ := newTestEngine(t)
	blue := invokeTenant(t, e, "blue")
	green := invokeTenant(t, e, "green")
	if green.PID == blue.PID {
		t.Fatalf("tenants blue and green shared worker %d", blue.PID)
	}
	again := invokeTenant(t, e, "blue")
	if again.PID != blue.PID || !slices.Equal(again.Served, []string{"blue", "blue"}) {
		t.Errorf("blue's second invocation: worker %d served %v, want its warm worker %d serving blue only", again.PID, again.Served, blue.PID)
	}
	if !slices.Equal(green.Served, []string{"green"}) {
		t.Errorf("green's worker served %v", green.Served)
	}
	// Both workers are idle and the limit is reached: green's, used longest
	// ago, makes room for red.
	red := invokeTenant(t, e, "red")
	if red.PID == blue.PID || red.PID == green.PID || !slices.Equal(red.Served, []string{"red"}) {
		t.Errorf("red got worker %d (blue %d, green %d) serving %v", red.PID, blue.PID, green.PID, red.Served)
	}
	if b := invokeTenant(t, e, "blue"); b.PID != blue.PID || len(b.Served) != 3 {
		t.Errorf("blue lost its warm worker: %d serving %v", b.PID, b.Served)
	}
}

// The tenant reaches the handler's context in every runtime lambdev runs:
// Node's context.tenantId and aws-lambda-go's lambdacontext TenantID (the
// Python bootstrap's context.tenant_id is TestTenantIsolation's).
func TestTenantReachesNodeAndGo(t *testing.T) {
	requireInterpreter(t, "node")
	requireInterpreter(t, "go")
	e, _ := newTestEngine(t)
	for _, fn := range []string{"nodetenants", "gotenants"} {
		res, err := e.Invoke(context.Background(), Request{Function: fn, Payload: []byte(`{}`), TenantID: "blue"})
		var got struct{ Tenant string }
		if err != nil || res.Outcome != OutcomeOK || json.Unmarshal(res.Payload, &got) != nil || got.Tenant != "blue" {
			t.Errorf("%s: %v %s %s", fn, err, res.Outcome, res.Payload)
		}
	}
}

func TestTenantRefusals(t *testing.T) {
	e, _ := newTestEngine(t)
	for _, tc := range []struct{ fn, tenant string }{
		{"tenants", ""},
		{"echo", "blue"},
		{"tenants", "a\nb"},
		{"tenants", string(make([]byte, 257))},
	} {
		_, err := e.Invoke(context.Background(), Request{Function: tc.fn, Payload: []byte(`{}`), TenantID: tc.tenant})
		if !errors.Is(err, ErrTenant) {
			t.Errorf("%s as %q: err = %v, want ErrTenant", tc.fn, tc.tenant, err)
		}
		if err := e.Check(Request{Function: tc.fn, TenantID: tc.tenant}); !errors.Is(err, ErrTenant) {
			t.Errorf("Check %s as %q: err = %v, want ErrTenant", tc.fn, tc.tenant, err)
		}
	}
}
