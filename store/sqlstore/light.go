package sqlstore

import (
	"context"
	"errors"
	"strings"
	"unicode"

	"yuyue/booking"
)

// Light transactions. Most steps of a call only move the call along: they
// read what the caller is offered and save the call's session (under its
// seq compare-and-set) and its journey row. Such a step needs none of the
// serializable checks, and on PostgreSQL those checks were what made two
// nodes' transactions fail each other: every step read and wrote the same
// small hot tables. TryLightTx runs a step at READ COMMITTED first, allowed
// to write only those two tables; the first other write is refused, and the
// whole step runs again as an ordinary serializable transaction (InTx, or
// InUrgentTx when it asked to text a code: booking.Service.Step). The rules a step
// can break are all in the writes it was refused, so a step that commits
// as Light broke none; the session's compare-and-set and the journey's key
// hold at any isolation.

// errNeedsSerial is a Light transaction's refusal of a write.
var errNeedsSerial = errors.New("store: a write outside the call's session needs a serial transaction")

// lightWrites are the statements a Light transaction may run that change
// rows: the call's session and journey.
// (Tx.SaveStep's one statement for both is allowed as a whole.)
var lightWrites = []string{"UPDATE call_sessions SET ", "INSERT INTO call_sessions ", "INSERT INTO call_events "}

// guardedWrites are the statements a Guarded transaction may run that
// change rows, besides the call's session and journey: each keeps its
// rule by the row it writes or a unique index, which REPEATABLE READ
// enforces between nodes (an update of a row another transaction changed
// since the snapshot fails, a duplicate key waits for the other to end
// and fails). A code's attempts are counted on its own row; a number's
// verification is its (phone, purpose) row; a citizen's phone and ID
// number are unique among active citizens; the audit trail has no rule.
var guardedWrites = []string{
	updateCode,
	"INSERT INTO phone_verifications ",
	"INSERT INTO citizens ",
	"INSERT INTO audit ",
}

// ran notes what a statement did: err from running it, changed whether it
// changed rows (or may have). In a Guarded transaction a constraint
// violation is a refusal: under SERIALIZABLE a duplicate of a row not yet
// visible fails the transaction to be run again, and the run again sees
// the row and gives the domain's answer; REPEATABLE READ reports the
// duplicate at once, so the step runs again serially instead.
func (g *lightGuard) ran(err error, changed bool) {
	if g == nil {
		return
	}
	if err != nil {
		g.failed = true
		if g.guarded != nil {
			if _, ok := g.guarded.Violation(err); ok {
				g.refused = true
			}
		}
	} else if changed {
		g.wrote = true
	}
}

// lightGuard is shared by a Light transaction's Tx and its savepoints.
// wrote says a statement changed rows, or may have (one whose result does
// not say: an INSERT … RETURNING); failed that a statement failed, which
// on PostgreSQL leaves the transaction aborted. A savepoint rolled back
// undoes both (Tx.savepoint). runLightUnit reads them.
//
// A Guarded transaction's guard (guarded: its dialect, which tells
// constraint violations) allows guardedWrites as well and refuses a
// statement that failed on a constraint.
type lightGuard struct {
	refused, wrote, failed bool
	guarded                Dialect
}

// allow refuses, and remembers refusing, a statement that writes anything
// but the call's own rows; nil guard (not Light) allows everything.
func (g *lightGuard) allow(query string) error {
	if g == nil {
		return nil
	}
	q := strings.TrimLeftFunc(query, unicode.IsSpace)
	switch verbOf(q) {
	case "SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK":
		return nil
	}
	if q == saveStep {
		return nil
	}
	for _, w := range lightWrites {
		if strings.HasPrefix(q, w) {
			return nil
		}
	}
	if g.guarded != nil {
		for _, w := range guardedWrites {
			if strings.HasPrefix(q, w) {
				return nil
			}
		}
	}
	g.refused = true
	return errNeedsSerial
}

// verbOf is a statement's first word, upper-cased (a statement may go on
// on the next line right after it).
func verbOf(query string) string {
	q := strings.TrimLeftFunc(query, unicode.IsSpace)
	if i := strings.IndexFunc(q, unicode.IsSpace); i >= 0 {
		q = q[:i]
	}
	return strings.ToUpper(q)
}

func (db *DB) oneWriter() bool {
	w, ok := db.d.(OneWriter)
	return ok && w.OneWriter()
}

// withWrites is true where the engine runs an UPDATE inside a WITH
// (WithWrites).
func (db *DB) withWrites() bool {
	w, ok := db.d.(WithWrites)
	return ok && w.WithWrites()
}

func (db *DB) newTx(sp *savepoints, ctx context.Context, iso Isolation) *Tx {
	tx := &Tx{db: db, sqlTx: sp.t, q: sp.t, ctx: ctx, sp: sp}
	switch iso {
	case Light:
		tx.light = &lightGuard{}
	case Guarded:
		tx.light = &lightGuard{guarded: db.d}
	}
	return tx
}

// TryGuardedTx runs fn once as a Guarded transaction
// (booking.GuardedStore); ran is false, with nothing of the attempt left,
// when fn wrote something not in guardedWrites or a statement of it
// failed on a constraint, and it must run serially. Where every write
// transaction is serial anyway (SQLite's one writer) it is InTx, and ran.
// A refusal counts as an escalation, as a Light one does.
func (db *DB) TryGuardedTx(ctx context.Context, fn func(booking.Tx) error) (ran bool, err error) {
	return db.tryTx(ctx, Guarded, fn)
}

// TryLightTx runs fn once as a Light transaction (booking.LightStore);
// ran is false, with nothing of the attempt left, when fn wrote more than
// the call's session and journey and must run serially. Where every write
// transaction is serial anyway (SQLite's one writer) it is InTx, and ran.
func (db *DB) TryLightTx(ctx context.Context, fn func(booking.Tx) error) (ran bool, err error) {
	return db.tryTx(ctx, Light, fn)
}

// tryTx makes TryLightTx's and TryGuardedTx's one attempt at iso: InTx
// where every transaction is serial anyway; a refusal (errNeedsSerial)
// is ran false, counted as an escalation.
func (db *DB) tryTx(ctx context.Context, iso Isolation, fn func(booking.Tx) error) (ran bool, err error) {
	if db.oneWriter() {
		return true, db.InTx(ctx, fn)
	}
	err = db.submit(ctx, iso, fn)
	if errors.Is(err, errNeedsSerial) {
		db.escalations.Add(1)
		return false, nil
	}
	return true, err
}
