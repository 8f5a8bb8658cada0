package postgres

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"yuyue/booking"
)

// MarkProduction records that serve runs in production mode on this
// database (the first time, and the latest).
func (s *Store) MarkProduction(ctx context.Context, at time.Time) error {
	return s.InTx(ctx, func(btx booking.Tx) error {
		_, err := btx.(*tx).Exec(`INSERT INTO production_mark (id, first_at, last_at) VALUES (1, ?, ?)
			ON CONFLICT (id) DO UPDATE SET last_at = excluded.last_at`, at.UnixMilli(), at.UnixMilli())
		return err
	})
}

// RanInProduction says whether, and since when, serve ever ran on this
// database in production mode.
func (s *Store) RanInProduction(ctx context.Context) (time.Time, bool, error) {
	var first int64
	err := s.db.QueryRowContext(ctx, `SELECT first_at FROM production_mark WHERE id = 1`).Scan(&first)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	return time.UnixMilli(first), err == nil, err
}
