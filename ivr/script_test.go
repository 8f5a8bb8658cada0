package ivr_test

import (
	"net/url"
	"strings"
	"testing"

	"yuyue/store/storetest"
)

// TestScriptedCallsKeepTwiMLRules plays a set of calls covering what the
// IVR can say: booking by business and by office, query, cancel, the
// operator (and a busy one), three invalid inputs, and English. Every
// response passes checkTwiML, which applies Twilio's rules (twimlrules_test.go).
func TestScriptedCallsKeepTwiMLRules(t *testing.T) {
	h := newHarness(t, true)
	var calls []*phone
	p, _ := bookNewCaller(t, h, 1) // by business, registering
	calls = append(calls, p)

	c := h.e.Citizen(t, 2) // by office
	p = h.dial(c.Phone).press("1").verify(c.Phone).press("2").press("2").press("1").press("1").press("2").press("1")
	p.expect("date").press("1").expect("period").press("1").expect("confirm").press("1")
	calls = append(calls, p)

	h.e.Clock.Advance(61e9)
	p = h.dial(c.Phone).press("2").verify(c.Phone).expect("pick_booking").press("1") // query
	p.expect("query_action").press("2").press("*").press("*").expect("menu").press("3").expect("pick_booking").press("1").expect("cancel_confirm").press("1").expect("menu", "预约已取消")
	p.press("0") // operator, busy, back at the menu
	p.send(p.dial, url.Values{"DialCallStatus": {"no-answer"}})
	calls = append(calls, p.expect("menu", "无法接通"))

	p = h.dial(storetest.Phone(3)).press("7").press("").press("#") // three invalid inputs
	if !strings.Contains(p.xml, "<Sip>") {
		t.Fatalf("three failures did not transfer:\n%s", p.xml)
	}
	calls = append(calls, p)

	calls = append(calls, englishBooking(t, h, 4))
	seen := map[string]bool{}
	for _, call := range calls {
		for _, r := range call.history {
			u, _ := url.Parse(r.path)
			seen[u.Path+"?"+u.Query().Get("step")] = true
		}
	}
	for _, step := range []string{"menu", "id_number", "name", "name_confirm", "phone_choice", "mode", "business", "district",
		"office", "notice", "date", "period", "code", "confirm", "pick_booking", "cancel_confirm"} {
		if !seen["/twilio/voice/gather?"+step] {
			t.Errorf("the script never answered step %s", step)
		}
	}
	if !seen["/twilio/voice/dial?operator"] {
		t.Error("the script never reported a transfer's end")
	}
}

// englishBooking books in English: prompts in the English voice, Chinese
// names from the catalog in their own Mandarin <Say>, the name heard in
// Mandarin.
func englishBooking(t *testing.T, h *harness, n int) *phone {
	p := h.dial(storetest.Phone(n)).press("9").expect("menu", "To book, press 1", "中文服务请按9")
	p.press("1").expect("id_number", "18-character").press(keys(storetest.ID(n)))
	p.expect("name")
	if !strings.Contains(p.xml, `language="cmn-Hans-CN"`) {
		t.Fatalf("name not recognised in Mandarin in English mode:\n%s", p.xml)
	}
	p.speak("王五").expect("name_confirm", "王五").press("1")
	p.expect("phone_choice").press("1").expect("code", "texted a code").press(p.code(storetest.Phone(n)))
	p.expect("mode").press("1")
	p.expect("business").press("1").expect("district").press("1")
	p.expect("office", "福田派出所户政室", "press 1")
	if !strings.Contains(p.xml, `<Say voice="Polly.Zhiyu" language="cmn-CN">福田派出所户政室`) &&
		!strings.Contains(p.xml, `<Say language="cmn-CN" voice="Polly.Zhiyu">福田派出所户政室`) {
		t.Fatalf("office name not in a Mandarin <Say>:\n%s", p.xml)
	}
	p.press("1").expect("notice").press("1").expect("date").press("1").expect("period").press("1")
	p.expect("confirm", "To confirm, press 1").press("1")
	if !strings.Contains(p.said, "Your appointment is booked") {
		t.Fatalf("English booking did not finish: %s", p.said)
	}
	return p
}
