package main

import "syscall"

// procAttr gives a peer its own process group, killed with the harness.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
