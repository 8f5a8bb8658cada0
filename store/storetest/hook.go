package storetest

import (
	"context"
	"sync"

	"yuyue/booking"
	"yuyue/store/sqlstore"
)

// hookStore is the store an env's service runs on: the env's database,
// unless a test wrapped it (WrapStore) to inject faults or watch.
type hookStore struct {
	mu sync.RWMutex
	st booking.Store
}

func (h *hookStore) get() booking.Store {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.st
}

func (h *hookStore) InTx(ctx context.Context, fn func(booking.Tx) error) error {
	return h.get().InTx(ctx, fn)
}

// InQueueTx claims in the current store's queue transaction, or in InTx
// when a test's wrapper has none.
func (h *hookStore) InQueueTx(ctx context.Context, fn func(booking.Tx) error) error {
	st := h.get()
	if q, ok := st.(booking.QueueStore); ok {
		return q.InQueueTx(ctx, fn)
	}
	return st.InTx(ctx, fn)
}

// InOutboxTx runs the outbox's own writes around a send (its record, the
// China guard's reservation and its undoing) in the current store's outbox
// transaction, or in InTx when a test's wrapper has none.
func (h *hookStore) InOutboxTx(ctx context.Context, fn func(booking.Tx) error) error {
	st := h.get()
	if o, ok := st.(booking.OutboxStore); ok {
		return o.InOutboxTx(ctx, fn)
	}
	return st.InTx(ctx, fn)
}

// InUrgentTx runs a step that hands out an SMS code ahead of the others
// where the current store can (booking.UrgentStore), else in InTx.
func (h *hookStore) InUrgentTx(ctx context.Context, fn func(booking.Tx) error) error {
	st := h.get()
	if u, ok := st.(booking.UrgentStore); ok {
		return u.InUrgentTx(ctx, fn)
	}
	return st.InTx(ctx, fn)
}

// TryLightTx runs a call step's light attempt where the current store can
// (booking.LightStore), so that the channels' tests take the path
// production does; a test's wrapper without it runs the step in InTx.
func (h *hookStore) TryLightTx(ctx context.Context, fn func(booking.Tx) error) (bool, error) {
	st := h.get()
	if l, ok := st.(booking.LightStore); ok {
		return l.TryLightTx(ctx, fn)
	}
	return true, st.InTx(ctx, fn)
}

func (h *hookStore) View(ctx context.Context, fn func(booking.Tx) error) error {
	return h.get().View(ctx, fn)
}

// WrapStore makes the env's service (and everything built on it) run its
// transactions through wrap(the current store) from now on: a test's way
// to inject a fault or watch what a channel does, now that no channel
// holds the store itself.
func (e *Env) WrapStore(wrap func(booking.Store) booking.Store) {
	e.hook.mu.Lock()
	defer e.hook.mu.Unlock()
	e.hook.st = wrap(e.hook.st)
}

// InTx runs fn in a write transaction on the env's database: for a test's
// set-up and checks, never for what a channel does.
func (e *Env) InTx(ctx context.Context, fn func(booking.Tx) error) error {
	return e.Store.InTx(ctx, fn)
}

// View runs fn on a read transaction of the env's database, for checks.
func (e *Env) View(ctx context.Context, fn func(booking.Tx) error) error {
	return e.Store.View(ctx, fn)
}

// CloseDB closes the env's database under the service, as a database
// going away would.
func (e *Env) CloseDB() error { return e.Store.Close() }

// StatementStats is the env's database's statement counters, to measure
// what one request cost it.
func (e *Env) StatementStats() sqlstore.StatementStats { return e.Store.StatementStats() }
