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

	"github.com/jackc/pgx/v5/pgconn"

	"yuyue/store/sqlstore"
)

// dialect is PostgreSQL's answer to what differs between the engines.
type dialect struct {
	db      *sql.DB
	lockKey int64 // the advisory lock every write transaction takes first
	node    string
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

func (dialect) Rebind(query string) string { return Rebind(query) }

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
func (dialect) Violation(err error) (sqlstore.Violation, bool) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == "23505" || pe.Code == "23514") {
		v, ok := violations[pe.ConstraintName]
		return v, ok
	}
	return sqlstore.Violation{}, false
}

// BeginWrite starts the only kind of write transaction there is here: one
// that first takes a transaction-level advisory lock, released by COMMIT or
// ROLLBACK, which every node's writer waits for. booking.Store promises
// that no other writer runs until the transaction ends: the service reads
// then writes (next queue number, code attempts, booking status) and
// SQLite gives it a single writer. Reads at READ COMMITTED after the lock
// see every earlier writer's commit. Capacity, one active booking, unique
// references and the call's seq stay enforced by the schema and conditional
// updates as well, so nothing relies on the lock alone; View and other
// nodes' reads are never blocked.
func (d *dialect) BeginWrite(ctx context.Context) (*sql.Tx, error) {
	t, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	if _, err := t.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", d.lockKey); err != nil {
		_ = t.Rollback()
		return nil, fmt.Errorf("writer lock: %w", err)
	}
	return t, nil
}

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
