package ivr_test

import (
	"context"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// citizenBorn registers a citizen whose ID number carries birth (YYYYMMDD).
func citizenBorn(t *testing.T, h *harness, birth string, n int) booking.Citizen {
	t.Helper()
	body := "440305" + birth + strings.Repeat("0", 3-len(itoa(n))) + itoa(n)
	cz, err := h.e.Svc.Register(context.Background(), storetest.Actor, booking.Registration{
		Name: "李长者", IDNumber: body + string(booking.IDCheckChar(body)), Phone: storetest.Phone(900 + n)})
	if err != nil {
		t.Fatal(err)
	}
	return cz
}

func itoa(n int) string {
	s := ""
	for ; n > 0 || s == ""; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

// rates lists the rate of every <Say> of a response: "" for one spoken at
// the voice's normal rate, else its <prosody rate>.
func rates(t *testing.T, xml string) []string {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromString(xml); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, say := range doc.FindElements("//Say") {
		r := ""
		if p := say.SelectElement("prosody"); p != nil {
			r = p.SelectAttrValue("rate", "?")
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		t.Fatalf("no <Say> in:\n%s", xml)
	}
	return out
}

func allRates(t *testing.T, xml, want string) {
	t.Helper()
	for _, r := range rates(t, xml) {
		if r != want {
			t.Fatalf("a <Say> at rate %q, want %q:\n%s", r, want, xml)
		}
	}
}

// The clock starts on 2026-11-30: someone born 1961-11-30 is 65 that day.
// Once their code passes, the first thing they hear is the way to a person,
// every prompt after is SSML-slowed, and 0 hands them to the operator.
func TestElderCallerHearsTheOperatorHintFirstAndSlowerPrompts(t *testing.T) {
	h := newHarness(t, true)
	cz := citizenBorn(t, h, "19611130", 1)
	p := h.dial(cz.Phone)
	allRates(t, p.xml, "") // not yet verified: nothing is known about the caller
	p.press("1").expect("code")
	allRates(t, p.xml, "")
	p.verify(cz.Phone).expect("mode", "按0直接转人工服务")
	if !strings.HasPrefix(p.said, "按0直接转人工服务") {
		t.Fatalf("the hint is not said first: %s", p.said)
	}
	allRates(t, p.xml, "80%")
	p.press("1").expect("business")
	if strings.Contains(p.said, "按0直接转人工服务") {
		t.Fatalf("the hint is said once, not at every step: %s", p.said)
	}
	allRates(t, p.xml, "80%")
	p.press("0")
	if _, sip := dialOf(t, p.xml); !strings.HasPrefix(sip.Text(), operator) {
		t.Fatalf("0 did not transfer to the operator:\n%s", p.xml)
	}
}

// The mark lives in the call's sealed session row: another node, with an
// IVR that never saw the verification, still speaks slowly to the caller.
func TestElderMarkSurvivesAnotherNode(t *testing.T) {
	h := newHarness(t, true)
	cz := citizenBorn(t, h, "19500101", 2)
	p := h.dial(cz.Phone).press("2").verify(cz.Phone)
	allRates(t, p.xml, "80%")
	h.app = h.mkApp(h.e.Node(t)) // a new node: its own store, service and IVR
	p.press("*")
	allRates(t, p.xml, "80%")
}

// One day short of 65 is not an elder: no hint, normal rate. Nor is the
// fixtures' citizen born in 1980.
func TestYoungerCallerHearsNoHintAndNormalRate(t *testing.T) {
	h := newHarness(t, true)
	for _, cz := range []booking.Citizen{citizenBorn(t, h, "19611201", 3), h.e.Citizen(t, 4)} {
		p := h.dial(cz.Phone).press("1").verify(cz.Phone).expect("mode")
		if strings.Contains(p.said, "按0直接转人工服务") {
			t.Fatalf("%s heard the elder hint: %s", cz.IDMasked, p.said)
		}
		allRates(t, p.xml, "")
		p.press("1").expect("business")
		allRates(t, p.xml, "")
	}
}

// In English the hint is English; without an operator there is no hint
// (0 would only say goodbye) but the prompts are still slower.
func TestElderHintInEnglishAndWithoutOperator(t *testing.T) {
	h := newHarness(t, true)
	cz := citizenBorn(t, h, "19400615", 5)
	p := h.dial(cz.Phone).press("9").press("1").verify(cz.Phone).expect("mode")
	if !strings.HasPrefix(p.said, "Press 0 at any time to speak to an operator") {
		t.Fatalf("no English hint first: %s", p.said)
	}
	h2 := newHarness(t, false)
	cz2 := citizenBorn(t, h2, "19400615", 6)
	p2 := h2.dial(cz2.Phone).press("1").verify(cz2.Phone).expect("mode")
	if strings.Contains(p2.said, "按0直接转人工服务") {
		t.Fatalf("hint without an operator: %s", p2.said)
	}
	allRates(t, p2.xml, "80%")
}

// A new citizen who registers during the call is judged by the ID number
// they keyed, once their code passes: the hint comes first, then slower
// prompts for the rest of the call, the booking included.
func TestElderRegisteringByPhoneHearsTheHint(t *testing.T) {
	h := newHarness(t, true)
	body := "440305" + "19551130" + "777"
	id := body + string(booking.IDCheckChar(body))
	phone := storetest.Phone(777)
	p := h.dial(phone)
	p.expect("menu").press("1")
	p.expect("id_number").press(keys(id))
	p.expect("name").speak("李长者")
	p.expect("name_confirm").press("1")
	p.expect("phone_choice").press("1")
	allRates(t, p.xml, "") // nothing is known about the caller before the code passes
	p.expect("code").press(p.code(phone))
	p.expect("mode")
	if !strings.HasPrefix(p.said, "按0直接转人工服务") {
		t.Fatalf("the hint is not said first: %s", p.said)
	}
	allRates(t, p.xml, "80%")
	p.press("1").press("1").press("1").press("1").press("1").press("1").press("1")
	p.expect("confirm", "新生儿入户")
	allRates(t, p.xml, "80%")
	p.press("1")
	allRates(t, p.xml, "80%") // the reference, read slower too
	if !strings.Contains(p.xml, "<Hangup") {
		t.Fatalf("not booked:\n%s", p.xml)
	}
}
