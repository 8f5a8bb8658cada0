package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"yuyue/booking"
)

// Group commit. SQLite has one writer and every commit is an fsync
// (synchronous=FULL). Concurrent InTx calls are therefore handed to one
// writer goroutine, which runs the ones waiting together in a single
// transaction, each inside its own SAVEPOINT, and commits once. Each
// caller's work is still atomic (a domain error rolls back its savepoint
// only), runs alone on the connection, and is durable when InTx returns.

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

var errClosed = errors.New("store: closed")

// errAbortBatch rolls a shared transaction back so its callers can be run
// one by one.
var errAbortBatch = errors.New("store: batch aborted")

func (s *Store) startWriter() {
	s.queue = make(chan *writeReq)
	s.quit = make(chan struct{})
	s.stopped = make(chan struct{})
	go s.writerLoop()
}

func (s *Store) stopWriter() {
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
	s.commits.Add(1)
	s.requests.Add(int64(len(batch)))
	if len(batch) == 1 {
		batch[0].done <- s.runAlone(batch[0])
		return
	}
	results := make([]*writeResult, len(batch))
	err := WithTx(context.Background(), s.writer, func(t *sql.Tx) error {
		for i, r := range batch {
			if r.ctx.Err() != nil {
				results[i] = &writeResult{err: r.ctx.Err()}
				continue
			}
			res, keep := s.runInSavepoint(t, r)
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
// panic): SQLite may have rolled it back already.
func (s *Store) runInSavepoint(t *sql.Tx, r *writeReq) (res writeResult, keep bool) {
	if _, err := t.Exec("SAVEPOINT w"); err != nil {
		return writeResult{err: err}, false
	}
	res = call(&tx{sqlTx: t, db: s.writer, s: s}, r.fn)
	if res.panicVal != nil || (res.err != nil && booking.ErrorCode(res.err) == booking.EInternal) {
		return res, false
	}
	if res.err != nil {
		if _, err := t.Exec("ROLLBACK TO w"); err != nil {
			return writeResult{err: err}, false
		}
	}
	if _, err := t.Exec("RELEASE w"); err != nil {
		return writeResult{err: err}, false
	}
	return res, true
}

func (s *Store) runAlone(r *writeReq) writeResult {
	var res writeResult
	err := WithTx(r.ctx, s.writer, func(t *sql.Tx) error {
		res = call(&tx{sqlTx: t, db: s.writer, s: s}, r.fn)
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

// call runs fn, turning a panic into a value to re-raise in the caller.
func call(t *tx, fn func(booking.Tx) error) (res writeResult) {
	defer func() {
		if p := recover(); p != nil {
			res = writeResult{panicVal: p}
		}
	}()
	return writeResult{err: fn(t)}
}

// CommitStats reports how many write transactions were committed (or
// attempted) and how many InTx calls they carried.
func (s *Store) CommitStats() (commits, requests int64) { return s.commits.Load(), s.requests.Load() }
