package operator_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"yuyue/store/storetest"
)

// An administrator reads the dashboard and an operator opens a call's
// journey in Chromium at 1366×768; the pages are checked for English and
// screenshotted (YUYUE_KEEP_SCREENSHOTS keeps them for a person to look at).
func TestDashboardAndJourneyInRealBrowser(t *testing.T) {
	exe := chromium(t)
	e := newEnv(t)
	seedDashboard(t, e)
	base, bctx := serveToChromium(t, exe, e, 1366, 768, 240*time.Second)
	dir := t.TempDir()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	admin := &session{t: t, ctx: bctx, base: base, dir: dir, seen: map[string]bool{}}
	admin.login("admin1")
	admin.submit("dashboard link", []chromedp.Action[chromedp.Void]{chromedp.Click(css(`header a[href="/console/dashboard"]`))}, chromedp.WaitVisible(css("#chart-funnel")))
	admin.check("dashboard")
	// every chart is drawn: its SVG has a size on the page and shows its figures
	for _, id := range []string{"chart-bookings", "chart-fill", "chart-noshow", "chart-sms", "chart-calls", "chart-funnel"} {
		w, err := chromedp.Run(bctx, chromedp.Evaluate[float64]("document.querySelector('#"+id+" svg').getBoundingClientRect().width"))
		if err != nil || w < 300 {
			t.Errorf("%s drawn %v px wide (%v)", id, w, err)
		}
	}
	if txt, _ := chromedp.Run(bctx, chromedp.Evaluate[string]("document.querySelector('#chart-sms svg').textContent")); !strings.Contains(txt, "送达2 失败0 待确认1") {
		t.Errorf("SMS chart text %q", txt)
	}
	admin.submit("one office", []chromedp.Action[chromedp.Void]{chromedp.SetValue(css("#dash-office"), "FT01"), chromedp.Click(css("#dash-show"))},
		chromedp.WaitVisible(css("#chart-fill")))
	admin.check("dashboard-office")
	if h1 := admin.text("h1"); !strings.Contains(h1, "福田派出所户政室") {
		t.Errorf("one-office heading %q", h1)
	}

	octx, cancelOp := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	defer cancelOp()
	op := &session{t: t, ctx: octx, base: admin.base, dir: dir, seen: admin.seen}
	op.login("op1")
	tail := storetest.Phone(300)[len(storetest.Phone(300))-4:]
	// The calls page lists recent calls before any search, so a wait for a
	// row would match the old page: every step that loads a page waits for
	// the new one (session.submit) before it looks.
	op.submit("calls", []chromedp.Action[chromedp.Void]{chromedp.Click(css(`header a[href="/console/calls"]`))}, chromedp.WaitVisible(css("#calls-tail")))
	op.submit("find calls", []chromedp.Action[chromedp.Void]{chromedp.SendKeys(css("#calls-tail"), tail), chromedp.Click(css("#calls-find"))},
		chromedp.WaitVisible(css(".call-reason")))
	op.check("calls")
	op.submit("journey", []chromedp.Action[chromedp.Void]{chromedp.SendKeys(css(".call-reason"), "市民投诉核查"), chromedp.Click(css(".open-journey"))},
		chromedp.WaitVisible(css("#journey")))
	op.check("journey")
	if txt := op.text("#journey"); !strings.Contains(txt, "••••••") || !strings.Contains(txt, "无人接听") {
		t.Errorf("journey table %q", txt)
	}
	if keep := os.Getenv("YUYUE_KEEP_SCREENSHOTS"); keep != "" {
		files, _ := filepath.Glob(filepath.Join(dir, "*.png"))
		for _, f := range files {
			b, _ := os.ReadFile(f)
			os.WriteFile(filepath.Join(keep, "1366-"+filepath.Base(f)), b, 0o644)
		}
	}
}
