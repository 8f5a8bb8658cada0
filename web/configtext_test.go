package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// Every number a page states comes from the configuration: change each key
// and the new value is on the page (sms.code_ttl, sms.resend_after,
// booking.hold_ttl, booking.cancel_hour).
func TestPagesFollowTheConfiguration(t *testing.T) {
	e := newEnv(t, roomy)
	e.codes.Rules.TTL = 7 * time.Minute
	e.codes.Rules.ResendAfter = 90 * time.Second
	e.Svc.Rules.HoldTTL = 12 * time.Minute
	e.Svc.Rules.CancelHour = 16
	c := e.client(t)
	if _, home, _ := c.do("GET", "/", nil); !strings.Contains(home, "预约日前一天16:00前可取消") {
		t.Fatal("home page does not state booking.cancel_hour")
	}

	cz := e.Citizen(t, 1)
	c.do("GET", "/forgot", nil)
	ask := url.Values{"action": {"code"}, "phone": {cz.Phone[3:]}}
	if _, body, _ := c.post("/forgot", ask); !strings.Contains(body, "7分钟内有效") {
		t.Fatalf("code flash does not state sms.code_ttl:\n%s", flashOf(body))
	}
	// asked again at once: no code, use the last one, and when a new one may come
	e.Clock.Advance(10 * time.Second)
	again := e.Clock.Now().Add(80 * time.Second).In(storetest.Shanghai).Format("15:04:05")
	code, body, _ := c.post("/forgot", ask)
	if code != 429 || strings.Contains(body, "验证码已发送") || !strings.Contains(body, "验证码未重新发送") ||
		!strings.Contains(body, "仍然有效") || !strings.Contains(body, again+"后可重新获取") {
		t.Fatalf("second code request: %d\n%s", code, flashOf(body))
	}
	e.Clock.Advance(90 * time.Second)
	resetPassword(t, e, c, cz)
	login(t, c)

	p := e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")
	code, body, loc := c.post("/book/hold?business=newborn&office=FT01", url.Values{"place_id": {itoa(p.ID)}, "ack": {"1"}})
	if !strings.HasPrefix(loc, "/book/confirm/") {
		t.Fatalf("hold: %d → %q\n%s", code, loc, flashOf(body))
	}
	if _, page, _ := c.do("GET", loc, nil); !strings.Contains(page, "号源为您保留12分钟") || !strings.Contains(page, ">12分00秒<") {
		t.Fatalf("confirm page does not state booking.hold_ttl:\n%s", page)
	}
	b := e.Book(t, cz, e.Place(t, "FT01", "idcard", "2026-12-02", "09:00"))
	if _, page, _ := c.do("GET", "/me/bookings/"+itoa(b.ID), nil); !strings.Contains(page, "预约日前一天16:00前操作") {
		t.Fatal("slip does not state booking.cancel_hour")
	}
	e.Clock.Set(b.Date.AddDays(-1).At(16, 0, storetest.Shanghai))
	login(t, c) // the session lapsed overnight
	if _, page, _ := c.post("/me/bookings/"+itoa(b.ID)+"/cancel", url.Values{}); !strings.Contains(page, "已超过取消时限（预约日前一天16:00）") {
		t.Fatalf("late cancel does not state booking.cancel_hour:\n%s", flashOf(page))
	}
	if b.Status != booking.StatusBooked {
		t.Fatalf("fixture booking is %s", b.Status)
	}
}

func login(t *testing.T, c *client) {
	t.Helper()
	c.do("GET", "/login", nil)
	if code, _, loc := c.post("/login", url.Values{"login": {storetest.ID(1)}, "password": {password}}); code != 302 {
		t.Fatalf("login: %d → %s", code, loc)
	}
	c.do("GET", "/book", nil) // the logged-in session's form token
}

// flashOf is the flash and error lines of a page, for failure messages.
func flashOf(page string) string {
	var out []string
	for _, l := range strings.Split(page, "\n") {
		if strings.Contains(l, `class="flash"`) || strings.Contains(l, `class="error"`) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
