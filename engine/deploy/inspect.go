package deploy

import (
	"context"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/lambdev/lambdev/config"
)

// Deployed is a function's configuration as AWS reports it.
type Deployed struct {
	Runtime      string
	Handler      string
	MemoryMB     int
	Timeout      time.Duration
	Architecture string
	// EnvKeys are the environment variable names, sorted; values are not read out.
	EnvKeys []string
}

// Inspect reads the deployed configuration of each of p's functions with
// GetFunction. Functions not deployed are absent from the map; other
// failures are returned.
func (d *Deployer) Inspect(ctx context.Context, p *config.Project) (map[string]Deployed, error) {
	out := map[string]Deployed{}
	for _, f := range p.Functions {
		got, err := d.lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(p.LambdaName(f))})
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, explain("inspect "+p.LambdaName(f), err)
		}
		c := got.Configuration
		dc := Deployed{
			Runtime:  string(c.Runtime),
			Handler:  aws.ToString(c.Handler),
			MemoryMB: int(aws.ToInt32(c.MemorySize)),
			Timeout:  time.Duration(aws.ToInt32(c.Timeout)) * time.Second,
		}
		if len(c.Architectures) > 0 {
			dc.Architecture = string(c.Architectures[0])
		}
		if c.Environment != nil {
			for k := range c.Environment.Variables {
				dc.EnvKeys = append(dc.EnvKeys, k)
			}
			sort.Strings(dc.EnvKeys)
		}
		out[f.Name] = dc
	}
	return out, nil
}
