package booking_test

import (
	"testing"
	"time"

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

// A hold on a place with nothing left is refused before it writes
// anything (in a rush most attempts are these, and each one used to insert
// a booking and undo it), and says what the whole hold would have said: a
// citizen who already has an active booking of the business, or waits for
// one, hears that rather than "full"; a lapsed hold of their own is not
// one. A switch to the very place the citizen's own hold fills still goes
// through: the switch gives that unit back first.
func TestFullPlaceRefusedBeforeAnyWrite(t *testing.T) {
	e := storetest.NewEnv(t)
	p := e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")
	other := e.Place(t, "FT01", "newborn", "2026-12-01", "14:00")
	if p.Capacity < 2 || p.Taken != 0 {
		t.Fatalf("place %+v: the test wants an empty place of at least 2", p)
	}
	n := 1
	for range p.Capacity - 1 {
		n++
		e.Book(t, e.Citizen(t, n), p)
	}
	n++
	lapsed := e.Citizen(t, n)
	if _, err := e.Svc.Hold(ctx, storetest.Actor, lapsed.ID, other.ID); err != nil {
		t.Fatal(err)
	}
	e.Clock.Advance(booking.DefaultRules().HoldTTL + time.Minute)
	n++
	holder := e.Citizen(t, n)
	own, err := e.Svc.SwitchHold(ctx, storetest.Actor, holder.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	n++
	booked := e.Citizen(t, n)
	e.Book(t, booked, other)
	n++
	for _, c := range []struct {
		who  string
		id   int64
		want booking.Code
	}{
		{"a new citizen", e.Citizen(t, n).ID, booking.EFull},
		{"a citizen with a booking of the business", booked.ID, booking.EActive},
		{"a citizen whose own hold lapsed", lapsed.ID, booking.EFull},
	} {
		before := e.StatementStats()
		if _, err := e.Svc.Hold(ctx, storetest.Actor, c.id, p.ID); code(err) != c.want {
			t.Fatalf("%s holding a full place: %v, want %s", c.who, err, c.want)
		}
		if d := e.StatementStats(); d.Writes != before.Writes {
			t.Fatalf("%s: the refused hold ran %d writes, want none", c.who, d.Writes-before.Writes)
		}
	}
	again, err := e.Svc.SwitchHold(ctx, storetest.Actor, holder.ID, p.ID)
	if err != nil {
		t.Fatalf("switching to the place the citizen's own hold fills: %v", err)
	}
	if old, _ := e.Svc.Booking(ctx, own.ID); old.Status != booking.StatusExpired || again.ID == own.ID {
		t.Fatalf("old hold %d is %s, new %d: want the old one expired", own.ID, old.Status, again.ID)
	}
	if got := taken(t, e, p); got != p.Capacity {
		t.Fatalf("place taken %d, want %d (the bookings and the new hold)", got, p.Capacity)
	}
}

// A citizen whose live hold is the waitlist's offer may still choose
// another time on the web or in the app (SwitchHold): the switch releases
// the offered hold, which ends the entry (the offer was declined), and the
// new hold goes through. A plain Hold beside the offer is refused, since
// the entry is still their active request for the business.
func TestSwitchAwayFromAWaitlistOffer(t *testing.T) {
	e := storetest.NewEnv(t)
	p := e.Place(t, "FT01", "newborn", "2026-12-02", "09:00")
	b1 := e.Book(t, e.Citizen(t, 1), p)
	e.Book(t, e.Citizen(t, 2), p)
	c3 := e.Citizen(t, 3)
	w := join(t, e, c3, "FT01", "newborn", "2026-12-02", "09:00")
	if _, err := e.Svc.Cancel(ctx, storetest.Actor, b1.ID); err != nil {
		t.Fatal(err)
	}
	if w = entry(t, e, w); w.Status != booking.WaitOffered {
		t.Fatalf("after a cancel: %+v, want offered", w)
	}
	free := e.Place(t, "FT01", "newborn", "2026-12-03", "09:00")
	if _, err := e.Svc.Hold(ctx, storetest.Actor, c3.ID, free.ID); code(err) != booking.EActive {
		t.Fatalf("plain hold beside the offer: %v, want active", err)
	}
	h, err := e.Svc.SwitchHold(ctx, storetest.Actor, c3.ID, free.ID)
	if err != nil || h.PlaceID != free.ID {
		t.Fatalf("switch away from the offer: %+v, %v", h, err)
	}
	if w = entry(t, e, w); w.Live() {
		t.Fatalf("entry after the switch: %+v, want ended", w)
	}
	if offered, _ := e.Svc.Booking(ctx, w.OfferBookingID); offered.Status != booking.StatusExpired {
		t.Fatalf("the offered hold after the switch: %s, want expired", offered.Status)
	}
}
