package operator_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"yuyue/booking"
)

// A booking made over the 114 centre's SIP trunk reads 电话(SIP) in the
// audit log and its CSV export, one made over Twilio reads 电话: the
// supervisor can tell the two doors apart.
func TestSIPBookingLabelledInAudit(t *testing.T) {
	e := newEnv(t)
	p := e.Place(t, "FT01", "newborn", "2026-12-02", "09:00")
	book := func(n int, a booking.Actor) booking.Booking {
		c := e.citizen(t, n)
		e.Verify(t, c)
		h, err := e.Svc.Hold(ctx, a, c.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, err := e.Svc.Confirm(ctx, a, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// the actors the IVR uses: the masked caller and the call id, whose
	// prefix names the door (ivr.SIPCallPrefix)
	viaSIP := book(1, booking.Actor{Name: "138****0001 sip-7f3a", Channel: booking.ChannelSIP})
	viaTwilio := book(2, booking.Actor{Name: "138****0002 CA1234", Channel: booking.ChannelIVR})

	admin := e.browser(t).login("admin1")
	_, body := admin.get("/console/audit?action=booking.confirm")
	row := func(b booking.Booking) string {
		re := regexp.MustCompile(`<tr><td>[^<]*</td><td>[^<]*</td><td title="([^"]*)">([^<]*)</td><td title="booking.confirm">[^<]*</td>\s*<td>.*?</td><td>` +
			fmt.Sprint(b.ID) + `</td>`)
		m := re.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no confirm row for booking %d in the audit page:\n%s", b.ID, body)
		}
		return m[1] + "=" + m[2]
	}
	if got := row(viaSIP); got != "sip=电话(SIP)" {
		t.Fatalf("SIP booking's channel cell %q, want sip=电话(SIP)", got)
	}
	if got := row(viaTwilio); got != "ivr=电话" {
		t.Fatalf("Twilio booking's channel cell %q, want ivr=电话", got)
	}
	if n := strings.Count(body, ">电话(SIP)<"); n != 1 {
		t.Fatalf("%d cells read 电话(SIP), want 1 (the SIP confirmation)", n)
	}

	rows := download(t, admin, "/console/audit.csv?action=booking.confirm")
	found := map[string]string{}
	for _, r := range rows[1:] {
		found[r[5]] = r[2] + "/" + r[7]
	}
	if got := found[fmt.Sprint(viaSIP.ID)]; got != "电话(SIP)/sip" {
		t.Fatalf("CSV channel of the SIP booking %q; rows %q", got, rows)
	}
	if got := found[fmt.Sprint(viaTwilio.ID)]; got != "电话/ivr" {
		t.Fatalf("CSV channel of the Twilio booking %q; rows %q", got, rows)
	}
}
