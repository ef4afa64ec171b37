package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/lambdev/lambdev/config"
)

// errHelp is returned when --help was asked for; it exits 0.
var errHelp = errors.New("help requested")

// globals are the flags every command accepts, before or after its name.
type globals struct {
	config string
	stage  string
	json   bool
	ci     bool
	stdout io.Writer
	stderr io.Writer

	// beforeSession runs when a dev session is about to start, before it
	// loads anything; main sets it to keepSysmonAwake.
	beforeSession func()
}

// flagSet returns a FlagSet with the global flags registered on g.
func (g *globals) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(g.stderr)
	fs.StringVar(&g.config, "f", g.config, "project file")
	fs.StringVar(&g.config, "config", g.config, "project file")
	fs.StringVar(&g.stage, "stage", g.stage, "stage")
	fs.BoolVar(&g.json, "json", g.json, "machine-readable output")
	fs.BoolVar(&g.ci, "ci", g.ci, "headless strict deploy mode")
	return fs
}

// flagErr maps a flag parse error to an exit code.
func flagErr(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return errHelp
	}
	return usageErr("%v", err)
}

// load finds and validates the project file; warnings go to stderr.
func (g *globals) load() (*config.Project, error) {
	path := g.config
	if path == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		path, err = config.Find(wd)
		if err != nil {
			return nil, &cliError{code: exitUsage, err: err, hint: "run lambdev in a project directory or pass -f path/to/lambdev.yaml"}
		}
	}
	p, err := config.Load(path, config.LoadOptions{Stage: g.stage})
	if err != nil {
		return nil, err
	}
	if !g.json {
		for _, w := range p.Warnings {
			fmt.Fprintln(g.stderr, w.Error()) // "file:line:col: warning: …"
		}
	}
	return p, nil
}

// configProblem is a project file error or warning in a --json document,
// where stderr's "file:line:col: …" lines would otherwise be lost.
type configProblem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
	Warning bool   `json:"warning,omitempty"`
}

// configProblems converts the loader's problems; never nil.
func configProblems(list []*config.Error) []configProblem {
	out := []configProblem{}
	for _, e := range list {
		out = append(out, configProblem{File: e.File, Line: e.Line, Col: e.Col, Message: e.Msg, Hint: e.Hint, Warning: e.Warning})
	}
	return out
}

// configWarnings lists p's load warnings for a --json document; never nil.
func configWarnings(p *config.Project) []configProblem { return configProblems(p.Warnings) }

// commandFlags parses a command's flags; the command's own flags are added by add.
func (g *globals) commandFlags(name, usage string, args []string, add func(fs *flag.FlagSet)) ([]string, error) {
	fs := g.flagSet(name)
	if add != nil {
		add(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(g.stderr, "Usage: lambdev %s\n\nFlags:\n", usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, flagErr(err)
	}
	return fs.Args(), nil
}

func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// relPath shows path relative to the working directory when shorter.
func relPath(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(wd, path); err == nil && len(rel) < len(path) {
		return rel
	}
	return path
}
