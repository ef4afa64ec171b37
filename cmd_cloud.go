package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine/deploy"
)

// bridgeSourceEnv points at a lambdev source tree when the binary was built
// without one it can find (the bridge is cross-built from relay/bridge).
const bridgeSourceEnv = "LAMBDEV_SOURCE"

// runCloudDev deploys live functions as the relay bridge on provided.al2023
// (with their declared architecture) and dev: false functions as declared,
// then runs the local session that the bridges relay invocations to.
func runCloudDev(g *globals, p *config.Project, f devFlags) error {
	if p.Relay == "" {
		return &cliError{code: exitUsage, err: errors.New("dev --aws needs a relay hub the bridges can reach"),
			hint: "add `relay: wss://…` to the project file and run `lambdev relay serve` there"}
	}
	if err := checkRelayToken(p); err != nil {
		return err
	}
	src, err := bridgeSource()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	d, err := newDeployer(ctx, g, p, "")
	if err != nil {
		stop()
		return err
	}
	rep, err := d.Deploy(ctx, p, cloudTargets(p, src))
	stop()
	if err := reportDeploy(g, p, "deployed", rep, err, nil); err != nil {
		return err
	}
	f.cloud = true
	if f.headless || g.json {
		return runHeadless(g, p, f)
	}
	return runWorkbench(g, p, f)
}

// cloudTargets swaps each live function for the bridge; dev: false
// functions deploy exactly as declared.
func cloudTargets(p *config.Project, src string) []deploy.Target {
	targets := deploy.Plan(p)
	bridges := map[string]func() (*deploy.Artifact, error){}
	for i, t := range targets {
		f := t.Function
		if !f.Dev {
			continue
		}
		arch := f.Architecture
		if bridges[arch] == nil {
			bridges[arch] = bridgeArtifact(src, arch)
		}
		targets[i].Runtime = config.BridgeRuntime
		targets[i].Handler = "bootstrap"
		targets[i].Artifact = bridges[arch]
		targets[i].Environment = map[string]string{
			"LAMBDEV_RELAY_URL":   p.Relay,
			"LAMBDEV_RELAY_TOKEN": os.Getenv(relayTokenEnv),
			"LAMBDEV_APP":         p.App,
			"LAMBDEV_STAGE":       p.Stage,
			"LAMBDEV_FUNCTION":    f.Name,
		}
		if f.URL != nil && f.URL.InvokeMode == config.InvokeResponseStream {
			// The bridge asks the dev session for the answer as it is written.
			targets[i].Environment["LAMBDEV_STREAM"] = "1"
		}
	}
	return targets
}

// bridgeArtifact cross-builds relay/bridge once for arch (linux, static,
// reproducible) and zips it as bootstrap.
func bridgeArtifact(src, arch string) func() (*deploy.Artifact, error) {
	var once sync.Once
	var art *deploy.Artifact
	var err error
	return func() (*deploy.Artifact, error) {
		once.Do(func() {
			bp := &config.Project{Dir: src, App: "lambdev", Stage: "bridge"}
			bf := &config.Function{Name: "bridge", Handler: filepath.Join("relay", "bridge"), Runtime: config.BridgeRuntime,
				Kind: config.FamilyGo, Architecture: arch}
			art, err = deploy.Package(bp, bf, deploy.PackageOptions{})
			if err != nil {
				err = fmt.Errorf("build the relay bridge for %s: %w", arch, err)
			}
		})
		return art, err
	}
}

// bridgeSource finds the lambdev source tree holding relay/bridge: the one
// this binary was built from, or $LAMBDEV_SOURCE.
func bridgeSource() (string, error) {
	var candidates []string
	if s := os.Getenv(bridgeSourceEnv); s != "" {
		candidates = append(candidates, s)
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		candidates = append(candidates, filepath.Dir(file))
	}
	for _, dir := range candidates {
		if _, err := os.Stat(filepath.Join(dir, "relay", "bridge", "main.go")); err == nil {
			return dir, nil
		}
	}
	return "", &cliError{code: exitFailure, err: errors.New("cannot find the relay bridge's source to build it"),
		hint: "set " + bridgeSourceEnv + " to a lambdev checkout (the bridge is built from relay/bridge)"}
}
