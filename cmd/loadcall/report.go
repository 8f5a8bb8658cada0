package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

type runReport struct {
	Callers        int                `json:"callers"`
	Seconds        float64            `json:"seconds,omitempty"`
	Overall        summary            `json:"overall"`
	PerStep        map[string]summary `json:"per_step,omitempty"`
	Errors         map[string]int     `json:"errors"`
	Outcomes       map[outcome]int    `json:"outcomes,omitempty"`
	StepsPerSec    float64            `json:"steps_per_sec,omitempty"`
	BookingsPerSec float64            `json:"bookings_per_sec,omitempty"`
	// MeanCommitBatch is write units per commit during the run, from
	// yuyue's own counters (group commit; 1 means no grouping).
	MeanCommitBatch float64 `json:"mean_commit_batch,omitempty"`
	// BusyCores is the cores the whole machine kept busy during the run
	// (-1: unknown).
	BusyCores float64 `json:"machine_busy_cores,omitempty"`
	// lastNumber is the last caller number the run dialled from.
	lastNumber int64
}

// serverReport is the latency run seen from yuyue's own histogram.
type serverReport struct {
	Requests   float64 `json:"requests"`
	P99BoundMS float64 `json:"p99_bucket_bound_ms"`
	Within10ms float64 `json:"share_within_10ms"`
}

type contentionReport struct {
	Attempts     int            `json:"attempts"`
	Places       int            `json:"places"`
	Seconds      float64        `json:"seconds_to_resolve"`
	BookedCalls  int            `json:"booked_calls"`
	FullCalls    int            `json:"told_full"`
	BookingsInDB int            `json:"bookings_in_db"`
	Errors       map[string]int `json:"errors"`
	// Latency and PerStep are the webhooks from the moment every caller
	// pressed for the period to the last answer.
	Latency summary            `json:"latency"`
	PerStep map[string]summary `json:"latency_per_step,omitempty"`
	// The approach: all callers dialling at once and playing their calls
	// up to the period menu; CodeLatency times each SMS code from the
	// webhook that asked for it to the provider's acceptance.
	ApproachSeconds float64            `json:"approach_seconds"`
	ApproachLatency summary            `json:"approach_latency"`
	ApproachPerStep map[string]summary `json:"approach_latency_per_step,omitempty"`
	CodeLatency     summary            `json:"code_latency"`
	// ServerCodeP99 is the bucket bound (s) under which 99 % of the codes
	// went from enqueued to provider-accepted, by yuyue's own histogram
	// summed over the nodes (ServerCodes of them).
	ServerCodeP99 float64 `json:"server_code_p99_bound_s"`
	ServerCodes   float64 `json:"server_codes"`
	// Its two halves, as bucket bounds (s) over the nodes: the code's wait
	// from enqueued to claimed for a send (the backlog), and one send
	// (every message sent in the run, not only codes).
	ServerWaitP50 float64 `json:"server_code_wait_p50_bound_s"`
	ServerWaitP99 float64 `json:"server_code_wait_p99_bound_s"`
	ServerSendP50 float64 `json:"server_send_p50_bound_s"`
	ServerSendP99 float64 `json:"server_send_p99_bound_s"`
	// Reaction is how long after the day opened the presses spread over;
	// EmptyPress is the same presses, from warm connections, answered by
	// the empty Fiber handler.
	Reaction   string  `json:"reaction"`
	EmptyPress summary `json:"empty_handler_presses"`
	// NodeCPU is --rush-node-cpu, the cap of each PostgreSQL node in the
	// rush (0: uncapped), and Procs the GOMAXPROCS the nodes ran with.
	NodeCPU float64 `json:"node_cpu,omitempty"`
	Procs   []int   `json:"gomaxprocs,omitempty"`
}

type report struct {
	Date              string            `json:"date"`
	CPUs              int               `json:"cpus"`
	Go                string            `json:"go"`
	Options           string            `json:"options"`
	RawTxPerSec       float64           `json:"raw_sqlite_write_tx_per_sec"`
	RawTxPerSecBefore float64           `json:"raw_before_load"`
	RawTxPerSecAfter  float64           `json:"raw_after_load"`
	RawTxLatency      summary           `json:"raw_tx_latency"`
	RawBefore         rawSamples        `json:"raw_samples_before_load"`
	RawAfter          rawSamples        `json:"raw_samples_after_load"`
	Latency           *runReport        `json:"latency,omitempty"`
	ServerSide        *serverReport     `json:"latency_server_side,omitempty"`
	EmptyBaseline     *runReport        `json:"empty_fiber_baseline,omitempty"`
	Throughput        *runReport        `json:"throughput,omitempty"`
	Contention        *contentionReport `json:"contention,omitempty"`
	Crash             *crashReport      `json:"crash,omitempty"`
	Postgres          *pgReport         `json:"postgres,omitempty"`
}

func (o options) describe() string {
	rush := ""
	if rushNodeCPU > 0 {
		rush = fmt.Sprintf(" rush-node-cpu=%g", rushNodeCPU)
	}
	return fmt.Sprintf("modes=%s callers=%d pauses=%s-%s throughput-callers=%d throughput-time=%s contention=%d places=%d rush-reaction=%s sms-concurrency=%d raw-time=%s raw-samples=%d nodes=%d pg-rounds=%d pg-callers=%v node-cpu=%g node-procs=%d%s",
		o.modes, o.callers, o.pauseMin, o.pauseMax, o.tputCallers, o.tputTime, o.contention, o.places, o.reaction, o.smsConcurrency, o.rawTime, o.rawSamples, o.nodes, o.pgRounds, o.pgCallers, nodeCPU, nodeProcsFlag, rush)
}

func splitModes(s string) []string {
	var out []string
	for _, m := range strings.Split(s, ",") {
		if m = strings.TrimSpace(m); m != "" {
			out = append(out, m)
		}
	}
	return out
}

func totalErrors(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// minStepShare is the floor of the throughput run's steps/s as a share of
// the raw write loop's tx/s in the same run (SPEC §8): the goal is as many
// booking steps as bare write transactions, and a fifth is left for a
// shared, noisy machine, whose raw loop swings by that much within minutes.
const minStepShare = 0.8

func met(ok bool) string {
	if ok {
		return "**met**"
	}
	return "**missed**"
}

func (r *report) write(dir string) error {
	b, _ := json.MarshalIndent(r, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "report.json"), b, 0o644); err != nil {
		return err
	}
	md := r.markdown()
	fmt.Print(md)
	return os.WriteFile(filepath.Join(dir, "report.md"), []byte(md), 0o644)
}

func (r *report) markdown() string {
	var b strings.Builder
	p := func(f string, a ...any) { fmt.Fprintf(&b, f, a...) }
	p("# yuyue load report\n\n%s · %d CPUs · %s · loadcall and yuyue share the machine\n\n`%s`\n\n", r.Date, r.CPUs, r.Go, r.Options)
	p("Baseline, same run: raw single-row SQLite write transactions, one after another (store settings, WAL, synchronous=FULL): **%.0f tx/s**, the higher median of before the load runs (%s) and after (%s)\n\n", r.RawTxPerSec, r.RawBefore, r.RawAfter)
	l := r.RawTxLatency
	p("One raw write transaction alone (the fsync floor of every step that writes): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n\n", l.P50, l.P90, l.P99, l.Max)
	p("## SPEC §8 targets\n\n| target | measured | verdict |\n| --- | --- | --- |\n")
	if l, e := r.Latency, r.EmptyBaseline; l != nil {
		ratio := ""
		if e != nil && e.Overall.P99 > 0 {
			ratio = fmt.Sprintf(" (%.1f× the empty Fiber handler's %.2f ms)", l.Overall.P99/e.Overall.P99, e.Overall.P99)
		}
		p("| webhook p99 ≤ 10 ms, %d callers pausing | p99 %.2f ms%s, %d errors | %s |\n", l.Callers, l.Overall.P99, ratio, totalErrors(l.Errors), met(l.Overall.P99 <= 10 && totalErrors(l.Errors) == 0))
		if s := r.ServerSide; s != nil {
			p("| … the same, inside yuyue (its own histogram) | 99%% of %.0f voice webhooks within %.1f ms; %.1f %% within 10 ms | %s |\n", s.Requests, s.P99BoundMS, 100*s.Within10ms, met(s.P99BoundMS <= 10))
		}
	}
	if t := r.Throughput; t != nil {
		ratio := t.StepsPerSec / r.RawTxPerSec
		p("| steps/s ≥ 80 %% of raw write tx/s (the goal: 100 %%) | %.0f steps/s = %.0f %% of %.0f tx/s | %s |\n", t.StepsPerSec, 100*ratio, r.RawTxPerSec, met(ratio >= minStepShare && totalErrors(t.Errors) == 0))
		if t.MeanCommitBatch > 0 {
			p("| group commit: mean batch > 1 with %d callers | %.2f write units per commit | %s |\n", t.Callers, t.MeanCommitBatch, met(t.MeanCommitBatch > 1))
		}
	}
	if c := r.Contention; c != nil {
		p("| %d attempts on %d places → exactly %d bookings, 0 errors | %d bookings in the database (%d calls booked, %d told full), %d errors, resolved in %.1f s | %s |\n",
			c.Attempts, c.Places, c.Places, c.BookingsInDB, c.BookedCalls, c.FullCalls, totalErrors(c.Errors), c.Seconds,
			met(c.BookingsInDB == c.Places && c.BookedCalls == c.Places && totalErrors(c.Errors) == 0))
		p("| … the rush resolved < 2 s, step p99 < 100 ms (the day opens; all %d press for the period within %s) | resolved in %.2f s, step p99 %.1f ms (p50 %.1f, max %.1f); the empty Fiber handler, same presses: p99 %.1f ms | %s |\n",
			c.Attempts, c.Reaction, c.Seconds, c.Latency.P99, c.Latency.P50, c.Latency.Max, c.EmptyPress.P99, met(c.Seconds < 2 && c.Latency.P99 < 100))
		p("| … the approach: %d calls dialled at once, played to the period menu | %.1f s, step p99 %.0f ms; SMS code asked → provider accepted p50 %.0f ms, p99 %.0f ms (%d codes); inside yuyue, enqueued → accepted: 99 %% within %g s (%.0f codes)%s | – |\n",
			c.Attempts, c.ApproachSeconds, c.ApproachLatency.P99, c.CodeLatency.P50, c.CodeLatency.P99, c.CodeLatency.Count, c.ServerCodeP99, c.ServerCodes, c.halves())
	}
	if c := r.Crash; c != nil {
		p("| kill -9 under load: no committed booking lost, no SMS sent twice, integrity_check ok | killed after %d s with %d callers; %d references heard, %d missing; %d SMS sent twice; %d outbox rows left unknown (not re-sent); integrity_check %q | %s |\n",
			c.KilledAfterSec, c.Callers, c.HeardBooked, c.LostBookings, c.DuplicateSMS, c.UnknownOutbox, c.IntegrityCheck,
			met(c.HeardBooked > 0 && c.LostBookings == 0 && c.DuplicateSMS == 0 && c.IntegrityCheck == "ok"))
	}
	r.pgMarkdown(p)
	runs := []struct {
		name string
		r    *runReport
	}{{"Latency run (callers pause between steps)", r.Latency}, {"Empty Fiber handler, same crowd and pauses", r.EmptyBaseline}, {"Throughput run (no pauses)", r.Throughput}}
	if g := r.Postgres; g != nil {
		runs = append(runs, struct {
			name string
			r    *runReport
		}{"PostgreSQL throughput, 1 node", g.Throughput1}, struct {
			name string
			r    *runReport
		}{fmt.Sprintf("PostgreSQL throughput, %d nodes behind a round-robin balancer", g.Nodes), g.ThroughputN})
	}
	for _, x := range runs {
		if x.r == nil {
			continue
		}
		p("\n## %s\n\n%d callers", x.name, x.r.Callers)
		if x.r.Seconds > 0 {
			p(", %.1f s, %.1f steps/s, %.2f bookings/s, outcomes %v", x.r.Seconds, x.r.StepsPerSec, x.r.BookingsPerSec, x.r.Outcomes)
		}
		if x.r.MeanCommitBatch > 0 {
			p(", mean group-commit batch %.2f", x.r.MeanCommitBatch)
		}
		p(", errors %v\n\n", x.r.Errors)
		stepTable(p, x.r.Overall, x.r.PerStep)
	}
	for _, x := range []struct {
		name string
		c    *contentionReport
	}{{"SQLite", r.Contention}, {fmt.Sprintf("PostgreSQL, %d nodes", r.pgNodes()), r.pgContention()}} {
		if x.c == nil || len(x.c.ApproachPerStep) == 0 {
			continue
		}
		p("\n## %s: the rush's approach, step by step\n\n%d calls dialled at once, played to the period menu in %.1f s; phone_choice is the webhook that asks for the SMS code, code the one that enters it\n\n",
			x.name, x.c.Attempts, x.c.ApproachSeconds)
		stepTable(p, x.c.ApproachLatency, x.c.ApproachPerStep)
	}
	return b.String()
}

// stepTable writes a latency table: all steps, then each step by name.
func stepTable(p func(string, ...any), o summary, per map[string]summary) {
	p("| step | n | p50 ms | p90 ms | p99 ms | max ms |\n| --- | --- | --- | --- | --- | --- |\n")
	p("| **all** | %d | %.2f | %.2f | %.2f | %.2f |\n", o.Count, o.P50, o.P90, o.P99, o.Max)
	keys := make([]string, 0, len(per))
	for k := range per {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s := per[k]
		p("| %s | %d | %.2f | %.2f | %.2f | %.2f |\n", k, s.Count, s.P50, s.P90, s.P99, s.Max)
	}
}

// pgNodes and pgContention are the PostgreSQL run's node count and rush,
// when there was one.
func (r *report) pgNodes() int {
	if r.Postgres == nil {
		return 0
	}
	return r.Postgres.Nodes
}

func (r *report) pgContention() *contentionReport {
	if r.Postgres == nil {
		return nil
	}
	return r.Postgres.Contention
}

// writeHistogram draws the latency distribution on log-spaced buckets.
func writeHistogram(path string, samples []time.Duration) error {
	const buckets, w, h = 40, 800, 260
	lo, hi := math.Log10(0.05), math.Log10(2000.0) // 0.05 ms … 2 s
	counts := make([]int, buckets)
	peak := 1
	for _, d := range samples {
		v := math.Log10(max(ms(d), 0.05))
		i := min(buckets-1, max(0, int((v-lo)/(hi-lo)*buckets)))
		counts[i]++
		peak = max(peak, counts[i])
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">`, w, h+40)
	fmt.Fprintf(&b, `<text x="10" y="14">yuyue webhook latency, %d requests (log scale, ms)</text>`, len(samples))
	bw := float64(w-40) / buckets
	for i, c := range counts {
		bh := float64(c) / float64(peak) * float64(h-30)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#1f4e79"><title>%d</title></rect>`, 20+float64(i)*bw, float64(h)-bh, bw-1, bh, c)
	}
	for _, t := range []float64{0.1, 1, 10, 100, 1000} {
		x := 20 + (math.Log10(t)-lo)/(hi-lo)*float64(w-40)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#999"/><text x="%.1f" y="%d">%g</text>`, x, h, x, h+5, x-6, h+18, t)
	}
	b.WriteString(`</svg>`)
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// halves says where a code's time inside yuyue went, when the nodes had
// the histograms (builds before they did report none).
func (c *contentionReport) halves() string {
	if c.ServerSendP99 == 0 {
		return ""
	}
	return fmt.Sprintf(": waiting for a send slot p50 ≤ %g s, p99 ≤ %g s; one send p50 ≤ %g s, p99 ≤ %g s",
		c.ServerWaitP50, c.ServerWaitP99, c.ServerSendP50, c.ServerSendP99)
}
