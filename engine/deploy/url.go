package deploy

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdev/lambdev/config"
)

// syncURL makes the function URL match f.URL: created, updated, or deleted when
// no longer declared, with the public permissions of an auth-none URL added or
// removed. It returns the URL and what changed.
func (d *Deployer) syncURL(ctx context.Context, f *config.Function, name string) (string, []string, error) {
	got, err := d.lambda.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String(name)})
	exists := err == nil
	if err != nil && !isNotFound(err) {
		return "", nil, explain("get function URL of "+name, err)
	}
	if f.URL == nil {
		if !exists {
			return "", nil, nil
		}
		changes, err := d.deleteURL(ctx, f.Name, name)
		return "", changes, err
	}
	var changes []string
	auth, cors, mode := urlAuth(f.URL), urlCors(f.URL.Cors), urlInvokeMode(f.URL)
	url := ""
	switch {
	case !exists:
		d.progress(f.Name, StepURL, "creating function URL of %s (%s)", name, urlSummary(auth, mode))
		out, err := d.lambda.CreateFunctionUrlConfig(ctx, &lambda.CreateFunctionUrlConfigInput{
			FunctionName: aws.String(name), AuthType: auth, Cors: cors, InvokeMode: mode,
		})
		if err != nil {
			return "", nil, explain("create function URL of "+name, err)
		}
		url, changes = aws.ToString(out.FunctionUrl), append(changes, "url")
	case got.AuthType != auth || !sameCors(got.Cors, cors) || !sameInvokeMode(got.InvokeMode, mode):
		d.progress(f.Name, StepURL, "updating function URL of %s (%s)", name, urlSummary(auth, mode))
		if cors == nil {
			cors = &types.Cors{} // clears CORS; nil would leave it unchanged
		}
		out, err := d.lambda.UpdateFunctionUrlConfig(ctx, &lambda.UpdateFunctionUrlConfigInput{
			FunctionName: aws.String(name), AuthType: auth, Cors: cors, InvokeMode: mode,
		})
		if err != nil {
			return "", nil, explain("update function URL of "+name, err)
		}
		url, changes = aws.ToString(out.FunctionUrl), append(changes, "url")
	default:
		url = aws.ToString(got.FunctionUrl)
	}
	more, err := d.syncPermissions(ctx, f.Name, name, auth == types.FunctionUrlAuthTypeNone)
	return url, append(changes, more...), err
}

func urlAuth(u *config.URLConfig) types.FunctionUrlAuthType {
	if u.Auth == "iam" {
		return types.FunctionUrlAuthTypeAwsIam
	}
	return types.FunctionUrlAuthTypeNone
}

// urlInvokeMode is the declared invoke mode; anything but RESPONSE_STREAM,
// including an unset mode, is BUFFERED, Lambda's default.
func urlInvokeMode(u *config.URLConfig) types.InvokeMode {
	if u.InvokeMode == config.InvokeResponseStream {
		return types.InvokeModeResponseStream
	}
	return types.InvokeModeBuffered
}

// sameInvokeMode reports whether a deployed URL's mode is want. A URL that
// reports no mode is BUFFERED, Lambda's default. Case is ignored: moto reports
// "Buffered" for a URL created without a mode.
func sameInvokeMode(deployed, want types.InvokeMode) bool {
	if deployed == "" {
		deployed = types.InvokeModeBuffered
	}
	return strings.EqualFold(string(deployed), string(want))
}

// urlSummary names a URL's settings for a progress line; the mode only when
// it is not the default.
func urlSummary(auth types.FunctionUrlAuthType, mode types.InvokeMode) string {
	if mode == types.InvokeModeResponseStream {
		return "auth " + string(auth) + ", " + string(mode)
	}
	return "auth " + string(auth)
}

func urlCors(c *config.CorsConfig) *types.Cors {
	if c == nil {
		return nil
	}
	out := &types.Cors{
		AllowHeaders: c.AllowHeaders, AllowMethods: c.AllowMethods, AllowOrigins: c.AllowOrigins,
		ExposeHeaders: c.ExposeHeaders,
	}
	if c.AllowCredentials {
		out.AllowCredentials = aws.Bool(true)
	}
	if c.MaxAge > 0 {
		out.MaxAge = aws.Int32(int32(c.MaxAge))
	}
	return out
}

// sameCors compares CORS settings, treating nil, empty and zero as equal.
func sameCors(a, b *types.Cors) bool {
	if a == nil {
		a = &types.Cors{}
	}
	if b == nil {
		b = &types.Cors{}
	}
	return aws.ToBool(a.AllowCredentials) == aws.ToBool(b.AllowCredentials) &&
		aws.ToInt32(a.MaxAge) == aws.ToInt32(b.MaxAge) &&
		slices.Equal(a.AllowHeaders, b.AllowHeaders) && slices.Equal(a.AllowMethods, b.AllowMethods) &&
		slices.Equal(a.AllowOrigins, b.AllowOrigins) && slices.Equal(a.ExposeHeaders, b.ExposeHeaders)
}

// deleteURL deletes the function URL of a function that no longer declares one,
// and the public permissions that went with it.
func (d *Deployer) deleteURL(ctx context.Context, fn, name string) ([]string, error) {
	d.progress(fn, StepURL, "deleting function URL of %s", name)
	_, err := d.lambda.DeleteFunctionUrlConfig(ctx, &lambda.DeleteFunctionUrlConfigInput{FunctionName: aws.String(name)})
	if err != nil && !isNotFound(err) {
		return nil, explain("delete function URL of "+name, err)
	}
	more, err := d.syncPermissions(ctx, fn, name, false)
	return append([]string{"url"}, more...), err
}
