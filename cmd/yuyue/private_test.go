package main

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestFilesArePrivate (issue 22, item 13): under umask 022 the development
// secret file, the database and its WAL/SHM are 0600, and a secret file an
// older version left readable is tightened.
func TestFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	t.Cleanup(func() { syscall.Umask(old) })
	e := testEnv(t, nil)
	db := e.getenv("YUYUE_DATABASE")
	secret := filepath.Join(filepath.Dir(db), ".dev-secret-key")
	if err := os.WriteFile(secret, []byte("0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(secret, 0o644)
	s := startServer(t, e)
	if code, _ := get(t, s.base+"/readyz"); code != 200 {
		t.Fatalf("/readyz = %d", code)
	}
	for _, p := range []string{secret, db, db + "-wal", db + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if m := fi.Mode().Perm(); m != 0o600 {
			t.Errorf("%s is %v, want -rw-------", filepath.Base(p), m)
		}
	}
	s.stop()
	// A fresh development key is created private too.
	os.Remove(secret)
	if err := run(context.Background(), []string{"migrate"}, e); err == nil {
		t.Fatal("a new development key opened a database sealed with the old one")
	}
	if fi, err := os.Stat(secret); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("new development key file: %v %v", fi, err)
	}
}
