package operator_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// chromium finds Debian's browser. Without it the test is skipped on a
// developer's machine, but fails in CI, where .ci/run installs it.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; .ci/run installs it")
	}
	t.Skip("chromium not installed (apt-get install -y chromium)")
	return ""
}

func TestConsoleInRealBrowser(t *testing.T) {
	exe := chromium(t)
	e := newEnv(t)
	c := e.citizen(t, 1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.app.Listener(ln)
	t.Cleanup(func() { e.app.Shutdown() })
	base := "http://" + ln.Addr().String()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.Headless,
		chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1366, 768),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	bctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()
	dir := t.TempDir()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	shot := func(name string) {
		t.Helper()
		buf, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	login := func(name string) []chromedp.Action[chromedp.Void] {
		return []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(base + "/console/login"), chromedp.WaitVisible(css("#name")),
			chromedp.SendKeys(css("#name"), name), chromedp.SendKeys(css("#password"), password),
			chromedp.Click(css("#login")),
		}
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// an operator finds the citizen and books on their behalf
	do("operator login", login("op1")...)
	do("find the citizen", chromedp.WaitVisible(css("#q")), chromedp.SendKeys(css("#q"), c.Phone[3:]), chromedp.Click(css("#find")),
		chromedp.WaitVisible(css("#book-link")), chromedp.Click(css("#book-link button")),
		chromedp.WaitVisible(css("#show")), chromedp.Click(css("#show")),
		chromedp.WaitVisible(css("#send-code")), chromedp.Click(css("#send-code")), chromedp.WaitVisible(css("#flash")))
	if _, err := e.worker.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	var msgs []booking.DevMessage
	e.Store.View(ctx, func(tx booking.Tx) (err error) { msgs, err = tx.DevMessages(c.Phone, 1); return err })
	if len(msgs) != 1 {
		t.Fatal("no code in the development inbox")
	}
	code := regexp.MustCompile(`\d{6}`).FindString(msgs[0].Body)
	do("book", chromedp.Click(css("#place-0")), chromedp.SendKeys(css("#code"), code),
		chromedp.Click(css("#confirm")), chromedp.WaitVisible(css("#bookings")))
	flash := text("#flash")
	shot("operator.png")
	bs, _ := e.Svc.ActiveBookings(ctx, c.ID)
	if len(bs) != 1 || !strings.Contains(flash, bs[0].Reference) {
		t.Fatalf("after booking: %d bookings, flash %q", len(bs), flash)
	}

	// on the day, a clerk of the office checks the citizen in with the ID card
	do("logout", chromedp.Click(css(`form[action="/console/logout"] button`)), chromedp.WaitVisible(css("#name")))
	e.Clock.Set(bs[0].Date.At(9, 10, storetest.Shanghai))
	do("clerk login", login("clerk1")...)
	do("check in", chromedp.WaitVisible(css(".checkin-id")), chromedp.SendKeys(css(".checkin-id"), storetest.ID(1)),
		chromedp.Click(css(".checkin")), chromedp.WaitVisible(css("#flash")))
	flash = text("#flash")
	shot("clerk.png")
	if !strings.Contains(flash, "已取号：001号") {
		t.Fatalf("clerk flash %q", flash)
	}
	if got, _ := e.Svc.Booking(ctx, bs[0].ID); got.Status != booking.StatusCheckedIn {
		t.Fatalf("status %s", got.Status)
	}
	for _, f := range []string{"operator.png", "clerk.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() < 1000 {
			t.Fatalf("screenshot %s missing", f)
		}
	}
	if keep := os.Getenv("YUYUE_KEEP_SCREENSHOTS"); keep != "" {
		for _, f := range []string{"operator.png", "clerk.png"} {
			b, _ := os.ReadFile(filepath.Join(dir, f))
			os.WriteFile(filepath.Join(keep, f), b, 0o644)
		}
	}
}
