// Command loadcall runs simulated Twilio callers through complete booking
// flows against yuyue and measures SPEC §8's targets, with baselines taken
// in the same run: an empty Fiber handler under the same load, and a raw
// single-row SQLite write-transaction loop with the store's settings.
//
//	go build -o /tmp/yuyue ./cmd/yuyue && go run ./cmd/loadcall --yuyue /tmp/yuyue --out scripts/reports
//
// It starts yuyue itself on a fresh database, in production mode, with its
// SMS going to a fake Twilio API that loadcall runs in a process of its own
// and reads codes from.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"
)

type options struct {
	yuyue              string
	out                string
	callers            int
	pauseMin, pauseMax time.Duration
	tputCallers        int
	tputTime           time.Duration
	contention, places int
	rawTime            time.Duration
	reaction           time.Duration
	smsConcurrency     int
	rawSamples         int
	profile            bool
	modes              string
	postgres           string
	nodes              int
	pgRounds           int
	pgCallers          []int
	// nodeProcs is the GOMAXPROCS the nodes are started with (0: none set,
	// each node's own choice); only the capped rounds set it (capProcs).
	nodeProcs int
	sip       bool
	sipCalls  int
	sipSpread time.Duration
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "--empty-server" {
		if err := serveEmpty(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) == 4 && os.Args[1] == "--provider" {
		if err := serveProvider(os.Args[2], os.Args[3]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	// The sub-modes above keep the default SIGINT: the parent stops them with it.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var o options
	flag.StringVar(&o.yuyue, "yuyue", "", "path of the yuyue binary to start (required)")
	flag.StringVar(&o.out, "out", "scripts/reports", "directory for report.json, report.md, latency.svg, profiles")
	flag.IntVar(&o.callers, "callers", 500, "concurrent callers in the latency run")
	flag.DurationVar(&o.pauseMin, "pause-min", time.Second, "shortest pause between steps")
	flag.DurationVar(&o.pauseMax, "pause-max", 3*time.Second, "longest pause between steps")
	flag.IntVar(&o.tputCallers, "throughput-callers", 32, "concurrent callers without pauses in the throughput run")
	flag.DurationVar(&o.tputTime, "throughput-time", 20*time.Second, "length of the throughput run")
	flag.IntVar(&o.contention, "contention", 2000, "concurrent attempts in the contention run")
	flag.IntVar(&o.places, "places", 100, "places they contend for")
	flag.DurationVar(&o.reaction, "rush-reaction", time.Second, "in the contention run, each caller presses for the period within this long after the day opens (0: all in the same instant)")
	flag.IntVar(&o.smsConcurrency, "sms-concurrency", 64, "yuyue's sms.concurrency (sends in flight per node); sms.send_rate is 5000")
	flag.DurationVar(&o.rawTime, "raw-time", 5*time.Second, "length of the raw SQLite baseline loop")
	flag.IntVar(&o.rawSamples, "raw-samples", 5, "short samples the raw-time is split into; the baseline is their median")
	flag.BoolVar(&o.profile, "profile", true, "save a CPU profile of yuyue during each run")
	flag.StringVar(&o.modes, "modes", "latency,throughput,contention,crash", "runs to do; add pg-throughput, pg-contention, pg-crash for PostgreSQL")
	flag.StringVar(&o.postgres, "postgres", "postgres://postgres@127.0.0.1:5432/postgres", "PostgreSQL server for the pg-* runs (a database is created and dropped per run)")
	flag.IntVar(&o.nodes, "nodes", 2, "yuyue nodes on one PostgreSQL database in the pg-* runs, behind a round-robin balancer")
	flag.IntVar(&o.pgRounds, "pg-rounds", 1, "pg-throughput: rounds of one SQLite node, one PostgreSQL node and N nodes in turn; with more than one the scale-out rows compare medians")
	pgCallers := flag.String("pg-callers", "", "pg-throughput: comma-separated caller counts every configuration of the rounds runs at (default: --throughput-callers); each one's throughput is its best median over the loads tried")
	flag.BoolVar(&o.sip, "sip", false, "instead of the webhook runs: concurrent calls over the SIP trunk (sip-report.md)")
	flag.IntVar(&o.sipCalls, "sip-calls", 200, "concurrent SIP calls in the --sip run")
	flag.DurationVar(&o.sipSpread, "sip-spread", 5*time.Second, "SIP calls arrive spread over this long")
	flag.Float64Var(&nodeCPU, "node-cpu", 0, "pg-throughput: cap every node of the rounds, SQLite's too, at this many cores with a CPU cgroup (0: no cap), so that nodes scale as on machines of their own")
	flag.IntVar(&nodeProcsFlag, "node-procs", 0, "pg-throughput with --node-cpu: GOMAXPROCS of every capped node, set in its environment (0: none, the node's own choice: one for a PostgreSQL node capped below a core, else Go's default, the machine's CPUs, since a node is capped after it started; -1: the cap rounded up, as on a machine with that many cores)")
	flag.Float64Var(&rushNodeCPU, "rush-node-cpu", 0, "pg-contention: cap each node of the rush at this many cores with a CPU cgroup (0: no cap); a PostgreSQL node then chooses its processors as it does in production (one below a core) unless GOMAXPROCS is set in loadcall's environment, which the nodes inherit")
	flag.Parse()
	smsConcurrency = o.smsConcurrency
	if o.pgRounds < 1 || !capOK(nodeCPU) || !capOK(rushNodeCPU) || nodeProcsFlag < -1 || (nodeProcsFlag != 0 && nodeCPU == 0) {
		fmt.Fprintln(os.Stderr, "loadcall: --pg-rounds must be at least 1, --node-cpu and --rush-node-cpu 0 or at least 0.1 cores (the kernel's least quota in a 10 ms period), and --node-procs -1 or more, with --node-cpu")
		os.Exit(2)
	}
	var err error
	if o.pgCallers, err = callerLoads(*pgCallers, o.tputCallers); err != nil {
		fmt.Fprintln(os.Stderr, "loadcall: --pg-callers:", err)
		os.Exit(2)
	}
	if o.yuyue == "" {
		fmt.Fprintln(os.Stderr, "loadcall: --yuyue is required (go build -o /tmp/yuyue ./cmd/yuyue)")
		os.Exit(2)
	}
	runner := run
	if o.sip {
		runner = sipRun
	}
	if err := runner(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "loadcall:", err)
		os.Exit(1)
	}
}
