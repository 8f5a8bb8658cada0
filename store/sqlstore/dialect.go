package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"yuyue/booking"
)

// Dialect is what really differs between the engines; everything else —
// the query text, the transaction type, group commit, the key check — is
// written once in this package (the shape of Grafana's
// sqlstore/migrator/dialect.go).
type Dialect interface {
	// Rebind turns the ? placeholders the queries are written with into
	// the engine's own.
	Rebind(query string) string
	// Violation names the domain rule a constraint error broke, if err is
	// one the channels can explain.
	Violation(err error) (Violation, bool)
	// BeginWrite starts a write transaction. It is the only way one is
	// started: SQLite's single writer connection with BEGIN IMMEDIATE,
	// PostgreSQL's transaction-level advisory lock taken first. Either way
	// no other writer runs until it ends, which booking.Store promises.
	BeginWrite(ctx context.Context) (*sql.Tx, error)
	// GuardStatements is true when a failed statement aborts the whole
	// transaction (PostgreSQL), so statements that may break a constraint
	// the caller handles run inside their own savepoint.
	GuardStatements() bool
	// ClaimOutbox returns the statement that marks at most limit due
	// pending outbox rows as sending, codes first (a caller is waiting on
	// the line for one) then oldest first, and returns them (id, to_phone,
	// kind, params, citizen_id, booking_id, attempts, created_at), with its
	// arguments.
	ClaimOutbox(now int64, limit int) (string, []any)
	// RecoverSending returns the statement, with its arguments, that marks
	// the rows this process may recover (left in sending by a stopped
	// worker) as unknown.
	RecoverSending() (string, []any)
	// BeforeRekey refuses a key rotation while another process uses the
	// database (run inside the rekey transaction).
	BeforeRekey(t *Tx) error
}

// StmtPreparer is a Dialect whose driver parses every statement it is given
// as text (go-sqlite3 has no statement cache of its own; pgx caches
// prepared statements per connection already). Prepared returns query
// prepared on the writer's pool, or nil while it is not prepared yet (the
// dialect prepares it in the background once the writer's connection is
// free, so the first transactions to run a query run it as text); the
// transaction binds it to its connection with sql.Tx.StmtContext, which
// reuses the connection's prepared statement.
type StmtPreparer interface {
	Prepared(query string) *sql.Stmt
}

// Querier is what *sql.DB, *sql.Tx and SQLite's statement cache share.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Violation is a schema rule a channel can explain: the domain code a
// constraint violation becomes, whichever engine reported it.
type Violation struct {
	Code booking.Code
	Msg  string
}

// The schema rules behind domain errors. Each dialect maps its engine's
// name for the constraint (SQLite: the columns; PostgreSQL: the constraint
// name in its migrations) to one of these.
var (
	PhoneLinked      = Violation{booking.EPhoneLinked, "the phone is linked to another id number"}
	IDRegistered     = Violation{booking.EConflict, "the id number is already registered"}
	ActiveBooking    = Violation{booking.EActive, "an active booking for this business exists"}
	ReferenceUsed    = Violation{booking.EConflict, "reference already used"}
	PlaceFull        = Violation{booking.EFull, "no places left"}
	CallRecorded     = Violation{booking.EConflict, "call already recorded"}
	OperatorNameUsed = Violation{booking.EConflict, "an operator with this name exists"}
	WaitlistLive     = Violation{booking.EActive, "already on the waitlist for this business"}
)

// mapError turns driver errors into domain errors: constraint violations
// become their codes, no rows becomes ENotFound, the rest pass through.
func (db *DB) mapError(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return booking.Errorf(booking.ENotFound, "%s not found", what)
	}
	if v, ok := db.d.Violation(err); ok {
		return booking.Errorf(v.Code, "%s", v.Msg)
	}
	return err
}
