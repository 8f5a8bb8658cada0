package store

import (
	"context"
	"database/sql"
	"time"
)

// OutboxBacklog counts messages waiting to be sent and when the oldest of
// them was queued (zero when none): the figures an on-call engineer alerts
// on when the provider or the worker is stuck.
func (s *Store) OutboxBacklog(ctx context.Context) (int, time.Time, error) {
	var n int
	var oldest sql.NullInt64
	err := s.reader.QueryRowContext(ctx, `SELECT count(*), min(created_at) FROM outbox WHERE status IN ('pending', 'sending')`).Scan(&n, &oldest)
	return n, fromMS(oldest.Int64), err
}

// TransfersSince counts calls handed to an operator since t.
func (s *Store) TransfersSince(ctx context.Context, t time.Time) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT count(*) FROM call_sessions WHERE transferred_at >= ?`, ms(t)).Scan(&n)
	return n, err
}
