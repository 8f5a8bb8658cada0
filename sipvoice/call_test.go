package sipvoice_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"yuyue/booking"
	"yuyue/store/storetest"
	"yuyue/tts"
)

// bookByBusiness keys through a booking from the mode step: newborn at
// FT01, first date, first period, then confirms.
func bookByBusiness(p *phone) *phone {
	p.expect("mode").press("1")
	p.expect("business", "新生儿入户请按1").press("1")
	p.expect("district", "福田区请按1").press("1")
	p.expect("office", "福田派出所户政室请按1").press("1")
	p.expect("notice", "继续预约请按1").press("1")
	p.expect("date", "12月1日星期二请按1").press("1")
	p.expect("period", "上午九点到十点请按1").press("1")
	return p.expect("confirm", "新生儿入户", "福田派出所户政室").press("1")
}

func TestRegisteredCallerBooksOverSIP(t *testing.T) {
	h := newHarness(t, opts{})
	c := h.e.Citizen(t, 2)
	p := h.dial(c.Phone)
	p.expect("menu", "欢迎致电").press("1")
	p.expect("code", "验证码已发送到本机").press(h.code(c.Phone))
	bookByBusiness(p)
	if p.view.End != "hangup" {
		t.Fatalf("done should end the call, got %+v", p.view)
	}
	bs, err := h.e.Svc.ActiveBookings(context.Background(), c.ID)
	if err != nil || len(bs) != 1 || bs[0].Office != "FT01" || bs[0].Start != "09:00" {
		t.Fatalf("bookings after the call: %+v %v", bs, err)
	}
	ref := bs[0].Reference
	line := ""
	for _, l := range p.view.Lines {
		if strings.Contains(l, spoken(ref)) {
			line = l
		}
	}
	if line == "" {
		t.Fatalf("the reference %s was not spoken: %s", ref, p.said())
	}
	for _, clause := range tts.Clauses(line) { // the digits are clips of their own
		if _, err := os.Stat(h.cache.Path("cmn", clause)); err != nil {
			t.Fatalf("%q of the spoken reference is not in the TTS cache: %v", clause, err)
		}
	}
	h.worker.Drain(context.Background())
	if sms := h.fake.LastTo(c.Phone); !strings.Contains(sms, ref) {
		t.Fatalf("the confirmation SMS lacks the reference: %s", sms)
	}
	p.hangup()
	rec := p.waitEnded()
	audit := auditChannels(t, h)
	if !audit[booking.ChannelSIP] {
		t.Fatalf("the booking's audit names no SIP channel: %v (call %s)", audit, rec.SID)
	}
}

func TestHangUpBeforeConfirmFreesThePlace(t *testing.T) {
	h := newHarness(t, opts{})
	c := h.e.Citizen(t, 3)
	p := h.dial(c.Phone)
	p.expect("menu").press("1")
	p.expect("code").press(h.code(c.Phone))
	p.expect("mode").press("1")
	p.expect("business").press("1")
	p.expect("district").press("1")
	p.expect("office").press("1")
	p.expect("notice").press("1")
	p.expect("date").press("1")
	p.expect("period").press("1")
	p.expect("confirm")
	if place := h.e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"); place.Taken != 1 {
		t.Fatalf("taken %d at confirm, want the caller's hold", place.Taken)
	}
	p.hangup()
	p.waitEnded()
	if place := h.e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"); place.Taken != 0 {
		t.Fatalf("taken %d after BYE, want 0: the hold must go at once", place.Taken)
	}
}

func TestQueryAndCancelOverSIP(t *testing.T) {
	h := newHarness(t, opts{})
	c := h.e.Citizen(t, 4)
	b := h.e.Book(t, c, h.e.Place(t, "FT01", "idcard", "2026-12-03", "14:00"))
	p := h.dial(c.Phone)
	p.expect("menu").press("2")
	p.expect("code").press(h.code(c.Phone))
	p.expect("pick_booking").press("1")
	p.expect("query_action", spoken(b.Reference)).press("2") // not 改约: back to the list
	p.expect("pick_booking").press("*")
	p.expect("pick_booking").press("*")
	p.expect("menu").press("3")
	p.expect("pick_booking").press("1")
	p.expect("cancel_confirm").press("1")
	p.expect("menu")
	got, err := h.e.Svc.Booking(context.Background(), b.ID)
	if err != nil || got.Status != booking.StatusCancelled {
		t.Fatalf("booking after cancel over SIP: %+v %v", got, err)
	}
	p.hangup()
	p.waitEnded()
}

func TestCallFromOutsideTheTrunksIsRefused(t *testing.T) {
	h := newHarness(t, opts{trunks: []string{"192.0.2.0/24"}})
	c := h.e.Citizen(t, 5)
	_, _, err := h.invite(c.Phone)
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("INVITE from loopback, trunk 192.0.2.0/24: %v, want 403", err)
	}
	var n int
	if err := h.e.QueryRow("SELECT count(*) FROM call_sessions").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d call sessions after a refused INVITE", n)
	}
}

func auditChannels(t *testing.T, h *harness) map[string]bool {
	rows, err := h.e.Query("SELECT channel FROM audit")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var ch string
		if err := rows.Scan(&ch); err != nil {
			t.Fatal(err)
		}
		out[ch] = true
	}
	return out
}

// TestNewCitizenIsOfferedTheOperator: with no recogniser on the SIP side a
// name cannot be taken by phone; after the ID number the caller is offered
// the operator, before any code is sent or anything registered.
func TestNewCitizenIsOfferedTheOperator(t *testing.T) {
	h := newHarness(t, opts{})
	const number = "+8613900000011"
	p := h.dial(number)
	p.expect("menu").press("1")
	p.expect("id_number").press(strings.ReplaceAll(storetest.ID(11), "X", "*") + "#")
	// No operator is configured in this harness: the offer ends in goodbye.
	p.expect("goodbye", "人工服务为您办理实名登记")
	if _, err := h.e.Svc.CitizenByPhone(context.Background(), number); booking.ErrorCode(err) != booking.ENotFound {
		t.Fatalf("a citizen was registered without a name: %v", err)
	}
	h.worker.Drain(context.Background())
	if len(h.fake.Messages()) != 0 {
		t.Fatalf("SMS sent before the operator: %+v", h.fake.Messages())
	}
	p.waitEnded()
}
