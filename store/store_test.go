package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"yuyue/booking"
	"yuyue/store"
	"yuyue/store/storetest"
)

var ctx = context.Background()

// bigCatalog has one office, one business, one period of capacity 10.
const bigCatalog = `
businesses: [{code: newborn, name: 新生儿入户}]
districts: [{code: futian, name: 福田区}]
offices:
  - code: FT01
    name: 福田派出所户政室
    district: futian
    periods: [{start: "09:00", end: "10:00", capacity: 10}]
`

func TestCapacityUnderConcurrency(t *testing.T) {
	e := storetest.NewEnv(t, bigCatalog)
	p := e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")
	const n = 200
	citizens := make([]booking.Citizen, n)
	for i := range citizens {
		citizens[i] = e.Citizen(t, i+1)
		e.Verify(t, citizens[i])
	}
	codes := make([]booking.Code, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h, err := e.Svc.Hold(ctx, storetest.Actor, citizens[i].ID, p.ID)
			if err == nil {
				_, err = e.Svc.Confirm(ctx, storetest.Actor, h.ID)
			}
			codes[i] = booking.ErrorCode(err)
			if codes[i] == booking.EInternal {
				t.Errorf("goroutine %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	count := map[booking.Code]int{}
	for _, c := range codes {
		count[c]++
	}
	if count[""] != 10 || count[booking.EFull] != n-10 || len(count) != 2 {
		t.Fatalf("outcomes %v: want exactly 10 bookings and %d full", count, n-10)
	}
	bs, _ := e.Svc.Bookings(ctx, booking.BookingFilter{PlaceID: p.ID, Statuses: []booking.Status{booking.StatusBooked}})
	got, _ := e.Svc.Availability(ctx, booking.PlaceFilter{Office: "FT01", From: p.Date, To: p.Date})
	if len(bs) != 10 || got[0].Taken != 10 {
		t.Fatalf("%d bookings in the database, taken=%d", len(bs), got[0].Taken)
	}
}

func TestOneActiveBookingUnderConcurrency(t *testing.T) {
	e := storetest.NewEnv(t, bigCatalog)
	c := e.Citizen(t, 1)
	e.Verify(t, c)
	places, _ := e.Svc.Availability(ctx, booking.PlaceFilter{Business: "newborn"})
	var wg sync.WaitGroup
	var mu sync.Mutex
	count := map[booking.Code]int{}
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h, err := e.Svc.Hold(ctx, storetest.Actor, c.ID, places[i%len(places)].ID)
			if err == nil {
				_, err = e.Svc.Confirm(ctx, storetest.Actor, h.ID)
			}
			mu.Lock()
			count[booking.ErrorCode(err)]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	active, _ := e.Svc.ActiveBookings(ctx, c.ID)
	if len(active) != 1 || count[""] != 1 || count[booking.EActive] != 49 {
		t.Fatalf("outcomes %v, %d active bookings: want exactly one", count, len(active))
	}
}

func TestIDNumberNotInDatabaseFiles(t *testing.T) {
	e := storetest.NewEnv(t)
	c := e.Citizen(t, 7)
	e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"))
	id := storetest.ID(7)
	blobs := storedBytes(t, e)
	read := 0
	for name, b := range blobs {
		read += len(b)
		for _, needle := range []string{id, id[:17]} {
			if bytes.Contains(b, []byte(needle)) {
				t.Fatalf("%s contains the ID number (or its first 17 characters)", name)
			}
		}
	}
	if read == 0 || len(blobs) < 2 {
		t.Fatalf("read %d bytes from %d places: the test looked at nothing", read, len(blobs))
	}
	// the masked form is there, so the scan does see citizen rows
	found := false
	for _, b := range blobs {
		found = found || bytes.Contains(b, []byte(booking.MaskIDNumber(id)))
	}
	if !found {
		t.Fatal("masked ID not found anywhere: the scan is not reading the data")
	}
}

// storedBytes is everything the database keeps: SQLite's files, or every
// column of every row of every table in the PostgreSQL test schema.
func storedBytes(t *testing.T, e *storetest.Env) map[string][]byte {
	out := map[string][]byte{}
	if s, ok := e.Store.(*store.Store); ok {
		files, _ := filepath.Glob(filepath.Join(filepath.Dir(s.Path), "*"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out[filepath.Base(f)] = b
		}
		return out
	}
	db := e.Store.Reader()
	rows, err := db.Query(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	for _, table := range tables {
		out[table] = tableBytes(t, db, table)
	}
	return out
}

func tableBytes(t *testing.T, db *sql.DB, table string) []byte {
	rows, err := db.Query(`SELECT * FROM ` + table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var all []byte
	for rows.Next() {
		vals := make([]sql.RawBytes, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			all = append(append(all, v...), '\n')
		}
	}
	return all
}

func TestSQLiteWrongSecretCannotReadIDs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "y.db")
	s, err := store.Open(ctx, path, storetest.Secret)
	if err != nil {
		t.Fatal(err)
	}
	var c = booking.Citizen{Name: "张三", IDNumber: storetest.ID(1), IDMasked: "x", Phone: storetest.Phone(1), Active: true}
	if err := s.InTx(ctx, func(tx booking.Tx) error { return tx.InsertCitizen(&c) }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// The key check stops the wrong key at Open…
	if s2, err := store.Open(ctx, path, "another-secret-key-of-32-characters-or-more"); !errors.Is(err, store.ErrWrongKey) {
		if s2 != nil {
			s2.Close()
		}
		t.Fatalf("open with another key: %v, want ErrWrongKey", err)
	}
	// …and even without it (a database from before the key check), the
	// ciphertext does not open with another key.
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	var box []byte
	if err := raw.QueryRow(`SELECT id_enc FROM citizens`).Scan(&box); err != nil {
		t.Fatal(err)
	}
	raw.Exec(`DELETE FROM key_check`)
	raw.Close()
	if s3, err := store.Open(ctx, path, "another-secret-key-of-32-characters-or-more"); !errors.Is(err, store.ErrWrongKey) {
		if s3 != nil {
			s3.Close()
		}
		t.Fatalf("open a pre-key-check database with another key: %v, want ErrWrongKey", err)
	}
	s4, err := store.Open(ctx, path, storetest.Secret)
	if err != nil {
		t.Fatalf("the right key on a pre-key-check database: %v", err)
	}
	s4.Close()
}

// A second store opening the same database finds every migration recorded
// and applies none again.
func TestMigrationsAreRecordedAndRerunnable(t *testing.T) {
	type versioned interface {
		Version(context.Context) (int, error)
	}
	first := storetest.Open(t)
	v1, err := first.(versioned).Version(ctx)
	if err != nil || v1 < 1 {
		t.Fatalf("version %d %v", v1, err)
	}
	var records int
	first.Reader().QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&records)
	second := storetest.Sibling(t, first)
	v2, err := second.(versioned).Version(ctx)
	var again int
	second.Reader().QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&again)
	if err != nil || v2 != v1 || again != records {
		t.Fatalf("reopened: version %d (was %d), %d records (was %d): %v", v2, v1, again, records, err)
	}
}

// The writer keeps a savepoint's journal in memory (temp_store =
// MEMORY): group commit runs every unit of a batch inside a savepoint,
// and a journal past 64 KiB spilled into a temporary file, written page
// by page, while the batch ran. A savepoint that changes about 300 KiB of
// pages the database already had opens no file.
func TestSQLiteWriterKeepsSavepointJournalsInMemory(t *testing.T) {
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "y.db"), storetest.Secret)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w := s.Writer()
	if _, err := w.Exec(`CREATE TABLE journal_probe (v BLOB NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
		INSERT INTO journal_probe SELECT randomblob(1024) FROM n`); err != nil {
		t.Fatal(err)
	}
	// deletedFiles counts this process's open files already unlinked: a
	// temporary file SQLite makes is one.
	deletedFiles := func() int {
		fds, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Skipf("no /proc/self/fd: %v", err)
		}
		n := 0
		for _, fd := range fds {
			if l, err := os.Readlink("/proc/self/fd/" + fd.Name()); err == nil && strings.HasSuffix(l, " (deleted)") {
				n++
			}
		}
		return n
	}
	tx, err := w.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	before := deletedFiles()
	for _, q := range []string{`SAVEPOINT probe`, `UPDATE journal_probe SET v = randomblob(1024)`} {
		if _, err := tx.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if during := deletedFiles(); during != before {
		t.Fatalf("a savepoint changing 300 KiB opened %d temporary file(s): its journal spilled to disk", during-before)
	}
}
