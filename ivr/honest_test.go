package ivr_test

import (
	"strings"
	"testing"
	"time"
)

// A caller who calls back within the resend wait, holding the code the
// last call sent, is not told a new one was sent: they hear that none was,
// that the last one still works, and in how many seconds a new one may be
// asked for; the last code then passes.
func TestCallBackWithinResendWaitUsesTheLastCode(t *testing.T) {
	h := newHarness(t, true)
	c := h.e.Citizen(t, 5)
	first := h.dial(c.Phone).press("2").expect("code", "验证码已发送到本机", "验证码5分钟内有效")
	code := first.code(c.Phone)
	first.hangup()
	h.e.Clock.Advance(20 * time.Second)
	p := h.dial(c.Phone).press("2").expect("code", "验证码未重新发送", "仍然有效", "请40秒后")
	if strings.Contains(p.said, "已发送到") {
		t.Fatalf("claimed a code was sent: %s", p.said)
	}
	p.press(code).expect("menu", "您目前没有有效预约")
}

// When the last code is spent, a call within the resend wait hears that no
// code was sent and when it may press *# for one; *# then sends one.
func TestNoCodeSentSaysWhenToAskAgain(t *testing.T) {
	h := newHarness(t, true)
	c := h.e.Citizen(t, 5)
	h.dial(c.Phone).press("2").verify(c.Phone).expect("menu").hangup()
	h.e.Clock.Advance(15 * time.Second)
	p := h.dial(c.Phone).press("3").expect("code", "验证码未发送：发送过于频繁", "请45秒后")
	if strings.Contains(p.said, "已发送到") || strings.Contains(p.said, "仍然有效") {
		t.Fatalf("a spent code is not one to use: %s", p.said)
	}
	// the wait follows sms.resend_after
	h.codes.Rules.ResendAfter = 2 * time.Minute
	h.e.Clock.Advance(5 * time.Minute)
	q := h.dial(c.Phone).press("2").expect("code", "验证码已发送到本机")
	q.hangup()
	h.e.Clock.Advance(30 * time.Second)
	r := h.dial(c.Phone).press("2").expect("code", "验证码未重新发送", "请90秒后")
	h.e.Clock.Advance(90 * time.Second)
	r.press("*#").expect("code", "验证码已发送到本机")
	r.press(r.code(c.Phone)).expect("menu", "您目前没有有效预约")
}

// The hourly cap names the configured count and says no code went out.
func TestCappedCodeSaysNotSentAndTheCap(t *testing.T) {
	h := newHarness(t, true)
	h.codes.Rules.PerHour = 2
	c := h.e.Citizen(t, 5)
	for range 2 {
		h.dial(c.Phone).press("2").expect("code", "验证码已发送到本机").hangup()
		h.e.Clock.Advance(2 * time.Minute)
	}
	p := h.dial(c.Phone).press("2").expect("menu", "验证码未发送", "一小时内获取验证码已达2次上限")
	if strings.Contains(p.said, "已发送到") {
		t.Fatalf("claimed a code was sent: %s", p.said)
	}
}
