package ivr_test

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

// twoNodes makes h a pair of nodes on one database — each with its own
// store, service and IVR — and sends every webhook to the next one in turn,
// as a load balancer without call affinity does.
func twoNodes(t *testing.T, h *harness) {
	h.apps = []*fiber.App{h.app, h.mkApp(h.e.Node(t))}
}

// A call whose webhooks alternate between two nodes books once, hears its
// reference, and replays of every webhook — to either node, at the same
// moment — change nothing.
func TestBookingCallAcrossTwoNodes(t *testing.T) {
	h := newHarness(t, true)
	twoNodes(t, h)
	p, b := bookNewCaller(t, h, 1)
	if n := h.sent.Load(); n < 14 {
		t.Fatalf("only %d webhooks sent: the call did not alternate between nodes", n)
	}
	h.worker.Drain(ctx)
	before := len(h.fake.Messages())
	for _, r := range p.history {
		var wg sync.WaitGroup
		for range 2 { // a retry racing the original, on the other node
			wg.Add(1)
			go func() {
				defer wg.Done()
				replay(t, h, r.path, r.form, b.Reference)
			}()
		}
		wg.Wait()
	}
	h.worker.Drain(ctx)
	if n := bookingCount(t, h.e, booking.BookingFilter{}); n != 1 {
		t.Fatalf("%d bookings after replays across nodes", n)
	}
	if after := len(h.fake.Messages()); after != before {
		t.Fatalf("%d SMS after replays, %d before", after, before)
	}
}

func replay(t *testing.T, h *harness, path string, form url.Values, ref string) {
	code, xml := h.do(t, path, form)
	if code != 200 {
		t.Errorf("replay %s: %d", path, code)
		return
	}
	said, _ := checkTwiMLQuiet(xml)
	if !strings.Contains(said, spoken(ref)) {
		t.Errorf("replay of %s did not replay the done prompt: %s", path, said)
	}
}

// Two callers racing for the last place through different nodes: one hold.
func TestLastPlaceRaceAcrossNodes(t *testing.T) {
	h := newHarness(t, true)
	twoNodes(t, h)
	a, b := h.e.Citizen(t, 5), h.e.Citizen(t, 6)
	h.e.Book(t, h.e.Citizen(t, 7), h.e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"))
	pa, pb := toPeriod(t, h, a), toPeriod(t, h, b)
	var wg sync.WaitGroup
	holds := make([]bool, 2)
	for i, p := range []*phone{pa, pb} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, xml := h.do(t, p.action, p.form(url.Values{"Digits": {"1"}}))
			_, action := checkTwiMLQuiet(xml)
			holds[i] = strings.Contains(action, "step=confirm") // verify-first: the hold goes straight to confirm
		}()
	}
	wg.Wait()
	if holds[0] == holds[1] {
		t.Fatalf("holds %v: want exactly one", holds)
	}
	if place := h.e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"); place.Taken != 2 {
		t.Fatalf("taken %d of 2", place.Taken)
	}
}

// A call's first webhook delivered several times at once, to both nodes
// (Twilio's retry, or its fallback URL, while the first try is still
// running), starts the call once: every delivery hears the menu (the one
// that started the call the welcome before it), and the call has one
// session and one journey row for its start. A new call's save is tried
// lightly, at READ COMMITTED on PostgreSQL, where the session's key is
// what refuses the second. This checks the rule, whichever transaction
// the save runs in; that it is tried lightly is booking's
// TestNewCallIsSavedLightly.
func TestFirstWebhookAtOnceOnTwoNodesStartsOneCall(t *testing.T) {
	h := newHarness(t, true)
	twoNodes(t, h)
	p := &phone{h: h, sid: "CA" + strings.Repeat("1", 32), from: "+8613800000042"}
	const deliveries = 8
	var wg sync.WaitGroup
	answers := make([]string, deliveries)
	for i := range deliveries {
		wg.Go(func() {
			status, xml := h.do(t, "/twilio/voice", p.form(url.Values{}))
			said, action := checkTwiMLQuiet(xml)
			answers[i] = fmt.Sprint(status, " ", action, " ", said)
		})
	}
	wg.Wait()
	welcomed := 0
	for i, a := range answers {
		if !strings.HasPrefix(a, "200 ") || !strings.Contains(a, "step=menu&seq=1") || !strings.Contains(a, "预约请按1") {
			t.Fatalf("delivery %d answered: %s", i, a)
		}
		if strings.Contains(a, "欢迎") {
			welcomed++
		}
	}
	if welcomed != 1 {
		t.Errorf("%d deliveries heard the welcome, want the one that started the call", welcomed)
	}
	var sessions, starts int
	if err := h.e.QueryRow(`SELECT count(*) FROM call_sessions WHERE call_sid = ?`, p.sid).Scan(&sessions); err != nil {
		t.Fatal(err)
	}
	if err := h.e.QueryRow(`SELECT count(*) FROM call_events WHERE call_sid = ? AND kind = ?`, p.sid, booking.CallStart).Scan(&starts); err != nil {
		t.Fatal(err)
	}
	if sessions != 1 || starts != 1 {
		t.Fatalf("%d sessions and %d start events, want one of each", sessions, starts)
	}
}
