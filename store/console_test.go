package store_test

import (
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
)

func TestConsoleStore(t *testing.T) {
	e := storetest.NewEnv(t)
	c := e.Citizen(t, 1)
	now := e.Clock.Now()
	err := e.Store.InTx(ctx, func(tx booking.Tx) error {
		h, err := tx.CitizenHandle(c.ID, "first")
		if err != nil || h != "first" {
			t.Fatalf("new handle %q, %v", h, err)
		}
		if h, err = tx.CitizenHandle(c.ID, "second"); err != nil || h != "first" {
			t.Fatalf("handle changed to %q, %v", h, err)
		}
		if id, err := tx.CitizenByHandle("first"); err != nil || id != c.ID {
			t.Fatalf("by handle: %d %v", id, err)
		}
		if _, err := tx.CitizenByHandle("second"); booking.ErrorCode(err) != booking.ENotFound {
			t.Fatalf("unknown handle: %v", err)
		}
		if hs, err := tx.CitizenHandles([]int64{c.ID, 999}); err != nil || len(hs) != 1 || hs[c.ID] != "first" {
			t.Fatalf("handles: %v %v", hs, err)
		}
		o := booking.Operator{Name: "op", Role: booking.RoleOperator, PasswordHash: []byte("x"), Active: true, CreatedAt: now}
		if err := tx.InsertOperator(&o); err != nil {
			return err
		}
		if err := tx.InsertOperatorSession(booking.OperatorSession{TokenHash: []byte("t"), OperatorID: o.ID, CSRF: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			return err
		}
		if err := tx.SaveConsoleSession([]byte("t"), booking.ConsoleSession{SeenAt: now, Data: `{"flash":"x"}`}); err != nil {
			return err
		}
		if s, err := tx.ConsoleSession([]byte("t")); err != nil || !s.SeenAt.Equal(now) || s.Data != `{"flash":"x"}` {
			t.Fatalf("session state %+v %v", s, err)
		}
		if err := tx.SaveConsoleSession([]byte("gone"), booking.ConsoleSession{}); booking.ErrorCode(err) != booking.ENotFound {
			t.Fatalf("saving an ended session: %v", err)
		}
		if err := tx.ReserveLoginAttempt([]string{"a", "b"}, "x1", now.Add(-time.Minute)); err != nil {
			return err
		}
		if err := tx.ReserveLoginAttempt([]string{"a"}, "x2", now); err != nil {
			return err
		}
		if err := tx.ClearLoginAttempt("x1"); err != nil {
			return err
		}
		counts, err := tx.LoginCounts([]string{"a", "b"}, now.Add(-time.Hour))
		if err != nil || counts["a"].N != 1 || !counts["a"].Last.Equal(now) || counts["b"].N != 0 {
			t.Fatalf("counts %+v %v", counts, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// an audit filter by action, paged
	for range 3 {
		e.Store.InTx(ctx, func(tx booking.Tx) error {
			return tx.Audit(booking.AuditEntry{At: now, Actor: "op", Channel: booking.ChannelOperator, Action: "citizen.view", CitizenID: c.ID})
		})
	}
	log, err := e.Svc.AuditLog(ctx, booking.AuditFilter{Action: "citizen.view", Limit: 2, Offset: 2})
	if err != nil || len(log) != 1 {
		t.Fatalf("page 2 of views: %d %v", len(log), err)
	}
}
