// Package store is the SQLite store: the shared query layer
// (store/sqlstore) over go-sqlite3 with the SQLite dialect, plus what only
// SQLite has — a single writer connection beside a reader pool, a
// statement cache, the background checkpointer, backups and the file
// lease. The PostgreSQL store is its sibling, store/postgres.
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

	"yuyue/store/sqlstore"
)

// Store is the shared store on an SQLite file: its writer and reader pools
// and the checkpointer's connection.
type Store struct {
	*sqlstore.DB
	writer *sql.DB
	reader *sql.DB
	Path   string

	ckpt     *sql.DB // the background checkpointer's connection (checkpoint.go)
	ckptDone chan struct{}
}

// ErrWrongKey is returned by Open when secret_key is not the key the
// database was created with.
var ErrWrongKey = sqlstore.ErrWrongKey

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
	s := &Store{Path: path}
	if err := s.open(ctx, secret); err != nil {
		s.closePools()
		return nil, err
	}
	s.DB.Start()
	s.ckptDone = make(chan struct{})
	go s.checkpointer(s.ckpt)
	return s, nil
}

func (s *Store) open(ctx context.Context, secret string) (err error) {
	if s.writer, err = sql.Open(writerDriver, dsn(s.Path, true)); err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	// One writer connection: SQLite has one writer at a time anyway, and
	// queueing in the pool is cheaper and fairer than busy-waiting on locks.
	s.writer.SetMaxOpenConns(1)
	s.writer.SetMaxIdleConns(1)
	if s.reader, err = sql.Open(driverName, dsn(s.Path, false)); err != nil {
		return fmt.Errorf("open reader pool: %w", err)
	}
	// Keep every reader open: database/sql keeps only two idle connections by
	// default, and reopening one re-runs the pragmas and re-parses the
	// schema — under load that was 14% of the server's CPU.
	n := max(4, 2*runtime.NumCPU())
	s.reader.SetMaxOpenConns(n)
	s.reader.SetMaxIdleConns(n)
	s.DB = sqlstore.New(dialect{writer: s.writer, writerStmts: &writerStmts{db: s.writer}}, &stmtCache{db: s.reader}, secret)
	// Migrations may build an index on a big table: that sort goes to a
	// temporary file as SQLite's default has it, not into the writer's
	// memory (writerDriver).
	if _, err := s.writer.ExecContext(ctx, `PRAGMA temp_store = DEFAULT`); err != nil {
		return fmt.Errorf("temp_store: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		return err
	}
	if _, err := s.writer.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
		return fmt.Errorf("temp_store: %w", err)
	}
	if err := s.DB.CheckKey(ctx, s.writer); err != nil {
		return err
	}
	if s.ckpt, err = sql.Open(driverName, dsn(s.Path, true)); err != nil {
		return fmt.Errorf("open checkpointer: %w", err)
	}
	s.ckpt.SetMaxOpenConns(1)
	return nil
}

// closePools closes whatever pools are open.
func (s *Store) closePools() error {
	var errs []error
	for _, db := range []*sql.DB{s.ckpt, s.reader, s.writer} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	return errors.Join(errs...)
}

// Close stops the writer and the checkpointer and closes the pools.
func (s *Store) Close() error {
	if !s.DB.Stop() {
		return nil // closed already
	}
	<-s.ckptDone
	return s.closePools()
}

// Ping checks that the database answers a query; used by /readyz.
func (s *Store) Ping(ctx context.Context) error {
	var n int
	return s.reader.QueryRowContext(ctx, "SELECT 1").Scan(&n)
}

// Writer exposes the writer pool to tools that measure a raw write
// (cmd/loadcall's baseline) on the same single writer.
func (s *Store) Writer() *sql.DB { return s.writer }

// Reader exposes the reader pool (checking queries in tests and tools).
func (s *Store) Reader() *sql.DB { return s.reader }

// WithTx is a plain transaction helper on db for tools (commit when fn
// returns nil, roll back on error or panic); the store's own writes go
// through InTx.
func WithTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	t, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	return sqlstore.RunTx(t, fn)
}
