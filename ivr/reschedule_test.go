package ivr_test

import (
	"fmt"
	"testing"

	"yuyue/booking"
)

// After a query a caller reschedules (改约) at the same office, then at
// another; the reference stays and the call is back at the menu.
func TestRescheduleByPhone(t *testing.T) {
	h := newHarness(t, true)
	c := h.e.Citizen(t, 3)
	b := h.e.Book(t, c, h.e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"))
	q := h.dial(c.Phone)
	q.press("2").expect("code").press(q.code(c.Phone))
	q.expect("pick_booking").press("1").expect("query_action", spoken(b.Reference), "改约请按1")
	q.press("1").expect("reschedule_where", "在原受理点")
	q.press("1").expect("date").press("2").expect("period").press("1")
	q.expect("reschedule_confirm", "12月2日", "受理号不变").press("1")
	q.expect("menu", "改约成功")
	got, err := h.e.Svc.Booking(ctx, b.ID)
	if err != nil || got.Reference != b.Reference || got.Date.String() != "2026-12-02" || got.Start != "09:00" || got.Status != booking.StatusBooked {
		t.Fatalf("after the same-office reschedule: %+v %v", got, err)
	}
	// again, to another office: 南山区 (district 2), its first office
	q.press("2").expect("pick_booking").press("1").expect("query_action").press("1")
	q.expect("reschedule_where").press("2").expect("district").press("2").expect("office").press("1")
	q.expect("date").press("1").expect("period").press("2").expect("reschedule_confirm", "南头").press("1")
	q.expect("menu", "改约成功")
	got, _ = h.e.Svc.Booking(ctx, b.ID)
	if got.Office != "NS01" || got.Start != "14:00" || got.Reference != b.Reference {
		t.Fatalf("after the other-office reschedule: %+v", got)
	}
	if n := len(activeBookings(t, h, c.ID)); n != 1 {
		t.Fatalf("%d active bookings, want 1", n)
	}
}

// A day that filled while the caller chose a period offers its waitlist.
func TestWaitlistJoinByPhoneOnAFullDay(t *testing.T) {
	h := newHarness(t, true)
	c := h.e.Citizen(t, 5)
	p := toPeriod(t, h, c)
	for i, start := range []string{"09:00", "14:00"} {
		for j := range 2 {
			h.e.Book(t, h.e.Citizen(t, 10+2*i+j), h.e.Place(t, "FT01", "newborn", "2026-12-01", start))
		}
	}
	p.press("1").expect("waitlist_join", "12月1日", "30分钟").press("1")
	p.expect("menu", "已加入候补")
	ws, err := h.e.Svc.Waitlist(ctx, c.ID)
	if err != nil || len(ws) != 1 || ws[0].Date.String() != "2026-12-01" || ws[0].Office != "FT01" || ws[0].Status != booking.WaitWaiting {
		t.Fatalf("waitlist after the call: %+v %v", ws, err)
	}
}

func activeBookings(t *testing.T, h *harness, citizenID int64) []booking.Booking {
	t.Helper()
	bs, err := h.e.Svc.ActiveBookings(ctx, citizenID)
	if err != nil {
		t.Fatal(err)
	}
	return bs
}

// A query reads the caller's waitlist (候补) entries first and 1 leaves
// them: the waiting one ends, and the offered one too, its held place
// released; the next query goes straight to the bookings (none).
func TestWaitlistLeaveByPhone(t *testing.T) {
	h := newHarness(t, true)
	c := h.e.Citizen(t, 3)
	waiting := h.e.Place(t, "FT01", "idcard", "2026-12-02", "09:00")
	h.e.Book(t, h.e.Citizen(t, 10), waiting)
	h.e.Book(t, h.e.Citizen(t, 11), waiting)
	offered := h.e.Place(t, "NS01", "newborn", "2026-12-03", "09:00")
	freed := h.e.Book(t, h.e.Citizen(t, 12), offered)
	h.e.Book(t, h.e.Citizen(t, 13), offered)
	w1, err := h.e.Svc.JoinWaitlist(ctx, booking.Actor{Name: "test"}, c.ID, "FT01", "idcard", waiting.Date, "09:00")
	if err != nil {
		t.Fatal(err)
	}
	w2, err := h.e.Svc.JoinWaitlist(ctx, booking.Actor{Name: "test"}, c.ID, "NS01", "newborn", offered.Date, "09:00")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.e.Svc.Cancel(ctx, booking.Actor{Name: "test"}, freed.ID); err != nil {
		t.Fatal(err)
	}
	if w2, _ = h.e.Svc.WaitEntry(ctx, c.ID, w2.ID); w2.Status != booking.WaitOffered {
		t.Fatalf("entry after the cancel: %s", w2.Status)
	}
	q := h.dial(c.Phone)
	q.press("2").expect("code").press(q.code(c.Phone))
	q.expect("waitlist_leave", "12月2日", "12月3日", "退出候补请按1").press("1")
	q.expect("menu", "已退出候补", "没有有效预约")
	for _, w := range []booking.WaitEntry{w1, w2} {
		if got, _ := h.e.Svc.WaitEntry(ctx, c.ID, w.ID); got.Status != booking.WaitLeft {
			t.Errorf("entry %d after the call: %s", w.ID, got.Status)
		}
	}
	if hold, err := h.e.Svc.Booking(ctx, w2.OfferBookingID); err != nil || hold.Status == booking.StatusHeld {
		t.Errorf("the offered place is still held: %s %v", hold.Status, err)
	}
	if ws, _ := h.e.Svc.Waitlist(ctx, c.ID); len(ws) != 0 {
		t.Fatalf("live entries after the call: %+v", ws)
	}
	q.press("2").expect("menu", "没有有效预约") // verified: no code, no waitlist read
}

// 2 at waitlist_leave keeps the entry and goes on to the bookings.
func TestWaitlistKeptByPhone(t *testing.T) {
	h := newHarness(t, true)
	c := h.e.Citizen(t, 3)
	h.e.Book(t, c, h.e.Place(t, "FT01", "idcard", "2026-12-01", "09:00"))
	full := h.e.Place(t, "FT01", "newborn", "2026-12-02", "09:00")
	h.e.Book(t, h.e.Citizen(t, 10), full)
	h.e.Book(t, h.e.Citizen(t, 11), full)
	w, err := h.e.Svc.JoinWaitlist(ctx, booking.Actor{Name: "test"}, c.ID, "FT01", "newborn", full.Date, "09:00")
	if err != nil {
		t.Fatal(err)
	}
	q := h.dial(c.Phone)
	q.press("2").expect("code").press(q.code(c.Phone))
	q.expect("waitlist_leave", "新生儿入户").press("2").expect("pick_booking")
	if got, _ := h.e.Svc.WaitEntry(ctx, c.ID, w.ID); got.Status != booking.WaitWaiting {
		t.Fatalf("entry after 2: %s", got.Status)
	}
}

// fullOfficeCatalog: one business in one district, two offices of one
// period each; FT01 (listed second) is the office the test fills.
const fullOfficeCatalog = `
businesses:
  - {code: newborn, name: 新生儿入户, notice: 请携带出生医学证明。, bring: 出生医学证明}
districts: [{code: futian, name: 福田区}]
offices:
  - {code: FT02, name: 莲花派出所户政室, district: futian, address: 福田区莲花路1号}
  - {code: FT01, name: 福田派出所户政室, district: futian, address: 福田区福华路100号}
defaults:
  periods:
    - {start: "09:00", end: "10:00", capacity: 1}
`

// An office full on every day of the window offers, when the caller
// picks it, the waitlist of its first date (no date list to choose from):
// 1 puts the caller on it, waiting for any period of that day.
func TestWaitlistJoinByPhoneOnAFullOffice(t *testing.T) {
	h := newHarness(t, true, fullOfficeCatalog)
	full, err := h.e.Svc.Availability(ctx, booking.PlaceFilter{Office: "FT01", Business: "newborn"})
	if err != nil || len(full) < 5 {
		t.Fatalf("FT01 places in the window: %d %v", len(full), err)
	}
	for i, p := range full {
		h.e.Book(t, h.e.Citizen(t, 100+i), p)
	}
	if free, _ := h.e.Svc.Availability(ctx, booking.PlaceFilter{Office: "FT01", Business: "newborn", OnlyFree: true}); len(free) != 0 {
		t.Fatalf("FT01 still has %d free places", len(free))
	}
	if free, _ := h.e.Svc.Availability(ctx, booking.PlaceFilter{Office: "FT02", Business: "newborn", OnlyFree: true}); len(free) == 0 {
		t.Fatal("FT02 has no free place: the office list would not be the caller's choice")
	}
	first := full[0].Date
	c := h.e.Citizen(t, 5)
	p := h.dial(c.Phone)
	p.press("1").verify(c.Phone).expect("mode").press("1").expect("business").press("1").expect("district").press("1")
	p.expect("office", "福田派出所户政室请按2").press("2").expect("notice").press("1")
	p.expect("waitlist_join", fmt.Sprintf("%d月%d日", int(first.Month), first.Day), "的号源已约满", "加入该日候补请按1", "30分钟").press("1")
	p.expect("menu", "已加入候补")
	ws, err := h.e.Svc.Waitlist(ctx, c.ID)
	if err != nil || len(ws) != 1 {
		t.Fatalf("waitlist after the call: %+v %v", ws, err)
	}
	if w := ws[0]; w.Office != "FT01" || w.Business != "newborn" || w.Date != first || w.Start != "" || w.Status != booking.WaitWaiting {
		t.Fatalf("entry %+v, want FT01 newborn %s any period, waiting", w, first)
	}
	if n := len(activeBookings(t, h, c.ID)); n != 0 {
		t.Fatalf("%d active bookings after joining, want 0", n)
	}
}
