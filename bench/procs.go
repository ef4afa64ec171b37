package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proc is a child process in its own process group, so that stopping it
// also ends what it started (workers, serverless-offline's interpreters).
type proc struct {
	name string
	cmd  *exec.Cmd
	out  string // file holding its stdout and stderr
	done chan struct{}
	err  error
}

// running holds every started process, so an interrupted run stops them all.
var running struct {
	sync.Mutex
	procs map[*proc]bool
}

// startProc runs name with args in dir; its output goes to a file in logDir.
func startProc(logDir, dir string, env []string, name string, args ...string) (*proc, error) {
	out, err := os.CreateTemp(logDir, filepath.Base(name)+"-*.log")
	if err != nil {
		return nil, err
	}
	defer out.Close()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: filepath.Base(name), cmd: cmd, out: out.Name(), done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	running.Lock()
	if running.procs == nil {
		running.procs = map[*proc]bool{}
	}
	running.procs[p] = true
	running.Unlock()
	return p, nil
}

// pid is the process id.
func (p *proc) pid() int { return p.cmd.Process.Pid }

// exited reports whether the process has ended.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM to the group, then SIGKILL after a grace period.
func (p *proc) stop() {
	running.Lock()
	delete(running.procs, p)
	running.Unlock()
	pg := -p.cmd.Process.Pid
	_ = syscall.Kill(pg, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(8 * time.Second):
	}
	_ = syscall.Kill(pg, syscall.SIGKILL)
	<-p.done
}

// stopAll stops every process still running.
func stopAll() {
	running.Lock()
	var ps []*proc
	for p := range running.procs {
		ps = append(ps, p)
	}
	running.Unlock()
	for _, p := range ps {
		p.stop()
	}
}

// tail returns the last n bytes of the process's output, for error messages.
func (p *proc) tail(n int) string {
	b, _ := os.ReadFile(p.out)
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return strings.TrimSpace(string(b))
}

// lines follows the process's output file, calling fn for each complete line
// until fn returns true (done), the process exits, or the timeout passes.
func (p *proc) lines(timeout time.Duration, fn func(line []byte) bool) error {
	f, err := os.Open(p.out)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	var partial []byte
	deadline := time.Now().Add(timeout)
	for {
		chunk, err := r.ReadBytes('\n')
		partial = append(partial, chunk...)
		if err == nil {
			if fn(bytes.TrimRight(partial, "\r\n")) {
				return nil
			}
			partial = partial[:0]
			continue
		}
		if err != io.EOF {
			return err
		}
		if p.exited() {
			return fmt.Errorf("%s exited (%v): %s", p.name, p.err, p.tail(600))
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: nothing after %s: %s", p.name, timeout, p.tail(600))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// rssKB reads a /proc/PID/status field (VmRSS, VmHWM) in KiB.
func rssKB(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
			return n
		}
	}
	return 0
}

// childrenRSSKB sums VmRSS over the direct children of pid.
func childrenRSSKB(pid int) (total int64, n int) {
	for child, st := range procStats() {
		if st.ppid == pid {
			total += rssKB(child, "VmRSS")
			n++
		}
	}
	return total, n
}

// procStat is the part of /proc/PID/stat the harness reads.
type procStat struct {
	ppid int
	comm string  // the command name, e.g. python3.12
	cpu  float64 // user+system seconds
}

// clockTicks is USER_HZ, the unit of utime/stime in /proc/PID/stat: 100 on
// every Linux architecture Go supports.
const clockTicks = 100

// procStats reads /proc/PID/stat of every process by pid; empty off Linux.
func procStats() map[int]procStat {
	all := map[int]procStat{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue // exited meanwhile
		}
		// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
		open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
		if open < 0 || end < open {
			continue
		}
		f := strings.Fields(string(b[end+1:]))
		if len(f) < 13 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		utime, _ := strconv.ParseFloat(f[11], 64)
		stime, _ := strconv.ParseFloat(f[12], 64)
		all[pid] = procStat{ppid: ppid, comm: string(b[open+1 : end]), cpu: (utime + stime) / clockTicks}
	}
	return all
}

// freePort returns a loopback port free right now.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitPort waits until something accepts connections on addr.
func waitPort(p *proc, addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		if p.exited() {
			return fmt.Errorf("%s exited (%v): %s", p.name, p.err, p.tail(600))
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: %s not listening after %s: %s", p.name, addr, timeout, p.tail(600))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
