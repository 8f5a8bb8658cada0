package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// TestRescheduleAndWaitlistInRealBrowser, on a phone-sized window: a
// citizen reschedules (改约) from 已预约记录 with a booking code and keeps
// the reference; another joins the waitlist (候补) of a full period from the
// time page and, after a third citizen cancels, confirms the offered place
// from 我的候补.
func TestRescheduleAndWaitlistInRealBrowser(t *testing.T) {
	chromium(t)
	e := newEnv(t, roomy)
	e.listen()

	// citizen 1 has a booking made on the web; they move it to NS01
	a := e.browser(t, 390, 844)
	a.register(1)
	c1, err := e.Svc.CitizenByPhone(ctx, storetest.Phone(1))
	if err != nil {
		t.Fatal(err)
	}
	old := e.Book(t, c1, e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"))
	to := e.Place(t, "NS01", "newborn", "2026-12-03", "14:00")
	a.open("/me/bookings", ".reschedule")
	a.do("to reschedule", chromedp.Click(css(".reschedule")), chromedp.WaitVisible(css("#send-code")))
	a.open(fmt.Sprintf("/me/bookings/%d/reschedule?office=NS01", old.ID), "#send-code")
	e.Clock.Advance(61e9)
	a.do("reschedule code", chromedp.Click(css("#send-code")), chromedp.WaitVisible(css("#flash")))
	a.shot("reschedule.png")
	a.do("reschedule", chromedp.Click(css(fmt.Sprintf(`input[name=place_id][value="%d"]`, to.ID))),
		chromedp.SendKeys(css("#code"), e.code(c1.Phone)), chromedp.Click(css("#submit")), chromedp.WaitVisible(css("#slip")))
	if ref := a.text("#reference"); ref != old.Reference {
		t.Fatalf("reference after reschedule %q, was %q", ref, old.Reference)
	}
	if slip := a.text("#slip"); !strings.Contains(slip, "14:00-15:00") || !strings.Contains(slip, "南头") {
		t.Fatalf("slip after reschedule: %s", slip)
	}
	if b, _ := e.Svc.Booking(ctx, old.ID); b.PlaceID != to.ID || b.Status != booking.StatusBooked {
		t.Fatalf("booking after reschedule: %+v", b)
	}

	// FT01 newborn 12-02 09:00 is full; citizen 2 waits for it
	full := e.Place(t, "FT01", "newborn", "2026-12-02", "09:00")
	b3 := e.Book(t, e.Citizen(t, 3), full)
	e.Book(t, e.Citizen(t, 4), full)
	b := e.browser(t, 390, 844)
	b.register(2)
	b.open("/book/time?business=newborn&office=FT01&ack=1", ".join-waitlist")
	b.shot("time-full.png")
	b.do("join", chromedp.Click(css(".join-waitlist")), chromedp.WaitVisible(css(".waitentry")))
	if s := b.text(".wait-status"); s != "候补中" {
		t.Fatalf("after joining: %q", s)
	}
	if _, err := e.Svc.Cancel(ctx, storetest.Actor, b3.ID); err != nil {
		t.Fatal(err)
	}
	b.open("/me/waitlist", ".confirm-offer")
	b.shot("offer.png")
	b.do("to the offer", chromedp.Click(css(".confirm-offer")), chromedp.WaitVisible(css("#countdown")))
	if s := b.text("#countdown"); !strings.Contains(s, "30分钟") {
		t.Fatalf("offer hold countdown: %s", s)
	}
	b.confirmWithCode(2)
	if slip := b.text("#slip"); !strings.Contains(slip, "09:00-10:00") || !booking.ValidReference(b.text("#reference")) {
		t.Fatalf("slip of the offer: %s", slip)
	}
	b.open("/me/waitlist", "h1")
	if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll(".waitentry").length`)); err != nil || n != 0 {
		t.Fatalf("entries after confirming: %d %v", n, err)
	}
}
