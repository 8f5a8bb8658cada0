package procs

import (
	"testing"
	"testing/fstest"
)

// v1Machine is a cgroup v1 machine as Debian mounts it (cpu and cpuacct
// apart), the process in a cgroup of its own below the cpu root.
func v1Machine(quota string) fstest.MapFS {
	return fstest.MapFS{
		"proc/self/cgroup": {Data: []byte("12:pids:/user.slice\n4:cpuacct:/\n3:cpu:/loadcall-1-2\n1:name=systemd:/init.scope\n")},
		"proc/self/mountinfo": {Data: []byte(
			"25 30 0:22 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n" +
				"26 25 0:23 / /sys/fs/cgroup/cpu rw,relatime shared:8 - cgroup cgroup rw,cpu\n" +
				"27 25 0:24 / /sys/fs/cgroup/cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpuacct\n")},
		"sys/fs/cgroup/cpu/cpu.cfs_quota_us":               {Data: []byte("-1\n")},
		"sys/fs/cgroup/cpu/cpu.cfs_period_us":              {Data: []byte("100000\n")},
		"sys/fs/cgroup/cpu/loadcall-1-2/cpu.cfs_quota_us":  {Data: []byte(quota + "\n")},
		"sys/fs/cgroup/cpu/loadcall-1-2/cpu.cfs_period_us": {Data: []byte("10000\n")},
	}
}

// v2Container is a container on cgroup v2 that sees its own cgroup as the
// mount's root, with a limit on the pod above it too.
func v2Container(pod, own string) fstest.MapFS {
	return fstest.MapFS{
		"proc/self/cgroup":         {Data: []byte("0::/kubepods/pod1/c1\n")},
		"proc/self/mountinfo":      {Data: []byte("30 22 0:26 /kubepods/pod1 /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n")},
		"sys/fs/cgroup/cpu.max":    {Data: []byte(pod + "\n")},
		"sys/fs/cgroup/c1/cpu.max": {Data: []byte(own + "\n")},
	}
}

func TestQuota(t *testing.T) {
	for _, c := range []struct {
		name    string
		root    fstest.MapFS
		cores   float64
		limited bool
	}{
		{"v1, a quarter of a core", v1Machine("2500"), 0.25, true},
		{"v1, no quota", v1Machine("-1"), 0, false},
		{"v1, two cores", v1Machine("20000"), 2, true},
		{"v2, the container's own limit", v2Container("max 100000", "50000 100000"), 0.5, true},
		{"v2, the pod's lower limit holds", v2Container("30000 100000", "200000 100000"), 0.3, true},
		{"v2, none", v2Container("max 100000", "max 100000"), 0, false},
		// A v2 cgroup whose parent has no cpu controller enabled has no
		// cpu.max: no limit there, the child's holds.
		{"v2, a parent without the controller", fstest.MapFS{
			"proc/self/cgroup":          {Data: []byte("0::/a/b\n")},
			"proc/self/mountinfo":       {Data: []byte("30 22 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n")},
			"sys/fs/cgroup/a/b/cpu.max": {Data: []byte("25000 100000\n")},
		}, 0.25, true},
		// Docker on cgroup v1 with cpu and cpuacct mounted together, the
		// container seeing its own cgroup as the mount's root.
		{"v1, a Docker container", fstest.MapFS{
			"proc/self/cgroup": {Data: []byte("5:cpu,cpuacct:/docker/abc\n")},
			"proc/self/mountinfo": {Data: []byte(
				"40 35 0:30 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid - cgroup cgroup rw,cpu,cpuacct\n")},
			"sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us":  {Data: []byte("50000\n")},
			"sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": {Data: []byte("100000\n")},
		}, 0.5, true},
		// A mount point with a space, which mountinfo escapes.
		{"an escaped mount point", fstest.MapFS{
			"proc/self/cgroup":        {Data: []byte("0::/a\n")},
			"proc/self/mountinfo":     {Data: []byte("30 22 0:26 / /mnt/my\\040cgroup rw - cgroup2 cgroup2 rw\n")},
			"mnt/my cgroup/a/cpu.max": {Data: []byte("25000 100000\n")},
		}, 0.25, true},
	} {
		cores, limited, err := Quota(c.root)
		if err != nil || cores != c.cores || limited != c.limited {
			t.Errorf("%s: Quota = %v, %v, %v; want %v, %v", c.name, cores, limited, err, c.cores, c.limited)
		}
	}
}

// A process whose cgroup lies outside its cgroup namespace ("/..") or
// whose own cgroup directory is not there reads no limit at all, rather
// than some other cgroup's.
func TestQuotaRefusesACgroupItCannotSee(t *testing.T) {
	outside := v2Container("25000 100000", "max 100000")
	outside["proc/self/cgroup"] = &fstest.MapFile{Data: []byte("0::/../other\n")}
	outside["proc/self/mountinfo"] = &fstest.MapFile{Data: []byte("30 22 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n")}
	if cores, limited, err := Quota(outside); err == nil {
		t.Errorf("a cgroup outside the namespace: Quota = %v, %v, want an error", cores, limited)
	}
	gone := v1Machine("2500")
	gone["proc/self/cgroup"] = &fstest.MapFile{Data: []byte("3:cpu:/elsewhere\n")}
	if cores, limited, err := Quota(gone); err == nil {
		t.Errorf("an own cgroup not mounted here: Quota = %v, %v, want an error", cores, limited)
	}
}

func TestQuotaWithoutACPUCgroup(t *testing.T) {
	root := fstest.MapFS{
		"proc/self/cgroup":    {Data: []byte("1:name=systemd:/\n")},
		"proc/self/mountinfo": {Data: []byte("25 30 0:22 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n")},
	}
	if _, _, err := Quota(root); err == nil {
		t.Error("Quota found a limit with no cpu cgroup mounted")
	}
	if _, _, err := Quota(fstest.MapFS{}); err == nil {
		t.Error("Quota found a limit without /proc")
	}
	bad := v2Container("max 100000", "lots")
	if _, _, err := Quota(bad); err == nil {
		t.Error("Quota accepted a cpu.max it cannot read")
	}
}

func TestChoose(t *testing.T) {
	for _, c := range []struct {
		postgres, limited bool
		cores             float64
		want              int
	}{
		{true, true, 0.25, 1},
		{true, true, 0.99, 1},
		{true, true, 1, 0},
		{true, true, 4, 0},
		{true, false, 0, 0},
		{false, true, 0.25, 0}, // SQLite keeps Go's default: its cgo calls hold a processor
		{false, false, 0, 0},
	} {
		if got := Choose(c.postgres, c.cores, c.limited); got != c.want {
			t.Errorf("Choose(postgres %v, %v cores, limited %v) = %d, want %d", c.postgres, c.cores, c.limited, got, c.want)
		}
	}
}

// The tuner follows the limit as it changes after the start, sets
// GOMAXPROCS only when its choice changes, and leaves it as it is when
// the limit cannot be read.
func TestTunerFollowsTheLimit(t *testing.T) {
	var sets []int
	root := v1Machine("-1")
	tu := &Tuner{Postgres: true, Root: root, set: func(n int) { sets = append(sets, n) }}
	check := func(want int) {
		t.Helper()
		if got, _ := tu.Check(); got != want {
			t.Fatalf("Check = %d, want %d", got, want)
		}
	}
	check(0)
	root["sys/fs/cgroup/cpu/loadcall-1-2/cpu.cfs_quota_us"] = &fstest.MapFile{Data: []byte("2500\n")}
	check(1)
	check(1)
	delete(root, "proc/self/mountinfo")
	check(1)
	root["proc/self/mountinfo"] = v1Machine("-1")["proc/self/mountinfo"]
	root["sys/fs/cgroup/cpu/loadcall-1-2/cpu.cfs_quota_us"] = &fstest.MapFile{Data: []byte("-1\n")}
	check(0)
	if len(sets) != 2 || sets[0] != 1 || sets[1] != 0 {
		t.Errorf("GOMAXPROCS set to %v, want [1 0]", sets)
	}
	sqlite := &Tuner{Postgres: false, Root: v1Machine("2500"), set: func(n int) { t.Errorf("a SQLite node's GOMAXPROCS set to %d", n) }}
	if got, _ := sqlite.Check(); got != 0 {
		t.Errorf("a capped SQLite node: Check = %d, want Go's default", got)
	}
}

// An operator's choice is kept: GOMAXPROCS as the runtime reads it (a
// positive number; anything else the runtime ignores, and so does this),
// or GODEBUG turning Go's container-aware default off.
func TestNewTunerKeepsAnOperatorsChoice(t *testing.T) {
	for _, c := range []struct {
		gomaxprocs, godebug string
		tunes               bool
	}{
		{"", "", true},
		{"3", "", false},
		{"1", "", false},
		{"0", "", true},
		{"lots", "", true},
		{"", "updatemaxprocs=0", false},
		{"", "http2debug=1,containermaxprocs=0", false},
		{"", "containermaxprocs=1", true},
	} {
		t.Setenv("GOMAXPROCS", c.gomaxprocs)
		t.Setenv("GODEBUG", c.godebug)
		if got := NewTuner(true, nil) != nil; got != c.tunes {
			t.Errorf("GOMAXPROCS=%q GODEBUG=%q: tunes %v, want %v", c.gomaxprocs, c.godebug, got, c.tunes)
		}
	}
}
