// Package sqlstore is the one implementation of booking.Store over
// database/sql: every query, written once with ? placeholders, the
// transaction type, group commit, the ID-number key check and rekey. What
// differs between SQLite (package store) and PostgreSQL (package
// store/postgres) is their Dialect; each engine keeps only that, its
// migrations and its own extras. It imports no driver.
package sqlstore

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
	"time"

	"yuyue/booking"
	"yuyue/store/idcrypt"
)

// DB is the engine-neutral store an engine package wraps.
type DB struct {
	d    Dialect
	read Querier // View's statements run here, each on its own
	keys idcrypt.Keys
	// keyCheck is KeyCheckValue(secret), compared with the database's.
	keyCheck []byte

	queue chan *writeReq // group commit (group.go)
	// side is the outbox's requests (InQueueTx, InOutboxTx): a writer of
	// their own where the engine has several, else read by the one writer
	// ahead of queue.
	side chan *writeReq
	// urgent is the steps that hand out SMS codes (InUrgentTx), read ahead
	// of queue by the channels' writer where the engine has several
	// writers; on SQLite's one writer they go on side.
	urgent  chan *writeReq
	quit    chan struct{}
	stopped chan struct{}
	// life ends when the store stops (endLife), for waits the writers make
	// on the database (the code turn).
	life    context.Context
	endLife context.CancelFunc

	commits, requests atomic.Int64
	// retries counts transactions the engine gave up and withWriteTx ran
	// again or, after the last try, abandoned (RetryStats).
	retries atomic.Int64
	// givenUp counts, by booking.WorkLabel, the units of work in the
	// transactions behind retries (GivenUpStats): label → *atomic.Int64.
	givenUp sync.Map
	// escalations counts Light transactions run again as Serial.
	escalations atomic.Int64
	// turnsMissed counts batches run without the turn they waited for
	// (TurnsMissed).
	turnsMissed atomic.Int64
	// conflictUntil: until then (Unix ns) every serial batch takes the
	// turn (runBatch), since the engine recently gave a transaction up.
	conflictUntil atomic.Int64
	// sendsPurgedAt: the send time (Unix ms) RecordSend last purged old
	// hashes at.
	sendsPurgedAt atomic.Int64
	// conflictTurns counts the conflict turns taken (ConflictTurns);
	// codeTurns the code turns (CodeTurns).
	conflictTurns, codeTurns atomic.Int64
	// noConflictTurn: only batches that text codes take the turn
	// (SetConflictTurn).
	noConflictTurn atomic.Bool
	// waiting counts InTx calls not yet taken by the writer (Waiting);
	// codesWaiting those of them that text codes (InUrgentTx).
	waiting, codesWaiting atomic.Int64
	// statements counts what the Tx methods ran (StatementStats): reads
	// outside a write transaction (poolReads) and inside one (txReads),
	// writes and savepoints opened.
	poolReads, txReads, writes, savepoints atomic.Int64
	// begins counts the write transactions begun, every attempt
	// (StatementStats).
	begins atomic.Int64
	// savepointTrips counts the savepoint statements sent (StatementStats).
	savepointTrips atomic.Int64
	// pipelines counts the messages that carried step saves together,
	// pipelined the saves they carried (pipeline.go, StatementStats).
	pipelines, pipelined atomic.Int64
}

// New returns a store speaking d, whose reads go to read. Its writer is
// not running until Start (the engine migrates and checks the key first).
func New(d Dialect, read Querier, secret string) *DB {
	return &DB{d: d, read: read, keys: idcrypt.Derive(secret), keyCheck: KeyCheckValue(secret)}
}

// InTx runs fn atomically in a write transaction (Dialect.BeginWrite,
// Serial): committed when fn returns nil, rolled back when it returns an
// error or panics (the panic is re-raised here). Concurrent calls share
// commits, and fn may run more than once before one commits (group.go).
func (db *DB) InTx(ctx context.Context, fn func(booking.Tx) error) error {
	return db.submit(ctx, Serial, fn)
}

// InQueueTx is InTx for the outbox's work queue (booking.QueueStore):
// fn's only rule is the row lock of a FOR UPDATE SKIP LOCKED claim, or the lock on
// a number the China guard's record takes, so it runs in a Queue
// transaction — on PostgreSQL READ COMMITTED, where workers on every node
// claim and record side by side instead of failing on each other's work.
//
// The claim goes to the outbox's side of the writers, as InOutboxTx's work
// does: its own writer where the engine has several, else ahead of the
// channels' queue.
func (db *DB) InQueueTx(ctx context.Context, fn func(booking.Tx) error) error {
	iso := Queue
	if db.oneWriter() {
		iso = Serial // one writer: every transaction is serial, so the claim shares a commit with the rest
	}
	return db.submitReq(db.side, &writeReq{ctx: ctx, iso: iso, fn: fn, bare: true})
}

// InOutboxTx is InTx for the outbox's bookkeeping (booking.OutboxStore):
// a serial transaction, with group commit, on a writer of its own where
// the engine has several (PostgreSQL): in a rush a node's channel writer
// has hundreds of steps waiting, and a code's claim and the record of its
// send waited behind them — seconds per message while the provider was
// idle. On SQLite's one writer it goes ahead of the steps queued there
// and shares their next commit.
func (db *DB) InOutboxTx(ctx context.Context, fn func(booking.Tx) error) error {
	return db.submitReq(db.side, &writeReq{ctx: ctx, iso: Serial, fn: fn, bare: true})
}

// InUrgentTx is InTx for a call step that texts the caller a code
// (booking.UrgentStore). Where the engine has several writers the
// channels' writer takes it ahead of the steps queued for it, in batches
// of such steps only, each followed by one of the queue's while steps
// wait, and each holding the code turn (Turner, CodeTurn). On SQLite it goes on
// the one writer's side queue with the outbox's requests, ahead of the
// steps up to half of each batch.
func (db *DB) InUrgentTx(ctx context.Context, fn func(booking.Tx) error) error {
	if db.oneWriter() {
		return db.submitTo(db.side, ctx, Serial, fn)
	}
	return db.submitReq(db.urgent, &writeReq{ctx: ctx, iso: Serial, fn: fn, texts: true})
}

// View runs fn's reads with no transaction, each statement on its own
// (autocommit): the reads the channels make are single statements, and an
// explicit BEGIN…COMMIT per read cost a fifth of the server's CPU under
// load on SQLite. Writes inside View are refused.
func (db *DB) View(ctx context.Context, fn func(booking.Tx) error) error {
	return fn(&Tx{db: db, q: db.read, ctx: ctx})
}

// Version returns the highest applied migration number.
func (db *DB) Version(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := db.read.QueryRowContext(ctx, "SELECT max(version) FROM schema_migrations").Scan(&v)
	return int(v.Int64), err
}

// Writable proves the database takes a committed write (readiness): it
// touches the key-check row through the writer.
func (db *DB) Writable(ctx context.Context) error {
	return db.InTx(ctx, func(btx booking.Tx) error {
		_, err := btx.(*Tx).Exec(`UPDATE key_check SET checked_at = ? WHERE id = 1`, time.Now().UnixMilli())
		return err
	})
}

// OutboxBacklog counts messages waiting to be sent and when the oldest of
// them was queued (zero when none): the figures an on-call engineer alerts
// on when the provider or the worker is stuck.
func (db *DB) OutboxBacklog(ctx context.Context) (int, time.Time, error) {
	var n int
	var oldest sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT count(*), min(created_at) FROM outbox WHERE status IN ('pending', 'sending')`).Scan(&n, &oldest)
	return n, fromMS(oldest.Int64), err
}

// TransfersSince counts calls handed to an operator since t. The query
// writes out call_sessions_transferred's condition (transferred_at > 0),
// which the planner cannot infer from the bound time: without it, every
// call session is read.
func (db *DB) TransfersSince(ctx context.Context, t time.Time) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, db.d.Rebind(`SELECT count(*) FROM call_sessions WHERE transferred_at >= ? AND transferred_at > 0`), ms(t)).Scan(&n)
	return n, err
}

// CommitStats reports how many write transactions were run (committed or
// rolled back; a batch given up counts once, and each of its calls run
// again alone once more) and how many write calls they carried.
func (db *DB) CommitStats() (commits, requests int64) { return db.commits.Load(), db.requests.Load() }

// RetryStats reports how many write transactions the engine gave up to
// keep the serial order (PostgreSQL's serialization failures and
// deadlocks); each was run again, or answered ErrBusy after the last try.
func (db *DB) RetryStats() int64 { return db.retries.Load() }

// GivenUpStats counts the units of write work (InTx calls) that were in
// the transactions RetryStats counts, by their booking.WorkLabel (a call
// step's "ivr.<step>", the outbox's "sms.*", else "other"): a batch given
// up counts each of its calls. Which steps they were says where the
// nodes' transactions collide. Empty on SQLite.
func (db *DB) GivenUpStats() map[string]int64 {
	m := map[string]int64{}
	db.givenUp.Range(func(k, v any) bool {
		m[k.(string)] = v.(*atomic.Int64).Load()
		return true
	})
	return m
}

// countGivenUp counts the units of a transaction the engine gave up.
func (db *DB) countGivenUp(units []*writeReq) {
	for _, r := range units {
		label := booking.WorkLabel(r.ctx)
		v, ok := db.givenUp.Load(label)
		if !ok {
			v, _ = db.givenUp.LoadOrStore(label, new(atomic.Int64))
		}
		v.(*atomic.Int64).Add(1)
	}
}

// EscalationStats counts the call steps that ran lightly first and had to
// run again serially (TryLightTx); always 0 on SQLite.
func (db *DB) EscalationStats() int64 { return db.escalations.Load() }

// SetConflictTurn says whether the writers take the turn across nodes
// after the engine gave a transaction up (runBatch; on unless set off).
// Off, only batches that text codes take it: the two-node soak runs so,
// to show that SERIALIZABLE alone keeps the rules.
func (db *DB) SetConflictTurn(on bool) { db.noConflictTurn.Store(!on) }

// ConflictTurns counts the batches that took the conflict turn
// (runBatch); always 0 on SQLite.
func (db *DB) ConflictTurns() int64 { return db.conflictTurns.Load() }

// CodeTurns counts the batches that took the code turn (runBatch: a
// batch with a step that texts a code). A turn held, code or conflict,
// costs two round trips on a connection of its own (the lock, then its
// release), as does one waited for in vain (TurnsMissed); always 0 on
// SQLite.
func (db *DB) CodeTurns() int64 { return db.codeTurns.Load() }

// TurnsMissed counts batches run without the turn across nodes they
// waited for (Turner: not had in time, or refused): batches of steps
// that text codes, and serial batches after a conflict (runBatch); always
// 0 on SQLite.
func (db *DB) TurnsMissed() int64 { return db.turnsMissed.Load() }

// Waiting is how many write calls wait for a writer to take them from its
// queue, over both writers where there are two (those a writer took and
// holds for a batch of another isolation are not counted).
func (db *DB) Waiting() int { return int(db.waiting.Load()) }

// StatementStats is what the store's Tx methods have run since it opened:
// statements that read (Query, QueryRow; PoolReads of them in View, on the
// read pool, TxReads in a write transaction), that write (Exec, and an
// insert returning its id), savepoints opened (guards and nested units),
// write transactions (Commits, as CommitStats counts them) and the InTx
// calls they carried; SavepointTrips is the savepoint statements sent for
// all of them and for the units of a shared transaction (a SAVEPOINT with
// the RELEASEs waiting, a ROLLBACK TO), and Begins every write
// transaction begun, each attempt of one the engine gave up and each
// light or guarded attempt that then ran serially included: on a server
// each is a round trip, and so is each transaction's COMMIT or ROLLBACK.
// Not counted: what runs outside the Tx methods (migrations, the node
// lease's renewal, the operations metrics' own reads) and the turns
// across nodes (CodeTurns, ConflictTurns).
//
// Pipelined is how many of the Writes were step saves sent together in
// one message (pipeline.go), and Pipelines how many such messages were
// sent: the Writes cost Writes - Pipelined + Pipelines round trips.
type StatementStats struct {
	Reads, PoolReads, TxReads, Writes, Savepoints, SavepointTrips, Commits, Requests, Begins int64
	Pipelines, Pipelined                                                                     int64
}

// StatementStats reports the counters; the difference between two reads
// around one webhook is what that step cost the database.
func (db *DB) StatementStats() StatementStats {
	pool, tx := db.poolReads.Load(), db.txReads.Load()
	return StatementStats{Reads: pool + tx, PoolReads: pool, TxReads: tx, Writes: db.writes.Load(),
		Savepoints: db.savepoints.Load(), SavepointTrips: db.savepointTrips.Load(), Commits: db.commits.Load(), Requests: db.requests.Load(),
		Begins: db.begins.Load(), Pipelines: db.pipelines.Load(), Pipelined: db.pipelined.Load()}
}
