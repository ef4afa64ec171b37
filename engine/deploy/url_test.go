package deploy

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdev/lambdev/config"
)

// policyStatements reads the function's resource policy as raw statements by Sid.
func policyStatements(t *testing.T, d *Deployer, name string) map[string]map[string]any {
	t.Helper()
	out, err := d.lambda.GetPolicy(context.Background(), &lambda.GetPolicyInput{FunctionName: aws.String(name)})
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Statement []map[string]any }
	if err := json.Unmarshal([]byte(aws.ToString(out.Policy)), &doc); err != nil {
		t.Fatal(err)
	}
	m := map[string]map[string]any{}
	for _, s := range doc.Statement {
		m[s["Sid"].(string)] = s
	}
	return m
}

// condition returns a statement's condition value, in AWS's Condition form or
// moto's top-level form.
func condition(s map[string]any, op, key, motoKey string) string {
	if c, ok := s["Condition"].(map[string]any); ok {
		if o, ok := c[op].(map[string]any); ok {
			return strings.ToLower(toString(o[key]))
		}
	}
	return strings.ToLower(toString(s[motoKey]))
}

func toString(v any) string {
	if v == nil {
		return ""
	}
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}

func TestDeployFunctionURL(t *testing.T) {
	d := newDeployer(t)
	p := demoProject(t, "urls")
	api := p.Function("api")
	api.URL = &config.URLConfig{Auth: "none", Cors: &config.CorsConfig{AllowOrigins: []string{"https://example.com"}, MaxAge: 60}}
	name := p.LambdaName(api)

	rep := deployOK(t, d, p)
	if r := rep.Results[0]; r.URL == "" || r.Action != ActionCreate {
		t.Fatalf("api result %+v", r)
	}
	st := policyStatements(t, d, name)
	pub, inv := st[SidURLPublic], st[SidURLInvoke]
	if pub == nil || pub["Action"] != "lambda:InvokeFunctionUrl" ||
		condition(pub, "StringEquals", "lambda:FunctionUrlAuthType", "FunctionUrlAuthType") != "none" {
		t.Fatalf("public URL statement %v", pub)
	}
	if inv == nil || inv["Action"] != "lambda:InvokeFunction" ||
		condition(inv, "Bool", "lambda:InvokedViaFunctionUrl", "InvokedViaFunctionUrl") != "true" {
		t.Fatalf("invoke statement %v", inv)
	}
	got, err := d.lambda.GetFunctionUrlConfig(context.Background(), &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String(name)})
	if err != nil || got.AuthType != types.FunctionUrlAuthTypeNone || aws.ToInt32(got.Cors.MaxAge) != 60 {
		t.Fatalf("url config %+v (%v)", got, err)
	}

	t.Run("redeploy is idempotent", func(t *testing.T) {
		rep := deployOK(t, d, p)
		wantActions(t, rep, map[string]Action{"api": ActionUnchanged, "worker": ActionUnchanged})
		if ops := mutatingOps(d); len(ops) != 0 {
			t.Fatalf("mutating calls %v", ops)
		}
		if rep.Results[0].URL == "" {
			t.Fatal("URL missing from an unchanged report")
		}
	})
	t.Run("auth iam drops the public permissions", func(t *testing.T) {
		api.URL = &config.URLConfig{Auth: "iam"}
		rep := deployOK(t, d, p)
		wantActions(t, rep, map[string]Action{"api": ActionUpdateURL, "worker": ActionUnchanged})
		if st := policyStatements(t, d, name); st[SidURLPublic] != nil || st[SidURLInvoke] != nil {
			t.Fatalf("public statements left: %v", st)
		}
	})
	t.Run("url removed", func(t *testing.T) {
		api.URL = nil
		deployOK(t, d, p)
		_, err := d.lambda.GetFunctionUrlConfig(context.Background(), &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String(name)})
		if !isNotFound(err) {
			t.Fatalf("URL still there: %v", err)
		}
		if ops := mutatingOps(d); !slices.Contains(ops, "DeleteFunctionUrlConfig") {
			t.Fatalf("mutating calls %v", ops)
		}
	})
}
