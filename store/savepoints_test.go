package store_test

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"testing"

	"yuyue/booking"
	"yuyue/store/sqlstore"
	"yuyue/store/storetest"
)

// Savepoints inside one write transaction undo exactly what was done in
// them, however they nest, while their RELEASE waits for the next
// SAVEPOINT: a savepoint rolled
// back after an inner one was released undoes the inner one's work too;
// work kept in an earlier, released savepoint survives a later sibling's
// rollback and a failed statement's; and the transaction goes on.
func TestSavepointsUndoWhatTheyHeldAfterAReleaseWaits(t *testing.T) {
	s := storetest.Open(t)
	audit := auditAs("savepoints")
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
	got := committedActions(t, s, "savepoints")
	if want := []string{"kept-sibling", "kept-before-failure", "kept-after-failure"}; !slices.Equal(got, want) {
		t.Fatalf("committed %q, want %q", got, want)
	}
}

// A savepoint costs a statement (on PostgreSQL a round trip) only when
// something is written inside it, and savepoints opened one inside another
// with no write between them cost one together; what each undoes is still
// exactly its own writes. A unit that only reads and is refused sends no
// savepoint at all. Both engines.
func TestSavepointsMadeAtTheirFirstWrite(t *testing.T) {
	s := storetest.Open(t)
	audit := auditAs("lazy-savepoints")
	refused := booking.Errorf(booking.EConflict, "refused")
	trips := func() int64 { return s.StatementStats().SavepointTrips }
	var readOnly, nestedThree int64
	err := s.InTx(ctx, func(tx booking.Tx) error {
		before := trips()
		// reads only, then refused: nothing to undo, nothing sent
		err := tx.Savepoint(func(tx booking.Tx) error {
			if _, err := tx.AuditLog(booking.AuditFilter{Limit: 1}); err != nil {
				return err
			}
			return refused
		})
		if !errors.Is(err, refused) {
			t.Fatalf("read-only savepoint: %v, want the refusal", err)
		}
		readOnly = trips() - before
		if err := audit(tx, "kept-before"); err != nil {
			return err
		}
		// three savepoints, one inside another, written in only at the
		// innermost; the middle one is undone after the innermost was kept
		before = trips()
		err = tx.Savepoint(func(tx booking.Tx) error {
			return tx.Savepoint(func(tx booking.Tx) error {
				if err := tx.Savepoint(func(tx booking.Tx) error { return audit(tx, "inner-undone") }); err != nil {
					return err
				}
				nestedThree = trips() - before
				return refused
			})
		})
		if !errors.Is(err, refused) {
			t.Fatalf("nested savepoints: %v, want the refusal", err)
		}
		// a savepoint opened after a write, inside one that was made
		// before it: undoing the inner one keeps the outer one's write
		return tx.Savepoint(func(tx booking.Tx) error {
			if err := audit(tx, "kept-outer"); err != nil {
				return err
			}
			err := tx.Savepoint(func(tx booking.Tx) error {
				if err := audit(tx, "inner-after-write-undone"); err != nil {
					return err
				}
				return refused
			})
			if !errors.Is(err, refused) {
				t.Fatalf("savepoint after a write: %v, want the refusal", err)
			}
			return audit(tx, "kept-last")
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if readOnly != 0 {
		t.Errorf("a savepoint with no write sent %d savepoint statements, want 0", readOnly)
	}
	if nestedThree != 1 {
		t.Errorf("three nested savepoints written in once sent %d savepoint statements, want 1", nestedThree)
	}
	got := committedActions(t, s, "lazy-savepoints")
	if want := []string{"kept-before", "kept-outer", "kept-last"}; !slices.Equal(got, want) {
		t.Fatalf("committed %q, want %q", got, want)
	}
}

// A statement that fails inside a savepoint not yet made (nothing was
// written in it) leaves a PostgreSQL transaction with no savepoint to
// return to: whatever the caller makes of the failure, nothing of the
// transaction commits, and the store is usable afterwards. SQLite undoes
// the failed statement alone and goes on, so there the caller's refusal
// undoes nothing and both writes around it commit.
func TestFailedReadBeforeAnyWriteCommitsNothing(t *testing.T) {
	s := storetest.Open(t)
	aborts := storetest.OnPostgres(t)
	err := s.InTx(ctx, func(tx booking.Tx) error {
		if err := tx.Audit(booking.AuditEntry{Actor: "failed-read", Action: "before"}); err != nil {
			return err
		}
		failed := tx.Savepoint(func(tx booking.Tx) error {
			_, err := tx.(*sqlstore.Tx).Query(`SELECT count(*) FROM no_such_table`)
			return err
		})
		if failed == nil {
			return errors.New("a read of a table that does not exist did not fail")
		}
		// the caller carries on as if the failure were a refusal
		return tx.Audit(booking.AuditEntry{Actor: "failed-read", Action: "after"})
	})
	switch got := committedActions(t, s, "failed-read"); {
	case !aborts:
		if err != nil {
			t.Fatalf("SQLite, a failed read refused as a savepoint's: %v, want the transaction committed", err)
		}
		if want := []string{"before", "after"}; !slices.Equal(got, want) {
			t.Fatalf("SQLite committed %q, want %q", got, want)
		}
	case err == nil:
		t.Fatal("the transaction committed after a failed statement it could not undo")
	case len(got) != 0:
		t.Fatalf("%d audit rows committed (%q), want 0", len(got), got)
	}
	if err := s.InTx(ctx, func(tx booking.Tx) error {
		return tx.Audit(booking.AuditEntry{Actor: "failed-read", Action: "next"})
	}); err != nil {
		t.Fatalf("the next transaction: %v", err)
	}
}

// auditAs writes an audit row of actor, for the savepoint tests to see
// which of their writes committed.
func auditAs(actor string) func(tx booking.Tx, action string) error {
	return func(tx booking.Tx, action string) error {
		return tx.Audit(booking.AuditEntry{Actor: actor, Action: action})
	}
}

// committedActions is the actions of actor's committed audit rows, in the
// order written.
func committedActions(t *testing.T, s storetest.DB, actor string) []string {
	t.Helper()
	rows, err := s.Reader().Query(`SELECT action FROM audit WHERE actor = $1 ORDER BY id`, actor) // $1: both engines read it
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		got = append(got, a)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// Some failures end a whole SQLite transaction, not just their statement:
// an I/O error, a full disk, no memory. One inside a savepoint not yet
// made (a read) leaves nothing to return to, as on PostgreSQL: whatever
// the caller makes of it, no later write runs in a transaction of its own
// and nothing commits. Without that, the next SAVEPOINT began a new
// transaction and committed the write after the failure alone, the one
// before it lost. The failure is out of memory here, under a heap limit
// (process-wide, lifted at once).
func TestSQLiteReadThatEndsTheTransactionCommitsNothing(t *testing.T) {
	s := storetest.Open(t)
	r := s.(interface{ Reader() *sql.DB }).Reader()
	if _, err := r.Exec(`PRAGMA hard_heap_limit = 100000000`); err != nil {
		t.Fatal(err)
	}
	lifted := false
	lift := func() {
		if !lifted {
			if _, err := r.Exec(`PRAGMA hard_heap_limit = 0`); err != nil {
				t.Error(err)
			}
			lifted = true
		}
	}
	defer lift()
	var readErr error
	err := s.InTx(ctx, func(tx booking.Tx) error {
		if err := tx.Audit(booking.AuditEntry{Actor: "ended", Action: "before"}); err != nil {
			return err
		}
		readErr = tx.Savepoint(func(tx booking.Tx) error {
			var n int
			return tx.(*sqlstore.Tx).QueryRow(`SELECT length(randomblob(300000000)) FROM audit LIMIT 1`).Scan(&n)
		})
		lift()
		// the caller carries on as if the failure were a refusal: a write
		// through Exec, and one returning a row (as every insert of an id
		// does), each refused
		afterExec := tx.Savepoint(func(tx booking.Tx) error {
			return tx.Audit(booking.AuditEntry{Actor: "ended", Action: "after"})
		})
		var id int64
		afterRow := tx.Savepoint(func(tx booking.Tx) error {
			return tx.(*sqlstore.Tx).QueryRow(`INSERT INTO audit (at, actor, channel, action, citizen_id, booking_id, detail)
				VALUES (0, 'ended', '', 'returning', 0, 0, '') RETURNING id`).Scan(&id)
		})
		if afterExec == nil || afterRow == nil {
			return fmt.Errorf("writes after the transaction ended were not refused: %v, %v", afterExec, afterRow)
		}
		return errors.Join(afterExec, afterRow)
	})
	if readErr == nil {
		t.Fatal("a 300 MB blob under a 100 MB heap limit did not fail")
	}
	if err == nil {
		t.Fatal("the transaction reported success after a failure that ended it")
	}
	if got := committedActions(t, s, "ended"); len(got) != 0 {
		t.Fatalf("%d audit rows committed (%q), want 0", len(got), got)
	}
	if err := s.InTx(ctx, func(tx booking.Tx) error {
		return tx.Audit(booking.AuditEntry{Actor: "ended", Action: "next"})
	}); err != nil {
		t.Fatalf("the next transaction: %v", err)
	}
}
