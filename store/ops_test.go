package store_test

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store"
	"yuyue/store/storetest"
)

// loadCatalog has room for thousands of bookings on every working day.
const loadCatalog = `
businesses: [{code: newborn, name: 新生儿入户}]
districts: [{code: futian, name: 福田区}]
offices:
  - code: FT01
    name: 福田派出所户政室
    district: futian
    periods: [{start: "09:00", end: "10:00", capacity: 5000}]
`

// bookOne registers citizen n and books the first free place for them.
func bookOne(e *storetest.Env, n int) (string, error) {
	c, err := e.Svc.Register(ctx, storetest.Actor, booking.Registration{Name: "张三", IDNumber: storetest.ID(n), Phone: storetest.Phone(n)})
	if err != nil {
		return "", err
	}
	err = e.Store.InTx(ctx, func(tx booking.Tx) error {
		return e.Svc.MarkPhoneVerified(ctx, tx, c.Phone, booking.PurposeBooking)
	})
	if err != nil {
		return "", err
	}
	ps, err := e.Svc.Availability(ctx, booking.PlaceFilter{Business: "newborn", OnlyFree: true})
	if err != nil || len(ps) == 0 {
		return "", errors.Join(err, errors.New("no free place"))
	}
	h, err := e.Svc.Hold(ctx, storetest.Actor, c.ID, ps[0].ID)
	if err != nil {
		return "", err
	}
	b, err := e.Svc.Confirm(ctx, storetest.Actor, h.ID)
	return b.Reference, err
}

// A backup taken while bookings are being committed holds every booking
// committed before it started and passes integrity_check.
func TestSQLiteBackupUnderWriteLoad(t *testing.T) {
	e, st := sqliteEnv(t)
	var mu sync.Mutex
	var refs []string
	var next atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var failed atomic.Value
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				ref, err := bookOne(e, int(next.Add(1)))
				if err != nil {
					failed.Store(err)
					return
				}
				mu.Lock()
				refs = append(refs, ref)
				mu.Unlock()
			}
		}()
	}
	for n := 0; n < 200; { // let the load build up
		time.Sleep(10 * time.Millisecond)
		mu.Lock()
		n = len(refs)
		mu.Unlock()
	}
	mu.Lock()
	before := append([]string(nil), refs...)
	mu.Unlock()
	dst := filepath.Join(t.TempDir(), "backup.db")
	start := time.Now()
	err := store.Backup(ctx, st.Path, dst)
	took := time.Since(start)
	mu.Lock()
	during := len(refs) - len(before)
	mu.Unlock()
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if err, _ := failed.Load().(error); err != nil {
		t.Fatalf("writer: %v", err)
	}
	if err := store.Verify(ctx, dst); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", "file:"+dst+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	have := map[string]bool{}
	rows, err := db.Query(`SELECT reference FROM bookings WHERE reference IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r string
		rows.Scan(&r)
		have[r] = true
	}
	rows.Close()
	for _, r := range before {
		if !have[r] {
			t.Fatalf("booking %s committed before the backup started is missing from it", r)
		}
	}
	t.Logf("backup took %v; %d bookings committed before it, %d during it, %d in the copy", took, len(before), during, len(have))
}

func TestSQLiteLeaseIsExclusiveAndNamesTheHolder(t *testing.T) {
	db := filepath.Join(t.TempDir(), "y.db")
	l, err := store.AcquireLease(db)
	if err != nil {
		t.Fatal(err)
	}
	_, err = store.AcquireLease(db)
	var inUse *store.InUseError
	host, _ := os.Hostname()
	if !errors.As(err, &inUse) || !strings.Contains(err.Error(), "database "+db+" is in use by pid ") || !strings.Contains(err.Error(), " on "+host) {
		t.Fatalf("second lease: %v", err)
	}
	if err := l.Check(); err != nil {
		t.Fatalf("held lease reported lost: %v", err)
	}
	os.Remove(store.LockPath(db))
	if err := l.Check(); err == nil {
		t.Fatal("removed lock file not reported as a lost lease")
	}
	l.Release()
	l2, err := store.AcquireLease(db)
	if err != nil {
		t.Fatalf("lease after release: %v", err)
	}
	l2.Release()
}

func TestSQLiteRestoreRefusesADatabaseInUseAndRestores(t *testing.T) {
	e, st := sqliteEnv(t)
	ref, err := bookOne(e, 1)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "b.db")
	if err := store.Backup(ctx, st.Path, dst); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "restored.db")
	l, err := store.AcquireLease(target)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Restore(ctx, dst, target, storetest.Secret, time.Now()); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("restore over a database in use: %v", err)
	}
	if fi, err := os.Stat(target); err != nil || fi.Size() != 0 {
		t.Fatal("refused restore still wrote the database") // the lease made it, empty
	}
	l.Release()
	if _, err := store.Restore(ctx, dst, target, storetest.Secret, time.Now()); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, target, storetest.Secret)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	s.Reader().QueryRow(`SELECT count(*) FROM bookings WHERE reference = ?`, ref).Scan(&n)
	if n != 1 {
		t.Fatal("restored database lacks the booking")
	}
	bad := filepath.Join(t.TempDir(), "bad.db")
	os.WriteFile(bad, []byte("not a database at all, not even close to one"), 0o600)
	if _, err := store.Restore(ctx, bad, target, storetest.Secret, time.Now()); err == nil {
		t.Fatal("a corrupt backup was restored")
	}
}

func TestSQLiteBackupIntoKeepsTheNewest(t *testing.T) {
	_, st := sqliteEnv(t)
	dir := filepath.Join(t.TempDir(), "backups")
	at := storetest.Start
	var last string
	for i := range 4 {
		p, err := store.BackupInto(ctx, st.Path, dir, 2, at.Add(time.Duration(i)*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		last = p
	}
	names, _ := filepath.Glob(filepath.Join(dir, "yuyue-*.db"))
	if len(names) != 2 || names[1] != last {
		t.Fatalf("kept %v, want the 2 newest ending in %s", names, last)
	}
}

// sqliteEnv is an environment on SQLite for the TestSQLite… tests: backups,
// leases and reopening under a new key work on the SQLite file
// (PostgreSQL's Rekey is tested in store/postgres).
func sqliteEnv(t *testing.T) (*storetest.Env, *store.Store) {
	st := storetest.OpenSQLite(t)
	return storetest.NewEnvOn(t, st, loadCatalog), st
}
