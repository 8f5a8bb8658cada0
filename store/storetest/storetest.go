// Package storetest opens real SQLite databases for tests: a fresh file in
// the test's temporary directory, migrations applied, closed at cleanup.
package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"yuyue/store"
)

// Secret is the secret_key test databases are opened with.
const Secret = "test-secret-key-of-at-least-32-characters!"

// Open returns a migrated store on a new file under t.TempDir().
func Open(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "yuyue.db"), Secret)
	if err != nil {
		t.Fatalf("open test store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
