package jobs_test

import (
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/jobs"
	"yuyue/store/storetest"
)

func TestPurgeEndsOldConsoleSessionsAndLoginFailures(t *testing.T) {
	e := storetest.NewEnv(t)
	now := e.Clock.Now()
	err := e.InTx(ctx, func(tx booking.Tx) error {
		o := booking.Operator{Name: "op", Role: booking.RoleOperator, PasswordHash: []byte("x"), Active: true, CreatedAt: now}
		if err := tx.InsertOperator(&o); err != nil {
			return err
		}
		for i, age := range []time.Duration{9 * time.Hour, time.Hour} {
			s := booking.OperatorSession{TokenHash: []byte{byte(i)}, OperatorID: o.ID, CSRF: "c", CreatedAt: now.Add(-age), ExpiresAt: now.Add(-age + 8*time.Hour)}
			if err := tx.InsertOperatorSession(s); err != nil {
				return err
			}
		}
		if err := tx.ReserveLoginAttempt([]string{"ip:1", "name:op"}, "a", now.Add(-25*time.Hour)); err != nil {
			return err
		}
		return tx.ReserveLoginAttempt([]string{"ip:1"}, "b", now.Add(-time.Hour))
	})
	if err != nil {
		t.Fatal(err)
	}
	r := run(t, e, jobs.Purge{Retention: jobs.Retention{Bookings: time.Hour, CallSessions: time.Hour, Messages: time.Hour, Audit: 24 * time.Hour}})
	if r["console_sessions"] != 1 || r["login_failures"] != 2 {
		t.Fatalf("purge: %v", r)
	}
	e.View(ctx, func(tx booking.Tx) error {
		if _, err := tx.OperatorSession([]byte{1}, now); err != nil {
			t.Fatalf("the live session went: %v", err)
		}
		if c, _ := tx.LoginCounts([]string{"ip:1"}, now.Add(-48*time.Hour)); c["ip:1"].N != 1 {
			t.Fatalf("failures left: %+v", c)
		}
		return nil
	})
}
