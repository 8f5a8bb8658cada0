package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOneWriterWhateverThePath (issue 22, item 3): a second serve that
// reaches the live database through a symlink, a hard link or a relative
// path is refused before it opens the database, so its outbox recovery
// never touches the first server's in-flight SMS. Removing the lock file
// does not free the database; it is logged loudly and /readyz reports it.
func TestOneWriterWhateverThePath(t *testing.T) {
	leaseWatchEvery = 10 * time.Millisecond
	t.Cleanup(func() { leaseWatchEvery = defaultLeaseWatch })
	const key = "38MNlBRvp4CKgwJiLwL2cU9Zd4NQnrr4P3" // one key: a second server could read the database
	e := testEnv(t, map[string]string{"YUYUE_SECRET_KEY": key})
	s := startServer(t, e)
	db := e.getenv("YUYUE_DATABASE")
	raw := rawDB(t, db)
	waitWorkerRecovered(t, raw)
	res, err := raw.Exec(`INSERT INTO outbox (to_phone, kind, params, status, created_at) VALUES ('+8613800138000', 'code', '{}', 'sending', 1)`)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()

	other := t.TempDir()
	symlink, hardlink := filepath.Join(other, "via-symlink.db"), filepath.Join(filepath.Dir(db), "via-hardlink.db")
	if err := os.Symlink(db, symlink); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(db, hardlink); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Dir(db))
	for _, path := range []string{symlink, hardlink, "./" + filepath.Base(db), db} {
		err := serveOnce(testEnv(t, map[string]string{"YUYUE_DATABASE": path, "YUYUE_SECRET_KEY": key}))
		if err == nil || !strings.Contains(err.Error(), "is in use") {
			t.Errorf("second serve through %s: %v, want refused as in use", path, err)
		}
	}
	var status string
	if err := raw.QueryRow(`SELECT status FROM outbox WHERE id = ?`, id).Scan(&status); err != nil || status != "sending" {
		t.Fatalf("the first server's in-flight row is now %q (%v)", status, err)
	}

	os.Remove(db + ".lock")
	if code, body := get(t, s.base+"/readyz"); code != 503 || !strings.Contains(body, "lock file") {
		t.Fatalf("/readyz after the lock file was removed = %d %s", code, body)
	}
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(s.logs.String(), "level=ERROR msg=\"LEASE"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the removed lock file was not logged as an error:\n%s", s.logs)
		}
	}
	err = serveOnce(testEnv(t, map[string]string{"YUYUE_DATABASE": symlink, "YUYUE_SECRET_KEY": key}))
	if err == nil || !strings.Contains(err.Error(), "is in use") {
		t.Fatalf("with the lock file gone a second serve started: %v", err)
	}
}

// serveOnce runs a second `yuyue serve`; one that starts listening is
// stopped at once (and returns nil) instead of running on.
func serveOnce(e env) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	prev := serveHook
	serveHook = func(*server) { cancel() }
	defer func() { serveHook = prev }()
	return run(ctx, []string{"serve"}, e)
}
