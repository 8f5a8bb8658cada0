package jobs_test

import (
	"testing"

	"yuyue/booking"
	"yuyue/jobs"
	"yuyue/store/storetest"
)

func placesOn(t *testing.T, e *storetest.Env, d string) int {
	var n int
	e.QueryRow(`SELECT count(*) FROM places WHERE date = ?`, d).Scan(&n)
	return n
}

func TestSlotsSkipsHolidayOpensMakeUpSaturday(t *testing.T) {
	e := storetest.NewEnv(t)
	// the test catalog: 2026-12-25 (Friday) is a holiday, 2026-12-26 (Saturday) a make-up day
	e.Clock.Set(storetest.At("2026-12-11 00:30")) // window reaches 12-25
	run(t, e, jobs.Slots{})
	if n := placesOn(t, e, "2026-12-25"); n != 0 {
		t.Fatalf("%d places on a holiday", n)
	}
	if n := placesOn(t, e, "2026-12-24"); n == 0 {
		t.Fatal("no places on the working day before")
	}
	e.Clock.Set(storetest.At("2026-12-12 00:30")) // the newly reachable day is the make-up Saturday
	r := run(t, e, jobs.Slots{})
	if n := placesOn(t, e, "2026-12-26"); n == 0 || r["places_opened"] != n {
		t.Fatalf("make-up Saturday: %d places, run %v", n, r)
	}
	if r := run(t, e, jobs.Slots{}); r["places_opened"] != 0 {
		t.Fatalf("second run opened %v", r)
	}
	ps, _ := e.Svc.Availability(ctx, booking.PlaceFilter{From: booking.MustDate("2026-12-26"), To: booking.MustDate("2026-12-26")})
	if len(ps) == 0 {
		t.Fatal("make-up Saturday not bookable")
	}
}
