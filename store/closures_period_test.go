package store_test

import (
	"encoding/json"
	"testing"

	"yuyue/booking"
	"yuyue/store/storetest"
)

func waitStatus(t *testing.T, e *storetest.Env, w booking.WaitEntry) booking.WaitEntry {
	t.Helper()
	got, err := e.Svc.WaitEntry(ctx, w.CitizenID, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// Closing one period (09:00) of two offices at once, cancelling: the
// preview counts the period's bookings, live holds (one a waitlist offer)
// and waitlist entries; closing cancels the period's bookings only, the
// afternoon's stay booked and bookable; no place of the closed period is
// offered, even after the release job returns the cancelled places. The
// entry that waited for the closed period alone ends, freeing its
// citizen; the entry for any period keeps its place in line and gets the
// afternoon's next free place (spec §2a.1).
func TestClosePeriodOfTwoOfficesWithWaitlist(t *testing.T) {
	e := storetest.NewEnv(t, closureCatalog)
	const day = "2026-12-03"
	bk := func(n int, office, business, start string) booking.Booking {
		return e.Book(t, e.Citizen(t, n), e.Place(t, office, business, day, start))
	}
	ft1, ft2, ft3 := bk(1, "FT01", "newborn", "09:00"), bk(2, "FT01", "newborn", "09:00"), bk(3, "FT01", "idcard", "09:00")
	ftPM := bk(4, "FT01", "newborn", "14:00")
	ns5, ns6 := bk(5, "NS01", "newborn", "09:00"), bk(6, "NS01", "newborn", "09:00") // NS01 full all day
	ns7, ns8 := bk(7, "NS01", "newborn", "14:00"), bk(8, "NS01", "newborn", "14:00")
	holder := e.Citizen(t, 9)
	e.Verify(t, holder)
	if _, err := e.Svc.Hold(ctx, storetest.Actor, holder.ID, e.Place(t, "FT01", "idcard", day, "09:00").ID); err != nil {
		t.Fatal(err)
	}
	joinNS := func(n int, start string) booking.WaitEntry {
		w, err := e.Svc.JoinWaitlist(ctx, storetest.Actor, e.Citizen(t, n).ID, "NS01", "newborn", booking.MustDate(day), start)
		if err != nil || w.Status != booking.WaitWaiting {
			t.Fatalf("join %d %q: %+v %v", n, start, w, err)
		}
		return w
	}
	wAny := joinNS(11, "")     // oldest: any period of the day
	wAM := joinNS(10, "09:00") // the closed period only
	wPM := joinNS(12, "14:00") // the open period only: not affected
	if _, err := e.Svc.Cancel(ctx, storetest.Actor, ns6.ID); err != nil {
		t.Fatal(err)
	}
	if wAny = waitStatus(t, e, wAny); wAny.Status != booking.WaitOffered {
		t.Fatalf("the oldest entry after a morning cancel: %s, want offered", wAny.Status)
	}
	offer, _ := e.Svc.Booking(ctx, wAny.OfferBookingID)
	if offer.PlaceID != ns6.PlaceID {
		t.Fatalf("offered place %d, want the morning's %d", offer.PlaceID, ns6.PlaceID)
	}

	req := booking.ClosureRequest{Offices: []string{"FT01", "NS01"}, Date: booking.MustDate(day), Periods: []string{"09:00"},
		ReasonClass: "outage", Action: booking.ClosureCancel}
	imp, err := e.Svc.PreviewClosure(ctx, req, "")
	if err != nil || imp.Bookings != 4 || imp.Holds != 2 || imp.Waitlist != 2 {
		t.Fatalf("preview %+v %v: want 4 bookings, 2 holds (one an offer), 2 waitlist entries", imp, err)
	}
	if n := count(t, e, `SELECT count(*) FROM bookings WHERE status = 'cancelled'`); n != 1 {
		t.Fatalf("the preview changed bookings: %d cancelled", n)
	}
	admin := booking.Actor{Name: "admin1", Channel: booking.ChannelOperator}
	c, imp, err := e.Svc.Close(ctx, admin, req, "")
	if err != nil || imp.Cancelled != 4 || imp.Moved != 0 || imp.Holds != 2 || imp.Waitlist != 2 {
		t.Fatalf("close %+v %v", imp, err)
	}

	for _, b := range []booking.Booking{ft1, ft2, ft3, ns5} {
		got, _ := e.Svc.Booking(ctx, b.ID)
		if got.Status != booking.StatusCancelled {
			t.Fatalf("closed-period booking %d: %s", b.ID, got.Status)
		}
		var raw string
		if err := e.QueryRow(`SELECT params FROM outbox WHERE kind = ? AND booking_id = ?`, booking.MsgClosureCancel, b.ID).Scan(&raw); err != nil {
			t.Fatalf("no closure SMS for booking %d: %v", b.ID, err)
		}
		p := map[string]string{}
		if json.Unmarshal([]byte(raw), &p) != nil || p["reason"] != "系统故障" || p["closed_date"] != day || p["ref"] != b.Reference {
			t.Fatalf("closure SMS params %s", raw)
		}
	}
	if n := count(t, e, `SELECT count(*) FROM outbox WHERE kind IN (?, ?)`, booking.MsgClosureCancel, booking.MsgClosureMove); n != 4 {
		t.Fatalf("%d closure booking SMS, want 4", n)
	}
	for _, b := range []booking.Booking{ftPM, ns7, ns8} {
		if got, _ := e.Svc.Booking(ctx, b.ID); got.Status != booking.StatusBooked {
			t.Fatalf("afternoon booking %d: %s, want booked", b.ID, got.Status)
		}
	}
	if n := count(t, e, `SELECT count(*) FROM bookings WHERE status = 'held'`); n != 0 {
		t.Fatalf("%d holds left on the closed period", n)
	}

	// the waitlist: the morning-only entry ended, the any-period entry waits
	// again in its place, the afternoon entry is untouched
	if s := waitStatus(t, e, wAM).Status; s != booking.WaitEnded {
		t.Fatalf("entry for the closed period: %s, want ended", s)
	}
	if w := waitStatus(t, e, wAny); w.Status != booking.WaitWaiting || w.OfferBookingID != 0 {
		t.Fatalf("entry for any period: %+v, want waiting again", w)
	}
	if s := waitStatus(t, e, wPM).Status; s != booking.WaitWaiting {
		t.Fatalf("entry for the open period: %s, want waiting", s)
	}
	// their citizens are texted: the ended entry's closure_wait_ended, the
	// requeued entry's (its offer was texted) closure_offer_withdrawn; the
	// afternoon entry nothing
	waitSMS := func(w booking.WaitEntry, kind string) map[string]string {
		t.Helper()
		if n := count(t, e, `SELECT count(*) FROM outbox WHERE citizen_id = ? AND kind LIKE 'closure%'`, w.CitizenID); n != 1 {
			t.Fatalf("entry %d's citizen has %d closure SMS, want 1", w.ID, n)
		}
		var raw, to string
		if err := e.QueryRow(`SELECT params, to_phone FROM outbox WHERE citizen_id = ? AND kind = ?`, w.CitizenID, kind).Scan(&raw, &to); err != nil {
			t.Fatalf("no %s SMS for entry %d: %v", kind, w.ID, err)
		}
		p := map[string]string{}
		if json.Unmarshal([]byte(raw), &p) != nil || p["reason"] != "系统故障" || p["closed_date"] != day ||
			p["office"] != "南头派出所户政室" || p["business_code"] != "newborn" || p["date"] != day {
			t.Fatalf("%s SMS params %s", kind, raw)
		}
		if c, _ := e.Svc.Citizen(ctx, w.CitizenID); to != c.Phone {
			t.Fatalf("%s SMS to %s, want the citizen's %s", kind, to, c.Phone)
		}
		return p
	}
	waitSMS(wAM, booking.MsgClosureWaitEnded)
	if p := waitSMS(wAny, booking.MsgClosureOfferWithdrawn); p["start"] != "09:00" || p["end"] != offer.End {
		t.Fatalf("closure_offer_withdrawn names %s-%s, want the withdrawn offer's 09:00-%s", p["start"], p["end"], offer.End)
	}
	if n := count(t, e, `SELECT count(*) FROM outbox WHERE citizen_id = ? AND kind LIKE 'closure%'`, wPM.CitizenID); n != 0 {
		t.Fatalf("the afternoon entry's citizen got %d closure SMS", n)
	}
	if n := count(t, e, `SELECT count(*) FROM outbox WHERE kind IN (?, ?)`, booking.MsgClosureWaitEnded, booking.MsgClosureOfferWithdrawn); n != 2 {
		t.Fatalf("%d waitlist closure SMS, want 2", n)
	}
	// the closure's progress counts all six: 4 bookings cancelled, 2
	// waitlist notices, all pending; then as the outbox sends them
	if _, prog, err := e.Svc.ClosureStatus(ctx, c.ID); err != nil || prog != (booking.ClosureProgress{Pending: 6, Cancelled: 4, Waitlist: 2}) {
		t.Fatalf("progress %+v %v, want 6 pending, 4 cancelled, 2 waitlist", prog, err)
	}
	finish := func(kind string, out booking.SendOutcome) {
		t.Helper()
		var id int64
		if err := e.QueryRow(`SELECT id FROM outbox WHERE kind = ?`, kind).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if err := e.InTx(ctx, func(tx booking.Tx) error {
			return tx.FinishMessage(booking.SendResult{ID: id, Outcome: out, SID: "SM" + kind, At: e.Clock.Now(), Provider: "dev"})
		}); err != nil {
			t.Fatal(err)
		}
	}
	finish(booking.MsgClosureWaitEnded, booking.SendSent)
	finish(booking.MsgClosureOfferWithdrawn, booking.SendFailed)
	if _, prog, err := e.Svc.ClosureStatus(ctx, c.ID); err != nil || prog != (booking.ClosureProgress{Sent: 1, Pending: 4, Failed: 1, Cancelled: 4, Waitlist: 2}) {
		t.Fatalf("progress %+v %v, want 1 sent, 4 pending, 1 failed", prog, err)
	}

	// the release job returns the cancelled places: none is offered
	if r, err := e.Svc.Release(ctx, storetest.Actor); err != nil || r.Offered != 0 {
		t.Fatalf("release after the closure: %+v %v, want nothing offered", r, err)
	}
	closedPlaces := []int64{ft1.PlaceID, ft3.PlaceID, ns5.PlaceID}
	for _, id := range closedPlaces {
		if n := count(t, e, `SELECT count(*) FROM bookings WHERE place_id = ? AND status IN ('held', 'booked')`, id); n != 0 {
			t.Fatalf("place %d of the closed period has %d live bookings", id, n)
		}
	}
	if s := waitStatus(t, e, wAny).Status; s != booking.WaitWaiting {
		t.Fatalf("entry for any period after the release: %s, want waiting", s)
	}

	// nothing of the closed period can be held; the afternoon can
	fresh := e.Citizen(t, 20)
	e.Verify(t, fresh)
	for _, id := range closedPlaces {
		if _, err := e.Svc.Hold(ctx, storetest.Actor, fresh.ID, id); booking.ErrorCode(err) != booking.EFull {
			t.Fatalf("hold on closed place %d: %v, want full", id, err)
		}
	}
	h, err := e.Svc.Hold(ctx, storetest.Actor, fresh.ID, ftPM.PlaceID)
	if err != nil {
		t.Fatalf("hold on the open afternoon: %v", err)
	}
	if _, err := e.Svc.Confirm(ctx, storetest.Actor, h.ID); err != nil {
		t.Fatal(err)
	}
	// the ended entry freed its citizen: they can book the business again
	e.Book(t, booking.Citizen{ID: wAM.CitizenID, Phone: storetest.Phone(10)}, e.Place(t, "NS01", "newborn", "2026-12-04", "09:00"))
	// an afternoon place freeing goes to the oldest entry matching it
	if _, err := e.Svc.Cancel(ctx, storetest.Actor, ns7.ID); err != nil {
		t.Fatal(err)
	}
	if w := waitStatus(t, e, wAny); w.Status != booking.WaitOffered {
		t.Fatalf("any-period entry after an afternoon cancel: %s, want offered", w.Status)
	} else if o, _ := e.Svc.Booking(ctx, w.OfferBookingID); o.PlaceID != ns7.PlaceID {
		t.Fatalf("offered place %d, want the afternoon's %d", o.PlaceID, ns7.PlaceID)
	}
	if s := waitStatus(t, e, wPM).Status; s != booking.WaitWaiting {
		t.Fatalf("the younger afternoon entry: %s, want waiting", s)
	}
	if n := count(t, e, `SELECT count(*) FROM audit WHERE action = 'closure.close' AND actor = 'admin1'`); n != 1 {
		t.Fatalf("%d closure audit rows", n)
	}
}

// A moving closure at scale: 300 bookings of a closed day move, in one
// transaction, each keeping its reference, onto free, open places (never
// the closed day, never a period another closure closed), no place over
// its capacity and every place's count equal to its live bookings; 300
// closure_move SMS with the new time.
func TestCloseMoves300Bookings(t *testing.T) {
	e := storetest.NewEnv(t, closureCatalog)
	const day = "2026-12-03"
	var booked []booking.Booking
	for i := range 300 {
		start := "09:00"
		if i%2 == 1 {
			start = "14:00"
		}
		booked = append(booked, e.Book(t, e.Citizen(t, i+1), e.Place(t, "FT01", "newborn", day, start)))
	}
	// room is scarce: 12-01 09:00 has 100 of 160 left, and 12-02 14:00 is closed
	for i := range 60 {
		e.Book(t, e.Citizen(t, 1001+i), e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"))
	}
	admin := booking.Actor{Name: "admin1", Channel: booking.ChannelOperator}
	if _, _, err := e.Svc.Close(ctx, admin, booking.ClosureRequest{Offices: []string{"FT01"}, Date: booking.MustDate("2026-12-02"),
		Periods: []string{"14:00"}, ReasonClass: "health", Action: booking.ClosureCancel}, ""); err != nil {
		t.Fatal(err)
	}
	c, imp, err := e.Svc.Close(ctx, admin, booking.ClosureRequest{Offices: []string{"FT01"}, Date: booking.MustDate(day),
		ReasonClass: "typhoon", Action: booking.ClosureMove}, "")
	if err != nil || imp.Bookings != 300 || imp.Moved != 300 || imp.Cancelled != 0 {
		t.Fatalf("close %+v %v: want 300 moved", imp, err)
	}

	places := map[int64]booking.Place{}
	err = e.Store.View(ctx, func(tx booking.Tx) error {
		ps, err := tx.Places(booking.PlaceFilter{Office: "FT01"})
		for _, p := range ps {
			places[p.ID] = p
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	landed := map[string]int{}
	for _, b := range booked {
		got, err := e.Svc.Booking(ctx, b.ID)
		if err != nil || got.Status != booking.StatusBooked || got.Reference != b.Reference {
			t.Fatalf("moved booking %+v %v, was %+v", got, err, b)
		}
		p, ok := places[got.PlaceID]
		switch {
		case !ok || p.Date != got.Date || p.Start != got.Start || p.Business != "newborn":
			t.Fatalf("booking %d points at place %+v but says %s %s", b.ID, p, got.Date, got.Start)
		case got.Date.String() == day:
			t.Fatalf("booking %d is still on the closed day", b.ID)
		case got.Date.String() == "2026-12-02" && got.Start == "14:00":
			t.Fatalf("booking %d moved onto the closed period 12-02 14:00", b.ID)
		case !e.Svc.Catalog.Calendar.IsWorkingDay(got.Date):
			t.Fatalf("booking %d moved onto a day off %s", b.ID, got.Date)
		}
		landed[got.Date.String()+" "+got.Start]++
	}
	// the earliest free places, own period first: 100 + 50 + 110 + 40
	want := map[string]int{"2026-12-01 09:00": 100, "2026-12-01 14:00": 160, "2026-12-02 09:00": 40}
	for k, n := range want {
		if landed[k] != n {
			t.Fatalf("landed %v, want %v", landed, want)
		}
	}
	if n := count(t, e, `SELECT count(*) FROM places WHERE taken > capacity`); n != 0 {
		t.Fatalf("%d places oversold", n)
	}
	if n := count(t, e, `SELECT count(*) FROM places p WHERE p.taken <> (SELECT count(*) FROM bookings b
		WHERE b.place_id = p.id AND (b.status IN ('held', 'booked') OR b.returned = 0))`); n != 0 {
		t.Fatalf("%d places whose count differs from their live bookings", n)
	}
	if n := count(t, e, `SELECT count(*) FROM places WHERE office = 'FT01' AND date = ? AND taken > 0`, day); n != 0 {
		t.Fatalf("%d places of the closed day still taken", n)
	}

	rows, err := e.Query(`SELECT booking_id, params FROM outbox WHERE kind = ?`, booking.MsgClosureMove)
	if err != nil {
		t.Fatal(err)
	}
	texted := map[int64]map[string]string{}
	for rows.Next() {
		var id int64
		var raw string
		p := map[string]string{}
		if err := rows.Scan(&id, &raw); err != nil || json.Unmarshal([]byte(raw), &p) != nil {
			t.Fatal(err, raw)
		}
		texted[id] = p
	}
	rows.Close()
	if len(texted) != 300 || count(t, e, `SELECT count(*) FROM outbox WHERE kind = ?`, booking.MsgClosureMove) != 300 {
		t.Fatalf("%d bookings texted closure_move, want 300", len(texted))
	}
	for _, b := range booked {
		got, _ := e.Svc.Booking(ctx, b.ID)
		p := texted[b.ID]
		if p == nil || p["ref"] != b.Reference || p["closed_date"] != day || p["reason"] != "台风天气" ||
			p["date"] != got.Date.String() || p["start"] != got.Start {
			t.Fatalf("closure_move SMS of booking %d: %v, booking now %s %s", b.ID, p, got.Date, got.Start)
		}
	}
	if n := count(t, e, `SELECT count(*) FROM audit WHERE action = 'booking.closure_move'`); n != 300 {
		t.Fatalf("%d move audit rows", n)
	}
	if _, prog, err := e.Svc.ClosureStatus(ctx, c.ID); err != nil || prog.Moved != 300 || prog.Pending != 300 {
		t.Fatalf("progress %+v %v", prog, err)
	}
}
