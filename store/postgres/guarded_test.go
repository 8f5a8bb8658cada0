package postgres_test

import (
	"os"
	"sync"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/postgres"
	"yuyue/store/sqlstore"
	"yuyue/store/storetest"
)

// auditCount counts the audit rows of one action.
func auditCount(t *testing.T, s *postgres.Store, action string) int {
	t.Helper()
	var n int
	if err := s.Reader().QueryRow(`SELECT count(*) FROM audit WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A guarded transaction runs at REPEATABLE READ and may write only what
// keeps its rule on its own row (guardedWrites). A write outside the list,
// or a constraint violation even one the step handled, ends the attempt
// with nothing of it left (ran false: the step runs again serially).
func TestGuardedTransactionsWriteOnlyRowGuardedRows(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skipf("%s not set", storetest.PostgresEnv)
	}
	s := storetest.OpenPostgres(t)
	audit := func(tx booking.Tx, action string) error {
		return tx.Audit(booking.AuditEntry{At: time.Now(), Actor: "test", Channel: "ivr", Action: action})
	}

	var level string
	ran, err := s.TryGuardedTx(ctx, func(tx booking.Tx) error {
		if err := tx.(*sqlstore.Tx).QueryRow(`SELECT current_setting('transaction_isolation')`).Scan(&level); err != nil {
			return err
		}
		return audit(tx, "guarded.kept")
	})
	if !ran || err != nil || level != "repeatable read" || auditCount(t, s, "guarded.kept") != 1 {
		t.Fatalf("an allowed write: ran %v, %v, at %q, %d rows; want it committed at repeatable read", ran, err, level, auditCount(t, s, "guarded.kept"))
	}

	escalations0 := s.EscalationStats()
	ran, err = s.TryGuardedTx(ctx, func(tx booking.Tx) error {
		if err := audit(tx, "guarded.outside"); err != nil {
			return err
		}
		tx.Enqueue(booking.Message{To: storetest.Phone(1), Kind: booking.MsgCode}) // refused: a code's rules are not on its row
		return nil                                                                 // whatever the step makes of it
	})
	if ran || err != nil || auditCount(t, s, "guarded.outside") != 0 || s.EscalationStats()-escalations0 != 1 {
		t.Errorf("a write outside the list: ran %v, %v, %d audit rows left, %d escalations; want a refusal that leaves nothing, counted",
			ran, err, auditCount(t, s, "guarded.outside"), s.EscalationStats()-escalations0)
	}

	if err := s.InTx(ctx, func(tx booking.Tx) error {
		return tx.InsertCitizen(&booking.Citizen{Name: "甲", IDNumber: storetest.ID(1), IDMasked: "1", Phone: storetest.Phone(2), Active: true, CreatedAt: time.Now()})
	}); err != nil {
		t.Fatal(err)
	}
	var handled error
	ran, err = s.TryGuardedTx(ctx, func(tx booking.Tx) error {
		if err := audit(tx, "guarded.violation"); err != nil {
			return err
		}
		handled = tx.InsertCitizen(&booking.Citizen{Name: "乙", IDNumber: storetest.ID(2), IDMasked: "2", Phone: storetest.Phone(2), Active: true, CreatedAt: time.Now()})
		return nil // the step handled the domain error (EPhoneLinked) and went on
	})
	if booking.ErrorCode(handled) != booking.EPhoneLinked {
		t.Fatalf("the second citizen on one phone: %v, want EPhoneLinked", handled)
	}
	if ran || err != nil || auditCount(t, s, "guarded.violation") != 0 {
		t.Errorf("a violation the step handled: ran %v, %v, %d audit rows left; want a refusal that leaves nothing", ran, err, auditCount(t, s, "guarded.violation"))
	}
}

// Two nodes count wrong attempts on one code side by side in guarded
// transactions: both read the code before either writes, and REPEATABLE
// READ fails the second writer (the row changed since its snapshot), which
// runs again and counts on top of the first. No attempt is lost.
func TestGuardedCodeAttemptsOnTwoNodesAreNotLost(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skipf("%s not set", storetest.PostgresEnv)
	}
	a := storetest.OpenPostgres(t)
	b := storetest.Sibling(t, a).(*postgres.Store)
	phone, now := storetest.Phone(7), time.Now()
	if err := a.InTx(ctx, func(tx booking.Tx) error {
		return tx.InsertCode(&booking.VerificationCode{Phone: phone, Purpose: "register", Caller: "test", Hash: []byte("h"),
			CreatedAt: now, ExpiresAt: now.Add(5 * time.Minute)})
	}); err != nil {
		t.Fatal(err)
	}
	retries0 := a.RetryStats() + b.RetryStats()
	var read sync.WaitGroup // both first runs have read the code
	read.Add(2)
	wrong := func(s *postgres.Store) error {
		first := true
		ran, err := s.TryGuardedTx(ctx, func(tx booking.Tx) error {
			c, err := tx.LatestCode(phone, "register")
			if err != nil {
				return err
			}
			if first {
				first = false
				read.Done()
				read.Wait()
			}
			c.Attempts++
			return tx.UpdateCode(c)
		})
		if !ran && err == nil {
			t.Error("a code's attempts were refused in a guarded transaction")
		}
		return err
	}
	errs := make(chan error, 2)
	for _, s := range []*postgres.Store{a, b} {
		go func() { errs <- wrong(s) }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var attempts int
	if err := a.Reader().QueryRow(`SELECT attempts FROM sms_codes WHERE phone = $1`, phone).Scan(&attempts); err != nil {
		t.Fatal(err)
	}
	if attempts != 2 {
		t.Errorf("%d attempts counted, want 2: one was lost", attempts)
	}
	if got := a.RetryStats() + b.RetryStats() - retries0; got < 1 {
		t.Errorf("%d transactions run again, want at least one: the two writers did not collide", got)
	}
}
