package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestRestoreNeverDestroysData (issue 22, item 15): a backup sealed with
// another secret_key is refused and changes nothing; a good one replaces
// the database only after keeping it as <db>.pre-restore-<time>, named in
// the output, with everything written after the backup still in it.
func TestRestoreNeverDestroysData(t *testing.T) {
	key := "5vmb1LL27xXpReP3RK1qxk3zWWFo8tRPBf"
	e := testEnv(t, map[string]string{"YUYUE_SECRET_KEY": key})
	db := e.getenv("YUYUE_DATABASE")
	addOperator := func(e env, name string) {
		t.Helper()
		if err := run(context.Background(), []string{"operator", "add", name, "--role", "operator"}, e.with("a-long-password-1\n", nil)); err != nil {
			t.Fatal(err)
		}
	}
	addOperator(e, "alice")
	good := filepath.Join(t.TempDir(), "good.db")
	if err := run(context.Background(), []string{"backup", good}, e); err != nil {
		t.Fatal(err)
	}
	addOperator(e, "bob") // written after the backup: only the current database has it

	other := testEnv(t, map[string]string{"YUYUE_SECRET_KEY": "Gksmfo6SgBeo5rGYJliff79fNfcTOSbnc9"})
	addOperator(other, "mallory")
	foreign := filepath.Join(t.TempDir(), "foreign.db")
	if err := run(context.Background(), []string{"backup", foreign}, other); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"restore", foreign}, e)
	if err == nil || !strings.Contains(err.Error(), "key check") {
		t.Fatalf("restore of a backup sealed with another key: %v", err)
	}
	if names := operators(t, db); names != "alice,bob" {
		t.Fatalf("after the refused restore the database holds %q", names)
	}
	if kept, _ := filepath.Glob(db + ".pre-restore-*"); len(kept) != 0 {
		t.Fatalf("a refused restore moved the database: %v", kept)
	}

	var out bytes.Buffer
	if err := run(context.Background(), []string{"restore", good}, e.with("", &out)); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`previous database kept as (\S+)`).FindStringSubmatch(out.String())
	if m == nil || !strings.HasPrefix(m[1], db+".pre-restore-") {
		t.Fatalf("restore did not say where the previous database is: %q", out.String())
	}
	if names := operators(t, m[1]); names != "alice,bob" {
		t.Fatalf("the kept database holds %q, want alice,bob", names)
	}
	if names := operators(t, db); names != "alice" {
		t.Fatalf("the restored database holds %q, want the backup's alice", names)
	}
	if fi, err := os.Stat(m[1]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("kept database: %v %v", fi, err)
	}
}

// operators lists the operators' names in the SQLite file at path.
func operators(t *testing.T, path string) string {
	t.Helper()
	db := rawDB(t, path)
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM operators ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	return strings.Join(names, ",")
}
