package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/sqlstore"
	"yuyue/store/storetest"
)

// Many concurrent InTx calls with every kind of outcome: each keeps its own
// atomicity whether it shared a commit or not. A domain error rolls back
// only its call's savepoint; an internal error or a panic abandons the
// shared transaction (every call in it runs again alone), so those are
// few here, or nothing would be left to group.
func TestGroupCommitKeepsEachCallAtomic(t *testing.T) {
	s := storetest.Open(t)
	const n = 400
	domain := func(i int) bool { return i%4 == 1 }
	internal := func(i int) bool { return i == 102 }
	panics := func(i int) bool { return i == 203 }
	var wg sync.WaitGroup
	results := make([]error, n)
	panicked := make([]any, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panicked[i] = recover() }()
			results[i] = s.InTx(ctx, func(tx booking.Tx) error {
				if err := tx.Audit(booking.AuditEntry{Actor: fmt.Sprint(i), Action: "t"}); err != nil {
					return err
				}
				switch {
				case domain(i):
					return booking.Errorf(booking.EConflict, "domain error after a write")
				case internal(i):
					return errors.New("internal error after a write")
				case panics(i):
					panic(fmt.Sprintf("panic %d", i))
				}
				return nil
			})
		}()
	}
	wg.Wait()
	var kept int
	s.Reader().QueryRow(`SELECT count(*) FROM audit WHERE action = 't'`).Scan(&kept)
	want := 0
	for i := range n {
		switch {
		case !domain(i) && !internal(i) && !panics(i):
			want++
			if results[i] != nil || panicked[i] != nil {
				t.Fatalf("call %d: %v %v", i, results[i], panicked[i])
			}
		case domain(i) && booking.ErrorCode(results[i]) != booking.EConflict,
			internal(i) && (results[i] == nil || booking.ErrorCode(results[i]) != booking.EInternal),
			panics(i) && panicked[i] != fmt.Sprintf("panic %d", i):
			t.Fatalf("call %d: %v %v", i, results[i], panicked[i])
		}
	}
	if kept != want {
		t.Fatalf("%d audit rows committed, want %d (only the successful calls)", kept, want)
	}
	commits, requests := s.CommitStats()
	if requests < n || commits*2 >= requests {
		t.Fatalf("%d commits for %d calls: the calls were not grouped", commits, requests)
	}
	t.Logf("%d calls in %d commits", requests, commits)
}

func TestInTxAfterCloseFails(t *testing.T) {
	s := storetest.Open(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.InTx(ctx, func(booking.Tx) error { return nil }); !errors.Is(err, sqlstore.ErrClosed) {
		t.Fatalf("InTx on a closed store: %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// A violated constraint inside a transaction maps to its domain code and
// leaves the transaction usable on both engines (PostgreSQL guards the
// statement with a savepoint; SQLite fails only the statement).
func TestConstraintViolationKeepsTransaction(t *testing.T) {
	s := storetest.Open(t)
	c1 := booking.Citizen{Name: "甲", IDNumber: storetest.ID(1), IDMasked: "x", Phone: storetest.Phone(1), Active: true}
	c2 := booking.Citizen{Name: "乙", IDNumber: storetest.ID(2), IDMasked: "y", Phone: storetest.Phone(1), Active: true}
	err := s.InTx(ctx, func(tx booking.Tx) error {
		if err := tx.InsertCitizen(&c1); err != nil {
			return err
		}
		if err := tx.InsertCitizen(&c2); booking.ErrorCode(err) != booking.EPhoneLinked {
			t.Errorf("second citizen on the phone: %v, want phone_linked", err)
		}
		return tx.Audit(booking.AuditEntry{Actor: "t", Action: "after"})
	})
	if err != nil {
		t.Fatalf("transaction after a handled violation: %v", err)
	}
	var n int
	s.Reader().QueryRow(`SELECT count(*) FROM audit WHERE action = 'after'`).Scan(&n)
	if n != 1 || c1.ID == 0 {
		t.Fatalf("after the violation: %d audit rows, first citizen id %d", n, c1.ID)
	}
}

// Light calls share a commit without a savepoint each (sqlstore's
// runLightUnit): a call that fails having changed nothing — before any
// write, or on a lost compare-and-set — leaves the shared transaction as it
// was, so the others still commit together; one that fails after writing,
// or after a statement of its own failed (which leaves a PostgreSQL
// transaction aborted, even when the call swallowed the error), abandons
// it, and every call in it runs again alone. Either way each call's
// session lands exactly when the call succeeded. (On SQLite light calls
// are serial InTx calls, and the same must hold.)
func TestGroupCommitKeepsEachLightCallAtomic(t *testing.T) {
	s := storetest.Open(t)
	_, ok := s.(booking.LightStore)
	if !ok {
		t.Fatal("the store cannot run light steps")
	}
	const n = 400
	// What call i does. Only two calls send their shared transaction back,
	// or nothing would be left to group.
	afterWrite := func(i int) bool { return i == 77 }
	swallowed := func(i int) bool { return i == 311 }
	beforeWrite := func(i int) bool { return i%8 == 2 }
	lostCAS := func(i int) bool { return i%8 == 6 }
	failed := func(i int) bool { return afterWrite(i) || swallowed(i) || beforeWrite(i) || lostCAS(i) }
	type execer interface {
		Exec(query string, args ...any) (sql.Result, error)
	}
	now := time.Unix(1_800_000_000, 0)
	var wg sync.WaitGroup
	results := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, results[i] = storetest.LightStep(ctx, s, func(tx booking.Tx) error {
				switch {
				case beforeWrite(i):
					return booking.Errorf(booking.EConflict, "domain error before any write")
				case lostCAS(i):
					return tx.UpdateCall(booking.CallRecord{SID: "CAnobody", Step: "menu", Seq: 2, Data: []byte("{}"), UpdatedAt: now}, 1)
				case swallowed(i):
					// fails on PostgreSQL (division by zero), matches nothing on SQLite
					tx.(execer).Exec(`UPDATE call_sessions SET step = 'x' WHERE seq = 1/0`)
					return booking.Errorf(booking.EConflict, "domain error after a failed statement")
				}
				if err := tx.InsertCall(booking.CallRecord{SID: fmt.Sprintf("CAlight%04d", i), Step: "menu", Data: []byte("{}"), CreatedAt: now, UpdatedAt: now}); err != nil {
					return err
				}
				if afterWrite(i) {
					return booking.Errorf(booking.EConflict, "domain error after a write")
				}
				return nil
			})
		}()
	}
	wg.Wait()
	want := 0
	for i := range n {
		if !failed(i) {
			want++
		}
		if failed(i) != (booking.ErrorCode(results[i]) == booking.EConflict) || (!failed(i) && results[i] != nil) {
			t.Fatalf("call %d: %v", i, results[i])
		}
	}
	rows, err := s.Reader().Query(`SELECT call_sid FROM call_sessions WHERE call_sid LIKE 'CAlight%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	kept := 0
	for rows.Next() {
		var sid string
		var i int
		if err := rows.Scan(&sid); err != nil {
			t.Fatal(err)
		}
		fmt.Sscanf(sid, "CAlight%04d", &i)
		if failed(i) {
			t.Fatalf("call %d failed, yet its session %s was committed", i, sid)
		}
		kept++
	}
	if kept != want {
		t.Fatalf("%d sessions committed, want %d (only the successful calls)", kept, want)
	}
	// A call that failed having changed nothing (a quarter of them) must
	// not cost the others their shared commit: only the transactions the
	// two others were in run again, call by call.
	commits, requests := s.CommitStats()
	if commits*2 >= requests {
		t.Fatalf("%d commits for %d calls: the calls were not grouped", commits, requests)
	}
	t.Logf("%d light calls in %d commits", requests, commits)
}

// Where the engine has several writers (PostgreSQL), the outbox's claims
// and send records have a writer of their own: they commit while the
// channels' writer is busy — in a rush it has hundreds of steps waiting,
// and each code waited behind them. On SQLite's one writer they wait for
// it, as every write does.
func TestOutboxWritesDoNotWaitForTheChannelsWriter(t *testing.T) {
	s := storetest.Open(t)
	q, okQ := s.(booking.QueueStore)
	o, okO := s.(booking.OutboxStore)
	if !okQ || !okO {
		t.Fatal("the store has no outbox transactions")
	}
	free, channel := storetest.HoldWriter(t, s) // the channels' writer is inside a transaction until free
	outbox := make(chan error, 1)
	go func() {
		err := o.InOutboxTx(ctx, func(tx booking.Tx) error {
			return tx.Enqueue(booking.Message{To: storetest.Phone(1), Kind: booking.MsgCode, Params: map[string]string{"code": "482913"}})
		})
		if err == nil {
			err = q.InQueueTx(ctx, func(tx booking.Tx) error {
				items, err := tx.ClaimMessages(time.Now().Add(time.Minute), 8)
				if err == nil && len(items) != 1 {
					err = fmt.Errorf("claimed %d messages, want 1", len(items))
				}
				return err
			})
		}
		outbox <- err
	}()
	storetest.AwaitBesideHeldWriter(t, free, channel, outbox, "the outbox's transactions")
}

// The outbox's claims and send records go ahead of the call steps queued
// for the writer: on SQLite's one writer they take the next batch, instead
// of waiting their turn behind a rush's hundreds of steps while the outbox's
// send slots stay taken (on PostgreSQL they have a writer of their own).
// Here 150 steps queue behind a held transaction, then a send's record.
func TestOutboxWritesGoAheadOfQueuedSteps(t *testing.T) {
	r := newOrderRig(t)
	s, o, w := r.s, r.o, r.w
	errs := make(chan error, 200)
	const steps = 150
	r.start(errs, steps, s.InTx, func(i int) string { return fmt.Sprint("step", i) }, booking.MsgConfirmation, 0)
	waitFor(t, func() bool { return storetest.Queued(w, steps) })
	r.start(errs, 1, o.InOutboxTx, func(int) string { return "outbox" }, booking.MsgCode, 999)
	waitFor(t, func() bool {
		return storetest.Queued(w, steps+1) || r.ranSoFar() > 0 // PostgreSQL: the outbox's writer already ran it
	})
	order := r.release(t, errs, steps+1)
	at := slices.Index(order, "outbox")
	if at < 0 || at >= 64 {
		t.Fatalf("the send's record ran %dth of %d, after the steps queued before it", at+1, len(order))
	}
}

// A call step that texts a code (InUrgentTx) does not wait behind the
// steps queued for the writer before it: the channels' writer (on SQLite
// the one writer) takes it into its next batch.
func TestCodeStepGoesAheadOfQueuedSteps(t *testing.T) {
	r := newOrderRig(t)
	s, w := r.s, r.w
	u, ok := s.(booking.UrgentStore)
	if !ok {
		t.Fatal("the store cannot run a step ahead")
	}
	errs := make(chan error, 200)
	const steps = 150
	r.start(errs, steps, s.InTx, func(i int) string { return fmt.Sprint("step", i) }, booking.MsgConfirmation, 0)
	waitFor(t, func() bool { return storetest.Queued(w, steps) })
	r.start(errs, 1, u.InUrgentTx, func(int) string { return "code" }, booking.MsgCode, 999)
	waitFor(t, func() bool { return storetest.Queued(w, steps+1) })
	order := r.release(t, errs, steps+1)
	if at := slices.Index(order, "code"); at < 0 || at >= 64 {
		t.Fatalf("the code's step ran %dth of %d, after the steps queued before it", at+1, len(order))
	}
}

// A flood of steps that text codes does not keep the other steps out:
// on SQLite they go ahead at most half a batch at a time; on PostgreSQL
// in batches of their own, each followed by one of the queue's while it
// waits, so the queued steps run right after the first.
func TestCodeStepFloodLeavesRoomForSteps(t *testing.T) {
	r := newOrderRig(t)
	s, w := r.s, r.w
	u := s.(booking.UrgentStore)
	const codes, steps = 150, 10
	errs := make(chan error, codes+steps)
	r.start(errs, steps, s.InTx, func(int) string { return "step" }, booking.MsgConfirmation, 1000)
	waitFor(t, func() bool { return storetest.Queued(w, steps) })
	r.start(errs, codes, u.InUrgentTx, func(int) string { return "code" }, booking.MsgCode, 0)
	waitFor(t, func() bool { return storetest.Queued(w, steps+codes) })
	order := r.release(t, errs, codes+steps)
	last := -1
	for i, who := range order {
		if who == "step" {
			last = i
		}
	}
	limit := 64 // one batch
	if storetest.OnPostgres(t) {
		limit = 64 + steps // one batch of codes, then the queue's
	}
	if last < 0 || last >= limit {
		t.Fatalf("the last queued step ran %dth of %d, behind the code steps that came after it", last+1, len(order))
	}
}

// A flood of outbox work (the 10:00 reminders at a high send rate) does not
// keep the callers' steps out of the commits: on SQLite's one writer what
// waits ahead takes at most half a batch while steps wait too.
func TestOutboxFloodLeavesRoomForSteps(t *testing.T) {
	r := newOrderRig(t)
	s, o, w := r.s, r.o, r.w
	const each = 100
	errs := make(chan error, 2*each)
	r.start(errs, each, o.InOutboxTx, func(int) string { return "outbox" }, booking.MsgReminder, 0)
	waitFor(t, func() bool {
		return storetest.Queued(w, each) || r.ranSoFar() >= each // PostgreSQL: the outbox's writer runs them
	})
	r.start(errs, each, s.InTx, func(int) string { return "step" }, booking.MsgConfirmation, 1000)
	want := 2 * each // SQLite: the outbox's requests wait for the one writer too
	if storetest.OnPostgres(t) {
		want = each
	}
	waitFor(t, func() bool { return storetest.Queued(w, want) })
	order := r.release(t, errs, 2*each)
	if storetest.OnPostgres(t) {
		return // the outbox has a writer of its own: it ran while the steps were held
	}
	if at := slices.Index(order, "step"); at < 0 || at >= 64 {
		t.Fatalf("the first step ran %dth of %d: the outbox's requests filled whole batches", at+1, len(order))
	}
}

// orderRig is a store whose channels' writer is held (HoldWriter), with a
// log of the order in which requests ran (on SQLite nothing runs twice).
type orderRig struct {
	s     storetest.DB
	o     booking.OutboxStore
	w     interface{ Waiting() int }
	free  func()
	held  <-chan error
	mu    sync.Mutex
	order []string
}

func newOrderRig(t *testing.T) *orderRig {
	r := &orderRig{s: storetest.Open(t)}
	var okO, okW bool
	r.o, okO = r.s.(booking.OutboxStore)
	r.w, okW = r.s.(interface{ Waiting() int })
	if !okO || !okW {
		t.Fatal("the store has no outbox transactions or no waiting count")
	}
	r.free, r.held = storetest.HoldWriter(t, r.s)
	return r
}

// start sends n transactions through submit, each noting who(i) ran and
// queuing a message of kind to Phone(phone0+i); their results go to errs.
func (r *orderRig) start(errs chan<- error, n int, submit func(context.Context, func(booking.Tx) error) error, who func(int) string, kind string, phone0 int) {
	for i := range n {
		go func() {
			errs <- submit(ctx, func(tx booking.Tx) error {
				r.ran(who(i))
				params := map[string]string{}
				if kind == booking.MsgCode {
					params["code"] = "482913"
				}
				return tx.Enqueue(booking.Message{To: storetest.Phone(phone0 + i), Kind: kind, Params: params})
			})
		}()
	}
}

func (r *orderRig) ran(who string) { r.mu.Lock(); r.order = append(r.order, who); r.mu.Unlock() }

func (r *orderRig) ranSoFar() int { r.mu.Lock(); defer r.mu.Unlock(); return len(r.order) }

// release frees the writer, checks its transaction and the n results on
// errs, and returns the order everything ran in.
func (r *orderRig) release(t *testing.T, errs <-chan error, n int) []string {
	t.Helper()
	r.free()
	if err := <-r.held; err != nil {
		t.Fatal(err)
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.order
}

// waitFor polls cond until it holds, failing the test after 30 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(30 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("timed out waiting")
		}
	}
}

// On PostgreSQL, batches with steps that text codes take turns across
// nodes: a code step on a second node waits for the first node's to end
// and begins after its commit, so it sees what that one wrote (under
// SERIALIZABLE the two would otherwise run side by side and, with the
// unverified budget's count, fail each other). SQLite's one writer takes
// no turns: every write transaction there is serial anyway.
func TestCodeStepsTakeTurnsAcrossNodes(t *testing.T) {
	a := storetest.Open(t)
	if !storetest.OnPostgres(t) {
		t.Skip("one writer: every write transaction is serial, no turns to take")
	}
	b := storetest.Sibling(t, a)
	ua, ub := a.(booking.UrgentStore), b.(booking.UrgentStore)
	inA, releaseA := make(chan struct{}), make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(releaseA) }) }
	defer release() // a failed check must not leave the writer held: the stores close at cleanup
	errs := make(chan error, 2)
	go func() {
		errs <- ua.InUrgentTx(ctx, func(tx booking.Tx) error {
			if err := tx.Enqueue(booking.Message{To: storetest.Phone(1), Kind: booking.MsgCode, Params: map[string]string{"code": "482913"}}); err != nil {
				return err
			}
			close(inA)
			<-releaseA
			return nil
		})
	}()
	<-inA
	var seen booking.OutboxStats
	go func() {
		errs <- ub.InUrgentTx(ctx, func(tx booking.Tx) (err error) {
			seen, err = tx.OutboxStats()
			return err
		})
	}()
	// The turn's own lock in this database: other tests' schemas wait for
	// turns of their own.
	waitFor(t, func() bool { // b's writer waits for the turn a holds
		return a.(interface{ TurnWaited(sqlstore.Turn) bool }).TurnWaited(sqlstore.CodeTurn)
	})
	release()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if seen["pending"] != 1 {
		t.Fatalf("the second node's code step saw the outbox as %v: it ran beside the first's, not after it", seen)
	}
}

// A node that holds the code turn too long (frozen, or a slow database)
// does not stop the others: a code step waits for the turn a bounded
// while, then runs without it, and the miss is counted.
func TestCodeStepRunsWithoutATurnNotHadInTime(t *testing.T) {
	a := storetest.Open(t)
	if !storetest.OnPostgres(t) {
		t.Skip("one writer: every write transaction is serial, no turns to take")
	}
	b := storetest.Sibling(t, a)
	inA, releaseA := make(chan struct{}), make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(releaseA) }) }
	defer release()
	errs := make(chan error, 1)
	go func() {
		errs <- a.(booking.UrgentStore).InUrgentTx(ctx, func(tx booking.Tx) error {
			close(inA)
			<-releaseA
			return nil
		})
	}()
	<-inA
	if err := b.(booking.UrgentStore).InUrgentTx(ctx, func(tx booking.Tx) error {
		return tx.Enqueue(booking.Message{To: storetest.Phone(2), Kind: booking.MsgCode, Params: map[string]string{"code": "482913"}})
	}); err != nil {
		t.Fatalf("the code step on the other node: %v", err)
	}
	if n := b.(interface{ TurnsMissed() int64 }).TurnsMissed(); n != 1 {
		t.Fatalf("turns missed: %d, want 1", n)
	}
	release()
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
}

// The outbox's own requests (its claims, the records around a send) share
// a commit without a savepoint each: they have no refusal to undo alone.
// One that fails abandons the shared transaction instead; the others then
// run again alone and commit, and nothing of the failed one is kept.
func TestOutboxWritesShareACommitWithoutSavepoints(t *testing.T) {
	s := storetest.Open(t)
	o, okO := s.(booking.OutboxStore)
	w, okW := s.(interface{ Waiting() int })
	if !okO || !okW {
		t.Fatal("the store has no outbox transactions or no waiting count")
	}
	stats, ok := s.(interface {
		StatementStats() sqlstore.StatementStats
	})
	if !ok {
		t.Fatal("the store has no statement counts")
	}
	rows := func(first, n int) (kept int) {
		t.Helper()
		for i := first; i < first+n; i++ {
			var c int
			// $1: both engines read it
			if err := s.Reader().QueryRow(`SELECT count(*) FROM outbox WHERE to_phone = $1`, storetest.Phone(i)).Scan(&c); err != nil {
				t.Fatal(err)
			}
			kept += c
		}
		return kept
	}
	// batch queues n records behind a held outbox writer (on SQLite the one
	// writer), the failing one's failing after its write, and returns each
	// one's result once the writer is freed.
	batch := func(first, n, failing int) []error {
		t.Helper()
		free, heldDone := storetest.Hold(t, o.InOutboxTx)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				errs[i] = o.InOutboxTx(ctx, func(tx booking.Tx) error {
					if err := tx.Enqueue(booking.Message{To: storetest.Phone(first + i), Kind: booking.MsgConfirmation, Params: map[string]string{}}); err != nil {
						return err
					}
					if i == failing {
						return errors.New("the record failed after its write")
					}
					return nil
				})
			})
		}
		waitFor(t, func() bool { return storetest.Queued(w, n) })
		free()
		if err := <-heldDone; err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		return errs
	}

	const n = 12
	before := stats.StatementStats()
	for i, err := range batch(0, n, -1) {
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	after := stats.StatementStats()
	if got := after.SavepointTrips - before.SavepointTrips; got != 0 {
		t.Errorf("%d records in one batch sent %d savepoint statements, want none", n, got)
	}
	if got := after.Commits - before.Commits; got >= n {
		t.Errorf("%d records took %d commits: they did not share one", n, got)
	}
	if got := rows(0, n); got != n {
		t.Fatalf("%d records kept, want %d", got, n)
	}

	const failing = 5
	errs := batch(n, n, failing)
	for i, err := range errs {
		if (i == failing) != (err != nil) {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	if booking.ErrorCode(errs[failing]) != booking.EInternal {
		t.Errorf("the failed record's error: %v, want an internal one", errs[failing])
	}
	if got := rows(n, n); got != n-1 {
		t.Fatalf("%d records kept after one failed, want %d (all but the failed one)", got, n-1)
	}
}
