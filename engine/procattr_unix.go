//go:build unix && !linux

package engine

import "syscall"

// workerProcAttr puts a worker in its own process group (so a kill reaches
// its children). Without Linux's parent-death signal, a worker outlives a
// lambdev that is killed outright (SIGKILL); every orderly exit still stops
// its workers.
func workerProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
