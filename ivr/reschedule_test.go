package ivr_test

import (
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
