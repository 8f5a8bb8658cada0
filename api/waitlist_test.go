package api_test

import (
	"fmt"
	"strings"
	"testing"

	"yuyue/store/storetest"
)

// bookVia books place for the citizen of tok through the API.
func bookVia(t *testing.T, e *env, tok, phone string, place int64) map[string]any {
	t.Helper()
	h := e.must(e.call("POST", "/api/v1/holds", tok, map[string]any{"place_id": place, "notice_read": true}), 201)
	hid := int64(h.body["id"].(float64))
	e.Clock.Advance(61e9)
	e.must(e.call("POST", fmt.Sprintf("/api/v1/holds/%d/code", hid), tok, nil), 202)
	return e.must(e.call("POST", fmt.Sprintf("/api/v1/holds/%d/confirm", hid), tok, map[string]any{"code": e.code(phone)}), 200).body
}

func TestRescheduleAndWaitlistOverTheAPI(t *testing.T) {
	e := newEnv(t, roomy, strings.ReplaceAll(storetest.TestCatalog, "capacity: 2}", "capacity: 1}"))
	tok1, tok2 := e.register(1), e.register(2)
	p1, p2 := storetest.Phone(1), storetest.Phone(2)
	from := e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")
	to := e.Place(t, "NS01", "newborn", "2026-12-02", "14:00")
	b := bookVia(t, e, tok1, p1, from.ID)
	id := int64(b["id"].(float64))
	path := fmt.Sprintf("/api/v1/bookings/%d/reschedule", id)
	if r := e.call("POST", path, tok1, map[string]any{"place_id": to.ID, "code": "000000"}); r.status < 400 {
		t.Fatalf("reschedule with a wrong code: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", path, tok2, map[string]any{"place_id": to.ID, "code": "000000"}); r.status != 403 {
		t.Fatalf("reschedule of another's booking: %d %s", r.status, r.raw)
	}
	e.Clock.Advance(61e9)
	e.must(e.call("POST", fmt.Sprintf("/api/v1/bookings/%d/code", id), tok1, nil), 202)
	moved := e.must(e.call("POST", path, tok1, map[string]any{"place_id": to.ID, "code": e.code(p1)}), 200).body
	if moved["reference"] != b["reference"] || moved["date"] != "2026-12-02" || moved["start"] != "14:00" ||
		moved["office"].(map[string]any)["code"] != "NS01" {
		t.Fatalf("rescheduled: %v, was %v", moved, b)
	}
	// the place it moved to is full (capacity 1): citizen 2 waits for it
	join := map[string]any{"office": "NS01", "business": "newborn", "date": "2026-12-02", "start": "14:00"}
	w := e.must(e.call("POST", "/api/v1/waitlist", tok2, join), 201).body
	if w["status"] != "waiting" {
		t.Fatalf("joined: %v", w)
	}
	if r := e.call("POST", "/api/v1/waitlist", tok2, join); r.status != 409 || r.code() != "active" {
		t.Fatalf("second join: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", "/api/v1/waitlist", tok1, join); r.status != 409 || r.code() != "active" {
		t.Fatalf("join with a booking of the business: %d %s", r.status, r.raw)
	}
	e.must(e.call("POST", fmt.Sprintf("/api/v1/bookings/%d/cancel", id), tok1, nil), 200)
	list := e.must(e.call("GET", "/api/v1/waitlist", tok2, nil), 200).body["entries"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["status"] != "offered" {
		t.Fatalf("after the cancel: %v", list)
	}
	entry := list[0].(map[string]any)
	hold := int64(entry["offer_hold_id"].(float64))
	wid := int64(entry["id"].(float64))
	e.Clock.Advance(61e9)
	e.must(e.call("POST", fmt.Sprintf("/api/v1/holds/%d/code", hold), tok2, nil), 202)
	if r := e.call("POST", fmt.Sprintf("/api/v1/waitlist/%d/confirm", wid), tok1, map[string]any{"code": "123456"}); r.status != 403 {
		t.Fatalf("confirming another's offer: %d %s", r.status, r.raw)
	}
	got := e.must(e.call("POST", fmt.Sprintf("/api/v1/waitlist/%d/confirm", wid), tok2, map[string]any{"code": e.code(p2)}), 200).body
	if got["status"] != "booked" || got["date"] != "2026-12-02" || got["reference"] == "" {
		t.Fatalf("offer confirmed: %v", got)
	}
	if l := e.must(e.call("GET", "/api/v1/waitlist", tok2, nil), 200).body["entries"].([]any); len(l) != 0 {
		t.Fatalf("entries after accepting: %v", l)
	}
	// citizen 1 joins for the now full place, then leaves
	w1 := e.must(e.call("POST", "/api/v1/waitlist", tok1, join), 201).body
	left := e.must(e.call("DELETE", fmt.Sprintf("/api/v1/waitlist/%d", int64(w1["id"].(float64))), tok1, nil), 200).body
	if left["status"] != "left" {
		t.Fatalf("left: %v", left)
	}
}
