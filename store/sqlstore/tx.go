package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"yuyue/booking"
)

// Tx implements booking.Tx: on one write transaction (InTx), or on the
// engine's read pool with no transaction (View).
type Tx struct {
	db    *DB
	sqlTx *sql.Tx // nil in View
	q     Querier
	ctx   context.Context
	light *lightGuard // set in a Light transaction (light.go)
	sp    *savepoints // the write transaction's (nil in View)
}

var errReadOnly = errors.New("store: write inside View")

// Exec runs a write statement (writes happen only in InTx).
func (t *Tx) Exec(query string, args ...any) (sql.Result, error) {
	if t.sqlTx == nil {
		return nil, errReadOnly
	}
	if err := t.light.allow(query); err != nil {
		return nil, err
	}
	t.db.writes.Add(1)
	if err := t.flush(); err != nil {
		return nil, err
	}
	if err := t.ready(); err != nil {
		return nil, err
	}
	query = t.db.d.Rebind(query)
	var res sql.Result
	var err error
	if st := t.prepared(query); st != nil {
		res, err = st.ExecContext(t.ctx, args...)
	} else {
		res, err = t.q.ExecContext(t.ctx, query, args...)
	}
	t.sp.noteFailure(err)
	if t.light != nil {
		changed := true
		if err == nil {
			n, nerr := res.RowsAffected()
			changed = nerr != nil || n > 0 // a lost compare-and-set changed nothing
		}
		t.light.ran(err, changed)
	}
	return res, err
}

// Query runs a query.
func (t *Tx) Query(query string, args ...any) (*sql.Rows, error) {
	if err := t.light.allow(query); err != nil {
		return nil, err
	}
	t.count(query)
	write := t.light != nil && isWrite(query)
	if err := t.flush(); err != nil {
		return nil, err
	}
	if changes(query) {
		if err := t.ready(); err != nil {
			return nil, err
		}
	}
	query = t.db.d.Rebind(query)
	var rows *sql.Rows
	var err error
	if st := t.prepared(query); st != nil {
		rows, err = st.QueryContext(t.ctx, args...)
	} else {
		rows, err = t.q.QueryContext(t.ctx, query, args...)
	}
	t.sp.noteFailure(err)
	t.light.ran(err, write)
	return rows, err
}

// isWrite is true for a statement that changes rows (an UPDATE …
// RETURNING runs through Query too). A Light transaction refuses any WITH
// but SaveStep's, which runs through Exec.
func isWrite(query string) bool {
	switch verbOf(query) {
	case "INSERT", "UPDATE", "DELETE":
		return true
	}
	return false
}

// flush sends the step saves waiting (pipeline.go) before another
// statement; its failure is that statement's.
func (t *Tx) flush() error { return t.sp.flush(t.ctx) }

// ready makes the savepoints a write is about to need (savepoints.ready);
// a Light transaction notes a failure as its statement's.
func (t *Tx) ready() error {
	err := t.sp.ready(t.ctx)
	if err != nil {
		t.light.ran(err, false)
	}
	return err
}

// changes is true for a statement that may change rows, before which the
// savepoints opened since the last write are made (savepoints.ready): a
// write, or a WITH (SaveStep's writes inside one).
func changes(query string) bool {
	return isWrite(query) || verbOf(query) == "WITH"
}

// QueryRow runs a one-row query.
func (t *Tx) QueryRow(query string, args ...any) *Row {
	t.count(query)
	return t.queryRow(query, args...)
}

// Row is a one-row query's result, or the refusal of a write that was
// never sent: its Scan returns that refusal.
type Row struct {
	row     *sql.Row
	refused error
}

// Scan copies the row's columns into dest, or returns the refusal.
func (r *Row) Scan(dest ...any) error {
	if r.refused != nil {
		return r.refused
	}
	return r.row.Scan(dest...)
}

// queryRow runs a one-row query uncounted (the caller counts it).
func (t *Tx) queryRow(query string, args ...any) *Row {
	if err := t.light.allow(query); err != nil { // refused, and not sent
		return &Row{refused: err}
	}
	// A Row's error shows only at Scan: a write is taken as done, and a
	// failed one fails its step, which then has written (runLightUnit).
	t.light.ran(nil, t.light != nil && isWrite(query))
	if err := t.flush(); err != nil {
		return &Row{refused: err}
	}
	if changes(query) {
		// A write the savepoints refuse is not sent: the transaction is
		// aborted, ended, or its connection gone, and on SQLite a write
		// after the transaction ended would commit alone.
		if err := t.sp.ready(t.ctx); err != nil {
			return &Row{refused: err}
		}
	}
	query = t.db.d.Rebind(query)
	var row *sql.Row
	if st := t.prepared(query); st != nil {
		row = st.QueryRowContext(t.ctx, args...)
	} else {
		row = t.q.QueryRowContext(t.ctx, query, args...)
	}
	t.sp.noteFailure(row.Err()) // what the query itself returned; a failure at Scan shows only there
	return &Row{row: row}
}

// prepared is query's statement prepared on the writer connection, bound
// to this transaction, when the dialect keeps such statements
// (StmtPreparer) and has one ready; nil runs the query as text (View's
// reads have their own cache in the engine's read pool).
func (t *Tx) prepared(query string) *sql.Stmt {
	if t.sqlTx == nil {
		return nil
	}
	p, ok := t.db.d.(StmtPreparer)
	if !ok {
		return nil
	}
	st := p.Prepared(query)
	if st == nil {
		return nil
	}
	return t.sqlTx.StmtContext(t.ctx, st)
}

// count adds a query to StatementStats: a write when it changes rows (an
// UPDATE … RETURNING runs through Query too, and every WITH here holds a
// write), else a read, on the read pool when in View.
func (t *Tx) count(query string) {
	if changes(query) {
		t.db.writes.Add(1)
		return
	}
	if t.sqlTx == nil {
		t.db.poolReads.Add(1)
	} else {
		t.db.txReads.Add(1)
	}
}

// guard runs a statement that may violate a constraint the caller handles
// as a domain error. Where a failed statement aborts the whole transaction
// (PostgreSQL; SQLite just fails the statement) it runs in its own
// savepoint, so a violation leaves the transaction usable.
//
// A statement that cannot violate any constraint (its WHERE clause or its
// key rules the violation out) goes without: see insertRow and the
// statements that call Exec directly. The savepoint costs a SAVEPOINT
// round trip on every such statement (its RELEASE waits for the next one:
// savepoints.go), which the steps of a call paid on each webhook.
func (t *Tx) guard(fn func() error) error {
	if t.sqlTx == nil || !t.db.d.GuardStatements() {
		return fn()
	}
	return t.savepoint("g", fn)
}

// insertID runs an INSERT … RETURNING id under guard, mapping constraint
// violations.
func (t *Tx) insertID(what, query string, args ...any) (int64, error) {
	var id int64
	err := t.guard(func() (err error) { id, err = t.insertRow(what, query, args...); return err })
	return id, err
}

// insertRow runs an INSERT … RETURNING id with no guard: for a table whose
// only constraints the statement cannot break (a generated key, CHECKs its
// values satisfy by construction).
func (t *Tx) insertRow(what, query string, args ...any) (int64, error) {
	if t.sqlTx == nil {
		return 0, errReadOnly
	}
	if err := t.light.allow(query); err != nil {
		return 0, err // refused, and not run: not counted
	}
	var id int64
	t.db.writes.Add(1)
	err := t.queryRow(query+" RETURNING id", args...).Scan(&id)
	if err != nil {
		t.light.ran(err, false) // a Row's failure shows only here
	}
	return id, t.db.mapError(err, what)
}

// execMapped runs a write under guard and maps constraint violations.
func (t *Tx) execMapped(what, query string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := t.guard(func() (err error) { res, err = t.Exec(query, args...); return err })
	return res, t.db.mapError(err, what)
}

// Savepoint runs fn as a nested atomic unit inside the transaction.
func (t *Tx) Savepoint(fn func(booking.Tx) error) error {
	if t.sqlTx == nil { // View: reads only, nothing to undo
		return fn(t)
	}
	return t.savepoint("n", func() error { return fn(t) })
}

// savepoint runs fn inside a new savepoint named from prefix: undone when fn returns an error
// or panics (the panic goes on up).
func (t *Tx) savepoint(prefix string, fn func() error) (err error) {
	t.db.savepoints.Add(1)
	name := t.sp.open(prefix)
	var before lightGuard
	if t.light != nil {
		before = *t.light
	}
	defer func() {
		if p := recover(); p != nil {
			t.sp.rollbackTo(t.ctx, name)
			t.sp.release(name)
			panic(p)
		}
	}()
	if err = fn(); err != nil {
		if rerr := t.sp.rollbackTo(t.ctx, name); rerr != nil {
			if t.light != nil {
				t.light.failed = true
			}
			return errors.Join(err, rerr)
		}
		if t.light != nil { // undone: as before the savepoint, but a refusal stays
			before.refused = before.refused || t.light.refused
			*t.light = before
		}
	}
	if rerr := t.sp.release(name); rerr != nil && err == nil {
		return rerr
	}
	return err
}

// scanner is what *sql.Row and *sql.Rows share.
type scanner interface{ Scan(...any) error }

// collect scans all rows with scan and closes them.
func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// where builds a filter as SQL conditions and their arguments (house style:
// raw SQL, filters as where/args slices).
type where struct {
	conds []string
	args  []any
}

// add appends a condition with its arguments.
func (w *where) add(cond string, args ...any) {
	w.conds, w.args = append(w.conds, cond), append(w.args, args...)
}

// in appends "col IN (?, …)" for the values.
func (w *where) in(col string, vals []any) {
	w.add(col+" IN ("+strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",")+")", vals...)
}

// inStatuses appends "col IN (…)" for a filter's statuses (any string
// type); none filters nothing.
func inStatuses[S ~string](w *where, col string, ss []S) {
	if len(ss) == 0 {
		return
	}
	vals := make([]any, len(ss))
	for i, s := range ss {
		vals[i] = string(s)
	}
	w.in(col, vals)
}

// slot adds the office, business and date range filters that places and
// bookings share (empty values filter nothing).
func (w *where) slot(office, business string, from, to booking.Date) {
	if office != "" {
		w.add("office = ?", office)
	}
	if business != "" {
		w.add("business = ?", business)
	}
	if !from.IsZero() {
		w.add("date >= ?", from.String())
	}
	if !to.IsZero() {
		w.add("date <= ?", to.String())
	}
}

// sql returns " WHERE …" (or "") and the arguments.
func (w *where) sql() (string, []any) {
	if len(w.conds) == 0 {
		return "", w.args
	}
	return " WHERE " + strings.Join(w.conds, " AND "), w.args
}

// ms stores a time as Unix milliseconds, 0 for the zero time.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS is the inverse of ms.
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// nullable stores "" as NULL (a unique column that may be unset).
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

var (
	_ booking.Tx    = (*Tx)(nil)
	_ booking.Store = (*DB)(nil)
)
