package api_test

import (
	"strings"
	"testing"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// After an office is closed for a day, the API neither lists its places
// nor holds one: the closure is enforced in the booking service every
// channel calls.
func TestClosedOfficeIsNotBookableThroughTheAPI(t *testing.T) {
	e := newEnv(t, roomy)
	tok := e.register(1)
	p := e.Place(t, "FT01", "newborn", "2026-12-03", "09:00")
	if _, _, err := e.Svc.Close(ctx, storetest.Actor, booking.ClosureRequest{Offices: []string{"FT01"},
		Date: booking.MustDate("2026-12-03"), ReasonClass: "typhoon", Action: booking.ClosureCancel}, ""); err != nil {
		t.Fatal(err)
	}
	r := e.must(e.call("GET", "/api/v1/availability?office=FT01&business=newborn", tok, nil), 200)
	if strings.Contains(r.raw, "2026-12-03") || !strings.Contains(r.raw, "2026-12-04") {
		t.Fatalf("availability still lists the closed day: %s", r.raw)
	}
	if r := e.call("POST", "/api/v1/holds", tok, map[string]any{"place_id": p.ID, "notice_read": true}); r.status != 409 || r.code() != "full" {
		t.Fatalf("hold on the closed day: %d %s", r.status, r.raw)
	}
}
