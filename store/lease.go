package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Lease is the exclusive right to run workers on a SQLite database: an OS
// lock (flock) on the database file itself, so whatever path reaches it (a
// symlink, a hard link, a relative path) meets the same lock; the kernel
// drops it when the process dies, so a crash never leaves a stale lease.
// DATABASE.lock beside it names the holder and is locked too, for older
// versions that only knew that file.
//
// flock and SQLite's POSIX locks do not interact on Linux, but closing any
// descriptor of the database drops this process's POSIX locks on it: the
// lease must be released after the store is closed.
type Lease struct {
	db, lock         *os.File
	dbPath, lockPath string
}

// InUseError is returned when another process holds the lease.
type InUseError struct {
	Database string
	Holder   string // "pid N on HOST", as the holder wrote it
}

func (e *InUseError) Error() string {
	return fmt.Sprintf("database %s is in use by %s", e.Database, e.Holder)
}

// LockPath is the lock file of the database at dbPath.
func LockPath(dbPath string) string { return dbPath + ".lock" }

// AcquireLease takes the lease on dbPath without waiting: a second server
// must stop at once, not queue behind the first. It creates the database
// file (empty, private) if there is none yet.
func AcquireLease(dbPath string) (*Lease, error) {
	if err := os.MkdirAll(filepath.Dir(dbPath), 0o750); err != nil {
		return nil, fmt.Errorf("create database directory: %w", err)
	}
	if err := makePrivate(dbPath); err != nil {
		return nil, fmt.Errorf("database file: %w", err)
	}
	db, err := lockFile(dbPath)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return nil, &InUseError{Database: dbPath, Holder: holder(dbPath)}
	} else if err != nil {
		return nil, err
	}
	l := &Lease{db: db, dbPath: dbPath, lockPath: LockPath(dbPath)}
	if l.lock, err = lockFile(l.lockPath); err != nil {
		db.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &InUseError{Database: dbPath, Holder: holder(dbPath)}
		}
		return nil, err
	}
	host, _ := os.Hostname()
	if err := l.lock.Truncate(0); err == nil {
		_, _ = l.lock.WriteAt([]byte(fmt.Sprintf("pid %d on %s\n", os.Getpid(), host)), 0)
	}
	return l, nil
}

// lockFile opens path (creating it 0600) and flocks it without waiting.
func lockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, privateMode)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, err
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return f, nil
}

// holder reads who holds the database from its lock file, found through
// symlinks too; a hard link's holder is not known by name.
func holder(dbPath string) string {
	paths := []string{LockPath(dbPath)}
	if real, err := filepath.EvalSymlinks(dbPath); err == nil {
		paths = append([]string{LockPath(real)}, paths...)
	}
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil && strings.TrimSpace(string(b)) != "" {
			return strings.TrimSpace(string(b))
		}
	}
	return "another process (reached through another path: a hard link or a moved file)"
}

// Check reports a lost or weakened lease: the database file at the path
// is no longer the locked one (moved or replaced), or the lock file was
// removed or replaced, so a version that only knows the lock file could
// start beside this server.
func (l *Lease) Check() error {
	if err := sameFile(l.db, l.dbPath); err != nil {
		return fmt.Errorf("lease lost: the database file %s was moved or replaced", l.dbPath)
	}
	if err := sameFile(l.lock, l.lockPath); err != nil {
		return fmt.Errorf("lock file %s was removed or replaced: the database itself is still locked, "+
			"but restart the server to recreate the lock file", l.lockPath)
	}
	return nil
}

func sameFile(f *os.File, path string) error {
	held, err := f.Stat()
	if err != nil {
		return err
	}
	now, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !os.SameFile(held, now) {
		return errors.New("replaced")
	}
	return nil
}

// Release gives the lease up. The lock file stays: removing it would let
// a process that opened it before the removal lock a file nobody else sees.
func (l *Lease) Release() error { return errors.Join(l.lock.Close(), l.db.Close()) }
