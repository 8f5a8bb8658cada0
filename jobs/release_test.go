package jobs_test

import (
	"testing"
	"time"

	"yuyue/jobs"
	"yuyue/store/storetest"
)

func TestReleaseTwiceChangesNothingTheSecondTime(t *testing.T) {
	e := storetest.NewEnv(t)
	p := e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")
	b := e.Book(t, e.Citizen(t, 1), p)
	e.Svc.Cancel(ctx, storetest.Actor, b.ID)
	c2 := e.Citizen(t, 2)
	if _, err := e.Svc.Hold(ctx, storetest.Actor, c2.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	e.Clock.Advance(11 * time.Minute) // the hold lapses
	r := run(t, e, jobs.Release{})
	if r["holds_expired"] != 1 || r["places_returned"] != 2 {
		t.Fatalf("first run: %v", r)
	}
	if r := run(t, e, jobs.Release{}); r["holds_expired"]+r["places_returned"] != 0 {
		t.Fatalf("second run changed %v", r)
	}
	if p = e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"); p.Taken != 0 {
		t.Fatalf("taken %d", p.Taken)
	}
}
