package booking_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
)

var ctx = context.Background()

func code(err error) booking.Code { return booking.ErrorCode(err) }

func TestRegisterPhoneLinkedAndIdempotent(t *testing.T) {
	e := storetest.NewEnv(t)
	c := e.Citizen(t, 1)
	if c.IDMasked != booking.MaskIDNumber(storetest.ID(1)) {
		t.Errorf("masked id %q", c.IDMasked)
	}
	again, err := e.Svc.Register(ctx, storetest.Actor, booking.Registration{Name: c.Name, IDNumber: storetest.ID(1), Phone: "138" + storetest.Phone(1)[6:]})
	if err != nil || again.ID != c.ID {
		t.Fatalf("same registration again: %v, id %d vs %d", err, again.ID, c.ID)
	}
	_, err = e.Svc.Register(ctx, storetest.Actor, booking.Registration{Name: "李四", IDNumber: storetest.ID(2), Phone: c.Phone})
	if code(err) != booking.EPhoneLinked {
		t.Fatalf("second ID on a linked phone: %v, want %s", err, booking.EPhoneLinked)
	}
	_, err = e.Svc.Register(ctx, storetest.Actor, booking.Registration{Name: "李四", IDNumber: storetest.ID(1), Phone: storetest.Phone(3)})
	if code(err) != booking.EConflict {
		t.Fatalf("known ID with other details: %v, want conflict", err)
	}
	found, err := e.Svc.CitizenByIDNumber(ctx, storetest.ID(1))
	if err != nil || found.ID != c.ID || found.IDNumber != storetest.ID(1) {
		t.Fatalf("lookup by id number: %+v %v", found.ID, err)
	}
}

func TestAccountChanges(t *testing.T) {
	e := storetest.NewEnv(t)
	c := e.Citizen(t, 1)
	_, err := e.Svc.UpdateCitizen(ctx, storetest.Actor, c.ID, booking.Change{Name: "王五", IDNumber: storetest.ID(9)})
	if code(err) != booking.EInvalid {
		t.Fatalf("name+ID change: %v, want invalid", err)
	}
	got, err := e.Svc.UpdateCitizen(ctx, storetest.Actor, c.ID, booking.Change{Name: "王五", Note: "户口簿已核对"})
	if err != nil || got.Name != "王五" {
		t.Fatalf("name change: %v", err)
	}
	other := e.Citizen(t, 2)
	if _, err := e.Svc.UpdateCitizen(ctx, storetest.Actor, c.ID, booking.Change{Phone: other.Phone}); code(err) != booking.EPhoneLinked {
		t.Fatalf("phone change onto a linked phone: %v", err)
	}
	if err := e.Svc.Deregister(ctx, storetest.Actor, c.ID, "本人申请"); err != nil {
		t.Fatal(err)
	}
	// the phone and the ID are free again
	if _, err := e.Svc.Register(ctx, storetest.Actor, booking.Registration{Name: "赵六", IDNumber: storetest.ID(1), Phone: c.Phone}); err != nil {
		t.Fatalf("re-register after deregistration: %v", err)
	}
}

func TestHoldConfirmRules(t *testing.T) {
	e := storetest.NewEnv(t)
	c := e.Citizen(t, 1)
	p := e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")
	h, err := e.Svc.Hold(ctx, storetest.Actor, c.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.Confirm(ctx, storetest.Actor, h.ID); code(err) != booking.ENotVerified {
		t.Fatalf("confirm without SMS code: %v, want not_verified", err)
	}
	e.Verify(t, c)
	b, err := e.Svc.Confirm(ctx, storetest.Actor, h.ID)
	if err != nil || b.Status != booking.StatusBooked || !booking.ValidReference(b.Reference) {
		t.Fatalf("confirm: %+v %v", b, err)
	}
	if again, err := e.Svc.Confirm(ctx, storetest.Actor, h.ID); err != nil || again.Reference != b.Reference {
		t.Fatalf("confirm twice: %v", err)
	}
	// one active booking per business, even at another office and date
	p2 := e.Place(t, "NS01", "newborn", "2026-12-02", "14:00")
	if _, err := e.Svc.Hold(ctx, storetest.Actor, c.ID, p2.ID); code(err) != booking.EActive {
		t.Fatalf("second active booking for the same business: %v, want active", err)
	}
	// another business is fine
	p3 := e.Place(t, "FT01", "idcard", "2026-12-02", "14:00")
	if _, err := e.Svc.Hold(ctx, storetest.Actor, c.ID, p3.ID); err != nil {
		t.Fatalf("hold for another business: %v", err)
	}
}

// A confirmation's reference is drawn until one is unused: the first draw
// is checked in the read that finds the hold (ConfirmFacts), later ones
// one by one (freshReference), and ten taken draws give up.
func TestConfirmDrawsAgainWhileTheReferenceIsTaken(t *testing.T) {
	e := storetest.NewEnv(t)
	first := e.Book(t, e.Citizen(t, 1), e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"))
	draws := 0
	e.Svc.NewReference = func() (string, error) {
		if draws++; draws < 3 {
			return first.Reference, nil
		}
		return booking.NewReference()
	}
	c := e.Citizen(t, 2)
	e.Verify(t, c)
	h, err := e.Svc.Hold(ctx, storetest.Actor, c.ID, e.Place(t, "FT01", "newborn", "2026-12-01", "14:00").ID)
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.Svc.Confirm(ctx, storetest.Actor, h.ID)
	if err != nil || draws != 3 || b.Reference == first.Reference || !booking.ValidReference(b.Reference) {
		t.Fatalf("confirm after two taken draws: %+v, %v, %d draws", b, err, draws)
	}
	if got, err := e.Svc.BookingByReference(ctx, b.Reference); err != nil || got.ID != h.ID {
		t.Fatalf("the new reference finds %+v, %v", got, err)
	}

	e.Svc.NewReference = func() (string, error) { draws++; return first.Reference, nil }
	draws = 0
	c3 := e.Citizen(t, 3)
	e.Verify(t, c3)
	h3, err := e.Svc.Hold(ctx, storetest.Actor, c3.ID, e.Place(t, "NS01", "newborn", "2026-12-02", "14:00").ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.Confirm(ctx, storetest.Actor, h3.ID); code(err) != booking.EInternal || draws != 11 {
		t.Fatalf("every draw taken: %v after %d draws, want internal after 11", err, draws)
	}
	if got, _ := e.Svc.Booking(ctx, h3.ID); got.Status != booking.StatusHeld || got.Reference != "" {
		t.Fatalf("the hold after a failed confirmation: %+v", got)
	}
}

// A hold reads the citizen and the place in one statement; when either is
// missing it says which, in the order the checks come: a missing citizen,
// then a citizen who may not book, then a missing place.
func TestHoldOfAMissingCitizenOrPlace(t *testing.T) {
	e := storetest.NewEnv(t)
	p := e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")
	if _, err := e.Svc.Hold(ctx, storetest.Actor, 1<<40, p.ID); code(err) != booking.ENotFound || !strings.Contains(err.Error(), "citizen") {
		t.Fatalf("hold by a missing citizen: %v, want citizen not found", err)
	}
	c := e.Citizen(t, 1)
	if _, err := e.Svc.Hold(ctx, storetest.Actor, c.ID, 1<<40); code(err) != booking.ENotFound || !strings.Contains(err.Error(), "place") {
		t.Fatalf("hold of a missing place: %v, want place not found", err)
	}
	c.BannedUntil = e.Clock.Now().Add(24 * time.Hour)
	if err := e.InTx(ctx, func(tx booking.Tx) error { return tx.UpdateCitizen(c) }); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.Hold(ctx, storetest.Actor, c.ID, 1<<40); code(err) != booking.EBlacklisted {
		t.Fatalf("a blacklisted citizen's hold of a missing place: %v, want blacklisted", err)
	}
	if _, err := e.Svc.Hold(ctx, storetest.Actor, c.ID, p.ID); code(err) != booking.EBlacklisted {
		t.Fatalf("a blacklisted citizen's hold: %v, want blacklisted", err)
	}
}

func TestHoldExpiryAndWindow(t *testing.T) {
	e := storetest.NewEnv(t)
	c := e.Citizen(t, 1)
	e.Verify(t, c)
	p := e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")
	h, err := e.Svc.Hold(ctx, storetest.Actor, c.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.Clock.Advance(10 * time.Minute)
	if _, err := e.Svc.Confirm(ctx, storetest.Actor, h.ID); code(err) != booking.EExpired {
		t.Fatalf("confirm at exactly the TTL: %v, want expired", err)
	}
	// the lapsed hold does not block a new one
	if _, err := e.Svc.Hold(ctx, storetest.Actor, c.ID, p.ID); err != nil {
		t.Fatalf("hold after own hold lapsed: %v", err)
	}
	e.Clock.Set(storetest.At("2026-12-01 08:00")) // the place's own day
	c2 := e.Citizen(t, 2)
	if _, err := e.Svc.Hold(ctx, storetest.Actor, c2.ID, p.ID); code(err) != booking.EInvalid {
		t.Fatalf("hold for today: %v, want invalid (window starts tomorrow)", err)
	}
}

func TestWindowHolidayAndMakeUpDay(t *testing.T) {
	e := storetest.NewEnv(t)
	e.Clock.Set(storetest.At("2026-12-20 09:00"))
	if _, err := e.Svc.OpenPlaces(ctx); err != nil {
		t.Fatal(err)
	}
	ps, err := e.Svc.Availability(ctx, booking.PlaceFilter{Business: "newborn"})
	if err != nil {
		t.Fatal(err)
	}
	dates := map[string]bool{}
	for _, p := range ps {
		dates[p.Date.String()] = true
	}
	// window: Mon 12-21 (tomorrow) … Sun 2027-01-03 (today+14)
	if dates["2026-12-25"] || !dates["2026-12-26"] || dates["2026-12-27"] || !dates["2026-12-21"] || !dates["2026-12-31"] || dates["2027-01-04"] {
		t.Fatalf("window dates wrong: %v", dates)
	}
}

func TestCancelDeadlineThroughService(t *testing.T) {
	for _, tc := range []struct {
		now  string
		want booking.Code
	}{
		{"2026-12-02 17:59", ""},
		{"2026-12-02 18:00", booking.EDeadline},
		{"2026-12-02 18:01", booking.EDeadline},
		{"2026-12-03 09:00", booking.EDeadline},
	} {
		e := storetest.NewEnv(t)
		c := e.Citizen(t, 1)
		b := e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
		e.Clock.Set(storetest.At(tc.now))
		_, err := e.Svc.Cancel(ctx, storetest.Actor, b.ID)
		if code(err) != tc.want {
			t.Errorf("cancel at %s: %v, want %q", tc.now, err, tc.want)
		}
	}
}

func TestCancelReleaseReturnsPlaceInBatch(t *testing.T) {
	e := storetest.NewEnv(t)
	p := e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")
	b1 := e.Book(t, e.Citizen(t, 1), p)
	e.Book(t, e.Citizen(t, 2), p)
	c3 := e.Citizen(t, 3)
	if _, err := e.Svc.Hold(ctx, storetest.Actor, c3.ID, p.ID); code(err) != booking.EFull {
		t.Fatalf("third hold on capacity 2: %v, want full", err)
	}
	if _, err := e.Svc.Cancel(ctx, storetest.Actor, b1.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.Hold(ctx, storetest.Actor, c3.ID, p.ID); code(err) != booking.EFull {
		t.Fatalf("cancelled place must wait for the release job: %v", err)
	}
	r, err := e.Svc.Release(ctx, storetest.Actor)
	if err != nil || r.Returned != 1 {
		t.Fatalf("release: %+v %v", r, err)
	}
	if r, _ := e.Svc.Release(ctx, storetest.Actor); r != (booking.ReleaseResult{}) {
		t.Fatalf("second release changed %+v", r)
	}
	if _, err := e.Svc.Hold(ctx, storetest.Actor, c3.ID, p.ID); err != nil {
		t.Fatalf("hold after release: %v", err)
	}
}

func TestCheckInAndComplete(t *testing.T) {
	e := storetest.NewEnv(t)
	c := e.Citizen(t, 1)
	b := e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"))
	if _, err := e.Svc.CheckIn(ctx, storetest.Actor, b.ID, storetest.ID(1)); code(err) != booking.EInvalid {
		t.Fatalf("check-in the day before: %v", err)
	}
	e.Clock.Set(storetest.At("2026-12-01 09:10"))
	if _, err := e.Svc.CheckIn(ctx, storetest.Actor, b.ID, storetest.ID(2)); code(err) != booking.EForbidden {
		t.Fatalf("check-in with another ID: %v, want forbidden", err)
	}
	got, err := e.Svc.CheckIn(ctx, storetest.Actor, b.ID, storetest.ID(1))
	if err != nil || got.QueueNo != 1 || got.Status != booking.StatusCheckedIn {
		t.Fatalf("check-in: %+v %v", got, err)
	}
	if _, err := e.Svc.Cancel(ctx, storetest.Actor, b.ID); code(err) != booking.EConflict {
		t.Fatalf("cancel after check-in: %v", err)
	}
	if got, err := e.Svc.Complete(ctx, storetest.Actor, b.ID); err != nil || got.Status != booking.StatusCompleted {
		t.Fatalf("complete: %v", err)
	}
	// completed: the business can be booked again
	e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-03", "09:00"))
}

// noShowAt books citizen c on the working day d and lets the no-show job
// pass over it.
func noShowOn(t *testing.T, e *storetest.Env, c booking.Citizen, d string) {
	t.Helper()
	day := booking.MustDate(d)
	e.Clock.Set(day.AddDays(-3).At(9, 0, storetest.Shanghai))
	if _, err := e.Svc.OpenPlaces(ctx); err != nil {
		t.Fatal(err)
	}
	e.Book(t, c, e.Place(t, "FT01", "newborn", d, "09:00"))
	e.Clock.Set(day.At(10, 30, storetest.Shanghai)) // 10:00 + 30 min grace: not yet
	if r, _ := e.Svc.MarkNoShows(ctx, storetest.Actor); r.Marked != 0 {
		t.Fatalf("no-show marked at exactly period end + grace")
	}
	e.Clock.Advance(time.Minute)
	if r, err := e.Svc.MarkNoShows(ctx, storetest.Actor); err != nil || r.Marked != 1 {
		t.Fatalf("no-show not marked after grace: %+v %v", r, err)
	}
}

func TestThirdNoShowBlacklists(t *testing.T) {
	e := storetest.NewEnv(t, storetest.TestCatalog+yearCalendar)
	c := e.Citizen(t, 1)
	noShowOn(t, e, c, "2027-01-04")
	noShowOn(t, e, c, "2027-03-01")
	noShowOn(t, e, c, "2027-06-01")
	c, _ = e.Svc.Citizen(ctx, c.ID)
	want := storetest.At("2027-06-01 10:30").AddDate(0, 6, 0)
	if !c.BannedUntil.Equal(want) {
		t.Fatalf("banned until %v, want %v", c.BannedUntil, want)
	}
	e.Clock.Set(want.Add(-time.Minute))
	if _, err := e.Svc.OpenPlaces(ctx); err != nil {
		t.Fatal(err)
	}
	p := e.Place(t, "FT01", "idcard", e.Svc.Window()[0].String(), "09:00")
	if _, err := e.Svc.Hold(ctx, storetest.Actor, c.ID, p.ID); code(err) != booking.EBlacklisted || booking.ErrorUntil(err).IsZero() {
		t.Fatalf("hold while banned: %v", err)
	}
	e.Clock.Set(want)
	if _, err := e.Svc.Hold(ctx, storetest.Actor, c.ID, p.ID); err != nil {
		t.Fatalf("hold when the ban ends: %v", err)
	}
}

func TestThirdNoShowJustOutsideDoesNotBlacklist(t *testing.T) {
	e := storetest.NewEnv(t, storetest.TestCatalog+yearCalendar)
	c := e.Citizen(t, 1)
	noShowOn(t, e, c, "2027-01-04")
	noShowOn(t, e, c, "2027-03-01")
	noShowOn(t, e, c, "2027-07-05") // 6 months + 1 day after the first
	if c, _ = e.Svc.Citizen(ctx, c.ID); !c.BannedUntil.IsZero() {
		t.Fatalf("banned by no-shows spread over more than 6 months: %v", c.BannedUntil)
	}
}

func TestLiftBlacklistNeedsReason(t *testing.T) {
	e := storetest.NewEnv(t, storetest.TestCatalog+yearCalendar)
	c := e.Citizen(t, 1)
	for _, d := range []string{"2027-01-04", "2027-01-11", "2027-01-18"} {
		noShowOn(t, e, c, d)
	}
	if err := e.Svc.LiftBlacklist(ctx, storetest.Actor, c.ID, " "); code(err) != booking.EInvalid {
		t.Fatalf("lift without reason: %v", err)
	}
	if err := e.Svc.LiftBlacklist(ctx, storetest.Actor, c.ID, "医院证明，确因急诊未到"); err != nil {
		t.Fatal(err)
	}
	log, _ := e.Svc.AuditLog(ctx, booking.AuditFilter{CitizenID: c.ID, Limit: 1})
	if len(log) != 1 || log[0].Action != "blacklist.lift" {
		t.Fatalf("lift not audited: %+v", log)
	}
	// earlier no-shows no longer count: one more does not ban again
	noShowOn(t, e, c, "2027-01-25")
	if c, _ = e.Svc.Citizen(ctx, c.ID); c.Banned(e.Clock.Now()) {
		t.Fatal("banned again by no-shows from before the lift")
	}
}

// yearCalendar adds 2027 to the test catalog (no extra holidays).
const yearCalendar = ``

func TestBoundServiceRollsBackOnlyTheFailedOperation(t *testing.T) {
	e := storetest.NewEnv(t)
	p := e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")
	e.Book(t, e.Citizen(t, 1), p)
	e.Book(t, e.Citizen(t, 2), p)
	c := e.Citizen(t, 3)
	err := e.Store.InTx(ctx, func(tx booking.Tx) error {
		svc := e.Svc.Bound(tx)
		// Hold inserts the held booking, then finds the place full
		if _, err := svc.Hold(ctx, storetest.Actor, c.ID, p.ID); code(err) != booking.EFull {
			t.Errorf("hold on a full place: %v", err)
		}
		return tx.Audit(booking.AuditEntry{Actor: "after", Action: "same transaction"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := e.Svc.Bookings(ctx, booking.BookingFilter{CitizenID: c.ID}); len(n) != 0 {
		t.Fatalf("the failed hold left %d bookings", len(n))
	}
	log, _ := e.Svc.AuditLog(ctx, booking.AuditFilter{Actor: "after"})
	if len(log) != 1 {
		t.Fatal("the rest of the transaction did not commit")
	}
}
