package deploy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/lambdev/lambdev/config"
)

// BasicExecutionPolicy is the managed policy attached to roles lambdev
// creates, in the partition of region (arn:aws-cn:… in China, and so on).
func BasicExecutionPolicy(region string) string {
	return "arn:" + config.Partition(region) + ":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

// TrustPolicy lets Lambda assume the execution role.
const TrustPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
	`"Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// Tag keys on every function and role lambdev creates; Remove deletes only
// resources carrying the project's values.
const (
	TagApp   = "lambdev:app"
	TagStage = "lambdev:stage"
)

// RoleName is the execution role lambdev creates for a stage:
// lambdev-<app>-<stage>-role, shortened with a hash to fit IAM's 64 characters.
func RoleName(p *config.Project) string {
	name := "lambdev-" + p.App + "-" + p.Stage + "-role"
	if len(name) <= 64 {
		return name
	}
	sum := sha256.Sum256([]byte(p.App + "\x00" + p.Stage))
	return name[:64-len("-12345678-role")] + "-" + hex.EncodeToString(sum[:4]) + "-role"
}

func owned(tags map[string]string, p *config.Project) bool {
	return tags[TagApp] == p.App && tags[TagStage] == p.Stage
}

func iamTags(list []iamtypes.Tag) map[string]string {
	m := map[string]string{}
	for _, t := range list {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

// ensureRole returns the stage role's ARN, creating it (and attaching the basic
// execution policy) when missing; created is true when this call created it.
func (d *Deployer) ensureRole(ctx context.Context, p *config.Project) (arn string, created bool, err error) {
	name := RoleName(p)
	got, err := d.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	switch {
	case err == nil:
		if !owned(iamTags(got.Role.Tags), p) {
			return "", false, fmt.Errorf("role %s exists but is not tagged %s=%s, %s=%s: %w",
				name, TagApp, p.App, TagStage, p.Stage, ErrNotOwned)
		}
		arn = aws.ToString(got.Role.Arn)
	case isNotFound(err):
		d.progress("", StepRole, "creating execution role %s", name)
		out, err := d.iam.CreateRole(ctx, &iam.CreateRoleInput{
			RoleName:                 aws.String(name),
			AssumeRolePolicyDocument: aws.String(TrustPolicy),
			Description:              aws.String("Lambda execution role created by lambdev for " + p.App + "/" + p.Stage),
			Tags: []iamtypes.Tag{
				{Key: aws.String(TagApp), Value: aws.String(p.App)},
				{Key: aws.String(TagStage), Value: aws.String(p.Stage)},
			},
		})
		if err != nil {
			return "", false, explain("create role "+name, err)
		}
		arn, created = aws.ToString(out.Role.Arn), true
	default:
		return "", false, explain("get role "+name, err)
	}
	return arn, created, d.ensurePolicy(ctx, name)
}

// ensurePolicy attaches the basic execution policy unless it already is.
func (d *Deployer) ensurePolicy(ctx context.Context, role string) error {
	list, err := d.iam.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(role)})
	if err != nil {
		return explain("list role policies of "+role, err)
	}
	policy := BasicExecutionPolicy(d.region)
	for _, ap := range list.AttachedPolicies {
		if aws.ToString(ap.PolicyArn) == policy {
			return nil
		}
	}
	_, err = d.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{
		RoleName: aws.String(role), PolicyArn: aws.String(policy),
	})
	return explain("attach AWSLambdaBasicExecutionRole to "+role, err)
}

// removeRole deletes the stage role if lambdev created it; it reports whether
// it deleted anything.
func (d *Deployer) removeRole(ctx context.Context, p *config.Project) (bool, error) {
	name := RoleName(p)
	got, err := d.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, explain("get role "+name, err)
	}
	if !owned(iamTags(got.Role.Tags), p) {
		return false, nil
	}
	d.progress("", StepRemove, "deleting execution role %s", name)
	attached, err := d.iam.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name)})
	if err != nil {
		return false, explain("list role policies of "+name, err)
	}
	for _, ap := range attached.AttachedPolicies {
		_, err := d.iam.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(name), PolicyArn: ap.PolicyArn})
		if err != nil {
			return false, explain("detach policy from "+name, err)
		}
	}
	inline, err := d.iam.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(name)})
	if err != nil {
		return false, explain("list inline policies of "+name, err)
	}
	for _, pn := range inline.PolicyNames {
		_, err := d.iam.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(pn)})
		if err != nil {
			return false, explain("delete inline policy of "+name, err)
		}
	}
	_, err = d.iam.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(name)})
	return err == nil, explain("delete role "+name, err)
}
