package ivr_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// dialOf returns the <Dial> of a response and its one noun.
func dialOf(t *testing.T, xml string) (dial, noun *etree.Element) {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromString(xml); err != nil {
		t.Fatal(err)
	}
	dial = doc.Root().SelectElement("Dial")
	if dial == nil || len(dial.ChildElements()) != 1 {
		t.Fatalf("no <Dial> with one noun:\n%s", xml)
	}
	return dial, dial.ChildElements()[0]
}

func TestTransferDialsTheCentreBySIPWithContext(t *testing.T) {
	h := newHarness(t, true)
	c := h.e.Citizen(t, 5)
	p := h.dial(c.Phone).press("1").verify(c.Phone).press("1").press("1").expect("district").press("0")
	dial, sip := dialOf(t, p.xml)
	action, _ := url.Parse(dial.SelectAttrValue("action", ""))
	if action.Path != "/twilio/voice/dial" || action.Query().Get("step") != "operator" || action.Query().Get("seq") == "" ||
		dial.SelectAttrValue("timeout", "") != "30" || dial.SelectAttrValue("callerId", "") != trunkID {
		t.Fatalf("dial attributes: %v", dial.Attr)
	}
	uri, headers, ok := strings.Cut(sip.Text(), "?")
	if sip.Tag != "Sip" || uri != operator || !ok {
		t.Fatalf("<%s>%s", sip.Tag, sip.Text())
	}
	q, err := url.ParseQuery(headers)
	if err != nil {
		t.Fatal(err)
	}
	ctx := q.Get("X-Yuyue-Context")
	for _, want := range []string{"step=district", "flow=book", "business=新生儿入户", "name=" + booking.MaskName(c.Name), "phone=" + booking.MaskPhone(c.Phone)} {
		if !strings.Contains(ctx, want) {
			t.Errorf("context header %q lacks %q", ctx, want)
		}
	}
	if strings.Contains(headers, "440305") || strings.Contains(ctx, c.IDMasked) || strings.Contains(ctx, "id=") {
		t.Errorf("the ID number travels over SIP: %q", ctx)
	}
}

func TestBusyOperatorBringsTheCallerBackToTheMenu(t *testing.T) {
	h := newHarness(t, true)
	p := h.dial(storetest.Phone(1)).press("0")
	for _, status := range []string{"busy", "no-answer", "failed"} {
		path := p.dial
		p.send(path, url.Values{"DialCallStatus": {status}})
		p.expect("menu", "人工服务暂时无法接通", "预约请按1")
		// Twilio retries the report: the caller stays at the menu, hears it again.
		p.send(path, url.Values{"DialCallStatus": {status}})
		p.expect("menu", "预约请按1")
		p.press("0")
	}
	p.send(p.dial, url.Values{"DialCallStatus": {"completed"}, "DialCallDuration": {"95"}})
	if p.action != "" || !strings.Contains(p.xml, "<Hangup") || !strings.Contains(p.said, "再见") {
		t.Fatalf("after the agent's call: %s", p.xml)
	}
}

// A retried request for the step that transferred replays the transfer:
// the same <Dial>, and it says so (never an empty <Say/>).
func TestReplayedTransferSaysItAgain(t *testing.T) {
	h := newHarness(t, true)
	p := h.dial(storetest.Phone(1)).press("0")
	first := p.xml
	last := p.history[len(p.history)-1]
	code, xml := h.post(last.path, last.form)
	said, _ := checkTwiML(t, xml)
	if code != 200 || !strings.Contains(said, "正在为您转接人工服务") || !strings.Contains(xml, "<Sip>") {
		t.Fatalf("replayed transfer: %d %s\nfirst: %s", code, xml, first)
	}
}

func TestSIPCallerIsRecognisedByTheirMobile(t *testing.T) {
	h := newHarness(t, true)
	c := h.e.Citizen(t, 138000) // +8613800138000
	if c.Phone != "+8613800138000" {
		t.Fatalf("fixture phone %s", c.Phone)
	}
	h.e.Book(t, c, h.e.Place(t, "FT01", "idcard", "2026-12-03", "14:00"))
	for _, from := range []string{"sip:+8613800138000@trunk.test", "sip:13800138000@trunk.test;user=phone"} {
		// Nothing is said about the caller before the code; the code goes
		// to the caller's own mobile, and it identifies them.
		p := h.dial(from).press("2")
		p.expect("code", "验证码已发送到本机").press(p.code(c.Phone))
		p.expect("pick_booking", "您有1个有效预约", "居民身份证申领换领")
		p.hangup()
		h.e.Clock.Advance(61e9) // past the resend interval for the next call
	}
}

// Every list has one way back to the main menu that Twilio delivers: *
// repeats, * again goes to the menu. Nothing is left held.
func TestWayBackToTheMenuFromEveryList(t *testing.T) {
	h := newHarness(t, true)
	c := h.e.Citizen(t, 5)
	h.e.Book(t, c, h.e.Place(t, "FT01", "idcard", "2026-12-03", "14:00"))
	lists := map[string]func() *phone{
		"business": func() *phone { return booked(h, c).press("1") },
		"district": func() *phone { return booked(h, c).press("1").press("1") },
		"office":   func() *phone { return booked(h, c).press("1").press("1").press("1") },
		"date":     func() *phone { return booked(h, c).press("1").press("1").press("1").press("1").press("1") },
		"period":   func() *phone { h.e.Clock.Advance(61e9); return toPeriod(t, h, c) },
		"pick_booking": func() *phone {
			h.e.Clock.Advance(61e9)
			return h.dial(c.Phone).press("2").verify(c.Phone)
		},
	}
	for step, reach := range lists {
		p := reach().expect(step, "返回主菜单请按两次星号键")
		p.press("*")
		if p.waited {
			t.Fatalf("%s: * waited for the timeout", step)
		}
		p.expect(step, "再按一次星号键返回主菜单").press("*")
		p.expect("menu", "返回主菜单", "预约请按1")
		p.hangup()
	}
	if n := bookingCount(t, h.e, booking.BookingFilter{Statuses: []booking.Status{booking.StatusHeld}}); n != 0 {
		t.Fatalf("%d holds left after going back to the menu", n)
	}
}

// Any other key between the two stars starts over: * then 1 then * repeats.
func TestStarThenOtherKeyDoesNotLeave(t *testing.T) {
	h := newHarness(t, true)
	c := h.e.Citizen(t, 5)
	p := booked(h, c).press("1").expect("business").press("*").press("7")
	p.expect("business", "输入有误").press("*").expect("business", "再按一次")
}

func TestResendingTheCodeDoesNotWaitForTheTimeout(t *testing.T) {
	h := newHarness(t, true)
	c := h.e.Citizen(t, 5)
	p := h.dial(c.Phone).press("2").expect("code", "星号键再按井号键")
	first := p.code(c.Phone)
	h.e.Clock.Advance(61e9)
	p.press("*#")
	if p.waited {
		t.Fatal("resending waited for the gather's timeout")
	}
	p.expect("code", "验证码已发送到本机")
	second := p.code(c.Phone)
	if second == first {
		t.Fatalf("no new code: %s", second)
	}
	p.press(second).expect("menu", "您目前没有有效预约")
}

// booked brings a registered citizen's call to the mode step: 1, then the
// code (a minute after the last one, past the resend interval).
func booked(h *harness, c booking.Citizen) *phone {
	h.e.Clock.Advance(61e9)
	return h.dial(c.Phone).press("1").verify(c.Phone).expect("mode")
}
