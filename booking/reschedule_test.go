package booking_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// activeOf lists the citizen's active bookings of a business.
func activeOf(t *testing.T, e *storetest.Env, citizenID int64, business string) []booking.Booking {
	t.Helper()
	bs, err := e.Svc.Bookings(ctx, booking.BookingFilter{CitizenID: citizenID, Business: business,
		Statuses: []booking.Status{booking.StatusHeld, booking.StatusBooked, booking.StatusCheckedIn}})
	if err != nil {
		t.Fatal(err)
	}
	return bs
}

func outboxKinds(t *testing.T, e *storetest.Env, citizenID int64, kind string) int {
	t.Helper()
	var n int
	if err := e.QueryRow(`SELECT count(*) FROM outbox WHERE citizen_id = ? AND kind = ?`, citizenID, kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRescheduleMovesBookingKeepingReference(t *testing.T) {
	e := storetest.NewEnv(t)
	c := e.Citizen(t, 1)
	from := e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")
	to := e.Place(t, "NS01", "newborn", "2026-12-02", "14:00")
	b := e.Book(t, c, from)
	e.Clock.Advance(16 * time.Minute) // the booking code no longer verifies the phone
	if _, err := e.Svc.Reschedule(ctx, storetest.Actor, b.ID, to.ID); code(err) != booking.ENotVerified {
		t.Fatalf("reschedule without a fresh code: %v, want not_verified", err)
	}
	e.Verify(t, c)
	got, err := e.Svc.Reschedule(ctx, storetest.Actor, b.ID, to.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != b.ID || got.Reference != b.Reference || got.PlaceID != to.ID || got.Office != "NS01" || got.Date.String() != "2026-12-02" || got.Start != "14:00" {
		t.Fatalf("rescheduled booking %+v, was %+v", got, b)
	}
	if act := activeOf(t, e, c.ID, "newborn"); len(act) != 1 || act[0].PlaceID != to.ID {
		t.Fatalf("active bookings after reschedule: %+v", act)
	}
	if taken(t, e, from) != 0 || taken(t, e, to) != 1 {
		t.Fatalf("taken: old %d new %d, want 0 and 1", taken(t, e, from), taken(t, e, to))
	}
	if n := outboxKinds(t, e, c.ID, booking.MsgRescheduled); n != 1 {
		t.Fatalf("%d reschedule SMS, want 1", n)
	}
	log, err := e.Svc.AuditLog(ctx, booking.AuditFilter{BookingID: b.ID, Action: "booking.reschedule"})
	if err != nil || len(log) != 1 {
		t.Fatalf("audit: %+v %v", log, err)
	}
	if _, err := e.Svc.Reschedule(ctx, storetest.Actor, b.ID, to.ID); code(err) != booking.EInvalid {
		t.Fatalf("reschedule onto its own place: %v, want invalid", err)
	}
	// nothing punitive: the citizen can cancel it as any booking
	if _, err := e.Svc.Cancel(ctx, storetest.Actor, b.ID); err != nil {
		t.Fatal(err)
	}
}

func TestRescheduleRefusedAfterDeadlineAcrossBusinessesAndWhenFull(t *testing.T) {
	e := storetest.NewEnv(t)
	c := e.Citizen(t, 1)
	b := e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"))
	other := e.Place(t, "FT01", "idcard", "2026-12-02", "09:00")
	if _, err := e.Svc.Reschedule(ctx, storetest.Actor, b.ID, other.ID); code(err) != booking.EInvalid {
		t.Fatalf("reschedule into another business: %v, want invalid", err)
	}
	full := e.Place(t, "FT01", "newborn", "2026-12-03", "09:00")
	e.Book(t, e.Citizen(t, 2), full)
	e.Book(t, e.Citizen(t, 3), full)
	if _, err := e.Svc.Reschedule(ctx, storetest.Actor, b.ID, full.ID); code(err) != booking.EFull {
		t.Fatalf("reschedule into a full period: %v, want full", err)
	}
	later := e.Place(t, "FT01", "newborn", "2026-12-04", "09:00")
	e.Clock.Set(storetest.At("2026-11-30 17:59"))
	e.Verify(t, c)
	e.Clock.Set(storetest.At("2026-11-30 18:00"))
	_, err := e.Svc.Reschedule(ctx, storetest.Actor, b.ID, later.ID)
	if code(err) != booking.EDeadline || !booking.ErrorUntil(err).Equal(storetest.At("2026-11-30 18:00")) {
		t.Fatalf("reschedule at 18:00 the day before: %v, want deadline", err)
	}
	if act := activeOf(t, e, c.ID, "newborn"); len(act) != 1 || act[0].PlaceID != b.PlaceID {
		t.Fatalf("refusals changed the booking: %+v", act)
	}
}

// failingStore injects a crash into one step of a transaction.
type failingStore struct {
	booking.Store
	fail string
}

func (f failingStore) InTx(ctx context.Context, fn func(booking.Tx) error) error {
	return f.Store.InTx(ctx, func(tx booking.Tx) error { return fn(failingTx{tx, f.fail}) })
}

type failingTx struct {
	booking.Tx
	fail string
}

var errCrash = errors.New("injected crash")

func (t failingTx) ReturnPlace(id int64) error {
	if t.fail == "return" {
		return errCrash
	}
	return t.Tx.ReturnPlace(id)
}

func (t failingTx) Enqueue(m booking.Message) error {
	if t.fail == "enqueue" && m.Kind == booking.MsgRescheduled {
		return errCrash
	}
	return t.Tx.Enqueue(m)
}

func TestRescheduleCrashBetweenStepsLeavesOneActiveBooking(t *testing.T) {
	e := storetest.NewEnv(t)
	c := e.Citizen(t, 1)
	from := e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")
	to := e.Place(t, "FT01", "newborn", "2026-12-02", "09:00")
	b := e.Book(t, c, from)
	for _, step := range []string{"return", "enqueue"} {
		var healthy booking.Store
		e.WrapStore(func(st booking.Store) booking.Store { healthy = st; return failingStore{st, step} })
		_, err := e.Svc.Reschedule(ctx, storetest.Actor, b.ID, to.ID)
		e.WrapStore(func(booking.Store) booking.Store { return healthy })
		if !errors.Is(err, errCrash) {
			t.Fatalf("%s: %v, want the injected crash", step, err)
		}
		act := activeOf(t, e, c.ID, "newborn")
		if len(act) != 1 || act[0].PlaceID != from.ID || act[0].Reference != b.Reference {
			t.Fatalf("after a crash at %s: %+v, want the old booking alone", step, act)
		}
		if taken(t, e, from) != 1 || taken(t, e, to) != 0 {
			t.Fatalf("after a crash at %s: taken old %d new %d, want 1 and 0", step, taken(t, e, from), taken(t, e, to))
		}
	}
	if _, err := e.Svc.Reschedule(ctx, storetest.Actor, b.ID, to.ID); err != nil {
		t.Fatalf("reschedule after the crashes: %v", err)
	}
	if act := activeOf(t, e, c.ID, "newborn"); len(act) != 1 || act[0].PlaceID != to.ID {
		t.Fatalf("after reschedule: %+v", act)
	}
}
