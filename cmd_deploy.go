package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine/deploy"
	"github.com/lambdev/lambdev/engine/drift"
)

type deployFlags struct {
	profile string
	mode    string
}

func runDeploy(g *globals, args []string) error {
	var f deployFlags
	rest, err := g.commandFlags("deploy", "deploy [--ci] [--json] [--profile NAME]", args, func(fs *flag.FlagSet) {
		fs.StringVar(&f.profile, "profile", "", "AWS shared-config profile (default: AWS_PROFILE or default)")
		fs.StringVar(&f.mode, "mode", "deploy", "only deploy: dev swaps are refused")
	})
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErr("deploy takes no arguments, got %q", rest)
	}
	if f.mode != "deploy" {
		return usageErr("deploy never swaps runtimes: --mode %s is refused (live dev is `lambdev dev --aws`)", f.mode)
	}
	p, err := g.load()
	if err != nil {
		return err
	}
	ws := drift.Check(drift.Input{Project: p, Mode: drift.ModeDeploy, Host: drift.DetectHost(), Now: time.Now()})
	if errs, _, _ := drift.Summary(ws); errs > 0 {
		if g.json {
			writeJSON(g.stdout, map[string]any{"deployed": false, "drift": ws})
		} else {
			printDrift(g.stderr, ws, errs, 0, 0)
		}
		return &cliError{code: exitDrift, err: fmt.Errorf("deploy blocked: %d drift error(s)", errs),
			hint: "fix them, or silence a rule for a function with drift: {ignore: [rule-id]}"}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	d, err := newDeployer(ctx, g, p, f.profile)
	if err != nil {
		return err
	}
	rep, err := d.Deploy(ctx, p, deploy.Plan(p))
	return reportDeploy(g, rep, err, ws)
}

func runRemove(g *globals, args []string) error {
	var profile string
	rest, err := g.commandFlags("remove", "remove [--json] [--profile NAME]", args, func(fs *flag.FlagSet) {
		fs.StringVar(&profile, "profile", "", "AWS shared-config profile")
	})
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErr("remove takes no arguments, got %q", rest)
	}
	p, err := g.load()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	d, err := newDeployer(ctx, g, p, profile)
	if err != nil {
		return err
	}
	rep, err := d.Remove(ctx, p)
	return reportDeploy(g, rep, err, nil)
}

func newDeployer(ctx context.Context, g *globals, p *config.Project, profile string) (*deploy.Deployer, error) {
	opts := deploy.Options{Region: p.Region, Profile: profile}
	if !g.json {
		w := g.stderr
		opts.Progress = func(pr deploy.Progress) {
			fmt.Fprintf(w, "%-14s %-13s %s\n", pr.Function, pr.Step, pr.Message)
		}
	}
	d, err := deploy.New(ctx, opts)
	if err != nil {
		return nil, failure(err, deploy.Hint(err))
	}
	return d, nil
}

// reportDeploy prints the report (a table, or one JSON document) and maps
// failures to exit 1.
func reportDeploy(g *globals, rep *deploy.Report, err error, ws []drift.Warning) error {
	if rep == nil {
		return failure(err, deploy.Hint(err))
	}
	if g.json {
		writeJSON(g.stdout, map[string]any{"deployed": err == nil, "report": rep, "drift": nonNil(ws)})
	} else {
		printReport(g.stdout, rep)
	}
	if err != nil {
		var fe *deploy.FailedError
		if errors.As(err, &fe) || rep.Failed() > 0 {
			return &cliError{code: exitFailure, err: fmt.Errorf("%d of %d function(s) failed", rep.Failed(), len(rep.Results))}
		}
		return failure(err, deploy.Hint(err))
	}
	return nil
}

func printReport(w io.Writer, rep *deploy.Report) {
	fmt.Fprintf(w, "%s · stage %s · %s\n", rep.App, rep.Stage, rep.Region)
	if rep.RoleAction != "" {
		fmt.Fprintf(w, "role %s: %s\n", rep.RoleAction, rep.Role)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FUNCTION\tACTION\tRUNTIME\tARN / URL")
	for _, r := range rep.Results {
		where := r.ARN
		if r.URL != "" {
			where += "  " + r.URL
		}
		action := string(r.Action)
		if len(r.Changes) > 0 {
			action += " (" + strings.Join(r.Changes, ",") + ")"
		}
		if r.Error != "" {
			where = r.Error
			if r.Hint != "" {
				where += " — " + r.Hint
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Function, action, r.Runtime, where)
	}
	tw.Flush()
}
