package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// pgReport is the PostgreSQL part of the run: the same loads as on SQLite,
// on one node and on N nodes sharing one database behind a round-robin
// balancer.
type pgReport struct {
	Nodes       int               `json:"nodes"`
	Throughput1 *runReport        `json:"throughput_1_node,omitempty"`
	ThroughputN *runReport        `json:"throughput_n_nodes,omitempty"`
	Contention  *contentionReport `json:"contention_n_nodes,omitempty"`
	Crash       *pgCrashReport    `json:"crash_n_nodes,omitempty"`
	Scale       *scaleRounds      `json:"scale_out,omitempty"`
	// Retries is yuyue_store_retries_total summed over the nodes at the
	// end of each run: transactions PostgreSQL gave up (serialization
	// failures, deadlocks) that a node ran again.
	Retries map[string]float64 `json:"store_retries,omitempty"`
	// GivenUp is yuyue_store_given_up_units_total summed over the nodes
	// at the end of each run, by work (ivr.<step>, other): the calls that
	// were in those transactions, so which steps collide.
	GivenUp map[string]map[string]float64 `json:"store_given_up_units,omitempty"`
	// TurnsMissed is yuyue_store_code_turns_missed_total summed over the
	// nodes after the rush: batches of code steps run without the turn.
	TurnsMissed float64 `json:"code_turns_missed"`
	// Trips is what the nodes sent PostgreSQL in each run, per webhook
	// answered (the last round's runs, and the rush).
	Trips map[string]*roundTrips `json:"round_trips_per_step,omitempty"`
}

// roundTrips is what a run's nodes sent the database, summed over the
// nodes (yuyue_store_statements_total, yuyue_store_transactions_total,
// yuyue_store_turns_total) and divided by the webhooks the callers had
// answered: everything the store's transactions and reads did counts, its
// outbox's sends and claims and the nodes' background work included, and
// what runs outside them (the lease's renewal) does not. Each statement
// is a round trip, and so are each transaction's BEGIN and its COMMIT or
// ROLLBACK, and each turn's lock and release.
type roundTrips struct {
	Steps         int     `json:"steps"`
	Reads         float64 `json:"reads"`      // in write transactions
	PoolReads     float64 `json:"pool_reads"` // outside them
	Writes        float64 `json:"writes"`
	Savepoints    float64 `json:"savepoint_statements"`
	Transactions  float64 `json:"transactions"` // begun, every attempt
	Commits       float64 `json:"commits"`      // as yuyue_store_commits_total counts them
	Units         float64 `json:"write_units"`
	CodeTurns     float64 `json:"code_turns"`
	ConflictTurns float64 `json:"conflict_turns"`
	// Pipelined of the Writes went together, in Pipelines messages (0 from
	// a binary that sends none).
	Pipelined float64 `json:"pipelined_saves"`
	Pipelines float64 `json:"pipelines"`
}

// Total is the round trips per step.
func (t *roundTrips) Total() float64 {
	return t.Reads + t.PoolReads + t.Writes - t.Pipelined + t.Pipelines + t.Savepoints + 2*t.Transactions + 2*(t.CodeTurns+t.ConflictTurns)
}

// trips reads the cluster's counters for a run whose callers had steps
// answered; nil when no step was, or when a node did not answer (a binary
// without the counters included): a sum missing a node would be low.
func (c *cluster) trips(steps int) *roundTrips {
	if steps == 0 {
		return nil
	}
	t := &roundTrips{Steps: steps}
	for _, n := range c.nodes {
		m, err := samples(n.admin) // one scrape: each scrape runs a readiness write
		if err != nil {
			return nil
		}
		for v, series := range map[*float64]string{
			&t.Reads: `yuyue_store_statements_total{kind="read"}`, &t.PoolReads: `yuyue_store_statements_total{kind="pool_read"}`,
			&t.Writes: `yuyue_store_statements_total{kind="write"}`, &t.Savepoints: `yuyue_store_statements_total{kind="savepoint"}`,
			&t.Transactions: "yuyue_store_transactions_total", &t.Commits: "yuyue_store_commits_total",
			&t.Units:     "yuyue_store_write_requests_total",
			&t.CodeTurns: `yuyue_store_turns_total{turn="code"}`, &t.ConflictTurns: `yuyue_store_turns_total{turn="conflict"}`,
		} {
			x, ok := m[series]
			if !ok {
				return nil
			}
			*v += x
		}
		t.Pipelined += m["yuyue_store_pipelined_saves_total"]
		t.Pipelines += m["yuyue_store_pipelines_total"]
	}
	for _, v := range []*float64{&t.Reads, &t.PoolReads, &t.Writes, &t.Savepoints, &t.Transactions, &t.Commits, &t.Units, &t.CodeTurns, &t.ConflictTurns, &t.Pipelined, &t.Pipelines} {
		*v /= float64(steps)
	}
	return t
}

func (g *pgReport) noteTrips(run string, t *roundTrips) {
	if t == nil {
		return
	}
	if g.Trips == nil {
		g.Trips = map[string]*roundTrips{}
	}
	g.Trips[run] = t
}

// conflicts is what a cluster's nodes say of the transactions PostgreSQL
// gave up, summed over the nodes (a binary without a counter reports 0,
// or no work).
type conflicts struct {
	retries float64            // yuyue_store_retries_total
	givenUp map[string]float64 // yuyue_store_given_up_units_total, by work
}

func (c *cluster) conflicts() conflicts {
	cf := conflicts{retries: c.sum("yuyue_store_retries_total"), givenUp: map[string]float64{}}
	for _, n := range c.nodes {
		if m, err := metricByLabel(n.admin, "yuyue_store_given_up_units_total", "work"); err == nil {
			for k, v := range m {
				cf.givenUp[k] += v
			}
		}
	}
	return cf
}

// sum adds up one unlabelled counter over the cluster's nodes (a binary
// without it reports 0).
func (c *cluster) sum(metric string) float64 {
	var sum float64
	for _, n := range c.nodes {
		if v, err := metricValue(n.admin, metric); err == nil {
			sum += v
		}
	}
	return sum
}

func (g *pgReport) noteRetries(run string, cf conflicts) {
	if g.Retries == nil {
		g.Retries, g.GivenUp = map[string]float64{}, map[string]map[string]float64{}
	}
	g.Retries[run] = cf.retries
	if len(cf.givenUp) > 0 {
		g.GivenUp[run] = cf.givenUp
	}
}

// pgCrashReport: one of N nodes is killed with SIGKILL under load; the
// calls go on through the others.
type pgCrashReport struct {
	Callers          int   `json:"callers"`
	KilledAfterSec   int   `json:"killed_after_s"`
	HeardBooked      int   `json:"references_heard"`
	HeardAfterKill   int   `json:"references_heard_after_kill"`
	LostBookings     int   `json:"heard_but_missing"`
	DuplicateSMS     int   `json:"sms_sent_twice"`
	UnknownOutbox    int   `json:"outbox_unknown"`
	SendingAtDrain   int   `json:"outbox_sending_when_drained"`
	PendingOutbox    int   `json:"outbox_left_pending_or_sending"`
	LeaseWaitSec     int   `json:"waited_for_dead_node_lease_s"`
	RetriedByBalance int64 `json:"requests_passed_to_another_node"`
}

// scaleRounds are the throughput runs behind the scale-out rows, taken in
// alternation (one SQLite node, one PostgreSQL node, N nodes, again), so
// that the machine's drift falls on all three alike; the rows compare
// their medians. Every configuration runs at every load in Loads: a
// closed loop of callers that keeps one node busy can leave N nodes
// waiting on the callers' own round trips, so each configuration's
// throughput is its best median over the loads tried (the rows also give
// the ratios at each load).
type scaleRounds struct {
	// CPUPerNode is --node-cpu: every node's cap in cores (0: none).
	CPUPerNode float64 `json:"cpu_per_node,omitempty"`
	// Procs is the GOMAXPROCS the rounds' PostgreSQL nodes reported
	// running with, SQLiteProcs the SQLite nodes', each value once, sorted
	// (one value unless nodes differed); empty when the binary does not
	// report it.
	Procs       []int       `json:"gomaxprocs_per_node,omitempty"`
	SQLiteProcs []int       `json:"gomaxprocs_sqlite_node,omitempty"`
	Rounds      int         `json:"rounds"`
	Loads       []scaleLoad `json:"loads"`
}

// alternated says whether the rows compare medians of several runs, with a
// SQLite node run beside the others in every round; otherwise there is one
// run of each, compared with the throughput mode's SQLite run.
func (sc *scaleRounds) alternated() bool { return sc.Rounds > 1 || len(sc.Loads) > 1 }

// scaleLoad is one caller count's rounds: steps/s per round and kind.
type scaleLoad struct {
	Callers int       `json:"callers"`
	SQLite  []float64 `json:"sqlite_steps_per_s"`
	One     []float64 `json:"one_node_steps_per_s"`
	N       []float64 `json:"n_nodes_steps_per_s"`
	// NBusy is the cores the whole machine kept busy in each N-node run,
	// the busiest kind: near the machine's own cores, PostgreSQL and the
	// callers share too little to stand for servers of their own.
	NBusy []float64 `json:"n_nodes_machine_busy_cores"`
}

// best is, per kind, the load whose median is highest and that median's
// spread.
func (sc *scaleRounds) best(kind func(*scaleLoad) []float64) (spread, int) {
	var b spread
	callers := 0
	for i := range sc.Loads {
		if s := spreadOf(kind(&sc.Loads[i])); callers == 0 || s.median > b.median {
			b, callers = s, sc.Loads[i].Callers
		}
	}
	return b, callers
}

// callerLoads parses --pg-callers ("32,64"); empty means the one load def.
func callerLoads(v string, def int) ([]int, error) {
	if strings.TrimSpace(v) == "" {
		return []int{def}, nil
	}
	var loads []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a caller count", f)
		}
		if slices.Contains(loads, n) { // the runs' directories are named by it
			return nil, fmt.Errorf("%d callers given twice", n)
		}
		loads = append(loads, n)
	}
	return loads, nil
}

func pgThroughputRun(ctx context.Context, o options, dir string, fake *provider, rep *report) error {
	g := rep.pg(o)
	o.nodeProcs = capProcs(nodeCPU, nodeProcsFlag)
	g.Scale = &scaleRounds{CPUPerNode: nodeCPU, Rounds: o.pgRounds}
	for _, callers := range o.pgCallers {
		g.Scale.Loads = append(g.Scale.Loads, scaleLoad{Callers: callers})
	}
	sr := &scaleRun{ctx: ctx, o: o, dir: dir, fake: fake, number: 2_000_000, scale: g.Scale}
	for round := range o.pgRounds {
		for li := range g.Scale.Loads {
			sl := &g.Scale.Loads[li]
			last := round == o.pgRounds-1 && li == len(g.Scale.Loads)-1
			if g.Scale.alternated() {
				r, err := sr.sqlite(round, sl.Callers)
				if err != nil {
					return err
				}
				sl.SQLite = append(sl.SQLite, r.StepsPerSec)
			}
			for _, n := range []int{1, o.nodes} {
				r, cf, trips, err := sr.cluster(round, sl.Callers, n, last)
				if err != nil {
					return err
				}
				if n == 1 {
					sl.One = append(sl.One, r.StepsPerSec)
				} else {
					sl.N = append(sl.N, r.StepsPerSec)
					sl.NBusy = append(sl.NBusy, r.BusyCores)
				}
				if last { // the report's detailed tables are the last run's
					g.noteRetries(fmt.Sprintf("throughput_%d_nodes", n), cf)
					g.noteTrips(fmt.Sprintf("throughput_%d_nodes", n), trips)
					if n == 1 {
						g.Throughput1 = r
					} else {
						g.ThroughputN = r
					}
				}
			}
		}
	}
	return nil
}

// procsMetric is the metric a node reports its GOMAXPROCS in.
const procsMetric = "go_sched_gomaxprocs_threads"

// procsSettle bounds the wait for a capped PostgreSQL node to choose its
// processors: five times the interval it looks at its cgroup's limit in.
const procsSettle = 5 * time.Second

// scaleRun starts the rounds' servers, every one capped at nodeCPU, and
// runs the throughput load against them; every run dials from numbers of
// its own (the handsets keep every run's texts).
type scaleRun struct {
	ctx    context.Context
	o      options
	dir    string
	fake   *provider
	number int64 // the next run's first caller number
	scale  *scaleRounds
}

// start caps a node started for the rounds and notes the GOMAXPROCS it
// runs with (go_sched_gomaxprocs_threads), so that the report says what
// ran, not what was asked for.
func (sr *scaleRun) start(s *server, postgres bool) error {
	procs, known, err := capNode(s, nodeCPU, postgres, sr.o.nodeProcs)
	if err != nil || !known {
		return err
	}
	if postgres {
		sr.scale.Procs = noteProcs(sr.scale.Procs, procs)
	} else {
		sr.scale.SQLiteProcs = noteProcs(sr.scale.SQLiteProcs, procs)
	}
	return nil
}

// noteProcs adds a GOMAXPROCS a node ran with to those seen, each value
// once, sorted.
func noteProcs(seen []int, p int) []int {
	if slices.Contains(seen, p) {
		return seen
	}
	seen = append(seen, p)
	slices.Sort(seen)
	return seen
}

// procsList writes GOMAXPROCS values seen for a report: "1" or "1 2".
func procsList(p []int) string { return strings.Trim(fmt.Sprint(p), "[]") }

// capNode caps a running node at cpus cores (0: leaves it uncapped) and
// returns the GOMAXPROCS it then runs with; known is false for a binary
// that does not report it. want is the GOMAXPROCS the node was started
// with (0: none, its own choice, or loadcall's own GOMAXPROCS, which the
// node inherits and keeps).
func capNode(s *server, cpus float64, postgres bool, want int) (procs int, known bool, err error) {
	if err := s.limit(cpus); err != nil {
		return 0, false, err
	}
	v, err := metricValue(s.admin, procsMetric)
	if postgres && want == 0 && os.Getenv("GOMAXPROCS") == "" && cpus > 0 && cpus < 1 {
		// A PostgreSQL node looks at its cgroup's limit every second and
		// runs one processor below a core (yuyue's internal/procs): the
		// load starts once it has seen the cap, or after procsSettle (a
		// binary without that choice), and the report says what it ran.
		for deadline := time.Now().Add(procsSettle); (err != nil || v != 1) && time.Now().Before(deadline); {
			time.Sleep(100 * time.Millisecond)
			v, err = metricValue(s.admin, procsMetric)
		}
	}
	if err != nil {
		if want > 0 {
			return 0, false, fmt.Errorf("GOMAXPROCS of the node, started with %d: %w", want, err)
		}
		return 0, false, nil // a binary without the metric: the report says nothing of it
	}
	if want > 0 && int(v) != want {
		return 0, false, fmt.Errorf("the node runs with GOMAXPROCS %d, not the %d it was started with", int(v), want)
	}
	return int(v), true, nil
}

func (sr *scaleRun) load(base string, callers int) *runReport {
	o := sr.o
	o.tputCallers = callers
	r := throughputLoad(sr.ctx, o, base, sr.fake, sr.number)
	sr.number = r.lastNumber + 1
	return r
}

// sqlite runs the load on one SQLite node.
func (sr *scaleRun) sqlite(round, callers int) (*runReport, error) {
	fmt.Fprintf(os.Stderr, "postgres: round %d of %d, %d callers, one SQLite node\n", round+1, sr.o.pgRounds, callers)
	sdir := filepath.Join(sr.dir, fmt.Sprintf("sqlite%d-%d", round, callers))
	os.MkdirAll(sdir, 0o755)
	srv, err := spawnNode(sr.ctx, sr.o.yuyue, sdir, sr.fake.URL, loadCatalog, "", filepath.Join(sdir, "yuyue.db"), "", sr.o.nodeProcs)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	if err := sr.start(srv, false); err != nil {
		return nil, err
	}
	return sr.load(srv.base, callers), nil
}

// cluster runs the load on n PostgreSQL nodes and returns what they
// counted of the transactions PostgreSQL gave up and of the round trips
// they made; the last run of the rounds is profiled.
func (sr *scaleRun) cluster(round, callers, n int, last bool) (*runReport, conflicts, *roundTrips, error) {
	c, err := startCluster(sr.ctx, sr.o, filepath.Join(sr.dir, fmt.Sprintf("%d-%d-%d", round, callers, n)), sr.fake.URL, loadCatalog, n)
	if err != nil {
		return nil, conflicts{}, nil, err
	}
	defer c.stop()
	for _, s := range c.nodes {
		if err := sr.start(s, true); err != nil {
			return nil, conflicts{}, nil, err
		}
	}
	fmt.Fprintf(os.Stderr, "postgres: throughput on %d node(s), %d callers\n", n, callers)
	wait := func() {}
	if last {
		wait = profile(sr.o, c.pprof, filepath.Join(sr.o.out, fmt.Sprintf("pg-throughput-%d.node1.cpu.pprof", n)), sr.o.tputTime)
	}
	r := sr.load(c.lb.base, callers)
	wait()
	return r, c.conflicts(), c.trips(r.Overall.Count), nil
}

func pgContentionRun(ctx context.Context, o options, dir string, fake *provider, rep *report) error {
	c, err := startCluster(ctx, o, dir, fake.URL, fmt.Sprintf(contentionCatalog, closuresAfterFirst(time.Now()), o.places), o.nodes)
	if err != nil {
		return err
	}
	defer c.stop()
	fmt.Fprintf(os.Stderr, "postgres: contention across %d nodes\n", o.nodes)
	var admins []string
	var procs []int
	for _, n := range c.nodes {
		admins = append(admins, n.admin)
		p, known, err := capNode(n, rushNodeCPU, true, o.nodeProcs)
		if err != nil {
			return err
		}
		if known {
			procs = noteProcs(procs, p)
		}
	}
	r := contentionLoad(ctx, o, c.lb.base, admins, fake, 700000)
	r.NodeCPU, r.Procs = rushNodeCPU, procs
	r.BookingsInDB, err = c.count(`SELECT count(*) FROM bookings WHERE status = 'booked'`)
	rep.pg(o).Contention = r
	rep.pg(o).noteRetries("contention", c.conflicts())
	rep.pg(o).noteTrips("contention", c.trips(r.ApproachLatency.Count+r.Latency.Count))
	rep.pg(o).TurnsMissed = c.sum("yuyue_store_code_turns_missed_total")
	return err
}

// pgCrashRun books through N nodes, kills node 1 with SIGKILL, keeps the
// load going on the others for as long again, lets the outbox drain, and
// checks every reference heard is booked and no SMS went out twice.
func pgCrashRun(ctx context.Context, o options, dir string, fake *provider, rep *report) error {
	c, err := startCluster(ctx, o, dir, fake.URL, loadCatalog, o.nodes)
	if err != nil {
		return err
	}
	defer c.stop()
	fake.settle()
	sent0 := len(fake.Messages())
	st, cl := newStats(), client(o.tputCallers)
	var mu sync.Mutex
	var heard []string
	var next atomic.Int64
	next.Store(800000)
	var killed atomic.Bool
	afterKill := 0
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for range o.tputCallers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for runCtx.Err() == nil {
				cc := newCaller(int(next.Add(1)), c.lb.base, cl, st, fake.Fake, 0, 0)
				cc.onDone = func(say string) {
					if m := refRe.FindStringSubmatch(say); m != nil {
						mu.Lock()
						heard = append(heard, zhToDigit.Replace(m[1]))
						if killed.Load() {
							afterKill++
						}
						mu.Unlock()
					}
				}
				cc.run(runCtx) // a call in flight on the killed node may fail
			}
		}()
	}
	const killAfter = 4 * time.Second
	time.Sleep(killAfter)
	c.nodes[0].cmd.Process.Kill() // SIGKILL: no shutdown, no flush
	killed.Store(true)
	c.nodes[0].cmd.Wait()
	fmt.Fprintf(os.Stderr, "postgres crash: killed node 1 of %d after %s; load continues\n", o.nodes, killAfter)
	time.Sleep(killAfter)
	cancel()
	wg.Wait()
	waitDrained(fake)
	r := &pgCrashReport{Callers: o.tputCallers, KilledAfterSec: int(killAfter.Seconds()), HeardBooked: len(heard),
		HeardAfterKill: afterKill, RetriedByBalance: c.lb.retried.Load()}
	for _, ref := range heard {
		if n, _ := c.count(`SELECT count(*) FROM bookings WHERE reference = $1 AND status = 'booked'`, ref); n != 1 {
			r.LostBookings++
		}
	}
	// A send the killed node had in flight stays 'sending' until its lease
	// runs out (15 s); then a live node marks it unknown, never re-sent.
	r.SendingAtDrain, _ = c.count(`SELECT count(*) FROM outbox WHERE status = 'sending'`)
	start := time.Now()
	for time.Since(start) < 30*time.Second {
		if r.PendingOutbox, _ = c.count(`SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')`); r.PendingOutbox == 0 {
			break
		}
		time.Sleep(time.Second)
	}
	r.LeaseWaitSec = int(time.Since(start).Seconds())
	r.UnknownOutbox, _ = c.count(`SELECT count(*) FROM outbox WHERE status = 'unknown'`)
	fake.settle()
	seen := map[string]int{}
	for _, m := range fake.Messages()[sent0:] {
		seen[m.To+"\x00"+m.Body]++
	}
	for _, n := range seen {
		r.DuplicateSMS += max(0, n-1)
	}
	rep.pg(o).Crash = r
	return nil
}

// waitDrained waits until 2 s pass without a new SMS at the provider, and
// until the handsets hold all it accepted.
func waitDrained(fake *provider) {
	count := func() int {
		if n, err := fake.accepted(); err == nil {
			return n
		}
		return len(fake.Messages())
	}
	for last, stable := -1, 0; stable < 8; time.Sleep(250 * time.Millisecond) {
		if n := count(); n == last {
			stable++
		} else {
			last, stable = n, 0
		}
	}
	fake.settle()
}

func (r *report) pg(o options) *pgReport {
	if r.Postgres == nil {
		r.Postgres = &pgReport{Nodes: o.nodes}
	}
	return r.Postgres
}
