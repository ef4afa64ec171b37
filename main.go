// Command lambdev is a terminal workbench for developing AWS Lambda functions
// live: it runs a project's functions locally behind a faithful Lambda Runtime
// API, shows how dev differs from production, and deploys strictly with --ci.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lambdev/lambdev/config"
)

// Version is set at build time with -ldflags "-X main.Version=…".
var Version = "dev"

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
	exitDrift   = 3
)

// cliError carries an exit code and an optional hint to main's renderer.
type cliError struct {
	code int
	err  error
	hint string
	// reported: the command's --json document already says what failed,
	// so nothing more is written (stdout stays one document).
	reported bool
}

func (e *cliError) Error() string { return e.err.Error() }
func (e *cliError) Unwrap() error { return e.err }

func usageErr(format string, a ...any) error {
	return &cliError{code: exitUsage, err: fmt.Errorf(format, a...)}
}

func failure(err error, hint string) error { return &cliError{code: exitFailure, err: err, hint: hint} }

type command struct {
	name, summary string
	run           func(g *globals, args []string) error
}

var commands = []command{
	{"dev", "run every function locally with hot reload (TUI, or --headless)", runDev},
	{"invoke", "invoke a function of a running dev session, or run it once", runInvoke},
	{"plan", "show each function's effective runtime in dev or deploy mode", runPlan},
	{"check", "report drift between dev and production", runCheck},
	{"deploy", "deploy the project exactly as declared (what CI uses)", runDeploy},
	{"remove", "delete the stage's functions, URLs and the role lambdev created", runRemove},
	{"relay", "run the relay hub cloud bridges and dev sessions connect to", runRelay},
	{"version", "print the version", runVersion},
}

func main() {
	session := keepSysmonAwake
	if restoreGODEBUG() {
		session = nil // this is the re-executed session
	}
	os.Exit(runCLI(&globals{stdout: os.Stdout, stderr: os.Stderr, beforeSession: session}, os.Args[1:]))
}

// run executes the CLI in this process and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	return runCLI(&globals{stdout: stdout, stderr: stderr}, args)
}

// runCLI executes the CLI with g; errors are rendered once, here.
func runCLI(g *globals, args []string) int {
	err := dispatch(g, args)
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errHelp) {
		return exitOK
	}
	code := exitFailure
	var ce *cliError
	if errors.As(err, &ce) {
		code = ce.code
	}
	var cfgErrs *config.Errors
	if errors.As(err, &cfgErrs) {
		code = exitUsage
	}
	renderError(g, err)
	return code
}

func dispatch(g *globals, args []string) error {
	fs := g.flagSet("lambdev")
	fs.Usage = func() { topUsage(g.stderr) }
	if err := fs.Parse(args); err != nil {
		return flagErr(err)
	}
	rest := fs.Args()
	if len(rest) == 0 {
		if g.ci {
			return runDeploy(g, nil)
		}
		topUsage(g.stderr)
		return usageErr("no command given")
	}
	for _, c := range commands {
		if c.name == rest[0] {
			return c.run(g, rest[1:])
		}
	}
	if rest[0] == "help" {
		topUsage(g.stdout)
		return nil
	}
	return usageErr("unknown command %q; run `lambdev --help`", rest[0])
}

func topUsage(w io.Writer) {
	fmt.Fprintln(w, "lambdev — develop AWS Lambda functions live, deploy them strictly")
	fmt.Fprintln(w, "\nUsage: lambdev [global flags] <command> [flags]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nGlobal flags (also accepted after the command):")
	fmt.Fprintln(w, "  -f, --config FILE  project file (default: lambdev.yaml in the working directory)")
	fmt.Fprintln(w, "  --stage NAME       stage (overrides the file and LAMBDEV_STAGE)")
	fmt.Fprintln(w, "  --json             machine-readable output")
	fmt.Fprintln(w, "  --ci               headless strict deploy: no TTY, no colour, declared runtimes only")
	fmt.Fprintln(w, "\nExit codes: 0 ok, 1 failure, 2 bad input (config or usage), 3 drift errors")
}

// renderError prints err once, with its hint, as text or JSON.
func renderError(g *globals, err error) {
	var ce *cliError
	hint := ""
	if errors.As(err, &ce) {
		hint = ce.hint
	}
	if g.json {
		if ce != nil && ce.reported {
			return
		}
		doc := map[string]any{"error": err.Error(), "hint": hint}
		var cfgErrs *config.Errors
		if errors.As(err, &cfgErrs) {
			// Each problem of the project file, as a program wants it.
			doc["error"] = fmt.Sprintf("%s: %d problem(s)", cfgErrs.File, len(cfgErrs.List))
			doc["problems"] = configProblems(cfgErrs.List)
		}
		writeJSON(g.stdout, doc)
		return
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "lambdev") {
		msg = "lambdev: " + msg
	}
	fmt.Fprintln(g.stderr, msg)
	if hint != "" {
		fmt.Fprintln(g.stderr, "  hint: "+hint)
	}
}

func runVersion(g *globals, args []string) error {
	rest, err := g.commandFlags("version", "version [--json]", args, nil)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErr("version takes no arguments, got %q", rest)
	}
	if g.json {
		writeJSON(g.stdout, map[string]string{"version": Version})
		return nil
	}
	fmt.Fprintln(g.stdout, "lambdev", Version)
	return nil
}
