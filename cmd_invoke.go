package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine"
)

func runInvoke(g *globals, args []string) error {
	payloadArg, tenant := "{}", ""
	rest, err := g.commandFlags("invoke", "invoke NAME [--payload JSON|@file|-] [--tenant-id ID]", reorder(args), func(fs *flag.FlagSet) {
		fs.StringVar(&payloadArg, "payload", payloadArg, "event: inline JSON, @file, or - for stdin")
		fs.StringVar(&tenant, "tenant-id", "", "the tenant of a tenant-isolated function (tenancy: PER_TENANT)")
	})
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageErr("invoke needs exactly one function name")
	}
	payload, err := readPayload(payloadArg)
	if err != nil {
		return usageErr("%v", err)
	}
	p, err := g.load()
	if err != nil {
		return err
	}
	name := rest[0]
	f := p.Function(name)
	if f == nil {
		return usageErr("no function %q in %s (functions: %s)", name, relPath(p.File), strings.Join(p.Names(), ", "))
	}
	if err := engine.CheckTenant(f, tenant); err != nil {
		return usageErr("%v", err)
	}
	req := engine.Request{Function: name, Payload: payload, Source: engine.SourceCLI, TenantID: tenant}
	if s, ok := readSession(p); ok {
		err := invokeRemote(g, s.Endpoint, req)
		if !errors.Is(err, errSessionGone) {
			return err
		}
		fmt.Fprintf(g.stderr, "lambdev: the dev session at %s does not answer; running %s once\n", s.Endpoint, name)
	}
	return invokeOnce(g, p, req)
}

// reorder moves flags after the function name in front of it, so both
// `invoke NAME --payload x` and `invoke --payload x NAME` work.
func reorder(args []string) []string {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return append(append([]string{}, args[1:]...), args[0])
	}
	return args
}

func readPayload(arg string) ([]byte, error) {
	var b []byte
	var err error
	switch {
	case arg == "-":
		b, err = io.ReadAll(io.LimitReader(os.Stdin, engine.MaxSyncPayload+1))
	case strings.HasPrefix(arg, "@"):
		b, err = os.ReadFile(arg[1:])
	default:
		b = []byte(arg)
	}
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		b = []byte("{}")
	}
	if !json.Valid(b) {
		return nil, errors.New("payload is not valid JSON")
	}
	return b, nil
}

// invokeOnce runs the function in a short-lived engine.
func invokeOnce(g *globals, p *config.Project, req engine.Request) error {
	eng, err := engine.New(p, engine.Options{})
	if err != nil {
		return err
	}
	defer eng.Close()
	res, err := eng.Invoke(context.Background(), req)
	if err != nil {
		return failure(err, "")
	}
	return printResult(g, res.Payload, res.Logs, res.Error)
}

// errSessionGone means a session file named a dev session that does not
// answer (it crashed, or its pid was reused).
var errSessionGone = errors.New("dev session unreachable")

// invokeRemote calls the running session's Invoke API.
func invokeRemote(g *globals, endpoint string, in engine.Request) error {
	name := in.Function
	req, _ := http.NewRequest(http.MethodPost, endpoint+"/2015-03-31/functions/"+name+"/invocations", bytes.NewReader(in.Payload))
	req.Header.Set("X-Amz-Log-Type", "Tail")
	if in.TenantID != "" {
		req.Header.Set("X-Amz-Tenant-Id", in.TenantID)
	}
	client := &http.Client{Timeout: 16 * time.Minute}
	resp, err := client.Do(req)
	if errors.Is(err, syscall.ECONNREFUSED) { // nothing listens: the event was never delivered
		return fmt.Errorf("%w: %v", errSessionGone, err)
	}
	if err != nil {
		return failure(fmt.Errorf("invoke via the dev session at %s: %w", endpoint, err), "is `lambdev dev` still running?")
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return failure(fmt.Errorf("invoke %s: %s: %s", name, resp.Status, body), "")
	}
	logs, _ := base64.StdEncoding.DecodeString(resp.Header.Get("X-Amz-Log-Result"))
	var fe *engine.FunctionError
	if resp.Header.Get("X-Amz-Function-Error") != "" {
		fe = &engine.FunctionError{}
		_ = json.Unmarshal(body, fe)
	}
	return printResult(g, body, logs, fe)
}

// printResult writes logs to stderr and the response to stdout, or with
// --json one document holding both (and the error's type, as the Invoke
// API's X-Amz-Function-Error says it); a function error exits 1.
func printResult(g *globals, payload, logs []byte, fe *engine.FunctionError) error {
	var err *cliError
	if fe != nil {
		err = &cliError{code: exitFailure, err: fmt.Errorf("function error %s: %s", fe.Type, firstLine(fe.Message))}
	}
	if g.json {
		doc := invokeJSON{Payload: payload, Logs: string(logs)}
		if !json.Valid(payload) { // a custom runtime may answer anything
			doc.Payload, _ = json.Marshal(string(payload))
		}
		if fe != nil {
			doc.FunctionError, doc.ErrorType, err.reported = "Unhandled", fe.Type, true
		}
		writeJSON(g.stdout, doc)
	} else {
		g.stderr.Write(logs)
		g.stdout.Write(payload)
		fmt.Fprintln(g.stdout)
	}
	if err != nil {
		return err
	}
	return nil
}

// invokeJSON is `lambdev invoke --json`'s one document.
type invokeJSON struct {
	Payload       json.RawMessage `json:"payload"`
	FunctionError string          `json:"functionError,omitempty"`
	ErrorType     string          `json:"errorType,omitempty"`
	Logs          string          `json:"logs"`
}
