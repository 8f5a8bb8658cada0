package postgres_test

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/postgres"
	"yuyue/store/sqlstore"
	"yuyue/store/storetest"
)

// waitQueued waits until n InTx calls wait for s's writer, parked at its
// channel (storetest.Queued).
func waitQueued(t *testing.T, s *postgres.Store, n int) {
	t.Helper()
	for end := time.Now().Add(30 * time.Second); !storetest.Queued(s, n); time.Sleep(100 * time.Microsecond) {
		if time.Now().After(end) {
			t.Fatalf("waited 30 s for %d calls parked at the writer; %d counted", n, s.Waiting())
		}
	}
}

// A real serialization failure (40001) inside a group commit: another
// connection changes a row after the shared transaction read it. The
// whole batch runs again, every call exactly once more, and commits: each
// call's work is applied once (the other connection's change is not lost),
// a call's domain error still undoes only that call, and the retry is
// counted. The calls are queued colliding one last, each parked at the
// writer's channel before the next starts (waitQueued), and the batch
// runs them in that order. The calls given up are counted by the work
// they were (booking.WorkLabel).
func TestSerializationFailureReRunsBatchOnce(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skipf("%s not set", storetest.PostgresEnv)
	}
	s := storetest.OpenPostgres(t)
	db := s.Reader()
	if _, err := db.Exec(`CREATE TABLE probe (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	const k = 6 // calls 0..k-2 add 1 to their row, k-2 then fails; k-1 is the one that collides
	if _, err := db.Exec(`INSERT INTO probe SELECT g, 0 FROM generate_series(0, $1) g`, k-1); err != nil {
		t.Fatal(err)
	}
	retries0, givenUp0 := s.RetryStats(), s.GivenUpStats()
	commits0, _ := s.CommitStats()
	begins0 := s.StatementStats().Begins
	var runs [k]atomic.Int32
	var seq atomic.Int32
	var first [k]atomic.Int32 // when each call first ran (1, 2, ...)
	run := func(i int) int32 {
		n := runs[i].Add(1)
		if n == 1 {
			first[i].Store(seq.Add(1))
		}
		return n
	}
	add := func(i int) func(booking.Tx) error {
		return func(btx booking.Tx) error {
			run(i)
			if _, err := btx.(*sqlstore.Tx).Exec(`UPDATE probe SET n = n + 1 WHERE id = ?`, i); err != nil {
				return err
			}
			if i == k-2 {
				return booking.Errorf(booking.EConflict, "a domain error after a write")
			}
			return nil
		}
	}
	collide := func(btx booking.Tx) error {
		tx := btx.(*sqlstore.Tx)
		var n int
		if err := tx.QueryRow(`SELECT n FROM probe WHERE id = ?`, k-1).Scan(&n); err != nil {
			return err
		}
		if run(k-1) == 1 {
			// Another node changes the row after this transaction's snapshot.
			if _, err := db.Exec(`UPDATE probe SET n = n + 100 WHERE id = $1`, k-1); err != nil {
				return err
			}
		}
		_, err := tx.Exec(`UPDATE probe SET n = ? WHERE id = ?`, n+1, k-1)
		return err
	}

	// Hold the writer so that the calls queue up, in order, for one batch.
	held, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.InTx(ctx, func(booking.Tx) error { once.Do(func() { close(held) }); <-release; return nil })
	}()
	<-held
	errs := make([]error, k)
	for i := range k {
		fn, cctx := collide, ctx // the colliding call has no label: "other"
		if i < k-1 {
			fn, cctx = add(i), booking.WithWorkLabel(ctx, fmt.Sprintf("probe.%d", i%2))
		}
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = s.InTx(cctx, fn) }()
		waitQueued(t, s, i+1) // the queue is FIFO: the colliding call runs last
	}
	close(release)
	wg.Wait()

	for i := range k {
		want := error(nil)
		if i == k-2 {
			want = errs[i]
			if booking.ErrorCode(want) != booking.EConflict {
				t.Errorf("call %d: %v, want its domain error", i, want)
			}
		}
		if !errors.Is(errs[i], want) || runs[i].Load() != 2 {
			t.Errorf("call %d: %v after %d runs, want success after 2 (the batch once, then again)", i, errs[i], runs[i].Load())
		}
		if first[i].Load() != int32(i+1) {
			t.Errorf("call %d ran %dth in the first attempt, want %dth: the writer did not keep the order the calls queued in", i, first[i].Load(), i+1)
		}
	}
	rows, err := db.Query(`SELECT id, n FROM probe ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		want := 1
		switch id {
		case k - 2:
			want = 0 // its domain error undid its write
		case k - 1:
			want = 101 // the other connection's +100 kept, this call's +1 once
		}
		if n != want {
			t.Errorf("row %d: n = %d, want %d", id, n, want)
		}
	}
	if got := s.RetryStats() - retries0; got != 1 {
		t.Errorf("%d retries counted, want 1", got)
	}
	// The holder's transaction and the batch's two attempts were begun;
	// the commit counter counts the batch once.
	commits, _ := s.CommitStats()
	if c, b := commits-commits0, s.StatementStats().Begins-begins0; c != 2 || b != 3 {
		t.Errorf("%d commits counted and %d transactions begun, want 2 and 3 (the batch given up once begun twice)", c, b)
	}
	givenUp := s.GivenUpStats()
	for work, want := range map[string]int64{"probe.0": 3, "probe.1": 2, "other": 1} { // calls 0, 2, 4; 1, 3; the colliding one
		if got := givenUp[work] - givenUp0[work]; got != want {
			t.Errorf("given up, %s: %d units counted, want %d (all: %v)", work, got, want, givenUp)
		}
	}
}

// After PostgreSQL gives one of a node's transactions up, its next
// attempts and, for half a second, every serial batch of the node take
// the conflict turn across nodes before they begin (sqlstore's runBatch):
// two nodes whose serial batches keep failing each other take turns for a
// while instead. A node that has not been failed does not wait for it, a
// code step never does (it takes the code turn, a lock of its own), and
// no batch does while a code step waits for a writer. Here another
// session holds the conflict turn while node a writes.
func TestSerialBatchesTakeTheTurnAfterAConflict(t *testing.T) {
	a, _ := pgPair(t)
	db := a.Reader()
	if _, err := db.Exec(`CREATE TABLE probe (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO probe VALUES (1, 0)`); err != nil {
		t.Fatal(err)
	}
	add := func(btx booking.Tx) error {
		_, err := btx.(*sqlstore.Tx).Exec(`UPDATE probe SET n = n + 1 WHERE id = 1`)
		return err
	}
	// collideOn adds 1 to the row having read it. In its first run another
	// node changes the row after the transaction's snapshot, so PostgreSQL
	// gives the transaction up.
	collideOn := func(runs *atomic.Int32) func(btx booking.Tx) error {
		return func(btx booking.Tx) error {
			tx := btx.(*sqlstore.Tx)
			var n int
			if err := tx.QueryRow(`SELECT n FROM probe WHERE id = 1`).Scan(&n); err != nil {
				return err
			}
			if runs.Add(1) == 1 {
				if _, err := db.Exec(`UPDATE probe SET n = n + 100 WHERE id = 1`); err != nil {
					return err
				}
			}
			_, err := tx.Exec(`UPDATE probe SET n = ? WHERE id = 1`, n+1)
			return err
		}
	}
	var runs atomic.Int32
	collide := collideOn(&runs)
	turnsTaken := func(want int64, when string) {
		t.Helper()
		if n := a.ConflictTurns(); n != want {
			t.Fatalf("%s: %d conflict turns taken, want %d", when, n, want)
		}
	}
	key := a.TurnKey(sqlstore.ConflictTurn)
	holdTurn := func() (free func()) {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
			t.Fatal(err)
		}
		var once sync.Once
		return func() {
			once.Do(func() {
				c.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, key)
				c.Close()
			})
		}
	}
	waiting := func() bool { return a.TurnWaited(sqlstore.ConflictTurn) } // a writer waits for the turn held here
	// besideTheTurn: fn commits on a while the conflict turn is held. Had
	// it asked for that turn it would have waited 2 s for it and then run
	// without it, counted as missed.
	besideTheTurn := func(when string, fn func() error) {
		t.Helper()
		free := holdTurn()
		defer free()
		missed := a.TurnsMissed()
		if err := fn(); err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		if a.TurnsMissed() != missed {
			t.Fatalf("%s: a waited for the conflict turn", when)
		}
	}
	serial := func() error { return a.InTx(ctx, add) }
	// freshConflict: a transaction of a's is given up now (and its retry
	// takes the free turn), so that the check after it is surely within
	// the half second that follows a conflict.
	freshConflict := func() time.Time {
		t.Helper()
		var runs atomic.Int32
		if err := a.InTx(ctx, collideOn(&runs)); err != nil || runs.Load() != 2 {
			t.Fatalf("a conflict: %v after %d runs, want success after 2", err, runs.Load())
		}
		return time.Now()
	}

	besideTheTurn("a serial batch before any conflict", serial)
	turnsTaken(0, "before any conflict")

	// A's transaction is given up, and its second attempt waits for the
	// turn.
	free := holdTurn()
	defer free()
	retried := make(chan error, 1)
	go func() { retried <- a.InTx(ctx, collide) }()
	waitFor(t, waiting)
	if n := runs.Load(); n != 1 {
		t.Fatalf("a's transaction ran %d times before the turn was free, want 1", n)
	}
	free()
	if err := <-retried; err != nil || runs.Load() != 2 {
		t.Fatalf("after the turn: %v, %d runs, want success after 2", err, runs.Load())
	}
	turnsTaken(1, "the retry")

	// Right after, a's code steps still go beside the turn,
	besideTheTurn("a code step right after the conflict", func() error {
		return a.InUrgentTx(ctx, func(tx booking.Tx) error {
			return tx.Enqueue(booking.Message{To: storetest.Phone(1), Kind: booking.MsgCode, Params: map[string]string{"code": "482913"}})
		})
	})
	turnsTaken(1, "a code step")
	// but its next serial batch waits for the turn, though it conflicts
	// with nothing.
	conflict := freshConflict()
	free = holdTurn()
	defer free()
	added := make(chan error, 1)
	go func() { added <- a.InTx(ctx, add) }()
	for !waiting() {
		select {
		case err := <-added:
			t.Fatalf("a's serial batch %v after the conflict ran beside the turn (%v), want it to wait for it", time.Since(conflict), err)
		case <-time.After(time.Millisecond):
		}
	}
	free()
	if err := <-added; err != nil {
		t.Fatal(err)
	}
	turnsTaken(3, "a serial batch after a conflict")
	// While a code step waits for a writer, no serial batch waits for the
	// turn: the writer that would wait is the one the code steps need.
	// Here the outbox's writer runs the batch while the channels' writer
	// runs one code step (which takes the code turn, not this one) and
	// another waits for it.
	conflict = freshConflict()
	inCode, endCode, first := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	var endOnce sync.Once
	end := func() { endOnce.Do(func() { close(endCode) }) }
	defer end()
	go func() {
		first <- a.InUrgentTx(ctx, func(booking.Tx) error { close(inCode); <-endCode; return nil })
	}()
	<-inCode
	second := make(chan error, 1)
	go func() {
		second <- a.InUrgentTx(ctx, func(tx booking.Tx) error {
			return tx.Enqueue(booking.Message{To: storetest.Phone(2), Kind: booking.MsgCode, Params: map[string]string{"code": "482913"}})
		})
	}()
	waitQueued(t, a, 1)
	besideTheTurn(fmt.Sprintf("an outbox batch %v after the conflict, a code step waiting", time.Since(conflict)),
		func() error { return a.InOutboxTx(ctx, add) })
	end()
	for _, c := range []chan error{first, second} {
		if err := <-c; err != nil {
			t.Fatal(err)
		}
	}
	turnsTaken(4, "a batch while a code step waits")
	// The three code steps ran in three batches (the one right after the
	// conflict, then two, the second queued while the first ran), each
	// holding the code turn.
	if code := a.CodeTurns(); code != 3 {
		t.Fatalf("code turns held: %d, want 3", code)
	}

	// Half a second later the node no longer waits.
	time.Sleep(600 * time.Millisecond)
	besideTheTurn("a serial batch 600 ms after the conflict", serial)
	turnsTaken(4, "600 ms after the conflict")

	var n int
	if err := db.QueryRow(`SELECT n FROM probe WHERE id = 1`).Scan(&n); err != nil || n != 307 {
		t.Fatalf("n = %d (%v), want 307: seven writes of 1 and the other connection's three of 100, each once", n, err)
	}
	if m := a.TurnsMissed(); m != 0 {
		t.Fatalf("a missed %d turns", m)
	}
}

// waitFor polls cond for up to 30 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(30 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("timed out waiting")
		}
	}
}
