package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// invokePath is the Lambda Invoke API path of a function.
func invokePath(fn string) string { return "/2015-03-31/functions/" + fn + "/invocations" }

// startFloor serves the echo reply from a trivial in-process net/http server:
// the loopback HTTP floor no peer can beat.
func startFloor() (target, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return target{}, nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(append(append([]byte(`{"v":"v0","event":`), ev...), '}'))
	})}
	go func() { _ = srv.Serve(ln) }()
	return target{Peer: "floor", URL: "http://" + ln.Addr().String() + "/"}, func() { srv.Close() }, nil
}

// startRIE runs aws-lambda-rie with the Go handler's bootstrap.
func startRIE(t *tools) (*proc, target, error) {
	port, err := freePort()
	if err != nil {
		return nil, target{}, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	p, err := startProc(t.work, t.work, nil, t.rie, "--runtime-interface-emulator-address", addr, t.bootstrap)
	if err != nil {
		return nil, target{}, err
	}
	if err := waitPort(p, addr, 30*time.Second); err != nil {
		p.stop()
		return nil, target{}, err
	}
	return p, target{Peer: "rie", Runtime: "go", URL: "http://" + addr + invokePath("function"), Pid: p.pid()}, nil
}

// session is a running `lambdev dev --headless --json`.
type session struct {
	p        *proc
	endpoint string
	started  time.Time // just before exec
	ready    time.Time // the engine's time of the last "ready" state event
	// interpreters maps a function to the interpreter its workers run.
	interpreters map[string]string
}

// url is the Invoke API URL of a function in the session.
func (s *session) url(fn string) string { return s.endpoint + invokePath(fn) }

// devEvent is the part of an NDJSON line the harness reads.
type devEvent struct {
	Type     string    `json:"type"`
	Endpoint string    `json:"endpoint"`
	Function string    `json:"function"`
	State    string    `json:"state"`
	Detail   string    `json:"detail"`
	Interp   string    `json:"interpreter"`
	Time     time.Time `json:"time"`
}

// startLambdev runs the built binary (`dev`, with extra flags) on the
// project in dir and waits until every one of its n functions has settled:
// ready with its warm worker, or idle (prepared, no worker until invoked:
// beyond --warm).
func startLambdev(t *tools, dir string, n int, timeout time.Duration, extra ...string) (*session, error) {
	s := &session{started: time.Now(), interpreters: map[string]string{}}
	args := append([]string{"dev", "--headless", "--json", "--listen", "127.0.0.1:0"}, extra...)
	p, err := startProc(t.work, dir, nil, t.lambdev, args...)
	if err != nil {
		return nil, err
	}
	s.p = p
	ready := map[string]bool{}
	var failed error
	err = p.lines(timeout, func(line []byte) bool {
		var ev devEvent
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &ev) != nil {
			return false // warnings on stderr share the file
		}
		switch {
		case ev.Type == "gateway":
			s.endpoint = ev.Endpoint
		case ev.Type == "prepared" && ev.Interp != "":
			s.interpreters[ev.Function] = ev.Interp
		case ev.Type == "state" && (ev.State == "ready" || ev.State == "idle"):
			ready[ev.Function] = true
			if ev.Time.After(s.ready) {
				s.ready = ev.Time
			}
		case ev.Type == "state" && ev.State != "starting" && ev.State != "reloading":
			failed = fmt.Errorf("lambdev: function %s %s: %s", ev.Function, ev.State, firstLine(ev.Detail))
			return true
		}
		return len(ready) == n
	})
	if err == nil {
		err = failed
	}
	if err != nil {
		p.stop()
		return nil, err
	}
	return s, nil
}

// startupTime is exec to the last function settled.
func (s *session) startupTime() time.Duration { return s.ready.Sub(s.started) }

// slsService and slsStage name functions as serverless does: service-stage-fn.
const slsService, slsStage = "bench", "dev"

// slsSession is a running serverless-offline.
type slsSession struct {
	p    *proc
	base string
}

// url is the Lambda-compatible invoke URL of a serverless function.
func (s *slsSession) url(fn string) string {
	return s.base + invokePath(slsService+"-"+slsStage+"-"+fn)
}

// startSLS runs `serverless offline` in the project dir; reload adds
// --reloadHandler (the handler is reloaded on every request).
func startSLS(t *tools, dir string, reload bool) (*slsSession, error) {
	lp, err := freePort()
	if err != nil {
		return nil, err
	}
	hp, err := freePort()
	if err != nil {
		return nil, err
	}
	args := []string{t.sls, "offline", "--noPrependStageInUrl", "--host", "127.0.0.1", "--lambdaPort", strconv.Itoa(lp), "--httpPort", strconv.Itoa(hp)}
	if reload {
		args = append(args, "--reloadHandler")
	}
	p, err := startProc(t.work, dir, []string{"SLS_TELEMETRY_DISABLED=1", "SLS_NOTIFICATIONS_MODE=off"}, "node", args...)
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(lp)
	if err := waitPort(p, addr, 90*time.Second); err != nil {
		p.stop()
		return nil, err
	}
	return &slsSession{p: p, base: "http://" + addr}, nil
}
