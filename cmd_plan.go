package main

import (
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine"
)

func runPlan(g *globals, args []string) error {
	mode := "dev"
	rest, err := g.commandFlags("plan", "plan [--mode dev|deploy] [--json]", args, func(fs *flag.FlagSet) {
		fs.StringVar(&mode, "mode", mode, "dev or deploy")
	})
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErr("plan takes no arguments, got %q", rest)
	}
	m, ok := engine.ParseMode(mode)
	if !ok {
		return usageErr("--mode must be dev or deploy, not %q", mode)
	}
	if g.ci && m == engine.ModeDev {
		m = engine.ModeDeploy // --ci never swaps
	}
	p, err := g.load()
	if err != nil {
		return err
	}
	rows := engine.Plan(p, m, nil)
	if g.json {
		writeJSON(g.stdout, planJSON{App: p.App, Stage: p.Stage, Region: p.Region, Mode: m, Functions: rows})
		return nil
	}
	printPlan(g.stdout, p, m, rows)
	return nil
}

type planJSON struct {
	App       string       `json:"app"`
	Stage     string       `json:"stage"`
	Region    string       `json:"region"`
	Mode      engine.Mode  `json:"mode"`
	Functions []engine.Row `json:"functions"`
}

// printPlan renders the plan as a table a person reads at a glance.
func printPlan(w io.Writer, p *config.Project, m engine.Mode, rows []engine.Row) {
	fmt.Fprintf(w, "%s · stage %s · %s · mode %s\n\n", p.App, p.Stage, p.Region, m)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FUNCTION\tMODE\tRUNTIME (declared → Lambda)\tOS (declared → Lambda)\tARCH\tWHY")
	swapped := 0
	for _, r := range rows {
		mode := "DEPLOYED"
		if r.Live {
			mode = "LIVE"
		}
		rt, osCol := r.Declared.Runtime, osLabel(r.Declared)
		if r.Swapped {
			swapped++
			rt += " → " + r.Effective.Runtime
			osCol += " → " + osLabel(r.Effective)
		}
		if r.Bridge {
			rt += " (bridge)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Function, mode, rt, osCol, r.Declared.Arch, r.Reason)
	}
	tw.Flush()
	if swapped > 0 {
		fmt.Fprintf(w, "\n%d function(s) change runtime in dev: Lambda runs the relay bridge on %s and\n", swapped, config.BridgeRuntime)
		fmt.Fprintln(w, "their code runs on this machine. `dev: false` keeps a function's declared runtime;")
		fmt.Fprintln(w, "`lambdev deploy` never swaps.")
	} else {
		fmt.Fprintln(w, "\nNothing is swapped: every function runs as declared.")
	}
}

func osLabel(s engine.Side) string {
	if s.OS == "" {
		return "?"
	}
	if s.Glibc == "" {
		return s.OS
	}
	return s.OS + " glibc " + s.Glibc
}
