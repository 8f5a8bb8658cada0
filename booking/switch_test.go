package booking_test

import (
	"testing"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// A citizen who went back from the confirm page and chose another period
// is not blocked by their own hold: the new choice replaces it and its
// place returns to the pool at once. Plain Hold still refuses, so two
// channels cannot both hold for one business.
func TestSwitchHoldReleasesOwnHold(t *testing.T) {
	e := storetest.NewEnv(t)
	c := e.Citizen(t, 1)
	p1 := e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")
	p2 := e.Place(t, "FT01", "newborn", "2026-12-01", "14:00")
	first, err := e.Svc.SwitchHold(ctx, storetest.Actor, c.ID, p1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.Hold(ctx, storetest.Actor, c.ID, p2.ID); code(err) != booking.EActive {
		t.Fatalf("plain hold beside a live hold: %v, want active", err)
	}
	second, err := e.Svc.SwitchHold(ctx, storetest.Actor, c.ID, p2.ID)
	if err != nil {
		t.Fatalf("switching to another period: %v", err)
	}
	if old, _ := e.Svc.Booking(ctx, first.ID); old.Status != booking.StatusExpired {
		t.Fatalf("old hold is %s, want expired", old.Status)
	}
	if got := taken(t, e, p1); got != p1.Taken {
		t.Fatalf("old place taken %d, want %d (given back)", got, p1.Taken)
	}
	e.Verify(t, c)
	if _, err := e.Svc.Confirm(ctx, storetest.Actor, second.ID); err != nil {
		t.Fatalf("confirm the new hold: %v", err)
	}
	if bs, _ := e.Svc.ActiveBookings(ctx, c.ID); len(bs) != 1 || bs[0].ID != second.ID {
		t.Fatalf("active bookings %+v, want only the second", bs)
	}
	// a confirmed booking is not a hold: switching does not touch it
	p3 := e.Place(t, "FT01", "newborn", "2026-12-02", "09:00")
	if _, err := e.Svc.SwitchHold(ctx, storetest.Actor, c.ID, p3.ID); code(err) != booking.EActive {
		t.Fatalf("switch beside a booking: %v, want active", err)
	}
}

func taken(t *testing.T, e *storetest.Env, p booking.Place) int {
	t.Helper()
	ps, err := e.Svc.Availability(ctx, booking.PlaceFilter{Office: p.Office, Business: p.Business, From: p.Date, To: p.Date})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range ps {
		if q.ID == p.ID {
			return q.Taken
		}
	}
	t.Fatalf("place %d not listed", p.ID)
	return 0
}

// A hold on a place with nothing left is refused as full before it writes
// anything (in a rush most attempts are these, and each one used to insert
// a booking and undo it), while a switch to the very place the citizen's
// own hold fills still goes through: the switch gives that unit back first.
func TestFullPlaceRefusedBeforeAnyWrite(t *testing.T) {
	e := storetest.NewEnv(t)
	p := e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")
	if p.Capacity != 2 || p.Taken != 0 {
		t.Fatalf("place %+v: the test wants an empty place of 2", p)
	}
	e.Book(t, e.Citizen(t, 1), p)
	c2 := e.Citizen(t, 2)
	own, err := e.Svc.SwitchHold(ctx, storetest.Actor, c2.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	c3 := e.Citizen(t, 3)
	before := e.StatementStats()
	if _, err := e.Svc.Hold(ctx, storetest.Actor, c3.ID, p.ID); code(err) != booking.EFull {
		t.Fatalf("hold on a full place: %v, want full", err)
	}
	if d := e.StatementStats(); d.Writes != before.Writes {
		t.Fatalf("the refused hold ran %d writes, want none", d.Writes-before.Writes)
	}
	again, err := e.Svc.SwitchHold(ctx, storetest.Actor, c2.ID, p.ID)
	if err != nil {
		t.Fatalf("switching to the place the citizen's own hold fills: %v", err)
	}
	if old, _ := e.Svc.Booking(ctx, own.ID); old.Status != booking.StatusExpired || again.ID == own.ID {
		t.Fatalf("old hold %d is %s, new %d: want the old one expired", own.ID, old.Status, again.ID)
	}
	if got := taken(t, e, p); got != 2 {
		t.Fatalf("place taken %d, want 2 (the booking and the new hold)", got)
	}
}
