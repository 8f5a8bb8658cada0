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
	// BeginWrite starts a write transaction of the kind iso asks for. It
	// is the only way one is started. Serial: SQLite's single writer
	// connection with BEGIN IMMEDIATE (no other writer runs until it ends);
	// PostgreSQL's SERIALIZABLE (every committed set of transactions equals
	// some serial order, so what booking.Store promises holds, and a
	// transaction that cannot be fitted into one fails with an error
	// Retryable accepts). Queue: on PostgreSQL READ COMMITTED, for the
	// outbox's claims and the China guard's records (see Queue).
	BeginWrite(ctx context.Context, iso Isolation) (*sql.Tx, error)
	// Retryable is true when err means the engine gave up the transaction
	// to keep the serial order (PostgreSQL: serialization failure 40001,
	// deadlock 40P01) and running it again from the start can succeed.
	// Nothing of it was committed.
	Retryable(err error) bool
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

// WithWrites is a Dialect whose engine runs an UPDATE inside a WITH and
// inserts what it returned (PostgreSQL; SQLite does not): Tx.SaveStep then
// saves a call step in one statement.
type WithWrites interface {
	WithWrites() bool
}

// Turner is a Dialect whose nodes take turns at the batches that would
// otherwise fail each other: Turn waits for the turn named and holds it
// until release. Such batches on two nodes conflict with each other under
// SERIALIZABLE (PostgreSQL), and taking turns costs less than failing and
// running again. Correctness never rests on a turn.
type Turner interface {
	Turn(ctx context.Context, which Turn) (release func(), err error)
}

// Turn names one of the turns a Turner's nodes take, each a lock of its
// own.
type Turn int

const (
	// CodeTurn is taken by the batches holding call steps that text codes
	// (InUrgentTx).
	CodeTurn Turn = iota
	// ConflictTurn is taken, for a while after a conflict, by every other
	// serial batch (runBatch): apart from CodeTurn, so that a code step
	// never waits behind the steps that hold and confirm places.
	ConflictTurn
)

// KeyLocker is a Dialect whose write transactions run side by side
// (PostgreSQL): LockKey returns the statement, with its arguments, that
// takes a lock named key, held until the transaction ends, and returns
// one row saying whether it took it: waiting for it when wait, else at
// once (false: another transaction holds it). A transaction at READ
// COMMITTED that takes it before it reads what others with the same key
// write sees all they committed, and no other writes under that key until
// it ends. On SQLite's one writer every transaction is in that order
// already.
type KeyLocker interface {
	LockKey(key string, wait bool) (string, []any)
}

// OneWriter is a Dialect whose write transactions are all serial whatever
// the Isolation asked (SQLite's single writer).
type OneWriter interface {
	OneWriter() bool
}

// TxEnder is a Dialect where only some failed statements end the
// transaction (SQLite rolls it back whole on an I/O error, a full disk or
// no memory, and undoes any other failed statement alone). EndsTx says
// which; without it, GuardStatements does for every failure.
type TxEnder interface {
	EndsTx(err error) bool
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

// Pipeliner is a Dialect that can send several statements of a write
// transaction in one message (PostgreSQL's extended protocol runs any
// number of them before one Sync, each answered in turn): Pipeline runs
// stmts in order in t, in one round trip, and returns how many rows each
// changed; a failure leaves t aborted. EndWrite gives back what
// BeginWrite took for t, once t has ended. See pipeline.go.
type Pipeliner interface {
	Pipeline(ctx context.Context, t *sql.Tx, stmts []Stmt) ([]int64, error)
	EndWrite(t *sql.Tx)
}

// Stmt is one statement of a Pipeline, written with ? placeholders.
type Stmt struct {
	Query string
	Args  []any
}

// Isolation is the kind of write transaction a request runs in.
type Isolation int

const (
	// Serial is every InTx: the transaction behaves as if no other writer
	// ran beside it (booking.Store's promise), whatever the engine does to
	// get there.
	Serial Isolation = iota
	// Queue is the outbox's work-queue transaction (InQueueTx), whose
	// rules are kept by locks: a claim's row locks (each row is claimed by
	// one worker, and a row another worker holds is skipped, not waited
	// for or conflicted on), and the lock on a number the China guard's
	// record takes (RecordSend, KeyLocker). On PostgreSQL it runs at READ
	// COMMITTED, where FOR UPDATE SKIP LOCKED re-checks a row a concurrent
	// claim changed instead of failing the transaction as SERIALIZABLE
	// would, and a statement after a lock reads what the lock's last
	// holder committed.
	Queue
	// Light is a call step's transaction tried first without the
	// serializable checks (TryLightTx): on PostgreSQL READ COMMITTED, and
	// its only writes may be the call's session and journey rows; any
	// other write makes it run again as Serial.
	Light
	// Guarded is a call step whose rules are all kept by the rows it
	// writes and by unique indexes (TryGuardedTx: a code entered, a
	// citizen registered): on PostgreSQL REPEATABLE READ, which fails a
	// transaction that updates a row another changed since its snapshot
	// but keeps no predicate locks. Its writes may only be those listed
	// in guardedWrites, and a constraint violation is refused as well;
	// either makes it run again as Serial.
	Guarded
)

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
