package api_test

import (
	"fmt"
	"testing"

	"yuyue/booking"
	"yuyue/store/storetest"
)

func firstPlace(t *testing.T, e *env, query string) int64 {
	t.Helper()
	r := e.must(e.call("GET", "/api/v1/availability?"+query, "", nil), 200)
	days := r.body["days"].([]any)
	if len(days) == 0 {
		t.Fatalf("no days for %s", query)
	}
	p := days[0].(map[string]any)["periods"].([]any)[0].(map[string]any)
	if p["remaining"].(float64) < 1 {
		t.Fatalf("first period full: %v", p)
	}
	return int64(p["place_id"].(float64))
}

func TestRegisterBookQueryCancel(t *testing.T) {
	e := newEnv(t, roomy)
	phone := storetest.Phone(1)
	e.must(e.call("POST", "/api/v1/codes", "", map[string]any{"purpose": "register", "phone": phone}), 202)
	reg := map[string]any{"name": "李四", "id_number": storetest.ID(1), "phone": phone, "password": password, "code": "000000"}
	if r := e.call("POST", "/api/v1/register", "", reg); r.status != 400 || r.code() != "invalid" {
		t.Fatalf("wrong code: %d %s", r.status, r.raw)
	}
	if _, err := e.Svc.CitizenByPhone(ctx, phone); booking.ErrorCode(err) != booking.ENotFound {
		t.Fatalf("a wrong code stored the citizen: %v", err)
	}
	reg["code"] = e.code(phone)
	r := e.must(e.call("POST", "/api/v1/register", "", reg), 201)
	tok := r.body["token"].(string)
	if me := e.must(e.call("GET", "/api/v1/me", tok, nil), 200); me.body["id_masked"] != booking.MaskIDNumber(storetest.ID(1)) {
		t.Fatalf("me: %s", me.raw)
	}
	cat := e.must(e.call("GET", "/api/v1/catalog", "", nil), 200)
	if n := len(cat.body["businesses"].([]any)); n != 2 {
		t.Fatalf("catalog has %d businesses", n)
	}
	place := firstPlace(t, e, "business=newborn&office=FT01")
	if r := e.call("POST", "/api/v1/holds", tok, map[string]any{"place_id": place, "notice_read": false}); r.status != 400 {
		t.Fatalf("hold without the notice: %d", r.status)
	}
	hold := e.must(e.call("POST", "/api/v1/holds", tok, map[string]any{"place_id": place, "notice_read": true}), 201)
	hid := int64(hold.body["id"].(float64))
	if r := e.call("POST", fmt.Sprintf("/api/v1/holds/%d/confirm", hid), tok, map[string]any{"code": "123456"}); r.code() != "not_found" {
		t.Fatalf("confirm before any booking code: %s", r.raw)
	}
	e.Clock.Advance(61e9)
	e.must(e.call("POST", fmt.Sprintf("/api/v1/holds/%d/code", hid), tok, nil), 202)
	b := e.must(e.call("POST", fmt.Sprintf("/api/v1/holds/%d/confirm", hid), tok, map[string]any{"code": e.code(phone)}), 200)
	ref, _ := b.body["reference"].(string)
	if b.body["status"] != "booked" || b.body["channel"] != "app" || !booking.ValidReference(ref) {
		t.Fatalf("confirmed: %s", b.raw)
	}
	// a second booking of the same business is refused while this one is active
	other := firstPlace(t, e, "business=newborn&office=NS01")
	if r := e.call("POST", "/api/v1/holds", tok, map[string]any{"place_id": other, "notice_read": true}); r.status != 409 || r.code() != "active" {
		t.Fatalf("second hold: %d %s", r.status, r.raw)
	}
	list := e.must(e.call("GET", "/api/v1/bookings", tok, nil), 200)
	if n := len(list.body["bookings"].([]any)); n != 1 {
		t.Fatalf("%d bookings listed", n)
	}
	q := e.must(e.call("POST", "/api/v1/bookings/query", "", map[string]any{"reference": ref, "id_number": storetest.ID(1)}), 200)
	if q.body["booking"].(map[string]any)["reference"] != ref {
		t.Fatalf("query: %s", q.raw)
	}
	if r := e.call("POST", "/api/v1/bookings/query", "", map[string]any{"reference": ref, "id_number": storetest.ID(2)}); r.status != 404 {
		t.Fatalf("query with another ID: %d", r.status)
	}
	bid := int64(b.body["id"].(float64))
	c := e.must(e.call("POST", fmt.Sprintf("/api/v1/bookings/%d/cancel", bid), tok, nil), 200)
	if c.body["status"] != "cancelled" {
		t.Fatalf("cancel: %s", c.raw)
	}
}

func TestCancelDeadlineAndRelease(t *testing.T) {
	e := newEnv(t, roomy)
	tok := e.register(1)
	c, _ := e.Svc.CitizenByPhone(ctx, storetest.Phone(1))
	p := e.Place(t, "FT01", "newborn", "2026-12-02", "09:00")
	b := e.Book(t, c, p)
	e.Clock.Set(storetest.At("2026-12-01 18:00"))
	r := e.call("POST", fmt.Sprintf("/api/v1/bookings/%d/cancel", b.ID), tok, nil)
	if r.status != 409 || r.code() != "deadline" || r.body["message"] == "" {
		t.Fatalf("cancel at 18:00 the day before: %d %s", r.status, r.raw)
	}
	// a hold given back returns its place at once
	q := e.Place(t, "FT01", "idcard", "2026-12-03", "09:00")
	h := e.must(e.call("POST", "/api/v1/holds", tok, map[string]any{"place_id": q.ID, "notice_read": true}), 201)
	e.must(e.call("DELETE", fmt.Sprintf("/api/v1/holds/%d", int64(h.body["id"].(float64))), tok, nil), 204)
	if got := e.Place(t, "FT01", "idcard", "2026-12-03", "09:00"); got.Taken != 0 {
		t.Fatalf("released hold still takes %d", got.Taken)
	}
}
