package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"yuyue/booking"
)

// Group commit, as in the SQLite store (store/group.go). Every InTx of
// every node holds one advisory lock, so writers take turns and each turn
// ends with a commit that waits for the WAL flush (~4 ms on this machine's
// disk). A node therefore hands its concurrent InTx calls to one writer
// goroutine, which runs the ones waiting together in one transaction —
// one lock, one flush — each inside its own SAVEPOINT. Each caller's work
// is still atomic (a domain error rolls back its savepoint only), runs
// alone on the connection, and is durable when InTx returns.

// maxBatch bounds how many callers share one commit.
const maxBatch = 64

type writeReq struct {
	ctx  context.Context
	fn   func(booking.Tx) error
	done chan writeResult
}

type writeResult struct {
	err      error
	panicVal any
}

var errClosed = errors.New("postgres: store closed")

// errAbortBatch rolls a shared transaction back so its callers can be run
// one by one.
var errAbortBatch = errors.New("postgres: batch aborted")

func (s *Store) startWriter() {
	s.queue = make(chan *writeReq)
	s.quit = make(chan struct{})
	s.stopped = make(chan struct{})
	go s.writerLoop()
}

func (s *Store) stopWriter() {
	select {
	case <-s.quit:
		return
	default:
	}
	close(s.quit)
	<-s.stopped
}

// submit hands fn to the writer and waits for its commit.
func (s *Store) submit(ctx context.Context, fn func(booking.Tx) error) error {
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan writeResult, 1)}
	select {
	case s.queue <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.quit:
		return errClosed
	}
	r := <-req.done
	if r.panicVal != nil {
		panic(r.panicVal)
	}
	return r.err
}

func (s *Store) writerLoop() {
	defer close(s.stopped)
	for {
		var first *writeReq
		select {
		case first = <-s.queue:
		case <-s.quit:
			return
		}
		batch := []*writeReq{first}
	collect:
		for len(batch) < maxBatch {
			select {
			case r := <-s.queue:
				batch = append(batch, r)
			default:
				break collect
			}
		}
		s.runBatch(batch)
	}
}

// runBatch commits the batch together, or each request alone when the
// shared transaction had to be abandoned.
func (s *Store) runBatch(batch []*writeReq) {
	if len(batch) == 1 {
		batch[0].done <- s.runAlone(batch[0])
		return
	}
	ctx := context.Background()
	results := make([]*writeResult, len(batch))
	err := s.withLockedTx(ctx, func(t *sql.Tx) error {
		for i, r := range batch {
			if r.ctx.Err() != nil {
				results[i] = &writeResult{err: r.ctx.Err()}
				continue
			}
			res, keep := s.runInSavepoint(ctx, t, r)
			if !keep {
				if res.panicVal != nil {
					results[i] = &res // delivered as is, never re-run
				}
				return errAbortBatch
			}
			results[i] = &res
		}
		return nil
	})
	for i, r := range batch {
		switch {
		case err == nil:
			r.done <- *results[i]
		case results[i] != nil && results[i].panicVal != nil:
			r.done <- *results[i]
		default: // the shared transaction rolled back: nothing of r remains
			r.done <- s.runAlone(r)
		}
	}
}

// runInSavepoint runs one request inside the shared transaction. keep is
// false when the transaction can no longer be trusted (a driver error or a
// panic).
func (s *Store) runInSavepoint(ctx context.Context, t *sql.Tx, r *writeReq) (res writeResult, keep bool) {
	if _, err := t.ExecContext(ctx, "SAVEPOINT w"); err != nil {
		return writeResult{err: err}, false
	}
	res = call(&tx{sqlTx: t, q: t, s: s, ctx: ctx}, r.fn)
	if res.panicVal != nil || (res.err != nil && booking.ErrorCode(res.err) == booking.EInternal) {
		return res, false
	}
	if res.err != nil {
		if _, err := t.ExecContext(ctx, "ROLLBACK TO SAVEPOINT w"); err != nil {
			return writeResult{err: err}, false
		}
	}
	if _, err := t.ExecContext(ctx, "RELEASE SAVEPOINT w"); err != nil {
		return writeResult{err: err}, false
	}
	return res, true
}

func (s *Store) runAlone(r *writeReq) writeResult {
	var res writeResult
	err := s.withLockedTx(r.ctx, func(t *sql.Tx) error {
		res = call(&tx{sqlTx: t, q: t, s: s, ctx: r.ctx}, r.fn)
		if res.panicVal != nil {
			return fmt.Errorf("panic: %v", res.panicVal)
		}
		return res.err
	})
	if res.panicVal == nil {
		res.err = err
	}
	return res
}

// withLockedTx runs fn in a transaction that first takes the writer lock;
// committed when fn returns nil, rolled back otherwise.
func (s *Store) withLockedTx(ctx context.Context, fn func(*sql.Tx) error) (err error) {
	t, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = t.Rollback()
		}
	}()
	if _, err = t.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", s.lockKey); err != nil {
		return fmt.Errorf("writer lock: %w", err)
	}
	if err = fn(t); err != nil {
		return err
	}
	if err = t.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// call runs fn, turning a panic into a value to re-raise in the caller.
func call(t *tx, fn func(booking.Tx) error) (res writeResult) {
	defer func() {
		if p := recover(); p != nil {
			res = writeResult{panicVal: p}
		}
	}()
	return writeResult{err: fn(t)}
}
