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

// open finds a citizen by phone or ID with a reason and returns the path of
// their page.
func (b *browser) open(q, reason string) string {
	b.t.Helper()
	b.get("/console/citizens")
	code, loc := b.post("/console/citizens/find", url.Values{"q": {q}, "reason": {reason}})
	if code != http.StatusFound || !strings.HasPrefix(loc, "/console/c/") {
		b.t.Fatalf("find %s: %d %s", q, code, loc)
	}
	return loc
}

func TestPostWithoutValidCSRFRefused(t *testing.T) {
	e := newEnv(t)
	c := e.citizen(t, 1)
	b := e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-03", "09:00"))
	op := e.browser(t).login("op1")
	op.get(op.open(c.Phone[3:], "来电"))
	for _, token := range []string{"", "0000"} {
		if code, _ := op.post("/console/b/"+e.bookingHandle(t, b.ID)+"/cancel", url.Values{"csrf": {token}}); code != http.StatusForbidden {
			t.Fatalf("csrf %q: %d, want 403", token, code)
		}
	}
	if got, _ := e.Svc.Booking(ctx, b.ID); got.Status != booking.StatusBooked {
		t.Fatal("a refused POST had an effect")
	}
	if code, _ := op.post("/console/b/"+e.bookingHandle(t, b.ID)+"/cancel", nil); code != http.StatusFound {
		t.Fatalf("with the token: %d", code)
	}
	if got, _ := e.Svc.Booking(ctx, b.ID); got.Status != booking.StatusCancelled {
		t.Fatal("cancel with a valid token did nothing")
	}
	anon := e.browser(t)
	if code, _ := anon.post("/console/login", url.Values{"name": {"op1"}, "password": {password}, "csrf": {"x"}}); code != http.StatusForbidden {
		t.Fatalf("login without its token: %d", code)
	}
}

func TestRolesAndOffices(t *testing.T) {
	e := newEnv(t)
	c := e.citizen(t, 1)
	c.BannedUntil = storetest.At("2027-03-01 10:00")
	e.InTx(ctx, func(tx booking.Tx) error { return tx.UpdateCitizen(c) })
	ns := e.Book(t, e.citizen(t, 2), e.Place(t, "NS01", "newborn", "2026-12-01", "09:00"))
	e.Clock.Set(storetest.At("2026-12-01 09:05"))
	admin := e.browser(t).login("admin1")
	page := admin.open(storetest.ID(1), "医院证明核实")

	clerk := e.browser(t).login("clerk1")
	code, body := clerk.get("/console/office?office=NS01")
	if code != 200 || !strings.Contains(body, "福田派出所户政室") || strings.Contains(body, "南头派出所户政室") || strings.Contains(body, ns.Reference) {
		t.Fatalf("clerk of FT01 asked for NS01: %d, shows another office", code)
	}
	if !strings.Contains(body, "受理员·福田派出所户政室") {
		t.Fatal("the clerk's role is not shown in Chinese with the office")
	}
	if code, _ := clerk.post("/console/b/"+e.bookingHandle(t, ns.ID)+"/checkin", url.Values{"id_number": {storetest.ID(2)}}); code != http.StatusForbidden {
		t.Fatalf("clerk checking in another office's booking: %d", code)
	}
	code, body = clerk.get(page)
	if code != http.StatusForbidden || !strings.Contains(body, "无权限") || !strings.Contains(body, `href="/console/"`) {
		t.Fatalf("clerk on a citizen page: %d, want the Chinese 无权限 page with a way back", code)
	}
	if code, _ := clerk.post(page+"/lift", url.Values{"reason": {"x"}}); code != http.StatusForbidden {
		t.Fatalf("clerk lifting a blacklist: %d", code)
	}

	op := e.browser(t).login("op1")
	if code, _ := op.post("/console/b/"+e.bookingHandle(t, ns.ID)+"/checkin", url.Values{"id_number": {storetest.ID(2)}}); code != http.StatusForbidden {
		t.Fatalf("operator checking in: %d", code)
	}
	if code, _ := op.get("/console/office"); code != http.StatusForbidden {
		t.Fatalf("operator on the office page: %d", code)
	}
	if got, _ := e.Svc.Booking(ctx, ns.ID); got.Status != booking.StatusBooked {
		t.Fatal("a forbidden check-in happened")
	}
	if _, _, msg := admin.submit(page+"/lift", url.Values{"reason": {"医院证明"}}); msg != "已解除暂停" {
		t.Fatalf("admin lift: %q", msg)
	}
	log, _ := e.Svc.AuditLog(ctx, booking.AuditFilter{CitizenID: c.ID, Action: "blacklist.lift"})
	if len(log) != 1 || log[0].Actor != "admin1" || log[0].Channel != booking.ChannelOperator {
		t.Fatalf("lift audit: %+v", log)
	}
	// an administrator picks any office
	if code, body := admin.get("/console/office?office=NS01"); code != 200 || !strings.Contains(body, ns.Reference) {
		t.Fatalf("admin on NS01: %d", code)
	}
}

func code6(t *testing.T, e *env, phone string) string {
	t.Helper()
	if _, err := e.worker.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	// The newest code, not the newest message: the worker sends codes
	// ahead of notices queued before them.
	var msgs []booking.DevMessage
	e.View(ctx, func(tx booking.Tx) (err error) { msgs, err = tx.DevMessages(phone, 10); return err })
	for _, m := range msgs {
		if m.Kind == booking.MsgCode {
			return regexp.MustCompile(`\d{6}`).FindString(m.Body)
		}
	}
	t.Fatal("no code in the development inbox")
	return ""
}

func TestOperatorBooksOnBehalfAndClerkChecksIn(t *testing.T) {
	e := newEnv(t)
	c := e.citizen(t, 1)
	op := e.browser(t).login("op1")
	_, _, msg := op.submit("/console/citizens", url.Values{"name": {"王五"}, "id_number": {storetest.ID(3)}, "phone": {"13900001111"}})
	e.ids = append(e.ids, storetest.ID(3))
	if msg != "已登记" {
		t.Fatalf("register: %q", msg)
	}
	page := op.open(storetest.ID(1), "市民来电")
	code, body := op.get(page)
	if code != 200 || !strings.Contains(body, c.IDMasked) {
		t.Fatalf("citizen page: %d", code)
	}
	if _, _, msg := op.submit(page+"/update", url.Values{"name": {"新名"}, "id_number": {storetest.ID(9)}, "checked": {"on"}}); msg == "" || msg == "已更正" {
		t.Fatalf("name+ID change: %q", msg)
	}
	p := e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")
	code, body = op.get(page + "/book?business=newborn&office=FT01")
	if code != 200 || !strings.Contains(body, fmt.Sprintf(`value="%d"`, p.ID)) || !strings.Contains(body, "余2") {
		t.Fatalf("grid: %d", code)
	}
	form := url.Values{"business": {"newborn"}, "office": {"FT01"}, "place": {fmt.Sprint(p.ID)}}
	_, body, msg = op.submit(page+"/code", form)
	if !strings.Contains(msg, "验证码已发送") || !strings.Contains(body, fmt.Sprintf(`value="%d" id="cell-2026-12-01-0900" checked`, p.ID)) {
		t.Fatalf("send code: %q, or the chosen cell was lost", msg)
	}
	form.Set("code", code6(t, e, c.Phone))
	_, _, msg = op.submit(page+"/book", form)
	bs, _ := e.Svc.ActiveBookings(ctx, c.ID)
	if len(bs) != 1 || !strings.Contains(msg, bs[0].Reference) {
		t.Fatalf("book on behalf: %d bookings, %q", len(bs), msg)
	}
	log, _ := e.Svc.AuditLog(ctx, booking.AuditFilter{BookingID: bs[0].ID})
	if len(log) == 0 || log[0].Actor != "op1" || log[0].Channel != booking.ChannelOperator {
		t.Fatalf("booking audit: %+v", log)
	}
	// the same rules as the IVR, worded for the operator
	p2 := e.Place(t, "FT01", "newborn", "2026-12-02", "09:00")
	form.Set("place", fmt.Sprint(p2.ID))
	e.Clock.Advance(2 * time.Minute) // codes are resent after a minute
	op.submit(page+"/code", form)
	form.Set("code", code6(t, e, c.Phone))
	_, _, msg = op.submit(page+"/book", form)
	if want := "该市民已有新生儿入户的有效预约（受理号 " + bs[0].Reference; !strings.HasPrefix(msg, want) {
		t.Fatalf("second booking: %q, want %q…", msg, want)
	}
	e.Clock.Set(storetest.At("2026-12-01 09:10"))
	clerk := e.browser(t).login("clerk1")
	if _, _, msg := clerk.submit("/console/b/"+e.bookingHandle(t, bs[0].ID)+"/checkin", url.Values{"id_number": {storetest.ID(3)}}); msg != "身份证与预约不符" {
		t.Fatalf("check-in with another person's ID: %q", msg)
	}
	if _, _, msg := clerk.submit("/console/b/"+e.bookingHandle(t, bs[0].ID)+"/checkin", url.Values{"id_number": {storetest.ID(1)}}); !strings.Contains(msg, "已取号：001号") {
		t.Fatalf("check-in: %q", msg)
	}
	code, body = clerk.get("/console/office")
	if code != 200 || !strings.Contains(body, "001号") || !strings.Contains(body, "<svg") {
		t.Fatalf("office page after check-in: %d", code)
	}
	admin := e.browser(t).login("admin1")
	for _, path := range []string{"/console/audit", "/console/inbox", "/console/transfers", "/console/operators", "/console/office?office=NS01"} {
		if code, _ := admin.get(path); code != 200 {
			t.Fatalf("%s: %d", path, code)
		}
	}
}

func TestCancelAsksFirst(t *testing.T) {
	e := newEnv(t)
	c := e.citizen(t, 1)
	b := e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-03", "09:00"))
	op := e.browser(t).login("op1")
	page := op.open(c.Phone[3:], "来电")
	_, body := op.get(page)
	link := `href="/console/b/` + e.bookingHandle(t, b.ID) + `/cancel"`
	if !strings.Contains(body, link) || strings.Contains(body, `action="/console/b/`) {
		t.Fatal("the citizen page cancels without asking")
	}
	code, body := op.get("/console/b/" + e.bookingHandle(t, b.ID) + "/cancel")
	for _, want := range []string{"确认取消以下预约", b.Reference, "新生儿入户", "福田派出所户政室", "12-02 18:00", "现在仍可取消", "确认取消"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Fatalf("confirmation page (%d) lacks %q", code, want)
		}
	}
	if got, _ := e.Svc.Booking(ctx, b.ID); got.Status != booking.StatusBooked {
		t.Fatal("showing the confirmation cancelled")
	}
	e.Clock.Set(storetest.At("2026-12-02 18:01"))
	op = e.browser(t).login("op1") // the first session went idle
	op.open(c.Phone[3:], "来电")
	if _, body := op.get("/console/b/" + e.bookingHandle(t, b.ID) + "/cancel"); !strings.Contains(body, "已不能取消") || strings.Contains(body, "confirm-cancel") {
		t.Fatal("past the deadline the page still offers to cancel")
	}
}

func TestLoginRateLimited(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t)
	for i := range 5 {
		b.get("/console/login")
		if code, _ := b.post("/console/login", url.Values{"name": {"op1"}, "password": {"wrong"}}); code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d", i, code)
		}
	}
	b.get("/console/login")
	if code, _ := b.post("/console/login", url.Values{"name": {"op1"}, "password": {password}}); code != http.StatusTooManyRequests {
		t.Fatalf("6th attempt: %d, want 429", code)
	}
	if code, _, loc := b.do("GET", "/console/citizens", nil); code != http.StatusFound || loc != "/console/login" {
		t.Fatalf("not logged in, yet %d %s", code, loc)
	}
}
