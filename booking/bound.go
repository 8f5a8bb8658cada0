package booking

import "context"

// Bound returns a copy of the service whose every operation runs inside tx:
// nested InTx calls become savepoints (an operation that fails still rolls
// back its own writes) and reads see tx's writes. A channel uses it to
// commit several operations — and its own state — at once.
//
// The one exception is Availability: a listing of what a step offers is
// read through the unbound store's read pool, outside the writer (it is
// only an offer; the hold that follows re-checks the window, closures and
// capacity inside its transaction).
func (s *Service) Bound(tx Tx) *Service {
	c := *s
	if c.listings == nil {
		c.listings = s.store
	}
	c.store = boundStore{tx}
	return &c
}

type boundStore struct{ tx Tx }

func (b boundStore) InTx(_ context.Context, fn func(Tx) error) error { return b.tx.Savepoint(fn) }
func (b boundStore) View(_ context.Context, fn func(Tx) error) error { return fn(b.tx) }
