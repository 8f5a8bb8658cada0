package booking

import "context"

// Call returns the stored state of the voice call sid.
func (s *Service) Call(ctx context.Context, sid string) (rec CallRecord, err error) {
	err = s.store.View(ctx, func(tx Tx) (err error) { rec, err = tx.Call(sid); return err })
	return rec, err
}

// SaveCall stores a call's state and its journey event: a new call when
// insert, else only if the stored seq is still prevSeq (EConflict: another
// request for the call got there first).
func (s *Service) SaveCall(ctx context.Context, rec CallRecord, prevSeq int, insert bool, ev CallEvent) error {
	return s.store.InTx(ctx, func(tx Tx) (err error) {
		if insert {
			err = tx.InsertCall(rec)
		} else {
			err = tx.UpdateCall(rec, prevSeq)
		}
		if err != nil {
			return err
		}
		return tx.AddCallEvent(ev)
	})
}

// Step runs one step of a channel's conversation atomically: fn gets a
// copy of the service bound to one transaction (its operations, and the
// codes a Codes on that copy issues, commit together or not at all) and
// returns the call's new state and its journey event, saved in the same
// transaction under the seq compare-and-set against prevSeq; the event
// gets the kinds of the SMS the step queued. An error from fn or a lost
// compare-and-set rolls everything back.
func (s *Service) Step(ctx context.Context, prevSeq int, fn func(bound *Service) (CallRecord, CallEvent, error)) error {
	return s.store.InTx(ctx, func(tx Tx) error {
		var kinds string
		rec, ev, err := fn(s.Bound(smsTap{Tx: tx, kinds: &kinds}))
		if err != nil {
			return err
		}
		if err := tx.UpdateCall(rec, prevSeq); err != nil {
			return err
		}
		ev.SMS = kinds
		return tx.AddCallEvent(ev)
	})
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
