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
// lock (flock) on DATABASE.lock beside it. The kernel drops the lock when
// the process dies, so a crash never leaves a stale lease behind.
type Lease struct {
	f    *os.File
	path string
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
// must stop at once, not queue behind the first.
func AcquireLease(dbPath string) (*Lease, error) {
	path := LockPath(dbPath)
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create database directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			b, _ := os.ReadFile(path)
			holder := strings.TrimSpace(string(b))
			if holder == "" {
				holder = "another process"
			}
			return nil, &InUseError{Database: dbPath, Holder: holder}
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	host, _ := os.Hostname()
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(fmt.Sprintf("pid %d on %s\n", os.Getpid(), host)), 0)
	}
	return &Lease{f: f, path: path}, nil
}

// Check reports a lost lease: the lock file was removed or replaced, so a
// second process could lock a new one.
func (l *Lease) Check() error {
	held, err := l.f.Stat()
	if err != nil {
		return fmt.Errorf("lease: %w", err)
	}
	now, err := os.Stat(l.path)
	if err != nil || !os.SameFile(held, now) {
		return errors.New("lease lost: the lock file " + l.path + " was removed or replaced")
	}
	return nil
}

// Release gives the lease up. The file stays: removing it would let a
// process that opened it before the removal lock a file nobody else sees.
func (l *Lease) Release() error { return l.f.Close() }
