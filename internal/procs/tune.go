package procs

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"runtime"
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
	Root     fs.FS // where /proc and the cgroup mounts are read; os.DirFS("/")
	Log      *slog.Logger
	// set changes GOMAXPROCS: n > 0 that many, 0 back to Go's default
	// (which Go then keeps following the limit itself).
	set  func(n int)
	have int // what it set last: 0 is Go's default
}

// NewTuner returns a Tuner for a node on PostgreSQL or not, or nil when
// the environment sets GOMAXPROCS: an operator's choice is kept.
func NewTuner(postgres bool, log *slog.Logger) *Tuner {
	if os.Getenv("GOMAXPROCS") != "" {
		return nil
	}
	return &Tuner{Postgres: postgres, Root: os.DirFS("/"), Log: log, set: setProcs}
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
// limit it cannot read changes nothing.
func (t *Tuner) Check() int {
	cores, limited, err := Quota(t.Root)
	if err != nil {
		return t.have
	}
	want := Choose(t.Postgres, cores, limited)
	if want == t.have {
		return want
	}
	t.set(want)
	t.have = want
	if t.Log != nil {
		if want > 0 {
			t.Log.Info("CPU limited below one core: running one processor (GOMAXPROCS=1), which a PostgreSQL node makes more steps with", "cores", cores)
		} else {
			t.Log.Info("CPU limit of a core or more, or none: back to Go's default processors", "gomaxprocs", runtime.GOMAXPROCS(0))
		}
	}
	return want
}

// Run checks at start and then every interval until ctx ends.
func (t *Tuner) Run(ctx context.Context, interval time.Duration) {
	t.Check()
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
