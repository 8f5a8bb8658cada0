package operator_test

import (
	"context"
	"fmt"
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

// allowedLatin are the only Latin words a console page may show besides
// the account names (proper nouns, removed first): the channel names App
// and SIP, the SMS provider Twilio (the dashboard).
var allowedLatin = map[string]bool{"App": true, "SIP": true, "Twilio": true}

// accountNames are the test's account and actor names, as whole words.
var accountNames = regexp.MustCompile(`\b(op1|clerk1|clerk2|admin1|test)\b`)

var latinWord = regexp.MustCompile(`[A-Za-z]{2,}`)

func TestConsoleInRealBrowser(t *testing.T) {
	exe := chromium(t)
	for _, size := range [][2]int{{1366, 768}, {1024, 768}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) { browserScenario(t, exe, size[0], size[1]) })
	}
}

// session is one browser profile (its own cookies) on the console.
type session struct {
	t    *testing.T
	ctx  context.Context
	base string
	dir  string
	seen map[string]bool // pages whose text was checked
}

func (s *session) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	if err := chromedp.Do(s.ctx, steps...); err != nil {
		s.t.Fatalf("%s: %v", what, err)
	}
}

// submit runs steps that end in a page load (a form sent by GET or POST,
// a link) and waits for the new page before the waits that follow, so an
// element that the old page also has cannot satisfy them early and a
// screenshot is never taken halfway through a navigation.
func (s *session) submit(what string, steps []chromedp.Action[chromedp.Void], after ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	if _, err := chromedp.RunResponse(s.ctx, steps...); err != nil {
		s.t.Fatalf("%s: %v", what, err)
	}
	s.do(what, after...)
}

func (s *session) text(sel string) string {
	s.t.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		s.t.Fatalf("text of %s: %v", sel, err)
	}
	return v
}

// check asserts the page shows no English and saves a screenshot.
func (s *session) check(name string) {
	s.t.Helper()
	body, err := chromedp.Run(s.ctx, chromedp.Evaluate[string]("document.title + '\\n' + document.body.innerText"))
	if err != nil {
		s.t.Fatalf("%s: page text: %v", name, err)
	}
	for _, w := range latinWord.FindAllString(accountNames.ReplaceAllString(body, ""), -1) {
		if !allowedLatin[w] {
			s.t.Fatalf("%s shows the English word %q:\n%s", name, w, body)
		}
	}
	buf, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100)) // quality 100 gives a PNG
	if err != nil {
		s.t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(s.dir, name+".png"), buf, 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.seen[name] = true
}

func (s *session) login(name string) {
	s.t.Helper()
	s.do("login "+name, chromedp.Navigate(s.base+"/console/login"), chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.SendKeys(chromedp.CSS("#name"), name), chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS("#login")), chromedp.WaitVisible(chromedp.CSS("#logout")))
}

// serveToChromium serves e's console on a loopback port and starts a
// headless Chromium (exe) at width×height for at most timeout; both stop
// when the test ends. It returns the console's base URL and the browser.
func serveToChromium(t *testing.T, exe string, e *env, width, height int, timeout time.Duration) (string, context.Context) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.app.Listener(ln)
	t.Cleanup(func() { e.app.Shutdown() })
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.Headless,
		chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(width, height),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	bctx, cancel := context.WithTimeout(bctx, timeout)
	t.Cleanup(func() { cancel(); cancelBrowser(); cancelAlloc() })
	return "http://" + ln.Addr().String(), bctx
}

func browserScenario(t *testing.T, exe string, width, height int) {
	e := newEnv(t)
	c := e.citizen(t, 1)
	transfer(t, e, "CA0000000000000000000000000000abcd", c.Phone)
	base, bctx := serveToChromium(t, exe, e, width, height, 120*time.Second)
	dir := t.TempDir()
	seen := map[string]bool{}
	op := &session{t: t, ctx: bctx, base: base, dir: dir, seen: seen}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }

	op.do("login page", chromedp.Navigate(op.base+"/console/login"), chromedp.WaitVisible(css("#name")))
	op.check("login")
	op.login("op1")
	op.check("find")

	// The caller was transferred from the IVR: the operator opens them,
	// picks business, office, day and period, sends the code, types what
	// the caller reads out and confirms. Every click or typing counts.
	actions := 0
	act := func(what string, a chromedp.Action[chromedp.Void], waitFor string) {
		t.Helper()
		actions++
		op.do(what, a, chromedp.WaitVisible(css(waitFor)))
	}
	act("open the transferred caller", chromedp.Click(css(".open-call")), "#book-link")
	op.check("citizen")
	act("business", chromedp.Click(css(`#book-link a[href$="business=newborn"]`)), "#offices")
	act("office", chromedp.Click(css(`#offices a[href*="office=FT01"]`)), "#grid")
	act("day and period", chromedp.Click(css("#cell-2026-12-03-1400")), "#cell-2026-12-03-1400:checked")
	act("send the code", chromedp.Click(css("#send-code")), "#flash")
	if !strings.Contains(op.text("#flash"), "验证码已发送") {
		t.Fatalf("after sending: %q", op.text("#flash"))
	}
	op.check("book")
	code := code6(t, e, c.Phone)
	act("type the code", chromedp.SendKeys(css("#code"), code), "#code")
	act("confirm", chromedp.Click(css("#confirm")), "#bookings")
	flash := op.text("#flash")
	op.check("booked")
	bs, _ := e.Svc.ActiveBookings(ctx, c.ID)
	if len(bs) != 1 || !strings.Contains(flash, bs[0].Reference) || bs[0].Date.String() != "2026-12-03" || bs[0].Start != "14:00" {
		t.Fatalf("after booking: %+v, flash %q", bs, flash)
	}
	if actions >= 10 {
		t.Fatalf("booking took %d actions", actions)
	}
	t.Logf("booked in %d actions at %dx%d", actions, width, height)

	// cancel asks first, showing what and whether the deadline allows it
	op.do("cancel", chromedp.Click(css("a.cancel")), chromedp.WaitVisible(css("#cancel-confirm")))
	if txt := op.text("#cancel-confirm"); !strings.Contains(txt, bs[0].Reference) || !strings.Contains(txt, "现在仍可取消") {
		t.Fatalf("confirmation: %q", txt)
	}
	op.check("cancel")
	op.do("keep it", chromedp.Click(css(`#cancel-confirm a.btn`)), chromedp.WaitVisible(css("#bookings")))
	if got, _ := e.Svc.Booking(ctx, bs[0].ID); got.Status != booking.StatusBooked {
		t.Fatal("the confirmation page cancelled")
	}
	op.do("transfers", chromedp.Navigate(op.base+"/console/transfers"), chromedp.WaitVisible(css("main")))
	op.check("transfers")

	// an administrator, in another browser profile, disables op1: op1's
	// open page is logged out at its next click
	actx, cancelAdmin := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	defer cancelAdmin()
	admin := &session{t: t, ctx: actx, base: op.base, dir: dir, seen: seen}
	admin.login("admin1")
	admin.check("admin")
	for _, p := range []string{"operators", "audit", "inbox", "office"} {
		admin.do(p, chromedp.Navigate(admin.base+"/console/"+p), chromedp.WaitVisible(css("main section")))
		admin.check("admin-" + p)
	}
	admin.do("password", chromedp.Navigate(admin.base+"/console/password"), chromedp.WaitVisible(css("#change")))
	admin.check("admin-password")
	admin.do("not found", chromedp.Navigate(admin.base+"/console/nowhere"), chromedp.WaitVisible(css("#error-page")))
	admin.check("admin-notfound")
	admin.do("a citizen from the audit log", chromedp.Navigate(admin.base+"/console/audit"),
		chromedp.Click(css(`#audit a[href^="/console/c/"]`)), chromedp.WaitVisible(css("#reason")))
	admin.check("admin-why")
	admin.do("accounts", chromedp.Navigate(admin.base+"/console/operators"),
		chromedp.Click(css("#account-op1 button.disable")), chromedp.WaitVisible(css("#flash")))
	if !strings.Contains(admin.text("#flash"), "已停用") {
		t.Fatalf("disable: %q", admin.text("#flash"))
	}
	op.do("op1 clicks on", chromedp.Click(css(`header a[href="/console/citizens"]`)), chromedp.WaitVisible(css("#login")))
	op.check("logged-out")

	// on the day, a clerk of the office checks the citizen in with the ID card
	e.Clock.Set(storetest.At("2026-12-03 14:05"))
	op.login("clerk1")
	op.do("check in", chromedp.WaitVisible(css(".checkin-id")), chromedp.SendKeys(css(".checkin-id"), storetest.ID(1)),
		chromedp.Click(css(".checkin")), chromedp.WaitVisible(css("#flash")))
	if flash := op.text("#flash"); !strings.Contains(flash, "已取号：001号") {
		t.Fatalf("clerk flash %q", flash)
	}
	op.check("clerk")
	if got, _ := e.Svc.Booking(ctx, bs[0].ID); got.Status != booking.StatusCheckedIn {
		t.Fatalf("status %s", got.Status)
	}
	op.do("forbidden", chromedp.Navigate(op.base+"/console/audit"), chromedp.WaitVisible(css("#error-page")))
	op.check("forbidden")
	keepScreenshots(t, dir, width)
}

// keepScreenshots copies the screenshots to $YUYUE_KEEP_SCREENSHOTS, for
// a person to look at.
func keepScreenshots(t *testing.T, dir string, width int) {
	keep := os.Getenv("YUYUE_KEEP_SCREENSHOTS")
	files, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	if len(files) < 10 {
		t.Fatalf("%d screenshots", len(files))
	}
	for _, f := range files {
		if st, err := os.Stat(f); err != nil || st.Size() < 1000 {
			t.Fatalf("screenshot %s empty", f)
		}
		if keep != "" {
			b, _ := os.ReadFile(f)
			os.WriteFile(filepath.Join(keep, fmt.Sprintf("%d-%s", width, filepath.Base(f))), b, 0o644)
		}
	}
}
