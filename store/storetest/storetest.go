// Package storetest opens real databases for tests: a fresh SQLite file in
// the test's temporary directory, or, for the tests run under TestPostgres
// when YUYUE_TEST_POSTGRES is set, a fresh PostgreSQL schema. Migrations are
// applied and everything is closed (and dropped) at cleanup.
package storetest

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"yuyue/booking"
	"yuyue/catalog"
	"yuyue/store"
	"yuyue/store/sqlstore"
)

// Secret is the secret_key test databases are opened with.
const Secret = "60e04173f878f0e12f16a6cb288ee046b163dd0a"

// DB is a store under test: either implementation of booking.Store, plus
// the pool tests inspect rows through and Close.
type DB interface {
	booking.Store
	Close() error
	Reader() *sql.DB
	// CommitStats counts write transactions and the InTx calls they
	// carried (group commit), on either engine.
	CommitStats() (commits, requests int64)
	// StatementStats counts the statements the store ran (reads, writes,
	// savepoints) and its commits.
	StatementStats() sqlstore.StatementStats
}

// Open returns a migrated store: PostgreSQL under TestPostgres, else SQLite.
func Open(t testing.TB) DB {
	t.Helper()
	if OnPostgres(t) {
		return OpenPostgres(t)
	}
	return OpenSQLite(t)
}

// OpenSQLite returns a migrated SQLite store on a new file under t.TempDir().
func OpenSQLite(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "yuyue.db"), Secret)
	if err != nil {
		t.Fatalf("open test store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Sibling opens a second store on db's database, as a second node (or a
// second process, for SQLite) would.
func Sibling(t testing.TB, db DB) DB {
	t.Helper()
	if s, ok := db.(*store.Store); ok {
		s2, err := store.Open(context.Background(), s.Path, Secret)
		if err != nil {
			t.Fatalf("open sibling store: %v", err)
		}
		t.Cleanup(func() { s2.Close() })
		return s2
	}
	return pgSibling(t, db)
}

// Reopen opens db's database again under secret, as a process started
// with that secret_key would (on PostgreSQL: another node). The caller
// closes what it returns.
func Reopen(t testing.TB, db DB, secret string) (DB, error) {
	t.Helper()
	if s, ok := db.(*store.Store); ok {
		s2, err := store.Open(context.Background(), s.Path, secret)
		if err != nil {
			return nil, err
		}
		return s2, nil
	}
	return pgReopen(t, db, secret)
}

// Rebind adapts a test's query, written with SQLite's ? placeholders, to db.
func Rebind(db DB, query string) string {
	if _, ok := db.(*store.Store); ok {
		return query
	}
	return pgRebind(query)
}

// QueryRow runs a checking query (? placeholders) on the env's database.
func (e *Env) QueryRow(query string, args ...any) *sql.Row {
	return e.Store.Reader().QueryRow(Rebind(e.Store, query), args...)
}

// Query runs a checking query (? placeholders) on the env's database.
func (e *Env) Query(query string, args ...any) (*sql.Rows, error) {
	return e.Store.Reader().Query(Rebind(e.Store, query), args...)
}

// Node returns a service as a second yuyue node would run it: its own store
// (connection pool, writer, lease) on the env's database, the same catalog,
// rules and clock.
func (e *Env) Node(t testing.TB) *booking.Service {
	t.Helper()
	cat, err := catalog.Parse([]byte(e.yaml))
	if err != nil {
		t.Fatal(err)
	}
	// its own catalog: a node learns of another's calendar changes only
	// through the database
	svc := booking.NewService(Sibling(t, e.Store), cat, e.Svc.Rules)
	svc.Now, svc.NewReference = e.Svc.Now, e.Svc.NewReference
	return svc
}

// LightStep runs fn as booking.Service runs a call step that is not
// known to text a code: a light attempt first (booking.LightStore), and
// again serially when that attempt must not do. light is true when the
// light attempt committed; on SQLite's one writer, where every write
// transaction is serial, it never is.
func LightStep(ctx context.Context, s booking.Store, fn func(booking.Tx) error) (light bool, err error) {
	ran, err := s.(booking.LightStore).TryLightTx(ctx, fn)
	if !ran {
		return false, s.InTx(ctx, fn)
	}
	_, oneWriter := s.(*store.Store)
	return !oneWriter, err
}
