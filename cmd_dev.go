package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine"
	"github.com/lambdev/lambdev/relay"
	"github.com/lambdev/lambdev/tui"
)

type devFlags struct {
	headless bool
	listen   string
	aws      bool
	warm     int
	cloud    bool // set once the cloud side is deployed
}

func runDev(g *globals, args []string) error {
	var f devFlags
	rest, err := g.commandFlags("dev", "dev [--headless] [--listen ADDR] [--warm N] [--json]", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&f.headless, "headless", false, "no TUI: print one line per event (NDJSON with --json)")
		fs.StringVar(&f.listen, "listen", relay.DefaultListen, "gateway address (port 0 picks a free one)")
		fs.BoolVar(&f.aws, "aws", false, "cloud dev: deploy live functions as the relay bridge")
		fs.IntVar(&f.warm, "warm", engine.DefaultWarm, "start a warm worker up front for the first N functions; the rest start on first invoke (0: none)")
	})
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErr("dev takes no arguments, got %q", rest)
	}
	if f.warm < 0 {
		return usageErr("--warm takes a count of functions, 0 or more; got %d", f.warm)
	}
	if g.ci {
		return usageErr("--ci deploys strictly; it cannot run dev (use `lambdev deploy --ci`)")
	}
	if g.beforeSession != nil {
		g.beforeSession()
	}
	p, err := g.load()
	if err != nil {
		return err
	}
	if err := checkRelayToken(p); err != nil {
		return err
	}
	if !f.headless && !g.json && !isTerminal(os.Stdout) {
		return usageErr("dev needs a terminal for its workbench; stdout is not a TTY (use --headless)")
	}
	if f.aws {
		return runCloudDev(g, p, f)
	}
	if !f.headless && !g.json {
		return runWorkbench(g, p, f)
	}
	return runHeadless(g, p, f)
}

// session is a running dev session: its engine, gateway and event stream.
type session struct {
	eng       *engine.Engine
	gw        *relay.Gateway
	sub       *engine.Subscription
	stopSched context.CancelFunc
	displaced *sessionInfo // the project's other running session, if any
}

// startSession wires the engine and the gateway; the caller closes it.
func startSession(p *config.Project, f devFlags) (*session, error) {
	listen := f.listen
	warm := f.warm
	if warm == 0 {
		warm = -1 // engine.Options: none
	}
	eng, err := engine.New(p, engine.Options{Cloud: f.cloud, Warm: warm, Load: config.LoadOptions{Stage: p.Stage}})
	if err != nil {
		return nil, err
	}
	gw := relay.NewGateway(eng)
	if err := gw.Listen(listen); err != nil {
		eng.Close()
		return nil, failure(fmt.Errorf("gateway: %w", err), "pass --listen 127.0.0.1:0 to pick a free port")
	}
	s := &session{eng: eng, gw: gw, sub: eng.Subscribe(8192)}
	var schedCtx context.Context
	schedCtx, s.stopSched = context.WithCancel(context.Background())
	adaptScheduler(schedCtx, eng.ConcurrencyPeak, eng.Overlaps())
	tuneGC()
	go func() { _ = gw.Serve() }()
	displaced, err := writeSessionFile(p, gw.Endpoint())
	switch {
	case err != nil:
		fmt.Fprintln(os.Stderr, "warning: "+err.Error())
	case displaced != nil:
		fmt.Fprintf(os.Stderr, "warning: another dev session of this project runs at %s (pid %d); `lambdev invoke` uses this one until it stops\n",
			displaced.Endpoint, displaced.PID)
	}
	s.displaced = displaced
	return s, nil
}

// printTo prints the session's events until it closes; the returned channel
// closes once every event has been printed.
func (s *session) printTo(out *printer) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range s.sub.C {
			out.batched(ev)
			if len(s.sub.C) == 0 {
				out.flush()
			}
		}
		out.flush()
	}()
	return done
}

// close shuts the gateway down, then stops every worker.
func (s *session) close(p *config.Project) {
	defer s.stopSched()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.gw.Shutdown(ctx)
	s.eng.Close()
	removeSessionFile(p, s.gw.Endpoint(), s.displaced)
}

func runHeadless(g *globals, p *config.Project, f devFlags) error {
	s, err := startSession(p, f)
	if err != nil {
		return err
	}
	out := newPrinter(g.stdout, g.json)
	// A closed stdout must fail the write (EPIPE), not kill the process
	// with SIGPIPE before it stops its workers and removes its session
	// file; the signal itself is not acted on (sockets raise it too).
	sigpipe := make(chan os.Signal, 1)
	signal.Notify(sigpipe, syscall.SIGPIPE)
	defer signal.Stop(sigpipe)
	out.gateway(s.gw, p)
	done := s.printTo(out)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rc, _, err := connectRelay(ctx, p, s.eng, func(format string, a ...any) { out.line(format, a...) })
	if err != nil {
		s.close(p)
		return err
	}
	if rc != nil {
		defer rc.Close()
	}
	// Watch first: a save made while functions start is not lost.
	if err := s.eng.Watch(ctx); err != nil {
		out.line("lambdev dev: hot reload off: %v", err)
	}
	go s.eng.Start(ctx)
	select {
	case <-ctx.Done():
	case <-out.readerGone():
	}
	s.close(p)
	<-done
	out.stopped(s.sub.Dropped())
	return nil
}

// runWorkbench runs the TUI. Everything the headless mode would print goes
// to a log file instead, so nothing but the workbench touches the screen.
func runWorkbench(g *globals, p *config.Project, f devFlags) error {
	logPath := filepath.Join(filepath.Dir(sessionPath(p)), "dev-"+filepath.Base(strings.TrimSuffix(sessionPath(p), ".json"))+".log")
	if err := os.MkdirAll(filepath.Dir(logPath), 0o700); err != nil {
		return failure(fmt.Errorf("log file: %w", err), "")
	}
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return failure(fmt.Errorf("log file: %w", err), "")
	}
	defer logf.Close()
	s, err := startSession(p, f)
	if err != nil {
		return err
	}
	out := newPrinter(logf, false)
	out.gateway(s.gw, p)
	done := s.printTo(out)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	rc, relayStatus, err := connectRelay(ctx, p, s.eng, func(format string, a ...any) { fmt.Fprintf(logf, format+"\n", a...) })
	if err != nil {
		s.close(p)
		return err
	}
	if rc != nil {
		defer rc.Close()
	}
	watcher := func(on bool) error { return s.eng.SetWatching(on) }
	if err := s.eng.Watch(ctx); err != nil {
		fmt.Fprintln(logf, "hot reload off: "+err.Error())
		watcher = nil
	}
	go s.eng.Start(ctx)
	err = tui.Run(ctx, s.eng, tui.Options{
		Gateway: s.gw.Endpoint(),
		URLs:    functionURLs(s.gw, p),
		Mode:    map[bool]string{false: "local", true: "aws"}[f.cloud],
		Watcher: watcher,
		Relay:   relayStatus,
		LogFile: logf,
	})
	s.close(p)
	<-done
	fmt.Fprintf(g.stderr, "lambdev dev: stopped; the session log is %s\n", logPath)
	return err
}

func functionURLs(gw *relay.Gateway, p *config.Project) map[string]string {
	urls := map[string]string{}
	for _, f := range p.Functions {
		if f.URL != nil {
			urls[f.Name] = gw.FunctionURL(f.Name)
		}
	}
	return urls
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
