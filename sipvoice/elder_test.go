package sipvoice_test

import (
	"context"
	"os"
	"testing"

	"yuyue/booking"
	"yuyue/ivr"
	"yuyue/store/storetest"
	"yuyue/tts"
)

// Over SIP an older caller (65 on the harness's first day, by the ID
// number) hears the prompts after the code rendered by espeak-ng at
// ivr.ElderRate, cached apart from the normal readings; a caller one day
// younger hears them at normal speed.
func TestElderCallerHearsSlowerSpeechOverSIP(t *testing.T) {
	h := newHarness(t, opts{})
	for _, tc := range []struct {
		birth string
		n     int
		rate  int
	}{{"19611130", 21, ivr.ElderRate}, {"19611201", 22, tts.Normal}} {
		body := "440305" + tc.birth + "0" + string(rune('0'+tc.n/10)) + string(rune('0'+tc.n%10))
		cz, err := h.e.Svc.Register(context.Background(), storetest.Actor, booking.Registration{
			Name: "王长者", IDNumber: body + string(booking.IDCheckChar(body)), Phone: storetest.Phone(tc.n)})
		if err != nil {
			t.Fatal(err)
		}
		p := h.dial(cz.Phone)
		p.expect("menu").press("1")
		if p.view.Rate != tts.Normal {
			t.Fatalf("before the code the rate is %d", p.view.Rate)
		}
		p.expect("code").press(h.code(cz.Phone))
		p.expect("mode")
		if p.view.Rate != tc.rate {
			t.Fatalf("born %s: rate %d, want %d", tc.birth, p.view.Rate, tc.rate)
		}
		for _, line := range p.view.Lines {
			for _, clause := range tts.Clauses(line) {
				if _, err := os.Stat(h.cache.PathAt("cmn", clause, tc.rate)); err != nil {
					t.Fatalf("born %s: %q not rendered at %d%%: %v", tc.birth, clause, tc.rate, err)
				}
				if tc.rate != tts.Normal {
					if _, err := os.Stat(h.cache.Path("cmn", clause)); err == nil {
						t.Fatalf("%q was (also) rendered at normal speed for an older caller", clause)
					}
				}
			}
		}
		p.hangup()
		p.waitEnded()
	}
}
