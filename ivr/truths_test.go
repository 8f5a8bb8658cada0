package ivr_test

import (
	"strings"
	"testing"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// The deadline and blacklist prompts say the configured rule, not 18点,
// 3次 or 6个月.
func TestPromptsSayTheConfiguredRules(t *testing.T) {
	h := newHarness(t, true)
	h.e.Svc.Rules.CancelHour, h.e.Svc.Rules.BanStrikes, h.e.Svc.Rules.BanMonths = 17, 4, 12
	c := h.e.Citizen(t, 5)
	h.e.Book(t, c, h.e.Place(t, "FT01", "newborn", "2026-12-02", "09:00"))
	h.e.Clock.Set(storetest.At("2026-12-01 17:00"))
	p := h.dial(c.Phone).press("3").verify(c.Phone).expect("pick_booking").press("1").expect("cancel_confirm").press("1")
	p.expect("menu", "已超过取消时限", "预约日前一天下午五点以后不能取消")

	c.BannedUntil = storetest.At("2027-03-01 10:30")
	h.e.InTx(ctx, func(tx booking.Tx) error { return tx.UpdateCitizen(c) })
	h.e.Clock.Advance(61e9)
	p = h.dial(c.Phone).press("1").verify(c.Phone)
	if !strings.Contains(p.said, "因12个月内爽约4次") || strings.Contains(p.said, "6个月") {
		t.Fatalf("blacklist prompt: %s", p.said)
	}
	h.e.Clock.Advance(61e9)
	p = h.dial(c.Phone).press("9").press("1").verify(c.Phone)
	if !strings.Contains(p.said, "After 4 missed appointments within 12 months") {
		t.Fatalf("English blacklist prompt: %s", p.said)
	}
}
