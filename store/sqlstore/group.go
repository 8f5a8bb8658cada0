package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"yuyue/booking"
)

// Group commit. Writers take turns (SQLite has one writer; PostgreSQL's
// InTx holds one advisory lock across nodes) and every commit waits for a
// flush to disk. Concurrent InTx calls are therefore handed to one writer
// goroutine, which runs the ones waiting together in a single transaction,
// each inside its own SAVEPOINT, and commits once. Each caller's work is
// still atomic (a domain error rolls back its savepoint only), runs alone
// on the connection, and is durable when InTx returns.

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

// ErrClosed is returned by InTx on a closed store.
var ErrClosed = errors.New("store: closed")

// errAbortBatch rolls a shared transaction back so its callers can be run
// one by one.
var errAbortBatch = errors.New("store: batch aborted")

// Start starts the writer goroutine.
func (db *DB) Start() {
	db.queue = make(chan *writeReq)
	db.quit = make(chan struct{})
	db.stopped = make(chan struct{})
	go db.writerLoop()
}

// Stop stops the writer; false when it was not running.
func (db *DB) Stop() bool {
	if db.quit == nil {
		return false
	}
	select {
	case <-db.quit:
		return false
	default:
	}
	close(db.quit)
	<-db.stopped
	return true
}

// Done is closed when the store stops.
func (db *DB) Done() <-chan struct{} { return db.quit }

// submit hands fn to the writer and waits for its commit.
func (db *DB) submit(ctx context.Context, fn func(booking.Tx) error) error {
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan writeResult, 1)}
	select {
	case db.queue <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.quit:
		return ErrClosed
	}
	r := <-req.done
	if r.panicVal != nil {
		panic(r.panicVal)
	}
	return r.err
}

func (db *DB) writerLoop() {
	defer close(db.stopped)
	for {
		var first *writeReq
		select {
		case first = <-db.queue:
		case <-db.quit:
			return
		}
		batch := []*writeReq{first}
	collect:
		for len(batch) < maxBatch {
			select {
			case r := <-db.queue:
				batch = append(batch, r)
			default:
				break collect
			}
		}
		db.runBatch(batch)
	}
}

// runBatch commits the batch together, or each request alone when the
// shared transaction had to be abandoned.
func (db *DB) runBatch(batch []*writeReq) {
	db.commits.Add(1)
	db.requests.Add(int64(len(batch)))
	if len(batch) == 1 {
		batch[0].done <- db.runAlone(batch[0])
		return
	}
	ctx := context.Background()
	results := make([]*writeResult, len(batch))
	err := db.withWriteTx(ctx, func(t *sql.Tx) error {
		for i, r := range batch {
			if r.ctx.Err() != nil {
				results[i] = &writeResult{err: r.ctx.Err()}
				continue
			}
			res, keep := db.runInSavepoint(ctx, t, r)
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
			r.done <- db.runAlone(r)
		}
	}
}

// runInSavepoint runs one request inside the shared transaction. keep is
// false when the transaction can no longer be trusted (a driver error or a
// panic): the engine may have rolled it back already.
func (db *DB) runInSavepoint(ctx context.Context, t *sql.Tx, r *writeReq) (res writeResult, keep bool) {
	if _, err := t.ExecContext(ctx, "SAVEPOINT w"); err != nil {
		return writeResult{err: err}, false
	}
	res = call(&Tx{db: db, sqlTx: t, q: t, ctx: ctx}, r.fn)
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

func (db *DB) runAlone(r *writeReq) writeResult {
	var res writeResult
	err := db.withWriteTx(r.ctx, func(t *sql.Tx) error {
		res = call(&Tx{db: db, sqlTx: t, q: t, ctx: r.ctx}, r.fn)
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

// withWriteTx runs fn in a transaction from Dialect.BeginWrite, committed
// when fn returns nil and rolled back otherwise.
func (db *DB) withWriteTx(ctx context.Context, fn func(*sql.Tx) error) error {
	t, err := db.d.BeginWrite(ctx)
	if err != nil {
		return err
	}
	return RunTx(t, fn)
}

// call runs fn, turning a panic into a value to re-raise in the caller.
func call(t *Tx, fn func(booking.Tx) error) (res writeResult) {
	defer func() {
		if p := recover(); p != nil {
			res = writeResult{panicVal: p}
		}
	}()
	return writeResult{err: fn(t)}
}
