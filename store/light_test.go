package store_test

import (
	"testing"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// A call step runs lightly first where the engine has several writers: a
// step that only saves the call commits as it is; a step that also writes
// anything else (here: an SMS into the outbox) is run again as a serial
// transaction — even when it swallowed the refusal — and its writes land
// exactly once. On SQLite every step is serial the first time.
func TestLightStepRunsAgainSeriallyForOtherWrites(t *testing.T) {
	e := storetest.NewEnv(t)
	_, ok := e.Store.(booking.LightStore)
	if !ok {
		t.Fatal("the store cannot run light steps")
	}
	rec := booking.CallRecord{SID: "CAlight", Step: "menu", Data: []byte("{}"), CreatedAt: e.Clock.Now(), UpdatedAt: e.Clock.Now()}
	if err := e.Store.InTx(ctx, func(tx booking.Tx) error { return tx.InsertCall(rec) }); err != nil {
		t.Fatal(err)
	}
	save := func(tx booking.Tx, seq int) error {
		r := rec
		r.Step, r.Seq = "mode", seq
		return tx.UpdateCall(r, seq-1)
	}
	runs := 0
	if _, err := storetest.LightStep(ctx, e.Store, func(tx booking.Tx) error { runs++; return save(tx, 1) }); err != nil || runs != 1 {
		t.Fatalf("a step that only saves the call: %v after %d runs, want one run", err, runs)
	}

	runs = 0
	light, err := storetest.LightStep(ctx, e.Store, func(tx booking.Tx) error {
		runs++
		if err := save(tx, 2); err != nil {
			return err
		}
		if err := tx.Enqueue(booking.Message{To: storetest.Phone(1), Kind: booking.MsgCode, Params: map[string]string{"code": "482913"}}); err != nil {
			return nil // a step that ignores the refusal still runs again
		}
		return nil
	})
	want := 1
	if storetest.OnPostgres(t) {
		want = 2 // refused lightly, then serial
	}
	if err != nil || runs != want || light {
		t.Fatalf("a step that also queues an SMS: %v after %d runs (light %v), want %d serial", err, runs, light, want)
	}
	var queued, seq int
	if err := e.QueryRow(`SELECT count(*) FROM outbox`).Scan(&queued); err != nil {
		t.Fatal(err)
	}
	if err := e.QueryRow(`SELECT seq FROM call_sessions WHERE call_sid = 'CAlight'`).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	if queued != 1 || seq != 2 {
		t.Fatalf("after the steps: %d messages queued, session at seq %d; want 1 and 2", queued, seq)
	}
}

// A step's session and journey row are saved together (one statement on
// PostgreSQL): under a stale seq neither is, under the right one both —
// lightly as well as serially.
func TestSaveStepKeepsTheCompareAndSet(t *testing.T) {
	e := storetest.NewEnv(t)
	now := e.Clock.Now()
	rec := booking.CallRecord{SID: "CAsave", Step: "menu", Seq: 1, Data: []byte("{}"), CreatedAt: now, UpdatedAt: now}
	if err := e.Store.InTx(ctx, func(tx booking.Tx) error { return tx.InsertCall(rec) }); err != nil {
		t.Fatal(err)
	}
	save := func(prev int) error {
		r := rec
		r.Step, r.Seq = "mode", prev+1
		ev := booking.CallEvent{SID: r.SID, Seq: r.Seq, At: now, Kind: "input", Channel: "ivr", FromStep: "menu", Step: "mode", Keys: "1"}
		_, err := storetest.LightStep(ctx, e.Store, func(tx booking.Tx) error {
			ss, ok := tx.(booking.StepSaver)
			if !ok {
				t.Fatal("the store's transaction cannot save a step")
			}
			return ss.SaveStep(r, prev, ev)
		})
		return err
	}
	if err := save(5); booking.ErrorCode(err) != booking.EConflict {
		t.Fatalf("a step saved under a stale seq: %v, want conflict", err)
	}
	if err := save(1); err != nil {
		t.Fatal(err)
	}
	var seq, events int
	var step string
	if err := e.QueryRow(`SELECT seq, step FROM call_sessions WHERE call_sid = 'CAsave'`).Scan(&seq, &step); err != nil {
		t.Fatal(err)
	}
	if err := e.QueryRow(`SELECT count(*) FROM call_events WHERE call_sid = 'CAsave' AND seq = 2 AND step = 'mode' AND keys = '1'`).Scan(&events); err != nil {
		t.Fatal(err)
	}
	var all int
	e.QueryRow(`SELECT count(*) FROM call_events WHERE call_sid = 'CAsave'`).Scan(&all)
	if seq != 2 || step != "mode" || events != 1 || all != 1 {
		t.Fatalf("after a stale and a good save: session at seq %d step %q, %d matching events of %d; want 2, mode, 1 of 1", seq, step, events, all)
	}
}
