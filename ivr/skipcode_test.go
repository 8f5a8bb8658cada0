package ivr_test

import (
	"testing"
	"time"
)

// codesTo counts the code texts the fake Twilio received for phone.
func codesTo(h *harness, phone string) int {
	h.t.Helper()
	if _, err := h.worker.Drain(ctx); err != nil {
		h.t.Fatal(err)
	}
	n := 0
	for _, m := range h.fake.Messages() {
		if m.To == phone && sixDigits.MatchString(m.Body) {
			n++
		}
	}
	return n
}

// A caller who passed a code in this call and goes back to the menu to
// query is not texted again while booking.verified_for lasts (carriers
// reject repeats to one number); once it lapsed, the query asks for a new
// code before anything is said.
func TestNoSecondCodeInOneCallWhileVerified(t *testing.T) {
	h := newHarness(t, true)
	c := h.e.Citizen(t, 7)
	h.e.Clock.Advance(61e9)
	p := h.dial(c.Phone).press("1").verify(c.Phone).expect("mode")
	if n := codesTo(h, c.Phone); n != 1 {
		t.Fatalf("%d codes after the first verification, want 1", n)
	}
	p.press("1").expect("business").press("*").press("*").expect("menu")
	p.press("2")
	if p.step() == "code" {
		t.Fatalf("query after a passed code asked for another one: %s", p.said)
	}
	if n := codesTo(h, c.Phone); n != 1 {
		t.Fatalf("%d codes after query in the same call, want still 1", n)
	}
	p.hangup()

	h.e.Clock.Advance(61e9)
	q := h.dial(c.Phone).press("1").verify(c.Phone).expect("mode")
	h.e.Clock.Advance(h.e.Svc.Rules.VerifiedFor + time.Minute)
	q.press("1").expect("business").press("*").press("*").expect("menu")
	q.press("2").expect("code")
	if n := codesTo(h, c.Phone); n != 3 {
		t.Fatalf("%d codes, want 3: the lapsed verification must be renewed", n)
	}
}
