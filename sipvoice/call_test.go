package sipvoice_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	"yuyue/asr"
	"yuyue/booking"
	"yuyue/internal/nls"
	"yuyue/store/storetest"
	"yuyue/tts"
	"yuyue/tts/aliyuntest"
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
	h.assertReferenceSpokenAndTexted(p, c.Phone, bs[0].Reference)
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
	h.holdAtConfirm(t, p, c.Phone)
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

// TestCallFromOutsideTheTrunksIsRefused: an INVITE from an address
// outside sip.trunks gets 403, books nothing, and leaves one log line that
// names where it came from and not who called (the caller's number is
// personal data, and an unknown source proves nothing about it).
func TestCallFromOutsideTheTrunksIsRefused(t *testing.T) {
	var logged syncBuffer
	h := newHarness(t, opts{trunks: []string{"192.0.2.0/24"}, logTo: &logged})
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
	var refused []string
	for _, l := range strings.Split(logged.String(), "\n") {
		if strings.Contains(l, "INVITE refused") {
			refused = append(refused, l)
		}
	}
	if len(refused) != 1 || !strings.Contains(refused[0], "source=127.0.0.1:") {
		t.Fatalf("log lines of the refusal, want one naming the source address: %q", refused)
	}
	national := strings.TrimPrefix(c.Phone, "+86")
	if strings.Contains(logged.String(), national) {
		t.Fatalf("the log names the caller's number %s:\n%s", national, logged.String())
	}
}

// syncBuffer is a log the server writes from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// assertReferenceSpokenAndTexted: the last view read ref digit by digit,
// every clip of it is in the TTS cache, and the confirmation SMS has it.
func (h *harness) assertReferenceSpokenAndTexted(p *phone, to, ref string) {
	h.t.Helper()
	line := ""
	for _, l := range p.view.Lines {
		if strings.Contains(l, spoken(ref)) {
			line = l
		}
	}
	if line == "" {
		h.t.Fatalf("the reference %s was not spoken: %s", ref, p.said())
	}
	for _, clause := range tts.Clauses(line) { // the digits are clips of their own
		if _, err := os.Stat(h.cache.Path("cmn", clause)); err != nil {
			h.t.Fatalf("%q of the spoken reference is not in the TTS cache: %v", clause, err)
		}
	}
	h.worker.Drain(context.Background())
	if sms := h.fake.LastTo(to); !strings.Contains(sms, ref) {
		h.t.Fatalf("the confirmation SMS lacks the reference: %s", sms)
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

// TestNewCitizenBooksOverSIP: a caller nobody registered books end to
// end over real SIP: the ID keyed, the name written (no recogniser: the
// phone being verified is asked for it by SMS and replies XM 张三 through
// the SMS channel's inbound path), the code from the SMS, then the
// booking; the reference is spoken (its clips in the TTS cache) and texted.
func TestNewCitizenBooksOverSIP(t *testing.T) {
	h := newHarness(t, opts{})
	const number = "+8613900000011"
	p := h.dial(number)
	p.expect("menu").press("1")
	p.expect("id_number").press(strings.ReplaceAll(storetest.ID(11), "X", "*"))
	p.expect("phone_choice", "姓名将通过短信核对").press("1")
	p.expect("code", "验证码已发送到本机", "XM加您的姓名")
	h.worker.Drain(context.Background())
	if !h.texted(number, "回复本短信：XM加您的姓名") {
		t.Fatalf("the phone was not asked for the name: %+v", h.fake.Messages())
	}
	if got := h.reply(number, "XM 张三"); !strings.Contains(got, "已收到您的姓名：张三") {
		t.Fatalf("answer to XM: %q", got)
	}
	p.press(h.code(number))
	bookByBusiness(p)
	cz, err := h.e.Svc.CitizenByPhone(context.Background(), number)
	if err != nil || cz.Name != "张三" {
		t.Fatalf("registered %+v %v, want 张三", cz, err)
	}
	bs, err := h.e.Svc.ActiveBookings(context.Background(), cz.ID)
	if err != nil || len(bs) != 1 {
		t.Fatalf("bookings after the call: %+v %v", bs, err)
	}
	h.assertReferenceSpokenAndTexted(p, number, bs[0].Reference)
	// the booking is confirmed: a late reply renames nobody
	if got := h.reply(number, "XM 章三"); !strings.Contains(got, "没有等待核对的姓名") {
		t.Fatalf("answer to a late XM: %q", got)
	}
	p.leave()
	p.waitEnded()
}

// TestNewCitizenWithoutNameReplyIsOfferedTheOperator: no recogniser and
// no reply within the call: after the code the caller is asked again and
// then offered the operator; nothing is registered.
func TestNewCitizenWithoutNameReplyIsOfferedTheOperator(t *testing.T) {
	h := newHarness(t, opts{})
	const number = "+8613900000012"
	p := h.dial(number)
	p.expect("menu").press("1")
	p.expect("id_number").press(strings.ReplaceAll(storetest.ID(12), "X", "*") + "#")
	p.expect("phone_choice").press("1")
	p.expect("code").press(h.code(number))
	p.expect("name_reply", "尚未收到您的姓名短信").press("1")
	p.expect("name_reply", "还没有收到您的姓名短信").press("1")
	p.expect("name_reply").press("1")
	// No operator is configured in this harness: the offer ends in goodbye.
	p.expect("goodbye")
	if _, err := h.e.Svc.CitizenByPhone(context.Background(), number); booking.ErrorCode(err) != booking.ENotFound {
		t.Fatalf("a citizen was registered without a name: %v", err)
	}
	p.leave()
	p.waitEnded()
}

// TestHeardNameIsTextedAndCorrectable: with a recogniser (the Aliyun
// client against the local fake service) the caller says the name; the
// phone being verified gets it as heard, and a reply before the
// confirmation corrects the registration.
func TestHeardNameIsTextedAndCorrectable(t *testing.T) {
	f := aliyuntest.New("LTAIkey", "s3cret", "appkey1")
	t.Cleanup(f.Close)
	f.Heard = "章三" // 张 and 章 sound alike
	rec := asr.Aliyun{Account: &nls.Account{AccessKeyID: "LTAIkey", AccessKeySecret: "s3cret", AppKey: "appkey1", Meta: f.URL, Gateway: f.URL}}
	h := newHarness(t, opts{asr: rec})
	const number = "+8613900000013"
	p := h.dial(number)
	p.expect("menu").press("1")
	p.expect("id_number").press(strings.ReplaceAll(storetest.ID(13), "X", "*"))
	p.expect("name")
	p.view = p.sayName()
	p.expect("name_confirm", "章三").press("1")
	p.expect("phone_choice").press("1")
	p.expect("code", "听到的姓名用短信发给您")
	h.worker.Drain(context.Background())
	if !h.texted(number, "登记的姓名为：章三") {
		t.Fatalf("the name as heard was not texted: %+v", h.fake.Messages())
	}
	p.press(h.code(number))
	p.expect("mode")
	h.reply(number, "XM 张三")
	p.press("1")
	p.expect("business").press("1")
	p.expect("district").press("1")
	p.expect("office").press("1")
	p.expect("notice").press("1")
	p.expect("date").press("1")
	p.expect("period").press("1")
	p.expect("confirm").press("1")
	p.expect("done")
	cz, err := h.e.Svc.CitizenByPhone(context.Background(), number)
	if err != nil || cz.Name != "张三" {
		t.Fatalf("registered %+v %v, want the corrected 张三", cz, err)
	}
	p.leave()
	p.waitEnded()
}

// TestKeysTypedAheadKeepTheirOrder: a caller who knows the menu keys the
// code and the next answers in one go (as loadcall's callers do); each
// step takes its own keys in order, none is re-queued behind later ones.
func TestKeysTypedAheadKeepTheirOrder(t *testing.T) {
	h := newHarness(t, opts{})
	c := h.e.Citizen(t, 9)
	p := h.dial(c.Phone)
	p.expect("menu").press("1")
	p.expect("code").press(h.code(c.Phone) + "#121")
	p.expect("mode")
	p.next()
	p.expect("business")
	p.next()
	p.expect("district")
	if p.next(); p.view.Step != "office" || !strings.Contains(p.said(), "福田派出所户政室请按1") {
		t.Fatalf("after district 1: %q %s", p.view.Step, p.said())
	}
	p.leave()
	p.waitEnded()
}
