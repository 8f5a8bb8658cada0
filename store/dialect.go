package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/mattn/go-sqlite3"

	"yuyue/store/sqlstore"
)

// dialect is SQLite's answer to what differs between the engines. Its
// writer statements stay prepared (sqlstore.StmtPreparer).
type dialect struct {
	writer *sql.DB
	*writerStmts
}

// Rebind keeps the ? placeholders the queries are written with.
func (dialect) Rebind(query string) string { return query }

// violations maps what SQLite names in a constraint error — the columns of
// a UNIQUE index, the text of a CHECK — to the domain rule.
var violations = []struct {
	names string
	v     sqlstore.Violation
}{
	{"citizens.phone", sqlstore.PhoneLinked},
	{"citizens.id_hash", sqlstore.IDRegistered},
	{"bookings.citizen_id, bookings.business", sqlstore.ActiveBooking},
	{"bookings.reference", sqlstore.ReferenceUsed},
	{"waitlist.citizen_id, waitlist.business", sqlstore.WaitlistLive},
	{"taken <= capacity", sqlstore.PlaceFull},
	{"call_sessions.call_sid", sqlstore.CallRecorded},
	{"operators.name", sqlstore.OperatorNameUsed},
}

func (dialect) Violation(err error) (sqlstore.Violation, bool) {
	var se sqlite3.Error
	if !errors.As(err, &se) || se.Code != sqlite3.ErrConstraint {
		return sqlstore.Violation{}, false
	}
	for _, c := range violations {
		if strings.Contains(se.Error(), c.names) {
			return c.v, true
		}
	}
	return sqlstore.Violation{}, false
}

// BeginWrite starts a transaction on the one writer connection; the DSN's
// _txlock=immediate makes it BEGIN IMMEDIATE. With one writer every
// transaction is serial, a queue claim too.
func (d dialect) BeginWrite(ctx context.Context, _ sqlstore.Isolation) (*sql.Tx, error) {
	t, err := d.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return t, nil
}

// OneWriter is true: BeginWrite ignores the isolation, every write
// transaction runs alone on the one writer connection.
func (dialect) OneWriter() bool { return true }

// Retryable is false: a lone writer is never given up for another's sake
// (SQLITE_BUSY from another process is waited out by the busy timeout).
func (dialect) Retryable(error) bool { return false }

// GuardStatements is false: a failed statement leaves an SQLite
// transaction usable.
func (dialect) GuardStatements() bool { return false }

// EndsTx is true for the failures after which SQLite may have rolled the
// whole transaction back and gone on in autocommit mode (its "errors that
// can cause an automatic rollback", with an interrupt and a corrupt file):
// the writer then refuses every later write of the transaction
// (sqlstore.TxEnder). A constraint, a type or an SQL error undoes only its
// statement.
func (dialect) EndsTx(err error) bool {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return false // not the library's: no statement ran
	}
	switch se.Code {
	case sqlite3.ErrIoErr, sqlite3.ErrFull, sqlite3.ErrNomem, sqlite3.ErrBusy,
		sqlite3.ErrInterrupt, sqlite3.ErrCorrupt, sqlite3.ErrNotADB:
		return true
	}
	return false
}

// ClaimOutbox: one process owns an SQLite database (the file lease), so
// claiming needs no row locks.
func (dialect) ClaimOutbox(now int64, limit int) (string, []any) {
	return `UPDATE outbox SET status = 'sending', attempts = attempts + 1
		WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
			ORDER BY CASE WHEN kind = 'code' THEN 0 ELSE 1 END, id LIMIT ?)
		RETURNING id, to_phone, kind, params, citizen_id, booking_id, attempts, created_at`, []any{now, limit}
}

// RecoverSending: every row in sending is this process's.
func (dialect) RecoverSending() (string, []any) {
	return `UPDATE outbox SET status = 'unknown', params = '{}', last_error = 'worker stopped during send' WHERE status = 'sending'`, nil
}

// BeforeRekey has nothing to check: the CLI holds the file lease, so no
// server runs on the database.
func (dialect) BeforeRekey(*sqlstore.Tx) error { return nil }
