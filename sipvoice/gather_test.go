package sipvoice_test

import (
	"strings"
	"testing"
)

// A caller who keys nothing within voice.gather_timeout (2 s here) hears
// the no-input prompt at the same step with the same choices, as a
// <Gather> that times out on the Twilio path does; the business chosen
// before is kept and the booking goes on from there.
func TestGatherTimeoutRepromptsTheSameStep(t *testing.T) {
	h := newHarness(t, opts{gather: 2})
	c := h.e.Citizen(t, 40)
	p := h.dial(c.Phone)
	stop := p.talk() // a live line: audio all along, only no key
	defer stop()
	p.expect("menu").press("1")
	p.expect("code").press(h.code(c.Phone))
	p.expect("mode").press("1")
	p.expect("business").press("1")
	p.expect("district", "福田区请按1")
	seq := p.view.Seq
	p.next() // no key: the gather times out
	p.expect("district", "没有收到您的输入", "福田区请按1")
	if p.view.Seq <= seq {
		t.Fatalf("the re-prompt has seq %d, the prompt before it %d", p.view.Seq, seq)
	}
	if rec := p.record(); rec.Step != "district" || rec.Seq != p.view.Seq {
		t.Fatalf("the call's row is at %q seq %d, the caller hears district seq %d", rec.Step, rec.Seq, p.view.Seq)
	}
	p.press("1")
	p.expect("office", "福田派出所户政室请按1").press("1")
	p.expect("notice").press("1")
	p.expect("date").press("1")
	p.expect("period").press("1")
	p.expect("confirm", "新生儿入户", "福田派出所户政室").press("1")
	p.expect("done")
	if place := h.e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"); place.Taken != 1 {
		t.Fatalf("taken %d after the booking", place.Taken)
	}
	if strings.Contains(p.said(), "没有收到您的输入") {
		t.Fatalf("the no-input note stuck: %s", p.said())
	}
	stop()
	p.leave()
	p.waitEnded()
}
