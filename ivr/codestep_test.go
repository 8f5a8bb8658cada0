package ivr_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// stepWays is the env's store, noting how each write transaction was run:
// "urgent" (ahead of the queued steps), "light" (a light attempt that
// did), "refused" (a light attempt that must run serially) or "serial".
type stepWays struct {
	booking.Store
	mu   sync.Mutex
	ways []string
}

func (w *stepWays) note(way string) { w.mu.Lock(); w.ways = append(w.ways, way); w.mu.Unlock() }

// take returns the ways noted since the last take.
func (w *stepWays) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.ways
	w.ways = nil
	return out
}

func (w *stepWays) InTx(ctx context.Context, fn func(booking.Tx) error) error {
	w.note("serial")
	return w.Store.InTx(ctx, fn)
}

func (w *stepWays) InUrgentTx(ctx context.Context, fn func(booking.Tx) error) error {
	w.note("urgent")
	return w.Store.(booking.UrgentStore).InUrgentTx(ctx, fn)
}

func (w *stepWays) TryLightTx(ctx context.Context, fn func(booking.Tx) error) (bool, error) {
	ran, err := w.Store.(booking.LightStore).TryLightTx(ctx, fn)
	w.note(map[bool]string{true: "light", false: "refused"}[ran])
	return ran, err
}

// The outbox's own transactions pass through unnoted.
func (w *stepWays) InQueueTx(ctx context.Context, fn func(booking.Tx) error) error {
	return w.Store.(booking.QueueStore).InQueueTx(ctx, fn)
}

func (w *stepWays) InOutboxTx(ctx context.Context, fn func(booking.Tx) error) error {
	return w.Store.(booking.OutboxStore).InOutboxTx(ctx, fn)
}

// A step that texts the caller a code goes ahead of the steps waiting for
// the node's writer: known beforehand when the caller confirms the calling
// number (phone_choice, 1), found by its light attempt when a registered
// caller is sent a code straight from the menu (on PostgreSQL; on SQLite's
// one writer every step is serial and no light attempt is refused).
// Steps that only move the call along do not go ahead.
func TestCodeStepsGoAheadOfTheQueue(t *testing.T) {
	h := newHarness(t, true)
	ways := &stepWays{}
	h.e.WrapStore(func(st booking.Store) booking.Store { ways.Store = st; return ways })
	pg := storetest.OnPostgres(t)

	p := h.dial(storetest.Phone(31)).press("1").press(keys(storetest.ID(31))).speak("王五").press("1")
	p.expect("phone_choice")
	if got := ways.take(); slices.Contains(got, "urgent") {
		t.Fatalf("steps that only move the call along went ahead: %v", got)
	}
	p.press("1").expect("code", "验证码已发送到本机")
	if got := ways.take(); !slices.Equal(got, []string{"urgent"}) {
		t.Fatalf("confirming the calling number ran as %v, want [urgent]", got)
	}
	p.hangup()

	// Two registered callers in turn: a code sent from the menu is not
	// taken as a hint that the menu writes (it only moves most calls
	// along), so the second is found out the same way.
	for _, n := range []int{32, 33} {
		h.e.Citizen(t, n)
		r := h.dial(storetest.Phone(n))
		ways.take()
		r.press("1").expect("code")
		want := []string{"light"}
		if pg {
			want = []string{"refused", "urgent"}
		}
		if got := ways.take(); !slices.Equal(got, want) {
			t.Fatalf("registered caller %d: the code from the menu ran as %v, want %v", n, got, want)
		}
		r.hangup()
	}
}
