package store_test

import (
	"reflect"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// A hold and a confirmation read what they check in one statement each
// (HoldFacts, ConfirmFacts). Each fact must be what the single reads it
// replaced say, on the boundaries too: a hold lapsed at the very
// millisecond asked is ended by the next hold (Lapsed) and still blocks a
// booking elsewhere (Active) until the millisecond after; the bookings and
// waitlist entries of another business or another citizen count for
// nothing. The expected values are written out as well, so that the test
// fails when both sides are wrong the same way.
func TestHoldAndConfirmFactsMatchTheSingleReads(t *testing.T) {
	e := storetest.NewEnv(t, closureCatalog)
	c, other := e.Citizen(t, 1), e.Citizen(t, 2)
	newborn := e.Place(t, "FT01", "newborn", "2026-12-03", "09:00")
	idcard := e.Place(t, "FT01", "idcard", "2026-12-03", "09:00")
	later := e.Place(t, "FT01", "idcard", "2026-12-04", "09:00")
	lapse := time.UnixMilli(time.Now().Add(time.Hour).UnixMilli())
	var held, booked booking.Booking
	err := e.InTx(ctx, func(tx booking.Tx) error {
		held = booking.Booking{CitizenID: c.ID, PlaceID: newborn.ID, Business: "newborn", Office: "FT01", Date: newborn.Date,
			Start: newborn.Start, End: newborn.End, Status: booking.StatusHeld, HoldExpiresAt: lapse, CreatedAt: lapse.Add(-time.Hour), Channel: "ivr"}
		if err := tx.InsertBooking(&held); err != nil {
			return err
		}
		booked = booking.Booking{CitizenID: other.ID, PlaceID: idcard.ID, Business: "idcard", Office: "FT01", Date: idcard.Date,
			Start: idcard.Start, End: idcard.End, Status: booking.StatusBooked, CreatedAt: lapse, Channel: "ivr", Reference: "B12345678"}
		if err := tx.InsertBooking(&booked); err != nil {
			return err
		}
		// The other citizen waits for an idcard place, c for nothing.
		w := booking.WaitEntry{CitizenID: other.ID, Business: "idcard", Office: "FT01", Date: later.Date,
			Status: booking.WaitWaiting, CreatedAt: lapse, Channel: "ivr"}
		if err := tx.InsertWaitEntry(&w); err != nil {
			return err
		}
		return tx.SetPhoneVerified(c.Phone, booking.PurposeBooking, lapse)
	})
	if err != nil {
		t.Fatal(err)
	}

	type facts struct{ lapsed, active, waiting bool }
	cases := []struct {
		who   booking.Citizen
		place booking.Place
		now   time.Time
		want  facts
	}{
		{c, newborn, lapse.Add(-time.Millisecond), facts{active: true}},
		{c, newborn, lapse, facts{lapsed: true, active: true}},
		{c, newborn, lapse.Add(500 * time.Microsecond), facts{lapsed: true}},
		{c, newborn, lapse.Add(time.Millisecond), facts{lapsed: true}},
		{c, idcard, lapse.Add(time.Millisecond), facts{}},
		{other, idcard, lapse, facts{active: true, waiting: true}},
		{other, newborn, lapse, facts{}},
	}
	for _, tc := range cases {
		err := e.View(ctx, func(tx booking.Tx) error {
			f, err := tx.HoldFacts(tc.who.ID, tc.place.ID, tc.now)
			if err != nil {
				return err
			}
			got := facts{f.Lapsed, f.Active, f.Waiting}
			single := singleHoldReads(t, tx, tc.who.ID, tc.place.Business, tc.now)
			if got != tc.want || single != tc.want {
				t.Errorf("citizen %d, %s at lapse%+v: HoldFacts %+v, single reads %+v, want %+v",
					tc.who.ID, tc.place.Business, tc.now.Sub(lapse), got, single, tc.want)
			}
			cz, _ := tx.CitizenByID(tc.who.ID)
			p, _ := tx.Place(tc.place.ID)
			v, _ := tx.CatalogVersion()
			if !reflect.DeepEqual(f.Citizen, cz) || f.Place != p || f.CatalogVersion != v || cz.IDNumber == "" {
				t.Errorf("HoldFacts read citizen %+v, place %+v, version %d; single reads %+v, %+v, %d",
					f.Citizen, f.Place, f.CatalogVersion, cz, p, v)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	for _, now := range []time.Time{lapse.Add(-time.Millisecond), lapse} {
		err := e.View(ctx, func(tx booking.Tx) error {
			for _, ref := range []string{"", booked.Reference, "B00000000"} {
				f, err := tx.ConfirmFacts(held.ID, booking.PurposeBooking, now, ref)
				if err != nil {
					return err
				}
				b, _ := tx.Booking(held.ID)
				cz, _ := tx.CitizenByID(c.ID)
				ok, _ := tx.PhoneVerified(c.Phone, booking.PurposeBooking, now)
				_, err = tx.BookingByReference(ref)
				taken := err == nil
				if !reflect.DeepEqual(f.Booking, b) || !reflect.DeepEqual(f.Citizen, cz) || f.Verified != ok || ok != now.Before(lapse) ||
					f.ReferenceTaken != taken || taken != (ref == booked.Reference) {
					t.Errorf("at lapse%+v, reference %q: ConfirmFacts %+v; single reads %+v, %+v, verified %v, taken %v",
						now.Sub(lapse), ref, f, b, cz, ok, taken)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	// The verification is the booking's citizen's phone's: c's phone
	// verified says nothing of the other citizen's booking.
	err = e.View(ctx, func(tx booking.Tx) error {
		f, err := tx.ConfirmFacts(booked.ID, booking.PurposeBooking, lapse.Add(-time.Millisecond), "")
		if err != nil || f.Verified || f.Citizen.ID != other.ID {
			t.Errorf("the other citizen's booking: %+v, %v; want their citizen, not verified", f, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	err = e.View(ctx, func(tx booking.Tx) error {
		if _, err := tx.HoldFacts(c.ID, 1<<40, lapse); booking.ErrorCode(err) != booking.ENotFound {
			t.Errorf("HoldFacts of a missing place: %v, want ENotFound", err)
		}
		if _, err := tx.HoldFacts(1<<40, newborn.ID, lapse); booking.ErrorCode(err) != booking.ENotFound {
			t.Errorf("HoldFacts of a missing citizen: %v, want ENotFound", err)
		}
		if _, err := tx.ConfirmFacts(1<<40, booking.PurposeBooking, lapse, ""); booking.ErrorCode(err) != booking.ENotFound {
			t.Errorf("ConfirmFacts of a missing booking: %v, want ENotFound", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// singleHoldReads is what the hold read before HoldFacts: its lapsed holds
// (expireOwnHolds), an active booking (refuseActive) and a live waitlist
// entry (refuseWaiting) of the business.
func singleHoldReads(t *testing.T, tx booking.Tx, citizenID int64, business string, now time.Time) (f struct{ lapsed, active, waiting bool }) {
	t.Helper()
	lapsed, err1 := tx.Bookings(booking.BookingFilter{CitizenID: citizenID, Business: business,
		Statuses: []booking.Status{booking.StatusHeld}, HoldExpiredBefore: now})
	active, err2 := tx.Bookings(booking.BookingFilter{CitizenID: citizenID, Business: business,
		Statuses: []booking.Status{booking.StatusHeld, booking.StatusBooked, booking.StatusCheckedIn}})
	waiting, err3 := tx.WaitEntries(booking.WaitFilter{CitizenID: citizenID, Business: business,
		Statuses: []booking.WaitStatus{booking.WaitWaiting, booking.WaitOffered}, Limit: 1})
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			t.Fatal(err)
		}
	}
	f.lapsed, f.waiting = len(lapsed) > 0, len(waiting) > 0
	for _, b := range active {
		if b.Status != booking.StatusHeld || !b.HoldExpiresAt.Before(now) {
			f.active = true
		}
	}
	return f
}
