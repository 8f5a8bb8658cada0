package store_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/sqlstore"
	"yuyue/store/storetest"
)

// In a group commit of light steps the steps' saves go to PostgreSQL
// together, in one message (store/sqlstore/pipeline.go), and every step
// still gets the answer it would have had alone: a save under a stale seq
// (a retried webhook) is a conflict and writes nothing, while the steps
// beside it commit in the shared transaction; a save that fails, or one
// that lost its compare-and-set while its step went on to another
// statement, abandons the shared transaction, and each step runs again
// alone. SQLite has one writer and sends no saves together; the answers
// and the rows must be the same there.
func TestLightStepSavesGoTogether(t *testing.T) {
	s := storetest.Open(t)
	w, ok := s.(interface{ Waiting() int })
	stats, okS := s.(interface {
		StatementStats() sqlstore.StatementStats
	})
	if !ok || !okS {
		t.Fatal("the store has no waiting count or no statement counts")
	}
	pg := storetest.OnPostgres(t)
	const n = 10
	batch := 0
	sid := func(batch, i int) string { return fmt.Sprintf("CApipe%d-%02d", batch, i) }
	// onlyConflict fails unless step k alone answered a conflict and every
	// other step nil.
	onlyConflict := func(errs []error, k int) {
		t.Helper()
		for i, err := range errs {
			if (i == k) != (booking.ErrorCode(err) == booking.EConflict) || (i != k && err != nil) {
				t.Fatalf("step %d: %v", i, err)
			}
		}
	}
	// run queues n light steps behind the held writer, each saving call
	// i of this batch from seq 1 to 2 as step(i) says, and returns their
	// answers once the writer is free.
	run := func(step func(i int, tx booking.Tx, save func(prev int, kind string) error) error) []error {
		t.Helper()
		batch++
		now := time.Unix(1_800_000_000, 0)
		if err := s.InTx(ctx, func(tx booking.Tx) error {
			for i := range n {
				if err := tx.InsertCall(booking.CallRecord{SID: sid(batch, i), Step: "menu", Seq: 1, Data: []byte("{}"), CreatedAt: now, UpdatedAt: now}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		free, held := storetest.HoldWriter(t, s)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				_, errs[i] = storetest.LightStep(ctx, s, func(tx booking.Tx) error {
					save := func(prev int, kind string) error {
						r := booking.CallRecord{SID: sid(batch, i), Step: "mode", Seq: 2, Data: []byte("{}"), UpdatedAt: now}
						ev := booking.CallEvent{SID: r.SID, Seq: 2, At: now, Kind: kind, Channel: "ivr", FromStep: "menu", Step: "mode", Keys: "1"}
						return tx.(booking.StepSaver).SaveStep(r, prev, ev)
					}
					return step(i, tx, save)
				})
			})
		}
		waitFor(t, func() bool { return storetest.Queued(w, n) })
		free()
		if err := <-held; err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		for i := range n {
			var seq, events int
			if err := s.Reader().QueryRow(`SELECT seq, (SELECT count(*) FROM call_events WHERE call_sid = $1) FROM call_sessions WHERE call_sid = $1`, sid(batch, i)).Scan(&seq, &events); err != nil {
				t.Fatal(err)
			}
			saved := seq == 2 && events == 1
			if unsaved := seq == 1 && events == 0; saved == unsaved {
				t.Fatalf("batch %d, step %d: session at seq %d with %d journey rows, neither saved nor untouched", batch, i, seq, events)
			}
			if saved != (errs[i] == nil) {
				t.Fatalf("batch %d, step %d: answered %v, yet saved is %v", batch, i, errs[i], saved)
			}
		}
		return errs
	}
	pipelined := func(before sqlstore.StatementStats) (messages, saves int64) {
		after := stats.StatementStats()
		return after.Pipelines - before.Pipelines, after.Pipelined - before.Pipelined
	}

	// A stale save among good ones: it alone is a conflict; the others
	// commit together, their saves in one message.
	const stale = 3
	before := stats.StatementStats()
	errs := run(func(i int, _ booking.Tx, save func(int, string) error) error {
		if i == stale {
			return save(5, "input")
		}
		return save(1, "input")
	})
	onlyConflict(errs, stale)
	messages, saves := pipelined(before)
	if pg && (messages != 1 || saves != n) {
		t.Fatalf("%d saves in a batch went in %d messages carrying %d, want 1 carrying %d", n, messages, saves, n)
	}
	if !pg && messages+saves != 0 {
		t.Fatalf("SQLite sent saves together: %d messages, %d saves", messages, saves)
	}

	// A save that fails (a journey kind its CHECK refuses) aborts the
	// shared transaction: every step runs again alone, and only it fails.
	const bad = 6
	before = stats.StatementStats()
	errs = run(func(i int, _ booking.Tx, save func(int, string) error) error {
		if i == bad {
			return save(1, "bogus")
		}
		return save(1, "input")
	})
	for i, err := range errs {
		if (i == bad) != (err != nil) {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	if messages, _ := pipelined(before); pg && messages != 1 {
		t.Fatalf("the batch with a failing save sent %d messages of saves, want 1 (then every step alone)", messages)
	}

	// A stale save whose step goes on to write: the write sends the saves
	// waiting, and the step must neither go on as if saved nor have its
	// write land. The batch is abandoned; alone, the step's save is a conflict
	// at once and it writes nothing.
	const goesOn = 8
	errs = run(func(i int, tx booking.Tx, save func(int, string) error) error {
		if i != goesOn {
			return save(1, "input")
		}
		if err := save(5, "input"); err != nil {
			return err
		}
		now := time.Unix(1_800_000_000, 0)
		// Whatever the step makes of the write's error (here it drops it),
		// the batch is given up.
		_ = tx.InsertCall(booking.CallRecord{SID: "CApipe-after-a-lost-save", Step: "menu", Seq: 1, Data: []byte("{}"), CreatedAt: now, UpdatedAt: now})
		return nil
	})
	onlyConflict(errs, goesOn)
	var after int
	if err := s.Reader().QueryRow(`SELECT count(*) FROM call_sessions WHERE call_sid = 'CApipe-after-a-lost-save'`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after != 0 {
		t.Fatal("a step whose save lost its compare-and-set answered a conflict, yet its later write was committed")
	}

	// Steps that read before they save: each read sends the saves waiting
	// first, so a step sees every call saved by the steps that ran before
	// it in the shared transaction, as if they had run one by one; a
	// stale save caught by such a read is a conflict all the same.
	const stale4 = 4
	var mu sync.Mutex
	var order []int            // the steps' first runs, in the order they ran
	saw := make(map[int][]int) // a step's first run: the calls it saw saved
	errs = run(func(i int, tx booking.Tx, save func(int, string) error) error {
		mu.Lock()
		_, again := saw[i]
		mu.Unlock()
		var seen []int
		for k := range n {
			c, err := tx.Call(sid(batch, k))
			if err != nil {
				return err
			}
			if c.Seq == 2 {
				seen = append(seen, k)
			}
		}
		if !again {
			mu.Lock()
			order, saw[i] = append(order, i), seen
			mu.Unlock()
		}
		if i == stale4 {
			return save(5, "input")
		}
		return save(1, "input")
	})
	onlyConflict(errs, stale4)
	var before4 []int
	for _, i := range order {
		if got := fmt.Sprint(saw[i]); got != fmt.Sprint(sorted(before4)) {
			t.Fatalf("step %d saw calls %s saved, want %v: those of the steps that ran before it (%v)", i, got, sorted(before4), order)
		}
		if i != stale4 {
			before4 = append(before4, i)
		}
	}

	// Every write transaction's connection went back to the pool.
	waitFor(t, func() bool { return s.Reader().Stats().InUse == 0 })
}

func sorted(xs []int) []int { return slices.Sorted(slices.Values(xs)) }
