// Package postgres is the PostgreSQL implementation of booking.Store, for
// running several stateless yuyue nodes on one database. It mirrors the
// SQLite store (package store) query for query; the schema differences are
// in its own embedded migrations.
package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"yuyue/booking"
	"yuyue/store/idcrypt"
)

// Store is a pgx pool behind database/sql, the ID-number keys and this
// node's lease.
type Store struct {
	pool    *pgxpool.Pool
	db      *sql.DB
	keys    idcrypt.Keys
	lockKey int64 // the advisory lock InTx takes (see InTx)
	node    string
	lease   *lease

	queue   chan *writeReq // group commit (group.go)
	quit    chan struct{}
	stopped chan struct{}
}

// Open connects to the database at dsn, applies the migrations, derives the
// ID-number keys from secret and takes this node's lease.
func Open(ctx context.Context, dsn, secret string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	rp := cfg.ConnConfig.RuntimeParams
	if _, set := rp["idle_in_transaction_session_timeout"]; !set {
		// A node frozen or cut off mid-transaction would hold the writer
		// lock every node waits for; the server ends such a transaction.
		rp["idle_in_transaction_session_timeout"] = "15s"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	s := &Store{pool: pool, db: stdlib.OpenDBFromPool(pool), keys: idcrypt.Derive(secret), node: newNodeID()}
	if err := s.init(ctx, secret); err != nil {
		s.db.Close()
		pool.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) init(ctx context.Context, secret string) error {
	var schema string
	if err := s.db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	s.lockKey = advisoryKey("yuyue writer " + schema)
	if err := s.migrate(ctx, schema); err != nil {
		return err
	}
	if err := s.checkKey(ctx, secret); err != nil {
		return err
	}
	l, err := s.startLease(ctx)
	if err != nil {
		return err
	}
	s.lease = l
	s.startWriter()
	return nil
}

// advisoryKey turns a name into a 64-bit advisory lock key. Advisory locks
// are per database; the schema in the name keeps test schemas apart.
func advisoryKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return int64(h.Sum64())
}

// Close gives up the lease and closes the pool.
func (s *Store) Close() error {
	if s.quit != nil {
		s.stopWriter()
	}
	if s.lease != nil {
		s.lease.stop()
		s.lease = nil
		s.dropLease(context.Background())
	}
	err := s.db.Close()
	s.pool.Close()
	return err
}

// Ping checks that the database answers a query; used by /readyz.
func (s *Store) Ping(ctx context.Context) error {
	return s.db.PingContext(ctx)
}

// Reader exposes the pool for read-only checks in tests and tools; its
// queries take PostgreSQL's $1 placeholders.
func (s *Store) Reader() *sql.DB { return s.db }

// Node is the id this process claims outbox rows and job fires under.
func (s *Store) Node() string { return s.node }

// InTx runs fn in one transaction, committed when fn returns nil and rolled
// back on error or panic (re-raised here).
//
// booking.Store promises that no other writer runs until the transaction
// ends: the service reads then writes (next queue number, code attempts,
// booking status) and SQLite gives it a single writer. Here the same
// guarantee comes from a transaction-level advisory lock, taken first and
// released by COMMIT or ROLLBACK, which every node's writer waits for; reads
// at READ COMMITTED after the lock see every earlier writer's commit.
// Capacity, one active booking, unique references and the call's seq stay
// enforced by the schema and conditional updates as well, so nothing relies
// on the lock alone. View and other nodes' reads are never blocked.
// Concurrent calls share commits (group.go).
func (s *Store) InTx(ctx context.Context, fn func(booking.Tx) error) error {
	return s.submit(ctx, fn)
}

// View runs fn's reads on the pool, each statement on its own: like the
// SQLite store's reader pool, it never holds a transaction open.
func (s *Store) View(ctx context.Context, fn func(booking.Tx) error) error {
	return fn(&tx{q: s.db, s: s, ctx: ctx, readOnly: true})
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
