package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/prometheus/procfs"
)

// nodeCPU is --node-cpu: the CPU each yuyue node of the pg-throughput
// rounds may use, in cores (0: no cap). On one small machine every node,
// PostgreSQL and loadcall share the same cores, so a second node can only
// take CPU from the first; capping each node at a fixed share stands in
// for nodes on machines of their own, which is what adding a node means
// in production.
var nodeCPU float64

// rushNodeCPU is --rush-node-cpu: the cap of each node in the
// pg-contention rush, in cores (0: none).
var rushNodeCPU float64

// capOK says whether a cap in cores is one the kernel can keep in
// capPeriod: none, or at least 0.1 cores.
func capOK(cpus float64) bool { return cpus == 0 || cpus >= 0.1 }

// nodeProcsFlag is --node-procs; capProcs turns it into a GOMAXPROCS.
var nodeProcsFlag int

// capProcs is the GOMAXPROCS a node capped at cpus cores is started with
// (the GOMAXPROCS environment variable), given --node-procs flag: 0 (the
// default) sets none and leaves the choice to the node; -1 is the cap
// rounded up, the processors a machine of its own with that much CPU
// would have. Left to itself, a node keeps Go's default (the machine's
// CPUs, since it is capped after it started; Go would choose at least two
// on this machine even had it started capped), except a PostgreSQL node
// whose cgroup limits it below one core, which runs one (yuyue's internal/procs, which looks at the limit
// every second, so it sees a cap put on after the start): at 0.25 cores
// one processor gave a PostgreSQL node 10-28 % more steps/s and a SQLite
// node, whose cgo calls hold its one processor, 23-30 % fewer
// (scripts/reports/postgres/NOTES.md). A GOMAXPROCS set in the
// environment is the node's, whatever its store. No cap: Go's default.
func capProcs(cpus float64, flag int) int {
	switch {
	case cpus <= 0:
		return 0
	case flag >= 0:
		return flag
	}
	return int(math.Ceil(cpus))
}

// limit caps the running process at cpus cores (0: leaves it as it is)
// until it stops.
func (s *server) limit(cpus float64) error {
	if cpus <= 0 {
		return nil
	}
	pid := s.cmd.Process.Pid
	_, uncap, err := capCPU(pid, fmt.Sprintf("loadcall-%d-%d", os.Getpid(), pid), cpus)
	if err != nil {
		return err
	}
	s.uncap = uncap
	return nil
}

// capPeriod is the CFS period of the cap: short, so a capped node is
// paused for milliseconds at a time, not for most of 100 ms.
const capPeriod = 10 * time.Millisecond

// capCPU puts process pid in a new CPU cgroup limited to cpus cores and
// returns the group's directory and the function that removes the group
// once the process has exited. It uses cgroup v2 where the cpu controller
// is there, else v1's cpu hierarchy.
func capCPU(pid int, name string, cpus float64) (string, func(), error) {
	period := capPeriod.Microseconds()
	quota := int64(cpus * float64(period))
	type layout struct{ root, limitFile, limit string }
	var tries []layout
	if b, err := os.ReadFile("/sys/fs/cgroup/cgroup.controllers"); err == nil && len(b) > 0 {
		tries = append(tries, layout{"/sys/fs/cgroup", "cpu.max", fmt.Sprintf("%d %d", quota, period)})
	}
	tries = append(tries, layout{"/sys/fs/cgroup/cpu", "", ""})
	var errs []error
	for _, l := range tries {
		dir := filepath.Join(l.root, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			errs = append(errs, err)
			continue
		}
		var err error
		if l.limitFile != "" {
			err = os.WriteFile(filepath.Join(dir, l.limitFile), []byte(l.limit), 0o644)
		} else {
			err = os.WriteFile(filepath.Join(dir, "cpu.cfs_period_us"), []byte(strconv.FormatInt(period, 10)), 0o644)
			if err == nil {
				err = os.WriteFile(filepath.Join(dir, "cpu.cfs_quota_us"), []byte(strconv.FormatInt(quota, 10)), 0o644)
			}
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0o644)
		}
		if err != nil {
			os.Remove(dir)
			errs = append(errs, err)
			continue
		}
		return dir, func() { os.Remove(dir) }, nil
	}
	return "", nil, fmt.Errorf("--node-cpu needs a writable cgroup cpu controller: %w", errors.Join(errs...))
}

// cpuTimes is the machine's CPU time so far (/proc/stat's first line), in
// seconds: busy (user, nice, system, irq, softirq) and all (with idle and
// iowait; steal, time a hypervisor gave elsewhere, is neither).
func cpuTimes() (busy, all float64, err error) {
	fs, err := procfs.NewDefaultFS()
	if err != nil {
		return 0, 0, err
	}
	st, err := fs.Stat()
	if err != nil {
		return 0, 0, err
	}
	c := st.CPUTotal
	busy = c.User + c.Nice + c.System + c.IRQ + c.SoftIRQ
	return busy, busy + c.Idle + c.Iowait, nil
}

// machineBusy measures the cores the whole machine keeps busy (every
// process: the nodes, PostgreSQL, loadcall itself) until the returned
// function is called; -1 where /proc/stat cannot be read. A node capped
// to stand for a machine of its own does so only while the machine has
// cores to spare for what it shares with the others.
func machineBusy() func() float64 {
	b0, a0, err := cpuTimes()
	return func() float64 {
		b1, a1, err1 := cpuTimes()
		if err != nil || err1 != nil || a1 <= a0 {
			return -1
		}
		return (b1 - b0) / (a1 - a0) * float64(runtime.NumCPU())
	}
}
