package main

import "errors"

// errNotYet marks commands later work fills; they fail rather than fake output.
var errNotYet = errors.New("not yet implemented")

func runRelay(g *globals, args []string) error {
	return failure(errors.New("relay: "+errNotYet.Error()), "")
}
