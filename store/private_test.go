package store_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store"
	"yuyue/store/storetest"
)

// TestFilesArePrivate (issue 22, item 13): the database, its WAL and SHM,
// backups and restored files are 0600 even under the common umask 022,
// and a database left 0644 by an older version is tightened on open.
func TestFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	t.Cleanup(func() { syscall.Umask(old) })
	dir := t.TempDir()
	db := filepath.Join(dir, "yuyue.db")
	s, err := store.Open(ctx, db, storetest.Secret)
	if err != nil {
		t.Fatal(err)
	}
	c := booking.Citizen{Name: "张三", IDNumber: storetest.ID(1), IDMasked: "x", Phone: storetest.Phone(1), Active: true}
	if err := s.InTx(ctx, func(tx booking.Tx) error { return tx.InsertCitizen(&c) }); err != nil {
		t.Fatal(err)
	}
	backup, err := store.BackupInto(ctx, db, filepath.Join(dir, "backups"), 3, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	wantPrivate(t, db, db+"-wal", db+"-shm", backup)
	s.Close()

	// An older version's world-readable database is tightened on open.
	legacy := filepath.Join(dir, "legacy.db")
	if err := os.WriteFile(legacy, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(legacy, 0o644)
	s2, err := store.Open(ctx, legacy, storetest.Secret)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	wantPrivate(t, legacy, legacy+"-wal", legacy+"-shm")
}

func wantPrivate(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(p), err)
		}
		if m := fi.Mode().Perm(); m != 0o600 {
			t.Errorf("%s is %v, want -rw-------", filepath.Base(p), m)
		}
	}
}
