package store_test

import (
	"database/sql"
	"testing"

	"yuyue/booking"
	"yuyue/store"
	"yuyue/store/storetest"
)

// BenchmarkRawWriteTx is the baseline: one single-row write transaction on
// the same file and connection settings the store uses.
func BenchmarkRawWriteTx(b *testing.B) {
	s := storetest.OpenSQLite(b)
	db := s.Writer()
	if _, err := db.Exec(`CREATE TABLE bench (id INTEGER PRIMARY KEY, v INTEGER NOT NULL) STRICT`); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		err := store.WithTx(ctx, db, func(tx *sql.Tx) error {
			_, err := tx.Exec(`INSERT INTO bench (v) VALUES (?)`, i)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHoldConfirm measures one hold and its confirmation (two write
// transactions with their reads, audit and outbox rows).
func BenchmarkHoldConfirm(b *testing.B) {
	e := storetest.NewEnv(b, `
businesses: [{code: newborn, name: 新生儿入户}]
districts: [{code: futian, name: 福田区}]
offices: [{code: FT01, name: 福田, district: futian, periods: [{start: "09:00", end: "10:00", capacity: 1000000}]}]
`)
	p := e.Place(b, "FT01", "newborn", "2026-12-01", "09:00")
	citizens := make([]booking.Citizen, 0, 1024)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		if i >= len(citizens) {
			c := e.Citizen(b, i+1)
			e.Verify(b, c)
			citizens = append(citizens, c)
		}
		c := citizens[i]
		b.StartTimer()
		h, err := e.Svc.Hold(ctx, storetest.Actor, c.ID, p.ID)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.Svc.Confirm(ctx, storetest.Actor, h.ID); err != nil {
			b.Fatal(err)
		}
	}
}
