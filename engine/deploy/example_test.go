package deploy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine/deploy"
)

// Wiring `lambdev deploy [--json]`: plain progress lines, then the report.
func ExampleDeployer_Deploy() {
	var p *config.Project // from config.Load
	ctx := context.Background()
	d, err := deploy.New(ctx, deploy.Options{
		Region: p.Region,
		Progress: func(pr deploy.Progress) {
			fmt.Fprintf(os.Stderr, "%-10s %-13s %s\n", pr.Function, pr.Step, pr.Message)
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err, "\nhint:", deploy.Hint(err))
		return
	}
	rep, err := d.Deploy(ctx, p, deploy.Plan(p))
	json.NewEncoder(os.Stdout).Encode(rep) // or print rep.Results as a table
	if err != nil {
		os.Exit(1) // rep.Results[i].Error and .Hint say what failed and what to do
	}
}
