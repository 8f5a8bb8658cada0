package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"yuyue/internal/devserver"
)

func TestSpreadOf(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want string
	}{
		{[]float64{900, 700, 800}, "800 (700–900)"},
		{[]float64{1000, 1200}, "1100 (1000–1200)"},
		{[]float64{5}, "5 (5–5)"},
	} {
		if got := spreadOf(c.in).String(); got != c.want {
			t.Errorf("spreadOf(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

// --pg-callers: a list of caller counts, each a positive number; none
// given means the throughput run's one load.
func TestCallerLoads(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []int
	}{{"", []int{32}}, {"64", []int{64}}, {"32, 64,96", []int{32, 64, 96}}} {
		got, err := callerLoads(c.in, 32)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("callerLoads(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"0", "32,", "x", "-4", "32,64,32"} {
		if got, err := callerLoads(bad, 32); err == nil {
			t.Errorf("callerLoads(%q) = %v, want an error", bad, got)
		}
	}
}

// Each kind's throughput is its best median over the loads, and the report
// says at which load; one kind's best load need not be another's.
func TestScaleRoundsBestLoad(t *testing.T) {
	sc := &scaleRounds{Loads: []scaleLoad{
		{Callers: 32, One: []float64{500, 520, 510}, N: []float64{700, 720, 690}},
		{Callers: 64, One: []float64{505, 490, 515}, N: []float64{800, 760, 780}},
	}}
	one, oneAt := sc.best(func(l *scaleLoad) []float64 { return l.One })
	n, nAt := sc.best(func(l *scaleLoad) []float64 { return l.N })
	if one.median != 510 || oneAt != 32 {
		t.Errorf("one node's best = %v at %d callers, want 510 at 32", one, oneAt)
	}
	if n.median != 780 || nAt != 64 {
		t.Errorf("two nodes' best = %v at %d callers, want 780 at 64", n, nAt)
	}
	var out strings.Builder
	(&pgReport{Nodes: 2, Scale: sc}).roundsMarkdown(func(f string, a ...any) { fmt.Fprintf(&out, f, a...) })
	if !strings.Contains(out.String(), "780 (64 callers, the most tried) vs 510 (32 callers) steps/s = 1.53×") {
		t.Errorf("the scale-out row does not compare the best medians:\n%s", out.String())
	}
}

// machineBusy counts every process's CPU: a busy loop keeps about one core
// busy while it runs, and the figure never exceeds the machine's cores.
func TestMachineBusyCountsABusyProcess(t *testing.T) {
	busy := exec.Command("sh", "-c", "while :; do :; done")
	measure := machineBusy()
	if err := busy.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	got := measure()
	busy.Process.Kill()
	busy.Wait()
	if got < 0.5 || got > float64(runtime.NumCPU())+0.01 {
		t.Errorf("machine busy %.2f cores with a busy loop running, want at least 0.5 and at most %d", got, runtime.NumCPU())
	}
}

// A process put under the cap is throttled by the kernel: a busy loop
// capped at a fifth of a core runs into its quota within a few periods.
func TestCapCPUThrottlesTheProcess(t *testing.T) {
	busy := exec.Command("sh", "-c", "while :; do :; done")
	if err := busy.Start(); err != nil {
		t.Fatal(err)
	}
	dir, uncap, err := capCPU(busy.Process.Pid, fmt.Sprintf("loadcall-test-%d", os.Getpid()), 0.2)
	if err != nil {
		busy.Process.Kill()
		busy.Wait()
		t.Skipf("no writable CPU cgroup here (loadcall --node-cpu cannot run either): %v", err)
	}
	defer func() { busy.Process.Kill(); busy.Wait(); uncap() }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := throttledPeriods(dir)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("a busy loop capped at 0.2 cores was never throttled (%s)", dir)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func throttledPeriods(dir string) (int, error) {
	b, err := os.ReadFile(filepath.Join(dir, "cpu.stat"))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "nr_throttled "); ok {
			return strconv.Atoi(v)
		}
	}
	return 0, fmt.Errorf("%s/cpu.stat has no nr_throttled", dir)
}

// A capped node keeps Go's default processors unless --node-procs sets
// them (-1: as many as a machine with its share of CPU would have); an
// uncapped one always keeps Go's default.
func TestCapProcs(t *testing.T) {
	for _, c := range []struct {
		cpus float64
		flag int
		want int
	}{
		{0.25, -1, 1},
		{1, -1, 1},
		{1.5, -1, 2},
		{0.25, 0, 0},
		{0.25, 3, 3},
		{0, -1, 0},
		{0, 2, 0},
	} {
		if got := capProcs(c.cpus, c.flag); got != c.want {
			t.Errorf("capProcs(%g, %d) = %d, want %d", c.cpus, c.flag, got, c.want)
		}
	}
}

// A node capped below one core chooses its processors by its store
// (yuyue's internal/procs): a PostgreSQL node runs one once it has seen
// the cap, a SQLite node keeps Go's default. Real `yuyue serve` processes,
// capped after they started as the rounds and the rush cap them, are asked
// what they run with (go_sched_gomaxprocs_threads).
func TestCappedNodesChooseTheirProcessors(t *testing.T) {
	dsn := os.Getenv("YUYUE_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("YUYUE_TEST_POSTGRES is not set")
	}
	if os.Getenv("GOMAXPROCS") != "" {
		t.Skip("GOMAXPROCS is set, and the nodes inherit it: the operator's choice, which they keep")
	}
	ctx := context.Background()
	bin := devserver.Build(t, "yuyue/cmd/yuyue", t.TempDir())
	dir := t.TempDir()
	const noProvider = "http://127.0.0.1:9" // nothing is texted
	o := options{postgres: dsn, yuyue: bin, tputCallers: 1, pgCallers: []int{1}, contention: 1}
	c, err := startCluster(ctx, o, dir, noProvider, loadCatalog, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer c.stop()
	sdir := filepath.Join(dir, "sqlite")
	os.MkdirAll(sdir, 0o755)
	lite, err := spawnYuyue(ctx, bin, sdir, noProvider, loadCatalog, "")
	if err != nil {
		t.Fatal(err)
	}
	defer lite.stop()
	pg := c.nodes[0]
	procs := func(s *server) float64 {
		t.Helper()
		v, err := metricValue(s.admin, procsMetric)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	uncapped, liteUncapped := procs(pg), procs(lite)
	if uncapped < 2 || liteUncapped < 2 {
		t.Skipf("uncapped nodes run %v and %v processors here: nothing to choose between", uncapped, liteUncapped)
	}
	if err := lite.limit(0.25); err != nil {
		t.Skipf("no writable CPU cgroup here (loadcall --node-cpu cannot run either): %v", err)
	}
	// As the rounds and the rush cap a node: capNode waits for a capped
	// PostgreSQL node's choice (at most procsSettle), then says what it
	// runs. A loaded test machine gets longer before the verdict.
	deadline := time.Now().Add(15 * time.Second)
	got, known, err := capNode(pg, 0.25, true, 0)
	if err != nil || !known {
		t.Fatalf("capping the PostgreSQL node: known %v, %v", known, err)
	}
	for got != 1 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		got = int(procs(pg))
	}
	if got != 1 {
		t.Fatalf("a PostgreSQL node capped at 0.25 cores still runs %d processors", got)
	}
	// The SQLite node has had as long to see its cap; it keeps Go's
	// default through two more of the intervals a node looks in.
	for end := time.Now().Add(2500 * time.Millisecond); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if v := procs(lite); v != liteUncapped {
			t.Fatalf("a SQLite node capped at 0.25 cores runs %v processors, want Go's default, %v", v, liteUncapped)
		}
	}
}
