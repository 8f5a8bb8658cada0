package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"yuyue/store/sqlstore"
)

// dialect is PostgreSQL's answer to what differs between the engines.
type dialect struct {
	db   *sql.DB
	node string
	// turns are the advisory lock keys of the turns (Turn), by
	// sqlstore.Turn.
	turns [2]int64
	// schema keeps the keys of LockKey apart between schemas (advisory
	// locks are per database).
	schema string
	// conns are the connections of the write transactions open, by their
	// *sql.Tx (BeginWrite, EndWrite).
	conns sync.Map
}

// rebound caches Rebind's results: queries are a fixed set of constants.
var rebound sync.Map

// Rebind turns the ? placeholders into PostgreSQL's $1, $2… No query has a
// ? inside a string literal.
func Rebind(query string) string {
	if q, ok := rebound.Load(query); ok {
		return q.(string)
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	rebound.Store(query, b.String())
	return b.String()
}

func (*dialect) Rebind(query string) string { return Rebind(query) }

// violations maps the constraints named in the migrations to the domain
// rule.
var violations = map[string]sqlstore.Violation{
	"citizens_phone_active":  sqlstore.PhoneLinked,
	"citizens_id_active":     sqlstore.IDRegistered,
	"bookings_one_active":    sqlstore.ActiveBooking,
	"bookings_reference_key": sqlstore.ReferenceUsed,
	"waitlist_one_live":      sqlstore.WaitlistLive,
	"places_taken_check":     sqlstore.PlaceFull,
	"call_sessions_pkey":     sqlstore.CallRecorded,
	"operators_name_key":     sqlstore.OperatorNameUsed,
}

// Violation reads unique (23505) and check (23514) violations.
func (*dialect) Violation(err error) (sqlstore.Violation, bool) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == "23505" || pe.Code == "23514") {
		v, ok := violations[pe.ConstraintName]
		return v, ok
	}
	return sqlstore.Violation{}, false
}

// BeginWrite starts a write transaction with no lock of its own: nodes
// write side by side. Serial transactions run at SERIALIZABLE: PostgreSQL
// guarantees (SSI) that every set of them that commits has the effect of
// some serial order, so the read-then-write rules the service keeps inside
// one InTx (next queue number, code attempts, one active booking, the
// waitlist's order) hold exactly as they did under one global writer lock;
// when it cannot fit a transaction into such an order it fails it (40001,
// or 40P01 for a deadlock) and the group writer runs it again (Retryable).
// Capacity, one active booking, one phone per ID number, unique references
// and the call's seq stay enforced by the schema as well. Queue
// transactions (the outbox's claims, and the China guard's records under
// a lock per number: LockKey) run at READ COMMITTED, where FOR UPDATE
// SKIP LOCKED skips or re-checks rows other nodes claim.
// Guarded transactions (a call step whose every write keeps its rule on
// its own row or a unique index) run at REPEATABLE READ.
func (d *dialect) BeginWrite(ctx context.Context, iso sqlstore.Isolation) (*sql.Tx, error) {
	level := sql.LevelSerializable
	switch iso {
	case sqlstore.Queue, sqlstore.Light:
		level = sql.LevelReadCommitted
	case sqlstore.Guarded:
		level = sql.LevelRepeatableRead
	}
	c, err := d.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	t, err := c.BeginTx(ctx, &sql.TxOptions{Isolation: level})
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("begin: %w", err)
	}
	d.conns.Store(t, c)
	return t, nil
}

// EndWrite gives t's connection back to the pool once t has ended
// (sqlstore.Pipeliner). BeginWrite takes the connection itself, not
// through the pool's BeginTx, so that Pipeline can reach the pgx
// connection under the transaction.
func (d *dialect) EndWrite(t *sql.Tx) {
	if c, ok := d.conns.LoadAndDelete(t); ok {
		c.(*sql.Conn).Close()
	}
}

// Pipeline runs stmts in t in one message: pgx's batch sends every
// statement's Bind and Execute with one Sync at the end, so the server
// runs them in order and answers them together (sqlstore.Pipeliner). A
// failed statement aborts t, and the ones after it are not run.
func (d *dialect) Pipeline(ctx context.Context, t *sql.Tx, stmts []sqlstore.Stmt) ([]int64, error) {
	c, ok := d.conns.Load(t)
	if !ok {
		return nil, errors.New("pipeline: the transaction was not begun by BeginWrite")
	}
	changed := make([]int64, len(stmts))
	err := c.(*sql.Conn).Raw(func(dc any) (err error) {
		// A panic must not leave Raw: it would close the connection, which
		// waits for the open transaction to end, on the goroutine that
		// would end it. It fails the message instead, and so the batch.
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("pipeline: %v", p)
			}
		}()
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("pipeline: driver connection is %T, not pgx's", dc)
		}
		b := &pgx.Batch{}
		for _, s := range stmts {
			b.Queue(Rebind(s.Query), s.Args...)
		}
		br := pc.Conn().SendBatch(ctx, b)
		for i := range stmts {
			tag, err := br.Exec()
			if err != nil {
				br.Close()
				return err
			}
			changed[i] = tag.RowsAffected()
		}
		return br.Close()
	})
	if err != nil {
		return nil, err
	}
	return changed, nil
}

// Turn waits until no other writer, on any node, holds the turn named,
// and holds it until release: a transaction advisory lock (a key per
// turn), taken in a transaction of its own on another connection before
// the batch's transaction begins, so that the batch's snapshot already
// holds what the previous turn wrote. Two batches of steps that text
// codes on two nodes otherwise always failed each other (the hourly
// budget of unverified codes counts the codes every other one inserts);
// sqlstore takes the other turn for serial batches after a conflict. A
// turn only saves retries: SERIALIZABLE keeps the rules where a batch
// runs without it.
// The turn's transaction stays idle while the batch runs, so the server's
// idle_in_transaction_session_timeout (15 s, Open) ends the turn of a
// node that froze holding it; a connection lost gives it up too, and the
// pool never takes back a connection left in a transaction.
//
// Taking the turn is one round trip (BEGIN and the lock in one message)
// and giving it back none the writer waits for: the ROLLBACK is sent from
// a goroutine of its own, after the batch committed. It used to be three
// waited for (BEGIN, the lock, ROLLBACK), which made taking the turn for
// every serial batch after a conflict cost more than the retries it saved.
func (d *dialect) Turn(ctx context.Context, which sqlstore.Turn) (release func(), err error) {
	c, err := d.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("turn: %w", err)
	}
	// Without arguments pgx sends both statements as one simple query. The
	// key is a number of our own, formatted, not input.
	giveBack := func() {
		c.ExecContext(context.Background(), "ROLLBACK")
		c.Close()
	}
	if _, err := c.ExecContext(ctx, "BEGIN; SELECT pg_advisory_xact_lock("+strconv.FormatInt(d.turns[which], 10)+")"); err != nil {
		giveBack()
		return nil, fmt.Errorf("turn: %w", err)
	}
	return func() { go giveBack() }, nil
}

// LockKey takes a transaction advisory lock (sqlstore.KeyLocker) on a
// 64-bit key made from key and the schema: two keys that hash alike only
// wait for each other.
func (d *dialect) LockKey(key string, wait bool) (string, []any) {
	if wait {
		return `SELECT true FROM pg_advisory_xact_lock(?)`, []any{d.lockKey(key)}
	}
	return `SELECT pg_try_advisory_xact_lock(?)`, []any{d.lockKey(key)}
}

func (d *dialect) lockKey(key string) int64 { return advisoryKey("yuyue key " + d.schema + " " + key) }

// Retryable is true for a serialization failure (40001) or a deadlock
// (40P01): PostgreSQL rolled the transaction back, and the same work run
// again in a new one sees the other transaction's commit.
func (*dialect) Retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// WithWrites is true: a call step's session and journey are saved in one
// statement (sqlstore.Tx.SaveStep).
func (*dialect) WithWrites() bool { return true }

// GuardStatements is true: any failed statement aborts a PostgreSQL
// transaction.
func (*dialect) GuardStatements() bool { return true }

// ClaimOutbox claims rows for this node: SKIP LOCKED lets nodes claim side
// by side without waiting on or sharing a row, and claimed_by says whose
// they are should the node stop (RecoverSending, RecoverDead).
func (d *dialect) ClaimOutbox(now int64, limit int) (string, []any) {
	return `UPDATE outbox SET status = 'sending', attempts = attempts + 1, claimed_by = ?
		WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
			ORDER BY CASE WHEN kind = 'code' THEN 0 ELSE 1 END, id LIMIT ?
			FOR UPDATE SKIP LOCKED)
		RETURNING id, to_phone, kind, params, citizen_id, booking_id, attempts, created_at`, []any{d.node, now, limit}
}

// RecoverSending touches only this node's rows and those of nodes whose
// lease ran out; another live node's in-flight sends are its own business.
func (d *dialect) RecoverSending() (string, []any) {
	return `UPDATE outbox SET status = 'unknown', params = '{}', last_error = 'worker stopped during send'
		WHERE status = 'sending' AND (claimed_by = ? OR claimed_by NOT IN (SELECT id FROM nodes WHERE lease_until >= ?))`,
		[]any{d.node, time.Now().UnixMilli()}
}

// BeforeRekey refuses while another node's lease is live: there is no file
// lease, and a node on the old key would fail every ID lookup after the
// commit. Stop them all, rekey, restart them with the new key.
func (d *dialect) BeforeRekey(t *sqlstore.Tx) error {
	var live int
	if err := t.QueryRow(`SELECT count(*) FROM nodes WHERE id <> ? AND lease_until >= ?`,
		d.node, time.Now().UnixMilli()).Scan(&live); err != nil {
		return err
	}
	if live > 0 {
		return fmt.Errorf("%d other yuyue node(s) hold a live lease on this database: stop them first", live)
	}
	return nil
}
