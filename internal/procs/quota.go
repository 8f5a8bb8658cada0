// Package procs chooses how many processors (GOMAXPROCS) a yuyue node
// runs with when its CPU is capped below one core.
//
// Go's own default is the CPUs the process may run on, or a cgroup's CPU
// limit rounded up but never below two, so on a machine with two CPUs or
// more it is at least two whatever the limit. On a quarter of a core a
// PostgreSQL node made 10-28 % more steps with one processor than with
// two; it spends its steps waiting on round trips to the database, and
// its context switches a step stayed the same, so the second processor
// costs it CPU elsewhere (most likely its thread looking for work, which
// the cap charges like work; not measured). A SQLite node is the other
// way round: its cgo calls hold a processor, and with one it made a
// quarter fewer steps. So only a PostgreSQL node under a limit below one
// core runs one processor (Choose); the figures are in
// scripts/reports/postgres/NOTES.md.
package procs

import (
	"bytes"
	"errors"
	"io/fs"
	"math"
	"path"
	"strconv"
	"strings"
)

// Quota is the CPU the process may use, in cores, as its cgroup limits it
// (cgroup v2's cpu.max, or v1's cpu.cfs_quota_us over cpu.cfs_period_us):
// the lowest limit on the way from its own cgroup up to the hierarchy's
// root, since a parent's limit holds for its children. limited is false
// when no cgroup on the way sets one. root is the file system the paths
// /proc/self/cgroup and /proc/self/mountinfo and the cgroup mounts are
// read from (os.DirFS("/") in a real process).
func Quota(root fs.FS) (cores float64, limited bool, err error) {
	cg, err := fs.ReadFile(root, "proc/self/cgroup")
	if err != nil {
		return 0, false, err
	}
	mi, err := fs.ReadFile(root, "proc/self/mountinfo")
	if err != nil {
		return 0, false, err
	}
	dir, v2, err := cpuCgroupDir(cg, mi)
	if err != nil {
		return 0, false, err
	}
	own := strings.TrimPrefix(path.Join(dir.mount, dir.path), "/")
	if _, err := fs.Stat(root, own); err != nil {
		return 0, false, err // the process's own cgroup must be there to be read
	}
	cores = math.Inf(1)
	for d := dir.path; ; d = path.Dir(d) {
		c, ok, err := limitIn(root, path.Join(dir.mount, d), v2)
		if errors.Is(err, fs.ErrPermission) && d != dir.path {
			ok, err = false, nil // a parent it may not read: unknown there
		}
		if err != nil {
			return 0, false, err
		}
		if ok && c < cores {
			cores, limited = c, true
		}
		if d == "/" || d == "." {
			break
		}
	}
	if !limited {
		cores = 0
	}
	return cores, limited, nil
}

// cgroupDir is where a process's cpu cgroup is: the hierarchy's mount
// point and the cgroup's path below it.
type cgroupDir struct{ mount, path string }

// errNoCPUCgroup: the process is in no cgroup with the cpu controller, or
// that hierarchy is not mounted where it can be seen.
var errNoCPUCgroup = errors.New("procs: no cpu cgroup found")

// cpuCgroupDir finds the process's cpu cgroup from /proc/self/cgroup (cg)
// and /proc/self/mountinfo (mi): v1's hierarchy whose controllers include
// cpu, else the v2 unified one.
func cpuCgroupDir(cg, mi []byte) (cgroupDir, bool, error) {
	var v1Path, v2Path string
	haveV1, haveV2 := false, false
	for line := range bytes.Lines(cg) {
		// hierarchy-ID:controllers:path
		f := strings.SplitN(strings.TrimSpace(string(line)), ":", 3)
		if len(f) != 3 {
			continue
		}
		if f[0] == "0" && f[1] == "" {
			v2Path, haveV2 = f[2], true
			continue
		}
		for c := range strings.SplitSeq(f[1], ",") {
			if c == "cpu" {
				v1Path, haveV1 = f[2], true
			}
		}
	}
	var v2Mount cgroupDir
	foundV2 := false
	for line := range bytes.Lines(mi) {
		// id parent major:minor root mount-point options [optional...] - fstype source super-options
		pre, post, ok := strings.Cut(strings.TrimSpace(string(line)), " - ")
		if !ok {
			continue
		}
		pf, qf := strings.Fields(pre), strings.Fields(post)
		if len(pf) < 5 || len(qf) < 3 {
			continue
		}
		mroot, mount := unescape(pf[3]), unescape(pf[4])
		switch qf[0] {
		case "cgroup":
			if !haveV1 || !hasOption(qf[2], "cpu") {
				continue
			}
			if p, ok := below(v1Path, mroot); ok {
				return cgroupDir{mount: mount, path: p}, false, nil
			}
		case "cgroup2":
			if p, ok := below(v2Path, mroot); haveV2 && ok && !foundV2 {
				v2Mount, foundV2 = cgroupDir{mount: mount, path: p}, true
			}
		}
	}
	if foundV2 {
		return v2Mount, true, nil
	}
	return cgroupDir{}, false, errNoCPUCgroup
}

// unescape decodes mountinfo's octal escapes (\040 is a space).
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// hasOption says whether a mount's comma-separated options include opt.
func hasOption(opts, opt string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == opt {
			return true
		}
	}
	return false
}

// below is a cgroup's path relative to a mount of its hierarchy whose
// root is mroot (a container sees its own cgroup as the mount's root):
// false when the cgroup is outside what the mount shows.
func below(p, mroot string) (string, bool) {
	if p == "/.." || strings.HasPrefix(p, "/../") {
		return "", false // outside the process's cgroup namespace: not readable here
	}
	if mroot == "/" {
		return p, true
	}
	if p == mroot {
		return "/", true
	}
	if rest, ok := strings.CutPrefix(p, mroot+"/"); ok {
		return "/" + rest, true
	}
	return "", false
}

// limitIn reads one cgroup's CPU limit in cores: v2's cpu.max ("max" or
// "quota period"), v1's cpu.cfs_quota_us (-1: none) over cpu.cfs_period_us.
// A cgroup directory without the files (a v2 parent without the cpu
// controller) sets no limit.
func limitIn(root fs.FS, dir string, v2 bool) (float64, bool, error) {
	dir = strings.TrimPrefix(dir, "/")
	if v2 {
		b, err := fs.ReadFile(root, path.Join(dir, "cpu.max"))
		if errors.Is(err, fs.ErrNotExist) {
			return 0, false, nil
		}
		if err != nil {
			return 0, false, err
		}
		f := strings.Fields(string(b))
		if len(f) != 2 {
			return 0, false, errors.New("procs: cpu.max is not \"quota period\"")
		}
		if f[0] == "max" {
			return 0, false, nil
		}
		return ratio(f[0], f[1])
	}
	q, err := fs.ReadFile(root, path.Join(dir, "cpu.cfs_quota_us"))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	if strings.TrimSpace(string(q)) == "-1" {
		return 0, false, nil // no quota: the period is not needed
	}
	p, err := fs.ReadFile(root, path.Join(dir, "cpu.cfs_period_us"))
	if err != nil {
		return 0, false, err
	}
	return ratio(string(q), string(p))
}

// ratio is quota over period, both in microseconds.
func ratio(quota, period string) (float64, bool, error) {
	q, err := strconv.ParseInt(strings.TrimSpace(quota), 10, 64)
	if err != nil {
		return 0, false, err
	}
	p, err := strconv.ParseInt(strings.TrimSpace(period), 10, 64)
	if err != nil {
		return 0, false, err
	}
	if q <= 0 || p <= 0 {
		return 0, false, nil
	}
	return float64(q) / float64(p), true, nil
}
