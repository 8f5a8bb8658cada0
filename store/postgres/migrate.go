package postgres

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
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
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := s.applyMigration(ctx, key, name); err != nil {
			return err
		}
	}
	return nil
}

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

func (s *Store) applyMigration(ctx context.Context, key int64, name string) error {
	base := strings.TrimPrefix(name, "migrations/")
	version, err := strconv.Atoi(strings.TrimRight(strings.SplitN(base, "_", 2)[0], "abcdefghijklmnopqrstuvwxyz"))
	if err != nil {
		return fmt.Errorf("migration %s: name must start with a number", base)
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	return s.migrationTx(ctx, key, func(t *sql.Tx) error {
		var n int
		if err := t.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations WHERE name = $1", base).Scan(&n); err != nil || n > 0 {
			return err
		}
		if _, err := t.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
		_, err := t.ExecContext(ctx, "INSERT INTO schema_migrations (name, version) VALUES ($1, $2)", base, version)
		return err
	})
}

// Version returns the highest applied migration number.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := s.db.QueryRowContext(ctx, "SELECT max(version) FROM schema_migrations").Scan(&v)
	return int(v.Int64), err
}
