package web_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// On a phone (390×844) a citizen's own hold lets go: the confirm page
// counts the hold down and offers 放弃; 已预约记录 shows the hold as 保留中
// with a way back; going back from the confirm page and choosing another
// period books that one, and only that one.
func TestHoldLetsGoInRealBrowser(t *testing.T) {
	chromium(t)
	e := newEnv(t, roomy)
	e.Svc.Rules.HoldTTL = 12 * time.Minute // the page states the configured hold
	e.listen()
	b := e.browser(t, 390, 844)
	b.register(3)
	b.do("to the periods", chromedp.Click(css("#by-business")), chromedp.WaitVisible(css("a.business")),
		chromedp.Click(css("a.business")), chromedp.WaitVisible(css("a.office")), chromedp.Click(css("a.office")),
		chromedp.WaitVisible(css("#ack")), chromedp.Click(css("#ack")), chromedp.WaitVisible(css("button.period")))
	b.do("first period", chromedp.Click(css("button.period")), chromedp.WaitVisible(css("#countdown")))
	if got := b.text("#countdown"); !strings.Contains(got, "保留12分钟") || !strings.Contains(got, "还剩") {
		t.Fatalf("countdown says %q", got)
	}
	b.shot("hold-countdown.png")
	c, _ := e.Svc.CitizenByPhone(ctx, storetest.Phone(3))
	first := e.only(t, c.ID, booking.StatusHeld)

	// the browser's back button, then another period: the new choice
	// replaces the citizen's own hold instead of being refused by it
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`history.back(); true`)); err != nil {
		t.Fatal(err)
	}
	b.do("back", chromedp.WaitVisible(css("button.period")))
	b.do("second period", chromedp.Click(css(".day:nth-of-type(2) button.period")), chromedp.WaitVisible(css("#countdown")))
	if got, _ := e.Svc.Booking(ctx, first.ID); got.Status != booking.StatusExpired {
		t.Fatalf("the first hold is %s after choosing again, want expired", got.Status)
	}
	second := e.only(t, c.ID, booking.StatusHeld)

	// 已预约记录 shows the live hold as 保留中 and leads back to confirm it
	b.open("/me/bookings", ".booking")
	if got := b.text("#booking-" + itoa(second.ID)); !strings.Contains(got, "保留中") || !strings.Contains(got, "继续确认") {
		t.Fatalf("record of the hold %q", got)
	}
	b.shot("hold-record.png")
	b.do("back to confirm", chromedp.Click(css("a.resume")), chromedp.WaitVisible(css("#countdown")))
	b.confirmWithCode(3)
	ref := b.text("#reference")
	bs, _ := e.Svc.ActiveBookings(ctx, c.ID)
	if len(bs) != 1 || bs[0].Reference != ref || bs[0].ID != second.ID {
		t.Fatalf("active bookings %+v, want only the second choice %s", bs, ref)
	}
	b.open("/me/bookings", ".booking")
	if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll(".booking").length`)); err != nil || n != 1 {
		t.Fatalf("已预约记录 lists %d entries (%v), want one booking", n, err)
	}

	// 放弃 on another business gives its place back at once
	b.open("/book/business", "a.business")
	b.do("another business", chromedp.Click(css("li:nth-of-type(2) a.business")), chromedp.WaitVisible(css("a.office")),
		chromedp.Click(css("a.office")), chromedp.WaitVisible(css("#ack")), chromedp.Click(css("#ack")),
		chromedp.WaitVisible(css("button.period")), chromedp.Click(css("button.period")), chromedp.WaitVisible(css("#abandon")))
	held := e.only(t, c.ID, booking.StatusHeld)
	b.do("abandon", chromedp.Click(css("#abandon")), chromedp.WaitVisible(css("#flash")))
	if got := b.text("#flash"); !strings.Contains(got, "已放弃") {
		t.Fatalf("abandon flash %q", got)
	}
	if got, _ := e.Svc.Booking(ctx, held.ID); got.Status != booking.StatusExpired || !got.Returned {
		t.Fatalf("abandoned hold %s returned=%v", got.Status, got.Returned)
	}
	b.shot("hold-abandoned.png")
}

// only is the citizen's one booking in status st.
func (e *env) only(t *testing.T, citizenID int64, st booking.Status) booking.Booking {
	t.Helper()
	bs, err := e.Svc.Bookings(ctx, booking.BookingFilter{CitizenID: citizenID, Statuses: []booking.Status{st}})
	if err != nil || len(bs) != 1 {
		t.Fatalf("%d bookings %s (%v), want one", len(bs), st, err)
	}
	return bs[0]
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
