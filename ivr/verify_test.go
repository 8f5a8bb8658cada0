package ivr_test

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
	"yuyue/webhook"
)

// victim is a registered citizen with an active booking and a ban, so that
// every kind of personal detail exists to be leaked.
func victim(t *testing.T, h *harness, n int) (booking.Citizen, booking.Booking) {
	t.Helper()
	c := h.e.Citizen(t, n)
	b := h.e.Book(t, c, h.e.Place(t, "FT01", "idcard", "2026-12-03", "14:00"))
	c.BannedUntil = storetest.At("2027-03-01 10:30")
	if err := h.e.InTx(ctx, func(tx booking.Tx) error { return tx.UpdateCitizen(c) }); err != nil {
		t.Fatal(err)
	}
	return c, b
}

// assertHeardNothingOf fails if anything the caller heard carries a detail
// of c or b.
func assertHeardNothingOf(t *testing.T, p *phone, c booking.Citizen, b booking.Booking) {
	t.Helper()
	all := strings.Join(p.heardAll, " ")
	national := strings.TrimPrefix(c.Phone, "+86")
	leaks := map[string]string{
		"phone tail": national[7:], "masked phone": booking.MaskPhone(c.Phone), "name": c.Name,
		"masked name": booking.MaskName(c.Name), "ban": "暂停", "ban date": "3月1日", "booking": "居民身份证申领换领",
		"booking date": "12月3日", "reference": spoken(b.Reference), "bookings count": "有效预约",
	}
	for what, s := range leaks {
		if strings.Contains(all, s) {
			t.Fatalf("the caller heard the victim's %s (%q): %s", what, s, all)
		}
	}
}

func activeOrHeld(t *testing.T, h *harness) int {
	return bookingCount(t, h.e, booking.BookingFilter{Statuses: []booking.Status{booking.StatusHeld, booking.StatusBooked}})
}

// An attacker who knows a victim's ID number calls from their own phone,
// keys it in every flow and hangs up at the code step: nothing is stored,
// held or said, and the code went to the victim's registered phone.
func TestVictimIDFromAnotherPhoneRevealsNothing(t *testing.T) {
	for _, menu := range []string{"1", "2", "3"} {
		t.Run("menu "+menu, func(t *testing.T) {
			h := newHarness(t, true)
			c, b := victim(t, h, 5)
			attacker := storetest.Phone(66)
			p := h.dial(attacker).press(menu).expect("id_number").press(keys(storetest.ID(5)))
			p.expect("code", "登记的手机")
			p.press("123456").expect("code", "验证码不正确") // a guess
			p.hangup()
			assertHeardNothingOf(t, p, c, b)
			if _, err := h.e.Svc.CitizenByPhone(ctx, attacker); booking.ErrorCode(err) != booking.ENotFound {
				t.Fatalf("the attacker's phone got linked: %v", err)
			}
			if got, _ := h.e.Svc.Citizen(ctx, c.ID); got.Phone != c.Phone || got.Name != c.Name {
				t.Fatalf("the victim's registration changed: %+v", got)
			}
			if n := activeOrHeld(t, h); n != 1 {
				t.Fatalf("%d active bookings and holds, want only the victim's own", n)
			}
			h.code(c.Phone) // the code went to the victim's phone
			for _, m := range h.fake.Messages() {
				if m.To == attacker {
					t.Fatalf("an SMS went to the attacker: %s", m.Body)
				}
			}
		})
	}
}

// An ID not registered yet (someone else's) keyed with the attacker's own
// phone: nothing is registered until the code for that phone comes back.
func TestRegistrationWaitsForTheCode(t *testing.T) {
	h := newHarness(t, true)
	attacker := storetest.Phone(66)
	p := h.dial(attacker).press("1").press(keys(storetest.ID(7))).speak("王五").press("1")
	p.expect("phone_choice").press("1").expect("code", "验证码已发送到本机")
	p.hangup()
	if _, err := h.e.Svc.CitizenByIDNumber(ctx, storetest.ID(7)); booking.ErrorCode(err) != booking.ENotFound {
		t.Fatalf("the ID was registered without a code: %v", err)
	}
	if _, err := h.e.Svc.CitizenByPhone(ctx, attacker); booking.ErrorCode(err) != booking.ENotFound {
		t.Fatalf("the phone was linked without a code: %v", err)
	}
	if n := bookingCount(t, h.e, booking.BookingFilter{}); n != 0 {
		t.Fatalf("%d bookings or holds without a code", n)
	}
}

// A made-up ID keyed on a call that claims the victim's number cannot bind
// that number: the code goes to the victim. The victim then registers
// their own ID from their phone.
func TestMadeUpIDCannotBindVictimNumber(t *testing.T) {
	h := newHarness(t, true)
	victimPhone := storetest.Phone(21)
	p := h.dial(victimPhone).press("1").press(keys(storetest.ID(88))).speak("赵六").press("1")
	p.expect("phone_choice").press("1").expect("code")
	p.press("000000").press("111111").press("222222") // guesses, then the operator
	if !strings.Contains(p.xml, "<Dial ") {
		t.Fatalf("three wrong codes should reach the operator:\n%s", p.xml)
	}
	p.hangup()
	if _, err := h.e.Svc.CitizenByPhone(ctx, victimPhone); booking.ErrorCode(err) != booking.ENotFound {
		t.Fatalf("the victim's number got bound: %v", err)
	}
	if _, err := h.e.Svc.CitizenByIDNumber(ctx, storetest.ID(88)); booking.ErrorCode(err) != booking.ENotFound {
		t.Fatalf("the made-up ID got registered: %v", err)
	}
	h.code(victimPhone)                // the first code goes out now, as the worker would send it, not beside the next one
	h.e.Clock.Advance(2 * time.Minute) // past the resend wait
	v := h.dial(victimPhone)
	v.expect("menu").press("1").expect("id_number").press(keys(storetest.ID(21))).speak("张三").press("1")
	v.expect("phone_choice").press("1").verify(victimPhone).expect("mode")
	if cz, err := h.e.Svc.CitizenByPhone(ctx, victimPhone); err != nil || cz.IDNumber != storetest.ID(21) {
		t.Fatalf("the victim could not register: %+v %v", cz, err)
	}
}

// A spoofed calling number of a registered citizen is not greeted and gets
// no further than the code sent to that citizen.
func TestSpoofedRegisteredNumberStopsAtTheCode(t *testing.T) {
	h := newHarness(t, true)
	c, b := victim(t, h, 5)
	p := h.dial(c.Phone).press("2").expect("code", "验证码已发送到本机")
	p.press("654321").hangup()
	assertHeardNothingOf(t, p, c, b)
}

// Two other numbers may be keyed in one call; each further one is a
// failure of the step and gets no code.
func TestThirdKeyedNumberIsAFailure(t *testing.T) {
	h := newHarness(t, true)
	p := h.dial(storetest.Phone(30)).press("1").press(keys(storetest.ID(30))).speak("张三").press("1")
	for _, n := range []int{31, 32} {
		p.expect("phone_choice").press("2").expect("phone_number").press(storetest.Phone(n)[3:] + "#")
		p.expect("code", "您选择的手机", "更换手机号码请按9").press("9")
	}
	p.expect("phone_choice").press("2").press(storetest.Phone(31)[3:] + "#")
	p.expect("code").press("9") // one keyed before is fine
	p.press("2").press(storetest.Phone(33)[3:]+"#").expect("phone_number", "输入的手机号码过多")
	p.press(storetest.Phone(34)[3:]+"#").expect("phone_number", "过多")
	p.press(storetest.Phone(35)[3:] + "#")
	if p.action != "" || !strings.Contains(p.xml, "<Dial ") {
		t.Fatalf("the third failure must reach the operator:\n%s", p.xml)
	}
	h.worker.Drain(ctx)
	for _, m := range h.fake.Messages() {
		if m.To == storetest.Phone(33) || m.To == storetest.Phone(34) || m.To == storetest.Phone(35) {
			t.Fatalf("a code went to a number beyond the limit: %s", m.To)
		}
	}
}

// Calls without a usable From (empty, anonymous, Twilio's placeholders)
// all count as one caller: 12 of them get the per-caller cap of codes.
func TestCallsWithoutFromShareOneCallerCap(t *testing.T) {
	h := newHarness(t, true)
	h.codes.Rules.PerCallerDay = 10
	froms := []string{"", "anonymous", "+266696687", "sip:anonymous@anonymous.invalid"}
	sent, capped := 0, 0
	for i := range 12 {
		p := h.dial(froms[i%len(froms)])
		p.press("1").press(keys(storetest.ID(40 + i))).speak("张三").press("1")
		p.expect("phone_choice").press("1").expect("phone_number", "不是大陆手机号码")
		p.press(storetest.Phone(40 + i)[3:] + "#")
		switch {
		case p.step() == "code" && strings.Contains(p.said, "已发送"):
			sent++
		case p.step() == "menu" && strings.Contains(p.said, "验证码未发送") && strings.Contains(p.said, "已达10次上限"):
			capped++
		default:
			t.Fatalf("call %d: at %s: %s", i, p.step(), p.said)
		}
	}
	if sent != 10 || capped != 2 {
		t.Fatalf("%d codes sent and %d capped, want 10 and 2", sent, capped)
	}
}

// Codes to numbers that never passed one share an hourly budget across all
// callers; known numbers are not held back by it.
func TestUnverifiedNumbersHourlyBudget(t *testing.T) {
	h := newHarness(t, true)
	h.codes.Rules.UnverifiedPerHour = 3
	known := h.e.Citizen(t, 9)
	for i := range 4 {
		p := h.dial(storetest.Phone(50 + i)).press("1").press(keys(storetest.ID(50 + i))).speak("张三").press("1")
		p.press("1")
		if i < 3 {
			p.expect("code", "验证码已发送到本机")
			continue
		}
		p.expect("menu", "验证码发送繁忙")
	}
	h.dial(known.Phone).press("2").expect("code", "验证码已发送到本机")
	h.e.Clock.Advance(61 * time.Minute) // an hour later the budget is back
	h.dial(storetest.Phone(60)).press("1").press(keys(storetest.ID(60))).speak("张三").press("1").press("1").expect("code")
}

// Twilio signs the URL and the urlencoded form only: a multipart body or
// parameters in the query string are refused, and the call does not move.
func TestUnsignedPartsOfAWebhookAreRefused(t *testing.T) {
	h := newHarness(t, true)
	c := h.e.Citizen(t, 5)
	p := h.dial(c.Phone)
	before := p.action
	multipart := "--B\r\nContent-Disposition: form-data; name=\"Digits\"\r\n\r\n1\r\n--B--\r\n"
	signed := p.form(url.Values{}) // the signature covers the form without Digits
	if code := h.raw(before, "multipart/form-data; boundary=B", multipart, signed); code != 415 {
		t.Fatalf("multipart gather: %d, want 415", code)
	}
	query := before + "&Digits=1"
	if code := h.raw(query, "application/x-www-form-urlencoded", signed.Encode(), signed); code != 403 {
		t.Fatalf("Digits in the signed query: %d, want 403", code)
	}
	newCall := url.Values{"AccountSid": {accountSID}}
	if code := h.raw("/twilio/voice?CallSid=CAquery&From="+url.QueryEscape(c.Phone), "application/x-www-form-urlencoded", newCall.Encode(), newCall); code != 403 {
		t.Fatalf("CallSid in the query: %d, want 403", code)
	}
	p.press("*").expect("menu") // the call is where it was: its action still answers
	if !strings.HasSuffix(before, "seq=1") || !strings.HasSuffix(p.action, "seq=2") {
		t.Fatalf("the refused requests moved the call: %s then %s", before, p.action)
	}
	var rec booking.CallRecord
	err := h.e.View(ctx, func(tx booking.Tx) (err error) { rec, err = tx.Call("CAquery"); return err })
	if booking.ErrorCode(err) != booking.ENotFound {
		t.Fatalf("a call was created from query parameters: %+v %v", rec, err)
	}
}

// raw posts body with a content type, signed over path and signed (what
// Twilio would have signed), and returns the status.
func (h *harness) raw(path, ctype, body string, signed url.Values) int {
	h.t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("X-Twilio-Signature", webhook.Sign(authToken, publicURL+path, signed))
	resp, err := h.app.Test(req, -1)
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Without an in-process lock, the session's seq is the compare-and-set:
// the same gather delivered many times at once holds one place, and every
// delivery answers with the step the call moved to.
func TestConcurrentDeliveriesApplyOnce(t *testing.T) {
	h := newHarness(t, true)
	c := h.e.Citizen(t, 5)
	p := toPeriod(t, h, c)
	form := p.form(url.Values{"Digits": {"1"}})
	out := make(chan string, 8)
	for range 8 {
		go func() {
			code, xml := h.post(p.action, form)
			said, action := checkTwiMLQuiet(xml)
			out <- fmt.Sprint(code, " ", action, " ", said)
		}()
	}
	for range 8 {
		if r := <-out; !strings.HasPrefix(r, "200 ") || !strings.Contains(r, "step=confirm") {
			t.Fatalf("a delivery answered: %s", r)
		}
	}
	if n := bookingCount(t, h.e, booking.BookingFilter{Statuses: []booking.Status{booking.StatusHeld}}); n != 1 {
		t.Fatalf("%d holds, want 1", n)
	}
	if pl := h.e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"); pl.Taken != 1 {
		t.Fatalf("taken %d, want 1", pl.Taken)
	}
}

// A caller who takes longer than booking.verified_for between the code and
// the confirmation passes a new code and comes back to the held place.
func TestLapsedVerificationAsksAgainAtConfirm(t *testing.T) {
	h := newHarness(t, true)
	c := h.e.Citizen(t, 5)
	p := toPeriod(t, h, c)
	h.e.Clock.Advance(16 * time.Minute)
	p.press("1").expect("confirm").press("1")
	p.expect("code", "验证码已发送到本机")
	if strings.Contains(p.said, "更换手机号码") {
		t.Fatalf("a registered caller was offered another phone: %s", p.said)
	}
	p.press(p.code(c.Phone)).expect("confirm", "上午九点到十点").press("1")
	if bs, _ := h.e.Svc.ActiveBookings(ctx, c.ID); len(bs) != 1 || bs[0].Status != booking.StatusBooked {
		t.Fatalf("bookings: %+v", bs)
	}
}
