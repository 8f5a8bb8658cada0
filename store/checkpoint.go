package store

import (
	"database/sql"
	"time"

	"github.com/mattn/go-sqlite3"
)

// driverName is go-sqlite3 with a connect hook that turns the automatic WAL
// checkpoint off. SQLite runs that checkpoint inside the COMMIT that crosses
// 1000 WAL pages — copying pages into the database file and fsyncing it —
// so every writer queued behind that commit waits: the tail of webhook
// latency. The checkpointer below does the same work off the commit path.
const driverName = "sqlite3_yuyue"

// writerDriver is driverName for the one writer connection, which also
// keeps its temporary storage in memory (temp_store = MEMORY). Group
// commit runs every unit of a shared transaction inside a savepoint, and
// SQLite copies each page first changed inside a savepoint into the
// savepoint's journal; past 64 KiB in a transaction that journal spilled
// into a temporary file, so a batch of call steps wrote most of its pages
// twice with a system call each (about 90 of a batch's 200 writes, and a
// temporary file opened every few batches). In memory, the same load ran
// 30 % more steps a second (scripts/reports/NOTES.md). What stays in
// memory is what one transaction's savepoints and multi-row statements
// changed, and the writer's sorts, with no cap: so the purge deletes in
// bounded transactions (booking.PurgePolicy.Limit), and migrations run
// with the default (Store.open). Crash safety is the WAL's, which this
// does not touch. The readers never write, so they keep SQLite's default
// and sort a large console query on disk.
const writerDriver = "sqlite3_yuyue_writer"

// The hook also defines now_ms(), the wall clock in Unix milliseconds, which
// PostgreSQL's migrations define as a SQL function: the shared queries use
// it where the database stamps a row.
func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		return connect(c)
	}})
	sql.Register(writerDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		if _, err := c.Exec("PRAGMA temp_store = MEMORY", nil); err != nil {
			return err
		}
		return connect(c)
	}})
}

// connect sets up every connection the store opens.
func connect(c *sqlite3.SQLiteConn) error {
	if _, err := c.Exec("PRAGMA wal_autocheckpoint = 0", nil); err != nil {
		return err
	}
	return c.RegisterFunc("now_ms", func() int64 { return time.Now().UnixMilli() }, false)
}

// checkpointEvery is how often the background checkpointer runs.
const checkpointEvery = 250 * time.Millisecond

// checkpointer copies committed WAL pages into the database file from its
// own connection. PASSIVE never waits for readers or the writer; what it
// cannot copy now it copies next time, and SQLite restarts the WAL from the
// beginning once everything is copied.
func (s *Store) checkpointer(db *sql.DB) {
	defer close(s.ckptDone)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-s.DB.Done():
			// Leave a small WAL behind; a crash before this is harmless,
			// the WAL is replayed on the next open.
			db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
			return
		case <-t.C:
			db.Exec("PRAGMA wal_checkpoint(PASSIVE)")
		}
	}
}
