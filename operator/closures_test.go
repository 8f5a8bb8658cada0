package operator_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"yuyue/booking"
	"yuyue/operator"
)

// An office manager closes and edits only their own office; the preview
// changes nothing; the closure is one action; capacity below booked is
// refused with the count; the calendar is an administrator's.
func TestManagerClosesOwnOfficeOnly(t *testing.T) {
	e := newEnv(t)
	if _, err := operator.AddOperator(e.Svc, "mgr1", booking.RoleManager, "FT01", password); err != nil {
		t.Fatal(err)
	}
	if _, err := operator.AddOperator(e.Svc, "mgr2", booking.RoleManager, "", password); err == nil {
		t.Fatal("a manager without an office was created")
	}
	c := e.citizen(t, 1)
	e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-03", "09:00"))
	e.Book(t, e.citizen(t, 2), e.Place(t, "FT01", "newborn", "2026-12-03", "09:00"))
	// a waitlist entry for the day: the closure ends it and texts its citizen
	if _, err := e.Svc.JoinWaitlist(ctx, booking.Actor{Name: "web", Channel: "web"}, e.citizen(t, 4).ID, "FT01", "newborn",
		booking.MustDate("2026-12-03"), "14:00"); err != nil {
		t.Fatal(err)
	}
	m := e.browser(t).login("mgr1")
	code, body := m.get("/console/closures")
	if code != http.StatusOK || strings.Contains(body, "NS01") || !strings.Contains(body, `value="FT01"`) {
		t.Fatalf("manager's closure page %d offers other offices", code)
	}
	form := url.Values{"office": {"NS01"}, "date": {"2026-12-03"}, "reason": {"typhoon"}, "action": {"cancel"}}
	if _, _, msg := m.submit("/console/closures", form); !strings.Contains(msg, "只能操作本受理点") {
		t.Fatalf("closing another office: %q", msg)
	}
	form.Set("office", "FT01")
	_, body, _ = m.do("POST", "/console/closures/preview", withCSRF(form, m.csrf))
	if !strings.Contains(body, `id="impact-bookings"><strong>2</strong>`) {
		t.Fatalf("preview does not count 2 bookings:\n%s", body)
	}
	if bs, _ := e.Svc.Bookings(ctx, booking.BookingFilter{Office: "FT01", Statuses: []booking.Status{booking.StatusCancelled}}); len(bs) != 0 {
		t.Fatal("the preview cancelled")
	}
	code, loc := m.post("/console/closures", form)
	if code != http.StatusFound || !strings.HasPrefix(loc, "/console/closures/") {
		t.Fatalf("close: %d %s", code, loc)
	}
	_, body = m.get(loc)
	if !strings.Contains(body, `id="pending">3<`) || !strings.Contains(body, `id="n-waitlist">1<`) ||
		!strings.Contains(body, `http-equiv="refresh"`) {
		t.Fatalf("progress page:\n%s", body)
	}
	if _, err := e.worker.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	_, body = m.get(loc)
	if !strings.Contains(body, `id="sent">3<`) || strings.Contains(body, `http-equiv="refresh"`) {
		t.Fatalf("progress after sending:\n%s", body)
	}

	// capacity: below booked is refused with the count
	e.Book(t, e.citizen(t, 3), e.Place(t, "FT01", "idcard", "2026-12-07", "14:00"))
	_, _, msg := m.submit("/console/capacity", url.Values{"office": {"FT01"}, "business": {"idcard"}, "start": {"14:00"},
		"from": {"2026-12-07"}, "to": {"2026-12-08"}, "capacity": {"0"}})
	if !strings.Contains(msg, "已有 1 个预约") {
		t.Fatalf("capacity below booked: %q", msg)
	}
	_, _, msg = m.submit("/console/capacity", url.Values{"office": {"NS01"}, "start": {"09:00"},
		"from": {"2026-12-07"}, "to": {"2026-12-08"}, "capacity": {"9"}})
	if p := e.Place(t, "NS01", "newborn", "2026-12-07", "09:00"); p.Capacity == 9 || !strings.Contains(msg, "只能操作本受理点") {
		t.Fatalf("a manager changing another office: capacity %d, %q", p.Capacity, msg)
	}
	if code, _ := m.post("/console/calendar/day", url.Values{"date": {"2026-12-10"}, "kind": {"holiday"}}); code != http.StatusForbidden {
		t.Fatalf("a manager set a holiday: %d", code)
	}

	a := e.browser(t).login("admin1")
	_, _, msg = a.submit("/console/calendar/day", url.Values{"date": {"2026-12-10"}, "kind": {"holiday"}, "name": {"台风"}})
	if !strings.Contains(msg, "已将 2026-12-10 设为节假日") {
		t.Fatalf("holiday: %q", msg)
	}
	if ps, _ := e.Svc.Availability(ctx, booking.PlaceFilter{From: booking.MustDate("2026-12-10"), To: booking.MustDate("2026-12-10")}); len(ps) != 0 {
		t.Fatalf("%d places on the new holiday", len(ps))
	}
}

func withCSRF(f url.Values, csrf string) url.Values {
	g := url.Values{}
	for k, v := range f {
		g[k] = v
	}
	g.Set("csrf", csrf)
	return g
}

// An administrator loads next year's holidays from a file in the catalog
// format; the page lists them.
func TestLoadHolidayFile(t *testing.T) {
	e := newEnv(t)
	a := e.browser(t).login("admin1")
	a.get("/console/capacity")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", a.csrf)
	fw, _ := mw.CreateFormFile("file", "2027.yaml")
	fw.Write([]byte("calendar:\n  2027:\n    holidays: {\"2027-01-01\": 元旦}\n    workdays: {\"2027-02-07\": 春节调休}\n"))
	mw.Close()
	req := httptest.NewRequest("POST", "/console/calendar/load", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, v := range a.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := e.app.Test(req, -1)
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("upload: %v %v", resp.StatusCode, err)
	}
	for _, c := range resp.Cookies() {
		a.cookies[c.Name] = c.Value
	}
	_, page := a.get("/console/capacity")
	if !strings.Contains(a.flash, "2027 年 2 天") || !strings.Contains(page, "春节调休") {
		t.Fatalf("after loading: flash %q", a.flash)
	}
	if n, _ := e.Svc.AuditLog(ctx, booking.AuditFilter{Action: "calendar.load"}); len(n) != 1 {
		t.Fatalf("%d audit rows", len(n))
	}
}
