package sms

import (
	"context"
	"time"

	"golang.org/x/time/rate"
)

// grant is what the worker may claim at once: sender slots it holds and
// send-rate reservations, one per slot.
type grant struct {
	sem   chan struct{}
	slots []*rate.Reservation
}

func (g *grant) n() int { return len(g.slots) }

// keep holds on to k of the granted sends (the rows a claim returned) and
// gives the rest back: the slots to the semaphore, the tokens to the
// limiter, so an empty outbox does not eat the provider's rate.
func (g *grant) keep(k int) {
	for _, r := range g.slots[k:] {
		r.Cancel()
		<-g.sem
	}
}

// acquire waits for one free slot and one send-rate token, then adds every
// further slot that is free and token that is due now, without waiting;
// false when ctx ends first (nothing held then).
func (w *Worker) acquire(ctx context.Context, sem chan struct{}) (*grant, bool) {
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return nil, false
	}
	g := &grant{sem: sem}
	first := w.limiter.Reserve()
	if !first.OK() {
		<-sem
		return nil, false
	}
	select {
	case <-time.After(first.Delay()):
	case <-ctx.Done():
		first.Cancel()
		<-sem
		return nil, false
	}
	g.slots = append(g.slots, first)
	for more := true; more; {
		select {
		case sem <- struct{}{}:
			r := w.limiter.Reserve()
			if r.OK() && r.Delay() == 0 {
				g.slots = append(g.slots, r)
				continue
			}
			r.Cancel()
			<-sem
			more = false
		default:
			more = false
		}
	}
	return g, true
}
