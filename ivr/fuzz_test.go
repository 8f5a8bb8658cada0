package ivr_test

import (
	"net/url"
	"testing"
	"time"

	"yuyue/store/storetest"
)

// FuzzGather drives the gather webhook with arbitrary keys, speech, step and
// seq, some fields missing, on calls at different steps: never a 5xx, always
// parseable TwiML that keeps the contract.
func FuzzGather(f *testing.F) {
	f.Add("1", "", "menu", "1", uint8(0))
	f.Add("440305198001010011#", "", "id_number", "2", uint8(1))
	f.Add("", "张三", "name", "3", uint8(2))
	f.Add("*", "", "code", "9", uint8(3))
	f.Add("9", "", "business", "x", uint8(4))
	f.Add("\x00\xff", "<Say>", "../../", "-1", uint8(5))
	h := newHarness(f, true)
	c := h.e.Citizen(f, 1)
	atCode := h.dial(c.Phone).press("1") // registered, at the code step
	h.e.Clock.Advance(time.Minute)       // past the resend wait
	calls := []*phone{
		h.dial(storetest.Phone(2)), // unregistered, at menu
		atCode,
		h.dial(c.Phone).press("1").verify(c.Phone).press("1").press("1"), // district list
		h.dial(storetest.Phone(3)).press("1"),                            // id_number
	}
	f.Fuzz(func(t *testing.T, digits, speech, step, seq string, which uint8) {
		p := calls[int(which)%len(calls)]
		form := p.form(url.Values{})
		if which&4 == 0 {
			form.Set("Digits", digits)
		}
		if which&8 == 0 {
			form.Set("SpeechResult", speech)
		}
		if which&16 != 0 {
			form.Del("CallSid")
		}
		path := "/twilio/voice/gather?" + url.Values{"step": {step}, "seq": {seq}}.Encode()
		if which&32 != 0 {
			path = p.action // a well-formed step/seq with the fuzzed input
		}
		code, xml := h.do(t, path, form)
		if code >= 500 {
			t.Fatalf("status %d for %q", code, xml)
		}
		if code == 200 {
			checkTwiML(t, xml)
		}
	})
}
