package postgres

import (
	"context"
	"crypto/hmac"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"yuyue/booking"
	"yuyue/store"
)

// checkKey compares the database's key check with this node's secret_key
// (the same value the SQLite store keeps, store.KeyCheckValue), so a node
// started with another key stops at start-up. The first node to open a
// database writes it, after proving the key on an existing ID number.
func (s *Store) checkKey(ctx context.Context, secret string) error {
	want := store.KeyCheckValue(secret)
	var stored []byte
	err := s.db.QueryRowContext(ctx, `SELECT value FROM key_check WHERE id = 1`).Scan(&stored)
	if errors.Is(err, sql.ErrNoRows) {
		if err := s.proveKey(ctx); err != nil {
			return err
		}
		if _, err := s.db.ExecContext(ctx, `INSERT INTO key_check (id, value, created_at) VALUES (1, $1, $2) ON CONFLICT DO NOTHING`,
			want, time.Now().UnixMilli()); err != nil {
			return fmt.Errorf("write key check: %w", err)
		}
		err = s.db.QueryRowContext(ctx, `SELECT value FROM key_check WHERE id = 1`).Scan(&stored)
	}
	if err != nil {
		return fmt.Errorf("read key check: %w", err)
	}
	if !hmac.Equal(stored, want) {
		return store.ErrWrongKey
	}
	return nil
}

func (s *Store) proveKey(ctx context.Context) error {
	var box []byte
	err := s.db.QueryRowContext(ctx, `SELECT id_enc FROM citizens LIMIT 1`).Scan(&box)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read citizens: %w", err)
	}
	if _, err := s.keys.Open(box); err != nil {
		return store.ErrWrongKey
	}
	return nil
}

// Writable proves the database takes a committed write (readiness).
func (s *Store) Writable(ctx context.Context) error {
	return s.InTx(ctx, func(btx booking.Tx) error {
		_, err := btx.(*tx).Exec(`UPDATE key_check SET checked_at = ? WHERE id = 1`, time.Now().UnixMilli())
		return err
	})
}

// OutboxBacklog counts messages waiting to be sent and when the oldest was
// queued (zero when none).
func (s *Store) OutboxBacklog(ctx context.Context) (int, time.Time, error) {
	var n int
	var oldest sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT count(*), min(created_at) FROM outbox WHERE status IN ('pending', 'sending')`).Scan(&n, &oldest)
	return n, fromMS(oldest.Int64), err
}

// TransfersSince counts calls handed to an operator since t.
func (s *Store) TransfersSince(ctx context.Context, t time.Time) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM call_sessions WHERE transferred_at >= $1`, ms(t)).Scan(&n)
	return n, err
}
