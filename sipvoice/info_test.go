package sipvoice_test

import (
	"context"
	"testing"

	"github.com/emiago/sipgo/sip"
)

// A trunk that offers no telephone-event keys by SIP INFO
// (application/dtmf-relay): the menu, the code and the mode are keyed that
// way and the call advances in the database as with RFC 4733 keys. A body
// without a key is a 400; the key codes 10 and 11 are * and #.
func TestSIPInfoKeysWithoutTelephoneEvents(t *testing.T) {
	h := newHarness(t, opts{})
	c := h.e.Citizen(t, 2)
	p := h.dialWith(c.Phone, callOpts{noEvents: true})
	p.expect("menu", "欢迎致电")
	if got := p.info("Signal=1\r\nDuration=160\r\n"); got != sip.StatusOK {
		t.Fatalf("INFO Signal=1: %d", got)
	}
	p.next()
	p.expect("code", "验证码已发送到本机")
	code := h.code(c.Phone)
	for _, k := range code {
		if got := p.info("Signal=" + string(k) + "\r\nDuration=160\r\n"); got != sip.StatusOK {
			t.Fatalf("INFO Signal=%c: %d", k, got)
		}
	}
	p.next()
	p.expect("mode")
	if rec := p.record(); rec.Step != "mode" {
		t.Fatalf("the database has the call at %q, want mode", rec.Step)
	}
	if got := p.info("Duration=160\r\n"); got != sip.StatusBadRequest {
		t.Fatalf("INFO without a Signal: %d, want 400", got)
	}
	// * then # by their event codes: a star alone re-reads the step.
	for _, sig := range []string{"10", "11"} {
		if got := p.info("Signal=" + sig + "\r\n"); got != sip.StatusOK {
			t.Fatalf("INFO Signal=%s: %d", sig, got)
		}
	}
	p.next()
	p.expect("mode")
	p.hangup()
	p.waitEnded()
}

// info sends one in-dialog INFO with a dtmf-relay body and returns the
// status of the answer.
func (p *phone) info(body string) int {
	p.h.t.Helper()
	req := sip.NewRequest(sip.INFO, p.d.RemoteContact().Address)
	req.AppendHeader(sip.NewHeader("Content-Type", "application/dtmf-relay"))
	req.SetBody([]byte(body))
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	res, err := p.d.Do(ctx, req)
	if err != nil {
		p.h.t.Fatalf("INFO: %v", err)
	}
	return res.StatusCode
}
