package store

import (
	"context"
	"database/sql"
	"embed"

	"yuyue/store/sqlstore"
)

// SQLite's schema: STRICT tables, times in Unix milliseconds.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migrate applies the embedded migrations on the writer connection (one
// process owns the file, so it needs no lock of its own).
func (s *Store) migrate(ctx context.Context) error {
	return sqlstore.Migrator{
		FS:    migrations,
		Begin: func(ctx context.Context) (*sql.Tx, error) { return s.writer.BeginTx(ctx, nil) },
		Create: `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`,
		Done:   `SELECT count(*) FROM schema_migrations WHERE name = ?`,
		Record: `INSERT INTO schema_migrations (name, version, applied_at) VALUES (?, ?, unixepoch())`,
	}.Run(ctx)
}
