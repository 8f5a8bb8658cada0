package booking_test

import (
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
)

func join(t *testing.T, e *storetest.Env, c booking.Citizen, office, business, date, start string) booking.WaitEntry {
	t.Helper()
	w, err := e.Svc.JoinWaitlist(ctx, storetest.Actor, c.ID, office, business, booking.MustDate(date), start)
	if err != nil {
		t.Fatalf("join: %v", err)
	}
	return w
}

func entry(t *testing.T, e *storetest.Env, w booking.WaitEntry) booking.WaitEntry {
	t.Helper()
	got, err := e.Svc.WaitEntry(ctx, w.CitizenID, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestWaitlistOfferOnCancelAndAccept(t *testing.T) {
	e := storetest.NewEnv(t)
	p := e.Place(t, "FT01", "newborn", "2026-12-02", "09:00")
	b1 := e.Book(t, e.Citizen(t, 1), p)
	e.Book(t, e.Citizen(t, 2), p)
	c3 := e.Citizen(t, 3)
	w := join(t, e, c3, "FT01", "newborn", "2026-12-02", "09:00")
	if w.Status != booking.WaitWaiting {
		t.Fatalf("entry on a full period: %+v", w)
	}
	if _, err := e.Svc.JoinWaitlist(ctx, storetest.Actor, c3.ID, "FT01", "newborn", booking.MustDate("2026-12-03"), ""); code(err) != booking.EActive {
		t.Fatalf("second entry for the business: %v, want active", err)
	}
	free := e.Place(t, "FT01", "newborn", "2026-12-03", "09:00")
	if _, err := e.Svc.Hold(ctx, storetest.Actor, c3.ID, free.ID); code(err) != booking.EActive {
		t.Fatalf("hold while waiting: %v, want active (the entry is the active request)", err)
	}
	if _, err := e.Svc.JoinWaitlist(ctx, storetest.Actor, b1.CitizenID, "FT01", "newborn", booking.MustDate("2026-12-03"), ""); code(err) != booking.EActive {
		t.Fatalf("join with a booking of the business: %v, want active", err)
	}
	if _, err := e.Svc.Cancel(ctx, storetest.Actor, b1.ID); err != nil {
		t.Fatal(err)
	}
	w = entry(t, e, w)
	if w.Status != booking.WaitOffered || !w.OfferExpiresAt.Equal(e.Clock.Now().Add(30*time.Minute)) {
		t.Fatalf("after a cancel: %+v, want offered for 30 min", w)
	}
	if taken(t, e, p) != 2 || outboxKinds(t, e, c3.ID, booking.MsgWaitlistOffer) != 1 {
		t.Fatalf("taken %d, offers sent %d", taken(t, e, p), outboxKinds(t, e, c3.ID, booking.MsgWaitlistOffer))
	}
	if _, err := e.Svc.AcceptOffer(ctx, storetest.Actor, c3.ID, w.ID); code(err) != booking.ENotVerified {
		t.Fatalf("accept without a code: %v", err)
	}
	e.Verify(t, c3)
	b, err := e.Svc.AcceptOffer(ctx, storetest.Actor, c3.ID, w.ID)
	if err != nil || b.Status != booking.StatusBooked || b.PlaceID != p.ID || !booking.ValidReference(b.Reference) {
		t.Fatalf("accept: %+v %v", b, err)
	}
	if w = entry(t, e, w); w.Status != booking.WaitAccepted {
		t.Fatalf("entry after accept: %s", w.Status)
	}
	n, err := e.Svc.WaitlistCounts(ctx)
	if err != nil || n.Entries != 1 || n.Offers != 1 || n.Acceptances != 1 || n.Expiries != 0 {
		t.Fatalf("counts %+v %v", n, err)
	}
}

func TestWaitlistExpiredOfferMovesToNext(t *testing.T) {
	e := storetest.NewEnv(t)
	p := e.Place(t, "FT01", "newborn", "2026-12-02", "14:00")
	c1 := e.Citizen(t, 1)
	e.Book(t, e.Citizen(t, 2), p)
	h, err := e.Svc.Hold(ctx, storetest.Actor, c1.ID, p.ID) // the last place, held
	if err != nil {
		t.Fatal(err)
	}
	w3 := join(t, e, e.Citizen(t, 3), "FT01", "newborn", "2026-12-02", "14:00")
	w4 := join(t, e, e.Citizen(t, 4), "FT01", "newborn", "2026-12-02", "14:00")
	morning := e.Place(t, "FT01", "newborn", "2026-12-02", "09:00")
	e.Book(t, e.Citizen(t, 6), morning)
	e.Book(t, e.Citizen(t, 7), morning)
	w5 := join(t, e, e.Citizen(t, 5), "FT01", "newborn", "2026-12-02", "09:00") // another period: never this place
	_ = h
	e.Clock.Advance(11 * time.Minute) // the hold lapses; the release job frees it
	r, err := e.Svc.Release(ctx, storetest.Actor)
	if err != nil || r.Offered != 1 {
		t.Fatalf("release: %+v %v", r, err)
	}
	if entry(t, e, w3).Status != booking.WaitOffered || entry(t, e, w4).Status != booking.WaitWaiting {
		t.Fatalf("after the hold expired: %s %s", entry(t, e, w3).Status, entry(t, e, w4).Status)
	}
	e.Clock.Advance(29 * time.Minute)
	if r, err := e.Svc.Release(ctx, storetest.Actor); err != nil || r.OffersExpired != 0 {
		t.Fatalf("release before the offer ran out: %+v %v", r, err)
	}
	e.Clock.Advance(time.Minute)
	r, err = e.Svc.Release(ctx, storetest.Actor)
	if err != nil || r.OffersExpired != 1 || r.Offered != 1 {
		t.Fatalf("release after the offer ran out: %+v %v", r, err)
	}
	if s := entry(t, e, w3).Status; s != booking.WaitExpired {
		t.Fatalf("first entry: %s, want expired", s)
	}
	if s := entry(t, e, w4).Status; s != booking.WaitOffered {
		t.Fatalf("next entry: %s, want offered", s)
	}
	if s := entry(t, e, w5).Status; s != booking.WaitWaiting {
		t.Fatalf("entry for another period: %s, want waiting", s)
	}
	if _, err := e.Svc.AcceptOffer(ctx, storetest.Actor, w3.CitizenID, w3.ID); code(err) != booking.EExpired {
		t.Fatalf("accepting an expired offer: %v, want expired", err)
	}
	// the next one declines: the place goes on to whoever matches, none here
	if _, err := e.Svc.LeaveWaitlist(ctx, storetest.Actor, w4.CitizenID, w4.ID); err != nil {
		t.Fatal(err)
	}
	if taken(t, e, p) != 1 || entry(t, e, w5).Status != booking.WaitWaiting {
		t.Fatalf("after the decline: taken %d, other period %s", taken(t, e, p), entry(t, e, w5).Status)
	}
	// the date passes: what still waits ends
	e.Clock.Set(storetest.At("2026-12-02 08:00"))
	if _, err := e.Svc.Release(ctx, storetest.Actor); err != nil {
		t.Fatal(err)
	}
	if s := entry(t, e, w5).Status; s != booking.WaitEnded {
		t.Fatalf("entry on its day: %s, want ended", s)
	}
	n, _ := e.Svc.WaitlistCounts(ctx)
	if n.Entries != 3 || n.Offers != 2 || n.Expiries != 1 || n.Acceptances != 0 || n.Waiting != 0 {
		t.Fatalf("counts %+v", n)
	}
}

func TestWaitlistNeverTwoOffersForOneBusiness(t *testing.T) {
	e := storetest.NewEnv(t)
	p := e.Place(t, "FT01", "newborn", "2026-12-02", "09:00")
	b1 := e.Book(t, e.Citizen(t, 1), p)
	b2 := e.Book(t, e.Citizen(t, 2), p)
	c3 := e.Citizen(t, 3)
	w3 := join(t, e, c3, "FT01", "newborn", "2026-12-02", "09:00")
	for _, b := range []booking.Booking{b1, b2} {
		if _, err := e.Svc.Cancel(ctx, storetest.Actor, b.ID); err != nil {
			t.Fatal(err)
		}
	}
	if act := activeOf(t, e, c3.ID, "newborn"); len(act) != 1 || entry(t, e, w3).Status != booking.WaitOffered {
		t.Fatalf("two places freed for one waiting citizen: %d active", len(act))
	}
	if _, err := e.Svc.Release(ctx, storetest.Actor); err != nil {
		t.Fatal(err)
	}
	if taken(t, e, p) != 1 || len(activeOf(t, e, c3.ID, "newborn")) != 1 {
		t.Fatalf("taken %d, want 1: the second place stays free", taken(t, e, p))
	}
	// capacity appearing later (the catalog, a console) goes through the same door
	c4 := e.Citizen(t, 4)
	w4 := join(t, e, c4, "FT01", "newborn", "2026-12-02", "09:00") // a place is free: offered at once
	if entry(t, e, w4).Status != booking.WaitOffered {
		t.Fatalf("joining with a free place: %s, want offered", entry(t, e, w4).Status)
	}
	if n, err := e.Svc.OfferFreePlaces(ctx, storetest.Actor, booking.PlaceFilter{}); err != nil || n != 0 {
		t.Fatalf("offer with nothing free: %d %v", n, err)
	}
}

// TestWaitlistFIFOUnderConcurrency: 50 citizens join at once, then the 20
// booked citizens of a full period cancel at once; the 20 oldest entries
// get the 20 places, one each, and the rest still wait.
func TestWaitlistFIFOUnderConcurrency(t *testing.T) {
	e := storetest.NewEnv(t, strings.ReplaceAll(storetest.TestCatalog, "capacity: 2}", "capacity: 20}"))
	p := e.Place(t, "FT01", "newborn", "2026-12-02", "09:00")
	if p.Capacity != 20 {
		t.Fatalf("capacity %d", p.Capacity)
	}
	var booked []booking.Booking
	for i := 1; i <= 20; i++ {
		booked = append(booked, e.Book(t, e.Citizen(t, i), p))
	}
	var joiners []booking.Citizen
	for i := 101; i <= 150; i++ {
		joiners = append(joiners, e.Citizen(t, i))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for _, c := range joiners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.Svc.JoinWaitlist(ctx, storetest.Actor, c.ID, "FT01", "newborn", booking.MustDate("2026-12-02"), "09:00")
			errs <- err
		}()
	}
	wg.Wait()
	for _, b := range booked {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.Svc.Cancel(ctx, storetest.Actor, b.ID)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var all []booking.WaitEntry
	for _, c := range joiners {
		ws, err := e.Svc.Waitlist(ctx, c.ID)
		if err != nil || len(ws) != 1 {
			t.Fatalf("citizen %d entries %v %v", c.ID, ws, err)
		}
		all = append(all, ws[0])
		if act := activeOf(t, e, c.ID, "newborn"); len(act) > 1 {
			t.Fatalf("citizen %d has %d active", c.ID, len(act))
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	for i, w := range all {
		want := booking.WaitWaiting
		if i < 20 {
			want = booking.WaitOffered
		}
		if w.Status != want {
			t.Fatalf("entry %d (queue position %d): %s, want %s", w.ID, i+1, w.Status, want)
		}
	}
	if taken(t, e, p) != 20 {
		t.Fatalf("taken %d, want 20", taken(t, e, p))
	}
}

// TestWaitlistCancelRacingConfirm: the offered citizen confirms while
// they also give the offer up and another booked citizen cancels; one of
// confirm and give-up wins, and places, entries and bookings agree.
func TestWaitlistCancelRacingConfirm(t *testing.T) {
	for round := range 4 {
		e := storetest.NewEnv(t)
		p := e.Place(t, "FT01", "newborn", "2026-12-02", "09:00")
		b1 := e.Book(t, e.Citizen(t, 1), p)
		b2 := e.Book(t, e.Citizen(t, 2), p)
		c3, c4 := e.Citizen(t, 3), e.Citizen(t, 4)
		w3 := join(t, e, c3, "FT01", "newborn", "2026-12-02", "09:00")
		w4 := join(t, e, c4, "FT01", "newborn", "2026-12-02", "09:00")
		if _, err := e.Svc.Cancel(ctx, storetest.Actor, b1.ID); err != nil {
			t.Fatal(err)
		}
		e.Verify(t, c3)
		var wg sync.WaitGroup
		var acceptErr, leaveErr, cancelErr error
		wg.Add(3)
		go func() { defer wg.Done(); _, acceptErr = e.Svc.AcceptOffer(ctx, storetest.Actor, c3.ID, w3.ID) }()
		go func() { defer wg.Done(); _, leaveErr = e.Svc.LeaveWaitlist(ctx, storetest.Actor, c3.ID, w3.ID) }()
		go func() { defer wg.Done(); _, cancelErr = e.Svc.Cancel(ctx, storetest.Actor, b2.ID) }()
		wg.Wait()
		if leaveErr != nil || cancelErr != nil {
			t.Fatalf("round %d: leave %v cancel %v", round, leaveErr, cancelErr)
		}
		s3, s4 := entry(t, e, w3).Status, entry(t, e, w4).Status
		switch {
		case acceptErr == nil && s3 == booking.WaitAccepted:
			if len(activeOf(t, e, c3.ID, "newborn")) != 1 {
				t.Fatalf("round %d: accepted but not booked", round)
			}
		case code(acceptErr) == booking.EExpired && s3 == booking.WaitLeft:
			if len(activeOf(t, e, c3.ID, "newborn")) != 0 {
				t.Fatalf("round %d: left but still holding", round)
			}
		default:
			t.Fatalf("round %d: accept %v, entry %s", round, acceptErr, s3)
		}
		// the next citizen got a place either way: b2's, or the one c3 gave up
		if s4 != booking.WaitOffered || len(activeOf(t, e, c4.ID, "newborn")) != 1 {
			t.Fatalf("round %d: next entry %s", round, s4)
		}
		var active int // what takes a unit: active bookings and places not yet returned
		if err := e.QueryRow(`SELECT count(*) FROM bookings WHERE place_id = ? AND (status IN ('held', 'booked') OR returned = 0)`, p.ID).Scan(&active); err != nil {
			t.Fatal(err)
		}
		if taken(t, e, p) != active {
			t.Fatalf("round %d: taken %d, active %d", round, taken(t, e, p), active)
		}
	}
}

// TestWaitlistOfferOnReschedule: the citizen holding the last place of a
// period reschedules to another day; the oldest entry waiting for the old
// day gets the old place at once (held for waitlist_offer_ttl, the offer
// SMS queued), the next entry keeps waiting.
func TestWaitlistOfferOnReschedule(t *testing.T) {
	e := storetest.NewEnv(t)
	old := e.Place(t, "FT01", "newborn", "2026-12-02", "14:00")
	e.Book(t, e.Citizen(t, 1), old)
	ca := e.Citizen(t, 2)
	a := e.Book(t, ca, old) // the last place
	if taken(t, e, old) != old.Capacity {
		t.Fatalf("taken %d of %d: the period is not full", taken(t, e, old), old.Capacity)
	}
	// the morning is full too, so the oldest entry (any period) can only get A's place
	morning := e.Place(t, "FT01", "newborn", "2026-12-02", "09:00")
	e.Book(t, e.Citizen(t, 6), morning)
	e.Book(t, e.Citizen(t, 7), morning)
	w3 := join(t, e, e.Citizen(t, 3), "FT01", "newborn", "2026-12-02", "")      // oldest, any period
	w4 := join(t, e, e.Citizen(t, 4), "FT01", "newborn", "2026-12-02", "14:00") // next
	next := e.Place(t, "FT01", "newborn", "2026-12-03", "14:00")                // full as well
	e.Book(t, e.Citizen(t, 8), next)
	e.Book(t, e.Citizen(t, 9), next)
	w5 := join(t, e, e.Citizen(t, 5), "FT01", "newborn", "2026-12-03", "14:00") // another date
	for _, w := range []booking.WaitEntry{w3, w4, w5} {
		if w.Status != booking.WaitWaiting {
			t.Fatalf("entry %d: %s, want waiting", w.ID, w.Status)
		}
	}
	to := e.Place(t, "NS01", "newborn", "2026-12-04", "09:00")
	e.Clock.Advance(5 * time.Minute)
	if _, err := e.Svc.Reschedule(ctx, storetest.Actor, a.ID, to.ID); err != nil {
		t.Fatal(err)
	}
	w3 = entry(t, e, w3)
	if w3.Status != booking.WaitOffered || !w3.OfferExpiresAt.Equal(e.Clock.Now().Add(e.Svc.Rules.WaitlistOfferTTL)) {
		t.Fatalf("oldest entry after the reschedule: %+v, want offered for %v", w3, e.Svc.Rules.WaitlistOfferTTL)
	}
	h, err := e.Svc.Booking(ctx, w3.OfferBookingID)
	if err != nil || h.Status != booking.StatusHeld || h.PlaceID != old.ID || h.CitizenID != w3.CitizenID || !h.HoldExpiresAt.Equal(w3.OfferExpiresAt) {
		t.Fatalf("offer hold %+v %v, want A's old place %d held", h, err, old.ID)
	}
	if n := outboxKinds(t, e, w3.CitizenID, booking.MsgWaitlistOffer); n != 1 {
		t.Fatalf("%d offer SMS, want 1", n)
	}
	if s := entry(t, e, w4).Status; s != booking.WaitWaiting {
		t.Fatalf("second entry: %s, want waiting", s)
	}
	if s := entry(t, e, w5).Status; s != booking.WaitWaiting {
		t.Fatalf("entry for another date: %s, want waiting", s)
	}
	if taken(t, e, old) != old.Capacity || taken(t, e, to) != 1 {
		t.Fatalf("taken: old %d (want %d, the offer holds it), new %d", taken(t, e, old), old.Capacity, taken(t, e, to))
	}
	if act := activeOf(t, e, ca.ID, "newborn"); len(act) != 1 || act[0].PlaceID != to.ID {
		t.Fatalf("A's active bookings %+v", act)
	}
}

// TestWaitlistOfferOnCapacityAdded: a full period, B then C join; an
// administrator raises its capacity by one in the console: B is offered
// the new place, C still waits.
func TestWaitlistOfferOnCapacityAdded(t *testing.T) {
	e := storetest.NewEnv(t)
	p := e.Place(t, "FT01", "newborn", "2026-12-02", "09:00")
	e.Book(t, e.Citizen(t, 1), p)
	e.Book(t, e.Citizen(t, 2), p)
	wb := join(t, e, e.Citizen(t, 3), "FT01", "newborn", "2026-12-02", "09:00")
	wc := join(t, e, e.Citizen(t, 4), "FT01", "newborn", "2026-12-02", "09:00")
	if wb.Status != booking.WaitWaiting || wc.Status != booking.WaitWaiting {
		t.Fatalf("entries on a full period: %s %s", wb.Status, wc.Status)
	}
	admin := booking.Actor{Name: "admin1", Channel: booking.ChannelOperator}
	d := booking.MustDate("2026-12-02")
	err := e.Svc.SetCapacity(ctx, admin, booking.CapacityChange{Office: "FT01", Business: "newborn", Start: "09:00",
		From: d, To: d, Capacity: p.Capacity + 1}, "")
	if err != nil {
		t.Fatal(err)
	}
	wb = entry(t, e, wb)
	if wb.Status != booking.WaitOffered || !wb.OfferExpiresAt.Equal(e.Clock.Now().Add(e.Svc.Rules.WaitlistOfferTTL)) {
		t.Fatalf("first entry after capacity added: %+v, want offered", wb)
	}
	if h, err := e.Svc.Booking(ctx, wb.OfferBookingID); err != nil || h.PlaceID != p.ID || h.Status != booking.StatusHeld {
		t.Fatalf("offer hold %+v %v", h, err)
	}
	if s := entry(t, e, wc).Status; s != booking.WaitWaiting {
		t.Fatalf("second entry: %s, want waiting", s)
	}
	if n := outboxKinds(t, e, wb.CitizenID, booking.MsgWaitlistOffer); n != 1 {
		t.Fatalf("%d offer SMS to B, want 1", n)
	}
	if n := outboxKinds(t, e, wc.CitizenID, booking.MsgWaitlistOffer); n != 0 {
		t.Fatalf("%d offer SMS to C, want 0", n)
	}
	if got := taken(t, e, p); got != p.Capacity+1 {
		t.Fatalf("taken %d, want %d", got, p.Capacity+1)
	}
	log, err := e.Svc.AuditLog(ctx, booking.AuditFilter{Action: "waitlist.offer"})
	if err != nil || len(log) != 1 || log[0].Actor != "admin1" {
		t.Fatalf("offer audit %+v %v", log, err)
	}
}
