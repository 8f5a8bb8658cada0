package sms_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/sms"
	"yuyue/sms/twiliotest"
	"yuyue/store/storetest"
)

// claimLog wraps a store and records every ClaimMessages call the worker
// makes: how many rows it asked for, and what came back.
type claimLog struct {
	next   booking.Store
	mu     sync.Mutex
	limits []int
	got    [][]booking.OutboxItem
	// claimed, when set, is sent each claim's row count.
	claimed chan int
}

func (c *claimLog) InTx(ctx context.Context, fn func(booking.Tx) error) error {
	return c.next.InTx(ctx, func(tx booking.Tx) error { return fn(claimTx{tx, c}) })
}

func (c *claimLog) View(ctx context.Context, fn func(booking.Tx) error) error {
	return c.next.View(ctx, fn)
}

type claimTx struct {
	booking.Tx
	log *claimLog
}

func (t claimTx) ClaimMessages(now time.Time, limit int) ([]booking.OutboxItem, error) {
	items, err := t.Tx.ClaimMessages(now, limit)
	t.log.mu.Lock()
	t.log.limits, t.log.got = append(t.log.limits, limit), append(t.log.got, items)
	t.log.mu.Unlock()
	if t.log.claimed != nil && err == nil {
		t.log.claimed <- len(items)
	}
	return items, err
}

// enqueueCode queues a code message to storetest.Phone(n).
func enqueueCode(t *testing.T, e *storetest.Env, n int, code string) {
	t.Helper()
	msg := booking.Message{To: storetest.Phone(n), Kind: booking.MsgCode, Params: map[string]string{"code": code}}
	if err := e.InTx(ctx, func(tx booking.Tx) error { return tx.Enqueue(msg) }); err != nil {
		t.Fatal(err)
	}
}

// logClaims wraps e's store in log, which it returns.
func logClaims(e *storetest.Env, log *claimLog) *claimLog {
	e.WrapStore(func(st booking.Store) booking.Store { log.next = st; return log })
	return log
}

// One write transaction claims as many messages as the worker has sender
// slots, codes first: a caller waiting for a code is not queued behind
// confirmations, nor behind one fsync'd commit per message.
func TestWorkerClaimsInBatchesCodesFirst(t *testing.T) {
	e := storetest.NewEnv(t)
	fake := twiliotest.New(accountSID, authToken)
	defer fake.Close()
	for i := range 3 {
		e.Book(t, e.Citizen(t, i+1), e.Place(t, "FT01", "newborn", []string{"2026-12-02", "2026-12-03", "2026-12-03"}[i], []string{"14:00", "09:00", "14:00"}[i]))
	}
	enqueueCode(t, e, 9, "482913")
	w := newWorker(t, e, fake, time.Second, &lockedBuffer{})
	w.Concurrency = 4
	log := logClaims(e, &claimLog{})
	if n, err := w.Drain(ctx); err != nil || n != 4 {
		t.Fatalf("drain: %d %v", n, err)
	}
	if len(log.limits) == 0 || log.limits[0] != 4 || len(log.got[0]) != 4 {
		t.Fatalf("first claim asked for %v and got %d rows; want all 4 in one transaction", log.limits, len(log.got[0]))
	}
	if first := log.got[0][0]; first.Kind != booking.MsgCode || first.CreatedAt.IsZero() {
		t.Fatalf("first claimed %s (created %v), want the code", first.Kind, first.CreatedAt)
	}
	if len(fake.Messages()) != 4 || fake.Requests() != 4 {
		t.Fatalf("%d messages in %d requests, want 4 once each", len(fake.Messages()), fake.Requests())
	}
	var st booking.OutboxStats
	e.View(ctx, func(tx booking.Tx) (err error) { st, err = tx.OutboxStats(); return err })
	if st["sent"] != 4 || st["sending"] != 0 {
		t.Fatalf("outbox after drain: %v", st)
	}
}

// A claim that finds fewer rows than the worker has slots for took every
// due row: the drain ends there, without a further claim (an empty write
// transaction) to learn that none is left.
func TestWorkerDrainEndsAfterAShortClaim(t *testing.T) {
	e := storetest.NewEnv(t)
	fake := twiliotest.New(accountSID, authToken)
	defer fake.Close()
	for i := range 3 {
		enqueueCode(t, e, i+1, "48291"+string(rune('0'+i)))
	}
	w := newWorker(t, e, fake, time.Second, &lockedBuffer{})
	w.Concurrency = 8
	log := logClaims(e, &claimLog{})
	if n, err := w.Drain(ctx); err != nil || n != 3 {
		t.Fatalf("drain: %d %v", n, err)
	}
	if len(log.limits) != 1 || len(log.got[0]) != 3 {
		t.Fatalf("claims asked for %v; want one claim that took all 3 rows", log.limits)
	}
	if len(fake.Messages()) != 3 {
		t.Fatalf("%d messages sent, want 3", len(fake.Messages()))
	}
	// A message queued after the drain is the next drain's.
	enqueueCode(t, e, 9, "771203")
	if n, err := w.Drain(ctx); err != nil || n != 1 || len(log.limits) != 2 {
		t.Fatalf("second drain: %d %v, claims %v", n, err, log.limits)
	}
}

// heldSender holds every send until released, so a test can act while
// sends are in flight.
type heldSender struct {
	next    sms.Sender
	started chan struct{}
	release chan struct{}
}

func (h heldSender) Send(ctx context.Context, m booking.OutboxItem, body string) (string, booking.SendOutcome, error) {
	h.started <- struct{}{}
	<-h.release
	return h.next.Send(ctx, m, body)
}

// A message queued while the drain's sends are in flight, with its Kick,
// is claimed by the same drain, not left for the next one; a drain whose
// sends end with no Kick ends there. With stale set, a Kick waits when
// the drain starts (its message is the one the first claim takes), so
// the claim after it comes back empty: the drain goes on waiting for a
// Kick all the same.
func TestWorkerDrainClaimsAgainWhenKickedDuringSends(t *testing.T) {
	t.Run("kicked", func(t *testing.T) { drainKickedDuringSends(t, false) })
	t.Run("stale kick", func(t *testing.T) { drainKickedDuringSends(t, true) })
}

func drainKickedDuringSends(t *testing.T, stale bool) {
	e := storetest.NewEnv(t)
	fake := twiliotest.New(accountSID, authToken)
	defer fake.Close()
	enqueue := func(n int) { t.Helper(); enqueueCode(t, e, n, "55012"+string(rune('0'+n))) }
	enqueue(1)
	w := newWorker(t, e, fake, time.Second, &lockedBuffer{})
	w.Concurrency = 8
	held := heldSender{next: w.Sender, started: make(chan struct{}, 8), release: make(chan struct{})}
	w.Sender = held
	log := logClaims(e, &claimLog{claimed: make(chan int, 16)})
	if stale {
		w.Kick()
	}
	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	go func() { n, err := w.Drain(ctx); done <- result{n, err} }()
	<-held.started // the first send is in flight
	if stale {
		<-log.claimed // the first claim's row
		if n := <-log.claimed; n != 0 {
			t.Fatalf("the claim after the stale Kick took %d rows, want none", n)
		}
	}
	enqueue(2)
	w.Kick()
	select {
	case <-held.started: // the second, claimed by the same drain
	case <-time.After(10 * time.Second):
		close(held.release)
		t.Fatal("the message queued and kicked during a send was not claimed by the drain")
	}
	close(held.release)
	r := <-done
	if r.err != nil || r.n != 2 {
		t.Fatalf("drain: %d %v, want both messages", r.n, r.err)
	}
	var rows []int
	for _, g := range log.got {
		rows = append(rows, len(g))
	}
	// A claim that took all it asked for (the send rate may grant one
	// row) is followed by one more, which finds none.
	want := []int{1, 1}
	if stale {
		want = []int{1, 0, 1}
	}
	if len(rows) < len(want) || len(rows) > len(want)+1 || !slices.Equal(rows[:len(want)], want) || (len(rows) > len(want) && rows[len(want)] != 0) {
		t.Fatalf("claims took %v rows; want %v, and at most one empty claim after", rows, want)
	}
	if len(fake.Messages()) != 2 {
		t.Fatalf("%d messages sent, want 2", len(fake.Messages()))
	}
}
