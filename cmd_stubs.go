package main

import "errors"

// errNotYet marks commands later work fills; they fail rather than fake output.
var errNotYet = errors.New("not yet implemented")

func runDeploy(g *globals, args []string) error {
	return failure(errors.New("deploy: "+errNotYet.Error()), "")
}

func runRemove(g *globals, args []string) error {
	return failure(errors.New("remove: "+errNotYet.Error()), "")
}

func runRelay(g *globals, args []string) error {
	return failure(errors.New("relay: "+errNotYet.Error()), "")
}
