package jobs_test

import (
	"strings"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/jobs"
	"yuyue/store/storetest"
)

func TestPurgeKeepsActiveBookings(t *testing.T) {
	e := storetest.NewEnv(t)
	a, b, c := e.Citizen(t, 1), e.Citizen(t, 2), e.Citizen(t, 3)
	done := e.Book(t, a, e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"))
	active := e.Book(t, b, e.Place(t, "FT01", "newborn", "2026-12-01", "14:00"))
	cancelled := e.Book(t, c, e.Place(t, "FT01", "idcard", "2026-12-01", "14:00"))
	e.Svc.Cancel(ctx, storetest.Actor, cancelled.ID)
	run(t, e, jobs.Release{})
	e.Clock.Set(storetest.At("2026-12-01 09:10"))
	e.Svc.CheckIn(ctx, storetest.Actor, done.ID, storetest.ID(1))
	e.Svc.Complete(ctx, storetest.Actor, done.ID)
	e.Svc.CheckIn(ctx, storetest.Actor, active.ID, storetest.ID(2)) // checked in, never completed: still active
	e.Clock.Set(storetest.At("2027-12-01 03:00"))                   // a year later
	r := run(t, e, jobs.Purge{Retention: jobs.Retention{Bookings: 180 * 24 * time.Hour, CallSessions: 24 * time.Hour,
		Messages: 30 * 24 * time.Hour, Audit: 365 * 24 * time.Hour}})
	if r["bookings"] != 2 || r["codes"] != 0 || r["outbox"] != 0 {
		t.Fatalf("purge: %v", r)
	}
	if got, err := e.Svc.Booking(ctx, active.ID); err != nil || got.Status != booking.StatusCheckedIn {
		t.Fatalf("active booking purged: %v", err)
	}
	if _, err := e.Svc.Booking(ctx, done.ID); booking.ErrorCode(err) != booking.ENotFound {
		t.Fatalf("finished booking kept: %v", err)
	}
	if r2 := run(t, e, jobs.Purge{Retention: jobs.Retention{Bookings: time.Hour, CallSessions: time.Hour, Messages: time.Hour, Audit: time.Hour}}); r2["bookings"] != 0 {
		t.Fatalf("an active booking went with a shorter retention: %v", r2)
	}
}

// The purge job's dry run counts at most one of its transactions' worth
// of each kind (purgeBatch rows) and says so; the real run then takes all.
func TestPurgeDryRunSaysWhereItStoppedCounting(t *testing.T) {
	e := storetest.NewEnv(t)
	const codes = 1001 // one more than a purge transaction takes
	now := e.Clock.Now()
	err := e.Store.InTx(ctx, func(tx booking.Tx) error {
		for i := range codes {
			c := booking.VerificationCode{Phone: "+8613800000000", Purpose: "login", Hash: []byte{byte(i)},
				CreatedAt: now.Add(-72 * time.Hour), ExpiresAt: now.Add(-71 * time.Hour)}
			if err := tx.InsertCode(&c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	job := jobs.Purge{Retention: jobs.Retention{Bookings: 180 * 24 * time.Hour, CallSessions: 24 * time.Hour,
		Messages: 30 * 24 * time.Hour, Audit: 365 * 24 * time.Hour}}
	r, err := job.Run(ctx, jobs.DryRun(e.Svc))
	if _, plain := r["codes"]; err != nil || r["codes"+booking.AtLeast] != 1000 || plain {
		t.Fatalf("dry run: %v %v, want codes_at_least=1000 and no plain codes", r, err)
	}
	if !strings.Contains(r.String(), "codes_at_least=1000") {
		t.Errorf("dry run reads %q", r)
	}
	if r := run(t, e, job); r["codes"] != codes {
		t.Fatalf("real run after the dry run: %v, want codes=%d", r, codes)
	}
}
