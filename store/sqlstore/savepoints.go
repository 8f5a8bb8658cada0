package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// savepoints sends one write transaction's savepoint statements. A
// savepoint is named by its prefix and its depth among the savepoints
// open when it is made (w1, n2, g3): no two savepoints the server still
// holds share a name, even with releases waiting (below), so a statement
// names the one meant and no other; and the names are few, which keeps
// the server's statement statistics (pg_stat_statements) to a handful of
// entries.
//
// A RELEASE is not sent on its own. It waits and goes in one statement
// with the next SAVEPOINT, or never: a ROLLBACK TO destroys it, and COMMIT
// (or ROLLBACK) ends it with the transaction. That is safe because
// savepoints nest: one released while another is still open was made
// after that one, so rolling back to the open one undoes it anyway; and
// the releases waiting are sent before any new savepoint is made, so a
// ROLLBACK TO cannot land on a savepoint released but not yet told that
// has the same name. Work done between a release and the next SAVEPOINT
// stays inside the released savepoint until then, which changes nothing of
// what commits. On PostgreSQL each statement is a round trip: in a
// two-node rush the releases were 15 % of the statements the nodes sent
// (38,215 of 249,013, pg_stat_statements). On SQLite each is a call into
// the library that parses it again; a group-commit batch runs every unit
// in a savepoint, and sending them all cost its one writer about a tenth
// of its steps a second (docs/architecture.md).
//
// Sending two statements in one message relies on the driver's simple
// query protocol: pgx sends an Exec without arguments that way whatever
// its default mode (the extended protocol would refuse "A; B").
//
// A savepoint is also made only when it is needed: just before the first
// write inside it (ready). Until then it is only a name on a stack, and
// rolling back to it or releasing it sends nothing: nothing was written
// since it was opened, so there is nothing to undo. Savepoints opened one
// inside another with no write between them stand at the same point of
// the transaction, so ready makes one server savepoint for all of them,
// named after the outermost, and the inner ones roll back to it. A call
// step that holds a place opened three at once (the step's, the hold's,
// the insert's guard) and sent each on its own.
//
// A read that fails inside a savepoint not yet made leaves a PostgreSQL
// transaction aborted with no savepoint to return to (abortsTx): rolling
// back to it then fails (errNoSavepoint), so the unit fails, the shared transaction
// is abandoned (runBatch) and its units run again alone; such a failure is
// never a domain refusal, and PostgreSQL never commits an aborted
// transaction in any case. (A failure seen only at a Row's Scan is not
// noted here; the statement after it fails, as the transaction is aborted.)
// A server savepoint made for an inner savepoint that a failure left open
// when an outer one sharing an older server savepoint was released stays
// on the server until that one ends; a later savepoint of the same name
// shadows it, which both engines allow. Most failed statements on SQLite
// undo only themselves and the transaction goes on, so there a rollback to
// a savepoint never made has nothing to undo; but an I/O error, a full
// disk or no memory rolls the whole transaction back (abortsTx, TxEnder),
// and then, as on PostgreSQL, nothing more of it may run: ready refuses
// every later write, which would otherwise run outside any transaction
// and commit alone.
type savepoints struct {
	t       *sql.Tx
	pending []string // RELEASE statements not yet sent, innermost first
	// opened is the savepoints open, outermost first (their depth is their
	// place in it).
	opened []openSavepoint
	// failed is set when a statement failed, in a way that aborted or
	// ended the transaction (DB.abortsTx), since the last ROLLBACK TO;
	// rolling back to a savepoint never made cannot undo that, and says so.
	failed bool
	db     *DB // its savepointTrips count the statements sent
	// pipe holds the step saves waiting to be sent together, in a batch
	// of Light units where the dialect can (pipeline.go); nil otherwise.
	pipe *pipeline
	// keys counts the keyed locks the transaction took (Tx.lockKey).
	keys int
}

// openSavepoint is a savepoint open: name is the caller's,
// server the savepoint made for it on the server ("" while none is: no
// write since it was opened). server is name itself for the outermost of
// those made together, whose RELEASE alone is sent.
type openSavepoint struct{ name, server string }

func (db *DB) newSavepoints(t *sql.Tx) *savepoints {
	return &savepoints{t: t, db: db}
}

// abortsTx says whether err, a failed statement's, ended or aborted the
// transaction: every one on PostgreSQL (Dialect.GuardStatements), only
// some on SQLite (TxEnder: an I/O error, a full disk, no memory), where
// the others undo only their own statement.
func (db *DB) abortsTx(err error) bool {
	if e, ok := db.d.(TxEnder); ok {
		return e.EndsTx(err)
	}
	return db.d.GuardStatements()
}

func (s *savepoints) exec(ctx context.Context, q string) error {
	if err := s.flush(ctx); err != nil {
		return err
	}
	s.db.savepointTrips.Add(1)
	_, err := s.t.ExecContext(ctx, q)
	return err
}

// open opens a new savepoint and returns its name; the server's savepoint
// waits for the first write inside it (ready).
func (s *savepoints) open(prefix string) string {
	name := prefix + strconv.Itoa(len(s.opened)+1)
	s.opened = append(s.opened, openSavepoint{name: name})
	return name
}

// ready makes, before a write, the server savepoint the savepoints opened
// since the last write stand for, in one round trip with the releases
// waiting. After a failure that aborted the transaction and no rollback
// to a savepoint made before it, it refuses: PostgreSQL would refuse the
// write anyway, and an SQLite transaction that ended would otherwise run
// the write outside it (a SAVEPOINT then begins a new transaction, a
// write with none commits at once).
func (s *savepoints) ready(ctx context.Context) error {
	if s == nil {
		return nil
	}
	if s.failed {
		return errNoSavepoint
	}
	i := len(s.opened)
	for i > 0 && s.opened[i-1].server == "" {
		i--
	}
	if i == len(s.opened) {
		return nil
	}
	server := s.opened[i].name
	q := "SAVEPOINT " + server
	if len(s.pending) > 0 {
		q = strings.Join(append(s.pending, q), "; ")
	}
	if err := s.exec(ctx, q); err != nil {
		s.failed = true
		return err
	}
	s.pending = s.pending[:0]
	for j := i; j < len(s.opened); j++ {
		s.opened[j].server = server
	}
	return nil
}

// rollbackTo undoes everything since name, the innermost savepoint open,
// was made; name stays open. The releases waiting were of savepoints made
// after it, which this ends. A savepoint with no write since it was
// opened has nothing to undo.
func (s *savepoints) rollbackTo(ctx context.Context, name string) error {
	i := s.find(name)
	if i < 0 {
		return fmt.Errorf("sqlstore: rollback to savepoint %s, which is not open", name)
	}
	s.opened = s.opened[:i+1]
	server := s.opened[i].server
	if server == "" {
		if s.failed {
			return errNoSavepoint
		}
		return nil
	}
	s.pending = s.pending[:0]
	if err := s.exec(ctx, "ROLLBACK TO SAVEPOINT "+server); err != nil {
		return err
	}
	s.failed = false
	return nil
}

// errNoSavepoint is a rollback to a savepoint never made after a statement
// failed: the transaction stays aborted, and its unit fails.
var errNoSavepoint = errors.New("store: a statement failed inside a savepoint with nothing written yet, and there is no savepoint to return to")

// noteFailure records that a statement of the transaction failed.
func (s *savepoints) noteFailure(err error) {
	if s != nil && err != nil && s.db.abortsTx(err) {
		s.failed = true
	}
}

// release ends name, the innermost savepoint open, keeping what was done
// in it.
func (s *savepoints) release(name string) error {
	i := s.find(name)
	if i < 0 {
		return fmt.Errorf("sqlstore: release savepoint %s, which is not open", name)
	}
	sp := s.opened[i]
	// Savepoints still open inside it (left by a failure that ended their
	// caller early) end with it, on the server as here.
	s.opened = s.opened[:i]
	if sp.server == sp.name {
		s.pending = append(s.pending, "RELEASE SAVEPOINT "+name)
	}
	return nil
}

// find is the position of the open savepoint name, the innermost of that
// name, or -1.
func (s *savepoints) find(name string) int {
	for i := len(s.opened) - 1; i >= 0; i-- {
		if s.opened[i].name == name {
			return i
		}
	}
	return -1
}
