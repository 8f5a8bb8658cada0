package postgres_test

import (
	"context"
	"os"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/postgres"
	"yuyue/store/storetest"
)

var ctx = context.Background()

// pgPair opens two nodes on one fresh schema; skipped without PostgreSQL.
func pgPair(t *testing.T) (*postgres.Store, *postgres.Store) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skipf("%s not set", storetest.PostgresEnv)
	}
	a := storetest.OpenPostgres(t)
	return a, storetest.Sibling(t, a).(*postgres.Store)
}

func enqueueAndClaim(t *testing.T, s *postgres.Store, n int) []booking.OutboxItem {
	t.Helper()
	var items []booking.OutboxItem
	err := s.InTx(ctx, func(tx booking.Tx) (err error) {
		for i := range n {
			if err := tx.Enqueue(booking.Message{To: storetest.Phone(i), Kind: "test"}); err != nil {
				return err
			}
		}
		items, err = tx.ClaimMessages(time.Now(), n)
		return err
	})
	if err != nil || len(items) != n {
		t.Fatalf("claimed %d of %d: %v", len(items), n, err)
	}
	return items
}

func statuses(t *testing.T, s *postgres.Store) map[string]int {
	t.Helper()
	var st booking.OutboxStats
	if err := s.View(ctx, func(tx booking.Tx) (err error) { st, err = tx.OutboxStats(); return err }); err != nil {
		t.Fatal(err)
	}
	return st
}

// A node (re)starting recovers only what it left in sending; another live
// node's in-flight sends are untouched.
func TestRecoverSendingIsPerNode(t *testing.T) {
	a, b := pgPair(t)
	enqueueAndClaim(t, a, 2)
	mine := enqueueAndClaim(t, b, 3)
	var n int
	err := b.InTx(ctx, func(tx booking.Tx) (err error) { n, err = tx.RecoverSending(); return err })
	if err != nil || n != 3 {
		t.Fatalf("b recovered %d (%v), want its own 3", n, err)
	}
	if st := statuses(t, a); st["sending"] != 2 || st["unknown"] != 3 {
		t.Fatalf("after b's recovery: %v; a's 2 sends must stay in flight", st)
	}
	if err := a.InTx(ctx, func(tx booking.Tx) error {
		return tx.FinishMessage(booking.SendResult{ID: mine[0].ID, Outcome: booking.SendSent, SID: "SM1", At: time.Now()})
	}); err != nil {
		t.Fatal(err)
	}
}

// The sends of a node that died (its lease ran out) become unknown — never
// re-sent — once another node notices; a live node's stay in flight.
func TestDeadNodesSendsBecomeUnknown(t *testing.T) {
	a, b := pgPair(t)
	enqueueAndClaim(t, a, 2)
	enqueueAndClaim(t, b, 1)
	if _, err := a.Reader().Exec(`UPDATE nodes SET lease_until = 1 WHERE id = $1`, b.Node()); err != nil {
		t.Fatal(err) // b stops renewing: as after kill -9, 15 s later
	}
	n, err := a.RecoverDead(ctx)
	if err != nil || n != 1 {
		t.Fatalf("recovered %d (%v), want b's 1", n, err)
	}
	if st := statuses(t, a); st["sending"] != 2 || st["unknown"] != 1 || st["pending"] != 0 {
		t.Fatalf("outbox %v", st)
	}
}

// Two nodes starting together on an empty schema migrate it once.
func TestConcurrentMigration(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skipf("%s not set", storetest.PostgresEnv)
	}
	dsn := storetest.PostgresDSN(t)
	opened := make(chan *postgres.Store, 2)
	for range 2 {
		go func() {
			s, err := postgres.Open(ctx, dsn, storetest.Secret)
			if err != nil {
				t.Error(err)
			}
			opened <- s
		}()
	}
	a, b := <-opened, <-opened
	if a == nil || b == nil {
		t.FailNow()
	}
	defer a.Close()
	defer b.Close()
	v, err := a.Version(ctx)
	if err != nil || v < 5 {
		t.Fatalf("version %d %v", v, err)
	}
	var files, rows int
	a.Reader().QueryRow(`SELECT count(*), count(DISTINCT name) FROM schema_migrations`).Scan(&rows, &files)
	if rows != files || rows < 6 {
		t.Fatalf("%d migration records for %d files", rows, files)
	}
}

// A read in View counts as a pool read and one in a write transaction as a
// transaction's; Reads is their sum, and each kind only grows.
func TestReadsCountedByWhereTheyRan(t *testing.T) {
	a, _ := pgPair(t)
	read := func(tx booking.Tx) error { _, err := tx.OutboxStats(); return err }
	before := a.StatementStats()
	if err := a.View(ctx, read); err != nil {
		t.Fatal(err)
	}
	mid := a.StatementStats()
	if err := a.InTx(ctx, read); err != nil {
		t.Fatal(err)
	}
	after := a.StatementStats()
	if mid.PoolReads-before.PoolReads != 1 || mid.TxReads != before.TxReads {
		t.Errorf("a View read: %d pool reads, %d transaction reads; want 1 and 0", mid.PoolReads-before.PoolReads, mid.TxReads-before.TxReads)
	}
	if after.TxReads-mid.TxReads != 1 || after.PoolReads != mid.PoolReads {
		t.Errorf("a read in InTx: %d transaction reads, %d pool reads; want 1 and 0", after.TxReads-mid.TxReads, after.PoolReads-mid.PoolReads)
	}
	if after.Reads-before.Reads != 2 {
		t.Errorf("%d reads in all, want 2", after.Reads-before.Reads)
	}
}

// The record of a message sent takes the delivery statuses that came
// before it in the same statement: one write, no read, and a status that
// arrived first still lands on the row.
func TestSendRecordIsOneStatement(t *testing.T) {
	a, _ := pgPair(t)
	items := enqueueAndClaim(t, a, 2)
	finish := func(id int64, sid string) {
		t.Helper()
		err := a.InTx(ctx, func(tx booking.Tx) error {
			return tx.FinishMessage(booking.SendResult{ID: id, Outcome: booking.SendSent, SID: sid, At: time.Now(), Provider: "twilio"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	before := a.StatementStats()
	finish(items[0].ID, "SM0001")
	after := a.StatementStats()
	if w, r := after.Writes-before.Writes, after.Reads-before.Reads; w != 1 || r != 0 {
		t.Errorf("recording a send: %d writes and %d reads, want 1 and 0", w, r)
	}
	err := a.InTx(ctx, func(tx booking.Tx) error {
		_, err := tx.SetDeliveryStatus("SM0002", "delivered", "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	finish(items[1].ID, "SM0002")
	var status string
	if err := a.Reader().QueryRow(`SELECT delivery_status FROM outbox WHERE id = $1`, items[1].ID).Scan(&status); err != nil || status != "delivered" {
		t.Fatalf("the status that came first: %q %v, want delivered", status, err)
	}
	var left int
	a.Reader().QueryRow(`SELECT count(*) FROM sms_early_status`).Scan(&left)
	if left != 0 {
		t.Errorf("%d early statuses left, want 0", left)
	}
}

// The China guard's record of a send reads the sends before it in the
// same statement: once the minute's purge ran, one write and one read,
// the number's lock taken before it (RecordSend), and the hashes it
// returns are those before it, not its own.
func TestRecordSendReadsInTheSameStatement(t *testing.T) {
	a, _ := pgPair(t)
	at := time.Now()
	record := func(hash byte, at time.Time) [][]byte {
		t.Helper()
		var sent [][]byte
		err := a.InTx(ctx, func(tx booking.Tx) (err error) {
			_, sent, err = tx.RecordSend(storetest.Phone(1), []byte{hash}, at, at.Add(-24*time.Hour))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return sent
	}
	if sent := record(1, at); len(sent) != 0 {
		t.Fatalf("the first send found %d before it, want none", len(sent))
	}
	before := a.StatementStats()
	sent := record(2, at.Add(time.Second))
	after := a.StatementStats()
	if len(sent) != 1 || len(sent[0]) != 1 || sent[0][0] != 1 {
		t.Fatalf("the second send found %v before it, want the first's hash only", sent)
	}
	if w, r := after.Writes-before.Writes, after.Reads-before.Reads; w != 1 || r != 1 {
		t.Errorf("recording a send: %d writes and %d reads, want 1 and 1 (the lock)", w, r)
	}
}

// Two nodes' outbox batches recording sends to the same two numbers in
// opposite orders do not wait for each other: a transaction's second
// number's lock is only tried, and a batch that finds it held is rolled
// back and runs again with each request alone. Had each waited for it,
// the two batches would wait for each other until PostgreSQL failed one
// (a deadlock, after deadlock_timeout: a second with both outboxes
// stopped), which RetryStats counts.
func TestGuardBatchesInOppositeOrdersDoNotDeadlock(t *testing.T) {
	a, b := pgPair(t)
	p1, p2 := storetest.Phone(1), storetest.Phone(2)
	freeA, heldA := storetest.Hold(t, a.InQueueTx)
	freeB, heldB := storetest.Hold(t, b.InQueueTx)
	retries := a.RetryStats() + b.RetryStats()
	now := time.Now()
	results := make(chan error, 4)
	queued := 0
	queue := func(s *postgres.Store, to string, hash byte) {
		go func() {
			results <- s.InQueueTx(ctx, func(tx booking.Tx) error {
				_, _, err := tx.RecordSend(to, []byte{hash}, now, now.Add(-24*time.Hour))
				return err
			})
		}()
		queued++
		for deadline := time.Now().Add(10 * time.Second); !storetest.QueuedIn(queued, a, b); time.Sleep(100 * time.Microsecond) {
			if time.Now().After(deadline) {
				t.Fatalf("request %d never queued", queued)
			}
		}
	}
	queue(a, p1, 1) // node A's batch: p1 then p2
	queue(a, p2, 2)
	queue(b, p2, 3) // node B's: p2 then p1
	queue(b, p1, 4)
	freeA()
	freeB()
	for range 4 {
		if err := <-results; err != nil {
			t.Fatal(err)
		}
	}
	for _, held := range []<-chan error{heldA, heldB} {
		if err := <-held; err != nil {
			t.Fatal(err)
		}
	}
	if n := a.RetryStats() + b.RetryStats() - retries; n != 0 {
		t.Errorf("PostgreSQL gave up %d transactions (a deadlock), want none", n)
	}
	var n int
	a.Reader().QueryRow(`SELECT count(*) FROM sms_recent_sends`).Scan(&n)
	if n != 4 {
		t.Errorf("%d sends recorded, want 4", n)
	}
}
