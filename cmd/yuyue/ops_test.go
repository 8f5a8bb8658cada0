package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// A second server on a database in use stops naming the holder, and
// changes nothing: the first one's in-flight SMS stays "sending" (outbox
// recovery would have marked it unknown).
func TestSecondServeOnADatabaseInUseChangesNothing(t *testing.T) {
	e := testEnv(t, nil)
	startServer(t, e)
	db := rawDB(t, e.getenv("YUYUE_DATABASE"))
	waitWorkerRecovered(t, db)
	res, err := db.Exec(`INSERT INTO outbox (to_phone, kind, params, status, created_at) VALUES ('+8613800138000', 'code', '{}', 'sending', 1)`)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	err = run(context.Background(), []string{"serve"}, e)
	host, _ := os.Hostname()
	want := "database " + e.getenv("YUYUE_DATABASE") + " is in use by pid " + strconv.Itoa(os.Getpid()) + " on " + host
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("second serve: %v, want %q", err, want)
	}
	// The writing CLI commands work beside it and leave the row alone too.
	for _, args := range [][]string{{"migrate"}, {"jobs", "run", "release"}, {"operator", "add", "carol", "--role", "operator"}} {
		if err := run(context.Background(), args, e.with("a-long-password-1\n", nil)); err != nil {
			t.Fatalf("%v beside the server: %v", args, err)
		}
	}
	var status string
	if err := db.QueryRow(`SELECT status FROM outbox WHERE id = ?`, id).Scan(&status); err != nil || status != "sending" {
		t.Fatalf("the first instance's sending row is now %q (%v)", status, err)
	}
}

// Removing the lock file weakens the lease: /readyz says so.
func TestReadyzReportsALostLeaseAndMissingHolidays(t *testing.T) {
	cat := filepath.Join(t.TempDir(), "catalog.yaml")
	os.WriteFile(cat, []byte("businesses: [{code: b, name: B}]\ndistricts: [{code: d, name: D}]\noffices: [{code: O, name: O, district: d}]\n"+
		"defaults: {periods: [{start: '09:00', end: '10:00', capacity: 1}]}\n"), 0o600)
	e := testEnv(t, map[string]string{"YUYUE_CATALOG": cat})
	s := startServer(t, e)
	code, body := get(t, s.base+"/readyz")
	if code != 200 || !strings.Contains(body, "no holidays") {
		t.Fatalf("/readyz = %d %s, want ready with a holiday warning", code, body)
	}
	os.Remove(e.getenv("YUYUE_DATABASE") + ".lock")
	if code, body := get(t, s.base+"/readyz"); code != 503 || !strings.Contains(body, "lock file") {
		t.Fatalf("/readyz = %d %s, want 503 naming the lost lease", code, body)
	}
}

// waitWorkerRecovered returns once the server's outbox worker has finished
// its start-up recovery: it has then handled a message queued now.
func waitWorkerRecovered(t *testing.T, db *sql.DB) {
	t.Helper()
	res, err := db.Exec(`INSERT INTO outbox (to_phone, kind, params, status, created_at) VALUES ('+8613800138001', 'code', '{"code":"123456"}', 'pending', 1)`)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var status string
		if db.QueryRow(`SELECT status FROM outbox WHERE id = ?`, id).Scan(&status) == nil && status != "pending" && status != "sending" {
			return
		}
	}
	t.Fatal("the outbox worker never handled a queued message")
}

func TestWrongSecretKeyOnAnExistingDatabaseStops(t *testing.T) {
	e := testEnv(t, map[string]string{"YUYUE_SECRET_KEY": "9aneRaeNRqxLc1iOt6bHO4lRn72v7fQT7Q"})
	if err := run(context.Background(), []string{"migrate"}, e); err != nil {
		t.Fatal(err)
	}
	e2 := testEnv(t, map[string]string{"YUYUE_SECRET_KEY": "G7rYGJBjLD5wqwtrV6BLapkKhL5BhO1KgP", "YUYUE_DATABASE": e.getenv("YUYUE_DATABASE")})
	err := run(context.Background(), []string{"serve"}, e2)
	if err == nil || !strings.Contains(err.Error(), "secret_key (YUYUE_SECRET_KEY): secret_key does not match this database's key check") {
		t.Fatalf("err = %v, want the key-check message", err)
	}
}

// Help for any command prints and exits 0 with no side effect: no database
// file, no account.
func TestHelpHasNoSideEffects(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"migrate", "--help"}, {"operator", "add", "--help"},
		{"help", "serve"}, {"jobs", "run", "--help"}, {"backup", "-h"}, {"rekey", "--help"}} {
		e := testEnv(t, nil)
		var out bytes.Buffer
		if err := run(context.Background(), args, e.with("a-long-password-1\n", &out)); err != nil {
			t.Errorf("%v: %v", args, err)
		}
		if !strings.Contains(out.String(), "Usage:") {
			t.Errorf("%v printed no usage: %q", args, out.String())
		}
		noFile(t, e.getenv("YUYUE_DATABASE"))
		noFile(t, filepath.Dir(e.getenv("YUYUE_DATABASE"))+"/.dev-secret-key")
	}
}

func TestUnknownFlagsAndExtraArgumentsAreErrors(t *testing.T) {
	for _, args := range [][]string{{"serve", "--port", "1"}, {"serve", "extra"}, {"migrate", "now"}, {"version", "x"},
		{"operator", "add"}, {"operator", "add", "a", "b", "--role", "admin"}, {"frobnicate"}, {"jobs", "frobnicate"}, {"operator", "frobnicate"}} {
		e := testEnv(t, nil)
		if err := run(context.Background(), args, e); err == nil {
			t.Errorf("%v accepted", args)
		}
		noFile(t, e.getenv("YUYUE_DATABASE"))
	}
}

func TestBackupAndRestoreBesideARunningServer(t *testing.T) {
	e := testEnv(t, nil)
	s := startServer(t, e)
	dst := filepath.Join(t.TempDir(), "copy.db")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"backup", dst}, e.with("", &out)); err != nil || !strings.Contains(out.String(), "integrity_check ok") {
		t.Fatalf("backup beside the server: %v %q", err, out.String())
	}
	err := run(context.Background(), []string{"restore", dst}, e)
	if err == nil || !strings.Contains(err.Error(), "is in use by pid") {
		t.Fatalf("restore over the running server's database: %v", err)
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"restore", dst}, e); err != nil {
		t.Fatalf("restore after the server stopped: %v", err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"jobs", "run", "backup"}, e.with("", &out)); err != nil || !strings.Contains(out.String(), "backups=1") {
		t.Fatalf("backup job: %v %q", err, out.String())
	}
	names, _ := filepath.Glob(filepath.Join(filepath.Dir(e.getenv("YUYUE_DATABASE")), "backups", "yuyue-*.db"))
	if len(names) != 1 {
		t.Fatalf("backup job wrote %v", names)
	}
}

func TestRekeyRefusedWhileServingThenRotates(t *testing.T) {
	oldKey, newKey := "z7l6tTQ3LX6oH8k37f0LaGz3dXMFITUGeO", "o783zH3QwTjZieESt1bxSglhLFSKyPmME3"
	e := testEnv(t, map[string]string{"YUYUE_SECRET_KEY": oldKey})
	s := startServer(t, e)
	if err := run(context.Background(), []string{"rekey"}, e.with(newKey+"\n", nil)); err == nil || !strings.Contains(err.Error(), "stop the server first") {
		t.Fatalf("rekey while serving: %v", err)
	}
	s.stop()
	if err := run(context.Background(), []string{"rekey"}, e.with("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", nil)); err == nil || !strings.Contains(err.Error(), "secret_key") {
		t.Fatalf("weak new key accepted: %v", err)
	}
	if err := run(context.Background(), []string{"rekey"}, e.with(newKey+"\n", nil)); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"migrate"}, e); err == nil {
		t.Fatal("the old key still opens the database after rekey")
	}
	e2 := testEnv(t, map[string]string{"YUYUE_SECRET_KEY": newKey, "YUYUE_DATABASE": e.getenv("YUYUE_DATABASE")})
	if err := run(context.Background(), []string{"migrate"}, e2); err != nil {
		t.Fatalf("new key after rekey: %v", err)
	}
}
