package booking

import "context"

// Call returns the stored state of the voice call sid.
func (s *Service) Call(ctx context.Context, sid string) (rec CallRecord, err error) {
	err = s.store.View(ctx, func(tx Tx) (err error) { rec, err = tx.Call(sid); return err })
	return rec, err
}

// SaveCall stores a call's state: a new call when insert, else only if
// the stored seq is still prevSeq (EConflict: another request for the
// call got there first).
func (s *Service) SaveCall(ctx context.Context, rec CallRecord, prevSeq int, insert bool) error {
	return s.store.InTx(ctx, func(tx Tx) error {
		if insert {
			return tx.InsertCall(rec)
		}
		return tx.UpdateCall(rec, prevSeq)
	})
}

// Step runs one step of a channel's conversation atomically: fn gets a
// copy of the service bound to one transaction (its operations, and the
// codes a Codes on that copy issues, commit together or not at all) and
// returns the call's new state, saved in the same transaction under the
// seq compare-and-set against prevSeq. An error from fn or a lost
// compare-and-set rolls everything back.
func (s *Service) Step(ctx context.Context, prevSeq int, fn func(bound *Service) (CallRecord, error)) error {
	return s.store.InTx(ctx, func(tx Tx) error {
		rec, err := fn(s.Bound(tx))
		if err != nil {
			return err
		}
		return tx.UpdateCall(rec, prevSeq)
	})
}
