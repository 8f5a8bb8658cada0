package postgres

import (
	"context"
	"database/sql"
	"embed"

	"yuyue/store/sqlstore"
)

// PostgreSQL's schema: named constraints (the dialect maps them to domain
// errors), partial unique indexes, BIGINT times in Unix milliseconds.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migrate applies the embedded migrations. Nodes starting together take
// turns on an advisory lock of their own (no InTx runs before the
// migrations are applied); the second finds the work done.
func (s *Store) migrate(ctx context.Context, schema string) error {
	key := advisoryKey("yuyue migrate " + schema)
	return sqlstore.Migrator{
		FS: migrations,
		Begin: func(ctx context.Context) (*sql.Tx, error) {
			t, err := s.db.BeginTx(ctx, nil)
			if err == nil {
				if _, err = t.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", key); err != nil {
					t.Rollback()
				}
			}
			return t, err
		},
		Create: `CREATE TABLE IF NOT EXISTS schema_migrations (
			name TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
		Done:   `SELECT count(*) FROM schema_migrations WHERE name = $1`,
		Record: `INSERT INTO schema_migrations (name, version) VALUES ($1, $2)`,
	}.Run(ctx)
}
