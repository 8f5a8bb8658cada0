package store_test

import (
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
)

func TestOperatorAccounts(t *testing.T) {
	st := storetest.Open(t)
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	var b, a booking.Operator
	err := st.InTx(ctx, func(tx booking.Tx) error {
		b = booking.Operator{Name: "bob", Role: booking.RoleOperator, PasswordHash: []byte("h1"), Active: true, CreatedAt: now}
		a = booking.Operator{Name: "alice", Role: booking.RoleAdmin, PasswordHash: []byte("h2"), Active: true, CreatedAt: now}
		if err := tx.InsertOperator(&b); err != nil {
			return err
		}
		if err := tx.InsertOperator(&a); err != nil {
			return err
		}
		return tx.InsertOperatorSession(booking.OperatorSession{TokenHash: []byte("t1"), OperatorID: b.ID, CSRF: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.InTx(ctx, func(tx booking.Tx) error {
		b.Role, b.Office, b.Active, b.MustChangePassword, b.PasswordHash = booking.RoleClerk, "FT01", false, true, []byte("h3")
		b.UpdatedAt = now.Add(time.Minute)
		if err := tx.UpdateOperator(b); err != nil {
			return err
		}
		return tx.DeleteOperatorSessions(b.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.View(ctx, func(tx booking.Tx) error {
		all, err := tx.Operators()
		if err != nil {
			return err
		}
		if len(all) != 2 || all[0].Name != "alice" || all[1].Name != "bob" {
			t.Fatalf("Operators() = %+v, want alice then bob", all)
		}
		got := all[1]
		if got.Role != booking.RoleClerk || got.Office != "FT01" || got.Active || !got.MustChangePassword ||
			string(got.PasswordHash) != "h3" || !got.UpdatedAt.Equal(now.Add(time.Minute)) {
			t.Errorf("updated operator = %+v", got)
		}
		if _, err := tx.OperatorSession([]byte("t1"), now); booking.ErrorCode(err) != booking.ENotFound {
			t.Errorf("session after DeleteOperatorSessions: err = %v, want not_found", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.InTx(ctx, func(tx booking.Tx) error {
		return tx.UpdateOperator(booking.Operator{ID: 999, Role: booking.RoleAdmin})
	})
	if booking.ErrorCode(err) != booking.ENotFound {
		t.Errorf("UpdateOperator(unknown id) = %v, want not_found", err)
	}
}
