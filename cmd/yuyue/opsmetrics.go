package main

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"yuyue/store/sqlstore"
)

var (
	ivrCalls = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "yuyue_ivr_calls_total",
		Help: "Voice calls by the final status Twilio reported (completed, busy, no-answer, failed, canceled).",
	}, []string{"status"})
	buildInfoGauge = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Name: "yuyue_build_info", Help: "Always 1; the labels say which build is running.",
	}, []string{"version", "commit", "build_date", "go_version"})
)

func init() {
	v, c, d := buildInfo()
	buildInfoGauge.WithLabelValues(v, c, d, runtime.Version()).Set(1)
}

// finalCallStatus bounds the status label to Twilio's final call states.
var finalCallStatus = map[string]bool{"completed": true, "busy": true, "no-answer": true, "failed": true, "canceled": true}

// countCallStatus counts a call's outcome from its status callback, after
// the handler (and the signature check) accepted it.
func countCallStatus(c *fiber.Ctx) error {
	err := c.Next()
	status := string(c.Request().PostArgs().Peek("CallStatus"))
	if err == nil && c.Response().StatusCode() == fiber.StatusOK && finalCallStatus[status] {
		ivrCalls.WithLabelValues(status).Inc()
	}
	return err
}

// opsSource is what the database says about work waiting; each store
// (SQLite, PostgreSQL) answers it.
type opsSource interface {
	OutboxBacklog(ctx context.Context) (int, time.Time, error)
	TransfersSince(ctx context.Context, t time.Time) (int, error)
	CommitStats() (commits, requests int64)
	RetryStats() int64
	GivenUpStats() map[string]int64
	EscalationStats() int64
	TurnsMissed() int64
	StatementStats() sqlstore.StatementStats
	CodeTurns() int64
	ConflictTurns() int64
}

type opsState struct {
	src   opsSource
	ready *readiness
}

// ops is the running server's state the collector reads at scrape time;
// swapped, not re-registered, when serve runs again in one process (tests).
var (
	ops         atomic.Pointer[opsState]
	opsRegister sync.Once
)

func watchOps(d *deps, r *readiness) {
	ops.Store(&opsState{src: d.store, ready: r})
	watchWaitlist(d.svc)
	opsRegister.Do(func() { prometheus.MustRegister(opsCollector{}) })
}

var (
	descBacklog   = prometheus.NewDesc("yuyue_outbox_backlog", "Messages waiting in the outbox (pending or being sent).", nil, nil)
	descOldest    = prometheus.NewDesc("yuyue_outbox_oldest_pending_age_seconds", "Age of the oldest message waiting in the outbox; 0 when none.", nil, nil)
	descTransfers = prometheus.NewDesc("yuyue_ivr_transfers_last_hour", "Calls transferred to an operator in the last hour.", nil, nil)
	descReady     = prometheus.NewDesc("yuyue_ready", "1 when /readyz would answer 200.", nil, nil)
	descCommits   = prometheus.NewDesc("yuyue_store_commits_total", "Write transactions this process ran, committed or rolled back (a group commit counts once; a batch given up counts once, and each call it then ran alone once more).", nil, nil)
	descWrites    = prometheus.NewDesc("yuyue_store_write_requests_total", "Units of write work (InTx calls) this process committed; divided by yuyue_store_commits_total it is the mean group-commit batch.", nil, nil)
	descTurns     = prometheus.NewDesc("yuyue_store_code_turns_missed_total", "Batches run without the turn across PostgreSQL nodes they waited for (not had within 2 s, or refused): batches of call steps that text codes, and serial batches in the half second after a transaction was given up. They still keep every rule, but may fail other nodes' batches and run again. Rising: a node holds the turn too long or the database is slow; always 0 on SQLite.", nil, nil)
	descLight     = prometheus.NewDesc("yuyue_store_light_escalations_total", "Call steps run lightly (PostgreSQL READ COMMITTED, writing only the call's session and journey) or guarded (REPEATABLE READ, writing only rows that keep their own rules) that wrote more, or broke a constraint, and ran again as serializable transactions; always 0 on SQLite.", nil, nil)
	descRetries   = prometheus.NewDesc("yuyue_store_retries_total", "Write transactions the database gave up to keep the serial order (PostgreSQL serialization failures and deadlocks) and this process ran again or, after the last try, answered busy; always 0 on SQLite.", nil, nil)
	descStmts     = prometheus.NewDesc("yuyue_store_statements_total", "Statements the store's transactions and reads sent the database, by kind: read (inside write transactions), pool_read (outside them, on the read pool), write, savepoint (each SAVEPOINT message, carrying any RELEASEs waiting, and each ROLLBACK TO). Not counted: migrations, the node lease's renewal, the metrics' own reads. On PostgreSQL each is a round trip; with yuyue_store_transactions_total and yuyue_store_turns_total, their rate over the webhooks' (yuyue_http_request_duration_seconds_count) under load is the round trips one step costs, background work (outbox polls, readiness checks) included.", []string{"kind"}, nil)
	descPiped     = prometheus.NewDesc("yuyue_store_pipelined_saves_total", "Call steps' saves (yuyue_store_statements_total counts each as a write) that waited in a group commit of light steps and went to the database together, several in one message (PostgreSQL); always 0 on SQLite.", nil, nil)
	descPipes     = prometheus.NewDesc("yuyue_store_pipelines_total", "Messages that carried waiting call steps' saves together (yuyue_store_pipelined_saves_total), each one round trip: the writes cost yuyue_store_statements_total{kind=\"write\"} - yuyue_store_pipelined_saves_total + this many round trips. Always 0 on SQLite.", nil, nil)
	descBegins    = prometheus.NewDesc("yuyue_store_transactions_total", "Write transactions begun, every attempt: one the database gave up and that ran again, and a light or guarded attempt that then ran serially, each count again (yuyue_store_commits_total counts a batch once). Each is two round trips on PostgreSQL: its BEGIN and its COMMIT or ROLLBACK.", nil, nil)
	descTurnsHeld = prometheus.NewDesc("yuyue_store_turns_total", "Turns across PostgreSQL nodes this process's batches held, by turn: code (a batch with a step that texts a code) and conflict (a serial batch in the half second after a transaction was given up). Each is two round trips on a connection of its own, as is a turn waited for in vain (yuyue_store_code_turns_missed_total, not counted here). Always 0 on SQLite.", []string{"turn"}, nil)
	descGivenUp   = prometheus.NewDesc("yuyue_store_given_up_units_total", "Units of write work that were in the transactions yuyue_store_retries_total counts (a batch given up counts each of its calls), by work: ivr.<step> for a call step (the step the input arrived at; ivr.start a call's first webhook), sms.claim, sms.china_guard, sms.record and sms.delivery for the outbox's work, other for the rest. Says which steps the nodes' transactions collide in; absent on SQLite.", []string{"work"}, nil)
)

// opsCollector reads the database at scrape time, so the figures are
// right whichever process changed them.
type opsCollector struct{}

func (opsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descBacklog
	ch <- descOldest
	ch <- descTransfers
	ch <- descReady
	ch <- descCommits
	ch <- descWrites
	ch <- descRetries
	ch <- descGivenUp
	ch <- descLight
	ch <- descTurns
	ch <- descStmts
	ch <- descPiped
	ch <- descPipes
	ch <- descBegins
	ch <- descTurnsHeld
}

func (opsCollector) Collect(ch chan<- prometheus.Metric) {
	st := ops.Load()
	if st == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if n, oldest, err := st.src.OutboxBacklog(ctx); err == nil {
		age := 0.0
		if !oldest.IsZero() {
			age = time.Since(oldest).Seconds()
		}
		ch <- prometheus.MustNewConstMetric(descBacklog, prometheus.GaugeValue, float64(n))
		ch <- prometheus.MustNewConstMetric(descOldest, prometheus.GaugeValue, age)
	}
	if n, err := st.src.TransfersSince(ctx, time.Now().Add(-time.Hour)); err == nil {
		ch <- prometheus.MustNewConstMetric(descTransfers, prometheus.GaugeValue, float64(n))
	}
	ready := 0.0
	if len(st.ready.reasons(ctx)) == 0 {
		ready = 1
	}
	ch <- prometheus.MustNewConstMetric(descReady, prometheus.GaugeValue, ready)
	commits, writes := st.src.CommitStats()
	ch <- prometheus.MustNewConstMetric(descCommits, prometheus.CounterValue, float64(commits))
	ch <- prometheus.MustNewConstMetric(descWrites, prometheus.CounterValue, float64(writes))
	ch <- prometheus.MustNewConstMetric(descRetries, prometheus.CounterValue, float64(st.src.RetryStats()))
	for work, n := range st.src.GivenUpStats() {
		ch <- prometheus.MustNewConstMetric(descGivenUp, prometheus.CounterValue, float64(n), work)
	}
	ch <- prometheus.MustNewConstMetric(descLight, prometheus.CounterValue, float64(st.src.EscalationStats()))
	ch <- prometheus.MustNewConstMetric(descTurns, prometheus.CounterValue, float64(st.src.TurnsMissed()))
	ss := st.src.StatementStats()
	for kind, n := range map[string]int64{"read": ss.TxReads, "pool_read": ss.PoolReads, "write": ss.Writes, "savepoint": ss.SavepointTrips} {
		ch <- prometheus.MustNewConstMetric(descStmts, prometheus.CounterValue, float64(n), kind)
	}
	ch <- prometheus.MustNewConstMetric(descPiped, prometheus.CounterValue, float64(ss.Pipelined))
	ch <- prometheus.MustNewConstMetric(descPipes, prometheus.CounterValue, float64(ss.Pipelines))
	ch <- prometheus.MustNewConstMetric(descBegins, prometheus.CounterValue, float64(ss.Begins))
	ch <- prometheus.MustNewConstMetric(descTurnsHeld, prometheus.CounterValue, float64(st.src.CodeTurns()), "code")
	ch <- prometheus.MustNewConstMetric(descTurnsHeld, prometheus.CounterValue, float64(st.src.ConflictTurns()), "conflict")
}
