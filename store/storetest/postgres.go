package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for the admin connection

	"yuyue/store/postgres"
)

// PostgresEnv names the variable holding the DSN of a PostgreSQL database
// the tests may create schemas in.
const PostgresEnv = "YUYUE_TEST_POSTGRES"

// pgTestPrefix is the name of the test that re-runs a package's tests
// against PostgreSQL; everything under it opens PostgreSQL stores.
const pgTestPrefix = "TestPostgres"

// OnPostgres reports whether t runs against PostgreSQL.
func OnPostgres(t testing.TB) bool {
	return strings.HasPrefix(t.Name(), pgTestPrefix) && os.Getenv(PostgresEnv) != ""
}

var admin = sync.OnceValues(func() (*sql.DB, error) { return sql.Open("pgx", os.Getenv(PostgresEnv)) })

// pgDSNs remembers each test store's DSN, for Sibling.
var pgDSNs sync.Map // *postgres.Store → string

// OpenPostgres returns a migrated PostgreSQL store in a new schema of the
// YUYUE_TEST_POSTGRES database, dropped at cleanup.
func OpenPostgres(t testing.TB) *postgres.Store {
	t.Helper()
	return openPG(t, PostgresDSN(t))
}

// PostgresDSN creates an empty schema in the YUYUE_TEST_POSTGRES database,
// dropped at cleanup, and returns a DSN whose connections use it.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Fatalf("%s is not set", PostgresEnv)
	}
	db, err := admin()
	if err != nil {
		t.Fatalf("connect %s: %v", PostgresEnv, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "yuyue_test_" + hex.EncodeToString(b)
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() { db.Exec("DROP SCHEMA " + schema + " CASCADE") })
	t.Logf("store: postgres schema %s", schema)
	return withSearchPath(t, base, schema)
}

func openPG(t testing.TB, dsn string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), dsn, Secret)
	if err != nil {
		t.Fatalf("open postgres test store: %v", err)
	}
	pgDSNs.Store(s, dsn)
	t.Cleanup(func() { s.Close(); pgDSNs.Delete(s) })
	return s
}

func pgReopen(t testing.TB, db DB, secret string) (DB, error) {
	t.Helper()
	dsn, ok := pgDSNs.Load(db)
	if !ok {
		t.Fatalf("reopen of a store storetest did not open")
	}
	s, err := postgres.Open(context.Background(), dsn.(string), secret)
	if err != nil {
		return nil, err
	}
	pgDSNs.Store(s, dsn)
	return s, nil
}

func pgSibling(t testing.TB, db DB) DB {
	t.Helper()
	dsn, ok := pgDSNs.Load(db)
	if !ok {
		t.Fatalf("sibling of a store storetest did not open")
	}
	return openPG(t, dsn.(string))
}

// withSearchPath points dsn at schema: pgx passes unknown URL parameters
// to the server as run-time settings.
func withSearchPath(t testing.TB, dsn, schema string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func pgRebind(query string) string { return postgres.Rebind(query) }
