package booking

import (
	"context"
	"sync"
)

// Call returns the stored state of the voice call sid.
func (s *Service) Call(ctx context.Context, sid string) (rec CallRecord, err error) {
	err = s.store.View(ctx, func(tx Tx) (err error) { rec, err = tx.Call(sid); return err })
	return rec, err
}

// SaveCall stores a call's state and its journey event: a new call when
// insert, else only if the stored seq is still prevSeq (EConflict: another
// request for the call got there first).
func (s *Service) SaveCall(ctx context.Context, rec CallRecord, prevSeq int, insert bool, ev CallEvent) error {
	return s.store.InTx(ctx, func(tx Tx) error {
		if !insert {
			return saveStep(tx, rec, prevSeq, ev)
		}
		if err := tx.InsertCall(rec); err != nil {
			return err
		}
		return tx.AddCallEvent(ev)
	})
}

// saveStep saves a call's state under the seq compare-and-set and its
// journey event: in one go where tx can (StepSaver).
func saveStep(tx Tx, rec CallRecord, prevSeq int, ev CallEvent) error {
	if ss, ok := tx.(StepSaver); ok {
		return ss.SaveStep(rec, prevSeq, ev)
	}
	if err := tx.UpdateCall(rec, prevSeq); err != nil {
		return err
	}
	return tx.AddCallEvent(ev)
}

// Step runs one step of a channel's conversation atomically: fn gets a
// copy of the service bound to one transaction (its operations, and the
// codes a Codes on that copy issues, commit together or not at all) and
// returns the call's new state and its journey event, saved in the same
// transaction under the seq compare-and-set against prevSeq; the event
// gets the kinds of the SMS the step queued. An error from fn or a lost
// compare-and-set rolls everything back.
func (s *Service) Step(ctx context.Context, prevSeq int, step string, fn func(bound *Service) (CallRecord, CallEvent, error)) error {
	body := func(tx Tx) error {
		var kinds string
		rec, ev, err := fn(s.Bound(smsTap{Tx: tx, kinds: &kinds}))
		if err != nil {
			return err
		}
		ev.SMS = kinds
		return saveStep(tx, rec, prevSeq, ev)
	}
	// Most steps only move the call along and run lightly (LightStore);
	// a step that just had to run again serially goes serial at once for
	// a while (lightHints).
	l, ok := s.store.(LightStore)
	if !ok || s.hints.serial(step) {
		return s.store.InTx(ctx, body)
	}
	light, err := l.InLightTx(ctx, body)
	if !light {
		s.hints.escalated(step)
	}
	return err
}

// lightHints remembers, per IVR step, that its last light attempt had to
// run again serially: the next serialRuns runs of that step skip the
// light attempt (whose work would be thrown away), then one tries again.
// A step that only moves the call along always runs lightly; one that
// always writes more wastes one attempt in serialRuns+1.
type lightHints struct {
	mu   sync.Mutex
	skip map[string]int
}

const serialRuns = 16

func (h *lightHints) serial(step string) bool {
	if h == nil {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.skip[step] > 0 {
		h.skip[step]--
		return true
	}
	return false
}

func (h *lightHints) escalated(step string) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.skip == nil {
		h.skip = map[string]int{}
	}
	h.skip[step] = serialRuns
}

// smsTap is a step's transaction, noting the kinds of the SMS the step
// queues (a savepoint's only once it succeeded) for the call's journey.
type smsTap struct {
	Tx
	kinds *string
}

func (t smsTap) Enqueue(m Message) error {
	if err := t.Tx.Enqueue(m); err != nil {
		return err
	}
	if *t.kinds != "" {
		*t.kinds += ","
	}
	*t.kinds += m.Kind
	return nil
}

func (t smsTap) Savepoint(fn func(Tx) error) error {
	before := *t.kinds
	err := t.Tx.Savepoint(func(inner Tx) error { return fn(smsTap{Tx: inner, kinds: t.kinds}) })
	if err != nil {
		*t.kinds = before // rolled back: nothing was queued
	}
	return err
}
