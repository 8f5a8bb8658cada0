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
	ls, ok := e.Store.(booking.LightStore)
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
	if _, err := ls.InLightTx(ctx, func(tx booking.Tx) error { runs++; return save(tx, 1) }); err != nil || runs != 1 {
		t.Fatalf("a step that only saves the call: %v after %d runs, want one run", err, runs)
	}

	runs = 0
	light, err := ls.InLightTx(ctx, func(tx booking.Tx) error {
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
