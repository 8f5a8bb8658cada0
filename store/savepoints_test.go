package store_test

import (
	"errors"
	"slices"
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
	kept := func(tx booking.Tx, action string) error {
		return tx.Savepoint(func(tx booking.Tx) error { return audit(tx, action) })
	}
	// nested writes outer, then inner in a savepoint of its own (released,
	// its RELEASE maybe not yet sent), then ends with last; all of it in
	// one savepoint.
	nested := func(tx booking.Tx, outer, inner string, last func(booking.Tx) error) error {
		return tx.Savepoint(func(tx booking.Tx) error {
			if err := audit(tx, outer); err != nil {
				return err
			}
			if err := kept(tx, inner); err != nil {
				return err
			}
			return last(tx)
		})
	}
	refused := booking.Errorf(booking.EConflict, "refused")
	refuse := func(booking.Tx) error { return refused }
	err := s.InTx(ctx, func(tx booking.Tx) error {
		// outer undone after its inner one was released
		if err := nested(tx, "outer-undone", "inner-of-undone", refuse); !errors.Is(err, refused) {
			t.Fatalf("outer savepoint: %v, want the refusal", err)
		}
		// a released sibling, then one undone with its own inner one
		if err := kept(tx, "kept-sibling"); err != nil {
			return err
		}
		if err := nested(tx, "sibling-undone", "inner-of-sibling-undone", refuse); !errors.Is(err, refused) {
			t.Fatalf("sibling savepoint: %v, want the refusal", err)
		}
		// a statement that fails (a PostgreSQL transaction is aborted
		// until the savepoint is rolled back) right after a release
		if err := kept(tx, "kept-before-failure"); err != nil {
			return err
		}
		if err := nested(tx, "undone-with-failure", "inner-of-failure", func(tx booking.Tx) error {
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
	if want := []string{"kept-sibling", "kept-before-failure", "kept-after-failure"}; !slices.Equal(got, want) {
		t.Fatalf("committed %q, want %q", got, want)
	}
}
