// Package postgres is the PostgreSQL store, for running several stateless
// yuyue nodes on one database: the shared query layer (store/sqlstore) over
// pgx with the PostgreSQL dialect, plus what only PostgreSQL has — this
// node's lease in nodes and the recovery of dead nodes' sends. Its schema
// is in its own embedded migrations. It imports no cgo.
package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"yuyue/store/sqlstore"
)

// Store is the shared store on a pgx pool behind database/sql, with this
// node's lease.
type Store struct {
	*sqlstore.DB
	pool  *pgxpool.Pool
	db    *sql.DB
	node  string
	lease *lease
	d     *dialect
}

// minPoolConns is the pool's size unless the database URL sets
// pool_max_conns: each of a node's two writers may hold its transaction's
// connection and a turn's at once, and the reads and the lease renewal
// need room beside them (pgx's own default is the CPUs, at least 4).
const minPoolConns = 8

// Open connects to the database at dsn, applies the migrations, derives the
// ID-number keys from secret and takes this node's lease.
func Open(ctx context.Context, dsn, secret string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	rp := cfg.ConnConfig.RuntimeParams
	if _, set := rp["idle_in_transaction_session_timeout"]; !set {
		// A node frozen or cut off mid-transaction would hold its row
		// locks, which other nodes' writers wait for; the server ends such
		// a transaction.
		rp["idle_in_transaction_session_timeout"] = "15s"
	}
	if !strings.Contains(dsn, "pool_max_conns") && cfg.MaxConns < minPoolConns {
		cfg.MaxConns = minPoolConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	s := &Store{pool: pool, db: stdlib.OpenDBFromPool(pool), node: newNodeID()}
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
	s.d = &dialect{db: s.db, node: s.node, schema: schema}
	s.d.turns[sqlstore.CodeTurn] = advisoryKey("yuyue code steps " + schema)
	s.d.turns[sqlstore.ConflictTurn] = advisoryKey("yuyue serial batches after a conflict " + schema)
	s.DB = sqlstore.New(s.d, s.db, secret)
	if err := s.migrate(ctx, schema); err != nil {
		return err
	}
	if err := s.DB.CheckKey(ctx, s.db); err != nil {
		return err
	}
	l, err := s.startLease(ctx)
	if err != nil {
		return err
	}
	s.lease = l
	s.DB.Start()
	return nil
}

// advisoryKey turns a name into a 64-bit advisory lock key. Advisory locks
// are per database; the schema in the name keeps test schemas apart.
func advisoryKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return int64(h.Sum64())
}

// Close stops the writer, gives up the lease and closes the pool.
func (s *Store) Close() error {
	if s.lease == nil {
		return nil // closed already
	}
	// The renewals first: they recover dead nodes' sends through InTx.
	s.lease.stop()
	s.lease = nil
	s.DB.Stop()
	s.dropLease(context.Background())
	err := s.db.Close()
	s.pool.Close()
	return err
}

// Ping checks that the database answers a query; used by /readyz.
func (s *Store) Ping(ctx context.Context) error {
	return s.db.PingContext(ctx)
}

// TurnKey is the advisory lock key of a turn (Turn).
func (s *Store) TurnKey(which sqlstore.Turn) int64 { return s.d.turns[which] }

// TurnWaited is whether a session waits for the turn: pg_locks shows its
// bigint key as classid (the high 32 bits) and objid (the low), objsubid
// 1, not granted.
func (s *Store) TurnWaited(which sqlstore.Turn) bool { return s.waited(s.TurnKey(which)) }

// LockWaited is whether a session waits for the lock on key a transaction
// takes with LockKey (sqlstore.KeyLocker).
func (s *Store) LockWaited(key string) bool { return s.waited(s.d.lockKey(key)) }

// waited is whether a session waits for the advisory lock k.
func (s *Store) waited(k int64) bool {
	key := uint64(k)
	var n int
	s.db.QueryRow(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 1`, int64(key>>32), int64(uint32(key))).Scan(&n)
	return n > 0
}

// Reader exposes the pool for read-only checks in tests and tools; its
// queries take PostgreSQL's $1 placeholders (see Rebind).
func (s *Store) Reader() *sql.DB { return s.db }

// Node is the id this process claims outbox rows and job fires under.
func (s *Store) Node() string { return s.node }
