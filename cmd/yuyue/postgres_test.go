package main

import (
	"bytes"
	"context"
	"io"
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
	for range 2 { // the second run finds nothing to do
		out.Reset()
		if err := run(context.Background(), []string{"migrate"}, env, nil, &out, io.Discard); err != nil {
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
	err := run(context.Background(), []string{"migrate"}, env, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "secret_key") || !strings.Contains(err.Error(), "PostgreSQL") {
		t.Fatalf("err = %v, want secret_key required with PostgreSQL", err)
	}
}
