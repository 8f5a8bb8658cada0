package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"yuyue/booking"
)

// MarkProduction records that serve runs in production mode on this
// database (the first time, and the latest), so development mode is never
// started on it afterwards.
func (db *DB) MarkProduction(ctx context.Context, at time.Time) error {
	return db.InTx(ctx, func(btx booking.Tx) error {
		_, err := btx.(*Tx).Exec(`INSERT INTO production_mark (id, first_at, last_at) VALUES (1, ?, ?)
			ON CONFLICT (id) DO UPDATE SET last_at = excluded.last_at`, ms(at), ms(at))
		return err
	})
}

// RanInProduction says whether, and since when, serve ever ran on this
// database in production mode.
func (db *DB) RanInProduction(ctx context.Context) (time.Time, bool, error) {
	var first int64
	err := db.read.QueryRowContext(ctx, `SELECT first_at FROM production_mark WHERE id = 1`).Scan(&first)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	return fromMS(first), err == nil, err
}
