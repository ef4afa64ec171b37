//go:build !unix

package runtimes

import "os/exec"

// inOwnGroup is a no-op where process groups do not exist.
func inOwnGroup(cmd *exec.Cmd) {}
