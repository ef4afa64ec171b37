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
	prune   bool
}

func runDeploy(g *globals, args []string) error {
	var f deployFlags
	rest, err := g.commandFlags("deploy", "deploy [--ci] [--json] [--prune] [--profile NAME]", args, func(fs *flag.FlagSet) {
		fs.StringVar(&f.profile, "profile", "", "AWS shared-config profile (default: AWS_PROFILE or default)")
		fs.StringVar(&f.mode, "mode", "deploy", "only deploy: dev swaps are refused")
		fs.BoolVar(&f.prune, "prune", false, "delete the stage's functions lambdev deployed that lambdev.yaml no longer declares")
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
			writeJSON(g.stdout, map[string]any{"deployed": false, "drift": ws, "configWarnings": configWarnings(p)})
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
	if rep != nil {
		deployErr := err
		err = errors.Join(deployErr, undeclared(ctx, d, p, rep, f.prune && deployErr == nil))
		if f.prune && deployErr != nil {
			rep.Notes = append(rep.Notes, "not pruned: the deploy failed")
		}
	}
	return reportDeploy(g, p, "deployed", rep, err, ws)
}

// undeclared adds to rep the stage's functions lambdev.yaml no longer
// declares: deleted when prune is set, else listed. Without prune, failing to
// look is a note, not a failed deploy.
func undeclared(ctx context.Context, d *deploy.Deployer, p *config.Project, rep *deploy.Report, prune bool) error {
	find := d.Undeclared
	if prune {
		find = d.Prune
	}
	found, err := find(ctx, p)
	rep.Results = append(rep.Results, found...)
	if err != nil && !prune {
		rep.Notes = append(rep.Notes, fmt.Sprintf("undeclared functions not looked for: %v", err))
		return nil
	}
	return err
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
	return reportDeploy(g, p, "removed", rep, err, nil)
}

func newDeployer(ctx context.Context, g *globals, p *config.Project, profile string) (*deploy.Deployer, error) {
	opts := deploy.Options{Region: p.Region, Profile: profile}
	if !g.json {
		w := g.stderr
		width := 14 // the function column fits the longest name
		for _, f := range p.Functions {
			width = max(width, len(f.Name))
		}
		opts.Progress = func(pr deploy.Progress) {
			fmt.Fprintf(w, "%-*s %-13s %s\n", width, pr.Function, pr.Step, pr.Message)
		}
	}
	d, err := deploy.New(ctx, opts)
	if err != nil {
		return nil, failure(err, deploy.Hint(err))
	}
	return d, nil
}

// reportDeploy prints the report (a table, or one JSON document whose done
// key, "deployed" or "removed", says whether all went well) and maps
// failures to exit 1.
func reportDeploy(g *globals, p *config.Project, done string, rep *deploy.Report, err error, ws []drift.Warning) error {
	if rep == nil {
		return failure(err, deploy.Hint(err))
	}
	if g.json {
		writeJSON(g.stdout, map[string]any{done: err == nil, "report": rep, "drift": nonNil(ws), "configWarnings": configWarnings(p)})
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
		if r.Action == deploy.ActionUndeclared {
			where += "  not in the project file: `lambdev deploy --prune` deletes it"
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
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}
