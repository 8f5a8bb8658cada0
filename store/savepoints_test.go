package store_test

import (
	"errors"
	"testing"

	"yuyue/booking"
	"yuyue/store/sqlstore"
	"yuyue/store/storetest"
)

// Savepoints inside one write transaction undo exactly what was done in
// them, however they nest, whether their RELEASE went at once (SQLite) or
// waits for the next SAVEPOINT (every server dialect): a savepoint rolled
// back after an inner one was released undoes the inner one's work too;
// work kept in an earlier, released savepoint survives a later sibling's
// rollback and a failed statement's; and the transaction goes on.
func TestSavepointsUndoWhatTheyHeldAfterAReleaseWaits(t *testing.T) {
	s := storetest.Open(t)
	audit := func(tx booking.Tx, action string) error {
		return tx.Audit(booking.AuditEntry{Actor: "savepoints", Action: action})
	}
	refused := booking.Errorf(booking.EConflict, "refused")
	err := s.InTx(ctx, func(tx booking.Tx) error {
		// outer undone after its inner one was released
		if err := tx.Savepoint(func(tx booking.Tx) error {
			if err := audit(tx, "outer-undone"); err != nil {
				return err
			}
			if err := tx.Savepoint(func(tx booking.Tx) error { return audit(tx, "inner-of-undone") }); err != nil {
				return err
			}
			return refused
		}); !errors.Is(err, refused) {
			t.Fatalf("outer savepoint: %v, want the refusal", err)
		}
		// a released sibling, then one undone with its own inner one
		if err := tx.Savepoint(func(tx booking.Tx) error { return audit(tx, "kept-sibling") }); err != nil {
			return err
		}
		if err := tx.Savepoint(func(tx booking.Tx) error {
			if err := audit(tx, "sibling-undone"); err != nil {
				return err
			}
			if err := tx.Savepoint(func(tx booking.Tx) error { return audit(tx, "inner-of-sibling-undone") }); err != nil {
				return err
			}
			return refused
		}); !errors.Is(err, refused) {
			t.Fatalf("sibling savepoint: %v, want the refusal", err)
		}
		// a statement that fails (a PostgreSQL transaction is aborted
		// until the savepoint is rolled back) right after a release
		if err := tx.Savepoint(func(tx booking.Tx) error { return audit(tx, "kept-before-failure") }); err != nil {
			return err
		}
		if err := tx.Savepoint(func(tx booking.Tx) error {
			if err := audit(tx, "undone-with-failure"); err != nil {
				return err
			}
			// released, its RELEASE maybe not yet sent when the
			// statement below fails
			if err := tx.Savepoint(func(tx booking.Tx) error { return audit(tx, "inner-of-failure") }); err != nil {
				return err
			}
			_, err := tx.(*sqlstore.Tx).Exec(`INSERT INTO key_check (id, checked_at) VALUES (1, 0)`)
			return err
		}); err == nil {
			t.Fatal("a key_check row without its value was taken")
		}
		return audit(tx, "kept-after-failure")
	})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := s.Reader().Query(`SELECT action FROM audit WHERE actor = 'savepoints' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var a string
		rows.Scan(&a)
		got = append(got, a)
	}
	want := []string{"kept-sibling", "kept-before-failure", "kept-after-failure"}
	if len(got) != len(want) {
		t.Fatalf("committed %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("committed %q, want %q", got, want)
		}
	}
}
