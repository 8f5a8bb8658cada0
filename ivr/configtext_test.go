package ivr_test

import (
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// Every number the IVR says comes from the configuration: each key is
// changed from its default and the new value is heard (sms.code_ttl,
// booking.hold_ttl, booking.cancel_hour, booking.ban_strikes,
// booking.ban_months, sms.resend_after, sms.per_hour).
func TestPromptsFollowTheConfiguration(t *testing.T) {
	t.Run("code ttl and hold ttl", func(t *testing.T) {
		h := newHarness(t, true)
		h.codes.Rules.TTL = 7 * time.Minute
		h.e.Svc.Rules.HoldTTL = 12 * time.Minute
		c := h.e.Citizen(t, 5)
		p := h.dial(c.Phone).press("1").expect("code", "验证码7分钟内有效")
		p.press(p.code(c.Phone)).expect("mode").press("1").expect("business").press("1")
		p.expect("district").press("1").expect("office").press("1").expect("notice").press("1")
		p.expect("date").press("1").expect("period").press("1").expect("confirm", "号源为您保留12分钟")
	})
	t.Run("cancel hour", func(t *testing.T) {
		h := newHarness(t, true)
		h.e.Svc.Rules.CancelHour = 16
		c := h.e.Citizen(t, 5)
		h.e.Book(t, c, h.e.Place(t, "FT01", "newborn", "2026-12-02", "09:00"))
		h.e.Clock.Set(storetest.At("2026-12-01 16:00"))
		p := h.dial(c.Phone).press("3")
		p.press(p.code(c.Phone)).expect("pick_booking").press("1").expect("cancel_confirm").press("1")
		p.expect("menu", "已超过取消时限", "下午四点")
	})
	t.Run("strikes and months", func(t *testing.T) {
		h := newHarness(t, true)
		h.e.Svc.Rules.BanStrikes, h.e.Svc.Rules.BanMonths = 4, 9
		c := h.e.Citizen(t, 5)
		c.BannedUntil = storetest.At("2027-03-01 10:30")
		h.e.InTx(ctx, func(tx booking.Tx) error { return tx.UpdateCitizen(c) })
		p := h.dial(c.Phone).press("1")
		p.press(p.code(c.Phone)).expect("menu", "因9个月内爽约4次")
	})
	t.Run("resend wait and hourly cap", func(t *testing.T) {
		h := newHarness(t, true)
		h.codes.Rules.ResendAfter = 100 * time.Second
		h.codes.Rules.PerHour = 3
		c := h.e.Citizen(t, 5)
		h.dial(c.Phone).press("2").verify(c.Phone).hangup()
		h.dial(c.Phone).press("2").expect("code", "请100秒后").hangup()
		for range 2 {
			h.e.Clock.Advance(2 * time.Minute)
			h.dial(c.Phone).press("2").expect("code", "验证码已发送到本机").hangup()
		}
		h.e.Clock.Advance(2 * time.Minute)
		h.dial(c.Phone).press("2").expect("menu", "已达3次上限")
	})
}
