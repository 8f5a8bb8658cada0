package sipvoice_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"yuyue/ivr"
)

// TestRestartDropsTheAudioNotTheBooking: the node stops (yuyue's SIP
// server ends, no BYE from the caller) while a caller holds a place at
// the confirm step. What operations.md promises: the live audio is gone,
// the held place is freed as on a BYE, and the call's row in
// call_sessions says where it ended. A new server on the same database
// answers the same caller, who books that place.
func TestRestartDropsTheAudioNotTheBooking(t *testing.T) {
	h := newHarness(t, opts{})
	c := h.e.Citizen(t, 41)
	p := h.dial(c.Phone)
	h.holdAtConfirm(t, p, c.Phone)
	before := p.record()

	h.stop() // the node goes: no BYE was sent by the caller
	rec := p.record()
	if rec.EndedAt.IsZero() || rec.Step != string(ivr.StepConfirm) || rec.Seq < before.Seq || len(rec.Data) == 0 {
		t.Fatalf("after the stop the call's row is %q seq %d (was %d) ended %v, %d bytes of session",
			rec.Step, rec.Seq, before.Seq, rec.EndedAt, len(rec.Data))
	}
	if place := h.e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"); place.Taken != 0 {
		t.Fatalf("taken %d after the node stopped, want 0: the hold goes as on a BYE", place.Taken)
	}
	bs, err := h.e.Svc.ActiveBookings(context.Background(), c.ID)
	if err != nil || len(bs) != 0 {
		t.Fatalf("active bookings after the cut: %+v %v", bs, err)
	}

	h.start() // a new node on the same database
	// the new node renders where the cut call stood from its row alone
	v, err := h.ivr.Answer(context.Background(), p.sid, "", "", 0, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if said := strings.Join(v.Lines, " "); v.Step != string(ivr.StepConfirm) || !strings.Contains(said, "新生儿入户") ||
		!strings.Contains(said, "福田派出所户政室") {
		t.Fatalf("the new node reads the cut call as %q: %s", v.Step, said)
	}
	h.e.Clock.Advance(2 * time.Minute) // a new code may be sent
	p2 := h.dial(c.Phone)
	if p2.sid == p.sid {
		t.Fatal("the second call reused the first call's id")
	}
	p2.expect("menu").press("1")
	p2.expect("code").press(h.code(c.Phone))
	bookByBusiness(p2)
	p2.expect("done")
	bs, err = h.e.Svc.ActiveBookings(context.Background(), c.ID)
	if err != nil || len(bs) != 1 || bs[0].Office != "FT01" || bs[0].Start != "09:00" {
		t.Fatalf("bookings after calling the new node: %+v %v", bs, err)
	}
	if again := p.record(); again.Step != rec.Step || again.Seq != rec.Seq || !again.EndedAt.Equal(rec.EndedAt) {
		t.Fatalf("the cut call's row changed on the new node: %+v", again)
	}
	p2.leave()
	p2.waitEnded()
}
