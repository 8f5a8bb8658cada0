package jobs_test

import (
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/jobs"
	"yuyue/store/storetest"
)

// missOn books c on day d and runs the no-show job just after the grace.
func missOn(t *testing.T, e *storetest.Env, c booking.Citizen, d string) {
	t.Helper()
	day := booking.MustDate(d)
	e.Clock.Set(day.AddDays(-3).At(9, 0, storetest.Shanghai))
	run(t, e, jobs.Slots{})
	e.Book(t, c, e.Place(t, "FT01", "newborn", d, "09:00"))
	e.Clock.Set(day.At(10, 30, storetest.Shanghai)) // period end 10:00 + 30 min grace
	if r := run(t, e, jobs.NoShow{}); r["noshows"] != 0 {
		t.Fatalf("marked at exactly period end + grace: %v", r)
	}
	e.Clock.Advance(time.Second)
	if r := run(t, e, jobs.NoShow{}); r["noshows"] != 1 {
		t.Fatalf("not marked after the grace: %v", r)
	}
	if r := run(t, e, jobs.NoShow{}); r["noshows"] != 0 {
		t.Fatalf("second run marked again: %v", r)
	}
}

func TestNoShowThirdInsideSixMonthsBlacklists(t *testing.T) {
	e := storetest.NewEnv(t)
	c := e.Citizen(t, 1)
	missOn(t, e, c, "2027-01-04")
	missOn(t, e, c, "2027-02-01")
	if outboxCount(t, e, booking.MsgBlacklist) != 0 {
		t.Fatal("blacklisted after two")
	}
	missOn(t, e, c, "2027-07-02") // within 6 months of the first (2027-01-04 10:30 + 6 months > 07-02)
	c = citizen(t, e, c.ID)
	if want := storetest.At("2027-07-02 10:30").AddDate(0, 6, 0); !c.BannedUntil.Equal(want) {
		t.Fatalf("banned until %v, want %v", c.BannedUntil, want)
	}
	if outboxCount(t, e, booking.MsgNoShow) != 3 || outboxCount(t, e, booking.MsgBlacklist) != 1 {
		t.Fatal("notices not queued")
	}
	// the place of a no-show is void: not returned by release
	if r := run(t, e, jobs.Release{}); r["places_returned"] != 0 {
		t.Fatalf("release returned a no-show's place: %v", r)
	}
}

func TestNoShowThirdJustOutsideDoesNotBlacklist(t *testing.T) {
	e := storetest.NewEnv(t)
	c := e.Citizen(t, 1)
	missOn(t, e, c, "2027-01-04")
	missOn(t, e, c, "2027-02-01")
	missOn(t, e, c, "2027-07-05") // first + 6 months + 1 day
	if c = citizen(t, e, c.ID); !c.BannedUntil.IsZero() || outboxCount(t, e, booking.MsgBlacklist) != 0 {
		t.Fatalf("blacklisted by no-shows over more than 6 months: %v", c.BannedUntil)
	}
}
