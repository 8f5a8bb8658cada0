package postgres

import (
	"context"
	"database/sql"
	"embed"
	"fmt"

	"yuyue/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrate applies the embedded migrations not yet recorded, each in its own
// transaction together with its record, in file-name order. A migration is
// recorded by its file name, so PostgreSQL-only files (0005p_…) sort beside
// the numbers they follow. Nodes starting together take turns on an
// advisory lock; the second finds the work done.
func (s *Store) migrate(ctx context.Context, schema string) error {
	key := advisoryKey("yuyue migrate " + schema)
	err := s.migrationTx(ctx, key, func(t *sql.Tx) error {
		_, err := t.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			name TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`)
		return err
	})
	if err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	ms, err := sqlstore.Migrations(migrations, "migrations")
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := s.migrationTx(ctx, key, func(t *sql.Tx) error { return apply(ctx, t, m) }); err != nil {
			return err
		}
	}
	return nil
}

// migrationTx runs fn in a transaction holding the migration lock (not the
// writer lock: no InTx runs before the migrations are applied).
func (s *Store) migrationTx(ctx context.Context, key int64, fn func(*sql.Tx) error) error {
	t, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer t.Rollback()
	if _, err := t.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", key); err != nil {
		return err
	}
	if err := fn(t); err != nil {
		return err
	}
	return t.Commit()
}

func apply(ctx context.Context, t *sql.Tx, m sqlstore.Migration) error {
	var n int
	if err := t.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations WHERE name = $1", m.Name).Scan(&n); err != nil || n > 0 {
		return err
	}
	if _, err := t.ExecContext(ctx, m.Body); err != nil {
		return fmt.Errorf("migration %s: %w", m.Name, err)
	}
	_, err := t.ExecContext(ctx, "INSERT INTO schema_migrations (name, version) VALUES ($1, $2)", m.Name, m.Version)
	return err
}
