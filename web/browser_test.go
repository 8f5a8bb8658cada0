package web_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
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

// tab is one browser driving the site.
type tab struct {
	t    *testing.T
	e    *env
	ctx  context.Context
	dir  string
	name string
}

func (e *env) browser(t *testing.T, w, h int) *tab {
	exe := chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.Headless,
		chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(w, h),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true),
		// a page the back button restores from the back/forward cache gets
		// no new document event, and chromedp would wait on the old one
		chromedp.Flag("disable-back-forward-cache", true))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	bctx, cancel := context.WithTimeout(bctx, 150*time.Second)
	t.Cleanup(func() { cancel(); cancelBrowser(); cancelAlloc() })
	return &tab{t: t, e: e, ctx: bctx, dir: t.TempDir(), name: fmt.Sprintf("%dx%d", w, h)}
}

func css(s string) chromedp.CSS { return chromedp.CSS(s) }

func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

func (b *tab) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(css(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func (b *tab) shot(name string) string {
	b.t.Helper()
	name = b.name + "-" + name
	// nothing may be wider than the window: no sideways scrolling on a phone
	if over, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); err != nil || over {
		b.t.Fatalf("%s: page wider than the %s window (%v)", name, b.name, err)
	}
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	p := filepath.Join(b.dir, name)
	if err := os.WriteFile(p, buf, 0o644); err != nil || len(buf) < 1000 {
		b.t.Fatalf("screenshot %s: %v (%d bytes)", name, err, len(buf))
	}
	if keep := os.Getenv("YUYUE_KEEP_SCREENSHOTS"); keep != "" {
		os.WriteFile(filepath.Join(keep, name), buf, 0o644)
	}
	return p
}

// printView checks the slip under the print stylesheet: navigation and
// buttons gone, the slip and its QR code kept.
func (b *tab) printView() {
	b.t.Helper()
	media := func(m string) {
		if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m}); err != nil {
			b.t.Fatal(err)
		}
	}
	media("print")
	defer media("")
	ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector("header")).display === "none" &&
		getComputedStyle(document.querySelector(".noprint")).display === "none" &&
		document.getElementById("slip").offsetHeight > 0 && document.getElementById("qr").offsetHeight > 0`))
	if err != nil || !ok {
		b.t.Fatalf("print stylesheet: %v", err)
	}
	b.shot("print.png")
}

func (b *tab) open(path string, wait string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.e.base+path), chromedp.WaitVisible(css(wait)))
}

// register signs citizen n up with the code from the development inbox.
func (b *tab) register(n int) {
	b.t.Helper()
	phone := storetest.Phone(n)
	b.open("/", "#go-register")
	b.do("to register", chromedp.Click(css("#go-register")), chromedp.WaitVisible(css("#phone")),
		chromedp.SendKeys(css("#phone"), phone[3:]), chromedp.Click(css("#send-code")), chromedp.WaitVisible(css("#flash")))
	b.do("register", chromedp.SendKeys(css("#code"), b.e.code(phone)), chromedp.SendKeys(css("#name"), "王小"+string(rune('明'+n))),
		chromedp.SendKeys(css("#id_number"), storetest.ID(n)), chromedp.SendKeys(css("#password"), password),
		chromedp.SendKeys(css("#password2"), password), chromedp.Click(css("#register")), chromedp.WaitVisible(css("#by-business")))
}

// confirmWithCode asks for the booking code and submits it.
func (b *tab) confirmWithCode(n int) {
	b.t.Helper()
	b.e.Clock.Advance(61 * time.Second) // past the resend limit of the registration code
	b.do("booking code", chromedp.WaitVisible(css("#send-code")), chromedp.Click(css("#send-code")), chromedp.WaitVisible(css("#flash")))
	b.do("submit", chromedp.SendKeys(css("#code"), b.e.code(storetest.Phone(n))), chromedp.Click(css("#submit")),
		chromedp.WaitVisible(css("#slip")))
}

func TestCitizenSiteInRealBrowser(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"phone", 390, 844}, {"desktop", 1366, 768}} {
		t.Run(size.name, func(t *testing.T) { citizenFlows(t, size.w, size.h) })
	}
}

func citizenFlows(t *testing.T, w, h int) {
	chromium(t)
	e := newEnv(t, roomy)
	e.listen()
	b := e.browser(t, w, h)

	// a new citizen registers and books by business through the notice
	b.register(1)
	b.do("by business", chromedp.Click(css("#by-business")), chromedp.WaitVisible(css("a.business")),
		chromedp.Click(css("a.business")), chromedp.WaitVisible(css("a.office")), chromedp.Click(css("a.office")),
		chromedp.WaitVisible(css("#notice-text")))
	if got := b.text("#ack"); got != "我已阅，继续预约" {
		t.Fatalf("notice button %q", got)
	}
	b.shot("notice.png")
	b.do("read the notice", chromedp.Click(css("#ack")), chromedp.WaitVisible(css("button.period")),
		chromedp.Click(css("button.period")))
	b.confirmWithCode(1)
	if got := b.text("#success"); !strings.Contains(got, "预约已成功提交") {
		t.Fatalf("success text %q", got)
	}
	ref := b.text("#reference")
	if !booking.ValidReference(ref) {
		t.Fatalf("slip reference %q", ref)
	}
	b.do("qr", chromedp.WaitVisible(css("#qr")))
	if w, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.getElementById("qr").naturalWidth`)); err != nil || w < 100 {
		t.Fatalf("QR image not shown: width %d, %v", w, err)
	}
	t.Logf("slip screenshot: %s", b.shot("slip.png"))
	b.printView()
	c1, _ := e.Svc.CitizenByPhone(ctx, storetest.Phone(1))
	bs, _ := e.Svc.ActiveBookings(ctx, c1.ID)
	if len(bs) != 1 || bs[0].Reference != ref || bs[0].Channel != booking.ChannelWeb {
		t.Fatalf("stored bookings %+v", bs)
	}

	// the same business again is refused, in Chinese
	b.open("/book/time?business="+bs[0].Business+"&office=NS01&ack=1", "button.period")
	b.do("second hold", chromedp.Click(css("button.period")), chromedp.WaitVisible(css("#error")))
	if got := b.text("#error"); !strings.Contains(got, "您已有该业务的有效预约") {
		t.Fatalf("one-active refusal %q", got)
	}
	b.shot("one-active.png")

	// 个人中心 → 已预约记录 → cancel
	b.open("/me", "#my-bookings")
	b.do("records", chromedp.Click(css("#my-bookings")), chromedp.WaitVisible(css(".booking")))
	if got := b.text(".booking .reference"); got != ref {
		t.Fatalf("record shows %q, want %q", got, ref)
	}
	b.do("cancel", chromedp.Click(css("button.cancel")), chromedp.WaitVisible(css("#flash")))
	if got := b.text("#flash"); got != "预约已取消" {
		t.Fatalf("cancel flash %q", got)
	}
	if got, _ := e.Svc.Booking(ctx, bs[0].ID); got.Status != booking.StatusCancelled {
		t.Fatalf("status after cancel %s", got.Status)
	}
	b.do("logout", chromedp.Click(css(`form[action="/logout"] button`)), chromedp.WaitVisible(css("#go-register")))

	// a second citizen books by office
	b.register(2)
	b.do("by office", chromedp.Click(css("#by-office")), chromedp.WaitVisible(css("a.office")),
		chromedp.Click(css("a.office")), chromedp.WaitVisible(css("a.business")), chromedp.Click(css("a.business")),
		chromedp.WaitVisible(css("#ack")), chromedp.Click(css("#ack")), chromedp.WaitVisible(css("button.period")),
		chromedp.Click(css("button.period")))
	b.confirmWithCode(2)
	ref2 := b.text("#reference")
	c2, _ := e.Svc.CitizenByPhone(ctx, storetest.Phone(2))
	bs2, _ := e.Svc.ActiveBookings(ctx, c2.ID)
	if len(bs2) != 1 || bs2[0].Reference != ref2 {
		t.Fatalf("second citizen's bookings %+v", bs2)
	}

	// the IVR's query finds the web booking
	e.Clock.Advance(61 * time.Second)
	if said := e.ivrQuery(c2.Phone); !strings.Contains(said, "您有1个有效预约") {
		t.Fatalf("IVR query said: %s", said)
	}

	// a page loaded at 17:59 the day before, its cancel pressed at 18:00:
	// refused in Chinese
	e.Clock.Set(bs2[0].Date.AddDays(-1).At(17, 59, storetest.Shanghai))
	// the web session lapsed overnight: log in again, by ID number
	b.open("/me/bookings", "#login")
	b.do("login again", chromedp.SendKeys(css("#login"), storetest.ID(2)), chromedp.SendKeys(css("#password"), password),
		chromedp.Click(css("#login-button")), chromedp.WaitVisible(css("button.cancel")))
	e.Clock.Set(bs2[0].Date.AddDays(-1).At(18, 0, storetest.Shanghai))
	b.do("late cancel", chromedp.Click(css("button.cancel")), chromedp.WaitVisible(css("#error")))
	if got := b.text("#error"); !strings.Contains(got, "已超过取消时限") {
		t.Fatalf("deadline refusal %q", got)
	}
	b.shot("deadline.png")

	// the console sees the web booking and its channel
	b.do("console login", chromedp.Navigate(e.base+"/console/login"), chromedp.WaitVisible(css("#name")),
		chromedp.SendKeys(css("#name"), "admin1"), chromedp.SendKeys(css("#password"), password), chromedp.Click(css("#login")),
		chromedp.WaitVisible(css("#logout")), chromedp.Navigate(e.base+"/console/citizens"), chromedp.WaitVisible(css("#q")), chromedp.SendKeys(css("#q"), c2.Phone[3:]),
		chromedp.SendKeys(css("#reason"), "市民来电核对网上预约"), chromedp.Click(css("#find")),
		chromedp.WaitVisible(css("#bookings")))
	if got := b.text("#bookings"); !strings.Contains(got, ref2) {
		t.Fatalf("console bookings: %q", got)
	}
	b.open("/console/audit", "table")
	if got := b.text("table"); !strings.Contains(got, "网站") || !strings.Contains(got, "预约确认") {
		t.Fatalf("console audit: %q", got)
	}
}
