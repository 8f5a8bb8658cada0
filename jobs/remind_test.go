package jobs_test

import (
	"testing"

	"yuyue/booking"
	"yuyue/jobs"
	"yuyue/store/storetest"
)

func TestRemindOncePerBookingSkippingOptedOut(t *testing.T) {
	e := storetest.NewEnv(t)
	a, b, c := e.Citizen(t, 1), e.Citizen(t, 2), e.Citizen(t, 3)
	e.Book(t, a, e.Place(t, "FT01", "newborn", "2026-12-02", "09:00"))
	e.Book(t, b, e.Place(t, "FT01", "newborn", "2026-12-02", "14:00"))
	e.Book(t, c, e.Place(t, "FT01", "idcard", "2026-12-02", "09:00"))
	e.Book(t, a, e.Place(t, "FT01", "idcard", "2026-12-03", "09:00")) // not tomorrow
	e.Svc.SetReminders(ctx, storetest.Actor, c.ID, false)
	e.Clock.Set(storetest.At("2026-12-01 10:00"))
	if r := run(t, e, jobs.Remind{}); r["reminders"] != 2 {
		t.Fatalf("first run: %v", r)
	}
	if r := run(t, e, jobs.Remind{}); r["reminders"] != 0 {
		t.Fatalf("second run: %v", r)
	}
	var toC int
	e.QueryRow(`SELECT count(*) FROM outbox WHERE kind = 'reminder' AND to_phone = ?`, c.Phone).Scan(&toC)
	if outboxCount(t, e, booking.MsgReminder) != 2 || toC != 0 {
		t.Fatalf("reminders: %d total, %d to the opted-out number", outboxCount(t, e, booking.MsgReminder), toC)
	}
}

func TestRemindNotAfterTheDeadline(t *testing.T) {
	e := storetest.NewEnv(t)
	e.Book(t, e.Citizen(t, 1), e.Place(t, "FT01", "newborn", "2026-12-02", "09:00"))
	e.Clock.Set(storetest.At("2026-12-01 18:00")) // too late to cancel: a reminder would only annoy
	if r := run(t, e, jobs.Remind{}); r["reminders"] != 0 {
		t.Fatalf("reminded after the deadline: %v", r)
	}
}
