// Package store is the SQLite implementation of booking.Store: embedded
// migrations, a writer and a reader pool, one transaction helper, and the
// encryption of ID numbers at rest.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"yuyue/booking"
)

// Store holds the two connection pools and the ID-number keys.
type Store struct {
	writer *sql.DB
	reader *sql.DB
	keys   keys
	// keyCheck is KeyCheckValue(secret), compared with the database's.
	keyCheck []byte
	Path     string
	stmts    sync.Map // stmtKey → *sql.Stmt, prepared once per pool

	queue   chan *writeReq // group commit (group.go)
	quit    chan struct{}
	stopped chan struct{}

	commits, requests atomic.Int64

	ckpt     *sql.DB // the background checkpointer's connection (checkpoint.go)
	ckptDone chan struct{}
}

type stmtKey struct {
	db    *sql.DB
	query string
}

// prepared returns the reader pool's prepared statement for query.
// database/sql keeps it prepared on each connection that used it, so a
// query is parsed once per connection instead of once per call.
func (s *Store) prepared(db *sql.DB, query string) (*sql.Stmt, error) {
	k := stmtKey{db, query}
	if st, ok := s.stmts.Load(k); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := db.Prepare(query)
	if err != nil {
		return nil, err
	}
	if old, loaded := s.stmts.LoadOrStore(k, st); loaded {
		st.Close()
		return old.(*sql.Stmt), nil
	}
	return st, nil
}

// dsn builds the connection string; each flag has its reason.
func dsn(path string, write bool) string {
	q := url.Values{}
	// WAL: readers never block the writer and the writer never blocks readers.
	q.Set("_journal_mode", "WAL")
	// Wait for a lock (another process: jobs, CLI) instead of failing at once.
	q.Set("_busy_timeout", "5000")
	// REFERENCES clauses are enforced only with this on.
	q.Set("_foreign_keys", "on")
	// FULL: a booking whose reference was read out survives power loss too.
	q.Set("_synchronous", "FULL")
	if write {
		// BEGIN IMMEDIATE takes the write lock up front; a deferred
		// transaction that later writes can fail with SQLITE_BUSY whatever
		// the busy timeout.
		q.Set("_txlock", "immediate")
	} else {
		// The reader pool must never write, even by mistake.
		q.Set("_query_only", "1")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path, applies migrations
// and derives the ID-number keys from secret.
func Open(ctx context.Context, path, secret string) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
	}
	if err := makePrivate(path); err != nil {
		return nil, fmt.Errorf("database file: %w", err)
	}
	w, err := sql.Open(driverName, dsn(path, true))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	// One writer connection: SQLite has one writer at a time anyway, and
	// queueing in the pool is cheaper and fairer than busy-waiting on locks.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	s := &Store{writer: w, keys: deriveKeys(secret), keyCheck: KeyCheckValue(secret), Path: path}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	if err := s.checkKey(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open(driverName, dsn(path, false))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open reader pool: %w", err)
	}
	// Keep every reader open: database/sql keeps only two idle connections by
	// default, and reopening one re-runs the pragmas and re-parses the
	// schema — under load that was 14% of the server's CPU.
	n := max(4, 2*runtime.NumCPU())
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	s.reader = r
	ck, err := sql.Open(driverName, dsn(path, true))
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open checkpointer: %w", err)
	}
	ck.SetMaxOpenConns(1)
	s.ckpt = ck
	s.startWriter()
	s.ckptDone = make(chan struct{})
	go s.checkpointer(ck)
	return s, nil
}

// Close stops the writer and closes both pools.
func (s *Store) Close() error {
	select {
	case <-s.quit:
		return nil // closed already
	default:
	}
	s.stopWriter()
	<-s.ckptDone
	err := errors.Join(s.ckpt.Close(), s.reader.Close())
	if werr := s.writer.Close(); err == nil {
		err = werr
	}
	return err
}

// Ping checks that the database answers a query; used by /readyz.
func (s *Store) Ping(ctx context.Context) error {
	var n int
	return s.reader.QueryRowContext(ctx, "SELECT 1").Scan(&n)
}

// Writer exposes the writer pool to packages that own their own tables
// (sms, jobs) so that their writes share the single writer.
func (s *Store) Writer() *sql.DB { return s.writer }

// Reader exposes the reader pool.
func (s *Store) Reader() *sql.DB { return s.reader }

// InTx runs fn atomically on the writer: committed when fn returns nil,
// rolled back when it returns an error or panics (the panic is re-raised
// here). Concurrent calls share commits (group.go).
func (s *Store) InTx(ctx context.Context, fn func(booking.Tx) error) error {
	return s.submit(ctx, fn)
}

// View runs fn's reads on the reader pool, each statement on its own
// (autocommit): the reads the channels make are single statements, and an
// explicit BEGIN…COMMIT per read cost a fifth of the server's CPU under
// load. The reader pool refuses writes (_query_only).
func (s *Store) View(ctx context.Context, fn func(booking.Tx) error) error {
	return fn(&tx{db: s.reader, s: s})
}

// WithTx is the one transaction helper: commit when fn returns nil, roll
// back when it returns an error or panics.
func WithTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) (err error) {
	t, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = t.Rollback()
			panic(p)
		}
		if err != nil {
			_ = t.Rollback()
		}
	}()
	if err = fn(t); err != nil {
		return err
	}
	if err = t.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
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
