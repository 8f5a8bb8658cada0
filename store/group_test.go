package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"yuyue/booking"
	"yuyue/store/sqlstore"
	"yuyue/store/storetest"
)

// Many concurrent InTx calls with every kind of outcome: each keeps its own
// atomicity whether it shared a commit or not.
func TestGroupCommitKeepsEachCallAtomic(t *testing.T) {
	s := storetest.Open(t)
	const n = 400
	var wg sync.WaitGroup
	results := make([]error, n)
	panics := make([]any, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[i] = recover() }()
			results[i] = s.InTx(ctx, func(tx booking.Tx) error {
				if err := tx.Audit(booking.AuditEntry{Actor: fmt.Sprint(i), Action: "t"}); err != nil {
					return err
				}
				switch i % 4 {
				case 1:
					return booking.Errorf(booking.EConflict, "domain error after a write")
				case 2:
					return errors.New("internal error after a write")
				case 3:
					if i%8 == 3 {
						panic(fmt.Sprintf("panic %d", i))
					}
				}
				return nil
			})
		}()
	}
	wg.Wait()
	var kept int
	s.Reader().QueryRow(`SELECT count(*) FROM audit WHERE action = 't'`).Scan(&kept)
	want := 0
	for i := range n {
		switch {
		case i%4 == 0 || (i%4 == 3 && i%8 != 3):
			want++
			if results[i] != nil || panics[i] != nil {
				t.Fatalf("call %d: %v %v", i, results[i], panics[i])
			}
		case i%4 == 1 && booking.ErrorCode(results[i]) != booking.EConflict,
			i%4 == 2 && (results[i] == nil || booking.ErrorCode(results[i]) != booking.EInternal),
			i%8 == 3 && panics[i] != fmt.Sprintf("panic %d", i):
			t.Fatalf("call %d: %v %v", i, results[i], panics[i])
		}
	}
	if kept != want {
		t.Fatalf("%d audit rows committed, want %d (only the successful calls)", kept, want)
	}
	commits, requests := s.CommitStats()
	if requests < n || commits >= requests {
		t.Fatalf("%d commits for %d calls: nothing was grouped", commits, requests)
	}
	t.Logf("%d calls in %d commits", requests, commits)
}

func TestInTxAfterCloseFails(t *testing.T) {
	s := storetest.Open(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.InTx(ctx, func(booking.Tx) error { return nil }); !errors.Is(err, sqlstore.ErrClosed) {
		t.Fatalf("InTx on a closed store: %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// A violated constraint inside a transaction maps to its domain code and
// leaves the transaction usable on both engines (PostgreSQL guards the
// statement with a savepoint; SQLite fails only the statement).
func TestConstraintViolationKeepsTransaction(t *testing.T) {
	s := storetest.Open(t)
	c1 := booking.Citizen{Name: "甲", IDNumber: storetest.ID(1), IDMasked: "x", Phone: storetest.Phone(1), Active: true}
	c2 := booking.Citizen{Name: "乙", IDNumber: storetest.ID(2), IDMasked: "y", Phone: storetest.Phone(1), Active: true}
	err := s.InTx(ctx, func(tx booking.Tx) error {
		if err := tx.InsertCitizen(&c1); err != nil {
			return err
		}
		if err := tx.InsertCitizen(&c2); booking.ErrorCode(err) != booking.EPhoneLinked {
			t.Errorf("second citizen on the phone: %v, want phone_linked", err)
		}
		return tx.Audit(booking.AuditEntry{Actor: "t", Action: "after"})
	})
	if err != nil {
		t.Fatalf("transaction after a handled violation: %v", err)
	}
	var n int
	s.Reader().QueryRow(`SELECT count(*) FROM audit WHERE action = 'after'`).Scan(&n)
	if n != 1 || c1.ID == 0 {
		t.Fatalf("after the violation: %d audit rows, first citizen id %d", n, c1.ID)
	}
}
