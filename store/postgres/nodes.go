package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"yuyue/booking"
	"yuyue/store/sqlstore"
)

// Lease timings: a node renews its row every leaseRenew; one that has not
// renewed for leaseTTL (killed, partitioned) is dead to the others.
const (
	leaseTTL   = 15 * time.Second
	leaseRenew = 5 * time.Second
)

// newNodeID names this process: host, pid and a random suffix, so that a
// restarted node is a new node and two processes never share an id.
func newNodeID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return host + "/" + strconv.Itoa(os.Getpid()) + "/" + hex.EncodeToString(b)
}

// lease is this node's row in nodes, kept alive by a goroutine.
type lease struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func (s *Store) startLease(ctx context.Context) (*lease, error) {
	now := time.Now()
	_, err := s.db.ExecContext(ctx, `INSERT INTO nodes (id, started_at, lease_until) VALUES ($1, $2, $3)`,
		s.node, now.UnixMilli(), now.Add(leaseTTL).UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("register node: %w", err)
	}
	lctx, cancel := context.WithCancel(context.Background())
	l := &lease{cancel: cancel, done: make(chan struct{})}
	go s.renew(lctx, l.done)
	return l, nil
}

// renew keeps the lease and, on each round, marks the sending rows of dead
// nodes unknown, so a node that never comes back leaves nothing in limbo.
func (s *Store) renew(ctx context.Context, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(leaseRenew)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := time.Now()
		if _, err := s.db.ExecContext(ctx, `UPDATE nodes SET lease_until = $2 WHERE id = $1`, s.node, now.Add(leaseTTL).UnixMilli()); err != nil && ctx.Err() == nil {
			slog.Warn("postgres: node lease not renewed", "node", s.node, "err", err)
		}
		if _, err := s.RecoverDead(ctx); err != nil && ctx.Err() == nil {
			slog.Warn("postgres: recovering dead nodes' sends", "err", err)
		}
	}
}

// RecoverDead marks outbox rows left in sending by nodes whose lease ran
// out as unknown (they may have reached Twilio: never re-sent blindly) and
// forgets those nodes. It is a write transaction like any other (InTx,
// under the writer lock); only the renewal of this node's own row above
// runs outside it, so that a long queue of writers cannot let the lease
// lapse.
func (s *Store) RecoverDead(ctx context.Context) (int, error) {
	now := time.Now().UnixMilli()
	var n int64
	err := s.InTx(ctx, func(btx booking.Tx) error {
		t := btx.(*sqlstore.Tx)
		res, err := t.Exec(`UPDATE outbox SET status = 'unknown', params = '{}', last_error = 'node stopped during send'
			WHERE status = 'sending' AND claimed_by NOT IN (SELECT id FROM nodes WHERE lease_until >= ?)`, now)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = t.Exec(`DELETE FROM nodes WHERE lease_until < ?`, now-leaseTTL.Milliseconds())
		return err
	})
	return int(n), err
}

// stop ends the renewals.
func (l *lease) stop() {
	l.cancel()
	<-l.done
}

// dropLease removes this node's row on Close: whatever it left in sending
// is then recovered by the other nodes at once instead of after leaseTTL.
func (s *Store) dropLease(ctx context.Context) {
	s.db.ExecContext(ctx, `DELETE FROM nodes WHERE id = $1`, s.node)
}
