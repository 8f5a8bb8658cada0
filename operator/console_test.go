package operator_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"yuyue/booking"
	"yuyue/store/storetest"
)

func TestPostWithoutValidCSRFRefused(t *testing.T) {
	e := newEnv(t)
	c := e.citizen(t, 1)
	b := e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-03", "09:00"))
	op := e.browser(t).login("op1")
	op.get(fmt.Sprintf("/console/citizens/%d", c.ID))
	for _, token := range []string{"", "0000"} {
		if code, _ := op.post(fmt.Sprintf("/console/bookings/%d/cancel", b.ID), url.Values{"csrf": {token}}); code != http.StatusForbidden {
			t.Fatalf("csrf %q: %d, want 403", token, code)
		}
	}
	if got, _ := e.Svc.Booking(ctx, b.ID); got.Status != booking.StatusBooked {
		t.Fatal("a refused POST had an effect")
	}
	if code, _ := op.post(fmt.Sprintf("/console/bookings/%d/cancel", b.ID), nil); code != http.StatusFound {
		t.Fatalf("with the token: %d", code)
	}
	if got, _ := e.Svc.Booking(ctx, b.ID); got.Status != booking.StatusCancelled {
		t.Fatal("cancel with a valid token did nothing")
	}
	// the login form has its own token
	anon := e.browser(t)
	if code, _ := anon.post("/console/login", url.Values{"name": {"op1"}, "password": {password}, "csrf": {"x"}}); code != http.StatusForbidden {
		t.Fatalf("login without its token: %d", code)
	}
}

func TestRolesAndOffices(t *testing.T) {
	e := newEnv(t)
	c := e.citizen(t, 1)
	c.BannedUntil = storetest.At("2027-03-01 10:00")
	e.Store.InTx(ctx, func(tx booking.Tx) error { return tx.UpdateCitizen(c) })
	ns := e.Book(t, e.citizen(t, 2), e.Place(t, "NS01", "newborn", "2026-12-01", "09:00"))
	e.Clock.Set(storetest.At("2026-12-01 09:05"))

	clerk := e.browser(t).login("clerk1")
	if code, _ := clerk.post(fmt.Sprintf("/console/citizens/%d/lift", c.ID), url.Values{"reason": {"x"}}); code != http.StatusForbidden {
		t.Fatalf("clerk lifting a blacklist: %d", code)
	}
	code, body := clerk.get("/console/office?office=NS01")
	if code != 200 || !strings.Contains(body, "福田派出所户政室") || strings.Contains(body, "南头派出所户政室") || strings.Contains(body, ns.Reference) {
		t.Fatalf("clerk of FT01 asked for NS01: %d, shows another office", code)
	}
	if code, _ := clerk.post(fmt.Sprintf("/console/bookings/%d/checkin", ns.ID), url.Values{"id_number": {storetest.ID(2)}}); code != http.StatusForbidden {
		t.Fatalf("clerk checking in another office's booking: %d", code)
	}
	if code, _ := clerk.get(fmt.Sprintf("/console/citizens/%d", c.ID)); code != http.StatusForbidden {
		t.Fatalf("clerk on the operator pages: %d", code)
	}

	op := e.browser(t).login("op1")
	if code, _ := op.post(fmt.Sprintf("/console/bookings/%d/checkin", ns.ID), url.Values{"id_number": {storetest.ID(2)}}); code != http.StatusForbidden {
		t.Fatalf("operator checking in: %d", code)
	}
	if code, _ := op.get("/console/office"); code != http.StatusForbidden {
		t.Fatalf("operator on the office page: %d", code)
	}
	if got, _ := e.Svc.Booking(ctx, ns.ID); got.Status != booking.StatusBooked {
		t.Fatal("a forbidden check-in happened")
	}

	admin := e.browser(t).login("admin1")
	if code, loc := admin.post(fmt.Sprintf("/console/citizens/%d/lift", c.ID), url.Values{"reason": {"医院证明"}}); code != http.StatusFound || !strings.Contains(loc, "flash") {
		t.Fatalf("admin lift: %d %s", code, loc)
	}
	log, _ := e.Svc.AuditLog(ctx, booking.AuditFilter{CitizenID: c.ID, Limit: 1})
	if len(log) != 1 || log[0].Actor != "admin1" || log[0].Channel != booking.ChannelOperator {
		t.Fatalf("lift audit: %+v", log)
	}
}

var flashRe = regexp.MustCompile(`flash=([^&]+)`)

func TestOperatorBooksOnBehalfAndClerkChecksIn(t *testing.T) {
	e := newEnv(t)
	c := e.citizen(t, 1)
	op := e.browser(t).login("op1")
	_, loc := op.post("/console/citizens", url.Values{"name": {"王五"}, "id_number": {storetest.ID(3)}, "phone": {"13900001111"}})
	e.ids = append(e.ids, storetest.ID(3))
	if !strings.Contains(loc, "flash") {
		t.Fatalf("register: %s", loc)
	}
	// find by full ID: redirected to the page, which shows it masked
	_, _, loc = op.do("GET", "/console/citizens?q="+storetest.ID(1), nil)
	code, body := op.get(loc)
	if code != 200 || !strings.Contains(body, c.IDMasked) {
		t.Fatalf("citizen page: %d", code)
	}
	// name and ID number together are refused
	_, loc = op.post(fmt.Sprintf("/console/citizens/%d/update", c.ID), url.Values{"name": {"新名"}, "id_number": {storetest.ID(9)}, "checked": {"on"}})
	if !strings.Contains(loc, "error") {
		t.Fatalf("name+ID change: %s", loc)
	}
	p := e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")
	op.get(fmt.Sprintf("/console/citizens/%d/book?business=newborn&office=FT01", c.ID))
	op.post(fmt.Sprintf("/console/citizens/%d/code", c.ID), url.Values{"business": {"newborn"}, "office": {"FT01"}})
	e.worker.Drain(ctx)
	var msgs []booking.DevMessage
	e.Store.View(ctx, func(tx booking.Tx) (err error) { msgs, err = tx.DevMessages(c.Phone, 1); return err })
	code6 := regexp.MustCompile(`\d{6}`).FindString(msgs[0].Body)
	_, loc = op.post(fmt.Sprintf("/console/citizens/%d/book", c.ID), url.Values{"place": {fmt.Sprint(p.ID)}, "code": {code6}, "business": {"newborn"}, "office": {"FT01"}})
	if !strings.Contains(loc, "flash") {
		t.Fatalf("book on behalf: %s", loc)
	}
	bs, _ := e.Svc.ActiveBookings(ctx, c.ID)
	if len(bs) != 1 {
		t.Fatalf("%d bookings", len(bs))
	}
	f, _ := url.QueryUnescape(flashRe.FindStringSubmatch(loc)[1])
	if !strings.Contains(f, bs[0].Reference) {
		t.Fatalf("flash %q lacks the reference", f)
	}
	log, _ := e.Svc.AuditLog(ctx, booking.AuditFilter{BookingID: bs[0].ID})
	if len(log) == 0 || log[0].Actor != "op1" || log[0].Channel != booking.ChannelOperator {
		t.Fatalf("booking audit: %+v", log)
	}
	e.Clock.Set(storetest.At("2026-12-01 09:10"))
	clerk := e.browser(t).login("clerk1")
	_, loc = clerk.post(fmt.Sprintf("/console/bookings/%d/checkin", bs[0].ID), url.Values{"id_number": {storetest.ID(3)}})
	if !strings.Contains(loc, "error") {
		t.Fatalf("check-in with another person's ID: %s", loc)
	}
	_, loc = clerk.post(fmt.Sprintf("/console/bookings/%d/checkin", bs[0].ID), url.Values{"id_number": {storetest.ID(1)}})
	if f, _ := url.QueryUnescape(loc); !strings.Contains(f, "已取号：001号") {
		t.Fatalf("check-in: %s", f)
	}
	code, body = clerk.get("/console/office")
	if code != 200 || !strings.Contains(body, "001号") || !strings.Contains(body, "<svg") {
		t.Fatalf("office page after check-in: %d", code)
	}
	// the admin sees the audit and the dev inbox, still without full IDs
	admin := e.browser(t).login("admin1")
	for _, path := range []string{"/console/audit", "/console/inbox", "/console/transfers", fmt.Sprintf("/console/citizens/%d", c.ID)} {
		if code, _ := admin.get(path); code != 200 {
			t.Fatalf("%s: %d", path, code)
		}
	}
}

func TestLoginRateLimited(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t)
	for i := range 5 {
		b.get("/console/login")
		if _, loc := b.post("/console/login", url.Values{"name": {"op1"}, "password": {"wrong"}}); !strings.Contains(loc, "error") {
			t.Fatalf("wrong password %d: %s", i, loc)
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
