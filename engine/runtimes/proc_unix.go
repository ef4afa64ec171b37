//go:build unix

package runtimes

import (
	"os/exec"
	"syscall"
)

// inOwnGroup starts cmd in a new process group and makes cancellation kill
// the whole group, so a cancelled build takes its compiler children with it.
func inOwnGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
