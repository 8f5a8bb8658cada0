package operator_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// Every request of these tests goes through browser.do, which fails on a
// phone or ID number in a request URL or Location and on missing headers.

func TestMessagesNeverComeFromTheURL(t *testing.T) {
	e := newEnv(t)
	bait := "您的账户已冻结请致电"
	anon := e.browser(t)
	for _, path := range []string{"/console/login?error=" + url.QueryEscape(bait), "/console/login?flash=" + url.QueryEscape(bait)} {
		if _, body := anon.get(path); strings.Contains(body, bait) {
			t.Fatalf("%s shows the text from the URL", path)
		}
	}
	op := e.browser(t).login("op1")
	for _, path := range []string{"/console/citizens?error=anything", "/console/citizens?flash=" + url.QueryEscape(bait), "/console/transfers?error=" + url.QueryEscape(bait)} {
		code, body := op.get(path)
		if code != 200 || strings.Contains(body, bait) || strings.Contains(body, "anything") || strings.Contains(body, `class="error"`) {
			t.Fatalf("%s: %d, shows a banner from the URL", path, code)
		}
	}
}

func TestCitizenPagesAreOpaqueAndEveryViewAudited(t *testing.T) {
	e := newEnv(t)
	c := e.citizen(t, 1)
	op := e.browser(t).login("op1")
	// the search is a POST: the number is in the body, never the URL
	if _, body := op.get("/console/citizens"); !strings.Contains(body, `<form method="post" action="/console/citizens/find"`) {
		t.Fatal("the search form is not a POST")
	}
	if code, _ := op.post("/console/citizens/find", url.Values{"q": {c.Phone[3:]}}); code != http.StatusFound {
		t.Fatalf("no reason: %d", code)
	}
	if views(t, e, c.ID) != 0 || op.flash != "" {
		t.Fatal("a search without a reason found the citizen")
	}
	page := op.open(c.Phone[3:], "市民来电查询预约")
	if strings.Contains(page, fmt.Sprint(c.ID)) || len(strings.TrimPrefix(page, "/console/c/")) < 20 {
		t.Fatalf("page %s is not opaque", page)
	}
	op.get(page)
	op.get(page + "/book")
	log, _ := e.Svc.AuditLog(ctx, booking.AuditFilter{CitizenID: c.ID, Action: "citizen.view"})
	if len(log) != 2 || log[0].Actor != "op1" || !strings.Contains(log[0].Detail, "市民来电查询预约") || log[0].At.IsZero() {
		t.Fatalf("views audited: %+v", log)
	}
	// sequence numbers lead nowhere
	for _, path := range []string{"/console/c/1", fmt.Sprintf("/console/c/%d", c.ID), "/console/citizens/1"} {
		if code, body := op.get(path); code != http.StatusNotFound || !strings.Contains(body, "未找到") {
			t.Fatalf("%s: %d", path, code)
		}
	}
	// another operator with the link must say why before seeing anything
	other := e.browser(t).login("admin1")
	code, body := other.get(page)
	if code != 200 || strings.Contains(body, c.IDMasked) || !strings.Contains(body, "查看该市民信息的原因") {
		t.Fatalf("a link without a reason showed the citizen: %d", code)
	}
	_, body, _ = other.submit(page+"/why", url.Values{"reason": {"核查投诉"}})
	if !strings.Contains(body, c.IDMasked) {
		t.Fatal("after giving a reason the page is not shown")
	}
	if n := views(t, e, c.ID); n != 3 {
		t.Fatalf("%d views audited, want 3", n)
	}
}

func views(t *testing.T, e *env, citizenID int64) int {
	log, err := e.Svc.AuditLog(ctx, booking.AuditFilter{CitizenID: citizenID, Action: "citizen.view"})
	if err != nil {
		t.Fatal(err)
	}
	return len(log)
}

func TestTransferredCallOpensTheCallerAsTheReason(t *testing.T) {
	e := newEnv(t)
	c := e.citizen(t, 1)
	transfer(t, e, "CA00000000000000000000000000000001", c.Phone)
	op := e.browser(t).login("op1")
	_, body := op.get("/console/citizens")
	if !strings.Contains(body, "离开步骤：选择日期") || strings.Contains(body, "step=") {
		t.Fatal("the transfer's context is not shown in Chinese")
	}
	_, body, _ = op.submit("/console/transfers/open", url.Values{"sid": {"CA00000000000000000000000000000001"}})
	if !strings.Contains(body, c.IDMasked) {
		t.Fatal("the transferred caller's page did not open")
	}
	log, _ := e.Svc.AuditLog(ctx, booking.AuditFilter{CitizenID: c.ID, Action: "citizen.view"})
	if len(log) != 1 || !strings.Contains(log[0].Detail, "转接来电") || !strings.Contains(log[0].Detail, c.Phone[len(c.Phone)-4:]) {
		t.Fatalf("view audit: %+v", log)
	}
}

func transfer(t *testing.T, e *env, sid, from string) {
	t.Helper()
	transferWith(t, e, sid, from, "step=date; flow=book; verified=yes; business=新生儿入户")
}

// transferWith records a call transferred with the given context.
func transferWith(t *testing.T, e *env, sid, from, context string) {
	t.Helper()
	now := e.Clock.Now()
	err := e.InTx(ctx, func(tx booking.Tx) error {
		return tx.InsertCall(booking.CallRecord{SID: sid, From: from, Step: "operator", Data: []byte{}, CreatedAt: now, UpdatedAt: now,
			TransferredAt: now, Context: context})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Issue 22 item 8: a transferred caller who did not pass a code is shown
// as 未验证, and their calling number does not open a citizen's page.
func TestItem8UnverifiedTransfersShownAndNotOpened(t *testing.T) {
	e := newEnv(t)
	c := e.citizen(t, 1)
	const sid = "CA00000000000000000000000000000008"
	transferWith(t, e, sid, c.Phone, "step=code; flow=book; name=张*; id=440305**********12; verified=no")
	op := e.browser(t).login("op1")
	if _, body := op.get("/console/transfers"); !strings.Contains(body, "未验证") {
		t.Fatal("an unverified transfer is not marked 未验证")
	}
	_, body, _ := op.submit("/console/transfers/open", url.Values{"sid": {sid}})
	if strings.Contains(body, c.IDMasked) {
		t.Fatal("an unverified call opened the citizen's page")
	}
	if log, _ := e.Svc.AuditLog(ctx, booking.AuditFilter{CitizenID: c.ID, Action: "citizen.view"}); len(log) != 0 {
		t.Fatalf("views audited: %+v", log)
	}
	// a record from before the mark, without it, counts as unverified too
	transferWith(t, e, sid+"x", c.Phone, "step=date; flow=book")
	if _, body, _ := op.submit("/console/transfers/open", url.Values{"sid": {sid + "x"}}); strings.Contains(body, c.IDMasked) {
		t.Fatal("a call without the mark opened the citizen's page")
	}
}

func TestErrorPagesAndHeadersOnEveryResponse(t *testing.T) {
	e := newEnv(t)
	anon := e.browser(t)
	code, body := anon.get("/console/nowhere")
	if code != http.StatusFound && (code != 404 || !strings.Contains(body, "未找到")) {
		t.Fatalf("unknown page: %d", code)
	}
	op := e.browser(t).login("op1")
	code, body = op.get("/console/nowhere")
	if code != 404 || !strings.Contains(body, "未找到") || !strings.Contains(body, "返回首页") || strings.Contains(body, "Cannot GET") {
		t.Fatalf("404: %d %s", code, body)
	}
	code, body = op.get("/console/audit")
	if code != 403 || !strings.Contains(body, "无权限") || strings.Contains(body, "Forbidden") {
		t.Fatalf("403: %d", code)
	}
	// HSTS and secure cookies when public_url is https
	e.console.Secure = true
	req := httpRequest("GET", "/console/login")
	resp, err := e.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Fatal("no HSTS behind https")
	}
	for _, ck := range resp.Cookies() {
		if !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
			t.Fatalf("cookie %s: secure %v httponly %v samesite %v", ck.Name, ck.Secure, ck.HttpOnly, ck.SameSite)
		}
	}
}

func httpRequest(method, path string) *http.Request {
	req, _ := http.NewRequest(method, "http://127.0.0.1"+path, nil)
	return req
}

func TestIdleSessionEnds(t *testing.T) {
	e := newEnv(t)
	op := e.browser(t).login("op1")
	e.Clock.Advance(20 * time.Minute)
	if code, _, _ := op.do("GET", "/console/citizens", nil); code != 200 {
		t.Fatalf("after 20 idle minutes: %d", code)
	}
	e.Clock.Advance(20 * time.Minute) // 20 minutes since the last use
	if code, _, _ := op.do("GET", "/console/citizens", nil); code != 200 {
		t.Fatalf("used 20 minutes ago: %d", code)
	}
	e.Clock.Advance(31 * time.Minute)
	if code, _, loc := op.do("GET", "/console/citizens", nil); code != http.StatusFound || loc != "/console/login" {
		t.Fatalf("idle 31 minutes: %d %s", code, loc)
	}
}

func TestSpokenNamesAreCleaned(t *testing.T) {
	e := newEnv(t)
	c, err := e.Svc.Register(ctx, storetest.Actor, booking.Registration{Name: "张\u202e三\u200b\u0007\u2066", IDNumber: storetest.ID(5), Phone: storetest.Phone(5)})
	e.ids = append(e.ids, storetest.ID(5))
	if err != nil || c.Name != "张三" {
		t.Fatalf("stored name %q, %v", c.Name, err)
	}
	op := e.browser(t).login("op1")
	_, body := op.get(op.open(storetest.ID(5), "来电"))
	if !strings.Contains(body, "张三") || strings.ContainsAny(body, "\u202e\u200b\u0007") {
		t.Fatal("the page shows control or bidi characters")
	}
}

var bookingLinkRe = regexp.MustCompile(`href="(/console/b/[a-z]+/cancel)"`)

// Issue 22 item 11: a booking page opens by an opaque handle, only with a
// reason for its citizen, and every look is audited; sequence ids lead
// nowhere.
func TestItem11BookingPagesByOpaqueHandleWithReason(t *testing.T) {
	e := newEnv(t)
	c := e.citizen(t, 1)
	b := e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-03", "09:00"))
	op := e.browser(t).login("op1")
	_, body := op.get(op.open(c.Phone[3:], "来电取消预约"))
	m := bookingLinkRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no opaque cancel link on the citizen page")
	}
	if code, body := op.get(m[1]); code != 200 || !strings.Contains(body, b.Reference) {
		t.Fatalf("cancel page by handle: %d", code)
	}
	log, _ := e.Svc.AuditLog(ctx, booking.AuditFilter{BookingID: b.ID, Action: "booking.view"})
	if len(log) != 1 || log[0].Actor != "op1" || !strings.Contains(log[0].Detail, "来电取消预约") {
		t.Fatalf("booking view audited: %+v", log)
	}
	for _, path := range []string{fmt.Sprintf("/console/bookings/%d/cancel", b.ID), "/console/bookings/1/cancel", "/console/b/1/cancel"} {
		if code, _ := op.get(path); code != http.StatusNotFound {
			t.Fatalf("%s: %d", path, code)
		}
	}
	other := e.browser(t).login("admin1")
	if code, body := other.get(m[1]); code != 200 || strings.Contains(body, b.Reference) || !strings.Contains(body, "原因") {
		t.Fatalf("the link without a reason: %d", code)
	}
	if code, _ := other.post(m[1], nil); code != http.StatusFound {
		t.Fatalf("cancel by handle: %d", code)
	}
	if got, _ := e.Svc.Booking(ctx, b.ID); got.Status != booking.StatusBooked {
		t.Fatal("a cancel without a reason for the citizen went through")
	}
}
