package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// Migrator applies an engine's embedded numbered SQL files. Each engine has
// its own files (their types differ for good reason) and its own record
// table; the rules are shared: file-name order, each file in its own
// transaction together with its record, recorded by file name, so an
// engine-only file (0005p_…) sorts beside the number it follows.
type Migrator struct {
	FS fs.FS // holding migrations/*.sql
	// Begin starts a transaction holding whatever lock makes processes
	// starting together take turns.
	Begin  func(ctx context.Context) (*sql.Tx, error)
	Create string // CREATE TABLE IF NOT EXISTS schema_migrations …
	Done   string // counts the records of a name (one argument)
	Record string // records a name and its version (two arguments)
}

// Run applies the files not yet recorded.
func (m Migrator) Run(ctx context.Context) error {
	if err := m.inTx(ctx, func(t *sql.Tx) error { _, err := t.ExecContext(ctx, m.Create); return err }); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(m.FS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := m.inTx(ctx, func(t *sql.Tx) error { return m.apply(ctx, t, name) }); err != nil {
			return err
		}
	}
	return nil
}

func (m Migrator) apply(ctx context.Context, t *sql.Tx, name string) error {
	base := strings.TrimPrefix(name, "migrations/")
	num := strings.TrimRight(strings.SplitN(base, "_", 2)[0], "abcdefghijklmnopqrstuvwxyz")
	version, err := strconv.Atoi(num)
	if err != nil {
		return fmt.Errorf("migration %s: name must start with a number", base)
	}
	var n int
	if err := t.QueryRowContext(ctx, m.Done, base).Scan(&n); err != nil || n > 0 {
		return err
	}
	body, err := fs.ReadFile(m.FS, name)
	if err != nil {
		return err
	}
	if _, err := t.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("migration %s: %w", base, err)
	}
	_, err = t.ExecContext(ctx, m.Record, base, version)
	return err
}

func (m Migrator) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	t, err := m.Begin(ctx)
	if err != nil {
		return err
	}
	return RunTx(t, fn)
}

// RunTx runs fn in t: committed when fn returns nil, rolled back when it
// returns an error or panics (the panic goes on up).
func RunTx(t *sql.Tx, fn func(*sql.Tx) error) (err error) {
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
