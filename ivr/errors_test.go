package ivr_test

import (
	"net/url"
	"strings"
	"testing"

	"yuyue/store/storetest"
)

func TestInternalErrorStillAnswersTwiML(t *testing.T) {
	h := newHarness(t, true)
	p := h.dial(storetest.Phone(1))
	h.e.CloseDB() // the database goes away mid-call
	for _, path := range []string{"/twilio/voice", p.action} {
		code, xml := h.post(path, p.form(url.Values{"Digits": {"1"}}))
		said, _ := checkTwiML(t, xml)
		if code != 200 || !strings.Contains(said, "抱歉") || !strings.Contains(xml, "<Dial ") {
			t.Fatalf("%s: %d %s", path, code, xml)
		}
	}
}

func TestMalformedWebhooks(t *testing.T) {
	h := newHarness(t, false)
	// no CallSid: a spoken apology, still TwiML
	code, xml := h.post("/twilio/voice/gather?step=menu&seq=1", url.Values{"Digits": {"1"}})
	if said, _ := checkTwiML(t, xml); code != 200 || !strings.Contains(said, "抱歉") {
		t.Fatalf("%d %s", code, xml)
	}
	if code, _ := h.post("/twilio/voice/status", url.Values{"CallSid": {"CA1"}}); code != 400 {
		t.Fatalf("status without CallStatus: %d", code)
	}
}
