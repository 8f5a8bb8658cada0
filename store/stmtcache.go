package store

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// stmtCache runs View's statements on the reader pool through statements
// prepared once: database/sql keeps each prepared on every connection that
// used it, so a query is parsed once per connection instead of once per
// call.
type stmtCache struct {
	db *sql.DB
	m  sync.Map // query → *sql.Stmt
}

func (c *stmtCache) stmt(query string) (*sql.Stmt, error) {
	if st, ok := c.m.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := c.db.Prepare(query)
	if err != nil {
		return nil, err
	}
	if old, loaded := c.m.LoadOrStore(query, st); loaded {
		st.Close()
		return old.(*sql.Stmt), nil
	}
	return st, nil
}

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := c.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := c.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext lets database/sql report a preparation error through the
// row.
func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := c.stmt(query)
	if err != nil {
		return c.db.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// writerStmts keeps the writer's statements prepared: go-sqlite3 parses a
// statement run as text every time, which was a tenth of the server's CPU
// under load, all of it on the single writer. A query is prepared once, in
// the background: the writer pool has one connection and a transaction
// holds it, so preparing in line would wait for itself. Until its
// statement is ready a query runs as text.
type writerStmts struct {
	db      *sql.DB
	m       sync.Map // query → *sql.Stmt
	pending sync.Map // query → struct{}: being prepared
}

// Prepared returns query's statement, or nil (and starts preparing it).
// Text with several statements is never prepared: a prepared statement
// would run only the first.
func (w *writerStmts) Prepared(query string) *sql.Stmt {
	if st, ok := w.m.Load(query); ok {
		return st.(*sql.Stmt)
	}
	if strings.Contains(query, ";") {
		return nil
	}
	if _, busy := w.pending.LoadOrStore(query, struct{}{}); !busy {
		go w.prepare(query)
	}
	return nil
}

func (w *writerStmts) prepare(query string) {
	st, err := w.db.Prepare(query)
	if err != nil { // closed, or a query that does not parse: it runs as text and fails there
		return
	}
	w.m.Store(query, st)
}
