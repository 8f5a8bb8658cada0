package operator_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"yuyue/booking"
)

// An administrator closes an office for a day in Chromium at 1366×768:
// the preview counts the bookings, the closure moves them, the progress
// page refreshes itself until the outbox has sent every SMS; then a
// capacity below booked is refused with the count and a higher one saved.
func TestClosureInRealBrowser(t *testing.T) {
	exe := chromium(t)
	e := newEnv(t)
	n := 0
	book := func(business, date, start string) booking.Booking {
		n++
		return e.Book(t, e.citizen(t, n), e.Place(t, "FT01", business, date, start))
	}
	var closed []booking.Booking
	for _, s := range [][2]string{{"newborn", "09:00"}, {"newborn", "09:00"}, {"newborn", "14:00"}, {"idcard", "09:00"}, {"idcard", "14:00"}} {
		closed = append(closed, book(s[0], "2026-12-03", s[1]))
	}
	book("newborn", "2026-12-04", "09:00")
	book("newborn", "2026-12-04", "09:00")

	base, bctx := serveToChromium(t, exe, e, 1366, 768, 120*time.Second)
	dir := os.Getenv("YUYUE_KEEP_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	s := &session{t: t, ctx: bctx, base: base, dir: dir, seen: map[string]bool{}}
	css := func(q string) chromedp.CSS { return chromedp.CSS(q) }
	s.login("admin1")

	s.do("closure form", chromedp.Navigate(s.base+"/console/closures"), chromedp.WaitVisible(css("#close-form")),
		chromedp.Click(css(`input[name=office][value=FT01]`)), chromedp.SetValue(css(`input[name=date]`), "2026-12-03"),
		chromedp.SetValue(css(`select[name=reason]`), "typhoon"), chromedp.SendKeys(css(`input[name=note]`), "八号风球"),
		chromedp.Click(css(`input[name=action][value=move]`)))
	s.check("closure-form")
	s.do("preview", chromedp.Click(css("#preview")), chromedp.WaitVisible(css("#impact")))
	if got := s.text("#impact-bookings"); got != "5" {
		t.Fatalf("preview counts %q bookings, want 5", got)
	}
	s.check("closure-preview")
	s.do("confirm", chromedp.Click(css("#confirm-close")), chromedp.WaitVisible(css("#progress")))
	if got, flash := s.text("#pending"), s.text("#flash"); got != "5" || !strings.Contains(flash, "改约 5 个") {
		t.Fatalf("progress: pending %q, flash %q", got, flash)
	}
	s.check("closure-progress-pending")
	for _, b := range closed {
		if got, _ := e.Svc.Booking(ctx, b.ID); got.Status != booking.StatusBooked || got.Date.String() == "2026-12-03" {
			t.Fatalf("booking %d not moved: %s %s", b.ID, got.Status, got.Date)
		}
	}

	// the outbox sends; the page, refreshing itself, shows it
	if _, err := e.worker.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	sent := ""
	for range 40 { // the page reloads itself every 3 s
		if v, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](`(document.getElementById('sent')||{}).textContent||''`)); err == nil {
			if sent = v; sent == "5" {
				break
			}
		}
		time.Sleep(250 * time.Millisecond)
	}
	if sent != "5" {
		t.Fatalf("the progress page shows %q sent", sent)
	}
	s.do("after refresh", chromedp.WaitVisible(css("#reopen")))
	s.check("closure-progress-sent")
	s.do("list", chromedp.Navigate(s.base+"/console/closures"), chromedp.WaitVisible(css("#closures")))
	s.check("closure-list")

	// capacity: below booked refused with the count, then raised
	setCap := func(n string) {
		s.do("capacity "+n, chromedp.Navigate(s.base+"/console/capacity"), chromedp.WaitVisible(css("#capacity-form")),
			chromedp.SetValue(css(`select[name=office]`), "FT01"), chromedp.SetValue(css(`select[name=business]`), "newborn"),
			chromedp.SetValue(css(`select[name=start]`), "09:00"), chromedp.SetValue(css(`input[name=from]`), "2026-12-04"),
			chromedp.SetValue(css(`input[name=to]`), "2026-12-04"), chromedp.SendKeys(css(`input[name=capacity]`), n),
			chromedp.Click(css("#set-capacity")), chromedp.WaitVisible(css("#flash, #error")))
	}
	setCap("1")
	if msg := s.text("#error"); !strings.Contains(msg, "已有 2 个预约") {
		t.Fatalf("capacity below booked: %q", msg)
	}
	s.check("capacity-refused")
	setCap("5")
	if msg := s.text("#flash"); !strings.Contains(msg, "调整为 5") {
		t.Fatalf("capacity: %q", msg)
	}
	s.check("capacity-saved")
	if p := e.Place(t, "FT01", "newborn", "2026-12-04", "09:00"); p.Capacity != 5 {
		t.Fatalf("capacity %d", p.Capacity)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	if len(files) < 7 {
		t.Fatalf("%d screenshots", len(files))
	}
}
