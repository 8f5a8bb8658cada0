package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"testing"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// The hot path on each engine beside its baseline, to read side by side:
//
//	YUYUE_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres \
//	  go test -run '^$' -bench . ./store/
//
// (PostgreSQL's halves are skipped without YUYUE_TEST_POSTGRES.)

// engines runs bench on SQLite and, when configured, PostgreSQL.
func engines(b *testing.B, bench func(b *testing.B, st storetest.DB)) {
	b.Run("sqlite", func(b *testing.B) { bench(b, storetest.OpenSQLite(b)) })
	b.Run("postgres", func(b *testing.B) {
		if os.Getenv(storetest.PostgresEnv) == "" {
			b.Skipf("%s not set", storetest.PostgresEnv)
		}
		bench(b, storetest.OpenPostgres(b))
	})
}

// BenchmarkRawWriteTx is the baseline: one single-row write transaction
// after another with the connection settings the store uses (on SQLite its
// writer connection; on PostgreSQL its pool, without the writer lock).
func BenchmarkRawWriteTx(b *testing.B) {
	engines(b, func(b *testing.B, st storetest.DB) {
		db := st.Reader()
		if w, ok := st.(interface{ Writer() *sql.DB }); ok {
			db = w.Writer()
		}
		if _, err := db.Exec(`CREATE TABLE bench (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)`); err != nil {
			b.Fatal(err)
		}
		insert := storetest.Rebind(st, `INSERT INTO bench (v) VALUES (?)`)
		for i := 0; b.Loop(); i++ {
			tx, err := db.BeginTx(context.Background(), nil)
			if err == nil {
				_, err = tx.Exec(insert, i)
			}
			if err == nil {
				err = tx.Commit()
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchPlace is a catalog of one office with one period of capacity, and
// that period's place on a working day.
func benchPlace(b *testing.B, st storetest.DB, capacity int) (*storetest.Env, booking.Place) {
	e := storetest.NewEnvOn(b, st, fmt.Sprintf(`
businesses: [{code: newborn, name: 新生儿入户}]
districts: [{code: futian, name: 福田区}]
offices: [{code: FT01, name: 福田, district: futian, periods: [{start: "09:00", end: "10:00", capacity: %d}]}]
`, capacity))
	return e, e.Place(b, "FT01", "newborn", "2026-12-01", "09:00")
}

// BenchmarkHoldConfirm measures one hold and its confirmation (two write
// transactions with their reads, audit and outbox rows).
func BenchmarkHoldConfirm(b *testing.B) {
	engines(b, func(b *testing.B, st storetest.DB) {
		e, p := benchPlace(b, st, 1000000)
		citizens := make([]booking.Citizen, 0, 1024)
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			if i >= len(citizens) {
				c := e.Citizen(b, i+1)
				e.Verify(b, c)
				citizens = append(citizens, c)
			}
			b.StartTimer()
			h, err := e.Svc.Hold(ctx, storetest.Actor, citizens[i].ID, p.ID)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := e.Svc.Confirm(ctx, storetest.Actor, h.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkHoldOfAFullPlace is the rush's most common answer: a citizen
// presses for a place another citizen has just taken, and is told it is
// full. The hold reads what it checks in one statement (Tx.HoldFacts, a
// join with correlated sub-selects) and writes nothing.
func BenchmarkHoldOfAFullPlace(b *testing.B) {
	engines(b, func(b *testing.B, st storetest.DB) {
		e, p := benchPlace(b, st, 1)
		first := e.Citizen(b, 1)
		e.Verify(b, first)
		e.Book(b, first, p)
		citizens := make([]booking.Citizen, 200)
		for i := range citizens {
			citizens[i] = e.Citizen(b, i+2)
		}
		for i := 0; b.Loop(); i++ {
			_, err := e.Svc.Hold(ctx, storetest.Actor, citizens[i%len(citizens)].ID, p.ID)
			if booking.ErrorCode(err) != booking.EFull {
				b.Fatalf("hold of a full place: %v", err)
			}
		}
	})
}
