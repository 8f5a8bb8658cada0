package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"yuyue/booking"
)

// Group commit. Every commit waits for a flush to disk, and within one
// process writers take turns anyway (SQLite has one writer). Concurrent
// InTx calls are therefore handed to a writer goroutine, which runs the
// ones waiting together in a single transaction, each serial one inside
// its own SAVEPOINT (a Light one without: runLightUnit), and commits once.
// Each caller's work is still atomic (a domain error rolls back its
// savepoint only), runs alone on the connection, and is durable when InTx
// returns. SQLite has one writer goroutine, which takes the outbox's
// requests (InQueueTx, InOutboxTx) and the steps that text codes
// (InUrgentTx) ahead of the others, up to half a batch; an engine with
// several writers (PostgreSQL) has a second one for the outbox, and its
// channels' writer takes the steps that text codes ahead in batches of
// their own, each followed by one of the queue's while steps wait.
//
// Re-running. The work of an InTx call may run more than once: when the
// shared transaction must be abandoned (one caller's internal error or
// panic) the others run again, each alone, and on PostgreSQL a transaction
// the engine gave up to keep the serial order (Dialect.Retryable) runs
// again from the start, up to maxTries times. Nothing of a failed attempt
// was committed, so fn must only be safe to call again: whatever it does
// outside the transaction (a captured result, a counter) it must set, not
// add to. A panic is never re-run: it is re-raised in its caller once.

// maxTries bounds how often one caller's work runs when the engine keeps
// giving its transaction up; batchTries how often a shared transaction is
// retried whole before its callers run one by one.
const (
	maxTries   = 20
	batchTries = 3
)

// ErrBusy is what InTx returns when the engine gave its transaction up
// maxTries times running (errors.Is); booking.ErrorCode makes it
// EInternal, which every channel answers as "try again later".
var ErrBusy = errors.New("store: busy")

// maxBatch bounds how many callers share one commit.
const maxBatch = 64

type writeReq struct {
	ctx  context.Context
	iso  Isolation
	fn   func(booking.Tx) error
	done chan writeResult
	// texts: a call step that texts a code (InUrgentTx), whose batch runs
	// in the code turn where the dialect has one (Turner, CodeTurn).
	texts bool
	// bare: the outbox's own work (InQueueTx, InOutboxTx), which refuses
	// nothing, shares its batch's transaction without a savepoint of its
	// own (runBareUnit).
	bare bool
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

// Start starts the writer goroutines: the channels' writer and, where the
// engine has several writers (not SQLite's one), the outbox's own. On
// SQLite the one writer takes the outbox's requests (side) ahead of the
// channels' queue: in a rush hundreds of call steps wait there, and a
// claim or a send's record that waited its turn behind them held the
// outbox's send slots for seconds while the provider was idle. The steps
// that hand out SMS codes (urgent) go ahead of the same queue for the
// same reason: the caller waits for the text, on two PostgreSQL nodes in
// a rush seconds longer than the 2 s the code may take.
func (db *DB) Start() {
	db.queue = make(chan *writeReq)
	db.side = make(chan *writeReq)
	db.urgent = make(chan *writeReq)
	db.quit = make(chan struct{})
	db.stopped = make(chan struct{})
	db.life, db.endLife = context.WithCancel(context.Background())
	var loops sync.WaitGroup
	if db.oneWriter() {
		loops.Go(func() { db.writerLoop(db.side, db.queue, false) })
	} else {
		loops.Go(func() { db.writerLoop(db.urgent, db.queue, true) })
		loops.Go(func() { db.writerLoop(nil, db.side, false) })
	}
	go func() { loops.Wait(); close(db.stopped) }()
}

// Stop stops the writers; false when they were not running.
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
	db.endLife() // a writer waiting for the code turn stops waiting
	<-db.stopped
	return true
}

// Done is closed when the store stops.
func (db *DB) Done() <-chan struct{} { return db.quit }

// submit hands fn to the channels' writer and waits for its commit.
func (db *DB) submit(ctx context.Context, iso Isolation, fn func(booking.Tx) error) error {
	return db.submitTo(db.queue, ctx, iso, fn)
}

// submitTo hands fn to the writer reading q and waits for its commit.
func (db *DB) submitTo(q chan *writeReq, ctx context.Context, iso Isolation, fn func(booking.Tx) error) error {
	return db.submitReq(q, &writeReq{ctx: ctx, iso: iso, fn: fn})
}

// submitReq hands req to the writer reading q and waits for its commit.
func (db *DB) submitReq(q chan *writeReq, req *writeReq) error {
	ctx := req.ctx
	req.done = make(chan writeResult, 1)
	db.waiting.Add(1)
	if req.texts {
		db.codesWaiting.Add(1)
	}
	var err error
	select {
	case q <- req:
	case <-ctx.Done():
		err = ctx.Err()
	case <-db.quit:
		err = ErrClosed
	}
	db.waiting.Add(-1)
	if req.texts {
		db.codesWaiting.Add(-1)
	}
	if err != nil {
		return err
	}
	r := <-req.done
	if r.panicVal != nil {
		panic(r.panicVal)
	}
	return r.err
}

// writerLoop runs the requests sent on ahead and q in shared transactions
// until the store stops, taking what waits on first (nil: none) before
// what waits on q. Where apart, ahead's requests (the steps that text
// codes, on an engine with several writers) run in batches of their own,
// up to a full batch, and a batch of them is followed by one of the
// others when any wait: such a batch holds the code turn (runBatch),
// which navigation steps sharing it would hold as long. Half batches of
// codes, each followed by a queue batch and a turn, were the codes' wait
// in a two-node rush (p99 5.5-7.0 s against 1.1-2.8 s with full ones,
// alternated runs).
func (db *DB) writerLoop(ahead, q chan *writeReq, apart bool) {
	mixed := ahead // what the mixed batches take from ahead
	if apart {
		mixed = nil
	}
	aheadBatch := func(first *writeReq) {
		batch := []*writeReq{first}
		for len(batch) < maxBatch {
			r := poll(ahead)
			if r == nil {
				break
			}
			batch = append(batch, r)
		}
		db.runBatch(batch)
	}
	lastApart := false
	// later holds requests taken from the queue while a batch of another
	// isolation was collected (one transaction has one isolation); they
	// start the next batches, oldest first, so that steps run lightly and
	// serially side by side still share commits instead of alternating.
	var later []*writeReq
	fromAhead := 0 // requests of the batch being collected taken from ahead
	takeAhead := func() *writeReq {
		r := poll(mixed)
		if r != nil {
			fromAhead++
		}
		return r
	}
	for {
		if apart && !lastApart {
			if r := poll(ahead); r != nil {
				aheadBatch(r)
				lastApart = true
				continue
			}
		}
		lastApart = false
		fromAhead = 0
		var first *writeReq
		if len(later) > 0 {
			first, later = later[0], later[1:]
		} else if first = takeAhead(); first == nil && apart {
			first = poll(q) // the queue's turn: the last batch was ahead's, or none waits there
		}
		if first == nil {
			select {
			case first = <-ahead:
				if apart {
					aheadBatch(first)
					lastApart = true
					continue
				}
				fromAhead++
			case first = <-q:
			case <-db.quit:
				return
			}
		}
		batch := []*writeReq{first}
		kept := later[:0]
		for _, r := range later {
			if r.iso == first.iso && len(batch) < maxBatch {
				batch = append(batch, r)
			} else {
				kept = append(kept, r)
			}
		}
		later = kept
	collect:
		for len(batch) < maxBatch && len(later) < maxBatch {
			// What waits ahead goes first, but takes at most half a batch
			// while the queue has requests too: a flood of outbox work
			// (the 10:00 reminders at a high send rate) must not keep the
			// callers' steps out of the commits.
			var r *writeReq
			if fromAhead < maxBatch/2 {
				r = takeAhead()
			}
			if r == nil {
				r = poll(q)
			}
			if r == nil {
				r = takeAhead()
			}
			switch {
			case r == nil:
				break collect
			case r.iso != first.iso:
				later = append(later, r)
			default:
				batch = append(batch, r)
			}
		}
		db.runBatch(batch)
	}
}

// poll takes a request waiting on q without waiting; nil when none is (a
// nil channel has none).
func poll(q chan *writeReq) *writeReq {
	select {
	case r := <-q:
		return r
	default:
		return nil
	}
}

// codeTurnWait bounds the wait for the turn: turns last milliseconds, and
// a node that froze holding one loses it only after the server's
// idle-in-transaction timeout.
const codeTurnWait = 2 * time.Second

// turnAfterConflict is how long after the engine gave one of its
// transactions up (Retryable) a writer takes the turn for every serial
// batch, not only for those that text codes.
const turnAfterConflict = 500 * time.Millisecond

// turn is one batch's hold on a turn across nodes (Turner), taken before
// its transaction begins or, when the engine gave that transaction up,
// before the next attempt.
type turn struct {
	db      *DB
	tr      Turner
	which   Turn
	release func()
	// tried: the batch asked for the turn once, had it or not; it waits
	// for it at most once (codeTurnWait), retries and requests run alone
	// included, and a miss counts once.
	tried bool
}

// take waits for the turn unless the batch asked for it before. Not had
// within codeTurnWait (the store stopping, the database refused it) the
// batch runs all the same, and TurnsMissed counts it.
func (t *turn) take() {
	if t == nil || t.tried {
		return
	}
	t.tried = true
	ctx, cancel := context.WithTimeout(t.db.life, codeTurnWait)
	defer cancel()
	release, err := t.tr.Turn(ctx, t.which)
	if err != nil {
		t.db.turnsMissed.Add(1)
		return
	}
	if t.which == ConflictTurn {
		t.db.conflictTurns.Add(1)
	} else {
		t.db.codeTurns.Add(1)
	}
	t.release = release
}

// takeAfterConflict takes the conflict turn for a serial transaction when
// conflictTurnNow says so.
func (t *turn) takeAfterConflict(iso Isolation) {
	if t != nil && t.which == ConflictTurn && iso == Serial && t.db.conflictTurnNow() {
		t.take()
	}
}

func (t *turn) done() {
	if t.release != nil {
		t.release()
		t.release = nil
	}
}

// conflictTurnNow says whether a serial batch takes the conflict turn
// before it begins: the engine gave one of this store's transactions up
// within turnAfterConflict, and no step that texts a code waits for a
// writer. The writer that waits for the turn is the one that runs the code
// steps, and in a two-node rush codes waited behind that wait: codes asked
// → accepted p50 1.3–1.9 s in half the runs, against 0.3 s.
func (db *DB) conflictTurnNow() bool {
	return !db.noConflictTurn.Load() && db.codesWaiting.Load() == 0 &&
		time.Now().UnixNano() < db.conflictUntil.Load()
}

// conflicted notes that the engine gave a transaction up: for the next
// turnAfterConflict every serial batch takes the turn (runBatch).
func (db *DB) conflicted() {
	db.conflictUntil.Store(time.Now().Add(turnAfterConflict).UnixNano())
}

// runBatch commits the batch together, or each request alone when the
// shared transaction had to be abandoned. A batch the engine gave up
// (Retryable) runs again whole, up to batchTries times, before its
// requests run one by one. Where the dialect has turns across nodes
// (Turner), a batch that holds a step that texts a code takes CodeTurn
// before it begins; any other batch takes ConflictTurn before it begins
// when it is serial and the engine gave one of this store's transactions
// up within turnAfterConflict, and before it runs again after the engine
// gave it up (conflictTurnNow: not while a code step waits for a writer).
// A batch asks for a turn at most once; held, the turn lasts to the end of
// the batch, its requests run alone included. Two nodes whose serial
// batches keep failing each other so take turns for a while instead (each
// failure ran a whole batch again). A node alone seldom takes the conflict
// turn (only its own two writers can fail each other), and nobody else
// holds it then.
func (db *DB) runBatch(batch []*writeReq) {
	var tn *turn
	if tr, ok := db.d.(Turner); ok {
		tn = &turn{db: db, tr: tr, which: ConflictTurn}
		defer tn.done()
		if slices.ContainsFunc(batch, func(r *writeReq) bool { return r.texts }) {
			tn.which = CodeTurn
			tn.take()
		}
		tn.takeAfterConflict(batch[0].iso)
	}
	if len(batch) == 1 {
		res := db.runAlone(batch[0], tn)
		if db.countUnit(res) {
			db.commits.Add(1)
		}
		batch[0].done <- res // after counting: a caller may read the counts at once
		return
	}
	db.commits.Add(1)
	ctx := context.Background()
	var results []*writeResult
	var lost []int // units whose waiting save changed nothing (pipeline.go)
	err := db.withWriteTx(ctx, batch, batchTries, tn, func(t *sql.Tx) error {
		results = make([]*writeResult, len(batch)) // each attempt starts afresh
		lost = nil
		sp := db.newSavepoints(t)
		sp.pipe = db.pipelineFor(batch[0].iso, len(batch))
		for i, r := range batch {
			if r.ctx.Err() != nil {
				results[i] = &writeResult{err: r.ctx.Err()}
				continue
			}
			sp.pipe.running(i)
			res, keep := db.runInSavepoint(ctx, sp, r)
			if !keep {
				if res.panicVal != nil {
					results[i] = &res // delivered as is, never re-run
					return errAbortBatch
				}
				// Carries the cause, so that a batch the engine gave up
				// is retried whole.
				return fmt.Errorf("%w: %w", errAbortBatch, res.err)
			}
			results[i] = &res
		}
		sp.pipe.running(-1)
		if err := sp.flush(ctx); err != nil {
			return fmt.Errorf("%w: %w", errAbortBatch, err)
		}
		if sp.pipe != nil {
			lost = sp.pipe.lost
		}
		return nil
	})
	if results == nil { // BEGIN failed
		results = make([]*writeResult, len(batch))
	}
	for i, r := range batch {
		var res writeResult
		alone := false
		switch {
		case err == nil && slices.Contains(lost, i):
			// Its save, sent after it finished, changed nothing, and
			// nothing else of it was written: it runs alone for its
			// answer.
			res, alone = db.runAlone(r, tn), true
		case err == nil:
			res = *results[i]
		case results[i] != nil && results[i].panicVal != nil:
			res = *results[i]
		default: // the shared transaction rolled back: nothing of r remains
			res, alone = db.runAlone(r, tn), true
		}
		if db.countUnit(res) && alone {
			db.commits.Add(1) // a transaction of its own, counted as runBatch counts one alone
		}
		r.done <- res
	}
}

// countUnit counts res as a unit of write work, unless it was a light
// attempt thrown away (errNeedsSerial), which is none: it runs again as
// serial. counted says which.
func (db *DB) countUnit(res writeResult) (counted bool) {
	if counted = !errors.Is(res.err, errNeedsSerial); counted {
		db.requests.Add(1)
	}
	return counted
}

// runInSavepoint runs one request inside the shared transaction. keep is
// false when the transaction can no longer be trusted (a driver error or a
// panic): the engine may have rolled it back already.
func (db *DB) runInSavepoint(ctx context.Context, sp *savepoints, r *writeReq) (res writeResult, keep bool) {
	if r.iso == Light {
		return db.runLightUnit(ctx, sp, r)
	}
	if r.bare {
		return db.runBareUnit(ctx, sp, r)
	}
	name := sp.open("w")
	res = call(db.newTx(sp, ctx, r.iso), r.fn)
	if res.panicVal != nil || internalFailure(res.err) {
		return res, false
	}
	if res.err != nil {
		if err := sp.rollbackTo(ctx, name); err != nil {
			return writeResult{err: err}, false
		}
	}
	if err := sp.release(name); err != nil {
		return writeResult{err: err}, false
	}
	return res, true
}

// runLightUnit runs a Light request in the shared transaction without a
// savepoint of its own: a round trip or two fewer on every step that only
// moves a call along, which is most of them. A Light request writes only
// the call's session and journey, and does so last, after everything that
// can refuse it; when it fails having changed nothing there is nothing of
// it to undo. When it fails after changing rows, its writes cannot be
// undone alone; when one of its statements failed (which leaves a
// PostgreSQL transaction aborted) the transaction is no longer usable. In
// both cases the shared transaction is abandoned and every request in it
// runs again alone (runBatch), as after any other failure that leaves the
// transaction in doubt.
func (db *DB) runLightUnit(ctx context.Context, sp *savepoints, r *writeReq) (res writeResult, keep bool) {
	tx := db.newTx(sp, ctx, r.iso)
	res = call(tx, r.fn)
	if res.panicVal != nil || tx.light.failed {
		return res, false
	}
	if res.err != nil && (tx.light.wrote || internalFailure(res.err)) {
		return res, false
	}
	return res, true
}

// runBareUnit runs one of the outbox's own requests (InQueueTx,
// InOutboxTx) in the shared transaction without a savepoint: a claim, the
// China guard's record before a send, the record after it. Such work has
// no domain answer to give: it returns an error only when a statement
// failed or the store did, which leaves the shared transaction in doubt
// anyway. So any error abandons the transaction and every request in it
// runs again alone (runBatch), where this one's error, if it fails again,
// is its caller's. Each savepoint was a statement (on PostgreSQL a round
// trip: a quarter of one per webhook answered under load,
// docs/architecture.md) on every such request that shared a batch.
func (db *DB) runBareUnit(ctx context.Context, sp *savepoints, r *writeReq) (res writeResult, keep bool) {
	res = call(db.newTx(sp, ctx, r.iso), r.fn)
	return res, res.panicVal == nil && res.err == nil
}

// internalFailure is a request's error that leaves the shared transaction
// in doubt (a driver or internal error), as opposed to a domain refusal or
// a Light transaction's refusal of a write.
func internalFailure(err error) bool {
	return err != nil && !errors.Is(err, errNeedsSerial) && booking.ErrorCode(err) == booking.EInternal
}

func (db *DB) runAlone(r *writeReq, tn *turn) writeResult {
	var res writeResult
	err := db.withWriteTx(r.ctx, []*writeReq{r}, maxTries, tn, func(t *sql.Tx) error {
		res = call(db.newTx(db.newSavepoints(t), r.ctx, r.iso), r.fn)
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
// when fn returns nil and rolled back otherwise. When the engine gave the
// transaction up (Dialect.Retryable) fn runs again in a new one, at most
// tries times in all, after a short random pause that grows with each
// attempt (the nodes that collided should not collide again) and, for a
// serial transaction where tn is the conflict turn and conflictTurnNow,
// in that turn; then the error wraps ErrBusy. units are the requests fn
// runs: the first one's isolation is the transaction's, and each is
// counted in GivenUpStats whenever the engine gives the transaction up.
func (db *DB) withWriteTx(ctx context.Context, units []*writeReq, tries int, tn *turn, fn func(*sql.Tx) error) error {
	iso := units[0].iso
	for attempt := 1; ; attempt++ {
		t, err := db.d.BeginWrite(ctx, iso)
		if err == nil {
			db.begins.Add(1)
			err = db.runTx(t, fn)
		}
		if err == nil || !db.d.Retryable(err) {
			return err
		}
		db.retries.Add(1)
		db.countGivenUp(units)
		db.conflicted()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if attempt >= tries {
			// The cause as text only: ErrBusy must not look retryable again.
			return fmt.Errorf("%w: the database gave the transaction up %d times (%v)", ErrBusy, attempt, err)
		}
		pause := time.Duration(rand.Int64N(int64(time.Millisecond) << min(attempt-1, 5)))
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return ctx.Err()
		}
		tn.takeAfterConflict(iso)
	}
}

// runTx is RunTx, after which what the dialect took for t is given
// back (Pipeliner), a panic's included.
func (db *DB) runTx(t *sql.Tx, fn func(*sql.Tx) error) error {
	if p, ok := db.d.(Pipeliner); ok {
		defer p.EndWrite(t)
	}
	return RunTx(t, fn)
}

// call runs fn, turning a panic into a value to re-raise in the caller. A
// Light transaction that was refused a write fails with errNeedsSerial,
// whatever fn made of the refusal.
func call(t *Tx, fn func(booking.Tx) error) (res writeResult) {
	defer func() {
		if p := recover(); p != nil {
			res = writeResult{panicVal: p}
		}
	}()
	err := fn(t)
	if t.light != nil && t.light.refused {
		err = errNeedsSerial
	}
	return writeResult{err: err}
}
