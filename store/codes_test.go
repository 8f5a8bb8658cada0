package store_test

import (
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/sqlstore"
	"yuyue/store/storetest"
)

// CodeQuota counts the hour's codes to numbers that never passed one only
// when asked to and only for a number not known: the count is the
// unverified budget's, and a known caller's code must not read it.
func TestCodeQuotaCountsUnverifiedCodesForUnknownNumbersOnly(t *testing.T) {
	e := storetest.NewEnv(t)
	known := e.Citizen(t, 1)
	now := e.Clock.Now()
	insert := func(n int, at time.Time, unverified bool) {
		t.Helper()
		if err := e.InTx(ctx, func(tx booking.Tx) error {
			return tx.InsertCode(&booking.VerificationCode{Phone: storetest.Phone(n), Purpose: booking.PurposeBooking,
				Caller: storetest.Phone(n), Hash: []byte{byte(n)}, CreatedAt: at, ExpiresAt: at.Add(5 * time.Minute), Unverified: unverified})
		}); err != nil {
			t.Fatal(err)
		}
	}
	insert(10, now.Add(-2*time.Hour), true) // outside the hour
	insert(11, now.Add(-30*time.Minute), true)
	insert(12, now.Add(-10*time.Minute), true)
	insert(13, now.Add(-5*time.Minute), false) // a known number's code
	quota := func(phone string, unverified bool) booking.CodeQuota {
		t.Helper()
		var q booking.CodeQuota
		if err := e.InTx(ctx, func(tx booking.Tx) (err error) {
			q, err = tx.CodeQuota(phone, phone, now, now.Add(-time.Hour), now.Add(-24*time.Hour), unverified)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return q
	}
	if q := quota(storetest.Phone(20), true); q.Known || q.Unverified != 2 {
		t.Errorf("a new number's quota: known %v, %d unverified codes in the hour; want false, 2", q.Known, q.Unverified)
	}
	if q := quota(storetest.Phone(20), false); q.Unverified != 0 {
		t.Errorf("not asked for, the count is %d, want 0", q.Unverified)
	}
	if q := quota(known.Phone, true); !q.Known || q.Unverified != 0 {
		t.Errorf("a citizen's quota: known %v, %d unverified codes; want true, 0 (not read)", q.Known, q.Unverified)
	}
	if q := quota(storetest.Phone(11), true); q.Known || q.Hour != 1 || q.Unverified != 2 {
		t.Errorf("quota of a number with a code: %+v, want not known, 1 in the hour, 2 unverified", q)
	}
}

// A new code replaces the number's earlier unused one for the same
// purpose, and only that: on PostgreSQL in the one statement that inserts
// it (a round trip fewer for every code texted).
func TestInsertCodeReplacesTheEarlierUnusedCode(t *testing.T) {
	e := storetest.NewEnv(t)
	t0 := e.Clock.Now()
	phone := storetest.Phone(3)
	issue := func(purpose string, at time.Time) int64 {
		t.Helper()
		c := booking.VerificationCode{Phone: phone, Purpose: purpose, Caller: phone, Hash: []byte("h"), CreatedAt: at, ExpiresAt: at.Add(5 * time.Minute)}
		before := e.StatementStats()
		if err := e.InTx(ctx, func(tx booking.Tx) error { return tx.InsertCode(&c) }); err != nil {
			t.Fatal(err)
		}
		want := int64(2)
		if storetest.OnPostgres(t) {
			want = 1
		}
		if st := e.StatementStats(); st.Writes-before.Writes != want || st.Reads != before.Reads {
			t.Errorf("a code took %d writes and %d reads, want %d and 0", st.Writes-before.Writes, st.Reads-before.Reads, want)
		}
		if c.ID == 0 {
			t.Fatal("the code's id was not returned")
		}
		return c.ID
	}
	first := issue(booking.PurposeBooking, t0)
	other := issue(booking.PurposeManage, t0.Add(time.Second))
	second := issue(booking.PurposeBooking, t0.Add(time.Minute))
	used := map[int64]int64{}
	if err := e.View(ctx, func(tx booking.Tx) error {
		rows, err := tx.(*sqlstore.Tx).Query(`SELECT id, used_at FROM sms_codes WHERE phone = ?`, phone)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, at int64
			if err := rows.Scan(&id, &at); err != nil {
				return err
			}
			used[id] = at
		}
		return rows.Err()
	}); err != nil {
		t.Fatal(err)
	}
	if len(used) != 3 || used[first] != t0.Add(time.Minute).UnixMilli() || used[other] != 0 || used[second] != 0 {
		t.Fatalf("codes' used_at: %v; want the first (%d) replaced at the second's time, the other purpose's (%d) and the second (%d) unused",
			used, first, other, second)
	}
}
