package booking

import "context"

// Bound returns a copy of the service whose every operation runs inside tx:
// nested InTx calls become savepoints (an operation that fails still rolls
// back its own writes) and reads see tx's writes. A channel uses it to
// commit several operations — and its own state — at once.
func (s *Service) Bound(tx Tx) *Service {
	c := *s
	c.store = boundStore{tx}
	return &c
}

type boundStore struct{ tx Tx }

func (b boundStore) InTx(_ context.Context, fn func(Tx) error) error { return b.tx.Savepoint(fn) }
func (b boundStore) View(_ context.Context, fn func(Tx) error) error { return fn(b.tx) }
