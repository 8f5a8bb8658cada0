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

// ran notes what a statement did: err from running it, changed whether it
// changed rows (or may have).
func (g *lightGuard) ran(err error, changed bool) {
	if g == nil {
		return
	}
	if err != nil {
		g.failed = true
	} else if changed {
		g.wrote = true
	}
}

// lightGuard is shared by a Light transaction's Tx and its savepoints.
// wrote says a statement changed rows, or may have (one whose result does
// not say: an INSERT … RETURNING); failed that a statement failed, which
// on PostgreSQL leaves the transaction aborted. A savepoint rolled back
// undoes both (Tx.savepoint). runLightUnit reads them.
type lightGuard struct{ refused, wrote, failed bool }

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
	if iso == Light {
		tx.light = &lightGuard{}
	}
	return tx
}

// TryLightTx runs fn once as a Light transaction (booking.LightStore);
// ran is false, with nothing of the attempt left, when fn wrote more than
// the call's session and journey and must run serially. Where every write
// transaction is serial anyway (SQLite's one writer) it is InTx, and ran.
func (db *DB) TryLightTx(ctx context.Context, fn func(booking.Tx) error) (ran bool, err error) {
	if db.oneWriter() {
		return true, db.InTx(ctx, fn)
	}
	err = db.submit(ctx, Light, fn)
	if errors.Is(err, errNeedsSerial) {
		db.escalations.Add(1)
		return false, nil
	}
	return true, err
}
