package postgres

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"

	"yuyue/booking"
)

// querier is what *sql.Tx (InTx) and *sql.DB (View) share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// tx implements booking.Tx on one transaction (InTx) or on the pool (View).
type tx struct {
	sqlTx    *sql.Tx // nil in View
	q        querier
	s        *Store
	ctx      context.Context
	readOnly bool
}

var errReadOnly = errors.New("postgres: write inside View")

// rebound caches Rebind's results: queries are a fixed set of constants.
var rebound sync.Map

// Rebind turns the SQLite store's ? placeholders into PostgreSQL's $1, $2…
// so the queries read the same in both stores. No query here has a ? inside
// a string literal.
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

// Exec runs a write statement.
func (t *tx) Exec(query string, args ...any) (sql.Result, error) {
	if t.readOnly {
		return nil, errReadOnly
	}
	return t.q.ExecContext(t.ctx, Rebind(query), args...)
}

// Query runs a query.
func (t *tx) Query(query string, args ...any) (*sql.Rows, error) {
	return t.q.QueryContext(t.ctx, Rebind(query), args...)
}

// QueryRow runs a one-row query.
func (t *tx) QueryRow(query string, args ...any) *sql.Row {
	return t.q.QueryRowContext(t.ctx, Rebind(query), args...)
}

// guard runs a statement that may violate a constraint the caller handles
// as a domain error. On PostgreSQL any failed statement aborts the whole
// transaction (SQLite just fails the statement), so the statement runs in
// its own savepoint and a violation leaves the transaction usable.
func (t *tx) guard(fn func() error) error {
	if t.sqlTx == nil {
		return fn()
	}
	if _, err := t.sqlTx.ExecContext(t.ctx, "SAVEPOINT g"); err != nil {
		return err
	}
	err := fn()
	if err != nil {
		if _, rerr := t.sqlTx.ExecContext(t.ctx, "ROLLBACK TO SAVEPOINT g"); rerr != nil {
			return errors.Join(err, rerr)
		}
	}
	if _, rerr := t.sqlTx.ExecContext(t.ctx, "RELEASE SAVEPOINT g"); rerr != nil && err == nil {
		return rerr
	}
	return err
}

// insertID runs an INSERT … RETURNING id under guard.
func (t *tx) insertID(what, query string, args ...any) (int64, error) {
	if t.readOnly {
		return 0, errReadOnly
	}
	var id int64
	err := t.guard(func() error { return t.QueryRow(query+" RETURNING id", args...).Scan(&id) })
	return id, mapError(err, what)
}

// execMapped runs a write under guard and maps constraint violations.
func (t *tx) execMapped(what, query string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := t.guard(func() (err error) { res, err = t.Exec(query, args...); return err })
	return res, mapError(err, what)
}

// Savepoint runs fn as a nested atomic unit inside the transaction.
func (t *tx) Savepoint(fn func(booking.Tx) error) (err error) {
	if t.sqlTx == nil { // View: reads only, nothing to undo
		return fn(t)
	}
	if _, err := t.sqlTx.ExecContext(t.ctx, "SAVEPOINT n"); err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			t.sqlTx.ExecContext(t.ctx, "ROLLBACK TO SAVEPOINT n")
			t.sqlTx.ExecContext(t.ctx, "RELEASE SAVEPOINT n")
			panic(p)
		}
	}()
	if err = fn(t); err != nil {
		if _, rerr := t.sqlTx.ExecContext(t.ctx, "ROLLBACK TO SAVEPOINT n"); rerr != nil {
			return rerr
		}
	}
	if _, rerr := t.sqlTx.ExecContext(t.ctx, "RELEASE SAVEPOINT n"); rerr != nil && err == nil {
		return rerr
	}
	return err
}

// collect scans all rows with scan and closes them.
func collect[T any](rows *sql.Rows, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
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

// where builds a filter as SQL conditions and their arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds, w.args = append(w.conds, cond), append(w.args, args...)
}

func (w *where) in(col string, vals []any) {
	w.add(col+" IN ("+strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",")+")", vals...)
}

func (w *where) sql() (string, []any) {
	if len(w.conds) == 0 {
		return "", w.args
	}
	return " WHERE " + strings.Join(w.conds, " AND "), w.args
}
