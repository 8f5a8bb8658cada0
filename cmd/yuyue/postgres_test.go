package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"yuyue/store/storetest"
)

// A postgres:// database selects PostgreSQL: `yuyue migrate` migrates it
// and prints the URL without its password.
func TestMigratePostgres(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skipf("%s not set", storetest.PostgresEnv)
	}
	dsn := storetest.PostgresDSN(t)
	var out bytes.Buffer
	env := testEnv(t, map[string]string{"YUYUE_DATABASE": dsn, "YUYUE_SECRET_KEY": storetest.Secret})
	env.stdout = &out
	for range 2 { // the second run finds nothing to do
		out.Reset()
		if err := run(context.Background(), []string{"migrate"}, env); err != nil {
			t.Fatalf("migrate: %v", err)
		}
	}
	if !strings.Contains(out.String(), "postgres://") || !strings.Contains(out.String(), "at migration") {
		t.Fatalf("migrate said %q", out.String())
	}
}

// Development mode's throwaway key is per SQLite file; nodes sharing a
// PostgreSQL database must share a configured one.
func TestPostgresNeedsSecretKey(t *testing.T) {
	env := testEnv(t, map[string]string{"YUYUE_DATABASE": "postgres://postgres@127.0.0.1:5432/yuyue"})
	err := run(context.Background(), []string{"migrate"}, env)
	if err == nil || !strings.Contains(err.Error(), "secret_key") || !strings.Contains(err.Error(), "PostgreSQL") {
		t.Fatalf("err = %v, want secret_key required with PostgreSQL", err)
	}
}

// A node started with another secret_key than the database was created
// with stops at start-up naming secret_key (the key check, as on SQLite),
// instead of failing every ID-number lookup.
func TestPostgresWrongKeyStops(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skipf("%s not set", storetest.PostgresEnv)
	}
	dsn := storetest.PostgresDSN(t)
	env := testEnv(t, map[string]string{"YUYUE_DATABASE": dsn, "YUYUE_SECRET_KEY": storetest.Secret})
	if err := run(context.Background(), []string{"migrate"}, env); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	env = testEnv(t, map[string]string{"YUYUE_DATABASE": dsn, "YUYUE_SECRET_KEY": "avbOrWSdBGRflHaDB7naSodgs0qGsYRErR"})
	err := run(context.Background(), []string{"migrate"}, env)
	if err == nil || !strings.Contains(err.Error(), "secret_key") || !strings.Contains(err.Error(), "key check") {
		t.Fatalf("err = %v, want the key check to name secret_key", err)
	}
}
