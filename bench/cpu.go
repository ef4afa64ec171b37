package main

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"syscall"
)

// procCPU is the CPU time (user+system, seconds) of root and every process
// descended from it, summed by command name (lambdev, python3.12, node,
// bootstrap…); empty off Linux.
func procCPU(root int) map[string]float64 {
	out := map[string]float64{}
	if root <= 0 {
		return out
	}
	all := procStats()
	for pid, st := range all {
		for q, hops := pid, 0; q > 1 && hops < 64; q, hops = all[q].ppid, hops+1 {
			if q == root {
				out[st.comm] += st.cpu
				break
			}
		}
	}
	return out
}

// selfCPU is this process's CPU time (user+system, seconds): the client's.
func selfCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

// cpuSplit accumulates CPU per invocation (µs) by process, over rounds.
type cpuSplit struct {
	self   string // what this process did meanwhile: "client" unless set
	client []float64
	procs  map[string][]float64
}

// measure runs fn (which returns how many invocations it completed) and
// records the CPU each process of root's tree spent per invocation meanwhile.
func (c *cpuSplit) measure(root int, fn func() int64) {
	c.measureWith(func() map[string]float64 { return procCPU(root) }, "client", fn)
}

// measureWith is measure over the processes sample reads, with this
// process's own share named self.
func (c *cpuSplit) measureWith(sample func() map[string]float64, self string, fn func() int64) {
	c.self = self
	before, selfBefore := sample(), selfCPU()
	n := fn()
	after, selfAfter := sample(), selfCPU()
	if n <= 0 {
		return
	}
	if c.procs == nil {
		c.procs = map[string][]float64{}
	}
	per := func(sec float64) float64 { return sec / float64(n) * 1e6 }
	c.client = append(c.client, per(selfAfter-selfBefore))
	for name, v := range after {
		if d := v - before[name]; d > 0 {
			c.procs[name] = append(c.procs[name], per(d))
		}
	}
}

// String renders medians, e.g. "client 90 µs · lambdev 205 µs · bootstrap
// 305 µs = 600 µs → ≤ 3,333/s on 2 cores".
func (c *cpuSplit) String() string {
	if len(c.client) == 0 {
		return "—"
	}
	total := summarize(c.client).Median
	parts := []string{fmt.Sprintf("%s %.0f µs", c.self, total)}
	names := make([]string, 0, len(c.procs))
	for name := range c.procs {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		v := summarize(c.procs[name]).Median
		if v < 1 {
			continue
		}
		total += v
		parts = append(parts, fmt.Sprintf("%s %.0f µs", name, v))
	}
	return fmt.Sprintf("%s = %.0f µs → at most %.0f/s on %d cores", strings.Join(parts, " · "), total,
		float64(runtime.NumCPU())*1e6/total, runtime.NumCPU())
}
