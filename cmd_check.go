package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine"
	"github.com/lambdev/lambdev/engine/deploy"
	"github.com/lambdev/lambdev/engine/drift"
)

func runCheck(g *globals, args []string) error {
	mode := string(drift.ModeLocal)
	deployed := false
	rest, err := g.commandFlags("check", "check [--mode local|cloud-dev|deploy] [--deployed] [--json]", args, func(fs *flag.FlagSet) {
		fs.StringVar(&mode, "mode", mode, "local (lambdev dev), cloud-dev (dev --aws) or deploy")
		fs.BoolVar(&deployed, "deployed", false, "also compare what is deployed in AWS with the project file (needs credentials)")
	})
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErr("check takes no arguments, got %q", rest)
	}
	if g.ci {
		mode = string(drift.ModeDeploy)
	}
	p, err := g.load()
	if err != nil {
		return err
	}
	ws, err := driftWarnings(p, drift.Mode(mode))
	if err != nil {
		return err
	}
	if deployed {
		dw, err := deployedDrift(g, p, drift.Mode(mode))
		if err != nil {
			return err
		}
		ws = append(ws, dw...)
	}
	errs, warns, infos := drift.Summary(ws)
	if g.json {
		writeJSON(g.stdout, map[string]any{"mode": mode, "warnings": nonNil(ws), "errors": errs, "warningCount": warns, "infoCount": infos,
			"configWarnings": configWarnings(p)})
	} else {
		printDrift(g.stdout, ws, errs, warns, infos)
		if n := len(p.Warnings); n > 0 {
			fmt.Fprintf(g.stdout, "and %d project file warning(s), above\n", n)
		}
	}
	if errs > 0 {
		return &cliError{code: exitFailure, err: fmt.Errorf("check: %d drift error(s)", errs)}
	}
	return nil
}

// driftWarnings runs the static drift rules for mode; local modes probe the
// interpreters lambdev would launch (Go code is not built for a check).
func driftWarnings(p *config.Project, mode drift.Mode) ([]drift.Warning, error) {
	switch mode {
	case drift.ModeDeploy:
		return drift.Check(drift.Input{Project: p, Mode: mode, Host: drift.DetectHost(), Now: time.Now()}), nil
	case drift.ModeLocal, drift.ModeCloudDev:
	default:
		return nil, usageErr("--mode must be local, cloud-dev or deploy, not %q", mode)
	}
	eng, err := engine.New(p, engine.Options{Cloud: mode == drift.ModeCloudDev})
	if err != nil {
		return nil, err
	}
	defer eng.Close()
	var probe []string
	for _, f := range p.Functions {
		if f.Family() == config.FamilyPython || f.Family() == config.FamilyNode {
			probe = append(probe, f.Name)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	eng.Prepare(ctx, probe...)
	return eng.CheckDrift(), nil
}

func printDrift(w io.Writer, ws []drift.Warning, errs, warns, infos int) {
	for _, d := range ws {
		fmt.Fprintln(w, d.String())
	}
	if len(ws) > 0 {
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%d error(s), %d warning(s), %d info\n", errs, warns, infos)
}

func nonNil(ws []drift.Warning) []drift.Warning {
	if ws == nil {
		return []drift.Warning{}
	}
	return ws
}

// deployedDrift reads each function's deployed configuration and reports
// where it differs from what lambdev would deploy in mode (the bridge for
// live functions in cloud dev, the declared function otherwise).
func deployedDrift(g *globals, p *config.Project, mode drift.Mode) ([]drift.Warning, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	d, err := deploy.New(ctx, deploy.Options{Region: p.Region})
	if err != nil {
		return nil, failure(err, deploy.Hint(err))
	}
	got, err := d.Inspect(ctx, p)
	if err != nil {
		return nil, failure(err, deploy.Hint(err))
	}
	in := drift.Input{Project: p, Mode: drift.ModeDeploy, Host: drift.DetectHost(), Now: time.Now(), Deployed: map[string]drift.DeployedConfig{}}
	if mode == drift.ModeCloudDev {
		in.Mode = mode
	}
	for name, dc := range got {
		in.Deployed[name] = drift.DeployedConfig{Runtime: dc.Runtime, Handler: dc.Handler, MemoryMB: dc.MemoryMB,
			Timeout: dc.Timeout, Architecture: dc.Architecture, EnvKeys: dc.EnvKeys}
	}
	var out []drift.Warning
	for _, w := range drift.Check(in) {
		if w.Rule == drift.RuleDeployedConfig {
			out = append(out, w)
		}
	}
	return out, nil
}
