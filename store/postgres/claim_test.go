package postgres_test

import (
	"context"
	"os"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/sqlstore"
	"yuyue/store/storetest"
)

// The outbox claim never waits for this node's group writer: while a
// write transaction holds the writer (a rush's steps queued behind it),
// a queue claim runs on its own connection and commits. Before, it took
// its turn in the writer's queue, and in a two-node rush 648 of 2,000
// callers waited over 20 s for their code (scripts/reports/postgres).
func TestQueueClaimDoesNotWaitForTheWriter(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skipf("%s not set", storetest.PostgresEnv)
	}
	s := storetest.OpenPostgres(t)
	if _, err := s.Reader().Exec(`CREATE TABLE probe (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reader().Exec(`INSERT INTO probe VALUES (1, 0), (2, 0)`); err != nil {
		t.Fatal(err)
	}
	holding, release := make(chan struct{}), make(chan struct{})
	writerDone := make(chan error, 1)
	go func() {
		writerDone <- s.InTx(context.Background(), func(btx booking.Tx) error {
			if _, err := btx.(*sqlstore.Tx).Exec(`UPDATE probe SET n = n + 1 WHERE id = 1`); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	// Generous: the claim waits for nothing but its own statements; the
	// old path waited until release, which never comes before it returns.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := s.InQueueTx(ctx, func(btx booking.Tx) error {
		_, err := btx.(*sqlstore.Tx).Exec(`UPDATE probe SET n = n + 1 WHERE id = 2`)
		return err
	})
	close(release)
	if err != nil {
		t.Fatalf("queue claim while the writer is busy: %v", err)
	}
	if err := <-writerDone; err != nil {
		t.Fatal(err)
	}
	var a, b int
	if err := s.Reader().QueryRow(`SELECT (SELECT n FROM probe WHERE id = 1), (SELECT n FROM probe WHERE id = 2)`).Scan(&a, &b); err != nil {
		t.Fatal(err)
	}
	if a != 1 || b != 1 {
		t.Fatalf("probe rows %d, %d; want 1, 1", a, b)
	}
}
