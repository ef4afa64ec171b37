package deploy

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// Statement ids of the two permissions a public (auth NONE) function URL needs,
// named as the Lambda console names them.
const (
	SidURLPublic = "FunctionURLAllowPublicAccess"
	SidURLInvoke = "FunctionURLAllowInvokeAction"
)

// publicPermissions are the statements of spec §6.4: invoking the URL with
// auth NONE, and invoking the function only when called through its URL.
func publicPermissions(name string) []*lambda.AddPermissionInput {
	return []*lambda.AddPermissionInput{{
		FunctionName: aws.String(name), StatementId: aws.String(SidURLPublic),
		Action: aws.String("lambda:InvokeFunctionUrl"), Principal: aws.String("*"),
		FunctionUrlAuthType: types.FunctionUrlAuthTypeNone,
	}, {
		FunctionName: aws.String(name), StatementId: aws.String(SidURLInvoke),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("*"),
		InvokedViaFunctionUrl: aws.Bool(true),
	}}
}

// syncPermissions adds the public URL permissions when public is true (replacing
// a statement with the same id but other content) and removes them otherwise.
func (d *Deployer) syncPermissions(ctx context.Context, fn, name string, public bool) ([]string, error) {
	stmts, err := d.policy(ctx, name)
	if err != nil {
		return nil, err
	}
	var changes []string
	for _, want := range publicPermissions(name) {
		sid := aws.ToString(want.StatementId)
		st, present := stmts[sid]
		ok := present && st.grants(want)
		if present && (!public || !ok) {
			d.progress(fn, StepPermission, "removing permission %s of %s", sid, name)
			_, err := d.lambda.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String(name), StatementId: aws.String(sid)})
			if err != nil {
				return nil, explain("remove permission "+sid+" of "+name, err)
			}
			changes = append(changes, "permission:"+sid)
		}
		if public && !ok {
			d.progress(fn, StepPermission, "adding permission %s to %s", sid, name)
			if _, err := d.lambda.AddPermission(ctx, want); err != nil {
				return nil, explain("add permission "+sid+" to "+name, err)
			}
			changes = append(changes, "permission:"+sid)
		}
	}
	return changes, nil
}

// statement is one resource-policy statement, decoded loosely: AWS puts
// conditions under Condition, moto stores the AddPermission fields at top level.
type statement struct {
	Sid                   string
	Effect                string
	Action                any
	Principal             any
	Condition             map[string]map[string]any
	FunctionURLAuthType   string `json:"FunctionUrlAuthType"`
	InvokedViaFunctionURL any    `json:"InvokedViaFunctionUrl"`
}

// policy returns the function's resource-policy statements by Sid.
func (d *Deployer) policy(ctx context.Context, name string) (map[string]statement, error) {
	out, err := d.lambda.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(name)})
	if isNotFound(err) {
		return map[string]statement{}, nil
	}
	if err != nil {
		return nil, explain("get policy of "+name, err)
	}
	var doc struct{ Statement []statement }
	if err := json.Unmarshal([]byte(aws.ToString(out.Policy)), &doc); err != nil {
		return nil, fmt.Errorf("policy of %s: %w", name, err)
	}
	m := map[string]statement{}
	for _, s := range doc.Statement {
		m[s.Sid] = s
	}
	return m, nil
}

// grants reports whether s is exactly the permission want adds.
func (s statement) grants(want *lambda.AddPermissionInput) bool {
	if s.Effect != "Allow" || fmt.Sprint(s.Action) != aws.ToString(want.Action) || !anyone(s.Principal) {
		return false
	}
	if want.FunctionUrlAuthType != "" {
		return s.cond("StringEquals", "lambda:FunctionUrlAuthType", s.FunctionURLAuthType) == string(want.FunctionUrlAuthType)
	}
	return s.cond("Bool", "lambda:InvokedViaFunctionUrl", s.InvokedViaFunctionURL) == "true"
}

// cond returns Condition[op][key] as text, or the top-level fallback moto uses.
func (s statement) cond(op, key string, fallback any) string {
	if v, ok := s.Condition[op][key]; ok {
		return fmt.Sprint(v)
	}
	if fallback == nil {
		return ""
	}
	return fmt.Sprint(fallback)
}

func anyone(p any) bool {
	switch v := p.(type) {
	case string:
		return v == "*"
	case map[string]any:
		return v["AWS"] == "*"
	}
	return false
}
