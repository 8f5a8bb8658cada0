package procs

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Choose is the GOMAXPROCS a node should run with, 0 for Go's default: one
// for a PostgreSQL node whose CPU is limited to less than one core, Go's
// default otherwise (a SQLite node, or a limit of a core or more, or none).
func Choose(postgres bool, cores float64, limited bool) int {
	if postgres && limited && cores < 1 {
		return 1
	}
	return 0
}

// Tuner keeps a node's GOMAXPROCS at what Choose says for its cgroup's
// limit as it is now: a container's limit may be set or changed after the
// process started (an orchestrator resizing it, or loadcall capping a node
// it started), so it looks again every interval, as Go's runtime does for
// its own default.
type Tuner struct {
	Postgres bool
	Root     fs.FS // where /proc and the cgroup mounts are read (nil: os.DirFS("/"))
	Log      *slog.Logger
	// set changes GOMAXPROCS: n > 0 that many, 0 back to Go's default
	// (which Go then keeps following the limit itself); nil is the
	// runtime's.
	set  func(n int)
	have int // what it set last: 0 is Go's default
	// unreadable: a failure to read the limit was logged (once).
	unreadable bool
}

// NewTuner returns a Tuner for a node on PostgreSQL or not, or nil when
// there is nothing to follow: a SQLite node (Choose keeps Go's default for
// it whatever the limit), or the operator chose, with GOMAXPROCS set to a
// number of processors (what the runtime itself honours) or GODEBUG
// turning Go's container-aware default off.
func NewTuner(postgres bool, log *slog.Logger) *Tuner {
	if !postgres {
		return nil
	}
	if n, err := strconv.Atoi(os.Getenv("GOMAXPROCS")); err == nil && n > 0 {
		return nil
	}
	for s := range strings.SplitSeq(os.Getenv("GODEBUG"), ",") {
		if s == "containermaxprocs=0" || s == "updatemaxprocs=0" {
			return nil
		}
	}
	return &Tuner{Postgres: postgres, Log: log}
}

func setProcs(n int) {
	if n > 0 {
		runtime.GOMAXPROCS(n)
		return
	}
	runtime.SetDefaultGOMAXPROCS()
}

// Check reads the limit once and sets GOMAXPROCS when Choose's answer
// changed; it returns what the node now runs with (0: Go's default). A
// limit it cannot read changes nothing, and Check returns why.
func (t *Tuner) Check() (int, error) {
	root := t.Root
	if root == nil {
		root = os.DirFS("/")
	}
	cores, limited, err := Quota(root)
	if err != nil {
		if !t.unreadable && t.Log != nil && !errors.Is(err, errNoCPUCgroup) {
			t.Log.Warn("cannot read the CPU limit; processors left as they are", "gomaxprocs", runtime.GOMAXPROCS(0), "err", err)
		}
		t.unreadable = true
		return t.have, err
	}
	t.unreadable = false
	want := Choose(t.Postgres, cores, limited)
	if want == t.have {
		return want, nil
	}
	set := t.set
	if set == nil {
		set = setProcs
	}
	set(want)
	t.have = want
	if t.Log != nil {
		if want > 0 {
			t.Log.Info("CPU limited below one core: running one processor (GOMAXPROCS=1), which a PostgreSQL node makes more steps with", "cores", cores)
		} else {
			t.Log.Info("CPU limit of a core or more, or none: back to Go's default processors", "gomaxprocs", runtime.GOMAXPROCS(0))
		}
	}
	return want, nil
}

// Run checks at start and then every interval until ctx ends. On a
// machine without a cpu cgroup there is no limit to follow, and it stops
// after the first look.
func (t *Tuner) Run(ctx context.Context, interval time.Duration) {
	if _, err := t.Check(); errors.Is(err, errNoCPUCgroup) {
		return
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			t.Check()
		}
	}
}
