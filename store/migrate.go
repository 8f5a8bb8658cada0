package store

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
// transaction together with its record, in file-name order.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	ms, err := sqlstore.Migrations(migrations, "migrations")
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := WithTx(ctx, s.writer, func(t *sql.Tx) error { return apply(ctx, t, m) }); err != nil {
			return err
		}
	}
	return nil
}

func apply(ctx context.Context, t *sql.Tx, m sqlstore.Migration) error {
	var n int
	if err := t.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations WHERE version = ?", m.Version).Scan(&n); err != nil || n > 0 {
		return err
	}
	if _, err := t.ExecContext(ctx, m.Body); err != nil {
		return fmt.Errorf("migration %s: %w", m.Name, err)
	}
	_, err := t.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, unixepoch())", m.Version, m.Name)
	return err
}
