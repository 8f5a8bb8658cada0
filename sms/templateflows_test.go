package sms_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"testing"

	"yuyue/booking"
	"yuyue/sms"
	"yuyue/store/storetest"
)

// sentParams runs the flows that send every kind (booking, code, reminder,
// cancellation, no-show and ban, every answer to an SMS command) and
// returns, per kind, the raw params the code queued for it.
func sentParams(t *testing.T) map[string]map[string]string {
	t.Helper()
	e := storetest.NewEnv(t)
	e.Svc.Rules.BanStrikes = 1 // the first no-show bans: the blacklist notice
	in := &sms.Inbound{Svc: e.Svc, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	got := map[string]map[string]string{}
	answer := func(phone, body string) {
		for _, r := range in.Answer(ctx, phone, body) {
			got[r.Kind] = r.Params
		}
	}
	c := e.Citizen(t, 1)
	b1 := e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
	b2 := e.Book(t, c, e.Place(t, "FT01", "idcard", "2026-12-04", "09:00"))
	if err := newCodes(e).Issue(ctx, c.Phone, booking.PurposeManage, ""); err != nil {
		t.Fatal(err)
	}
	// reschedule (GY, the notice) and the waitlist (the offer, QR taking it)
	c4 := e.Citizen(t, 4)
	b4 := e.Book(t, c4, e.Place(t, "NS01", "newborn", "2026-12-07", "09:00"))
	answer(c4.Phone, "GY")
	answer(c4.Phone, "GY "+b4.Reference)
	if _, err := e.Svc.Reschedule(ctx, storetest.Actor, b4.ID, e.Place(t, "NS01", "newborn", "2026-12-09", "09:00").ID); err != nil {
		t.Fatal(err)
	}
	full := e.Place(t, "NS01", "newborn", "2026-12-08", "09:00")
	b6 := e.Book(t, e.Citizen(t, 6), full)
	e.Book(t, e.Citizen(t, 7), full)
	c5 := e.Citizen(t, 5)
	if _, err := e.Svc.JoinWaitlist(ctx, storetest.Actor, c5.ID, "NS01", "newborn", full.Date, "09:00"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.Cancel(ctx, storetest.Actor, b6.ID); err != nil {
		t.Fatal(err)
	}
	answer(c5.Phone, "QR")
	// TC leaves the waitlist (an entry on the place c5 took), then finds none
	c9 := e.Citizen(t, 9)
	if _, err := e.Svc.JoinWaitlist(ctx, storetest.Actor, c9.ID, "NS01", "newborn", full.Date, "09:00"); err != nil {
		t.Fatal(err)
	}
	answer(c9.Phone, "TC")
	answer(c9.Phone, "TC")
	answer(c.Phone, "hello")
	answer(storetest.Phone(77), "CX")
	answer(storetest.Phone(2), "CX") // not registered either
	e.Citizen(t, 3)
	answer(storetest.Phone(3), "CX")
	answer(c.Phone, "QX")
	answer(c.Phone, "QX 1234")
	e.Clock.Set(storetest.At("2026-12-02 10:00"))
	if _, err := e.Svc.SendReminders(ctx, storetest.Actor); err != nil {
		t.Fatal(err)
	}
	answer(c.Phone, "1")
	answer(c.Phone, "TD")
	answer(c.Phone, "QX "+b2.Reference)
	e.Clock.Set(storetest.At("2026-12-02 18:30"))
	answer(c.Phone, "QX "+b1.Reference)
	answer(c.Phone, "GY "+b1.Reference)
	// a SIP caller's name: heard by a recogniser, then corrected by reply
	newcomer := storetest.Phone(40)
	if err := e.Svc.AskName(ctx, newcomer, "章三"); err != nil {
		t.Fatal(err)
	}
	answer(newcomer, "XM 张三")
	answer(storetest.Phone(41), "XM 李四") // nothing pending
	if err := e.Svc.AskName(ctx, storetest.Phone(42), ""); err != nil {
		t.Fatal(err)
	}
	e.Clock.Set(storetest.At("2026-12-03 16:00"))
	if _, err := e.Svc.MarkNoShows(ctx, storetest.Actor); err != nil {
		t.Fatal(err)
	}
	// an office closed twice: moved (a free place), then cancelled
	e.Clock.Set(storetest.At("2026-12-04 08:00"))
	b3 := e.Book(t, e.Citizen(t, 8), e.Place(t, "NS01", "newborn", "2026-12-08", "14:00"))
	for _, act := range []string{booking.ClosureMove, booking.ClosureCancel} {
		b, err := e.Svc.Booking(ctx, b3.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.Svc.Close(ctx, storetest.Actor, booking.ClosureRequest{Offices: []string{"NS01"}, Date: b.Date,
			ReasonClass: "typhoon", Action: act}, ""); err != nil {
			t.Fatal(err)
		}
	}
	// a closure of NS01's morning on a full day: an entry for the morning
	// ends (closure_wait_ended); an entry for any period, offered a
	// morning place, waits again (closure_offer_withdrawn)
	wday := "2026-12-10"
	am, pm := e.Place(t, "NS01", "newborn", wday, "09:00"), e.Place(t, "NS01", "newborn", wday, "14:00")
	freed := e.Book(t, e.Citizen(t, 10), am)
	e.Book(t, e.Citizen(t, 11), am)
	e.Book(t, e.Citizen(t, 12), pm)
	e.Book(t, e.Citizen(t, 13), pm)
	for i, start := range []string{"", "09:00"} { // the oldest entry gets the offer
		if _, err := e.Svc.JoinWaitlist(ctx, storetest.Actor, e.Citizen(t, 14+i).ID, "NS01", "newborn", am.Date, start); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Svc.Cancel(ctx, storetest.Actor, freed.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Svc.Close(ctx, storetest.Actor, booking.ClosureRequest{Offices: []string{"NS01"}, Date: am.Date,
		Periods: []string{"09:00"}, ReasonClass: "health", Action: booking.ClosureCancel}, ""); err != nil {
		t.Fatal(err)
	}
	rows, err := e.Query(`SELECT kind, params FROM outbox`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, params string
		p := map[string]string{}
		if err := rows.Scan(&kind, &params); err != nil || json.Unmarshal([]byte(params), &p) != nil {
			t.Fatalf("outbox row %s %q: %v", kind, params, err)
		}
		got[kind] = p
	}
	return got
}
