package engine

import "syscall"

// workerProcAttr puts a worker in its own process group (so a kill reaches
// its children) and has the kernel kill it if lambdev dies without
// cleaning up.
func workerProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
