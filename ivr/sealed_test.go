package ivr_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"yuyue/store"
	"yuyue/store/storetest"
)

// TestUnverifiedCallStateIsSealed (issue 22, item 12):
// what a caller keys before the code passes (ID number, name, other
// numbers) is kept only sealed: the session column holds none of it and,
// on SQLite, the database files do not hold the name anywhere.
func TestUnverifiedCallStateIsSealed(t *testing.T) {
	h := newHarness(t, true)
	name, id, keyed := "欧阳娜娜", storetest.ID(8), storetest.Phone(10)
	q := h.dial(storetest.Phone(9))
	q.press("1").expect("id_number").press(keys(id)).expect("name").speak(name)
	q.expect("name_confirm").press("1").expect("phone_choice").press("2")
	q.expect("phone_number").press(keyed[3:] + "#").expect("code")

	rows, err := h.e.Query(`SELECT data FROM call_sessions`)
	if err != nil {
		t.Fatal(err)
	}
	var sessions [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		sessions = append(sessions, b)
	}
	rows.Close()
	if len(sessions) != 1 || len(sessions[0]) == 0 {
		t.Fatalf("%d call sessions stored: the test looked at nothing", len(sessions))
	}
	for _, needle := range []string{name, keyed, keyed[3:], id, id[:17], `"keyed"`, `"name"`} {
		if bytes.Contains(sessions[0], []byte(needle)) {
			t.Errorf("the stored session holds %q in clear", needle)
		}
	}
	db := h.e.Store
	s, ok := db.(*store.Store)
	if !ok {
		return // PostgreSQL: the column is what it stores
	}
	files, _ := filepath.Glob(filepath.Join(filepath.Dir(s.Path), "*"))
	read := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		read += len(b)
		if bytes.Contains(b, []byte(name)) {
			t.Errorf("%s holds the unverified caller's name", filepath.Base(f))
		}
	}
	if read == 0 {
		t.Fatal("no database file read")
	}
}
