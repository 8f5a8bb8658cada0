package main

import (
	"cmp"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
)

// pgMarkdown adds the PostgreSQL rows: throughput and p99 on 1 and N nodes
// beside SQLite's from the same run, contention and a node killed under
// load across N nodes.
func (r *report) pgMarkdown(p func(string, ...any)) {
	g := r.Postgres
	if g == nil {
		return
	}
	p("\n## PostgreSQL: %d nodes on one database, every webhook round-robin (no call affinity)\n\n| measure | measured | verdict |\n| --- | --- | --- |\n", g.Nodes)
	sq := r.Throughput
	if sc := g.Scale; sc != nil && sc.alternated() {
		g.roundsMarkdown(p)
	} else {
		for _, x := range []struct {
			label string
			t     *runReport
		}{{"1 node", g.Throughput1}, {fmt.Sprintf("%d nodes", g.Nodes), g.ThroughputN}} {
			if x.t == nil {
				continue
			}
			vs := ""
			if sq != nil && sq.StepsPerSec > 0 {
				vs = fmt.Sprintf(" = %.2f× SQLite's %.0f steps/s (p99 %.2f ms)", x.t.StepsPerSec/sq.StepsPerSec, sq.StepsPerSec, sq.Overall.P99)
			}
			p("| throughput, %s | %.0f steps/s, %.2f bookings/s, p99 %.2f ms%s, %d errors | %s |\n", x.label, x.t.StepsPerSec,
				x.t.BookingsPerSec, x.t.Overall.P99, vs, totalErrors(x.t.Errors), met(totalErrors(x.t.Errors) == 0))
		}
		if one, n := g.Throughput1, g.ThroughputN; one != nil && n != nil && one.StepsPerSec > 0 {
			r := n.StepsPerSec / one.StepsPerSec
			p("| scale-out: %d nodes ≥ 1.5× one node | %.0f vs %.0f steps/s = %.2f× | %s |\n", g.Nodes, n.StepsPerSec, one.StepsPerSec, r, met(r >= 1.5))
			if sq != nil && sq.StepsPerSec > 0 {
				r := n.StepsPerSec / sq.StepsPerSec
				p("| … and ≥ 1× one SQLite node | %.0f vs %.0f steps/s = %.2f× | %s |\n", n.StepsPerSec, sq.StepsPerSec, r, met(r >= 1))
			}
		}
	}
	if c := g.Contention; c != nil {
		nodes := fmt.Sprint(g.Nodes, " nodes")
		if c.NodeCPU > 0 {
			nodes += fmt.Sprintf(" (each capped at %g cores", c.NodeCPU)
			if len(c.Procs) > 0 {
				nodes += fmt.Sprintf(", GOMAXPROCS %s", procsList(c.Procs))
			}
			nodes += ")"
		}
		p("| %d attempts on %d places across %s → exactly %d bookings | %d bookings in the database (%d calls booked, %d told full), %d errors, %.1f s | %s |\n",
			c.Attempts, c.Places, nodes, c.Places, c.BookingsInDB, c.BookedCalls, c.FullCalls, totalErrors(c.Errors), c.Seconds,
			met(c.BookingsInDB == c.Places && c.BookedCalls == c.Places && totalErrors(c.Errors) == 0))
		p("| … every SMS code handed to the provider within 2 s (p99), %d calls dialled at once | code asked → provider accepted p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d codes); inside yuyue, enqueued → accepted: 99 %% within %g s (%.0f codes)%s; approach %.1f s | %s |\n",
			c.Attempts, c.CodeLatency.P50, c.CodeLatency.P99, c.CodeLatency.Max, c.CodeLatency.Count, c.ServerCodeP99, c.ServerCodes, c.halves(), c.ApproachSeconds,
			met(c.CodeLatency.Count == c.Attempts && c.CodeLatency.P99 < 2000))
		p("| … the rush from the moment all press for the period | resolved in %.2f s, step p99 %.1f ms | – |\n", c.Seconds, c.Latency.P99)
		p("| … batches of code steps run without their turn across nodes (yuyue_store_code_turns_missed_total) | %.0f | – |\n", g.TurnsMissed)
	}
	if len(g.Retries) > 0 {
		p("| transactions PostgreSQL gave up and a node ran again (yuyue_store_retries_total) | %v | — |\n", g.Retries)
	}
	for _, run := range slices.Sorted(maps.Keys(g.GivenUp)) {
		p("| … calls in those transactions by work (yuyue_store_given_up_units_total), %s | %s | — |\n", run, byCount(g.GivenUp[run]))
	}
	for _, run := range slices.Sorted(maps.Keys(g.Trips)) {
		t := g.Trips[run]
		p("| round trips to PostgreSQL per webhook answered, %s (the store's statements, each transaction's BEGIN and its end, each turn's lock and release, summed over the nodes, their outboxes and background work included) | %.2f over %d steps: reads %.2f in transactions and %.2f outside them, writes %.2f (%.2f of them step saves sent together, in %.2f messages), savepoint statements %.2f, transactions begun %.2f (%.2f commits of %.1f units each), turns held %.3f code and %.3f after a conflict | — |\n",
			run, t.Total(), t.Steps, t.Reads, t.PoolReads, t.Writes, t.Pipelined, t.Pipelines, t.Savepoints, t.Transactions, t.Commits, t.Units/max(t.Commits, 1e-9), t.CodeTurns, t.ConflictTurns)
	}
	if c := g.Crash; c != nil {
		p("| kill -9 one of %d nodes under load: calls go on, every reference heard booked, no SMS twice | killed after %d s; %d references heard (%d after the kill), %d missing; %d SMS sent twice; %d requests passed to another node; outbox: %d in sending when drained, %d s later %d unknown (not re-sent) and %d left pending/sending | %s |\n",
			g.Nodes, c.KilledAfterSec, c.HeardBooked, c.HeardAfterKill, c.LostBookings, c.DuplicateSMS, c.RetriedByBalance,
			c.SendingAtDrain, c.LeaseWaitSec, c.UnknownOutbox, c.PendingOutbox,
			met(c.HeardAfterKill > 0 && c.LostBookings == 0 && c.DuplicateSMS == 0 && c.PendingOutbox == 0))
	}
}

// roundsMarkdown writes the scale-out rows from the alternated rounds:
// every load's medians with their range, the errors of the last round's
// runs, and the ratios of each kind's best median over the loads.
func (g *pgReport) roundsMarkdown(p func(string, ...any)) {
	sc := g.Scale
	how := "every process sharing the machine's two cores"
	if sc.CPUPerNode > 0 {
		how = fmt.Sprintf("every node, SQLite's too, capped at %g cores by a CPU cgroup, as on a machine of its own", sc.CPUPerNode)
		switch {
		case len(sc.Procs) > 0 && len(sc.SQLiteProcs) > 0:
			how += fmt.Sprintf(", running with GOMAXPROCS %s (PostgreSQL nodes) and %s (SQLite's)", procsList(sc.Procs), procsList(sc.SQLiteProcs))
		case len(sc.Procs) > 0:
			how += fmt.Sprintf(", running with GOMAXPROCS %s", procsList(sc.Procs))
		}
	}
	for _, l := range sc.Loads {
		busy := ""
		if b := spreadOf(l.NBusy); b.min >= 0 && len(l.NBusy) > 0 {
			busy = fmt.Sprintf("; the whole machine kept %.2f (%.2f–%.2f) of its %d cores busy in the %d-node runs", b.median, b.min, b.max, runtime.NumCPU(), g.Nodes)
		}
		sq, one, n := spreadOf(l.SQLite), spreadOf(l.One), spreadOf(l.N)
		sqlite, ratios := "", fmt.Sprintf("%.2f× one node", n.median/one.median)
		if len(l.SQLite) > 0 {
			sqlite = fmt.Sprintf("one SQLite node %s, ", sq)
			ratios += fmt.Sprintf(", %.2f× SQLite", n.median/sq.median)
		}
		p("| throughput: medians of %d alternated rounds, %d callers without pauses (%s) | %sone PostgreSQL node %s, %d nodes %s steps/s (median (min–max)): %s%s | – |\n",
			len(l.One), l.Callers, how, sqlite, one, g.Nodes, n, ratios, busy)
	}
	for _, x := range []struct {
		label string
		t     *runReport
	}{{"1 node", g.Throughput1}, {fmt.Sprintf("%d nodes", g.Nodes), g.ThroughputN}} {
		if x.t != nil {
			p("| … the last round's %s, %d callers | %.0f steps/s, p99 %.2f ms, %d errors | %s |\n", x.label, x.t.Callers, x.t.StepsPerSec, x.t.Overall.P99, totalErrors(x.t.Errors), met(totalErrors(x.t.Errors) == 0))
		}
	}
	one, oneAt := sc.best(func(l *scaleLoad) []float64 { return l.One })
	n, nAt := sc.best(func(l *scaleLoad) []float64 { return l.N })
	sq, sqAt := sc.best(func(l *scaleLoad) []float64 { return l.SQLite })
	top := slices.MaxFunc(sc.Loads, func(a, b scaleLoad) int { return a.Callers - b.Callers }).Callers
	at := func(c int) string {
		switch {
		case len(sc.Loads) == 1:
			return ""
		case c == top: // it might have made more with more callers
			return fmt.Sprintf(" (%d callers, the most tried)", c)
		}
		return fmt.Sprintf(" (%d callers)", c)
	}
	kind := "medians"
	if len(sc.Loads) > 1 {
		kind = "best medians over the loads tried"
	}
	p("| scale-out: %d nodes ≥ 1.5× one node | %s %.0f%s vs %.0f%s steps/s = %.2f× | %s |\n", g.Nodes, kind, n.median, at(nAt), one.median, at(oneAt), n.median/one.median, met(n.median >= 1.5*one.median))
	if sq.median > 0 {
		p("| … and ≥ 1× one SQLite node | %s %.0f%s vs %.0f%s steps/s = %.2f× | %s |\n", kind, n.median, at(nAt), sq.median, at(sqAt), n.median/sq.median, met(n.median >= sq.median))
	}
}

// spread is a set of samples' median and range, printed "median (min–max)".
type spread struct{ median, min, max float64 }

func spreadOf(v []float64) spread {
	if len(v) == 0 {
		return spread{}
	}
	s := slices.Sorted(slices.Values(v))
	return spread{median(s), s[0], s[len(s)-1]}
}

func (s spread) String() string { return fmt.Sprintf("%.0f (%.0f–%.0f)", s.median, s.min, s.max) }

// byCount lists a count per name, largest first: "ivr.code 510, other 12".
func byCount(m map[string]float64) string {
	names := slices.SortedFunc(maps.Keys(m), func(a, b string) int { return cmp.Or(cmp.Compare(m[b], m[a]), cmp.Compare(a, b)) })
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %.0f", n, m[n])
	}
	return strings.Join(parts, ", ")
}
