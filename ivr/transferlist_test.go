package ivr_test

import (
	"net/url"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// The console's 转接来电 lists only calls an agent was really offered: not a
// call told that no operator is configured, not a transfer nobody took.
func TestOnlyTransferredCallsAreListed(t *testing.T) {
	listed := func(h *harness) int {
		t.Helper()
		var recs []booking.CallRecord
		err := h.e.View(ctx, func(tx booking.Tx) (err error) {
			recs, err = tx.Transfers(h.e.Clock.Now().Add(-time.Hour))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return len(recs)
	}
	none := newHarness(t, false)
	none.dial(storetest.Phone(1)).press("0").heard("人工服务暂不可用")
	if n := listed(none); n != 0 {
		t.Fatalf("a call with no operator configured is listed as transferred (%d)", n)
	}

	h := newHarness(t, true)
	p := h.dial(storetest.Phone(1)).press("0")
	if n := listed(h); n != 1 {
		t.Fatalf("%d transferred calls listed, want 1", n)
	}
	p.send(p.dial, url.Values{"DialCallStatus": {"no-answer"}})
	p.expect("menu", "人工服务暂时无法接通")
	if n := listed(h); n != 0 {
		t.Fatalf("a transfer nobody answered is still listed (%d)", n)
	}
	p.press("0")
	p.send(p.dial, url.Values{"DialCallStatus": {"completed"}})
	if n := listed(h); n != 1 {
		t.Fatalf("an answered transfer is not listed (%d)", n)
	}
}
