//go:build unix && !linux

package main

import "syscall"

// procAttr gives a peer its own process group (stopped when the harness
// exits in order; there is no parent-death signal here).
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
