package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine"
	"github.com/lambdev/lambdev/engine/drift"
)

func runCheck(g *globals, args []string) error {
	mode := string(drift.ModeLocal)
	rest, err := g.commandFlags("check", "check [--mode local|cloud-dev|deploy] [--json]", args, func(fs *flag.FlagSet) {
		fs.StringVar(&mode, "mode", mode, "local (lambdev dev), cloud-dev (dev --aws) or deploy")
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
	errs, warns, infos := drift.Summary(ws)
	if g.json {
		writeJSON(g.stdout, map[string]any{"mode": mode, "warnings": nonNil(ws), "errors": errs, "warningCount": warns, "infoCount": infos})
	} else {
		printDrift(g.stdout, ws, errs, warns, infos)
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
