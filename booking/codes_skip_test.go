package booking_test

import (
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// After a booking code passed in a call, query/cancel in the same call
// needs no second code until booking.verified_for runs out; without a code
// passed in this call one is always needed.
func TestSkipCodeWithinVerifiedFor(t *testing.T) {
	e := storetest.NewEnv(t)
	c := e.Citizen(t, 1)
	codes := newCodes(e)
	skip := func(passed bool) bool {
		t.Helper()
		ok, err := codes.SkipCode(ctx, c.Phone, passed)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if skip(true) || skip(false) {
		t.Fatal("skipped a code for a phone that never passed one")
	}
	if err := codes.Issue(ctx, c.Phone, booking.PurposeBooking, c.Phone); err != nil {
		t.Fatal(err)
	}
	code := e.LastCode(t, c.Phone)
	if err := codes.Verify(ctx, c.Phone, booking.PurposeBooking, code); err != nil {
		t.Fatal(err)
	}
	if !skip(true) {
		t.Fatal("a second code asked for right after one passed in this call")
	}
	if skip(false) {
		t.Fatal("another call skipped the code on the strength of this one")
	}
	e.Clock.Advance(e.Svc.Rules.VerifiedFor + time.Second)
	if skip(true) {
		t.Fatal("skipped after booking.verified_for ran out")
	}
}
