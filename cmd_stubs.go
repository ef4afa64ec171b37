package main

import "errors"

// errNotYet marks commands later work fills; they fail rather than fake output.
var errNotYet = errors.New("not yet implemented")

